import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  FP16_MAX,
  FP16_OVERFLOW_THRESHOLD,
  SaturationCounter,
  quantizeInt8Symmetric,
  roundHalfEven,
} from '../../../app/compare/saturation';
import { assertWorkbenchError, gaussian, seededRandom } from './helpers';

describe('roundHalfEven (ONNX QuantizeLinear rounding)', () => {
  it('ties go to the even neighbour, everything else to the nearest', () => {
    const cases: [number, number][] = [
      [0.5, 0], [1.5, 2], [2.5, 2], [3.5, 4], [-0.5, 0], [-1.5, -2], [-2.5, -2], [126.5, 126], [127.5, 128],
      [-127.5, -128], [-128.5, -128], [2.4999, 2], [2.5001, 3], [-2.5001, -3], [7, 7], [-7, -7],
    ];
    for (const [t, expected] of cases) assert.equal(roundHalfEven(t) + 0, expected, `round(${t})`);
  });
});

describe('SaturationCounter: int8 limits by hand', () => {
  it('counts q == −128 / 127 with round-half-even at the .5 boundaries (scale 1)', () => {
    // t = x / 1:
    //   126.5      → 126 (tie → even)                    not at a limit
    //   126.50001  → float32 126.500008 → 127             high limit, not clipped
    //   127.5      → 128 (tie → even) → saturates to 127  high limit, clipped
    //   −127.5     → −128 (tie → even)                   low limit, not clipped
    //   −127.49    → −127                                not at a limit
    //   −128.5     → −128 (tie → even)                   low limit, not clipped
    //   −128.51    → −129 → saturates to −128            low limit, clipped
    //   0          → 0
    //   200        → 200 → 127                           high limit, clipped
    //   NaN, +Inf  → excluded (nanCount 1, infCount 1)
    // finite 9: limits 3 high + 3 low → 6/9; clipped 3/9
    const counter = new SaturationCounter();
    counter.update(new Float32Array([126.5, 126.50001, 127.5, -127.5, -127.49, -128.5, -128.51, 0, 200, NaN, Infinity]), 1);
    const r = counter.result();
    assert.equal(r.elementCount, 11);
    assert.equal(r.finiteCount, 9);
    assert.equal(r.nanCount, 1);
    assert.equal(r.infCount, 1);
    assert.equal(r.highLimitCount, 3);
    assert.equal(r.lowLimitCount, 3);
    assert.equal(r.saturationRate, 6 / 9);
    assert.equal(r.clippedCount, 3);
    assert.equal(r.clippedRate, 3 / 9);
  });

  it('the same ties through a non-unit power-of-two scale (exact division): s = 0.25', () => {
    // x = t·0.25: 31.625 → t 126.5 (→126), 31.875 → 127.5 (→128→127), −31.875 → −127.5 (→−128), −32.125 → −128.5 (→−128)
    const counter = new SaturationCounter();
    counter.update(new Float32Array([31.625, 31.875, -31.875, -32.125]), 0.25);
    const r = counter.result();
    assert.equal(r.highLimitCount, 1);
    assert.equal(r.lowLimitCount, 2);
    assert.equal(r.clippedCount, 1);
  });

  it('streams over samples and agrees with element-wise QuantizeLinear on random data and scales', () => {
    const random = seededRandom(5);
    const counter = new SaturationCounter();
    let limits = 0;
    let finite = 0;
    for (const amax of [6, 0.37, 1e-3, 250]) {
      const scale = amax / 127;
      const x = new Float32Array(20_000);
      for (let i = 0; i < x.length; i++) x[i] = gaussian(random) * amax * 0.5;
      // plant exact ties t = k + 0.5 around both limits
      for (let k = 0; k < 8; k++) x[k] = Math.fround((124.5 + k) * Math.fround(scale));
      for (let k = 0; k < 8; k++) x[8 + k] = Math.fround((-130.5 + k) * Math.fround(scale));
      counter.update(x, scale);
      for (const v of x) {
        const q = quantizeInt8Symmetric(v, scale);
        if (q === 127 || q === -128) limits++;
        finite++;
      }
    }
    const r = counter.result();
    assert.equal(r.finiteCount, finite);
    assert.equal(r.lowLimitCount + r.highLimitCount, limits);
    assert.equal(r.saturationRate, limits / finite);
    assert.ok(limits > 0);
  });

  it('rejects scales that are not positive finite float32 values with INVALID_SCALE', () => {
    const counter = new SaturationCounter();
    for (const scale of [0, -1, NaN, Infinity, 1e-50 /* rounds to 0 in float32 */, 1e39 /* rounds to Infinity */]) {
      assertWorkbenchError(() => counter.update(new Float32Array([1]), scale), 'INVALID_SCALE');
    }
    assert.equal(counter.result().elementCount, 0);
    assert.ok(Number.isNaN(counter.result().saturationRate));
  });
});

/** Float32 → IEEE binary16 → number, round to nearest even (reference for the FP16 counts). */
function toFloat16(x: number): number {
  const a = Math.abs(x);
  if (a === 0 || !Number.isFinite(a)) return x;
  const exponent = Math.max(Math.floor(Math.log2(a)), -14);
  const ulp = 2 ** (exponent - 10);
  const rounded = roundHalfEven(a / ulp) * ulp;
  return Math.sign(x) * (rounded > 65504 ? Infinity : rounded);
}

describe('SaturationCounter: FP16 overflow', () => {
  it('|x| ≥ 65520 overflows to Infinity; (65504, 65520) rounds to 65504 but is above the maximum', () => {
    // float32 values: 65504 (max, finite), 65505, 65519.99 (→ 65519.98828125), 65520 (tie → 2^16 → Inf), −65520, 70000, 1e6
    const x = new Float32Array([65504, 65505, 65519.99, 65520, -65520, 70000, 1e6, 1, -65504]);
    const counter = new SaturationCounter();
    counter.update(x, 1);
    const r = counter.result();
    assert.equal(r.fp16OverflowCount, 4);
    assert.equal(r.fp16AboveMaxCount, 6);
    assert.equal(r.fp16OverflowRate, 4 / 9);
    assert.equal(r.fp16AboveMaxRate, 6 / 9);
    // the thresholds agree with a reference float16 rounding
    for (const v of x) assert.equal(!Number.isFinite(toFloat16(v)), Math.abs(v) >= FP16_OVERFLOW_THRESHOLD, `${v}`);
    assert.equal(toFloat16(65519.99), FP16_MAX);
    assert.equal(toFloat16(Math.fround(65520 - 2 ** -8)), FP16_MAX);
  });
});
