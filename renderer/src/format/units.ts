/**
 * Number formatting for the UI: every metric is shown with its unit and at most 4 significant digits.
 * null means "not measured" and prints as an en dash; callers that need another word pass `missing`.
 */

const DASH = '–';

function finite(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** Up to `digits` significant digits, no exponent for everyday magnitudes, thin exponent for tiny or huge ones. */
export function formatNumber(value: number | null | undefined, digits = 4, missing = DASH): string {
  if (!finite(value)) return missing;
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-4) return value.toExponential(Math.max(0, digits - 1)).replace('e+', 'e');
  return String(Number(value.toPrecision(digits)));
}

/** SQNR: null with mse 0 is an exact match ("exact"); any other null is unmeasured. */
export function formatDb(value: number | null | undefined, options: { exact?: boolean } = {}): string {
  if (!finite(value)) return options.exact ? 'exact' : DASH;
  return `${value.toFixed(Math.abs(value) >= 100 ? 0 : 1)} dB`;
}

/** A share 0..1 as a percentage. */
export function formatPercent(share: number | null | undefined, decimals = 1): string {
  if (!finite(share)) return DASH;
  const percent = share * 100;
  if (percent !== 0 && Math.abs(percent) < 10 ** -decimals) return `<${(10 ** -decimals).toFixed(decimals)} %`;
  return `${percent.toFixed(decimals)} %`;
}

/** Cosine similarity: 4 decimals keep 0.9994 and 0.9999 apart, which is where INT8 layers live. */
export function formatCosine(value: number | null | undefined): string {
  if (!finite(value)) return DASH;
  return value.toFixed(value > 0.99 ? 5 : 4);
}

export function formatMs(ms: number | null | undefined): string {
  if (!finite(ms)) return DASH;
  if (ms >= 60_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

export function formatBytes(bytes: number | null | undefined): string {
  if (!finite(bytes)) return DASH;
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}

export function formatCount(count: number | null | undefined): string {
  if (!finite(count)) return DASH;
  return count.toLocaleString('en-US');
}

export function formatDims(dims: readonly (number | string | null)[] | null | undefined): string {
  if (!dims) return DASH;
  return `[${dims.map((d) => (d === null ? '?' : String(d))).join('×')}]`;
}

/** Signed dB change, "+3.2 dB" / "−1.0 dB". */
export function formatDeltaDb(delta: number | null | undefined): string {
  if (!finite(delta)) return DASH;
  const sign = delta > 0 ? '+' : delta < 0 ? '−' : '±';
  return `${sign}${Math.abs(delta).toFixed(1)} dB`;
}

export const PRECISION_LABEL = { int8: 'INT8', fp16: 'FP16', fp32: 'FP32' } as const;

/**
 * A kernel / layer time given in ms: µs below 0.1 ms (tactic timings are a few µs), else ms; 3–4 significant digits.
 * "5.22 µs", "93.2 µs", "0.522 ms", "2.124 ms".
 */
export function formatLayerTime(ms: number | null | undefined): string {
  if (!finite(ms)) return DASH;
  if (ms === 0) return '0 µs';
  const magnitude = Math.abs(ms);
  if (magnitude < 0.1) return `${Number((ms * 1000).toPrecision(3))} µs`;
  if (magnitude < 1) return `${ms.toFixed(3)} ms`;
  return `${Number(ms.toPrecision(4))} ms`;
}

/** A ratio such as time ÷ fastest time or a speed-up: "×1.00", "×2.05", "×12.3". */
export function formatRatio(ratio: number | null | undefined): string {
  if (!finite(ratio)) return DASH;
  return `×${ratio >= 10 ? ratio.toFixed(1) : ratio.toFixed(2)}`;
}
