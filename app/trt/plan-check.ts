/**
 * Realized vs planned precision: for every layer of the precision plan, the compute precision of the engine
 * layers that run its ONNX node (reformat copies excluded). The headline finding is a layer planned INT8 that
 * TensorRT ran in FP32 (no Q/DQ fusion found, an unsupported pattern, or a Myelin region that kept FP32).
 */
import type { Precision } from '../precision/plan';
import { lessPrecise, morePrecise } from './realized-precision';
import type { EngineLayer, LayerMapping, OnnxSide, PlanCheck, PlanCheckRow } from './types';

export function checkPlan(layers: readonly EngineLayer[], mapping: readonly LayerMapping[], onnx: OnnxSide): PlanCheck | undefined {
  if (!onnx.layers || !onnx.plannedPrecision) return undefined;
  const layerByName = new Map(layers.filter((l) => l.profileIndex === 0).map((l) => [l.name, l]));
  const runs = new Map<string, { engineLayer: string; precision: EngineLayer['precision'] }[]>();
  for (const m of mapping) {
    if (m.method === 'reformat' || m.method === 'unmatched') continue;
    const layer = layerByName.get(m.engineLayer);
    if (!layer) continue;
    for (const node of m.onnxNodes) {
      const list = runs.get(node) ?? [];
      list.push({ engineLayer: layer.name, precision: layer.precision });
      runs.set(node, list);
    }
  }
  const rows: PlanCheckRow[] = [];
  for (const layer of onnx.layers) {
    const planned: Precision | undefined = onnx.plannedPrecision[layer.id];
    if (planned === undefined) continue;
    const realized = runs.get(layer.name) ?? [];
    let status: PlanCheckRow['status'];
    if (realized.length === 0) status = 'not-in-engine';
    else if (realized.every((r) => morePrecise(r.precision, planned) === undefined)) status = 'unknown-precision';
    else if (realized.some((r) => morePrecise(r.precision, planned) === true)) status = 'higher-precision';
    else if (realized.some((r) => lessPrecise(r.precision, planned) === true)) status = 'lower-precision';
    else status = 'as-planned';
    rows.push({ layerId: layer.id, node: layer.name, planned, realized, status });
  }
  const higher = rows.filter((r) => r.status === 'higher-precision');
  return {
    rows,
    fp32WhereInt8: higher.filter((r) => r.planned === 'int8' && r.realized.some((x) => x.precision === 'fp32')),
    otherHigherPrecision: higher.filter((r) => !(r.planned === 'int8' && r.realized.some((x) => x.precision === 'fp32'))),
  };
}
