/**
 * Which layers a plan change can affect: the changed layers and every layer downstream of them. Layers upstream
 * of (or beside) every change compute exactly what they computed in the previous build, so a rebuild may reuse
 * their metrics and skip capturing them. Conservative: any change involving a subgraph layer, or a model with
 * subgraph layers, affects everything (values flow into If/Loop/Scan bodies through implicit inputs).
 */
import type { Graph } from '../model/graph';
import type { Layer } from './layers';
import type { ResolvedLayerPrecision } from './plan';

/** What a layer's reduced-precision computation depends on: its precision and the amax of each quantized input. */
export type LayerSetting = { precision: string; amax: (number | undefined)[] };

/** Ids of layers whose setting differs between two builds (a layer missing from either counts as changed). */
export function changedLayers(before: ReadonlyMap<string, LayerSetting>, after: ReadonlyMap<string, LayerSetting>): Set<string> {
  const changed = new Set<string>();
  for (const [id, setting] of after) {
    const old = before.get(id);
    if (!old || old.precision !== setting.precision || old.amax.length !== setting.amax.length || old.amax.some((a, i) => a !== setting.amax[i])) changed.add(id);
  }
  for (const id of before.keys()) if (!after.has(id)) changed.add(id);
  return changed;
}

/**
 * The layers whose outputs may differ after changing `changed`: each changed layer and every layer reachable from
 * a changed layer's node through data edges of the main graph. `null` = everything (subgraphs involved).
 */
export function affectedLayers(graph: Graph, layers: readonly Layer[], changed: ReadonlySet<string>): Set<string> | null {
  if (layers.some((l) => l.graphPath !== '')) return null;
  // Layers reading an activation tensor a changed layer also reads may share its Q/DQ pair: they change too.
  const changedInputs = new Set(layers.filter((l) => changed.has(l.id)).flatMap((l) => l.activationInputs));
  const reached = new Set<number>();
  const stack: number[] = [];
  for (const layer of layers) if (changed.has(layer.id) || layer.activationInputs.some((t) => changedInputs.has(t))) stack.push(layer.nodeIndex);
  while (stack.length > 0) {
    const index = stack.pop()!;
    if (reached.has(index)) continue;
    reached.add(index);
    for (const tensor of graph.nodes[index].outputs) {
      if (!tensor) continue;
      for (const consumer of graph.values.get(tensor)?.consumers ?? []) if (!reached.has(consumer)) stack.push(consumer);
    }
  }
  return new Set(layers.filter((l) => reached.has(l.nodeIndex)).map((l) => l.id));
}

export function layerSettings(resolved: readonly ResolvedLayerPrecision[], amaxOf: (layer: Layer, tensor: string) => number | undefined): Map<string, LayerSetting> {
  return new Map(resolved.map((r) => [r.layer.id, { precision: r.precision, amax: r.precision === 'int8' ? r.layer.activationInputs.map((t) => amaxOf(r.layer, t)) : [] }]));
}
