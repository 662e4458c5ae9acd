/** Which rows of a BuildDiff to show and in what order (pure; tested). */
import type { BuildDiff, LayerBuildDiff } from '../../../app/compare/build-diff';

/** Changes smaller than this (dB) are noise for the summary counts. */
export const DIFF_NOISE_DB = 0.05;

export function interestingDiffRows(diff: BuildDiff, limit = 300): { rows: LayerBuildDiff[]; hidden: number } {
  const interesting = diff.layers.filter((l) => l.precisionBefore !== l.precisionAfter || (l.sqnrDeltaDb !== null && Math.abs(l.sqnrDeltaDb) >= DIFF_NOISE_DB));
  interesting.sort((a, b) => {
    const changedA = a.precisionBefore !== a.precisionAfter ? 1 : 0;
    const changedB = b.precisionBefore !== b.precisionAfter ? 1 : 0;
    if (changedA !== changedB) return changedB - changedA;
    return Math.abs(b.sqnrDeltaDb ?? 0) - Math.abs(a.sqnrDeltaDb ?? 0);
  });
  return { rows: interesting.slice(0, limit), hidden: Math.max(0, interesting.length - limit) };
}

export function diffCounts(diff: BuildDiff): { improved: number; worsened: number; changedPrecision: number } {
  let improved = 0;
  let worsened = 0;
  for (const l of diff.layers) {
    if (l.sqnrDeltaDb === null) continue;
    if (l.sqnrDeltaDb >= DIFF_NOISE_DB) improved++;
    else if (l.sqnrDeltaDb <= -DIFF_NOISE_DB) worsened++;
  }
  return { improved, worsened, changedPrecision: diff.changedPrecision.length };
}
