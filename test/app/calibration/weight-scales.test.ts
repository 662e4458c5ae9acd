import { test } from 'node:test';
import assert from 'node:assert/strict';

import { MIN_AMAX } from '../../../app/calibration/quant-scale';
import { perChannelAmax, perChannelScales, quantizeSymmetricInt8 } from '../../../app/calibration/weight-scales';
import { isWorkbenchError } from '../../../app/errors';
import { gaussian, makeRandom } from './random';

const code = (expected: string) => (e: unknown) => isWorkbenchError(e) && e.code === expected;

// A Conv weight [O=3, I=2, kH=1, kW=2] in row-major order (channel o occupies elements 4o .. 4o+3):
//   o=0: [ 0.5, -1.0 | 0.25,  0.75]  → amax 1.0
//   o=1: [ 0,    0   | 0,     0   ]  → amax 0 (a pruned filter)
//   o=2: [-2.54, 1.27| 0.635, 0   ]  → amax 2.54
const conv = Float32Array.of(0.5, -1, 0.25, 0.75, 0, 0, 0, 0, -2.54, 1.27, 0.635, 0);
const convDims = [3, 2, 1, 2];

test('per-channel amax and scales by hand (axis 0 of a Conv weight)', () => {
  assert.deepEqual(Array.from(perChannelAmax(conv, convDims, 0)), [1, 0, Math.fround(2.54)]);
  const scales = perChannelScales(conv, convDims, 0);
  assert.equal(scales[0], Math.fround(1 / 127));
  // The pruned channel gets the documented tiny positive scale, not 0.
  assert.equal(scales[1], Math.fround(MIN_AMAX / 127));
  assert.ok(scales[1] > 0 && scales[1] < 1e-9);
  assert.equal(scales[2], Math.fround(Math.fround(2.54) / 127));
});

test('other axes: axis 1, negative axis, and a Gemm weight [K, N] per output column', () => {
  // Axis 1 (I = 2) of the Conv weight: channel i collects elements (o, i, 0, 0..1) for every o.
  //   i=0: 0.5, -1, 0, 0, -2.54, 1.27 → 2.54 ; i=1: 0.25, 0.75, 0, 0, 0.635, 0 → 0.75
  assert.deepEqual(Array.from(perChannelAmax(conv, convDims, 1)), [Math.fround(2.54), 0.75]);
  // Axis -1 = axis 3 (kW = 2): kw=0: 0.5, 0.25, 0, 0, -2.54, 0.635 ; kw=1: -1, 0.75, 0, 0, 1.27, 0
  assert.deepEqual(Array.from(perChannelAmax(conv, convDims, -1)), [Math.fround(2.54), Math.fround(1.27)]);
  // Gemm B [K=2, N=3] = [[1, -6, 0.5], [-2, 3, 0]] → per column: 2, 6, 0.5
  assert.deepEqual(Array.from(perChannelAmax(Float32Array.of(1, -6, 0.5, -2, 3, 0), [2, 3], 1)), [2, 6, 0.5]);
});

test('quantize by hand: round half to even, zero point 0, narrow clamp by default', () => {
  // One channel ([1, 8], axis 0), scale 0.5: w/s = 2·w.
  //   1.25 → 2.5 → 2 (tie to even) ; 1.75 → 3.5 → 4 ; -1.25 → -2.5 → -2 ; 0.3 → 0.6 → 1 ; -0.2 → -0.4 → 0
  //   63.5 → 127 ; 100 → 200 → clamped 127 ; -100 → -200 → clamped -127 (narrow) or -128 (ONNX saturation)
  const w = Float32Array.of(1.25, 1.75, -1.25, 0.3, -0.2, 63.5, 100, -100);
  const scales = Float32Array.of(0.5);
  assert.deepEqual(Array.from(quantizeSymmetricInt8(w, [1, 8], 0, scales)), [2, 4, -2, 1, 0, 127, 127, -127]);
  assert.deepEqual(Array.from(quantizeSymmetricInt8(w, [1, 8], 0, scales, { narrowRange: false })), [2, 4, -2, 1, 0, 127, 127, -128]);
  // With its own scales the conv weight uses the full ±127 on each non-empty channel and zero on the pruned one.
  const q = quantizeSymmetricInt8(conv, convDims, 0, perChannelScales(conv, convDims, 0));
  //   o=0 (s = float32(1/127)): 0.5/s = 63.5 exactly in float32 → 64 (tie to even), -1/s → -127,
  //        0.25/s = 31.75 → 32, 0.75/s = 95.25 → 95
  //   o=2 (s = float32(2.54/127) = 0.019999999552965164): -2.54/s → -127, 1.27/s = 63.5 (again an exact float32
  //        tie) → 64, 0.635/s = 31.75 → 32, 0 → 0
  assert.deepEqual(Array.from(q), [64, -127, 32, 95, 0, 0, 0, 0, -127, 64, 32, 0]);
});

test('matches a naive index-arithmetic implementation on a random [64, 32, 3, 3] weight, every axis', () => {
  const random = makeRandom(5);
  const dims = [64, 32, 3, 3];
  const size = dims.reduce((a, b) => a * b, 1);
  const w = Float32Array.from({ length: size }, (_, i) => gaussian(random) * (1 + (i % 7)) * 0.01);
  for (let axis = 0; axis < dims.length; axis++) {
    const inner = dims.slice(axis + 1).reduce((a, b) => a * b, 1);
    const channels = dims[axis];
    const channelOf = (e: number) => Math.floor(e / inner) % channels;
    const expectedAmax = new Float32Array(channels);
    w.forEach((v, e) => {
      expectedAmax[channelOf(e)] = Math.max(expectedAmax[channelOf(e)], Math.abs(v));
    });
    assert.deepEqual(perChannelAmax(w, dims, axis), expectedAmax, `axis ${axis}`);
    const scales = perChannelScales(w, dims, axis);
    const q = quantizeSymmetricInt8(w, dims, axis, scales);
    w.forEach((v, e) => {
      const x = Math.fround(v / scales[channelOf(e)]);
      const r = Math.abs(x - Math.trunc(x)) === 0.5 ? 2 * Math.round(x / 2) : Math.round(x);
      assert.equal(q[e], Math.max(-127, Math.min(127, r)) + 0, `axis ${axis} element ${e}`); // + 0 turns -0 into 0
    });
    // Dequantization error is at most half a step per element (plus the float32 rounding of w/s: |w/s| <= 127 so
    // that is below 127·2^-24 < 2^-16 steps).
    w.forEach((v, e) => assert.ok(Math.abs(q[e] * scales[channelOf(e)] - v) <= scales[channelOf(e)] * (0.5 + 2 ** -16), `axis ${axis} element ${e}`));
  }
});

test('rejects bad shapes, axes, scales and non-finite weights with specific codes', () => {
  assert.throws(() => perChannelAmax(conv, [3, 2, 1, 3], 0), code('WEIGHTS_SHAPE_MISMATCH')); // 18 elements, data has 12
  assert.throws(() => perChannelAmax(conv, [3, -2, 1, -2], 0), code('WEIGHTS_SHAPE_MISMATCH'));
  assert.throws(() => perChannelAmax(conv, convDims, 4), code('AXIS_OUT_OF_RANGE'));
  assert.throws(() => perChannelAmax(conv, convDims, -5), code('AXIS_OUT_OF_RANGE'));
  assert.throws(() => perChannelAmax(conv, convDims, 0.5), code('AXIS_OUT_OF_RANGE'));
  assert.throws(() => quantizeSymmetricInt8(conv, convDims, 0, Float32Array.of(1, 1)), code('SCALES_LENGTH_MISMATCH'));
  assert.throws(() => quantizeSymmetricInt8(conv, convDims, 0, Float32Array.of(1, 0, 1)), code('INVALID_SCALE'));
  assert.throws(() => quantizeSymmetricInt8(conv, convDims, 0, Float32Array.of(1, NaN, 1)), code('INVALID_SCALE'));
  const broken = conv.slice();
  broken[5] = NaN;
  assert.throws(() => perChannelAmax(broken, convDims, 0), (e) => code('WEIGHTS_NOT_FINITE')(e) && /element 5 \(channel 1\)/.test((e as Error).message));
  assert.throws(() => quantizeSymmetricInt8(broken, convDims, 0, Float32Array.of(1, 1, 1)), code('WEIGHTS_NOT_FINITE'));
  broken[5] = -Infinity;
  assert.throws(() => perChannelAmax(broken, convDims, 0), code('WEIGHTS_NOT_FINITE'));
  assert.throws(() => quantizeSymmetricInt8(broken, convDims, 0, Float32Array.of(1, 1, 1)), code('WEIGHTS_NOT_FINITE'));
});
