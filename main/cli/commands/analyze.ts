/** `pwb analyze MODEL …`: calibrate, emulate, compare every layer, write DIR/report.json, print the worst. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { AnalysisReport, LayerReport } from '../../../app/contract/report';
import { WorkbenchError } from '../../../app/errors';
import { CALIBRATORS, PRECISIONS, type CalibratorName, type Precision } from '../../../app/precision/plan';
import { analyzeModelBuild } from '../../engine/analyze';
import { artifactFiles } from '../../engine/trt-backend';
import { INFERENCE_BACKENDS, type InferenceBackend } from '../../../app/contract/service';
import { parseInputShapes } from '../../engine/input-specs';
import { writeFileAtomic } from '../../io/atomic-write';
import { dataSourcesFromFlags, type DataFlags } from '../data-flags';
import { evaluateFailIf, parseFailIf } from '../fail-if';
import { formatNumber, formatPercent, renderTable, truncateMiddle } from '../format';
import { ProgressReporter } from '../progress';
import { readPlanFile } from './plan-file';

export interface AnalyzeFlags extends DataFlags {
  precision?: string;
  backend?: string;
  'fp32-reference'?: string;
  calibrator?: string;
  percentile?: string;
  'calib-cache'?: string;
  'input-shape'?: string;
  'memory-budget'?: string;
  plan?: string;
  out?: string;
  json?: boolean;
  'fail-if'?: string;
  task?: string;
  'label-offset'?: string;
  top?: string;
  threads?: string;
  quiet?: boolean;
}

type Writer = { write(s: string): unknown };

/** Worst first: lowest SQNR (NaN-free), then lowest cosine. Layers without metrics go last. */
export function rankLayers(layers: readonly LayerReport[]): LayerReport[] {
  const score = (l: LayerReport) => (l.metrics ? (l.metrics.sqnrDb ?? Infinity) : Infinity + 1);
  return [...layers].sort((a, b) => score(a) - score(b));
}

function worstTable(report: AnalysisReport, top: number): string {
  const rows = rankLayers(report.layers)
    .filter((l) => l.metrics)
    .slice(0, top)
    .map((l) => {
      const m = l.metrics!;
      const sat = l.activations.map((a) => a.saturationRate ?? 0);
      return [
        truncateMiddle(l.id, 44),
        l.precision,
        formatNumber(m.cosineSimilarity, 6),
        formatNumber(m.sqnrDb, 4),
        formatNumber(m.relL2Error, 3),
        formatNumber(m.maxAbsError, 3),
        sat.length ? formatPercent(Math.max(...sat)) : '—',
      ];
    });
  const table = renderTable(['layer (worst SQNR first)', 'prec', 'cosine', 'SQNR dB', 'rel L2', 'max |err|', 'saturated'], rows, ['l', 'l', 'r', 'r', 'r', 'r', 'r']);
  // TensorRT: layers without an output of their own, with the engine layer that computes them.
  const fused = report.layers.filter((l) => !l.metrics && l.engine);
  if (fused.length === 0) return table;
  const lines = fused.slice(0, top).map((l) => `  ${truncateMiddle(l.id, 44)}  →  ${l.engine!.name}  (${l.engine!.precision})`);
  return `${table}\n\nfused inside engine layers (the engine has no tensor of their own to compare):\n${lines.join('\n')}${fused.length > top ? `\n  … ${fused.length - top} more` : ''}`;
}

function summaryLines(report: AnalysisReport): string[] {
  const lines: string[] = [];
  const counts: Record<string, number> = {};
  for (const l of report.layers) counts[l.precision] = (counts[l.precision] ?? 0) + 1;
  lines.push(
    `${report.model.path}: ${report.model.layerCount} layers (${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}), ` +
      `${report.settings.calibrationData.samples > 0 ? `calibrated on ${report.settings.calibrationData.samples} samples (${report.settings.calibrator.method})` : `ranges from ${report.model.quantizedInput ? 'the quantized model' : report.settings.calibrationCache ? 'the calibration cache' : 'the plan'}`}, compared on ${report.settings.evalData.samples}`,
  );
  const backend = report.settings.backend;
  if (backend?.name === 'tensorrt') {
    lines.push(`ran as a TensorRT ${backend.version} engine (strongly typed); FP32 reference: ${backend.fp32Reference === 'tensorrt' ? 'an FP32 TensorRT engine' : 'ONNX Runtime'}${backend.layersWithoutOutput ? `; ${backend.layersWithoutOutput} layers fused inside engine layers have no output to compare` : ''}`);
  }
  const cache = report.settings.calibrationCache;
  if (cache) {
    lines.push(`calibration cache ${cache.header}: ${cache.entries} scales, ${cache.namingModelTensors} name tensors of this model, ${cache.matched} used for quantized inputs, ${cache.notCovered} quantized inputs not in the cache`);
  }
  for (const o of report.outputs) {
    const m = o.metrics;
    lines.push(
      m
        ? `output ${o.name}: cosine ${formatNumber(m.cosineSimilarity, 6)}, SQNR ${formatNumber(m.sqnrDb)} dB, rel L2 ${formatNumber(m.relL2Error, 3)}, max |err| ${formatNumber(m.maxAbsError, 3)}`
        : `output ${o.name}: not compared`,
    );
  }
  const c = report.classification;
  if (c) {
    lines.push(`top-1 agreement with FP32: ${formatPercent(c.top1Agreement)} of ${c.rows} (top-5 ${formatPercent(c.top5Agreement)})`);
    if (c.accuracy) lines.push(`accuracy on ${c.accuracy.labelledRows} labelled: FP32 ${formatPercent(c.accuracy.reference)}, reduced ${formatPercent(c.accuracy.candidate)}`);
  }
  return lines;
}

export async function analyzeCommand(modelPath: string, flags: AnalyzeFlags, out: Writer, err: Writer): Promise<number> {
  const precision = (flags.precision ?? 'int8') as Precision;
  if (!PRECISIONS.includes(precision) || precision === 'fp32') throw new WorkbenchError('cli', 'FLAG_INVALID', `--precision '${flags.precision}': expected int8 or fp16`);
  const calibrator = flags.calibrator as CalibratorName | undefined;
  if (calibrator !== undefined && !CALIBRATORS.includes(calibrator)) throw new WorkbenchError('cli', 'FLAG_INVALID', `--calibrator '${calibrator}': expected one of ${CALIBRATORS.join(', ')}`);
  if (!flags.out) throw new WorkbenchError('cli', 'FLAG_MISSING', 'analyze needs --out DIR (where report.json is written)');
  const failIf = flags['fail-if'] ? parseFailIf(flags['fail-if']) : [];
  const percentile = flags.percentile !== undefined ? Number(flags.percentile) : undefined;
  if (percentile !== undefined && !(percentile > 0 && percentile <= 100)) throw new WorkbenchError('cli', 'FLAG_INVALID', `--percentile '${flags.percentile}': expected a number in (0, 100]`);
  const plan = flags.plan ? await readPlanFile(flags.plan) : undefined;
  const memoryBudgetMb = flags['memory-budget'] !== undefined ? Number(flags['memory-budget']) : undefined;
  if (memoryBudgetMb !== undefined && !(memoryBudgetMb > 0)) throw new WorkbenchError('cli', 'FLAG_INVALID', `--memory-budget '${flags['memory-budget']}': expected a size in MB`);
  const outDir = path.resolve(flags.out);
  const outStat = await fs.stat(outDir).catch(() => null);
  if (outStat && !outStat.isDirectory()) throw new WorkbenchError('io', 'OUT_NOT_A_FOLDER', `--out ${flags.out} exists and is not a folder`);
  const { calibration, evaluation } = dataSourcesFromFlags(flags);
  const progress = new ProgressReporter(process.stderr, !flags.quiet);
  const backend = flags.backend ?? 'onnxruntime';
  if (!(INFERENCE_BACKENDS as readonly string[]).includes(backend)) throw new WorkbenchError('cli', 'FLAG_INVALID', `--backend '${backend}': expected ${INFERENCE_BACKENDS.join(' or ')}`);
  const fp32Reference = flags['fp32-reference'] ?? 'onnxruntime';
  if (!(INFERENCE_BACKENDS as readonly string[]).includes(fp32Reference)) throw new WorkbenchError('cli', 'FLAG_INVALID', `--fp32-reference '${fp32Reference}': expected ${INFERENCE_BACKENDS.join(' or ')}`);
  const record = await analyzeModelBuild({
    modelPath,
    precision,
    backend: backend as InferenceBackend,
    fp32Reference: fp32Reference as InferenceBackend,
    plan,
    calibration,
    evaluation,
    calibrator,
    calibratorOptions: percentile !== undefined ? { percentile } : undefined,
    calibrationCachePath: flags['calib-cache'],
    inputShapes: flags['input-shape'] ? parseInputShapes(flags['input-shape']) : undefined,
    task: (flags.task as 'auto' | 'classification' | 'none' | undefined) ?? 'auto',
    labelOffset: flags['label-offset'] !== undefined ? Number(flags['label-offset']) : undefined,
    threads: flags.threads !== undefined ? Number(flags.threads) : undefined,
    memoryBudgetBytes: memoryBudgetMb !== undefined ? memoryBudgetMb * 1024 * 1024 : undefined,
    onProgress: (p) => progress.update(p.phase, p.done, p.total),
    toolVersion: process.env.npm_package_version,
  }).finally(() => progress.finish());
  const report = record.report;

  await fs.mkdir(outDir, { recursive: true });
  const reportPath = path.join(outDir, 'report.json');
  await writeFileAtomic(reportPath, JSON.stringify(report));
  // What TensorRT produced for the engine, in trtexec's formats (pwb trt-import and the TensorRT panel read them).
  const trtFiles = [...(record.tensorRtFp32 ? artifactFiles('fp32', record.tensorRtFp32) : []), ...(record.tensorRt ? artifactFiles(record.id, record.tensorRt) : [])];
  if (trtFiles.length > 0) {
    await fs.mkdir(path.join(outDir, 'tensorrt'), { recursive: true });
    for (const file of trtFiles) await writeFileAtomic(path.join(outDir, 'tensorrt', file.name), file.text);
  }
  const failed = evaluateFailIf(failIf, report);
  if (flags.json) {
    out.write(JSON.stringify({ reportPath, outputs: report.outputs.map((o) => ({ name: o.name, metrics: o.metrics && { ...o.metrics, perChannel: undefined, outputHistograms: undefined } })), classification: report.classification, worstLayers: rankLayers(report.layers).slice(0, 10).map((l) => ({ id: l.id, precision: l.precision, sqnrDb: l.metrics?.sqnrDb ?? null, cosineSimilarity: l.metrics?.cosineSimilarity ?? null })), failed: failed.map((f) => f.condition.text), warnings: report.warnings }, null, 2) + '\n');
  } else {
    for (const w of report.warnings) err.write(`warning: ${w}\n`);
    out.write(summaryLines(report).join('\n') + '\n\n');
    out.write(worstTable(report, Number(flags.top ?? 15)) + '\n\n');
    out.write(`report: ${reportPath}  (${(report.timingsMs.total / 1000).toFixed(1)} s)\n`);
    if (trtFiles.length > 0) out.write(`tensorrt: ${path.join(outDir, 'tensorrt')}  (${trtFiles.map((f) => f.name).join(', ')}; read them with pwb trt-import)\n`);
  }
  if (failed.length > 0) {
    for (const f of failed) err.write(`fail-if: ${f.condition.text} (value ${f.value === null ? 'missing' : formatNumber(f.value, 6)})\n`);
    return 1;
  }
  return 0;
}
