import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ActivationStatistics } from '../../../app/calibration/activation-statistics';
import { isWorkbenchError } from '../../../app/errors';
import { activationLike, makeRandom } from './random';

/** Brute-force |x| histogram on a given power-of-two grid, straight from the raw values. */
function bruteHistogram(values: Float32Array, binWidth: number): Map<number, number> {
  const bins = new Map<number, number>();
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    const j = Math.floor(Math.abs(v) / binWidth);
    bins.set(j, (bins.get(j) ?? 0) + 1);
  }
  return bins;
}

function histogramAsMap(stats: ActivationStatistics): Map<number, number> {
  const { counts } = stats.absHistogram();
  const bins = new Map<number, number>();
  counts.forEach((c, j) => {
    if (c !== 0) bins.set(j, c);
  });
  return bins;
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

test('counts, min, max, absMax, mean, std and non-finite values against a direct computation', () => {
  const values = Float32Array.of(1.5, -4, 0, -0, NaN, Infinity, -Infinity, 2.25, NaN, 3);
  const stats = new ActivationStatistics();
  stats.update(values);
  assert.equal(stats.count, 6);
  assert.equal(stats.nanCount, 2);
  assert.equal(stats.posInfCount, 1);
  assert.equal(stats.negInfCount, 1);
  assert.equal(stats.infCount, 2);
  assert.equal(stats.min, -4);
  assert.equal(stats.max, 3);
  assert.equal(stats.absMax, 4);
  assert.equal(stats.sampleCount, 1);
  const finite = [1.5, -4, 0, 0, 2.25, 3];
  const mean = finite.reduce((a, b) => a + b, 0) / 6;
  assert.equal(stats.mean, mean);
  const variance = finite.reduce((a, b) => a + (b - mean) ** 2, 0) / 6;
  assert.ok(Math.abs(stats.std - Math.sqrt(variance)) < 1e-12);
  // NaN/Inf are counted, not binned: the histogram holds exactly the finite values.
  const { counts } = stats.absHistogram();
  assert.equal(counts.reduce((a, b) => a + b, 0), 6);
});

test('no data and only-NaN data: statistics say NaN, the histogram is empty', () => {
  const stats = new ActivationStatistics();
  assert.ok(Number.isNaN(stats.min) && Number.isNaN(stats.max) && Number.isNaN(stats.absMax) && Number.isNaN(stats.mean));
  stats.update(new Float32Array(1000).fill(NaN));
  assert.equal(stats.count, 0);
  assert.equal(stats.nanCount, 1000);
  assert.deepEqual(stats.histogram(), { binEdges: [], counts: [] });
  assert.equal(stats.binWidth, 0);
});

test('zeros seen before any non-zero value end up in bin 0 once the grid exists', () => {
  const stats = new ActivationStatistics();
  stats.update(new Float32Array(500)); // a dead ReLU sample
  assert.deepEqual(stats.histogram(), { binEdges: [0, 0], counts: [500] });
  assert.equal(stats.absMax, 0);
  stats.update(Float32Array.of(0, 1, 0, -0.5));
  assert.equal(stats.count, 504);
  const { counts, binWidth } = stats.absHistogram();
  assert.equal(counts[0], 502);
  assert.equal(counts.reduce((a, b) => a + b, 0), 504);
  // Smallest 2^k with 1 < 4096·2^k: 2^-12 gives equality, so 2^-11 (absMax covers 2048 bins).
  assert.equal(binWidth, 2 ** -11);
});

test('the grid is a power of two covering [0, absMax] with at least `bins` bins, and matches a brute-force histogram exactly', () => {
  for (const [seed, scale] of [[1, 1], [2, 1e-20], [3, 3e20], [4, 255]] as const) {
    const values = activationLike(50_000, seed);
    for (let i = 0; i < values.length; i++) values[i] *= scale;
    const stats = new ActivationStatistics();
    stats.update(values);
    const w = stats.binWidth;
    assert.equal(Math.log2(w), Math.round(Math.log2(w)), 'bin width is a power of two');
    assert.ok(stats.absMax / w >= 2048 && stats.absMax / w < 4096, `absMax covers ${stats.absMax / w} bins`);
    assert.deepEqual(histogramAsMap(stats), bruteHistogram(values, w));
  }
});

test('growing histogram: pieces in any order, with growth, give exactly the histogram of all data at once', () => {
  // Pieces of very different magnitudes force many doublings, in different sequences depending on the order.
  const random = makeRandom(7);
  const pieces: Float32Array[] = [];
  for (const scale of [1e-3, 1, 0.01, 1000, 5, 1e-6, 37]) {
    const piece = activationLike(5000 + Math.floor(random() * 5000), Math.floor(random() * 1e9), { zeros: 0.1 });
    for (let i = 0; i < piece.length; i++) piece[i] *= scale;
    pieces.push(piece);
  }
  pieces.push(Float32Array.of(NaN, Infinity, 0, -0));
  const all = new ActivationStatistics();
  all.update(concat(pieces));
  const reference = histogramAsMap(all);
  assert.deepEqual(reference, bruteHistogram(concat(pieces), all.binWidth));

  const orders = [
    pieces.map((_, i) => i),
    pieces.map((_, i) => pieces.length - 1 - i),
    [...pieces.keys()].sort((a, b) => Math.max(...pieces[a].map(Math.abs)) - Math.max(...pieces[b].map(Math.abs))), // ascending range: grows at every piece
    [3, 0, 6, 1, 7, 2, 5, 4],
  ];
  for (const order of orders) {
    const stats = new ActivationStatistics();
    for (const i of order) stats.update(pieces[i]);
    assert.equal(stats.binWidth, all.binWidth, `order ${order.join(',')}`);
    assert.deepEqual(histogramAsMap(stats), reference, `order ${order.join(',')}`);
    assert.equal(stats.count, all.count);
    assert.equal(stats.nanCount, 1);
    assert.equal(stats.min, all.min);
    assert.equal(stats.max, all.max);
    // Sums differ only by float64 rounding order; Σ|x| <= sqrt(n·Σx²) bounds the scale of that rounding.
    assert.ok(Math.abs(stats.sum - all.sum) <= 1e-12 * Math.sqrt(all.count * all.sumSquares));
    assert.equal(stats.sampleCount, pieces.length);
  }
});

test('merge() of statistics built on different grids equals feeding all values to one', () => {
  const a = activationLike(20_000, 11);
  const b = activationLike(20_000, 12);
  for (let i = 0; i < b.length; i++) b[i] *= 1000;
  const sa = new ActivationStatistics();
  sa.update(a);
  const sb = new ActivationStatistics();
  sb.update(b);
  const zeros = new ActivationStatistics();
  zeros.update(new Float32Array(10));
  const all = new ActivationStatistics();
  all.update(concat([a, b, new Float32Array(10)]));
  for (const [first, second, third] of [[sa, sb, zeros], [sb, zeros, sa], [zeros, sa, sb]]) {
    const merged = new ActivationStatistics();
    merged.merge(first);
    merged.merge(second);
    merged.merge(third);
    assert.deepEqual(histogramAsMap(merged), histogramAsMap(all));
    assert.equal(merged.count, all.count);
    assert.equal(merged.absMax, all.absMax);
  }
  assert.throws(() => sa.merge(new ActivationStatistics({ bins: 1024 })), (e) => isWorkbenchError(e) && e.code === 'STATS_INCOMPATIBLE');
});

test('histogram(maxBins) downsamples exactly for display', () => {
  const values = activationLike(30_000, 21);
  const stats = new ActivationStatistics();
  stats.update(values);
  for (const maxBins of [256, 100, 7, 1]) {
    const h = stats.histogram(maxBins);
    assert.ok(h.counts.length <= maxBins && h.counts.length >= 1);
    assert.equal(h.binEdges.length, h.counts.length + 1);
    assert.equal(h.counts.reduce((x, y) => x + y, 0), stats.count);
    assert.equal(h.binEdges[0], 0);
    assert.ok(h.binEdges[h.binEdges.length - 1] >= stats.absMax);
    // Each display bin holds exactly the values in [edge_k, edge_k+1).
    const edges = h.binEdges;
    const expected = new Array<number>(h.counts.length).fill(0);
    for (const v of values) {
      const a = Math.abs(v);
      let k = Math.floor(a / (edges[1] - edges[0]));
      if (k >= expected.length) k = expected.length - 1;
      expected[k]++;
    }
    assert.deepEqual(h.counts, expected);
  }
  assert.throws(() => stats.histogram(0), (e) => isWorkbenchError(e) && e.code === 'INVALID_OPTION');
});

test('toJSON/fromJSON round-trips through JSON text (dense and sparse forms)', () => {
  const dense = new ActivationStatistics();
  const random = makeRandom(31);
  dense.update(Float32Array.from({ length: 40_000 }, () => 2 * random() - 1)); // uniform: every bin filled
  dense.update(Float32Array.of(NaN, -Infinity));
  const sparse = new ActivationStatistics();
  sparse.update(Float32Array.of(0, 1e-3, 5, -5, 1000)); // a handful of bins over a wide range
  const zerosOnly = new ActivationStatistics();
  zerosOnly.update(new Float32Array(3));
  const empty = new ActivationStatistics();
  assert.ok('counts' in (dense.toJSON().histogram ?? {}));
  assert.ok('sparse' in (sparse.toJSON().histogram ?? {}));
  for (const stats of [dense, sparse, zerosOnly, empty]) {
    const json = JSON.parse(JSON.stringify(stats));
    const back = ActivationStatistics.fromJSON(json);
    assert.deepEqual(back.toJSON(), stats.toJSON());
    assert.deepEqual(back.absHistogram(), stats.absHistogram());
    assert.equal(back.binWidth, stats.binWidth);
    // The restored object keeps working like the original.
    const more = Float32Array.of(2, -3000, 0.5);
    back.update(more);
    stats.update(more);
    assert.deepEqual(back.toJSON(), stats.toJSON());
  }
});

test('fromJSON rejects malformed or inconsistent input with STATS_MALFORMED', () => {
  const stats = new ActivationStatistics();
  stats.update(Float32Array.of(1, 2, 3, -4));
  const good = stats.toJSON();
  const bad: unknown[] = [
    null,
    'text',
    { ...good, format: 'other' },
    { ...good, count: 5 }, // histogram holds 4
    { ...good, count: -1 },
    { ...good, min: null },
    { ...good, min: 10 }, // min > max
    { ...good, sum: 'x' },
    { ...good, histogram: { log2BinWidth: good.histogram!.log2BinWidth + 3, counts: good.histogram!.counts } }, // grid does not fit absMax
    { ...good, histogram: { log2BinWidth: 0.5, counts: [4] } },
    { ...good, histogram: { log2BinWidth: good.histogram!.log2BinWidth, counts: [1.5] } },
    { ...good, histogram: { log2BinWidth: good.histogram!.log2BinWidth, sparse: [99999, 4] } },
    { ...good, histogram: { log2BinWidth: good.histogram!.log2BinWidth } },
    { ...good, histogram: undefined },
  ];
  for (const json of bad) {
    assert.throws(() => ActivationStatistics.fromJSON(json), (e) => isWorkbenchError(e) && e.code === 'STATS_MALFORMED', JSON.stringify(json));
  }
});

test('rejects invalid bin options', () => {
  for (const bins of [0, 1, 2.5, -3, 1 << 23]) {
    assert.throws(() => new ActivationStatistics({ bins }), (e) => isWorkbenchError(e) && e.code === 'INVALID_OPTION');
  }
});

test('throughput: update() on 10M float32 values (printed, not asserted: benchmarks are not timed tests)', (t) => {
  const values = activationLike(10_000_000, 41);
  const times: number[] = [];
  for (let run = 0; run < 4; run++) {
    const stats = new ActivationStatistics();
    const start = performance.now();
    stats.update(values);
    times.push(performance.now() - start);
    assert.equal(stats.count, values.length);
  }
  const ms = times.map((x) => x.toFixed(1)).join(', ');
  t.diagnostic(`ActivationStatistics.update on 10M floats: ${ms} ms (first call includes V8 warm-up)`);
});
