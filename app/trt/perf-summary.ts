/** trtexec's "=== Performance summary ===" lines and its `--dumpProfile` table. */
import type { LatencyStats, LayerProfile, PerformanceSummary } from './types';

const NUMBER = '(-?[0-9.]+(?:[eE][-+]?\\d+)?|inf|nan)';

export function parseLatencyStats(text: string): LatencyStats | undefined {
  const stats: LatencyStats = { percentilesMs: {} };
  let any = false;
  for (const m of text.matchAll(new RegExp(`(min|max|mean|median|percentile\\(([0-9.]+)%\\)) = ${NUMBER} ms`, 'g'))) {
    const value = Number(m[3]);
    if (!Number.isFinite(value)) continue;
    any = true;
    if (m[2] !== undefined) stats.percentilesMs[m[2]] = value;
    else if (m[1] === 'min') stats.minMs = value;
    else if (m[1] === 'max') stats.maxMs = value;
    else if (m[1] === 'mean') stats.meanMs = value;
    else stats.medianMs = value;
  }
  return any ? stats : undefined;
}

const STAT_LINES: [RegExp, keyof Pick<PerformanceSummary, 'latency' | 'gpuCompute' | 'enqueue' | 'h2d' | 'd2h'>][] = [
  [/^Latency: /, 'latency'],
  [/^GPU Compute Time: /, 'gpuCompute'],
  [/^Enqueue Time: /, 'enqueue'],
  [/^H2D Latency: /, 'h2d'],
  [/^D2H Latency: /, 'd2h'],
];

/** Reads one line of the summary into `summary`; returns false when the line is not part of it. */
export function readPerformanceLine(body: string, summary: PerformanceSummary): boolean {
  const throughput = /^Throughput: ([0-9.eE+-]+) qps/.exec(body);
  if (throughput) {
    summary.throughputQps = Number(throughput[1]);
    return true;
  }
  for (const [pattern, key] of STAT_LINES) {
    if (pattern.test(body)) {
      const stats = parseLatencyStats(body);
      if (stats) summary[key] = stats;
      return stats !== undefined;
    }
  }
  const wall = /^Total Host Walltime: ([0-9.eE+-]+) s/.exec(body);
  if (wall) {
    summary.totalHostWalltimeS = Number(wall[1]);
    return true;
  }
  const gpu = /^Total GPU Compute Time: ([0-9.eE+-]+) s/.exec(body);
  if (gpu) {
    summary.totalGpuComputeTimeS = Number(gpu[1]);
    return true;
  }
  return false;
}

/**
 * `--dumpProfile` table rows (10.x: Time(ms) Avg.(ms) Median(ms) Time(%) Layer; 8.x lacks Median). The Total row
 * ends the table.
 */
export class DumpProfileReader {
  profile: LayerProfile | undefined;
  private hasMedian = false;
  private open = false;

  /** Returns true when the line belonged to the table. */
  read(body: string): boolean {
    const header = /^=== Profile \((\d+) iterations ?\) ===/.exec(body);
    if (header) {
      this.profile = { format: 'dump-profile-text', iterations: Number(header[1]), layers: [], totalAverageMs: 0 };
      this.open = true;
      return true;
    }
    if (!this.open || !this.profile) return false;
    if (/^\s*Time\(ms\)/.test(body)) {
      this.hasMedian = /Median/.test(body);
      return true;
    }
    const row = this.hasMedian
      ? /^\s*([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)\s+([0-9.]+)\s+(.+?)\s*$/.exec(body)
      : /^\s*([0-9.]+)\s+([0-9.]+)\s+()([0-9.]+)\s+(.+?)\s*$/.exec(body);
    if (!row) {
      this.open = false;
      return false;
    }
    if (row[5] === 'Total') {
      this.open = false;
      return true;
    }
    const layer = { name: row[5], totalMs: Number(row[1]), averageMs: Number(row[2]), percentage: Number(row[4]) } as LayerProfile['layers'][number];
    if (row[3] !== '') layer.medianMs = Number(row[3]);
    this.profile.layers.push(layer);
    this.profile.totalAverageMs += layer.averageMs;
    return true;
  }
}
