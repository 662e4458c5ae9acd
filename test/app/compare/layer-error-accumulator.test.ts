import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  LayerErrorAccumulator,
  MAX_CHANNEL_GROUPS,
  channelGroupRange,
  type LayerErrorMetrics,
} from '../../../app/compare/layer-error-accumulator';
import { compareTensors, type ErrorMetrics } from '../../../app/compare/metrics';
import { assertClose, assertWorkbenchError, concatFloat32, gaussian, seededRandom } from './helpers';

const f32 = (values: number[]): Float32Array => new Float32Array(values);

const SCALAR_KEYS: (keyof ErrorMetrics)[] = [
  'elementCount',
  'comparedCount',
  'referenceNanCount',
  'referenceInfCount',
  'candidateNanCount',
  'candidateInfCount',
  'cosineSimilarity',
  'sqnrDb',
  'mse',
  'maxAbsError',
  'meanAbsError',
  'relL2Error',
];
const EXACT_KEYS = new Set<keyof ErrorMetrics>([
  'elementCount',
  'comparedCount',
  'referenceNanCount',
  'referenceInfCount',
  'candidateNanCount',
  'candidateInfCount',
  'maxAbsError',
]);

/** Pooled result vs one-shot metrics over the concatenation; p99 within its stated bound. */
function assertMatchesOneShot(result: LayerErrorMetrics, reference: Float32Array, candidate: Float32Array): void {
  const expected = compareTensors(reference, candidate);
  for (const key of SCALAR_KEYS) {
    if (EXACT_KEYS.has(key)) assert.equal(result[key], expected[key], key);
    // dB and cosine are differences/ratios that can sit near 0, where only an absolute tolerance makes sense.
    else assertClose(result[key], expected[key], 1e-10, key === 'sqnrDb' ? 1e-9 : key === 'cosineSimilarity' ? 1e-12 : 0, key);
  }
  if (expected.comparedCount === 0) {
    assert.ok(Number.isNaN(result.p99AbsError));
    return;
  }
  const overshoot = result.p99AbsError - expected.p99AbsError;
  assert.ok(overshoot >= 0, `p99 ${result.p99AbsError} understates exact ${expected.p99AbsError}`);
  assert.ok(overshoot <= result.p99AbsErrorBinWidth, `p99 overshoot ${overshoot} > bin width ${result.p99AbsErrorBinWidth}`);
  // Stated bound on the bin width: ≤ max(2·maxAbsError/bins, 2^−149).
  assert.ok(result.p99AbsErrorBinWidth <= Math.max((2 * expected.maxAbsError) / result.p99AbsErrorBins, 2 ** -149));
}

/** Recounts the compared reference and candidate values into the result's bins, using the edges only. */
function assertHistogramsExact(result: LayerErrorMetrics, reference: Float32Array, candidate: Float32Array): void {
  const edges = result.histograms.binEdges;
  const expectedReference = new Array<number>(edges.length - 1).fill(0);
  const expectedCandidate = new Array<number>(edges.length - 1).fill(0);
  const binOf = (v: number): number => {
    assert.ok(v >= edges[0] && v < edges[edges.length - 1], `${v} outside the histogram range`);
    let lo = 0;
    let hi = edges.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (v >= edges[mid]) lo = mid;
      else hi = mid;
    }
    return lo;
  };
  for (let i = 0; i < reference.length; i++) {
    if (!Number.isFinite(reference[i]) || !Number.isFinite(candidate[i])) continue;
    expectedReference[binOf(reference[i])]++;
    expectedCandidate[binOf(candidate[i])]++;
  }
  assert.deepEqual(result.histograms.reference, expectedReference, 'reference histogram counts');
  assert.deepEqual(result.histograms.candidate, expectedCandidate, 'candidate histogram counts');
  assert.ok(edges.length - 1 <= result.histograms.maxBins);
  for (let i = 1; i < edges.length; i++) assert.equal(edges[i] - edges[i - 1], result.histograms.binWidth);
}

function randomSample(random: () => number, n: number, scale: number, shift = 0, nonFinite = 0): [Float32Array, Float32Array] {
  const ref = new Float32Array(n);
  const cand = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    ref[i] = shift + gaussian(random) * scale;
    cand[i] = ref[i] + (random() < 0.02 ? gaussian(random) * scale * 0.2 : (random() - 0.5) * scale * 0.01);
    if (nonFinite > 0 && random() < nonFinite) {
      if (random() < 0.5) cand[i] = random() < 0.5 ? NaN : Infinity;
      else ref[i] = random() < 0.5 ? NaN : -Infinity;
    }
  }
  return [ref, cand];
}

describe('LayerErrorAccumulator: hand-computed sample', () => {
  it('matches the metrics.ts hand values and bins every value', () => {
    // ref = [1, −2, 3, 4], cand = [1.5, −2, 2, 4] — see metrics.test.ts for the arithmetic.
    const acc = new LayerErrorAccumulator({ channelAxis: null });
    acc.update(f32([1, -2, 3, 4]), f32([1.5, -2, 2, 4]), [4]);
    const m = acc.result();
    assertClose(m.cosineSimilarity, 27.5 / Math.sqrt(787.5), 1e-14);
    assertClose(m.sqnrDb, 10 * Math.log10(24), 1e-14);
    assert.equal(m.mse, 0.3125);
    assert.equal(m.maxAbsError, 1);
    assert.equal(m.meanAbsError, 0.375);
    assertClose(m.relL2Error, Math.sqrt(1.25 / 30), 1e-14);
    // |d| = [0.5, 0, 1, 0]: exact p99 = 1 (rank 4); the estimate is capped at maxAbsError → exactly 1.
    assert.equal(m.p99AbsError, 1);
    assert.equal(m.sampleCount, 1);
    assert.equal(m.elementCount, 4);
    assert.equal(m.perChannel, null);
    // Values −2 … 4 over 128 bins: smallest power-of-two width with floor(4/w) − floor(−2/w) < 128 is 2^−4
    // (w = 2^−5 would need cells −64 … 128).
    assert.equal(m.histograms.binWidth, 1 / 16);
    assert.equal(m.histograms.binEdges[0], -2);
    assert.equal(m.histograms.binEdges.at(-1), 4 + 1 / 16);
    assert.equal(m.histograms.reference.reduce((a, b) => a + b, 0), 4);
    assertHistogramsExact(m, f32([1, -2, 3, 4]), f32([1.5, -2, 2, 4]));
  });

  it('an accumulator that saw nothing reports NaN metrics and empty histograms', () => {
    const m = new LayerErrorAccumulator({ channelAxis: 1 }).result();
    assert.equal(m.sampleCount, 0);
    assert.equal(m.elementCount, 0);
    assert.ok(Number.isNaN(m.mse) && Number.isNaN(m.p99AbsError) && Number.isNaN(m.sqnrDb));
    assert.deepEqual(m.histograms.binEdges, []);
    assert.deepEqual(m.perChannel?.relL2Error, []);
  });

  it('an empty tensor counts as a sample with no elements', () => {
    const acc = new LayerErrorAccumulator({ channelAxis: 1 });
    acc.update(f32([]), f32([]), [0, 3, 2, 2]);
    const m = acc.result();
    assert.equal(m.sampleCount, 1);
    assert.equal(m.elementCount, 0);
    assert.equal(m.perChannel?.channelCount, 3);
    assert.ok(m.perChannel?.mse.every(Number.isNaN));
  });
});

describe('LayerErrorAccumulator: pooled streaming equals one-shot over the concatenation', () => {
  it('samples of different sizes, ranges and non-finite values (grids grow between and within samples)', () => {
    const random = seededRandom(11);
    const samples: [Float32Array, Float32Array][] = [
      randomSample(random, 1, 1e-3),
      randomSample(random, 5_003, 1e-3),
      randomSample(random, 20_000, 1, 0, 0.001),
      randomSample(random, 7, 100, -50),
      randomSample(random, 30_001, 10, 5, 0.01),
      randomSample(random, 4_096, 1e-6),
    ];
    const acc = new LayerErrorAccumulator({ channelAxis: null });
    for (const [ref, cand] of samples) acc.update(ref, cand, [ref.length]);
    const ref = concatFloat32(samples.map((s) => s[0]));
    const cand = concatFloat32(samples.map((s) => s[1]));
    const m = acc.result();
    assert.equal(m.sampleCount, samples.length);
    assertMatchesOneShot(m, ref, cand);
    assertHistogramsExact(m, ref, cand);
  });

  it('the same data in one sample or in many gives the same counts, histograms and (to rounding) metrics', () => {
    const random = seededRandom(12);
    const [ref, cand] = randomSample(random, 50_000, 3, 0, 0.002);
    const whole = new LayerErrorAccumulator({ channelAxis: null });
    whole.update(ref, cand, [ref.length]);
    const parts = new LayerErrorAccumulator({ channelAxis: null });
    for (let start = 0; start < ref.length; start += 9_999) {
      const end = Math.min(ref.length, start + 9_999);
      parts.update(ref.subarray(start, end), cand.subarray(start, end), [end - start]);
    }
    const a = whole.result();
    const b = parts.result();
    assert.deepEqual(b.histograms, a.histograms);
    assert.equal(b.p99AbsError, a.p99AbsError);
    for (const key of SCALAR_KEYS) assertClose(b[key], a[key], 1e-12, 0, key);
  });

  it('a value outside the window, or a NaN, at every position of the unrolled loop and its tail', () => {
    for (let length = 1; length <= 13; length++) {
      for (let position = 0; position < length; position++) {
        for (const odd of [1e6, -1e6, NaN, Infinity]) {
          const ref = Float32Array.from({ length }, (_, i) => 0.5 + i * 0.01);
          const cand = Float32Array.from({ length }, (_, i) => 0.5 + i * 0.011);
          // warm the grid on the regular values first, so the odd value escapes mid-scan
          const acc = new LayerErrorAccumulator({ channelAxis: null, histogramBins: 8, absErrorHistogramBins: 8 });
          acc.update(ref, cand, [length]);
          const oddRef = ref.slice();
          const oddCand = cand.slice();
          if (position % 2 === 0) oddRef[position] = odd;
          else oddCand[position] = odd;
          acc.update(oddRef, oddCand, [length]);
          const all = [concatFloat32([ref, oddRef]), concatFloat32([cand, oddCand])] as const;
          assertMatchesOneShot(acc.result(), ...all);
          assertHistogramsExact(acc.result(), ...all);
        }
      }
    }
  });

  it('exact matches give sqnr +Infinity, relL2 0, p99 0', () => {
    const acc = new LayerErrorAccumulator({ channelAxis: null });
    const x = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i));
    acc.update(x, x, [1000]);
    acc.update(x, x, [10, 100]);
    const m = acc.result();
    assert.equal(m.sqnrDb, Infinity);
    assert.equal(m.relL2Error, 0);
    assert.equal(m.cosineSimilarity, 1);
    assert.equal(m.p99AbsError, 0);
    assert.equal(m.maxAbsError, 0);
  });

  it('result() between updates does not disturb accumulation', () => {
    const random = seededRandom(13);
    const [r1, c1] = randomSample(random, 3_000, 1);
    const [r2, c2] = randomSample(random, 3_000, 50);
    const a = new LayerErrorAccumulator({ channelAxis: null });
    const b = new LayerErrorAccumulator({ channelAxis: null });
    a.update(r1, c1, [3_000]);
    a.result();
    a.update(r2, c2, [3_000]);
    b.update(r1, c1, [3_000]);
    b.update(r2, c2, [3_000]);
    assert.deepEqual(a.result(), b.result());
  });
});

describe('LayerErrorAccumulator: p99AbsError within its stated bound of the exact percentile', () => {
  const random = seededRandom(21);
  const distributions: [string, () => [number, number]][] = [
    ['uniform rounding error', () => {
      const r = gaussian(random);
      return [r, Math.round(r * 40) / 40];
    }],
    ['heavy-tailed error', () => {
      const r = gaussian(random);
      return [r, r + (gaussian(random) * 1e-3) / (random() + 1e-4)];
    }],
    ['mostly exact, 0.5 % wrong', () => {
      const r = gaussian(random);
      return [r, random() < 0.005 ? r + 1 + random() : r];
    }],
    ['constant error', () => {
      const r = random();
      return [r, r + 0.25];
    }],
  ];
  for (const [name, next] of distributions) {
    for (const bins of [2048, 64]) {
      it(`${name}, ${bins} bins`, () => {
        const acc = new LayerErrorAccumulator({ channelAxis: null, absErrorHistogramBins: bins });
        const refs: Float32Array[] = [];
        const cands: Float32Array[] = [];
        for (const n of [1_000, 20_000, 5_000]) {
          const ref = new Float32Array(n);
          const cand = new Float32Array(n);
          for (let i = 0; i < n; i++) [ref[i], cand[i]] = next();
          acc.update(ref, cand, [n]);
          refs.push(ref);
          cands.push(cand);
        }
        const m = acc.result();
        assert.equal(m.p99AbsErrorBins, bins);
        assertMatchesOneShot(m, concatFloat32(refs), concatFloat32(cands));
      });
    }
  }
});

describe('LayerErrorAccumulator: per-channel error', () => {
  /**
   * A hand-made NCHW tensor [N=2, C=3, H, W]:
   *   channel 0: ref 1 everywhere; cand = ref except the very last element of batch 1, which is 3 (d = −2)
   *              → Σd² = 4, Σref² = 2·H·W → relL2 = √(4 / (2HW)), mse = 4 / (2HW)
   *   channel 1: ref 2, cand 2.5 everywhere (d = −0.5) → Σd² = 0.25·2HW, Σref² = 4·2HW → relL2 = √(0.25/4) = 0.25, mse = 0.25
   *   channel 2: ref 0 everywhere; cand 0 except one element 1 → Σd² = 1, Σref² = 0 → relL2 = +Infinity, mse = 1/(2HW)
   */
  function nchw(h: number, w: number): { ref: Float32Array; cand: Float32Array; dims: number[] } {
    const hw = h * w;
    const ref = new Float32Array(2 * 3 * hw);
    const cand = new Float32Array(2 * 3 * hw);
    for (let n = 0; n < 2; n++) {
      for (let i = 0; i < hw; i++) {
        ref[(n * 3 + 0) * hw + i] = 1;
        cand[(n * 3 + 0) * hw + i] = 1;
        ref[(n * 3 + 1) * hw + i] = 2;
        cand[(n * 3 + 1) * hw + i] = 2.5;
      }
    }
    cand[(1 * 3 + 0) * hw + hw - 1] = 3;
    cand[(0 * 3 + 2) * hw + 0] = 1;
    return { ref, cand, dims: [2, 3, h, w] };
  }

  function expectHand(m: LayerErrorMetrics, hw: number): void {
    const pc = m.perChannel!;
    assert.equal(pc.channelCount, 3);
    assert.equal(pc.groupCount, 3);
    assert.equal(pc.bucketed, false);
    assertClose(pc.relL2Error[0], Math.sqrt(4 / (2 * hw)), 1e-15);
    assertClose(pc.mse[0], 4 / (2 * hw), 1e-15);
    assert.equal(pc.relL2Error[1], 0.25);
    assert.equal(pc.mse[1], 0.25);
    assert.equal(pc.relL2Error[2], Infinity);
    assertClose(pc.mse[2], 1 / (2 * hw), 1e-15);
  }

  for (const [h, w] of [[1, 2], [2, 3], [8, 8], [16, 20]]) {
    it(`NCHW [2, 3, ${h}, ${w}] along axis 1 (${h * w < 64 ? 'short' : 'long'} channel runs)`, () => {
      const { ref, cand, dims } = nchw(h, w);
      const acc = new LayerErrorAccumulator({ channelAxis: 1 });
      acc.update(ref, cand, dims);
      expectHand(acc.result(), h * w);
      assert.equal(acc.result().perChannel!.channelAxis, 1);
    });
  }

  it('the same tensor transposed to NHWC along axis −1 gives the same per-channel values', () => {
    const [h, w] = [8, 8];
    const { ref, cand } = nchw(h, w);
    const toNhwc = (x: Float32Array): Float32Array => {
      const out = new Float32Array(x.length);
      for (let n = 0; n < 2; n++) {
        for (let c = 0; c < 3; c++) {
          for (let i = 0; i < h * w; i++) out[(n * h * w + i) * 3 + c] = x[(n * 3 + c) * h * w + i];
        }
      }
      return out;
    };
    const acc = new LayerErrorAccumulator({ channelAxis: -1 });
    acc.update(toNhwc(ref), toNhwc(cand), [2, h, w, 3]);
    expectHand(acc.result(), h * w);
    assert.equal(acc.result().perChannel!.channelAxis, -1);
  });

  it('pools per channel over samples (batch size may change) and excludes NaN pairs from the channel mean', () => {
    // Two samples of [1, 2, 1, 2] (N=1, C=2, H=1, W=2) then one of [2, 2, 1, 2].
    // channel 0 sees ref [1,1 | 1,1 | 1,1,1,1], cand [1,3 | NaN,1 | 1,1,1,1] → compared 7, Σd² = 4 → mse 4/7
    // channel 1 sees ref 2 everywhere (8 values), cand 2 except one 4 → Σd² = 4, Σref² = 32 → relL2 √(1/8)
    const acc = new LayerErrorAccumulator({ channelAxis: 1 });
    acc.update(f32([1, 1, 2, 2]), f32([1, 3, 2, 2]), [1, 2, 1, 2]);
    acc.update(f32([1, 1, 2, 2]), f32([NaN, 1, 2, 4]), [1, 2, 1, 2]);
    acc.update(f32([1, 1, 2, 2, 1, 1, 2, 2]), f32([1, 1, 2, 2, 1, 1, 2, 2]), [2, 2, 1, 2]);
    const pc = acc.result().perChannel!;
    assertClose(pc.mse[0], 4 / 7, 1e-15);
    assertClose(pc.relL2Error[0], Math.sqrt(4 / 7), 1e-15);
    assertClose(pc.mse[1], 4 / 8, 1e-15);
    assertClose(pc.relL2Error[1], Math.sqrt(4 / 32), 1e-15);
    assert.equal(acc.result().candidateNanCount, 1);
  });

  it('axis 0 and random data: per-channel values equal brute force over each channel slice', () => {
    const random = seededRandom(31);
    // channels-last with channel counts that are and are not multiples of 4, rows that straddle the 4096-element
    // blocks, short and long channel runs, first/middle axes
    const layouts = [
      [[5, 7, 9], 0], [[3, 70, 100], 1], [[4, 6, 3], 2], [[2, 3, 65], -2], [[3, 50, 8], -1], [[2, 700, 12], 2],
      [[3, 3000], 1], [[2, 1500, 7], -1], [[6, 5, 4, 13], 1],
    ] as const;
    for (const [dims, axis] of layouts) {
      const n = dims.reduce((a, b) => a * b, 1);
      const [ref, cand] = randomSample(random, n, 1, 0, 0.01);
      const acc = new LayerErrorAccumulator({ channelAxis: axis });
      acc.update(ref, cand, dims as unknown as number[]);
      const a = axis < 0 ? axis + dims.length : axis;
      const channels = dims[a];
      const inner = dims.slice(a + 1).reduce((x, y) => x * y, 1);
      const pc = acc.result().perChannel!;
      for (let c = 0; c < channels; c++) {
        const r: number[] = [];
        const k: number[] = [];
        for (let i = 0; i < n; i++) {
          if (Math.floor(i / inner) % channels === c) {
            r.push(ref[i]);
            k.push(cand[i]);
          }
        }
        const expected = compareTensors(f32(r), f32(k));
        assertClose(pc.mse[c], expected.mse, 1e-10, 0, `mse[${c}] dims ${dims} axis ${axis}`);
        assertClose(pc.relL2Error[c], expected.relL2Error, 1e-10, 0, `relL2[${c}]`);
      }
    }
  });

  it(`more than ${MAX_CHANNEL_GROUPS} channels are bucketed into contiguous groups`, () => {
    const channels = 5000;
    const random = seededRandom(41);
    const [ref, cand] = randomSample(random, 2 * channels, 1);
    const acc = new LayerErrorAccumulator({ channelAxis: 1 });
    acc.update(ref, cand, [2, channels]);
    const pc = acc.result().perChannel!;
    assert.equal(pc.bucketed, true);
    assert.equal(pc.channelCount, channels);
    assert.equal(pc.groupCount, MAX_CHANNEL_GROUPS);
    assert.equal(pc.mse.length, MAX_CHANNEL_GROUPS);
    let covered = 0;
    for (let g = 0; g < MAX_CHANNEL_GROUPS; g++) {
      const [start, end] = channelGroupRange(g, channels, MAX_CHANNEL_GROUPS);
      assert.equal(start, covered, 'groups are contiguous');
      covered = end;
      const r: number[] = [];
      const k: number[] = [];
      for (let row = 0; row < 2; row++) {
        for (let c = start; c < end; c++) {
          r.push(ref[row * channels + c]);
          k.push(cand[row * channels + c]);
        }
      }
      assertClose(pc.mse[g], compareTensors(f32(r), f32(k)).mse, 1e-12, 0, `group ${g}`);
    }
    assert.equal(covered, channels);
  });

  it(`exactly ${MAX_CHANNEL_GROUPS} channels are not bucketed`, () => {
    const acc = new LayerErrorAccumulator({ channelAxis: 0 });
    acc.update(new Float32Array(MAX_CHANNEL_GROUPS), new Float32Array(MAX_CHANNEL_GROUPS), [MAX_CHANNEL_GROUPS]);
    assert.equal(acc.result().perChannel!.bucketed, false);
    assert.equal(acc.result().perChannel!.groupCount, MAX_CHANNEL_GROUPS);
  });
});

describe('LayerErrorAccumulator: errors', () => {
  it('LENGTH_MISMATCH, SHAPE_MISMATCH, INVALID_CHANNEL_AXIS, CHANNEL_COUNT_MISMATCH', () => {
    const acc = new LayerErrorAccumulator({ channelAxis: 1 });
    assertWorkbenchError(() => acc.update(f32([1, 2]), f32([1]), [2]), 'LENGTH_MISMATCH');
    assertWorkbenchError(() => acc.update(f32([1, 2]), f32([1, 2]), [3]), 'SHAPE_MISMATCH');
    assertWorkbenchError(() => acc.update(f32([1, 2]), f32([1, 2]), [2, -1]), 'SHAPE_MISMATCH');
    assertWorkbenchError(() => acc.update(f32([1, 2]), f32([1, 2]), [2]), 'INVALID_CHANNEL_AXIS');
    acc.update(f32([1, 2, 3, 4]), f32([1, 2, 3, 4]), [2, 2]);
    assertWorkbenchError(() => acc.update(f32([1, 2, 3]), f32([1, 2, 3]), [1, 3]), 'CHANNEL_COUNT_MISMATCH');
    assertWorkbenchError(() => new LayerErrorAccumulator({ channelAxis: 1.5 }), 'INVALID_CHANNEL_AXIS');
    assertWorkbenchError(() => new LayerErrorAccumulator({ channelAxis: null, histogramBins: 1 }), 'INVALID_HISTOGRAM_BINS');
    // A failed update leaves the accumulator as it was.
    assert.equal(acc.result().sampleCount, 1);
    assert.equal(acc.result().elementCount, 4);
  });
});
