/** Staged precision changes and plans: pure helpers the precision controls use. */
import type { LayerRow } from '../../../app/contract/views';
import type { Precision, PrecisionPlan } from '../../../app/precision/plan';

/** The plan the next rebuild sends: the build's plan with the staged per-layer precisions applied. */
export function planWithStaged(plan: PrecisionPlan, staged: Readonly<Record<string, Precision>>): PrecisionPlan {
  const layers = { ...plan.layers };
  for (const [id, precision] of Object.entries(staged)) layers[id] = { ...layers[id], precision };
  return { ...plan, layers };
}

/** Stages `precision` for the given layers; staging a layer back to its built precision un-stages it. */
export function stage(staged: Readonly<Record<string, Precision>>, rows: ReadonlyMap<string, LayerRow>, ids: readonly string[], precision: Precision): Record<string, Precision> {
  const next = { ...staged };
  for (const id of ids) {
    const row = rows.get(id);
    if (row && row.precision === precision) delete next[id];
    else next[id] = precision;
  }
  return next;
}

export function precisionCounts(rows: readonly LayerRow[], staged: Readonly<Record<string, Precision>> = {}): Record<Precision, number> {
  const counts: Record<Precision, number> = { int8: 0, fp16: 0, fp32: 0 };
  for (const row of rows) counts[staged[row.id] ?? row.precision]++;
  return counts;
}

/** Counts of plan entries by precision (the rest follow defaultPrecision). */
export function planSummary(plan: PrecisionPlan): string {
  const counts: Record<string, number> = {};
  for (const entry of Object.values(plan.layers)) if (entry.precision) counts[entry.precision] = (counts[entry.precision] ?? 0) + 1;
  const pins = Object.entries(counts).map(([p, n]) => `${n} → ${p.toUpperCase()}`);
  return `default ${plan.defaultPrecision.toUpperCase()}${pins.length ? `, ${pins.join(', ')}` : ''}`;
}
