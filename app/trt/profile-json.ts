/**
 * `trtexec --exportProfile` (Profiler::exportJSONProfile):
 *   [ { "count" : 21071 }
 *   , { "name" : "…", "timeMs" : 607.872, "averageMs" : 0.0288488, "medianMs" : 0.028672, "percentage" : 7.93604 } … ]
 * Older trtexec (e.g. 8.x on Jetson) writes no medianMs. trtexec does not JSON-escape layer names, so a name with
 * a quote or backslash makes the file invalid JSON: such files are read line by line with the fixed layout above.
 */
import { JsonReader, parseJsonBounded } from './json-input';
import { TRT_LIMITS, trtError } from './trt-errors';
import type { LayerProfile, ProfileLayer } from './types';

const ROW = /^\s*,?\s*\{ "name" : "(.*)", "timeMs" : ([^,]+), "averageMs" : ([^,]+)(?:, "medianMs" : ([^,]+))?, "percentage" : ([^ }]+) \}\s*$/;

function finish(layers: ProfileLayer[], iterations: number | undefined, legacy: boolean): LayerProfile {
  const profile: LayerProfile = { format: legacy ? 'trtexec-json-legacy' : 'trtexec-json', layers, totalAverageMs: layers.reduce((s, l) => s + l.averageMs, 0) };
  if (iterations !== undefined) profile.iterations = iterations;
  return profile;
}

function recoverByLines(file: string, text: string, cause: unknown): LayerProfile {
  const layers: ProfileLayer[] = [];
  let iterations: number | undefined;
  let legacy = true;
  let nonFinite = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line === '[' || line === ']' || line === '') continue;
    const count = /^,?\s*\{ "count" : (\d+) \}$/.exec(line);
    if (count) {
      iterations = Number(count[1]);
      continue;
    }
    const m = ROW.exec(line);
    // trtexec prints C++'s "nan"/"-nan"/"inf" (e.g. percentage of a zero total, a layer that never ran): such a value
    // is not valid JSON; it is read as "no value" (times as 0 ms).
    const numbers = m ? [m[2], m[3], m[4], m[5]].map((v) => (v === undefined ? undefined : /^-?(?:nan|inf)/i.test(v.trim()) ? NaN : Number(v))) : [];
    if (!m || numbers.some((n, k) => n !== undefined && !Number.isFinite(n) && !/^-?(?:nan|inf)/i.test([m[2], m[3], m[4], m[5]][k]!.trim()))) {
      throw cause instanceof Error ? cause : trtError('TRT_JSON_MALFORMED', file, `line ${i + 1} is not a profile row`);
    }
    if (numbers.some((n) => n !== undefined && !Number.isFinite(n))) nonFinite++;
    const finite = (n: number | undefined) => (n !== undefined && Number.isFinite(n) ? n : 0);
    const layer: ProfileLayer = { name: m[1], totalMs: finite(numbers[0]), averageMs: finite(numbers[1]) };
    if (numbers[3] !== undefined && Number.isFinite(numbers[3])) layer.percentage = numbers[3];
    if (numbers[2] !== undefined && Number.isFinite(numbers[2])) {
      layer.medianMs = numbers[2];
      legacy = false;
    }
    if (layers.length >= TRT_LIMITS.maxItems) throw trtError('TRT_TOO_MANY_ITEMS', file, `more than ${TRT_LIMITS.maxItems} profile rows`);
    layers.push(layer);
  }
  if (layers.length === 0) throw cause;
  const profile: LayerProfile = { ...finish(layers, iterations, legacy), recoveredFromInvalidJson: true };
  if (nonFinite > 0) profile.nonFiniteRows = nonFinite;
  return profile;
}

export function parseProfileJson(file: string, text: string): LayerProfile {
  let json: unknown;
  try {
    json = parseJsonBounded(file, text);
  } catch (error) {
    if ((error as { code?: string }).code !== 'TRT_JSON_MALFORMED') throw error;
    return recoverByLines(file, text, error);
  }
  const reader = new JsonReader(file);
  const list = reader.array(json, '$');
  let iterations: number | undefined;
  let legacy = true;
  const layers: ProfileLayer[] = [];
  list.forEach((value, index) => {
    const path = `$[${index}]`;
    const row = reader.object(value, path);
    if ('count' in row && !('name' in row)) {
      iterations = reader.number(row.count, `${path}.count`);
      return;
    }
    const layer: ProfileLayer = {
      name: reader.string(row.name, `${path}.name`),
      totalMs: reader.number(row.timeMs, `${path}.timeMs`),
      averageMs: reader.number(row.averageMs, `${path}.averageMs`),
    };
    const median = reader.optionalNumber(row.medianMs, `${path}.medianMs`);
    if (median !== undefined) {
      layer.medianMs = median;
      legacy = false;
    }
    const percentage = reader.optionalNumber(row.percentage, `${path}.percentage`);
    if (percentage !== undefined) layer.percentage = percentage;
    layers.push(layer);
  });
  return finish(layers, iterations, legacy);
}
