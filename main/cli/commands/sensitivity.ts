/**
 * `pwb sensitivity MODEL … --out DIR [--target 'cosine>=0.999'] [--samples 8] [--compare-search] [--all-but-this]`:
 * analyses the model (as `analyze`), ranks its reduced layers by their isolated effect on the final outputs, and
 * with a target suggests which layers to keep in higher precision. Writes DIR/report.json (with a `sensitivity`
 * section) and DIR/suggested-plan.json.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { WorkbenchError } from '../../../app/errors';
import { parseTarget } from '../../../app/precision/pin-search';
import { defaultPlan, type Precision } from '../../../app/precision/plan';
import { pinLayers } from '../../../app/precision/plan-edit';
import { AnalysisSession } from '../../engine/analyze';
import { parseInputShapes } from '../../engine/input-specs';
import { writeFileAtomic } from '../../io/atomic-write';
import { dataSourcesFromFlags } from '../data-flags';
import { formatNumber, renderTable, truncateMiddle } from '../format';
import { ProgressReporter } from '../progress';
import type { AnalyzeFlags } from './analyze';
import { readPlanFile } from './plan-file';

export interface SensitivityFlags extends AnalyzeFlags {
  target?: string;
  samples?: string;
  'compare-search'?: boolean;
  'all-but-this'?: boolean;
}

export async function sensitivityCommand(modelPath: string, flags: SensitivityFlags, out: { write(s: string): unknown }, err: { write(s: string): unknown }): Promise<number> {
  if (!flags.out) throw new WorkbenchError('cli', 'FLAG_MISSING', 'sensitivity needs --out DIR');
  const precision = (flags.precision ?? 'int8') as Precision;
  if (precision !== 'int8' && precision !== 'fp16') throw new WorkbenchError('cli', 'FLAG_INVALID', `--precision '${flags.precision}': expected int8 or fp16`);
  const target = flags.target ? parseTarget(flags.target) : undefined;
  const samples = flags.samples !== undefined ? Number(flags.samples) : 8;
  if (!Number.isInteger(samples) || samples < 1) throw new WorkbenchError('cli', 'FLAG_INVALID', `--samples '${flags.samples}': expected a positive integer`);
  const plan = flags.plan ? await readPlanFile(flags.plan) : defaultPlan(precision, (flags.calibrator as never) ?? 'entropy');
  const outDir = path.resolve(flags.out);
  const { calibration, evaluation } = dataSourcesFromFlags(flags);
  const progress = new ProgressReporter(process.stderr, !flags.quiet);
  const session = await AnalysisSession.open({
    modelPath,
    precision,
    plan,
    calibration,
    evaluation,
    inputShapes: flags['input-shape'] ? parseInputShapes(flags['input-shape']) : undefined,
    task: (flags.task as 'auto' | 'classification' | 'none' | undefined) ?? 'auto',
    onProgress: (p) => progress.update(p.phase, p.done, p.total),
    toolVersion: process.env.npm_package_version,
  });
  try {
    const { report } = await session.build(plan);
    progress.update('sensitivity', 0, 1);
    const sensitivity = await session.sensitivity(plan, { samples, target, compareSearches: flags['compare-search'], allButThis: flags['all-but-this'] });
    progress.finish();
    report.sensitivity = sensitivity;
    await fs.mkdir(outDir, { recursive: true });
    await writeFileAtomic(path.join(outDir, 'report.json'), JSON.stringify(report));
    if (sensitivity.suggestion) {
      await writeFileAtomic(path.join(outDir, 'suggested-plan.json'), JSON.stringify(pinLayers(plan, sensitivity.suggestion.pins, 'fp32'), null, 2) + '\n');
    }
    if (flags.json) {
      out.write(JSON.stringify({ ranking: sensitivity.ranking.slice(0, 20), suggestion: sensitivity.suggestion, comparisons: sensitivity.comparisons, evaluations: sensitivity.evaluations }, null, 2) + '\n');
      return 0;
    }
    const rows = sensitivity.ranking.slice(0, Number(flags.top ?? 15)).map((r, i) => [
      String(i + 1),
      truncateMiddle(r.id, 48),
      formatNumber(r.isolated.cosineSimilarity, 6),
      formatNumber(r.isolated.sqnrDb, 4),
      r.isolated.top1Agreement === null ? '—' : `${(r.isolated.top1Agreement * 100).toFixed(1)}%`,
    ]);
    out.write(`Isolated sensitivity (only this layer in ${precision.toUpperCase()}, final outputs vs FP32, ${sensitivity.samples} samples):\n`);
    out.write(renderTable(['#', 'layer', 'cosine', 'SQNR dB', 'top-1'], rows, ['r', 'l', 'r', 'r', 'r']) + '\n');
    if (sensitivity.suggestion) {
      const s = sensitivity.suggestion;
      out.write(`\nSuggestion for ${flags.target}: keep ${s.pins.length} layer(s) in FP32 (as evaluated; FP16 usually suffices — check with analyze --plan) — ${s.pins.join(', ') || '(none needed)'}; ` + `${s.met ? 'meets' : 'does NOT meet'} the target (cosine ${formatNumber(s.score.cosineSimilarity, 6)}, SQNR ${formatNumber(s.score.sqnrDb)} dB) after ${s.evaluations} evaluations\n`);
      for (const c of sensitivity.comparisons) out.write(`  ${c.method.padEnd(17)} ${String(c.pins.length).padStart(3)} pins, ${String(c.evaluations).padStart(4)} evaluations${c.met ? '' : ' (target not met)'}${c.capped ? ' (stopped at cap)' : ''}\n`);
      out.write(`suggested plan: ${path.join(outDir, 'suggested-plan.json')}\n`);
    }
    out.write(`report: ${path.join(outDir, 'report.json')}\n`);
    void err;
    return 0;
  } finally {
    session.dispose();
  }
}
