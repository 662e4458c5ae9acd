/**
 * TREx (trt-engine-explorer) side files: `*.build.metadata.json` (trtexec build options), `*.profile.metadata.json`
 * (performance summary parsed from the trtexec log) and `*.metadata.json` (a list with the device properties).
 */
import { JsonReader, parseJsonBounded } from './json-input';
import type { LatencyStats, PerformanceSummary, TrexMetadata } from './types';

/** TREx stores each statistic as [min, max, mean, median, p99]. */
function trexStats(reader: JsonReader, value: unknown, path: string): LatencyStats | undefined {
  if (value === undefined) return undefined;
  const list = reader.array(value, path).map((v, i) => reader.number(v, `${path}[${i}]`));
  const [minMs, maxMs, meanMs, medianMs, p99] = list;
  const stats: LatencyStats = { minMs, maxMs, meanMs, medianMs, percentilesMs: {} };
  if (p99 !== undefined) stats.percentilesMs['99'] = p99;
  return stats;
}

export function parseTrexMetadata(file: string, text: string): TrexMetadata {
  const reader = new JsonReader(file);
  const json = parseJsonBounded(file, text);
  if (Array.isArray(json)) {
    const device = reader.object(json[0], '$[0]');
    const cc = device.ComputeCapability;
    const result: TrexMetadata = { type: 'device', device: { name: reader.string(device.Name, '$[0].Name') } };
    if (Array.isArray(cc)) result.device!.computeCapability = cc.map((v, i) => reader.number(v, `$[0].ComputeCapability[${i}]`)).join('.');
    return result;
  }
  const root = reader.object(json, '$');
  if (root.performance_summary !== undefined) {
    const s = reader.object(root.performance_summary, '$.performance_summary');
    const performance: PerformanceSummary = {};
    const throughput = reader.optionalNumber(s.Throughput, '$.performance_summary.Throughput');
    if (throughput !== undefined) performance.throughputQps = throughput;
    const keys: [string, keyof Pick<PerformanceSummary, 'latency' | 'gpuCompute' | 'enqueue' | 'h2d' | 'd2h'>][] = [
      ['Latency', 'latency'], ['GPU Compute Time', 'gpuCompute'], ['Enqueue Time', 'enqueue'], ['H2D Latency', 'h2d'], ['D2H Latency', 'd2h'],
    ];
    for (const [key, field] of keys) {
      const stats = trexStats(reader, s[key], `$.performance_summary["${key}"]`);
      if (stats) performance[field] = stats;
    }
    const wall = reader.optionalNumber(s['Total Host Walltime'], '$.performance_summary["Total Host Walltime"]');
    if (wall !== undefined) performance.totalHostWalltimeS = wall;
    const gpu = reader.optionalNumber(s['Total GPU Compute Time'], '$.performance_summary["Total GPU Compute Time"]');
    if (gpu !== undefined) performance.totalGpuComputeTimeS = gpu;
    return { type: 'profile', performance };
  }
  const build = root.build_options === undefined ? {} : reader.object(root.build_options, '$.build_options');
  const model = root.model_options === undefined ? {} : reader.object(root.model_options, '$.model_options');
  const result: TrexMetadata = { type: 'build' };
  const precision = reader.optionalString(build.Precision, '$.build_options.Precision');
  if (precision !== undefined) result.precisionFlags = precision;
  const modelPath = reader.optionalString(model.Model, '$.model_options.Model');
  if (modelPath !== undefined) result.model = modelPath;
  return result;
}
