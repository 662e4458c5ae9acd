/**
 * PrecisionPlan: which precision each layer runs in. It is the product's core artifact: the plan is
 * materialized as an ONNX graph (materialize.ts) that ONNX Runtime emulates and TensorRT builds.
 */
import { WorkbenchError } from '../errors';
import { resolveLayerId, type Layer } from './layers';

export type Precision = 'int8' | 'fp16' | 'fp32';
export const PRECISIONS: readonly Precision[] = ['int8', 'fp16', 'fp32'];
export type CalibratorName = 'max' | 'entropy' | 'percentile' | 'mse';
export const CALIBRATORS: readonly CalibratorName[] = ['entropy', 'max', 'percentile', 'mse'];

export interface PlanLayerEntry {
  precision?: Precision;
  /** Overrides the calibrated amax of this layer's activation inputs (one value applies to all). */
  activationAmax?: number;
  calibrator?: CalibratorName;
}

export interface PrecisionPlan {
  schema: 'pwb.precision-plan';
  version: 1;
  /** Precision of every discovered layer without an entry. */
  defaultPrecision: Precision;
  calibrator: CalibratorName;
  /** Keyed by stable layer id (layers.ts). */
  layers: Record<string, PlanLayerEntry>;
}

export function defaultPlan(precision: Precision, calibrator: CalibratorName = 'entropy'): PrecisionPlan {
  return { schema: 'pwb.precision-plan', version: 1, defaultPrecision: precision, calibrator, layers: {} };
}

export function parsePlan(json: unknown, file = 'plan'): PrecisionPlan {
  const fail = (what: string): never => {
    throw new WorkbenchError('precision', 'PLAN_INVALID', `${file}: ${what}`, { file });
  };
  if (!json || typeof json !== 'object') fail('not a JSON object');
  const plan = json as Record<string, unknown>;
  if (plan.schema !== 'pwb.precision-plan') fail(`"schema" must be "pwb.precision-plan"`);
  if (plan.version !== 1) fail(`unsupported plan version ${JSON.stringify(plan.version)} (this build reads version 1)`);
  if (!PRECISIONS.includes(plan.defaultPrecision as Precision)) fail(`"defaultPrecision" must be one of ${PRECISIONS.join(', ')}`);
  if (!CALIBRATORS.includes(plan.calibrator as CalibratorName)) fail(`"calibrator" must be one of ${CALIBRATORS.join(', ')}`);
  if (!plan.layers || typeof plan.layers !== 'object' || Array.isArray(plan.layers)) fail('"layers" must be an object keyed by layer id');
  for (const [id, entry] of Object.entries(plan.layers as Record<string, PlanLayerEntry>)) {
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) fail(`layer '${id}': entry must be an object such as {"precision": "fp16"}`);
    if (entry.precision !== undefined && !PRECISIONS.includes(entry.precision)) fail(`layer '${id}': precision '${entry.precision}' is not one of ${PRECISIONS.join(', ')}`);
    if (entry.activationAmax !== undefined && !(entry.activationAmax > 0 && Number.isFinite(entry.activationAmax))) fail(`layer '${id}': activationAmax must be a positive number`);
    if (entry.calibrator !== undefined && !CALIBRATORS.includes(entry.calibrator)) fail(`layer '${id}': calibrator '${entry.calibrator}' is unknown`);
  }
  return plan as unknown as PrecisionPlan;
}

export interface ResolvedLayerPrecision {
  layer: Layer;
  precision: Precision;
  entry?: PlanLayerEntry;
}

/** Applies a plan to the model's layers. Plan entries that match no layer are returned, not dropped silently. */
export function resolvePlan(plan: PrecisionPlan, layers: readonly Layer[]): { resolved: ResolvedLayerPrecision[]; unmatchedIds: string[] } {
  const entries = new Map<string, PlanLayerEntry>();
  const unmatchedIds: string[] = [];
  for (const [id, entry] of Object.entries(plan.layers)) {
    const layer = resolveLayerId(id, layers);
    if (layer) entries.set(layer.id, entry);
    else unmatchedIds.push(id);
  }
  const resolved = layers.map((layer) => {
    const entry = entries.get(layer.id);
    return { layer, entry, precision: entry?.precision ?? plan.defaultPrecision };
  });
  return { resolved, unmatchedIds };
}
