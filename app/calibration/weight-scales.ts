import { calibrationError } from './calibration-errors';
import { amaxToScale } from './quant-scale';

/**
 * Per-channel symmetric int8 weight quantization, as this product materializes INT8 layers (DESIGN.md: per-channel
 * symmetric int8 weights, zero point 0, scale = amax/127): for Conv weights [O, I/g, kH, kW] the channel axis is 0;
 * for ConvTranspose [I, O/g, kH, kW] it is 1; for MatMul/Gemm weights [K, N] it is the output axis 1 (0 for Gemm
 * with transB=1). Weights are row-major (ONNX raw_data order). Loops walk memory in order; no per-element division.
 */

interface ChannelLayout {
  /** Product of the dims before the axis. */
  outer: number;
  channels: number;
  /** Product of the dims after the axis. */
  inner: number;
}

function channelLayout(length: number, dims: readonly number[], axis: number): ChannelLayout {
  let size = 1;
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0) {
      throw calibrationError('WEIGHTS_SHAPE_MISMATCH', `weight dims [${dims.join(', ')}] must be non-negative integers`);
    }
    size *= d;
  }
  if (size !== length) {
    throw calibrationError('WEIGHTS_SHAPE_MISMATCH', `weight dims [${dims.join(', ')}] hold ${size} elements but the data has ${length}`);
  }
  const rank = dims.length;
  // ONNX allows negative axes counted from the end.
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(axis) || a < 0 || a >= rank) {
    throw calibrationError('AXIS_OUT_OF_RANGE', `channel axis ${axis} is out of range for weights of rank ${rank}`);
  }
  let outer = 1;
  for (let d = 0; d < a; d++) outer *= dims[d];
  let inner = 1;
  for (let d = a + 1; d < rank; d++) inner *= dims[d];
  return { outer, channels: dims[a], inner };
}

function notFinite(index: number, value: number, channel: number): never {
  throw calibrationError(
    'WEIGHTS_NOT_FINITE',
    `weight element ${index} (channel ${channel}) is ${value}; a weight tensor with NaN/Inf cannot be quantized — fix the model or keep this layer in float`,
  );
}

/** max |w| per channel along `axis` (exact: a maximum of float32 values). Throws WEIGHTS_NOT_FINITE on NaN/Inf. */
export function perChannelAmax(weights: Float32Array, dims: readonly number[], axis: number): Float32Array {
  const { outer, channels, inner } = channelLayout(weights.length, dims, axis);
  const amax = new Float32Array(channels);
  let index = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      let m = amax[c];
      const end = index + inner;
      for (; index < end; index++) {
        const v = weights[index];
        const a = v < 0 ? -v : v;
        if (a > m) {
          if (a === Infinity) notFinite(index, v, c);
          m = a;
        } else if (a !== a) {
          notFinite(index, v, c);
        }
      }
      amax[c] = m;
    }
  }
  return amax;
}

/**
 * Per-channel scales float32(max(amax, MIN_AMAX) / 127) (see quant-scale.ts). A channel whose weights are all zero
 * (or all below 2^-24 in magnitude) gets the tiny positive scale 2^-24/127 ≈ 4.7e-10 instead of 0, so
 * QuantizeLinear never divides by zero; its weights quantize to 0 and dequantize to exactly 0.
 */
export function perChannelScales(weights: Float32Array, dims: readonly number[], axis: number, bits = 8): Float32Array {
  const amax = perChannelAmax(weights, dims, axis);
  const scales = new Float32Array(amax.length);
  for (let c = 0; c < amax.length; c++) scales[c] = amaxToScale(amax[c], bits);
  return scales;
}

export interface QuantizeOptions {
  /**
   * true (default): clamp to [-127, 127], the narrow symmetric range TensorRT, pytorch-quantization and ModelOpt use
   * for weights (scale = amax/127 never needs -128, and -128 would make the range asymmetric).
   * false: clamp to [-128, 127] as ONNX QuantizeLinear saturates. With scales from perChannelScales the two only
   * differ if the caller passes scales smaller than amax/127 (deliberate clipping).
   */
  narrowRange?: boolean;
}

/**
 * q = clamp(roundHalfToEven(w / scale[c])), zero point 0 — ONNX QuantizeLinear semantics (division in float32,
 * round half to even). `scales` must have one positive finite entry per channel.
 */
export function quantizeSymmetricInt8(
  weights: Float32Array,
  dims: readonly number[],
  axis: number,
  scales: Float32Array,
  options: QuantizeOptions = {},
): Int8Array {
  const { outer, channels, inner } = channelLayout(weights.length, dims, axis);
  if (scales.length !== channels) {
    throw calibrationError('SCALES_LENGTH_MISMATCH', `got ${scales.length} scales for ${channels} channels on axis ${axis}`);
  }
  for (let c = 0; c < channels; c++) {
    const s = scales[c];
    if (!(s > 0) || s === Infinity) {
      throw calibrationError('INVALID_SCALE', `scale of channel ${c} is ${s}; scales must be positive and finite`);
    }
  }
  const low = options.narrowRange === false ? -128 : -127;
  const out = new Int8Array(weights.length);
  let index = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const s = scales[c];
      const end = index + inner;
      for (; index < end; index++) {
        const w = weights[index];
        if (w - w !== 0) notFinite(index, w, c); // NaN or ±Inf (finite overflow of w/s just saturates)
        // fround(w / s) is the correctly rounded float32 quotient, as QuantizeLinear computes it.
        const x = Math.fround(w / s);
        let q = Math.round(x);
        if (q - x === 0.5 && (q & 1) !== 0) q -= 1; // ties to even (inline roundHalfToEven on the hot path)
        out[index] = q > 127 ? 127 : q < low ? low : q;
      }
    }
  }
  return out;
}
