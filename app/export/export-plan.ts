/**
 * What an export builds from: the analysis report's plan as it was actually applied. A report records, per layer,
 * the precision the layer ran in (layers whose inputs were never calibrated were demoted to FP32 by the analysis,
 * whatever the plan asked) and, per quantized input, the amax it used. Exports rebuild exactly that — never a
 * re-resolution of the plan — so the exported graph is the analysed graph.
 */
import { REPORT_SCHEMA, REPORT_VERSION, type AnalysisReport } from '../contract/report';
import { WorkbenchError } from '../errors';
import type { Layer } from '../precision/layers';
import type { AmaxLookup } from '../precision/materialize';
import { PRECISIONS, parsePlan, resolvePlan, type Precision, type PrecisionPlan, type ResolvedLayerPrecision } from '../precision/plan';

export interface ExportPlan {
  /** One entry per layer of the model, in discovery order, with the precision the analysis applied. */
  resolved: ResolvedLayerPrecision[];
  /** Calibrated amax of each quantized activation (per graph path and tensor), as recorded in the report. */
  amaxOf: AmaxLookup;
  /** The report's plan plus explicit entries for layers the analysis ran in another precision than planned. */
  effectivePlan: PrecisionPlan;
  counts: Record<Precision, number>;
}

function reportError(code: 'REPORT_INVALID' | 'REPORT_MODEL_MISMATCH', file: string, message: string): WorkbenchError {
  return new WorkbenchError('precision', code, `${file}: ${message}`, { file });
}

/**
 * Checks that `json` is an analysis report this build can export from (schema, version and every field the export
 * reads). Returns it typed; numbers are not re-derived.
 */
export function parseAnalysisReport(json: unknown, file: string): AnalysisReport {
  const fail = (what: string): never => {
    throw reportError('REPORT_INVALID', file, what);
  };
  if (!json || typeof json !== 'object' || Array.isArray(json)) fail('not a JSON object');
  const report = json as Record<string, unknown>;
  if (report.schema !== REPORT_SCHEMA) fail(`"schema" is ${JSON.stringify(report.schema)}, expected "${REPORT_SCHEMA}" (is this a pwb analyze report.json?)`);
  if (report.version !== REPORT_VERSION) fail(`report version ${JSON.stringify(report.version)} is not supported (this build reads version ${REPORT_VERSION})`);
  parsePlan(report.plan, `${file} (plan)`);
  const settings = report.settings as Record<string, unknown> | undefined;
  if (!settings || typeof settings !== 'object') fail('"settings" is missing');
  const shapes = settings!.inputShapes as Record<string, unknown> | undefined;
  if (!shapes || typeof shapes !== 'object') fail('"settings.inputShapes" is missing');
  for (const [name, dims] of Object.entries(shapes!)) {
    if (!Array.isArray(dims) || !dims.every((d) => Number.isSafeInteger(d) && d > 0)) fail(`"settings.inputShapes" of '${name}' is not a list of positive integers`);
  }
  if (!Array.isArray(report.layers)) fail('"layers" is not a list');
  (report.layers as unknown[]).forEach((entry, i) => {
    const layer = entry as Record<string, unknown>;
    if (!layer || typeof layer !== 'object') fail(`layers[${i}] is not an object`);
    if (typeof layer.id !== 'string' || typeof layer.graphPath !== 'string' || typeof layer.name !== 'string') fail(`layers[${i}] has no id/name/graphPath`);
    if (!PRECISIONS.includes(layer.precision as Precision)) fail(`layer '${layer.id}': precision ${JSON.stringify(layer.precision)} is not one of ${PRECISIONS.join(', ')}`);
    if (!Array.isArray(layer.activations)) fail(`layer '${layer.id}': "activations" is not a list`);
    for (const a of layer.activations as Record<string, unknown>[]) {
      if (typeof a?.tensor !== 'string' || typeof a.amax !== 'number' || !(a.amax > 0) || !Number.isFinite(a.amax)) {
        fail(`layer '${layer.id}': an activation has no tensor name or a non-positive amax`);
      }
    }
  });
  if (!Array.isArray(report.outputs)) fail('"outputs" is not a list');
  return json as AnalysisReport;
}

/**
 * Matches the report's layers to the model's (exact stable ids: the model must be the analysed one) and returns
 * the plan to materialize. Throws REPORT_MODEL_MISMATCH when the layers differ.
 */
export function exportPlanFromReport(report: AnalysisReport, layers: readonly Layer[], file = 'report.json'): ExportPlan {
  const byId = new Map(layers.map((l) => [l.id, l]));
  const missing = report.layers.filter((l) => {
    const layer = byId.get(l.id);
    return !layer || layer.graphPath !== l.graphPath || layer.opType !== l.opType;
  });
  if (missing.length > 0 || report.layers.length !== layers.length) {
    const examples = missing.slice(0, 3).map((l) => `'${l.id}'`).join(', ');
    throw reportError(
      'REPORT_MODEL_MISMATCH',
      file,
      `the report describes ${report.layers.length} layers, the model has ${layers.length}` +
        (missing.length > 0 ? `; ${missing.length} report layers are not in the model (e.g. ${examples})` : '') +
        ' — export needs the model the report was made from',
    );
  }
  const precisionById = new Map(report.layers.map((l) => [l.id, l.precision]));
  const { resolved: planned } = resolvePlan(report.plan, layers);
  const effectivePlan: PrecisionPlan = { ...report.plan, layers: { ...report.plan.layers } };
  const counts: Record<Precision, number> = { int8: 0, fp16: 0, fp32: 0 };
  const resolved = planned.map((r) => {
    const applied = precisionById.get(r.layer.id)!;
    counts[applied]++;
    if (applied !== r.precision) effectivePlan.layers[r.layer.id] = { ...(effectivePlan.layers[r.layer.id] ?? {}), precision: applied };
    return { ...r, precision: applied };
  });

  const amax = new Map<string, number>();
  for (const layer of report.layers) {
    if (layer.precision !== 'int8') continue;
    for (const a of layer.activations) {
      // Plan overrides reach materializePlan through the plan entry (resolved[].entry.activationAmax).
      if (a.source === 'plan-override') continue;
      const key = `${layer.graphPath}\u0000${a.tensor}`;
      const known = amax.get(key);
      if (known !== undefined && known !== a.amax) {
        throw reportError('REPORT_INVALID', file, `tensor '${a.tensor}' has two calibrated ranges (${known} and ${a.amax})`);
      }
      amax.set(key, a.amax);
    }
  }
  for (const r of resolved) {
    if (r.precision !== 'int8' || r.entry?.activationAmax !== undefined) continue;
    const uncovered = r.layer.activationInputs.filter((t) => !amax.has(`${r.layer.graphPath}\u0000${t}`));
    if (uncovered.length > 0) throw reportError('REPORT_INVALID', file, `INT8 layer '${r.layer.id}' has no recorded amax for its input '${uncovered[0]}'`);
  }
  return { resolved, amaxOf: (graphPath, tensor) => amax.get(`${graphPath}\u0000${tensor}`), effectivePlan, counts };
}
