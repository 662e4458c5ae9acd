/**
 * Engine-layer names as the runner meets them in IProfiler reports and debug tensors: per-profile copies
 * (" [profile N]"), layer-index names of kNONE builds, and the trtexec --exportProfile aggregation. Mapping engine
 * layers to ONNX nodes (Metadata, " + " fusions, PWN(...), ForeignNode) lives in app/trt/.
 */
import type { TrtLayerTime } from '../../native/index';

/** "conv1 + relu [profile 1]" -> { base: "conv1 + relu", profile: 1 }; no suffix = profile 0. */
export function splitProfileSuffix(name: string): { base: string; profile: number } {
  const match = /^(.*) \[profile (\d+)\]$/.exec(name);
  return match ? { base: match[1], profile: Number(match[2]) } : { base: name, profile: 0 };
}

/** With ProfilingVerbosity::kNONE, IProfiler reports the decimal layer index instead of a name. */
export function isLayerIndexName(name: string): boolean {
  return /^\d+$/.test(name);
}

export interface LayerTimingRow {
  name: string;
  /** Sum over iterations (ms). */
  timeMs: number;
  averageMs: number;
  medianMs: number;
  /** Share of the total of all layers (%). */
  percentage: number;
}

export interface LayerTimingProfile {
  iterations: number;
  layers: LayerTimingRow[];
  totalMs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Aggregates IProfiler calls over iterations the way trtexec does: calls arrive in the same order every
 * iteration, and a repeat of the first layer's name starts a new iteration. Layers keep their first-seen order.
 */
export function aggregateLayerTimes(times: readonly TrtLayerTime[]): LayerTimingProfile {
  const perLayer = new Map<string, number[]>();
  let iterations = 0;
  const first = times[0]?.name;
  for (const { name, ms } of times) {
    if (name === first) iterations++;
    let list = perLayer.get(name);
    if (!list) perLayer.set(name, (list = []));
    list.push(ms);
  }
  const totalMs = [...perLayer.values()].reduce((sum, list) => sum + list.reduce((a, b) => a + b, 0), 0);
  const layers = [...perLayer.entries()].map(([name, list]) => {
    const timeMs = list.reduce((a, b) => a + b, 0);
    return { name, timeMs, averageMs: timeMs / Math.max(iterations, 1), medianMs: median(list), percentage: totalMs > 0 ? (100 * timeMs) / totalMs : 0 };
  });
  return { iterations, layers, totalMs };
}

/** The profile in trtexec's --exportProfile JSON layout (names JSON-escaped, unlike trtexec). */
export function toTrtexecProfileJson(profile: LayerTimingProfile): string {
  const rows = [
    JSON.stringify({ count: profile.iterations }),
    ...profile.layers.map((row) => JSON.stringify({ name: row.name, timeMs: row.timeMs, averageMs: row.averageMs, medianMs: row.medianMs, percentage: row.percentage })),
  ];
  return `[\n  ${rows.join('\n, ')}\n]\n`;
}

/**
 * Finds the debug tensor for an ONNX tensor name. Unfused debug tensors carry engine-internal names, which equal the
 * ONNX value name for tensors the optimizer kept; a graph output that shares its name with an input is renamed
 * "__<name>" by the ONNX parser. Anything else (fused away, reformatted) has no match.
 */
export function debugTensorNameFor(onnxName: string, available: ReadonlySet<string>): string | undefined {
  if (available.has(onnxName)) return onnxName;
  if (available.has(`__${onnxName}`)) return `__${onnxName}`;
  return undefined;
}
