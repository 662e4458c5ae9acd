import { calibrationError } from './calibration-errors';

/**
 * Symmetric integer quantization conventions shared by activations and weights.
 *
 * Convention (TensorRT, ModelOpt, pytorch-quantization, and this product's Q/DQ graphs): a tensor calibrated to
 * `amax` is quantized symmetrically to the *narrow* range [-qmax, +qmax] with qmax = 2^(bits-1) - 1 (127 for int8),
 * zero point 0, and scale = amax / qmax. TensorRT calibration caches store exactly this scale (ONNX Runtime's TRT EP
 * recovers the dynamic range as `scale * 127.0f`).
 */

/**
 * Smallest amax we turn into a scale. Anything below (an all-zero tensor or channel, or denormal garbage) is raised
 * to this so the scale is a positive *normal* float32 and QuantizeLinear never divides by zero. 2^-24 is the
 * epsilon pytorch-quantization uses for "amax is zero" (the smallest fp16 subnormal). Values below it quantize to 0
 * and dequantize to 0, which is what an all-zero channel needs. The resulting scale (2^-24/127 ≈ 4.7e-10) is NOT
 * representable in fp16: store scales as float32.
 */
export const MIN_AMAX = 2 ** -24;

/** Largest magnitude of the narrow symmetric range: 127 for 8 bits. */
export function qmaxForBits(bits: number): number {
  if (!Number.isInteger(bits) || bits < 2 || bits > 16) {
    throw calibrationError('INVALID_OPTION', `bits must be an integer in [2, 16], got ${bits}`);
  }
  return 2 ** (bits - 1) - 1;
}

/**
 * scale = max(amax, MIN_AMAX) / qmax, rounded to float32 (every consumer — ONNX scale initializers, TensorRT caches
 * — stores float32; `Math.fround(a / b)` of float32 inputs is the correctly rounded float32 quotient, the same value
 * numpy/C++ float32 division gives). Throws INVALID_AMAX for NaN, infinite or negative amax.
 */
export function amaxToScale(amax: number, bits = 8): number {
  if (!(amax >= 0) || amax === Infinity) {
    throw calibrationError('INVALID_AMAX', `amax must be finite and >= 0, got ${amax}; cannot derive a scale`);
  }
  return Math.fround(Math.max(amax, MIN_AMAX) / qmaxForBits(bits));
}

/**
 * Round half to even (banker's rounding), as ONNX QuantizeLinear and C's nearbyint in the default mode do.
 * Math.round rounds .5 towards +Infinity, so fix up the exact ties.
 */
export function roundHalfToEven(x: number): number {
  const r = Math.round(x);
  // r - x === 0.5 exactly only for ties going up; pick the even neighbour.
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
