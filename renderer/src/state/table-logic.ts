/**
 * Sorting, filtering and the colour scale of the layer table: pure functions over LayerRow[] (tested without React).
 */
import type { LayerRow } from '../../../app/contract/views';
import type { Precision } from '../../../app/precision/plan';
import { enginePrecisionSortValue, ranWiderThanPlanned } from './backend-logic';

export type ColumnKey =
  | 'index' | 'name' | 'opType' | 'precision' | 'cosineSimilarity' | 'sqnrDb' | 'relL2Error' | 'maxAbsError'
  | 'p99AbsError' | 'saturationRate' | 'amax' | 'isolatedCosine' | 'sensitivityRank' | 'nonFiniteCount'
  /** TensorRT builds only: the engine layer, its realized precision ("Ran as") and its average time. */
  | 'engineLayer' | 'enginePrecision' | 'engineMs';

export type SortDirection = 'asc' | 'desc';
export interface SortSpec {
  key: ColumnKey;
  direction: SortDirection;
}

export interface FilterSpec {
  text: string;
  /** Empty = all. */
  opTypes: string[];
  precisions: Precision[];
  /** Only layers TensorRT ran wider than their built plan precision (e.g. FP32 where INT8 was asked). */
  widerThanPlanned: boolean;
}

/** Which way is worse, for the colour scale and the "worst first" default direction. null: not a metric. */
export const WORSE_WHEN: Record<ColumnKey, 'low' | 'high' | null> = {
  index: null, name: null, opType: null, precision: null,
  cosineSimilarity: 'low', sqnrDb: 'low', relL2Error: 'high', maxAbsError: 'high', p99AbsError: 'high',
  saturationRate: 'high', amax: 'high', isolatedCosine: 'low', sensitivityRank: 'low', nonFiniteCount: 'high',
  // Slow engine layers are the hot spots of a timing column; "Ran as" sorts wider-than-planned first on its own.
  engineLayer: null, enginePrecision: null, engineMs: 'high',
};

/** Worst SQNR first: the question a user opens the table with. */
export const DEFAULT_SORT: SortSpec = { key: 'sqnrDb', direction: 'asc' };
export const EMPTY_FILTER: FilterSpec = { text: '', opTypes: [], precisions: [], widerThanPlanned: false };

const PRECISION_ORDER: Record<Precision, number> = { int8: 0, fp16: 1, fp32: 2 };

/**
 * The value a column sorts by. null = not measured (always sorted last). An exact match (sqnrDb null, mse 0)
 * sorts as +∞ dB: the best possible SQNR.
 */
export function sortValue(row: LayerRow, key: ColumnKey, precisionOf: (row: LayerRow) => Precision = (r) => r.precision): number | string | null {
  switch (key) {
    case 'name': return row.name;
    case 'opType': return row.opType;
    case 'precision': return PRECISION_ORDER[precisionOf(row)];
    case 'sqnrDb': return row.sqnrDb ?? (row.mse === 0 ? Number.POSITIVE_INFINITY : null);
    case 'enginePrecision': return enginePrecisionSortValue(row);
    default: return row[key];
  }
}

/** The direction that puts the worst values first for a metric (ascending for names and indices). */
export function worstFirstDirection(key: ColumnKey): SortDirection {
  return WORSE_WHEN[key] === 'high' ? 'desc' : 'asc';
}

/** Clicking a header: a new column sorts worst first; the same column flips. */
export function nextSort(current: SortSpec, key: ColumnKey): SortSpec {
  if (current.key === key) return { key, direction: current.direction === 'asc' ? 'desc' : 'asc' };
  return { key, direction: worstFirstDirection(key) };
}

/** Stable sort; missing values last in both directions; ties keep report order. */
export function sortRows(rows: readonly LayerRow[], sort: SortSpec, precisionOf?: (row: LayerRow) => Precision): LayerRow[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  const keyed = rows.map((row) => ({ row, value: sortValue(row, sort.key, precisionOf) }));
  keyed.sort((a, b) => {
    if (a.value === null || b.value === null) {
      if (a.value === b.value) return a.row.index - b.row.index;
      return a.value === null ? 1 : -1;
    }
    let order: number;
    if (typeof a.value === 'string' || typeof b.value === 'string') order = String(a.value).localeCompare(String(b.value));
    else order = a.value === b.value ? 0 : a.value < b.value ? -1 : 1;
    return order !== 0 ? order * sign : a.row.index - b.row.index;
  });
  return keyed.map((k) => k.row);
}

export function filterRows(rows: readonly LayerRow[], filter: FilterSpec, precisionOf: (row: LayerRow) => Precision = (r) => r.precision): LayerRow[] {
  const text = filter.text.trim().toLowerCase();
  const ops = filter.opTypes.length ? new Set(filter.opTypes) : null;
  const precisions = filter.precisions.length ? new Set(filter.precisions) : null;
  return rows.filter((row) => {
    if (ops && !ops.has(row.opType)) return false;
    if (precisions && !precisions.has(precisionOf(row))) return false;
    // Against the precision the build ran with (what TensorRT was asked), not a staged one.
    if (filter.widerThanPlanned && !ranWiderThanPlanned(row)) return false;
    if (!text) return true;
    return row.name.toLowerCase().includes(text) || row.id.toLowerCase().includes(text) || row.opType.toLowerCase().includes(text) || row.output.toLowerCase().includes(text);
  });
}

export interface MetricScale {
  key: ColumnKey;
  min: number;
  max: number;
  worse: 'low' | 'high';
}

/** The range of a metric column over the given rows (finite values only); null for non-metric or empty columns. */
export function metricScale(rows: readonly LayerRow[], key: ColumnKey): MetricScale | null {
  const worse = WORSE_WHEN[key];
  if (!worse) return null;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const row of rows) {
    const v = sortValue(row, key);
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min > max) return null;
  return { key, min, max, worse };
}

/** 0 = best in the column, 1 = worst; null when the row has no finite value. Exact SQNR counts as best. */
export function badness(scale: MetricScale, row: LayerRow): number | null {
  const v = sortValue(row, scale.key);
  if (typeof v !== 'number') return null;
  if (!Number.isFinite(v)) {
    const isGoodEnd = (v > 0 && scale.worse === 'low') || (v < 0 && scale.worse === 'high');
    return isGoodEnd ? 0 : 1;
  }
  if (scale.max === scale.min) return 0;
  const t = (v - scale.min) / (scale.max - scale.min);
  return scale.worse === 'high' ? t : 1 - t;
}

/** Background of a metric cell: transparent for the best, a strong warm tint for the worst. */
export function badnessColor(value: number | null): string | undefined {
  if (value === null) return undefined;
  const alpha = Math.round(value * value * 60) / 100; // square: only the bad tail stands out
  return alpha <= 0 ? undefined : `rgba(230, 80, 40, ${alpha.toFixed(2)})`;
}

/** Count of layers per op type and precision, for the overview. */
export function countByOpTypeAndPrecision(rows: readonly LayerRow[]): { opType: string; counts: Record<Precision, number>; total: number }[] {
  const table = new Map<string, Record<Precision, number>>();
  for (const row of rows) {
    const counts = table.get(row.opType) ?? { int8: 0, fp16: 0, fp32: 0 };
    counts[row.precision]++;
    table.set(row.opType, counts);
  }
  return [...table.entries()]
    .map(([opType, counts]) => ({ opType, counts, total: counts.int8 + counts.fp16 + counts.fp32 }))
    .sort((a, b) => b.total - a.total || a.opType.localeCompare(b.opType));
}

/** The n worst layers by SQNR among those currently in `precision` (what "Pin worst N" pins). */
export function worstLayers(rows: readonly LayerRow[], n: number, precision: Precision, precisionOf: (row: LayerRow) => Precision = (r) => r.precision): string[] {
  const candidates = rows.filter((r) => precisionOf(r) === precision && r.sqnrDb !== null);
  return sortRows(candidates, DEFAULT_SORT).slice(0, Math.max(0, n)).map((r) => r.id);
}
