/** Chart colours read from CSS variables so charts follow the theme (fallbacks for static rendering). */
export const SERIES = {
  reference: 'var(--series-reference, #3b6fd8)',
  candidate: 'var(--series-candidate, #e0692b)',
  clip: 'var(--series-clip, #c62828)',
  neutral: 'var(--series-neutral, #6b7280)',
  warn: 'var(--series-warn, #d97706)',
  grid: 'var(--chart-grid, #d0d4da)',
  axis: 'var(--chart-axis, #6b7280)',
} as const;

export const AXIS_TICK = { fontSize: 11, fill: SERIES.axis } as const;

/** Histogram bins as chart points: x = bin centre. */
export function binCentres(edges: readonly number[]): number[] {
  const centres: number[] = [];
  for (let i = 0; i + 1 < edges.length; i++) centres.push((edges[i] + edges[i + 1]) / 2);
  return centres;
}

export function shortNumber(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e4 || magnitude < 1e-2) return value.toExponential(1);
  return String(Number(value.toPrecision(3)));
}
