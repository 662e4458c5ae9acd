/**
 * The Q/DQ export: the analysed graph in the standard ai.onnx domain, ready for TensorRT explicit quantization.
 * It is `materializePlan(..., { qdqDomain: 'ai.onnx' })` — the same transform the analysis ran — applied to the
 * same model with the report's precisions and amax values, then stripped of the float weights nothing reads.
 * Models below opset 13 (where ai.onnx DequantizeLinear has no per-channel axis) are first upgraded to opset 13
 * (app/onnx/opset-upgrade.ts), which keeps every node name and layer id.
 */
import type { AnalysisReport } from '../contract/report';
import { WorkbenchError } from '../errors';
import { Graph, defaultOpset } from '../model/graph';
import { upgradeToOpset13, type OpsetUpgradeResult } from '../onnx/opset-upgrade';
import type { ModelProto } from '../onnx/proto';
import { discoverLayers, type Layer } from '../precision/layers';
import { materializePlan, type MaterializedModel } from '../precision/materialize';
import { exportPlanFromReport, type ExportPlan } from './export-plan';
import { pruneUnusedInitializers } from './prune';

export interface ExportBase {
  /** The float model the exports are built from: the input model, upgraded to opset 13 when INT8 needs it. */
  model: ModelProto;
  graph: Graph;
  layers: Layer[];
  plan: ExportPlan;
  /** null when the model was used at its own opset. */
  upgrade: OpsetUpgradeResult | null;
}

export interface QdqExport {
  model: ModelProto;
  materialized: MaterializedModel;
  removedInitializers: number;
}

/**
 * Matches the report to the model and, unless `upgrade` is false (no ONNX model is exported), upgrades the opset
 * when the plan has INT8 layers and the model is below 13.
 */
export function prepareExport(model: ModelProto, report: AnalysisReport, reportFile = 'report.json', options: { upgrade?: boolean } = {}): ExportBase {
  const graph = new Graph(model.graph);
  const layers = discoverLayers(graph);
  const plan = exportPlanFromReport(report, layers, reportFile);
  if (options.upgrade === false || plan.counts.int8 === 0 || defaultOpset(model) >= 13) return { model, graph, layers, plan, upgrade: null };
  let upgrade: OpsetUpgradeResult;
  try {
    upgrade = upgradeToOpset13(model);
  } catch (error) {
    if (error instanceof WorkbenchError) {
      throw new WorkbenchError(error.area, error.code, `${error.message} (the calibration cache, scripts and plan do not need the upgrade: --what cache,trtexec,exclude,plan,report)`);
    }
    throw error;
  }
  const upgradedGraph = new Graph(upgrade.model.graph);
  const upgradedLayers = discoverLayers(upgradedGraph);
  let upgradedPlan: ExportPlan;
  try {
    upgradedPlan = exportPlanFromReport(report, upgradedLayers, reportFile);
  } catch (error) {
    // The upgrade must keep every layer id; if it did not, that is a bug in the upgrade, not in the report.
    throw new WorkbenchError('onnx', 'OPSET_UPGRADE_CHANGED_LAYERS', `the opset ${upgrade.fromOpset}→13 upgrade changed the model's layers: ${(error as Error).message}`);
  }
  return { model: upgrade.model, graph: upgradedGraph, layers: upgradedLayers, plan: upgradedPlan, upgrade };
}

export function buildQdqModel(base: ExportBase): QdqExport {
  const materialized = materializePlan(base.model, base.graph, base.plan.resolved, base.plan.amaxOf, { qdqDomain: 'ai.onnx' });
  const pruned = pruneUnusedInitializers(materialized.model);
  return { model: pruned.model, materialized, removedInitializers: pruned.removed };
}
