/**
 * Everything `pwb export` writes, built in memory from a model and its analysis report (pure; main/export writes
 * the files). Kinds:
 *   qdq      <base>.qdq.onnx            the analysed graph, ai.onnx Q/DQ (opset ≥ 13), reproduces the report
 *   fp16     <base>.mixed.onnx          INT8 as in qdq, FP16 layers in real float16 with boundary Casts
 *   cache    <base>.calibration.cache   TensorRT 10 calibration cache of the quantized activations
 *   trtexec  trtexec.sh                 TensorRT 11 / 10 / 10-implicit build commands
 *   exclude  nodes_to_exclude.txt, modelopt.sh   ModelOpt/AutoCast exclusion lists
 *   plan     plan.json                  the plan as applied (pwb.precision-plan)
 *   report   report.json                the analysis report, byte for byte
 * Without an explicit list, kinds that do not apply are skipped: fp16 without FP16 layers, cache without INT8.
 */
import type { AnalysisReport } from '../contract/report';
import { WorkbenchError } from '../errors';
import { defaultOpset, type Graph } from '../model/graph';
import { encodeModelChunks } from '../onnx/encode';
import type { ModelProto } from '../onnx/proto';
import { materializePlan } from '../precision/materialize';
import type { Precision } from '../precision/plan';
import { calibrationCacheFromActivations, DEFAULT_TRT_VERSION } from './calibration-cache-export';
import { modeloptScript, nodesToExcludeText, type ExcludeLayer } from './exclude-list';
import { buildMixedPrecisionModel } from './fp16-export';
import { buildQdqModel, prepareExport } from './qdq-export';
import { trtexecScript } from './trtexec-script';

export const EXPORT_KINDS = ['qdq', 'fp16', 'cache', 'trtexec', 'exclude', 'plan', 'report'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

export interface ExportInput {
  model: ModelProto;
  /** The model file's name, e.g. "yolox_nano.onnx" (names the outputs). */
  modelFileName: string;
  /** Path of the original model as the scripts should name it (absolute, for the implicit/ModelOpt commands). */
  modelPath: string;
  report: AnalysisReport;
  /** report.json as read, copied verbatim. */
  reportBytes: Uint8Array;
  reportFile: string;
  /** Kinds to write; undefined = every kind that applies. */
  what?: readonly ExportKind[];
  /** TensorRT version of the calibration cache header (default 10.16.1). */
  trtVersion?: string;
  toolVersion?: string;
}

export interface ExportFile {
  kind: ExportKind;
  /** File name inside the export folder. */
  name: string;
  data: string | Uint8Array | Uint8Array[];
  description: string;
}

export interface ExportResult {
  files: ExportFile[];
  counts: Record<Precision, number>;
  upgrade: { fromOpset: number; toOpset: number; changes: string[] } | null;
  /** Things a user should know (skipped kinds, float16 overflow, scale conflicts…). */
  notes: string[];
}

export function parseExportKinds(text: string): ExportKind[] {
  const kinds = text.split(',').map((k) => k.trim()).filter(Boolean);
  if (kinds.length === 0) throw new WorkbenchError('cli', 'FLAG_INVALID', `--what '${text}': expected a comma-separated list of ${EXPORT_KINDS.join(', ')}`);
  for (const k of kinds) {
    if (!(EXPORT_KINDS as readonly string[]).includes(k)) throw new WorkbenchError('cli', 'FLAG_INVALID', `--what: '${k}' is not one of ${EXPORT_KINDS.join(', ')}`);
  }
  return [...new Set(kinds as ExportKind[])];
}

/** File names of an export for a model file name (exported for tests and the CLI's overwrite check). */
export function exportFileNames(modelFileName: string): Record<ExportKind, string[]> {
  const base = modelBaseName(modelFileName);
  return {
    qdq: [`${base}.qdq.onnx`],
    fp16: [`${base}.mixed.onnx`],
    cache: [`${base}.calibration.cache`],
    trtexec: ['trtexec.sh'],
    exclude: ['nodes_to_exclude.txt', 'modelopt.sh'],
    plan: ['plan.json'],
    report: ['report.json'],
  };
}

export function modelBaseName(modelFileName: string): string {
  const name = modelFileName.replace(/\.onnx$/i, '');
  return name === '' ? 'model' : name;
}

function hasDynamicInput(graph: Graph, name: string): boolean {
  const value = graph.values.get(name);
  return !value?.shape || value.shape.some((d) => typeof d !== 'number' || d <= 0);
}

export function buildExportArtifacts(input: ExportInput): ExportResult {
  const requested = input.what;
  // Only the ONNX exports need per-channel ai.onnx Q/DQ, hence the opset upgrade of pre-13 models.
  const exportsModels = !requested || requested.includes('qdq') || requested.includes('fp16');
  const base = prepareExport(input.model, input.report, input.reportFile, { upgrade: exportsModels });
  const { counts } = base.plan;
  const names = exportFileNames(input.modelFileName);
  const prefix = modelBaseName(input.modelFileName);
  const notes: string[] = [];
  const wants = (kind: ExportKind): boolean => {
    if (requested) return requested.includes(kind);
    if (kind === 'fp16' && counts.fp16 === 0) return false;
    if (kind === 'cache' && counts.int8 === 0) return false;
    return true;
  };
  if (!requested && counts.fp16 === 0) notes.push('no FP16 layers: the mixed-precision model would equal the Q/DQ model; not written (--what fp16 forces it)');
  if (requested?.includes('cache') && counts.int8 === 0) {
    throw new WorkbenchError('precision', 'NOTHING_TO_EXPORT', `${input.reportFile}: the plan quantizes no tensor (no INT8 layer), so there is no calibration cache to write`);
  }
  if (base.upgrade) {
    notes.push(`opset ${base.upgrade.fromOpset} → 13 for per-channel ai.onnx DequantizeLinear (${base.upgrade.changes.length} nodes rewritten)`);
  }
  const files: ExportFile[] = [];

  const qdq = wants('qdq') ? buildQdqModel(base) : undefined;
  if (qdq) {
    files.push({
      kind: 'qdq',
      name: names.qdq[0],
      data: encodeModelChunks(qdq.model),
      description: `Q/DQ model (ai.onnx, opset ${defaultOpset(qdq.model)}): ${qdq.materialized.activations.length} activation Q/DQ pairs, ${qdq.materialized.weightScales.size} int8 weight tensors`,
    });
  }
  if (wants('fp16')) {
    const mixed = buildMixedPrecisionModel(base);
    if (mixed.overflowingConstants.length > 0) {
      notes.push(`${mixed.overflowingConstants.length} FP16 weight/bias tensors exceed ±65504 and become ±Inf in float16 (e.g. '${mixed.overflowingConstants[0]}'); keep those layers in FP32`);
    }
    files.push({
      kind: 'fp16',
      name: names.fp16[0],
      data: encodeModelChunks(mixed.model),
      description: `mixed-precision model: ${mixed.fp16Layers} FP16 layers in float16 (${mixed.float16Initializers} float16 initializers, ${mixed.castNodes} Casts), INT8 as in the Q/DQ model`,
    });
  }
  if (wants('cache')) {
    // The scales of the Q/DQ model (materializePlan computes them; the Q/DQ domain does not change them).
    const activations = qdq?.materialized.activations ?? materializePlan(base.model, base.graph, base.plan.resolved, base.plan.amaxOf).activations;
    const cache = calibrationCacheFromActivations(activations, input.trtVersion ?? DEFAULT_TRT_VERSION);
    if (cache.conflicts.length > 0) notes.push(`${cache.conflicts.length} tensors have per-layer amax overrides; the cache holds the largest scale (e.g. '${cache.conflicts[0]}')`);
    files.push({ kind: 'cache', name: names.cache[0], data: cache.text, description: `TensorRT calibration cache (${cache.text.slice(0, cache.text.indexOf('\n'))}, ${cache.entries} tensors)` });
  }

  const layers = base.plan.resolved.map((r) => ({ layer: r.layer, precision: r.precision }));
  if (wants('trtexec')) {
    const strongKind = counts.fp16 > 0 ? 'mixed' : 'qdq';
    const strongFile = strongKind === 'mixed' ? names.fp16[0] : names.qdq[0];
    const written = (kind: ExportKind) => wants(kind);
    const notWritten = [
      ...(written(strongKind === 'mixed' ? 'fp16' : 'qdq') ? [] : [strongFile]),
      ...(counts.int8 > 0 && !written('cache') ? [names.cache[0]] : []),
    ];
    const feedNames = base.graph.feedInputs().map((v) => v.name);
    files.push({
      kind: 'trtexec',
      name: names.trtexec[0],
      data: trtexecScript({
        modelLabel: input.modelFileName,
        stronglyTypedFile: strongFile,
        stronglyTypedKind: strongKind,
        floatModelPath: input.modelPath,
        cacheFile: counts.int8 > 0 ? names.cache[0] : null,
        outputPrefix: prefix,
        inputs: feedNames.map((name) => ({ name, dims: input.report.settings.inputShapes[name] ?? [], dynamic: hasDynamicInput(base.graph, name) })),
        layers: layers.map(({ layer, precision }) => ({ trtName: layer.name || `node_of_${layer.output}`, precision })),
        notWritten,
        provenance: [
          `Report ${input.reportFile} (${input.report.createdAt}), calibrator ${input.report.settings.calibrator.method}${input.toolVersion ? `; pwb ${input.toolVersion}` : ''}.`,
        ],
      }),
      description: 'trtexec commands for TensorRT 11, 10 (strongly typed) and 10 (implicit)',
    });
  }
  if (wants('exclude')) {
    const excludeLayers: ExcludeLayer[] = layers.map(({ layer, precision }) => ({ name: layer.name, output: layer.output, precision, graphPath: layer.graphPath }));
    files.push({ kind: 'exclude', name: names.exclude[0], data: nodesToExcludeText(excludeLayers), description: 'node names kept above the plan\'s reduced precision, one per line' });
    files.push({
      kind: 'exclude',
      name: names.exclude[1],
      data: modeloptScript({ layers: excludeLayers, floatModelPath: input.modelPath, cacheFile: counts.int8 > 0 ? names.cache[0] : null, outputPrefix: prefix }),
      description: 'ModelOpt quantization/AutoCast commands with --nodes_to_exclude',
    });
  }
  if (wants('plan')) {
    files.push({ kind: 'plan', name: names.plan[0], data: JSON.stringify(base.plan.effectivePlan, null, 2) + '\n', description: 'the precision plan as applied' });
  }
  if (wants('report')) {
    files.push({ kind: 'report', name: names.report[0], data: input.reportBytes, description: 'the analysis report (copy)' });
  }
  return {
    files,
    counts,
    upgrade: base.upgrade ? { fromOpset: base.upgrade.fromOpset, toOpset: base.upgrade.toOpset, changes: base.upgrade.changes } : null,
    notes,
  };
}
