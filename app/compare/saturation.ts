/**
 * How much of a tensor sits at the edges of its reduced-precision range, streamed over samples.
 *
 * INT8 (ONNX QuantizeLinear, per-tensor symmetric, zero point 0):
 *   q = saturate(round_half_even(x / s)) to [−128, 127], with x / s computed in float32 (IEEE division, as
 *   ONNX Runtime's QuantizeLinear does; an implementation that multiplies by 1/s can differ in the last bit
 *   and so at exact .5 ties). The scale is rounded to float32 first, as an ONNX initializer stores it.
 *   - `saturationRate`: share of elements with q == −128 or q == 127, i.e. t = x/s with t > 126.5 or
 *     t ≤ −127.5 (126.5 rounds to 126, −127.5 rounds to −128). This includes values that land on a limit
 *     without being clipped.
 *   - `clippedRate`: share of elements whose rounded value lies outside [−128, 127] before saturation,
 *     i.e. the calibration range cut them off: t ≥ 127.5 (127.5 rounds to 128) or t < −128.5.
 * FP16 (IEEE binary16, round to nearest even; largest finite value 65504):
 *   - `fp16OverflowRate`: share of elements that become ±Infinity when cast to FP16: |x| ≥ 65520 (the
 *     midpoint between 65504 and 2^16, which rounds to even = 2^16 = overflow). Values in (65504, 65520) round
 *     down to 65504 and are finite.
 *   - `fp16AboveMaxRate`: share with |x| > 65504 (a superset: also counts those that round back to 65504).
 * Non-finite inputs: NaN and ±Infinity elements are counted (`nanCount`, `infCount`) and excluded from every
 * rate; rates are over `finiteCount` and are NaN when it is 0.
 */
import { WorkbenchError } from '../errors';

export interface SaturationResult {
  elementCount: number;
  finiteCount: number;
  nanCount: number;
  infCount: number;
  /** Elements with q == −128. */
  lowLimitCount: number;
  /** Elements with q == 127. */
  highLimitCount: number;
  /** (lowLimitCount + highLimitCount) / finiteCount. */
  saturationRate: number;
  /** Elements whose round_half_even(x/s) is outside [−128, 127]. */
  clippedCount: number;
  clippedRate: number;
  /** Elements with |x| ≥ 65520 (→ ±Infinity in FP16). */
  fp16OverflowCount: number;
  fp16OverflowRate: number;
  /** Elements with |x| > 65504. */
  fp16AboveMaxCount: number;
  fp16AboveMaxRate: number;
}

/** t > INT8_HIGH_LIMIT_FROM ⇔ q == 127. */
const INT8_HIGH_LIMIT_FROM = 126.5;
/** t ≤ INT8_LOW_LIMIT_TO ⇔ q == −128. */
const INT8_LOW_LIMIT_TO = -127.5;
/** t ≥ INT8_HIGH_CLIP_FROM ⇔ rounded above 127. */
const INT8_HIGH_CLIP_FROM = 127.5;
/** t < INT8_LOW_CLIP_BELOW ⇔ rounded below −128. */
const INT8_LOW_CLIP_BELOW = -128.5;
export const FP16_MAX = 65504;
/** Smallest magnitude that rounds to Infinity in FP16 (round to nearest even). */
export const FP16_OVERFLOW_THRESHOLD = 65520;

export class SaturationCounter {
  private elementCount = 0;
  private nanCount = 0;
  private infCount = 0;
  private lowLimitCount = 0;
  private highLimitCount = 0;
  private clippedCount = 0;
  private fp16OverflowCount = 0;
  private fp16AboveMaxCount = 0;

  /**
   * Adds one sample of the tensor `x` (FP32 values before quantization) and its int8 scale `scale` (> 0;
   * rounded to float32). Throws INVALID_SCALE otherwise. Reads `x` only.
   */
  update(x: Float32Array, scale: number): void {
    const s = Math.fround(scale);
    if (!(s > 0 && s < Infinity)) {
      throw new WorkbenchError(
        'compare',
        'INVALID_SCALE',
        `int8 scale must be a positive finite float32, got ${scale}; a symmetric scale is amax / 127 with amax > 0`,
      );
    }
    let nan = 0;
    let inf = 0;
    let low = 0;
    let high = 0;
    let clipped = 0;
    let overflow = 0;
    let aboveMax = 0;
    const n = x.length;
    for (let i = 0; i < n; i++) {
      const v = x[i];
      if (v - v !== 0) {
        if (v !== v) nan++;
        else inf++;
        continue;
      }
      // float32 division: the float64 quotient of two float32 values rounds to the correctly rounded
      // float32 quotient (no double-rounding error for division).
      const t = Math.fround(v / s);
      if (t > INT8_HIGH_LIMIT_FROM) {
        high++;
        if (t >= INT8_HIGH_CLIP_FROM) clipped++;
      } else if (t <= INT8_LOW_LIMIT_TO) {
        low++;
        if (t < INT8_LOW_CLIP_BELOW) clipped++;
      }
      const magnitude = v < 0 ? -v : v;
      if (magnitude > FP16_MAX) {
        aboveMax++;
        if (magnitude >= FP16_OVERFLOW_THRESHOLD) overflow++;
      }
    }
    this.elementCount += n;
    this.nanCount += nan;
    this.infCount += inf;
    this.lowLimitCount += low;
    this.highLimitCount += high;
    this.clippedCount += clipped;
    this.fp16OverflowCount += overflow;
    this.fp16AboveMaxCount += aboveMax;
  }

  result(): SaturationResult {
    const finiteCount = this.elementCount - this.nanCount - this.infCount;
    const rate = (count: number): number => (finiteCount === 0 ? NaN : count / finiteCount);
    return {
      elementCount: this.elementCount,
      finiteCount,
      nanCount: this.nanCount,
      infCount: this.infCount,
      lowLimitCount: this.lowLimitCount,
      highLimitCount: this.highLimitCount,
      saturationRate: rate(this.lowLimitCount + this.highLimitCount),
      clippedCount: this.clippedCount,
      clippedRate: rate(this.clippedCount),
      fp16OverflowCount: this.fp16OverflowCount,
      fp16OverflowRate: rate(this.fp16OverflowCount),
      fp16AboveMaxCount: this.fp16AboveMaxCount,
      fp16AboveMaxRate: rate(this.fp16AboveMaxCount),
    };
  }
}

/** ONNX QuantizeLinear for one value (symmetric int8, zero point 0): the reference the counter is tested against. */
export function quantizeInt8Symmetric(x: number, scale: number): number {
  const t = Math.fround(Math.fround(x) / Math.fround(scale));
  const q = roundHalfEven(t);
  return q > 127 ? 127 : q < -128 ? -128 : q;
}

/** Round to nearest, ties to even (the rounding ONNX QuantizeLinear specifies). */
export function roundHalfEven(t: number): number {
  const floor = Math.floor(t);
  const fraction = t - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}
