/**
 * How metric values cross into JSON (reports, IPC, CLI output), which has no NaN or Infinity.
 *
 * Encoding (lossless and order-preserving):
 *   finite x   → x
 *   +Infinity  → Number.MAX_VALUE   (e.g. sqnrDb of an exact match, relL2Error of a dead reference channel)
 *   −Infinity  → −Number.MAX_VALUE  (e.g. sqnrDb when the reference is all zero but the error is not)
 *   NaN        → null               ("undefined": nothing was compared)
 *
 * Why not a small cap such as 999 dB: no finite metric of float32 data comes anywhere near Number.MAX_VALUE
 * (|sqnrDb| < 1840 dB, mse < 5e77, relL2Error < 2e91 for any float32 input and fewer than 2^53 elements), so ±MAX_VALUE can only mean
 * ±Infinity and decodes back exactly; sorting and threshold gates (`--fail-if sqnr<30`) still order the
 * encoded numbers correctly. `null` stays reserved for "no data", never for "perfect".
 */

/** A metric as JSON carries it. */
export type JsonMetric = number | null;

/** Same shape as T with every number replaced by its JSON encoding. */
export type JsonSafe<T> = T extends number
  ? JsonMetric
  : T extends readonly (infer U)[]
    ? JsonSafe<U>[]
    : T extends object
      ? { [K in keyof T]: JsonSafe<T[K]> }
      : T;

export function metricToJson(value: number): JsonMetric {
  if (value === Infinity) return Number.MAX_VALUE;
  if (value === -Infinity) return -Number.MAX_VALUE;
  if (value !== value) return null;
  return value;
}

export function metricFromJson(value: JsonMetric): number {
  if (value === null) return NaN;
  if (value === Number.MAX_VALUE) return Infinity;
  if (value === -Number.MAX_VALUE) return -Infinity;
  return value;
}

/** Deep copy of plain data (objects, arrays, numbers, strings, booleans, null) with every number encoded. */
export function toJsonSafe<T>(value: T): JsonSafe<T> {
  return encode(value) as JsonSafe<T>;
}

function encode(value: unknown): unknown {
  if (typeof value === 'number') return metricToJson(value);
  if (Array.isArray(value)) return value.map(encode);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = encode(item);
    return out;
  }
  return value;
}
