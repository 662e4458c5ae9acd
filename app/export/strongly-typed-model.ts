/**
 * The graph a strongly typed TensorRT build gets for a plan, straight from an analysis session (no report on disk):
 * the same transform as the FP16/Q-DQ export (mixedPrecisionModel), after upgrading models below opset 13 when the
 * plan has INT8 layers (ai.onnx DequantizeLinear needs 13 for per-channel weights). Layer ids survive the upgrade,
 * so the plan's precisions are carried over by id.
 */
import { WorkbenchError } from '../errors';
import { Graph, defaultOpset } from '../model/graph';
import { upgradeToOpset13 } from '../onnx/opset-upgrade';
import type { ModelProto } from '../onnx/proto';
import { discoverLayers } from '../precision/layers';
import type { AmaxLookup, MaterializedModel } from '../precision/materialize';
import type { ResolvedLayerPrecision } from '../precision/plan';
import { mixedPrecisionModel, type MixedPrecisionExport } from './fp16-export';

export interface StronglyTypedModel extends MixedPrecisionExport {
  /** The INT8 transform's record: quantized activations with their scales, per-layer weight scales (model unused). */
  int8Part: MaterializedModel;
  /** The opset the model was upgraded from (null when used at its own opset). */
  upgradedFromOpset: number | null;
}

export function stronglyTypedModel(model: ModelProto, graph: Graph, resolved: readonly ResolvedLayerPrecision[], amaxOf: AmaxLookup): StronglyTypedModel {
  const hasInt8 = resolved.some((r) => r.precision === 'int8');
  if (!hasInt8 || defaultOpset(model) >= 13) return { ...mixedPrecisionModel(model, graph, resolved, amaxOf), upgradedFromOpset: null };
  const upgrade = upgradeToOpset13(model);
  const upgradedGraph = new Graph(upgrade.model.graph);
  const byId = new Map(resolved.map((r) => [r.layer.id, r]));
  const carried: ResolvedLayerPrecision[] = discoverLayers(upgradedGraph).map((layer) => {
    const original = byId.get(layer.id);
    if (!original) throw new WorkbenchError('onnx', 'OPSET_UPGRADE_CHANGED_LAYERS', `the opset ${upgrade.fromOpset}→13 upgrade changed the model's layers: '${layer.id}' is new`);
    return { ...original, layer };
  });
  if (carried.length !== resolved.length) {
    throw new WorkbenchError('onnx', 'OPSET_UPGRADE_CHANGED_LAYERS', `the opset ${upgrade.fromOpset}→13 upgrade changed the model's layer count (${resolved.length} → ${carried.length})`);
  }
  return { ...mixedPrecisionModel(upgrade.model, upgradedGraph, carried, amaxOf), upgradedFromOpset: upgrade.fromOpset };
}
