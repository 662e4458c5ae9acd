import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ActivationStatistics } from '../../../app/calibration/activation-statistics';
import { float32ToHex } from '../../../app/calibration/calibration-cache';
import { amaxToScale, computeAmax, MIN_AMAX, type CalibrationMethod } from '../../../app/calibration/calibrators';
import { resampleAbsHistogram } from '../../../app/calibration/histogram-resample';
import { roundHalfToEven } from '../../../app/calibration/quant-scale';
import { isWorkbenchError } from '../../../app/errors';
import { activationLike, gaussian, makeRandom } from './random';

function statsOf(...samples: Float32Array[]): ActivationStatistics {
  const stats = new ActivationStatistics();
  for (const s of samples) stats.update(s);
  return stats;
}

/** Exact mean squared error of symmetric 8-bit fake quantization with clipping at amax, over raw values. */
function rawMse(values: Float32Array, amax: number): number {
  const step = amax / 127;
  let sum = 0;
  for (const v of values) {
    const q = Math.min(127, roundHalfToEven(Math.abs(v) / step)) * step;
    const d = q - Math.abs(v);
    sum += d * d;
  }
  return sum / values.length;
}

/** Nearest-rank percentile of |x| by sorting. */
function sortedPercentile(values: Float32Array, p: number): number {
  const sorted = Float64Array.from(values, Math.abs).sort();
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

test('max is the exact largest finite |x|', () => {
  const values = activationLike(100_000, 1);
  values[777] = -123.456; // the extreme is negative
  const stats = statsOf(values.subarray(0, 50_000), values.subarray(50_000), Float32Array.of(NaN, Infinity));
  let expected = 0;
  for (const v of values) expected = Math.max(expected, Math.abs(v));
  const result = computeAmax(stats, 'max');
  assert.equal(result.amax, expected);
  assert.equal(result.amax, Math.fround(123.456));
  assert.equal(result.method, 'max');
  assert.equal(result.parameters.variant, 'abs-max');
});

test('percentile agrees with sorting the raw |x| to within one native bin, for several percentiles and shapes', () => {
  const random = makeRandom(3);
  const datasets = [
    activationLike(100_000, 2),
    activationLike(100_000, 3, { zeros: 0.6, outliers: 0.01, outlierScale: 100 }),
    Float32Array.from({ length: 100_000 }, (_, i) => (i % 2 ? 1 : -1) * Math.exp(1.5 * gaussian(random))), // log-normal
  ];
  for (const values of datasets) {
    const stats = statsOf(values);
    for (const p of [50, 90, 99, 99.9, 99.99, 100]) {
      const result = computeAmax(stats, 'percentile', { percentile: p });
      const exact = sortedPercentile(values, p);
      assert.ok(Math.abs(result.amax - exact) <= stats.binWidth, `p=${p}: histogram ${result.amax}, sorted ${exact}, bin ${stats.binWidth}`);
      assert.equal(result.parameters.percentile, p);
    }
  }
  const stats = statsOf(datasets[0]);
  assert.equal(computeAmax(stats, 'percentile').parameters.percentile, 99.99, 'default is 99.99');
  assert.equal(computeAmax(stats, 'percentile', { percentile: 100 }).amax, stats.absMax);
  // The clipping is real: 99.9 % of this data (0.1 % are ±20 outliers around a σ = 1 core) lies far below absMax.
  assert.ok(computeAmax(stats, 'percentile', { percentile: 99.9 }).amax < stats.absMax / 4);
  for (const percentile of [0, -1, 100.5, NaN]) {
    assert.throws(() => computeAmax(stats, 'percentile', { percentile }), (e) => isWorkbenchError(e) && e.code === 'INVALID_OPTION');
  }
});

test('percentile interpolates linearly inside a bin (hand example)', () => {
  // 8 values: |x| = 1, 1, 1, 1 and 3, 3, 3, 3. absMax 3 → grid width 2^-10 (3 < 4096·2^-10 = 4, while
  // 4096·2^-11 = 2 is too small). Bin [1, 1 + 2^-10) holds four values and is assumed uniform inside:
  //   p = 25 → rank 2 of 8 → halfway through that bin: 1 + ½·2^-10
  //   p = 50 → rank 4 → its upper edge 1 + 2^-10
  //   p = 51 → rank 4.08 → inside the bin of 3.0, which is the last bin and ends at absMax = 3 (nothing lies above
  //            absMax), so it spans [3, 3] and the answer is exactly 3.
  const stats = statsOf(Float32Array.of(1, -1, 1, -1, 3, -3, 3, 3));
  assert.equal(stats.binWidth, 2 ** -10);
  assert.equal(computeAmax(stats, 'percentile', { percentile: 25 }).amax, 1 + 0.5 * 2 ** -10);
  assert.equal(computeAmax(stats, 'percentile', { percentile: 50 }).amax, 1 + 2 ** -10);
  assert.equal(computeAmax(stats, 'percentile', { percentile: 51 }).amax, 3);
});

test('mse matches a brute-force search over amax on the raw samples', () => {
  const datasets: [string, Float32Array][] = [
    ['gaussian + outliers', activationLike(20_000, 4)],
    ['relu-like, heavy outliers', activationLike(20_000, 5, { zeros: 0.5, outliers: 0.005, outlierScale: 60 })],
    ['uniform', Float32Array.from({ length: 20_000 }, ((r) => () => 2 * r() - 1)(makeRandom(6)))],
  ];
  for (const [name, values] of datasets) {
    const stats = statsOf(values);
    const result = computeAmax(stats, 'mse');
    // Brute force: 600 evenly spaced candidates in (0, absMax], exact error on every raw value.
    let bestAmax = stats.absMax;
    let bestError = rawMse(values, stats.absMax);
    for (let k = 1; k < 600; k++) {
      const amax = (k / 600) * stats.absMax;
      const error = rawMse(values, amax);
      if (error < bestError) {
        bestError = error;
        bestAmax = amax;
      }
    }
    const ours = rawMse(values, result.amax);
    assert.ok(ours <= bestError * 1.005, `${name}: mse(ours = ${result.amax}) = ${ours}, brute force mse(${bestAmax}) = ${bestError}`);
    // The tolerance is tighter than the gap to a naive answer: max calibration is over 1 % worse on each set.
    assert.ok(rawMse(values, stats.absMax) > bestError * 1.01, `${name}: max calibration is not a bad enough strawman`);
    // The histogram's own estimate of the error is close to the exact one.
    assert.ok(Math.abs(Number(result.parameters.expectedSquaredError) - ours) <= 0.02 * ours, `${name}: estimate ${result.parameters.expectedSquaredError} vs ${ours}`);
    assert.equal(result.parameters.bits, 8);
  }
});

test('entropy on a saturated sigmoid reproduces a real TensorRT 10.14 EntropyCalibration2 cache entry bit for bit', () => {
  // calib-caches/jtorres258-yolov8n_trt101401_entropy2.cache: '/model.0/act/Sigmoid_output_0: 3c010a14'.
  // A sigmoid output whose float32 values reach exactly 1.0 has its top bin full; every clipped candidate folds that
  // spike into one bin, so KL is smallest at i = 2048 and the threshold (i + 0.5)·W = 2048.5/2048.
  const random = makeRandom(8);
  const values = Float32Array.from({ length: 200_000 }, () => 1 / (1 + Math.exp(-8 * gaussian(random))));
  assert.equal(Math.max(...values.subarray(0, 50_000)), 1, 'float32 sigmoid saturates at 1.0');
  const result = computeAmax(statsOf(values), 'entropy');
  assert.equal(result.parameters.chosenBin, 2048);
  assert.equal(result.amax, 2048.5 / 2048);
  assert.equal(float32ToHex(amaxToScale(result.amax)), '3c010a14');
});

test('entropy through computeAmax records its variant and parameters and clips outliers', () => {
  const stats = statsOf(activationLike(300_000, 9, { outliers: 0.0005, outlierScale: 40 }));
  const result = computeAmax(stats, 'entropy');
  assert.equal(result.method, 'entropy');
  const p = result.parameters;
  assert.equal(p.variant, 'tensorrt');
  assert.equal(p.histogramBins, 2048);
  assert.equal(p.startBin, 128);
  assert.equal(p.stride, 1);
  assert.equal(p.quantizedBins, 128);
  assert.equal(p.smoothingEpsilon, 1e-4);
  assert.equal(p.threshold, '(i + 0.5) * binWidth');
  assert.equal(p.tieBreak, 'first');
  assert.equal(p.zeroBinFix, 'bins[0] = bins[1]');
  assert.equal(p.binWidth, stats.absMax / 2048);
  assert.equal(result.amax, (Number(p.chosenBin) + 0.5) * Number(p.binWidth));
  // Gaussian core (σ = 1) with rare ±40 outliers: the threshold lands in the core's tail, far below absMax.
  assert.ok(result.amax > 2 && result.amax < 15, `${result.amax}`);
  const pq = computeAmax(stats, 'entropy', { variant: 'pytorch-quantization' });
  assert.equal(pq.parameters.threshold, 'i * binWidth');
  assert.equal(pq.parameters.smoothingEpsilon, 0);
  assert.equal(pq.parameters.zeroBinFix, 'bins[0] = bins[1]');
});

test('degenerate inputs: no finite values is an error, all zeros gives amax 0 for every method', () => {
  const nan = statsOf(Float32Array.of(NaN, NaN, Infinity));
  for (const method of ['max', 'entropy', 'percentile', 'mse'] as CalibrationMethod[]) {
    assert.throws(() => computeAmax(nan, method), (e) => isWorkbenchError(e) && e.code === 'NO_FINITE_VALUES' && /2 NaN, 1 ±Inf/.test(e.message));
    assert.equal(computeAmax(statsOf(new Float32Array(100)), method).amax, 0, method);
  }
  assert.throws(() => computeAmax(statsOf(Float32Array.of(1)), 'kl' as CalibrationMethod), (e) => isWorkbenchError(e) && e.code === 'UNKNOWN_METHOD');
});

test('amaxToScale: scale = amax/127 in float32, floored for zero amax', () => {
  assert.equal(amaxToScale(127), 1);
  assert.equal(float32ToHex(amaxToScale(1)), '3c010204'); // 1/127, as in reference/tensorrt.md §4.1
  assert.equal(amaxToScale(0.1), Math.fround(0.1 / 127));
  assert.equal(amaxToScale(14, 4), 2); // 4 bits: qmax 7
  assert.equal(amaxToScale(0), Math.fround(MIN_AMAX / 127));
  assert.ok(amaxToScale(0) > 0);
  for (const bad of [-1, NaN, Infinity]) {
    assert.throws(() => amaxToScale(bad), (e) => isWorkbenchError(e) && e.code === 'INVALID_AMAX');
  }
  assert.throws(() => amaxToScale(1, 1), (e) => isWorkbenchError(e) && e.code === 'INVALID_OPTION');
});

test('resampleAbsHistogram: hand example, identity on aligned grids, totals preserved', () => {
  // Native bins of width 1: [0,1) holds 3, [1, 1.5] holds 6 (the last bin ends at absMax = 1.5).
  // Three target bins of width 0.5: [0,.5) gets half of 3, [.5,1) the other half, [1,1.5] all 6.
  assert.deepEqual(Array.from(resampleAbsHistogram({ binWidth: 1, counts: Float64Array.of(3, 6), absMax: 1.5 }, 3)), [1.5, 1.5, 6]);
  // Aligned: absMax = 4 = 4 native bins of width 1, a point mass exactly at absMax lands in the last bin.
  assert.deepEqual(
    Array.from(resampleAbsHistogram({ binWidth: 1, counts: Float64Array.of(1, 2, 3, 4, 5), absMax: 4 }, 4)),
    [1, 2, 3, 4 + 5],
  );
  // Only zeros.
  assert.deepEqual(Array.from(resampleAbsHistogram({ binWidth: 0, counts: Float64Array.of(7), absMax: 0 }, 3)), [7, 0, 0]);
  const stats = statsOf(activationLike(50_000, 10));
  const native = stats.absHistogram();
  for (const bins of [2048, 1000, 7]) {
    const out = resampleAbsHistogram(native, bins);
    assert.equal(out.length, bins);
    assert.equal(out.reduce((a, b) => a + b, 0), stats.count);
    assert.ok(out.every((c) => c >= 0));
  }
});
