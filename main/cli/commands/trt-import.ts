/**
 * `pwb trt-import FILES… [--model MODEL] [--plan PLAN.json] [--json]`: reads TensorRT artifacts (trtexec logs and
 * exports, inspector output, calibration caches, Polygraphy logs; folders are read recursively) and prints what
 * each holds, how the engine layers map to the ONNX model, where TensorRT ran a layer in a higher precision than
 * the plan asked, and a layer-by-layer diff of engines of one network. `--json` prints the whole TrtImportResult
 * (the object the UI's TensorRT panel reads).
 */
import path from 'node:path';
import { WorkbenchError } from '../../../app/errors';
import { importTrtArtifacts } from '../../../app/trt/import';
import { parseTrtArtifact } from '../../../app/trt/parse-artifact';
import { onnxSideFromGraph } from '../../../app/trt/onnx-side';
import type { ArtifactSummary, EngineDiff, EngineReport, OnnxSide, PrecisionMix, TrtImportResult } from '../../../app/trt/types';
import { loadModel } from '../../io/model-file';
import { readTrtFiles } from '../../io/trt-files';
import { formatNumber, renderTable, truncateMiddle } from '../format';
import { readPlanFile } from './plan-file';

export const TRT_IMPORT_USAGE = `  pwb trt-import FILE|DIR… [--model MODEL] [--plan PLAN.json] [--json]
              (trtexec --verbose logs, --exportLayerInfo/--exportProfile/--exportTimes JSON, inspector output,
               calibration caches, Polygraphy logs)`;

export interface TrtImportFlags {
  model?: string;
  plan?: string;
  json?: boolean;
}

type Writer = { write(s: string): unknown };

export async function trtImportCommand(inputs: readonly string[], flags: TrtImportFlags, out: Writer): Promise<number> {
  if (flags.plan && !flags.model) throw new WorkbenchError('cli', 'FLAG_MISSING', '--plan needs --model MODEL (the plan names layers of that model)');

  let onnx: OnnxSide | undefined;
  if (flags.model) {
    const loaded = await loadModel(flags.model);
    const plan = flags.plan ? await readPlanFile(flags.plan) : undefined;
    onnx = onnxSideFromGraph(loaded.graph, loaded.layers, plan);
  }
  const texts = await readTrtFiles(inputs);
  // Files named on the command line must be artifacts; files found by walking a folder that are not (notes, scripts,
  // a JSON config) are skipped and listed.
  const result = importTrtArtifacts(texts, onnx, { onError: 'collect' });
  const explicitFailure = result.failures.find((f) => !texts.find((t) => t.name === f.file)?.fromDirectory);
  if (explicitFailure) {
    const text = texts.find((t) => t.name === explicitFailure.file)!.text;
    parseTrtArtifact(explicitFailure.file, text);
  }
  if (flags.json) {
    out.write(JSON.stringify(result, null, 2) + '\n');
    return 0;
  }
  out.write(renderResult(result, { model: flags.model, plan: flags.plan }));
  return 0;
}

const KIND_LABEL: Record<ArtifactSummary['kind'], string> = {
  'trtexec-log': 'trtexec log',
  'inspector-log': 'engine inspector output',
  'layer-info-json': 'layer info (--exportLayerInfo)',
  'profile-json': 'layer profile (--exportProfile)',
  'times-json': 'inference times (--exportTimes)',
  'trex-metadata-json': 'TREx metadata',
  'calibration-cache': 'calibration cache',
  'polygraphy-log': 'Polygraphy log',
};

function ms(value: number | undefined | null): string {
  return value === undefined || value === null ? '—' : `${formatNumber(value)} ms`;
}

function mix(m: PrecisionMix | undefined): string {
  if (!m) return '';
  return Object.entries(m)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

function renderSummary(s: ArtifactSummary, result: TrtImportResult): string[] {
  const lines = [`${s.file}`, `  ${KIND_LABEL[s.kind]}${s.trtVersion ? `, TensorRT ${s.trtVersion}` : ''}`];
  if (s.layerCount !== undefined) lines.push(`  layers: ${s.layerCount}${s.precisionMix ? ` (${mix(s.precisionMix)})` : ''}`);
  if (s.totalTimeMs !== undefined) lines.push(`  total time: ${ms(s.totalTimeMs)} per inference (sum of per-layer averages)`);
  if (s.chosenTactics !== undefined) lines.push(`  tactics: ${s.chosenTactics} of ${s.tacticSearches} layer searches chose a tactic; ${s.tacticCandidates ?? 0} candidates timed`);
  if (s.warningCount > 0 || s.errorCount > 0) {
    const artifact = result.artifacts.find((a) => a.file === s.file);
    const diagnostics = artifact?.kind === 'trtexec-log' ? artifact.log.diagnostics : artifact?.kind === 'polygraphy-log' ? artifact.polygraphy.diagnostics : artifact?.kind === 'inspector-log' ? artifact.inspector.diagnostics : [];
    lines.push(`  warnings: ${s.warningCount}, errors: ${s.errorCount}`);
    const shown = [...diagnostics.filter((d) => d.severity === 'error'), ...diagnostics.filter((d) => d.severity === 'warning')].slice(0, 3);
    for (const d of shown) lines.push(`    line ${d.line} ${d.severity}: ${truncateMiddle(d.message, 110)}`);
  }
  for (const note of s.notes) lines.push(`  ${note}`);
  if (s.slowestLayers && s.slowestLayers.length > 0) {
    lines.push('  slowest layers:');
    const table = renderTable(
      ['layer', 'avg', 'share'],
      s.slowestLayers.map((l) => [truncateMiddle(l.name, 70), ms(l.averageMs), `${(l.share * 100).toFixed(1)}%`]),
      ['l', 'r', 'r'],
    );
    lines.push(...table.split('\n').map((l) => `    ${l}`));
  }
  return lines;
}

const METHOD_LABEL: Record<string, string> = {
  metadata: 'metadata',
  'exact-name': 'name',
  'fused-part': 'fused name parts',
  pwn: 'PWN(…) parts',
  'foreign-node-range': 'Myelin ForeignNode range',
  reformat: 'reformat copies (→ the layer they feed)',
};

function renderEngine(e: EngineReport): string[] {
  const sources = Object.entries(e.files).map(([k, v]) => `${k}: ${path.basename(v)}`).join(', ');
  const lines = [`${e.label}`, `  from ${sources}`];
  lines.push(`  ${e.layers.length} layers${e.totalTimeMs !== undefined ? `, ${ms(e.totalTimeMs)} per inference` : ''}${Object.keys(e.precisionMix).length ? `; precision: ${mix(e.precisionMix)}` : ''}`);
  const c = e.coverage;
  const by = Object.entries(c.byMethod)
    .filter(([k]) => k !== 'unmatched')
    .map(([k, v]) => `by ${METHOD_LABEL[k] ?? k} ${v}`)
    .join(', ');
  lines.push(`  mapping: ${c.mapped} of ${c.engineLayers} engine layers mapped${by ? ` (${by})` : ''}${c.byMethod.unmatched ? `; ${c.byMethod.unmatched} unmatched` : ''}`);
  if (!c.verifiedAgainstOnnx) lines.push('    names taken as printed, not checked against a model (pass --model MODEL to verify)');
  else lines.push(`    ${(c.onnxNodes ?? 0) - (c.onnxNodesWithoutLayer ?? 0)} of ${c.onnxNodes} ONNX nodes are covered by some engine layer`);
  if (c.verifiedAgainstOnnx && c.mapped === 0 && c.engineLayers > 0) lines.push('    no engine layer name matches a node or tensor of the model: was the engine built from this model?');
  const unmatched = e.mapping.filter((m) => m.method === 'unmatched').slice(0, 5);
  if (unmatched.length > 0) lines.push(`    unmatched: ${unmatched.map((m) => truncateMiddle(m.engineLayer, 50)).join('; ')}${(c.byMethod.unmatched ?? 0) > 5 ? '; …' : ''}`);
  if (e.unmatchedProfileRows > 0) lines.push(`  ${e.unmatchedProfileRows} profile rows name no layer of the layer list (kernels inside Myelin regions?)`);
  if (e.planCheck) {
    const p = e.planCheck;
    const asPlanned = p.rows.filter((r) => r.status === 'as-planned').length;
    const missing = p.rows.filter((r) => r.status === 'not-in-engine').length;
    lines.push(`  plan check: ${p.rows.length} planned layers, ${asPlanned} as planned, ${p.fp32WhereInt8.length} FP32 where INT8 was asked, ${p.otherHigherPrecision.length} other higher precision, ${missing} not found in the engine`);
    for (const r of p.fp32WhereInt8.slice(0, 20)) {
      lines.push(`    FP32 where INT8 was asked: ${r.layerId}  ← ${r.realized.map((x) => `${truncateMiddle(x.engineLayer, 60)} (${x.precision})`).join(', ')}`);
    }
    if (p.fp32WhereInt8.length > 20) lines.push(`    … ${p.fp32WhereInt8.length - 20} more (use --json)`);
    for (const r of p.otherHigherPrecision.slice(0, 10)) {
      lines.push(`    ${r.planned.toUpperCase()} asked, ran ${r.realized.map((x) => x.precision).join('/')}: ${r.layerId}`);
    }
  }
  return lines;
}

/**
 * Column headers of at most `max` characters that stay distinct: the middle is cut first, then the start (the file
 * name at the end usually tells engines apart), else the columns are numbered and a legend names them.
 */
export function distinctColumnLabels(labels: readonly string[], max: number): { short: string[]; legend?: string[] } {
  const distinct = (list: string[]) => new Set(list).size === list.length;
  const middle = labels.map((l) => truncateMiddle(l, max));
  if (distinct(middle)) return { short: middle };
  const tail = labels.map((l) => (l.length <= max ? l : `…${l.slice(l.length - max + 1)}`));
  if (distinct(tail)) return { short: tail };
  return { short: labels.map((_, i) => `#${i + 1}`), legend: labels.map((l, i) => `#${i + 1} = ${l}`) };
}

function renderDiff(d: EngineDiff): string[] {
  const lines = [`Diff: ${d.labels.join(' vs ')} (reference: ${d.labels[0]})`];
  const sorted = [...d.rows];
  const shown = sorted.length > 40 ? [...sorted].sort((a, b) => (b.cells[0]?.averageMs ?? 0) - (a.cells[0]?.averageMs ?? 0)).slice(0, 40) : sorted;
  const { short, legend } = distinctColumnLabels(d.labels, 28);
  if (legend) lines.push(...legend.map((l) => `  ${l}`));
  const table = renderTable(
    ['layer (reference)', ...short, 'aligned by'],
    shown.map((r) => [truncateMiddle(r.key, 48), ...r.cells.map((c) => (c ? `${c.precision} ${c.averageMs === undefined ? '' : ms(c.averageMs)}`.trim() : '—')), r.alignedBy]),
  );
  lines.push(...table.split('\n').map((l) => `  ${l}`));
  if (shown.length < sorted.length) lines.push(`  … ${sorted.length - shown.length} more rows (40 slowest shown; use --json)`);
  lines.push(`  reformat / Q/DQ / no-op layers: ${d.overhead.map((o, i) => `${short[i]} ${o.layers} (${ms(o.averageMs)})`).join(', ')}`);
  if (d.totalsMs.some((t) => t !== null)) lines.push(`  total per inference: ${d.totalsMs.map((t, i) => `${short[i]} ${ms(t)}`).join(', ')}`);
  return lines;
}

export function renderResult(result: TrtImportResult, context: { model?: string; plan?: string } = {}): string {
  const lines: string[] = [];
  for (const s of result.summaries) lines.push(...renderSummary(s, result), '');
  if (result.engines.length > 0) {
    lines.push(`Engines (${result.engines.length})${context.model ? ` mapped to ${context.model}` : ''}${context.plan ? `, checked against ${context.plan}` : ''}`, '');
    for (const e of result.engines) lines.push(...renderEngine(e), '');
  }
  for (const d of result.diffs) lines.push(...renderDiff(d), '');
  if (result.failures.length > 0) {
    lines.push(`Skipped ${result.failures.length} file${result.failures.length === 1 ? '' : 's'} found in the folders given (unreadable or not a TensorRT artifact):`);
    for (const f of result.failures.slice(0, 20)) lines.push(`  ${truncateMiddle(f.message.replace(/; expected a trtexec log.*$/s, ''), 150)} [${f.code}]`);
    if (result.failures.length > 20) lines.push(`  … ${result.failures.length - 20} more (use --json)`);
    lines.push('');
  }
  return lines.join('\n');
}
