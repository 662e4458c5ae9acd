/**
 * `trtexec --exportTimes` (exportJSONTrace): one record per inference with startEnqMs … latencyMs. Only a
 * summary is kept (a 3 s run at 1000 qps is thousands of records).
 */
import { JsonReader, parseJsonBounded } from './json-input';
import type { LatencyStats, TimesSummary } from './types';

function stats(values: number[]): LatencyStats {
  if (values.length === 0) return { percentilesMs: {} };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  return {
    minMs: sorted[0],
    maxMs: sorted[sorted.length - 1],
    meanMs: values.reduce((s, v) => s + v, 0) / values.length,
    medianMs: sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2,
    percentilesMs: { '90': at(0.9), '95': at(0.95), '99': at(0.99) },
  };
}

export function parseTimesJson(file: string, text: string): TimesSummary {
  const reader = new JsonReader(file);
  const list = reader.array(parseJsonBounded(file, text), '$');
  const latency: number[] = [];
  const compute: number[] = [];
  let h2d = 0;
  let d2h = 0;
  list.forEach((value, index) => {
    const path = `$[${index}]`;
    const row = reader.object(value, path);
    latency.push(reader.number(row.latencyMs, `${path}.latencyMs`));
    compute.push(reader.number(row.computeMs, `${path}.computeMs`));
    h2d += reader.optionalNumber(row.h2dMs, `${path}.h2dMs`) ?? 0;
    d2h += reader.optionalNumber(row.d2hMs, `${path}.d2hMs`) ?? 0;
  });
  const summary: TimesSummary = { inferences: list.length, latencyMs: stats(latency), computeMs: stats(compute) };
  if (list.length > 0) {
    summary.h2dMeanMs = h2d / list.length;
    summary.d2hMeanMs = d2h / list.length;
  }
  return summary;
}
