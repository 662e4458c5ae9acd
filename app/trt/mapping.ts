/**
 * Engine layer ↔ ONNX node mapping (reference/tensorrt.md §6). Per engine layer, in this order:
 * 1. `metadata`: the `[ONNX Layer: …]` entries of the layer's Metadata (TensorRT ≥ 10 with detailed verbosity);
 * 2. `reformat`: a reformat copy maps to the nodes of the layer it is for (its target is mapped recursively);
 * 3. `foreign-node-range`: `{ForeignNode[a...b]}` = every ONNX node from a to b in topological order (only the
 *    endpoints are printed, so the range is an approximation when the region is not contiguous);
 * 4. the name's parts (split on " + ", PWN(…) unwrapped) matched against node names, then output tensor names
 *    (TensorRT names folded constants and Q/DQ layers after tensors), `node_of_<output>`, unique-ified `name_<n>`
 *    and optimizer-derived names (`reshape_after_X`): `exact-name` for a one-part name, `pwn` when a matched part
 *    sat inside PWN(…), else `fused-part`.
 * Without an ONNX model the parsed names are taken at their word (coverage says "not verified").
 */
import { isReformatLayer } from './engine-layer';
import { derivedFrom, isSyntheticName, parseLayerName, type NamePart } from './layer-name';
import type { EngineLayer, LayerMapping, MappingCoverage, MatchMethod, OnnxSide } from './types';

export class OnnxIndex {
  readonly order = new Map<string, number>();
  readonly producerOf = new Map<string, string>();
  constructor(readonly side: OnnxSide) {
    side.nodes.forEach((node, index) => {
      if (node.name !== '' && !this.order.has(node.name)) this.order.set(node.name, index);
      for (const output of node.outputs) if (!this.producerOf.has(output)) this.producerOf.set(output, node.name || `node_of_${output}`);
    });
    // Unnamed nodes are named node_of_<first output> by the ONNX parser.
    side.nodes.forEach((node, index) => {
      if (node.name === '' && node.outputs[0] !== undefined) this.order.set(`node_of_${node.outputs[0]}`, index);
    });
  }

  /** The ONNX node a name part refers to, if any. */
  resolve(part: string, depth = 0): string | undefined {
    if (this.order.has(part)) return part;
    const produced = this.producerOf.get(part);
    if (produced !== undefined) return produced;
    if (depth > 3) return undefined;
    const nodeOf = /^node_of_(.+)$/.exec(part);
    if (nodeOf) return this.producerOf.get(nodeOf[1]);
    const unique = /^(.+)_\d+$/.exec(part);
    if (unique && this.order.has(unique[1])) return unique[1];
    const derived = derivedFrom(part);
    return derived === undefined ? undefined : this.resolve(derived, depth + 1);
  }

  range(first: string, last: string): string[] {
    const a = this.order.get(first);
    const b = this.order.get(last);
    if (a === undefined || b === undefined) return [first, last].filter((n) => this.order.has(n));
    const [from, to] = a <= b ? [a, b] : [b, a];
    return this.side.nodes.slice(from, to + 1).map((n, i) => n.name || `node_of_${n.outputs[0] ?? from + i}`);
  }
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}

function mapParts(parts: NamePart[], onnx: OnnxIndex | undefined): { nodes: string[]; unknown: string[]; pwnMatched: boolean } {
  const nodes: string[] = [];
  const unknown: string[] = [];
  let pwnMatched = false;
  for (const part of parts) {
    const node = onnx ? onnx.resolve(part.name) : isSyntheticName(part.name) ? undefined : (derivedFrom(part.name) ?? part.name);
    if (node === undefined) {
      if (onnx) unknown.push(part.name);
      continue;
    }
    nodes.push(node);
    if (part.pwn) pwnMatched = true;
  }
  return { nodes: unique(nodes), unknown, pwnMatched };
}

/** Maps one engine layer. `byName` finds other engine layers (reformat targets) to reuse their metadata. */
export function mapEngineLayer(layer: Pick<EngineLayer, 'name' | 'metadataNodes'>, onnx: OnnxIndex | undefined, byName: Map<string, EngineLayer>, depth = 0): LayerMapping {
  const result = (method: MatchMethod, onnxNodes: string[], unknownParts: string[] = []): LayerMapping => ({ engineLayer: layer.name, method: onnxNodes.length === 0 && method !== 'reformat' ? 'unmatched' : method, onnxNodes, unknownParts });
  if (layer.metadataNodes.length > 0) {
    const known = onnx ? layer.metadataNodes.filter((n) => onnx.order.has(n)) : layer.metadataNodes;
    return result('metadata', known, onnx ? layer.metadataNodes.filter((n) => !onnx.order.has(n)) : []);
  }
  if (onnx?.order.has(layer.name)) return result('exact-name', [layer.name]);
  const parsed = parseLayerName(layer.name);
  if (parsed.kind === 'reformat') {
    const target = byName.get(parsed.target);
    const inner = depth < 4 ? mapEngineLayer(target ?? { name: parsed.target, metadataNodes: [] }, onnx, byName, depth + 1) : undefined;
    const mapping = result('reformat', inner?.onnxNodes ?? []);
    mapping.reformatTarget = parsed.target;
    if (mapping.onnxNodes.length === 0) mapping.method = 'unmatched';
    return mapping;
  }
  if (parsed.kind === 'foreign-node') {
    const first = parseLayerName(parsed.first);
    const last = parseLayerName(parsed.last);
    const firstNodes = first.kind === 'parts' ? mapParts(first.parts, onnx).nodes : [];
    const lastNodes = last.kind === 'parts' ? mapParts(last.parts, onnx).nodes : [];
    let nodes: string[];
    if (onnx && firstNodes.length > 0 && lastNodes.length > 0) nodes = onnx.range(firstNodes[0], lastNodes[lastNodes.length - 1]);
    else nodes = unique([...firstNodes, ...lastNodes]);
    const mapping = result('foreign-node-range', nodes);
    mapping.range = { first: parsed.first, last: parsed.last };
    return mapping;
  }
  const { nodes, unknown, pwnMatched } = mapParts(parsed.parts, onnx);
  const method: MatchMethod = pwnMatched ? 'pwn' : parsed.parts.length > 1 ? 'fused-part' : 'exact-name';
  return result(method, nodes, unknown);
}

/** Maps the layers of one engine (optimization profile 0 only: the others are copies) and sums up coverage. */
export function mapEngine(layers: readonly EngineLayer[], onnx?: OnnxSide): { mapping: LayerMapping[]; coverage: MappingCoverage } {
  const index = onnx ? new OnnxIndex(onnx) : undefined;
  const byName = new Map<string, EngineLayer>();
  for (const layer of layers) if (!byName.has(layer.name)) byName.set(layer.name, layer);
  const mapping = layers.filter((l) => l.profileIndex === 0).map((layer) => mapEngineLayer(layer, index, byName));
  const byMethod: MappingCoverage['byMethod'] = {};
  for (const m of mapping) byMethod[m.method] = (byMethod[m.method] ?? 0) + 1;
  const coverage: MappingCoverage = {
    engineLayers: mapping.length,
    mapped: mapping.filter((m) => m.method !== 'unmatched').length,
    byMethod,
    verifiedAgainstOnnx: index !== undefined,
  };
  if (index && onnx) {
    const covered = new Set(mapping.flatMap((m) => m.onnxNodes));
    coverage.onnxNodes = onnx.nodes.length;
    coverage.onnxNodesWithoutLayer = onnx.nodes.filter((n) => !covered.has(n.name || `node_of_${n.outputs[0]}`)).length;
  }
  return { mapping, coverage };
}

