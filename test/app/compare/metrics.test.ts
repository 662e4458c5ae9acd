import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  accumulateErrorSums,
  compareTensors,
  cosineSimilarity,
  emptyErrorSums,
  errorMetricsFromSums,
  infCount,
  maxAbsError,
  meanAbsError,
  mergeErrorSums,
  mse,
  nanCount,
  p99AbsError,
  p99Rank,
  relL2Error,
  sqnrDb,
  type ErrorMetrics,
} from '../../../app/compare/metrics';
import { assertClose, assertWorkbenchError, gaussian, seededRandom } from './helpers';

const f32 = (values: number[]): Float32Array => new Float32Array(values);

describe('metrics: hand-computed values', () => {
  // ref  = [1, −2, 3, 4]
  // cand = [1.5, −2, 2, 4]
  // d = ref − cand = [−0.5, 0, 1, 0]; |d| = [0.5, 0, 1, 0]
  // Σref² = 1 + 4 + 9 + 16 = 30
  // Σcand² = 2.25 + 4 + 4 + 16 = 26.25
  // Σref·cand = 1.5 + 4 + 6 + 16 = 27.5
  // Σd² = 0.25 + 0 + 1 + 0 = 1.25;  Σ|d| = 1.5;  max|d| = 1
  const ref = f32([1, -2, 3, 4]);
  const cand = f32([1.5, -2, 2, 4]);

  it('cosineSimilarity = 27.5 / √(30 · 26.25) = 27.5 / √787.5 ≈ 0.97995', () => {
    assertClose(cosineSimilarity(ref, cand), 27.5 / Math.sqrt(787.5));
    assertClose(cosineSimilarity(ref, cand), 0.979957, 0, 1e-6);
  });

  it('sqnrDb = 10·log10(30 / 1.25) = 10·log10(24) ≈ 13.8021 dB', () => {
    assertClose(sqnrDb(ref, cand), 10 * Math.log10(24));
    assertClose(sqnrDb(ref, cand), 13.802112, 0, 1e-6);
  });

  it('mse = 1.25 / 4 = 0.3125', () => assert.equal(mse(ref, cand), 0.3125));
  it('maxAbsError = 1', () => assert.equal(maxAbsError(ref, cand), 1));
  it('meanAbsError = 1.5 / 4 = 0.375', () => assert.equal(meanAbsError(ref, cand), 0.375));

  it('relL2Error = √(1.25 / 30) = √(1/24) ≈ 0.204124', () => {
    assertClose(relL2Error(ref, cand), Math.sqrt(1.25) / Math.sqrt(30));
    assertClose(relL2Error(ref, cand), 0.204124, 0, 1e-6);
  });

  it('p99AbsError: n = 4 → rank ceil(3.96) = 4 → largest of [0, 0, 0.5, 1] = 1', () => {
    assert.equal(p99AbsError(ref, cand), 1);
  });

  it('p99AbsError is the nearest-rank percentile: n = 200 with |d| = 1..200 → rank 198 → 198', () => {
    const r = new Float32Array(200);
    const c = new Float32Array(200);
    // shuffled order so that sorting matters
    for (let i = 0; i < 200; i++) {
      r[i] = ((i * 37) % 200) + 1;
      c[i] = 0;
    }
    assert.equal(p99AbsError(r, c), 198);
    // n = 101 → rank ceil(99.99) = 100 → 100th smallest of 1..101 = 100
    assert.equal(p99AbsError(r.subarray(0, 0), c.subarray(0, 0)), NaN);
    const r101 = Float32Array.from({ length: 101 }, (_, i) => 101 - i);
    assert.equal(p99AbsError(r101, new Float32Array(101)), 100);
  });

  it('p99Rank = ceil(0.99·n), at least 1', () => {
    assert.equal(p99Rank(1), 1);
    assert.equal(p99Rank(100), 99);
    assert.equal(p99Rank(101), 100);
    assert.equal(p99Rank(1000), 990);
    assert.equal(p99Rank(1001), 991); // 990.99 → 991
    assert.equal(p99Rank(0), 1);
  });

  it('nanCount and infCount per tensor', () => {
    const x = f32([NaN, 1, Infinity, -Infinity, NaN, 0]);
    assert.equal(nanCount(x), 2);
    assert.equal(infCount(x), 2);
  });

  it('an opposite vector: cos = −1, sqnr = 10·log10(5/20) ≈ −6.0206 dB, relL2 = 2', () => {
    // ref = [1, 2], cand = [−1, −2]: d = [2, 4], Σd² = 20, Σref² = 5
    const m = compareTensors(f32([1, 2]), f32([-1, -2]));
    assert.equal(m.cosineSimilarity, -1);
    assertClose(m.sqnrDb, 10 * Math.log10(0.25));
    assert.equal(m.relL2Error, 2);
    assert.equal(m.mse, 10);
  });
});

describe('metrics: edge cases (documented in metrics.ts)', () => {
  it('both all-zero: cos 1, sqnr +Infinity, relL2 0, errors 0', () => {
    const m = compareTensors(f32([0, 0, 0]), f32([0, -0, 0]));
    assert.equal(m.cosineSimilarity, 1);
    assert.equal(m.sqnrDb, Infinity);
    assert.equal(m.relL2Error, 0);
    assert.equal(m.mse, 0);
    assert.equal(m.maxAbsError, 0);
    assert.equal(m.meanAbsError, 0);
    assert.equal(m.p99AbsError, 0);
  });

  it('identical non-zero: cos 1, sqnr +Infinity, relL2 0', () => {
    const m = compareTensors(f32([1, -2, 3]), f32([1, -2, 3]));
    assert.equal(m.cosineSimilarity, 1);
    assert.equal(m.sqnrDb, Infinity);
    assert.equal(m.relL2Error, 0);
  });

  it('reference all-zero, candidate not: cos 0, sqnr −Infinity, relL2 +Infinity', () => {
    // cand = [3, 4]: Σd² = 25, mse = 12.5, mean |d| = 3.5, max 4
    const m = compareTensors(f32([0, 0]), f32([3, 4]));
    assert.equal(m.cosineSimilarity, 0);
    assert.equal(m.sqnrDb, -Infinity);
    assert.equal(m.relL2Error, Infinity);
    assert.equal(m.mse, 12.5);
    assert.equal(m.meanAbsError, 3.5);
    assert.equal(m.maxAbsError, 4);
  });

  it('candidate all-zero, reference not: cos 0, sqnr 0 dB (Σd² = Σref²), relL2 1', () => {
    const m = compareTensors(f32([3, 4]), f32([0, 0]));
    assert.equal(m.cosineSimilarity, 0);
    assert.equal(m.sqnrDb, 0);
    assert.equal(m.relL2Error, 1);
  });

  it('pairs with NaN or ±Infinity on either side are counted per side and excluded from everything else', () => {
    // index: 0 compared (1 vs 1.5) · 1 ref NaN · 2 cand NaN · 3 ref +Inf · 4 cand −Inf · 5 both NaN · 6 compared (2 vs 2)
    const ref = f32([1, NaN, 3, Infinity, 5, NaN, 2]);
    const cand = f32([1.5, 2, NaN, 4, -Infinity, NaN, 2]);
    const m = compareTensors(ref, cand);
    assert.equal(m.elementCount, 7);
    assert.equal(m.comparedCount, 2);
    assert.equal(m.referenceNanCount, 2);
    assert.equal(m.referenceInfCount, 1);
    assert.equal(m.candidateNanCount, 2);
    assert.equal(m.candidateInfCount, 1);
    // over [1, 2] vs [1.5, 2]: d = [−0.5, 0] → mse 0.125, max 0.5, mean 0.25, Σref² = 5 → sqnr 10·log10(5/0.25) = 13.01 dB
    assert.equal(m.mse, 0.125);
    assert.equal(m.maxAbsError, 0.5);
    assert.equal(m.meanAbsError, 0.25);
    assert.equal(m.p99AbsError, 0.5);
    assertClose(m.sqnrDb, 10 * Math.log10(20));
    assert.ok(Number.isFinite(m.cosineSimilarity));
  });

  it('nothing compared (empty, or all pairs non-finite): every metric NaN, counts still exact', () => {
    for (const m of [compareTensors(f32([]), f32([])), compareTensors(f32([NaN, Infinity]), f32([1, 2]))]) {
      for (const key of ['cosineSimilarity', 'sqnrDb', 'mse', 'maxAbsError', 'meanAbsError', 'p99AbsError', 'relL2Error'] as const) {
        assert.ok(Number.isNaN(m[key]), `${key} should be NaN`);
      }
      assert.equal(m.comparedCount, 0);
    }
    const m = compareTensors(f32([NaN, Infinity]), f32([1, 2]));
    assert.equal(m.referenceNanCount, 1);
    assert.equal(m.referenceInfCount, 1);
  });

  it('rejects tensors of different length with LENGTH_MISMATCH', () => {
    assertWorkbenchError(() => mse(f32([1, 2]), f32([1])), 'LENGTH_MISMATCH');
    assertWorkbenchError(() => p99AbsError(f32([1, 2]), f32([1])), 'LENGTH_MISMATCH');
  });

  it('cosine stays within [−1, 1] when rounding pushes the ratio past 1', () => {
    const x = f32([0.1, 0.1, 0.1]);
    assert.ok(cosineSimilarity(x, x) <= 1);
    assert.equal(cosineSimilarity(x, x), 1);
  });
});

/** The brute-force float64 reference: every metric computed separately and naively. */
function bruteForce(ref: Float32Array, cand: Float32Array): ErrorMetrics {
  const r: number[] = [];
  const c: number[] = [];
  let referenceNanCount = 0;
  let referenceInfCount = 0;
  let candidateNanCount = 0;
  let candidateInfCount = 0;
  for (let i = 0; i < ref.length; i++) {
    const a = ref[i];
    const b = cand[i];
    if (Number.isNaN(a)) referenceNanCount++;
    if (a === Infinity || a === -Infinity) referenceInfCount++;
    if (Number.isNaN(b)) candidateNanCount++;
    if (b === Infinity || b === -Infinity) candidateInfCount++;
    if (Number.isFinite(a) && Number.isFinite(b)) {
      r.push(a);
      c.push(b);
    }
  }
  const n = r.length;
  const dot = (x: number[], y: number[]) => x.reduce((s, v, i) => s + v * y[i], 0);
  const err = r.map((v, i) => v - c[i]);
  const abs = err.map(Math.abs).sort((x, y) => x - y);
  const rr = dot(r, r);
  const cc = dot(c, c);
  const ee = dot(err, err);
  return {
    elementCount: ref.length,
    comparedCount: n,
    referenceNanCount,
    referenceInfCount,
    candidateNanCount,
    candidateInfCount,
    cosineSimilarity: dot(r, c) / Math.sqrt(rr * cc),
    sqnrDb: 10 * Math.log10(rr / ee),
    mse: ee / n,
    maxAbsError: abs[n - 1],
    meanAbsError: abs.reduce((s, v) => s + v, 0) / n,
    p99AbsError: abs[Math.ceil(0.99 * n) - 1],
    relL2Error: Math.sqrt(ee / rr),
  };
}

function randomPair(seed: number, n: number, options: { nonFinite?: number; scale?: number } = {}): [Float32Array, Float32Array] {
  const random = seededRandom(seed);
  const scale = options.scale ?? 1;
  const ref = new Float32Array(n);
  const cand = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    ref[i] = gaussian(random) * scale;
    // an int8-like candidate: rounded to a grid, plus occasional larger errors
    cand[i] = Math.round(ref[i] * (40 / scale)) / (40 / scale) + (random() < 0.01 ? gaussian(random) * 0.1 * scale : 0);
    if (options.nonFinite && random() < options.nonFinite) {
      const pick = Math.floor(random() * 4);
      if (pick === 0) ref[i] = NaN;
      else if (pick === 1) cand[i] = NaN;
      else if (pick === 2) cand[i] = Infinity;
      else ref[i] = -Infinity;
    }
  }
  return [ref, cand];
}

describe('metrics: against a brute-force float64 reference on random data', () => {
  const cases: [string, Float32Array, Float32Array][] = [
    ['gaussian, 10k', ...randomPair(1, 10_000)],
    ['gaussian ×1e3 with NaN/Inf, 50k', ...randomPair(2, 50_000, { nonFinite: 0.01, scale: 1e3 })],
    ['tiny values ×1e−20, 7k', ...randomPair(3, 7_001, { scale: 1e-20 })],
    ['3 elements', ...randomPair(4, 3)],
  ];
  for (const [name, ref, cand] of cases) {
    it(name, () => {
      const expected = bruteForce(ref, cand);
      const actual = compareTensors(ref, cand);
      for (const key of Object.keys(expected) as (keyof ErrorMetrics)[]) {
        assertClose(actual[key], expected[key], 1e-9, 0, key);
      }
      // The one-metric functions agree with the combined record exactly.
      assert.equal(cosineSimilarity(ref, cand), actual.cosineSimilarity);
      assert.equal(sqnrDb(ref, cand), actual.sqnrDb);
      assert.equal(mse(ref, cand), actual.mse);
      assert.equal(maxAbsError(ref, cand), actual.maxAbsError);
      assert.equal(meanAbsError(ref, cand), actual.meanAbsError);
      assert.equal(relL2Error(ref, cand), actual.relL2Error);
      assert.equal(p99AbsError(ref, cand), actual.p99AbsError);
    });
  }

  it('merged sums of two halves equal the sums of the whole', () => {
    const [ref, cand] = randomPair(5, 20_000, { nonFinite: 0.001 });
    const whole = accumulateErrorSums(ref, cand);
    const merged = mergeErrorSums(
      accumulateErrorSums(ref.subarray(0, 7_000), cand.subarray(0, 7_000)),
      accumulateErrorSums(ref.subarray(7_000), cand.subarray(7_000)),
    );
    const a = errorMetricsFromSums(whole, 0);
    const b = errorMetricsFromSums(merged, 0);
    for (const key of Object.keys(a) as (keyof ErrorMetrics)[]) assertClose(b[key], a[key], 1e-12, 0, key);
    assert.deepEqual(errorMetricsFromSums(emptyErrorSums(), 0).comparedCount, 0);
  });
});
