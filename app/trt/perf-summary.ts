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
 * TensorRT 7.x printed the summary as sections of short lines (no "=== Performance summary ===" heading):
 *   Host Latency / min: 1.64 ms (end to end 1.66 ms) / … / percentile: 1.67 ms at 99% (end to end 3.04 ms at 99%)
 *   throughput: 602 qps / walltime: 3.00461 s / Enqueue Time / min: … / GPU Compute / … / total compute time: 2.9 s
 */
export class LegacyPerformanceReader {
  private section: 'latency' | 'enqueue' | 'gpuCompute' | undefined;

  /** Returns true when the line belonged to the summary; `summary` is created on the first section heading. */
  read(body: string, get: () => PerformanceSummary): boolean {
    const heading = ({ 'Host Latency': 'latency', 'Enqueue Time': 'enqueue', 'GPU Compute': 'gpuCompute' } as const)[body.trim() as 'Host Latency'];
    if (heading) {
      this.section = heading;
      return true;
    }
    if (!this.section) return false;
    const summary = get();
    const stat = /^(min|max|mean|median): (-?[0-9.]+(?:[eE][-+]?\d+)?) ms\b/.exec(body);
    const percentile = /^percentile: (-?[0-9.]+(?:[eE][-+]?\d+)?) ms at ([0-9.]+)%/.exec(body);
    if (stat || percentile) {
      const stats = (summary[this.section] ??= { percentilesMs: {} });
      if (stat) stats[`${stat[1] as 'min' | 'max' | 'mean' | 'median'}Ms`] = Number(stat[2]);
      else stats.percentilesMs[percentile![2]] = Number(percentile![1]);
      return true;
    }
    let m: RegExpExecArray | null;
    if ((m = /^throughput: ([0-9.eE+-]+) qps/.exec(body))) {
      // TensorRT 7 printed "throughput: 0 qps" for explicit-batch networks: not a measurement.
      if (Number(m[1]) > 0) summary.throughputQps = Number(m[1]);
      return true;
    }
    if ((m = /^walltime: ([0-9.eE+-]+) s/.exec(body))) {
      summary.totalHostWalltimeS = Number(m[1]);
      return true;
    }
    if ((m = /^total compute time: ([0-9.eE+-]+) s/.exec(body))) {
      summary.totalGpuComputeTimeS = Number(m[1]);
      this.section = undefined;
      return true;
    }
    this.section = undefined;
    return false;
  }
}

/**
 * `--dumpProfile` tables. TensorRT ≥ 8.6 puts the numbers first and the name last:
 *      Time(ms)     Avg.(ms)   Median(ms)   Time(%)   Layer
 *         16.15       0.0077       0.0075       0.5   Reformatting CopyNode for …
 * TensorRT 7.x–8.5 right-aligns the name first (8.5 added the median column):
 *                               Layer   Time (ms)   Avg. Time (ms)   [Median Time (ms)   ]Time %
 *                       images to nvm       33.99           0.0852      1.1
 * The Total row ends the table. A table pasted without its "=== Profile (N iterations ) ===" heading opens at its
 * column header.
 */
const HEADER_NEW = /^\s*Time\(ms\)\s+Avg\.\s*\(ms\)(\s+Median\s*\(ms\))?\s+Time\s*\(%\)\s+Layer\s*$/;
const HEADER_OLD = /^\s*Layer\s+Time \(ms\)\s+Avg\. Time \(ms\)(\s+Median Time \(ms\))?\s+Time %\s*$/;
const NUM = '(-?[0-9.]+(?:[eE][-+]?\\d+)?|-?nan|-?inf)';
const ROW_NEW_MEDIAN = new RegExp(`^\\s*${NUM}\\s+${NUM}\\s+${NUM}\\s+${NUM}\\s+(.+?)\\s*$`);
const ROW_NEW = new RegExp(`^\\s*${NUM}\\s+${NUM}()\\s+${NUM}\\s+(.+?)\\s*$`);
const ROW_OLD_MEDIAN = new RegExp(`^\\s*(.+?)\\s+${NUM}\\s+${NUM}\\s+${NUM}\\s+${NUM}\\s*$`);
const ROW_OLD = new RegExp(`^\\s*(.+?)\\s+${NUM}\\s+${NUM}()\\s+${NUM}\\s*$`);

export class DumpProfileReader {
  profile: LayerProfile | undefined;
  private layout: 'new' | 'new-median' | 'old' | 'old-median' | undefined;
  private open = false;
  private iterations: number | undefined;

  /** Returns true when the line belonged to the table. */
  read(body: string): boolean {
    const heading = /^=== Profile \((\d+) iterations ?\) ===/.exec(body);
    if (heading) {
      this.iterations = Number(heading[1]);
      this.open = true;
      this.layout = undefined;
      return true;
    }
    const header = HEADER_NEW.exec(body) ?? HEADER_OLD.exec(body);
    if (header) {
      const old = HEADER_OLD.test(body);
      this.layout = `${old ? 'old' : 'new'}${header[1] ? '-median' : ''}` as DumpProfileReader['layout'];
      this.profile = { format: 'dump-profile-text', layers: [], totalAverageMs: 0 };
      if (this.open && this.iterations !== undefined) this.profile.iterations = this.iterations;
      this.open = true;
      this.iterations = undefined;
      return true;
    }
    if (!this.open || !this.layout || !this.profile) return false;
    let name: string;
    let numbers: string[];
    const m = (this.layout === 'new-median' ? ROW_NEW_MEDIAN : this.layout === 'new' ? ROW_NEW : this.layout === 'old-median' ? ROW_OLD_MEDIAN : ROW_OLD).exec(body);
    if (!m) {
      this.open = false;
      return false;
    }
    if (this.layout.startsWith('new')) {
      name = m[5];
      numbers = [m[1], m[2], m[3], m[4]];
    } else {
      name = m[1];
      numbers = [m[2], m[3], m[4], m[5]];
    }
    if (name === 'Total') {
      this.open = false;
      return true;
    }
    const [total, average, median, percentage] = numbers.map((n) => (n === '' ? undefined : Number(n)));
    const layer: LayerProfile['layers'][number] = { name, totalMs: finite(total), averageMs: finite(average) };
    if (median !== undefined && Number.isFinite(median)) layer.medianMs = median;
    if (percentage !== undefined && Number.isFinite(percentage)) layer.percentage = percentage;
    this.profile.layers.push(layer);
    this.profile.totalAverageMs += layer.averageMs;
    return true;
  }
}

/** trtexec prints "nan"/"inf" for a layer that never ran; such a row counts as 0 ms rather than poisoning sums. */
function finite(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) ? value : 0;
}
