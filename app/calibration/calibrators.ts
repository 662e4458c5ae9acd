import type { AbsHistogram, ActivationStatistics } from './activation-statistics';
import { calibrationError } from './calibration-errors';
import { entropyAmaxFromHistogram, resolveEntropyOptions, type EntropyOptions } from './entropy-calibrator';
import { resampleAbsHistogram } from './histogram-resample';
import { qmaxForBits, roundHalfToEven } from './quant-scale';

export { amaxToScale, MIN_AMAX } from './quant-scale';
export type { EntropyOptions } from './entropy-calibrator';

/**
 * Activation calibrators: turn the statistics of one tensor into a symmetric clipping range amax (the tensor is
 * then quantized on [-amax, amax], scale = amax/127 for int8 — see amaxToScale). Tools disagree on the details
 * (reference/tensorrt.md §4.4), so every result records the exact variant and its parameters, and reports store
 * them next to the number.
 */

export type CalibrationMethod = 'max' | 'entropy' | 'percentile' | 'mse';

export const CALIBRATION_METHODS: readonly CalibrationMethod[] = ['max', 'entropy', 'percentile', 'mse'];

export interface CalibrationResult {
  /** Clipping threshold in the tensor's units; 0 for an all-zero tensor (amaxToScale floors it). */
  amax: number;
  method: CalibrationMethod;
  parameters: Record<string, number | string>;
}

export interface PercentileOptions {
  /** Percentile of |x| in (0, 100]. Default 99.99 (pytorch-quantization/ModelOpt; ONNX Runtime uses 99.999). */
  percentile?: number;
}

export interface MseOptions {
  /** Quantization bits (narrow symmetric range ±(2^(bits-1)-1)). Default 8. */
  bits?: number;
  /** Evaluate every `stride`-th native bin edge as a candidate amax. Default 1. */
  stride?: number;
}

export type CalibratorOptions = EntropyOptions & PercentileOptions & MseOptions;

export function computeAmax(stats: ActivationStatistics, method: 'max'): CalibrationResult;
export function computeAmax(stats: ActivationStatistics, method: 'entropy', options?: EntropyOptions): CalibrationResult;
export function computeAmax(stats: ActivationStatistics, method: 'percentile', options?: PercentileOptions): CalibrationResult;
export function computeAmax(stats: ActivationStatistics, method: 'mse', options?: MseOptions): CalibrationResult;
export function computeAmax(stats: ActivationStatistics, method: CalibrationMethod, options?: CalibratorOptions): CalibrationResult;
export function computeAmax(stats: ActivationStatistics, method: CalibrationMethod, options: CalibratorOptions = {}): CalibrationResult {
  if (!CALIBRATION_METHODS.includes(method)) {
    throw calibrationError('UNKNOWN_METHOD', `unknown calibration method '${String(method)}'; use one of ${CALIBRATION_METHODS.join(', ')}`);
  }
  if (stats.count === 0) {
    throw calibrationError(
      'NO_FINITE_VALUES',
      `cannot calibrate a tensor without finite values (${stats.nanCount} NaN, ${stats.infCount} ±Inf over ${stats.sampleCount} samples)`,
    );
  }
  const hist = stats.absHistogram();
  switch (method) {
    case 'max':
      return { amax: hist.absMax, method, parameters: { variant: 'abs-max', description: 'largest finite |x| seen' } };
    case 'percentile':
      return percentileAmax(hist, stats.count, options.percentile ?? 99.99);
    case 'mse':
      return mseAmax(hist, options.bits ?? 8, options.stride ?? 1);
    case 'entropy':
      return entropyAmax(hist, options);
  }
}

/**
 * Percentile of |x| from the native histogram, interpolated linearly inside the bin that holds the target rank
 * (rank = p/100 · count; the last bin is taken to end at absMax). The true order statistic lies in the same bin,
 * so the error is below one native bin width (absMax/2048 or less at the default resolution). pytorch-quantization
 * instead returns the bin's right edge (`edges[searchsorted(cdf, p/100)]`).
 */
function percentileAmax(hist: AbsHistogram, count: number, percentile: number): CalibrationResult {
  if (!(percentile > 0 && percentile <= 100)) {
    throw calibrationError('INVALID_OPTION', `percentile must be in (0, 100], got ${percentile}`);
  }
  const { counts, binWidth, absMax } = hist;
  const parameters = { variant: 'histogram-linear-within-bin', percentile, binWidth, histogramBins: counts.length };
  if (binWidth === 0) return { amax: 0, method: 'percentile', parameters };
  const rank = (percentile / 100) * count;
  let below = 0;
  const last = counts.length - 1;
  for (let j = 0; j <= last; j++) {
    const c = counts[j];
    if (c > 0 && below + c >= rank) {
      const lo = j * binWidth;
      const hi = j === last ? absMax : (j + 1) * binWidth;
      const amax = Math.min(absMax, lo + ((rank - below) / c) * (hi - lo));
      return { amax, method: 'percentile', parameters };
    }
    below += c;
  }
  return { amax: absMax, method: 'percentile', parameters }; // rank == count up to rounding
}

/**
 * amax minimizing the expected squared error of symmetric fake quantization, E[(fq(x) − x)²], rounding and
 * clipping included: fq(x) = s·min(qmax, roundHalfEven(|x|/s))·sign(x), s = amax/qmax. Each native bin is
 * represented by its centre (pytorch-quantization `_compute_amax_mse` does the same); the last bin is taken to end
 * at absMax. Candidates: every `stride`-th native bin edge j·W (j ≥ 1) plus absMax itself. Bins above a candidate
 * contribute their clipping error in O(1) from suffix moments, so the cost is O(B²/2) for B native bins.
 * The minimum expected error (per finite value, in squared tensor units) is reported as `expectedSquaredError`.
 */
function mseAmax(hist: AbsHistogram, bits: number, stride: number): CalibrationResult {
  const qmax = qmaxForBits(bits);
  if (!Number.isInteger(stride) || stride < 1) {
    throw calibrationError('INVALID_OPTION', `mse stride must be a positive integer, got ${stride}`);
  }
  const { counts, binWidth, absMax } = hist;
  const n = counts.length;
  const base = { variant: 'histogram-bin-centres', bits, qmax, stride, binWidth, histogramBins: n, candidates: 'native bin edges + absMax' };
  if (binWidth === 0) return { amax: 0, method: 'mse', parameters: { ...base, expectedSquaredError: 0 } };

  const centres = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const lo = j * binWidth;
    const hi = j === n - 1 ? absMax : (j + 1) * binWidth;
    centres[j] = 0.5 * (lo + hi);
  }
  // Suffix moments for the clipped part: Σ c, Σ c·x, Σ c·x² over bins j..n-1.
  const s0 = new Float64Array(n + 1);
  const s1 = new Float64Array(n + 1);
  const s2 = new Float64Array(n + 1);
  for (let j = n - 1; j >= 0; j--) {
    const c = counts[j];
    const x = centres[j];
    s0[j] = s0[j + 1] + c;
    s1[j] = s1[j + 1] + c * x;
    s2[j] = s2[j + 1] + c * x * x;
  }
  const total = s0[0];

  let bestAmax = absMax;
  let bestError = Infinity;
  const evaluate = (amax: number): void => {
    const step = amax / qmax;
    const inv = 1 / step;
    // Bins whose centre is ≤ amax are rounded; the rest are clipped to amax.
    let firstClipped = Math.min(n, Math.floor(amax / binWidth));
    while (firstClipped < n && centres[firstClipped] <= amax) firstClipped++;
    while (firstClipped > 0 && centres[firstClipped - 1] > amax) firstClipped--;
    let error = s2[firstClipped] - 2 * amax * s1[firstClipped] + amax * amax * s0[firstClipped];
    for (let j = 0; j < firstClipped; j++) {
      const c = counts[j];
      if (c === 0) continue;
      const x = centres[j];
      const d = roundHalfToEven(x * inv) * step - x;
      error += c * d * d;
      if (error >= bestError) return; // cannot win any more
    }
    if (error < bestError) {
      bestError = error;
      bestAmax = amax;
    }
  };
  // Largest candidate first: absMax (= max calibration) is the reference every clipped candidate must beat.
  evaluate(absMax);
  for (let j = n - 1; j >= 1; j -= stride) {
    const edge = j * binWidth;
    if (edge < absMax) evaluate(edge);
  }
  return { amax: bestAmax, method: 'mse', parameters: { ...base, expectedSquaredError: bestError / total } };
}

function entropyAmax(hist: AbsHistogram, options: EntropyOptions): CalibrationResult {
  const o = resolveEntropyOptions(options);
  const parameters: Record<string, number | string> = {
    variant: o.variant,
    reference: 'Migacz 2017 (GTC S7310) as implemented by pytorch-quantization/ModelOpt _compute_amax_entropy',
    histogramBins: o.numBins,
    histogramRange: hist.absMax,
    histogramSource: `native grid of ${hist.counts.length} bins (width ${hist.binWidth}) resampled linearly to ${o.numBins} bins over [0, absMax]`,
    startBin: o.startBin,
    stride: o.stride,
    quantizedBins: 2 ** (o.bits - 1),
    levelAssignment: 'bin j of i -> level floor(j*L/i); level mass spread over its non-empty bins',
    smoothingEpsilon: o.smoothingEpsilon,
    smoothing: o.smoothingEpsilon > 0 ? 'empty entries of P and Q set to epsilon (count units), then normalized' : 'none (P>0, Q=0 gives +Infinity)',
    zeroBinFix: o.zeroBinFix ? 'bins[0] = bins[1]' : 'off',
    threshold: o.threshold === 'bin-plus-half' ? '(i + 0.5) * binWidth' : 'i * binWidth',
    tieBreak: o.tieBreak,
    divergence: 'KL(P||Q), natural log',
  };
  if (hist.binWidth === 0 || hist.absMax === 0) {
    return { amax: 0, method: 'entropy', parameters: { ...parameters, note: 'all finite values are 0' } };
  }
  const counts = resampleAbsHistogram(hist, o.numBins);
  const binWidth = hist.absMax / o.numBins;
  const result = entropyAmaxFromHistogram(counts, binWidth, o);
  return {
    amax: result.amax,
    method: 'entropy',
    parameters: { ...parameters, binWidth, chosenBin: result.chosenBin, klDivergence: result.divergence },
  };
}
