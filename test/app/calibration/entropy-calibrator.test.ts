import { test } from 'node:test';
import assert from 'node:assert/strict';

import { entropyAmaxFromHistogram, resolveEntropyOptions, type EntropyOptions } from '../../../app/calibration/entropy-calibrator';
import { isWorkbenchError } from '../../../app/errors';
import { makeRandom } from './random';

/**
 * Straightforward reference: a line-by-line port of pytorch-quantization's `_compute_amax_entropy` loop (build Q
 * bin by bin, normalize, sum p·ln(p/q)), plus the smoothing this product's 'tensorrt' variant adds. O(i) per
 * candidate, no prefix-sum tricks — the optimized implementation must agree with it.
 */
function referenceDivergences(hist: number[], options: EntropyOptions): { chosen: number; divergences: number[] } {
  const o = resolveEntropyOptions({ ...options, numBins: hist.length });
  const bins = hist.slice();
  if (o.zeroBinFix) bins[0] = bins[1];
  const total = bins.reduce((a, b) => a + b, 0);
  const levels = 2 ** (o.bits - 1);
  const divergences: number[] = [];
  const candidates: number[] = [];
  for (let i = o.startBin; i <= bins.length; i += o.stride) {
    const level = (j: number) => Math.floor((j * levels) / i);
    const levelSum = new Array<number>(levels).fill(0);
    const levelFilled = new Array<number>(levels).fill(0);
    for (let j = 0; j < i; j++) {
      if (bins[j] > 0) {
        levelSum[level(j)] += bins[j];
        levelFilled[level(j)]++;
      }
    }
    const q: number[] = [];
    const p: number[] = [];
    for (let j = 0; j < i; j++) {
      q.push(bins[j] > 0 ? levelSum[level(j)] / levelFilled[level(j)] : 0);
      p.push(bins[j]);
    }
    p[i - 1] += total - bins.slice(0, i).reduce((a, b) => a + b, 0);
    if (o.smoothingEpsilon > 0) {
      for (let j = 0; j < i; j++) {
        if (p[j] === 0) p[j] = o.smoothingEpsilon;
        if (q[j] === 0) q[j] = o.smoothingEpsilon;
      }
    }
    const sp = p.reduce((a, b) => a + b, 0);
    const sq = q.reduce((a, b) => a + b, 0);
    let d = 0;
    for (let j = 0; j < i; j++) {
      if (p[j] === 0) continue;
      if (q[j] === 0) {
        d = Infinity;
        break;
      }
      d += (p[j] / sp) * Math.log(p[j] / sp / (q[j] / sq));
    }
    divergences.push(d);
    candidates.push(i);
  }
  let best = 0;
  for (let c = 1; c < divergences.length; c++) {
    if (o.tieBreak === 'first' ? divergences[c] < divergences[best] : divergences[c] <= divergences[best]) best = c;
  }
  return { chosen: candidates[best], divergences };
}

const close = (a: number, b: number, tolerance = 1e-9) =>
  a === b || Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b));

test('hand-worked example: 6 bins, 2 levels, start bin 2, no smoothing', () => {
  // Histogram of |x| with bin width 1: counts [1, 1, 6, 0, 1, 1], total 10. L = 2 levels, candidates i = 2..6.
  //
  // i=2: P = [1, 1+(6+0+1+1)] = [1, 9]/10. Levels floor(2j/2) = j, so Q = [1, 1]/2.
  //      KL = .1·ln(.1/.5) + .9·ln(.9/.5) = .1·(−1.609438) + .9·(0.587787) = 0.368064
  // i=3: P = [1, 1, 6+2]/10. Levels floor(2j/3): j=0,1 → 0 (mean of 1,1 = 1 each), j=2 → 1 (6). Q = [1, 1, 6]/8.
  //      KL = 2·.1·ln(.1/.125) + .8·ln(.8/.75) = .2·(−0.223144) + .8·(0.064539) = 0.007002   ← minimum
  // i=4: P[3] = 0 + (1+1) = 2 > 0 but bin 3 is empty, so Q[3] = 0: KL = +∞ (no smoothing).
  // i=5: P = [1, 1, 6, 0, 2]/10. Levels floor(2j/5) = 0,0,0,1,1: level 0 → 8/3 each; level 1 has bins 3 (empty,
  //      stays 0) and 4 → 1. Q = [8/3, 8/3, 8/3, 0, 1]/9.
  //      KL = 2·.1·ln(.1/(8/27)) + .6·ln(.6/(8/27)) + .2·ln(.2/(1/9))
//         = .2·ln(0.3375) + .6·ln(2.025) + .2·ln(1.8) = −0.217238 + 0.423342 + 0.117557 = 0.323661
  // i=6: P = [1, 1, 6, 0, 1, 1]/10. Levels floor(j/3): level 0 → 8/3 each, level 1 → bins 4, 5 → 1 each.
  //      Q = [8/3, 8/3, 8/3, 0, 1, 1]/10. KL = 2·.1·ln(.375) + .6·ln(2.25) + 2·.1·ln(1) = 0.290392
  // argmin i = 3 → amax = 3·W (bin edge) or 3.5·W (bin + ½).
  const hist = [1, 1, 6, 0, 1, 1];
  const options: EntropyOptions = { startBin: 2, bits: 2, smoothingEpsilon: 0, zeroBinFix: false, threshold: 'bin-edge' };
  const result = entropyAmaxFromHistogram(hist, 1, options);
  assert.deepEqual(Array.from(result.candidates), [2, 3, 4, 5, 6]);
  const expected = [0.368064, 0.007002, Infinity, 0.323661, 0.290392];
  result.divergences.forEach((d, c) => assert.ok(d === expected[c] || Math.abs(d - expected[c]) < 2e-6, `candidate ${c + 2}: ${d}`));
  assert.equal(result.chosenBin, 3);
  assert.equal(result.amax, 3);
  assert.equal(entropyAmaxFromHistogram(hist, 0.5, { ...options, threshold: 'bin-plus-half' }).amax, 3.5 * 0.5);

  // With smoothing ε = 1e-4 (count units) the +∞ candidate becomes large but finite:
  // i=4: P = [1, 1, 6, 2] (SP = 10), Q = [1, 1, 6, ε] (SQ = 8.0001).
  //      KL = 2·.1·ln(.1·8.0001) + .6·ln(.6·8.0001/6) + .2·ln(.2·8.0001/ε) = −0.044626 − 0.133879 + 1.936071 = 1.757566
  // Bins 0..2 have no empty entries, so i = 2 and 3 are unchanged; the choice stays i = 3.
  const smoothed = entropyAmaxFromHistogram(hist, 1, { ...options, smoothingEpsilon: 1e-4 });
  assert.ok(Math.abs(smoothed.divergences[2] - 1.757566) < 2e-6, `${smoothed.divergences[2]}`);
  assert.ok(Math.abs(smoothed.divergences[1] - 0.007002) < 2e-6);
  assert.equal(smoothed.chosenBin, 3);
});

// Integer-only histograms so that numpy and JavaScript build them identically. Expected answers were computed with
// pytorch-quantization's `_compute_amax_entropy` run verbatim under numpy 2.4 / scipy 1.17 (edges = 0..2048,
// bin width 1) and, for the 'tensorrt' variant, with the same loop plus zero-entry smoothing (ε = 1e-4) and first
// argmin. They differ on H1 because of pytorch-quantization's bins[0] = bins[1].
const H1 = Array.from({ length: 2048 }, (_, j) => Math.floor(4_000_000 / ((j + 1) * (j + 1))));
const H2 = Array.from({ length: 2048 }, (_, j) => Math.floor(500_000_000 / (10_000 + (j - 300) ** 2)) + (j % 97 === 0 ? 3 : 0));
const H3 = Array.from({ length: 2048 }, (_, j) =>
  j === 0 ? 1_000_000 : j === 2047 ? 7 : j % 5 === 0 || j > 1500 ? 0 : Math.floor(2_000_000 / (j + 50)));

test('matches pytorch-quantization _compute_amax_entropy (numpy/scipy) on fixed 2048-bin histograms', () => {
  const cases: [string, number[], number, number, number, number][] = [
    // name, histogram, pytorch chosen i, its KL, tensorrt-variant chosen i, its KL
    ['H1', H1, 192, 0.024137828912279582, 128, 0.016345211756026382],
    ['H2', H2, 2048, 0.0005873209401173764, 2048, 0.0005874058233049103],
    ['H3', H3, 1500, 0.0003422524186020204, 1500, 0.24658438189611517],
  ];
  for (const [name, hist, pqBin, pqKl, trtBin, trtKl] of cases) {
    const pq = entropyAmaxFromHistogram(hist, 1, { variant: 'pytorch-quantization' });
    assert.equal(pq.chosenBin, pqBin, name);
    assert.equal(pq.amax, pqBin, `${name}: pytorch-quantization returns edges[i]`);
    assert.ok(close(pq.divergence, pqKl, 1e-9), `${name}: ${pq.divergence} vs ${pqKl}`);
    // The expected tensorrt-variant numbers are for the search without the zero-bin fix (the default has it).
    const trt = entropyAmaxFromHistogram(hist, 1, { variant: 'tensorrt', zeroBinFix: false });
    assert.equal(trt.chosenBin, trtBin, name);
    assert.equal(trt.amax, trtBin + 0.5, `${name}: tensorrt threshold is (i + 0.5)·W`);
    assert.ok(close(trt.divergence, trtKl, 1e-9), `${name}: ${trt.divergence} vs ${trtKl}`);
  }
  // H1 has a spike of exact zeros (post-ReLU): without the fix the search collapses to the first candidate (128);
  // the default (zero-bin fix on) chooses as NVIDIA's pytorch-quantization does.
  assert.equal(entropyAmaxFromHistogram(H1, 1).chosenBin, 192);
});

test('optimized search equals the straightforward reference on random histograms (both variants, strides, holes)', () => {
  const random = makeRandom(99);
  for (let trial = 0; trial < 12; trial++) {
    const n = 128 + Math.floor(random() * 700);
    const decay = 20 + random() * 300;
    const hist = Array.from({ length: n }, (_, j) => {
      if (random() < 0.15) return 0; // holes exercise the zero-preserving expansion and ∞ candidates
      return Math.floor(10_000 * Math.exp(-j / decay) * random()) + (random() < 0.01 ? 50 : 0);
    });
    for (const options of [
      { variant: 'tensorrt' },
      { variant: 'pytorch-quantization' },
      { variant: 'tensorrt', stride: 3, startBin: 64 },
      { variant: 'pytorch-quantization', bits: 6, startBin: 40, smoothingEpsilon: 0.5 },
    ] as EntropyOptions[]) {
      const fast = entropyAmaxFromHistogram(hist, 0.25, options);
      const slow = referenceDivergences(hist, options);
      assert.equal(fast.divergences.length, slow.divergences.length);
      fast.divergences.forEach((d, c) => assert.ok(close(d, slow.divergences[c], 1e-9), `trial ${trial} ${JSON.stringify(options)} candidate ${c}: ${d} vs ${slow.divergences[c]}`));
      // Same choice, unless two candidates tie to rounding precision.
      if (fast.chosenBin !== slow.chosen) {
        const c = Array.from(fast.candidates).indexOf(slow.chosen);
        assert.ok(close(fast.divergence, fast.divergences[c], 1e-12), `trial ${trial}: chose ${fast.chosenBin}, reference ${slow.chosen}`);
      }
    }
  }
});

test('tie-breaking: equal KL at every candidate; first picks the smallest i, last the largest', () => {
  // All mass in bin 0: for every candidate i, P = Q = [1000, 0, ..., 0] (no outliers, level 0 has one non-empty
  // bin), so every KL is exactly 0 and only the tie-break decides.
  const hist = new Array<number>(300).fill(0);
  hist[0] = 1000;
  const first = entropyAmaxFromHistogram(hist, 1, { smoothingEpsilon: 0, tieBreak: 'first', threshold: 'bin-edge', zeroBinFix: false });
  const last = entropyAmaxFromHistogram(hist, 1, { smoothingEpsilon: 0, tieBreak: 'last', threshold: 'bin-edge', zeroBinFix: false });
  assert.ok(Array.from(first.divergences).every((d) => d === 0));
  assert.equal(first.chosenBin, 128);
  assert.equal(last.chosenBin, 300);
});

test('rejects histograms and options it cannot search', () => {
  const isInvalid = (e: unknown) => isWorkbenchError(e) && e.code === 'INVALID_OPTION';
  assert.throws(() => entropyAmaxFromHistogram(new Array(100).fill(1), 1), isInvalid); // fewer bins than startBin 128
  assert.throws(() => entropyAmaxFromHistogram(new Array(200).fill(1), 0), isInvalid);
  assert.throws(() => entropyAmaxFromHistogram([1, -1, ...new Array(200).fill(1)], 1), isInvalid);
  assert.throws(() => entropyAmaxFromHistogram(new Array(200).fill(1), 1, { stride: 0 }), isInvalid);
  assert.throws(() => entropyAmaxFromHistogram(new Array(200).fill(1), 1, { smoothingEpsilon: -1 }), isInvalid);
  assert.throws(() => entropyAmaxFromHistogram(new Array(200).fill(1), 1, { variant: 'mxnet' as never }), isInvalid);
});
