import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DyadicHistogram, floorLog2, type HistogramSnapshot } from '../../../app/compare/dyadic-histogram';
import { assertWorkbenchError, gaussian, seededRandom } from './helpers';

/** Recounts `values` into the snapshot's bins by comparing against the edges only (no grid arithmetic). */
function recount(snapshot: HistogramSnapshot, values: number[]): number[] {
  const counts = new Array<number>(snapshot.binEdges.length - 1).fill(0);
  for (const v of values) {
    let lo = 0;
    let hi = snapshot.binEdges.length - 1;
    assert.ok(v >= snapshot.binEdges[0] && v < snapshot.binEdges[hi], `${v} outside [${snapshot.binEdges[0]}, ${snapshot.binEdges[hi]})`);
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (v >= snapshot.binEdges[mid]) lo = mid;
      else hi = mid;
    }
    counts[lo]++;
  }
  return counts;
}

function isPowerOfTwo(x: number): boolean {
  return x > 0 && 2 ** floorLog2(x) === x;
}

function checkInvariants(h: DyadicHistogram, values: number[], series = 0): HistogramSnapshot {
  const snapshot = h.snapshot();
  assert.ok(snapshot.binEdges.length - 1 <= h.maxBins, 'no more bins than maxBins');
  assert.ok(isPowerOfTwo(snapshot.binWidth), `bin width ${snapshot.binWidth} is a power of two`);
  for (let i = 0; i < snapshot.binEdges.length; i++) {
    assert.ok(Number.isInteger(snapshot.binEdges[i] / snapshot.binWidth), 'edges are multiples of the width');
    if (i > 0) assert.equal(snapshot.binEdges[i] - snapshot.binEdges[i - 1], snapshot.binWidth);
  }
  assert.deepEqual(snapshot.counts[series], recount(snapshot, values), 'counts are exact for the final edges');
  return snapshot;
}

describe('DyadicHistogram: growth keeps counts exact', () => {
  it('survives growth right, left, by factors of 2^100 and back to tiny values', () => {
    const h = new DyadicHistogram(16);
    const values = [0.3, 0.30001, 0.5, 1, 7, -3, 1e30, -1e-30, 0, 5e-324 * 0, 2 ** -149, 123456.789, -7e29];
    for (const v of values) h.add(v);
    const snapshot = checkInvariants(h, values);
    assert.equal(snapshot.counts[0].reduce((a, b) => a + b, 0), values.length);
  });

  it('random streams of several distributions: exact recount and minimal width', () => {
    const random = seededRandom(7);
    const generators: [string, () => number][] = [
      ['gaussian', () => gaussian(random)],
      ['shifted narrow', () => 1000 + gaussian(random) * 1e-3],
      ['heavy tail', () => gaussian(random) / (random() + 1e-6)],
      ['positive growing', () => random() * 10 ** Math.floor(random() * 8)],
    ];
    for (const [name, next] of generators) {
      for (const bins of [2, 3, 16, 128]) {
        const h = new DyadicHistogram(bins);
        const values: number[] = [];
        for (let i = 0; i < 3000; i++) {
          const v = Math.fround(next());
          values.push(v);
          h.add(v);
        }
        const snapshot = checkInvariants(h, values);
        const min = Math.min(...values);
        const max = Math.max(...values);
        // Documented bound: binWidth ≤ max(2·(max − min)/(bins − 1), max|v|·2^−37, 2^−149).
        const bound = Math.max((2 * (max - min)) / (bins - 1), Math.max(Math.abs(min), Math.abs(max)) * 2 ** -37, 2 ** -149);
        assert.ok(snapshot.binWidth <= bound, `${name}/${bins}: width ${snapshot.binWidth} > bound ${bound}`);
        // Minimal: half the width would need more than `bins` cells.
        const half = snapshot.binWidth / 2;
        assert.ok(Math.floor(max / half) - Math.floor(min / half) >= bins, `${name}/${bins}: width not minimal`);
      }
    }
  });

  it('all-zero data first, then a real value: zero stays in its exact bin', () => {
    const h = new DyadicHistogram(8);
    const values = [0, 0, 0, 0.75, -0.25];
    for (const v of values) h.add(v);
    const snapshot = checkInvariants(h, values);
    // width 0.125 would need cells floor(−0.25/0.125) = −2 … floor(0.75/0.125) = 6: 9 cells > 8 bins.
    // width 0.25 needs cells −1 … 3: 5 cells ≤ 8 → the grid is [−0.25, 0) ← −0.25, [0, 0.25) ← 0,0,0, [0.75, 1) ← 0.75
    assert.equal(snapshot.binWidth, 0.25);
    assert.deepEqual(snapshot.binEdges, [-0.25, 0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(snapshot.counts[0], [1, 3, 0, 0, 1]);
  });

  it('two series share one grid', () => {
    const h = new DyadicHistogram(32, 2);
    const a = [1, 2, 3, 100];
    const b = [-50, 0.001, 2.5];
    for (const v of a) h.add(v, 0);
    for (const v of b) h.add(v, 1);
    const snapshot = h.snapshot();
    assert.deepEqual(snapshot.counts[0], recount(snapshot, a));
    assert.deepEqual(snapshot.counts[1], recount(snapshot, b));
  });

  it('including two values together makes room for both', () => {
    const h = new DyadicHistogram(4);
    h.add(0);
    h.include(-1000, 1000);
    assert.ok(h.slotOf(-1000) >= 0 && h.slotOf(1000) >= 0);
  });

  it('anchored at zero: the window starts at 0, only widens, and refuses negative values', () => {
    const h = new DyadicHistogram(8, 1, { anchoredAtZero: true });
    const values = [0, 0.001, 0.3, 5, 0.25, 1e-40];
    for (const v of values) h.add(v);
    assert.equal(h.offset, 0);
    const snapshot = checkInvariants(h, values);
    assert.equal(snapshot.binEdges[0], 0);
    // smallest power of two with 5 < 8·w: w = 1
    assert.equal(snapshot.binWidth, 1);
    assertWorkbenchError(() => h.add(-1), 'HISTOGRAM_VALUE_OUT_OF_RANGE');
  });

  it('upperEdgeAtRank returns the upper edge of the bin holding the k-th smallest value', () => {
    const h = new DyadicHistogram(8, 1, { anchoredAtZero: true });
    for (const v of [0.1, 0.2, 3.5, 3.6, 7.9]) h.add(v); // width 1: bins [0,1) ×2, [3,4) ×2, [7,8) ×1
    assert.equal(h.upperEdgeAtRank(1), 1);
    assert.equal(h.upperEdgeAtRank(2), 1);
    assert.equal(h.upperEdgeAtRank(3), 4);
    assert.equal(h.upperEdgeAtRank(5), 8);
    assert.ok(Number.isNaN(h.upperEdgeAtRank(6)));
  });

  it('refuses non-finite values and bad bin counts', () => {
    const h = new DyadicHistogram(8);
    assertWorkbenchError(() => h.add(NaN), 'HISTOGRAM_VALUE_OUT_OF_RANGE');
    assertWorkbenchError(() => h.add(Infinity), 'HISTOGRAM_VALUE_OUT_OF_RANGE');
    assertWorkbenchError(() => new DyadicHistogram(1), 'INVALID_HISTOGRAM_BINS');
    assertWorkbenchError(() => new DyadicHistogram(2.5), 'INVALID_HISTOGRAM_BINS');
  });

  it('an empty histogram has an empty snapshot', () => {
    const snapshot = new DyadicHistogram(8, 2).snapshot();
    assert.deepEqual(snapshot.binEdges, []);
    assert.deepEqual(snapshot.counts, [[], []]);
  });

  it('floorLog2 is exact next to powers of two', () => {
    for (let k = -1074; k <= 1023; k += 7) {
      assert.equal(floorLog2(2 ** k), k);
      if (k > -1022) assert.equal(floorLog2(2 ** k * (1 - 2 ** -53)), k - 1); // largest double below 2^k (normal range)
    }
    assert.equal(floorLog2(Number.MAX_VALUE), 1023);
  });
});
