/**
 * A streaming histogram of one or more series over ONE shared grid whose range is not known in advance.
 *
 * Grid: every bin has width w = 2^exponent and starts at an integer multiple of w; grid cell j covers the
 * half-open interval [j·w, (j+1)·w). Slot i of the window counts cell `offset + i`; the window holds `maxBins`
 * cells. Finding the cell of a value is floor(v · 2^−exponent): multiplying by a power of two is exact in
 * float64, so a value lands in the cell whose edges (also exact) contain it — no rounding at bin borders.
 *
 * Growth: a value outside the window calls `include(value)` before it is counted. If the occupied cells plus
 * the new cell fit in `maxBins` cells, the window only moves; otherwise the width doubles as many times as
 * needed and the window is re-centred on the occupied cells. Doubling merges cells 2m and 2m+1 into cell m
 * (floor(floor(x/w)/2) = floor(x/2w)), so every count stays in the bin that contains the value it counted:
 * counts are exact for the final edges, however often the grid grew. The width only doubles when the data
 * cannot fit, so it ends as the smallest power of two that holds every value seen:
 *   binWidth ≤ max(2·(max − min)/(maxBins − 1), max|value|·2^−37, 2^−149).
 * (The second term only matters for data spread over less than ~1e−9 of its magnitude; it keeps
 * |cell index| ≤ 2^40 so that all index arithmetic stays exact.)
 *
 * Anchored mode (for magnitudes such as |error|): the window always starts at 0 and only widens, so the
 * width ends as the smallest power of two with max < maxBins·binWidth: binWidth ≤ max(2·max/maxBins, 2^−149).
 *
 * The first value starts a very fine grid (≈ |value|·2^−38, or 2^−149 for zero — the float32 quantum) that
 * the next values grow to fit; the result equals starting from the first sample's min/max, without a
 * separate min/max pass over the data.
 *
 * Counts are float64 (exact integers up to 2^53).
 */
import { WorkbenchError } from '../errors';

const GRID_INDEX_LIMIT = 2 ** 40;
/** The float32 quantum: float32 data (and differences of float32 values) are multiples of it. */
const ZERO_START_EXPONENT = -149;
/** Values beyond this magnitude are refused (float32 data stays below 2^129; this keeps indices finite). */
const MAX_ABS_VALUE = 2 ** 512;

export interface HistogramSnapshot {
  /** Edges of the occupied bins, ascending; length = bin count + 1 (empty when nothing was counted). */
  binEdges: number[];
  /** One count array per series, each of bin count length; bin i is [binEdges[i], binEdges[i+1]). */
  counts: number[][];
  /** Width of every bin (a power of two); NaN before the first value. */
  binWidth: number;
}

export class DyadicHistogram {
  readonly maxBins: number;
  /** One count array per series; slot i counts grid cell `offset + i`. Same arrays for the object's life. */
  readonly counts: Float64Array[];
  exponent = 0;
  binWidth = NaN;
  /** 2^−exponent; NaN while empty so that every binning attempt reads as outside the window. */
  inverseBinWidth = NaN;
  /** Grid cell counted by slot 0. */
  offset = 0;
  /** When true the window always starts at cell 0 (values must be ≥ 0); it only ever widens. */
  readonly anchoredAtZero: boolean;
  private readonly scratch: Float64Array;

  constructor(maxBins: number, seriesCount = 1, options: { anchoredAtZero?: boolean } = {}) {
    this.anchoredAtZero = options.anchoredAtZero ?? false;
    if (!Number.isInteger(maxBins) || maxBins < 2 || maxBins > 1 << 20) {
      throw new WorkbenchError(
        'compare',
        'INVALID_HISTOGRAM_BINS',
        `histogram bin count must be an integer from 2 to ${1 << 20}, got ${maxBins}`,
      );
    }
    this.maxBins = maxBins;
    this.counts = [];
    for (let s = 0; s < seriesCount; s++) this.counts.push(new Float64Array(maxBins));
    this.scratch = new Float64Array(maxBins);
  }

  /** Window slot of `value`, or −1 when it lies outside the window (then `include` it first). */
  slotOf(value: number): number {
    const slot = Math.floor(value * this.inverseBinWidth) - this.offset;
    return slot >= 0 && slot < this.maxBins ? slot : -1;
  }

  /** Counts `value` (finite) in `series`, growing the grid when needed. The hot loops inline this. */
  add(value: number, series = 0): void {
    let slot = this.slotOf(value);
    if (slot < 0) {
      this.include(value);
      slot = this.slotOf(value);
    }
    this.counts[series][slot] += 1;
  }

  /**
   * Makes room for every value in [low, high] (finite, |value| ≤ 2^512) without counting anything. Values
   * that will be counted together must be included together: including them one at a time may move the
   * window off a value included earlier but not yet counted.
   */
  include(low: number, high: number = low): void {
    for (const value of [low, high]) {
      if (!(Math.abs(value) <= MAX_ABS_VALUE)) {
        throw new WorkbenchError(
          'compare',
          'HISTOGRAM_VALUE_OUT_OF_RANGE',
          `cannot histogram ${value}: only finite values up to 2^512 in magnitude are binned`,
        );
      }
    }
    if (this.anchoredAtZero) {
      this.includeAnchored(low, high);
      return;
    }
    if (this.inverseBinWidth !== this.inverseBinWidth) {
      const magnitude = Math.max(Math.abs(low), Math.abs(high));
      const exponent = magnitude === 0 ? ZERO_START_EXPONENT : Math.max(ZERO_START_EXPONENT, floorLog2(magnitude) - 38);
      this.setExponent(exponent);
      // Start centred on `low`; the general path below widens the grid when `high` does not fit.
      this.offset = Math.floor(low * this.inverseBinWidth) - Math.floor(this.maxBins / 2);
    }
    let lowCell = Math.floor(low * this.inverseBinWidth);
    let highCell = Math.floor(high * this.inverseBinWidth);
    if (lowCell > highCell) [lowCell, highCell] = [highCell, lowCell];
    if (lowCell - this.offset >= 0 && highCell - this.offset < this.maxBins) return;
    let lowest = lowCell;
    let highest = highCell;
    const occupied = this.occupiedSlots();
    if (occupied !== null) {
      lowest = Math.min(lowest, this.offset + occupied[0]);
      highest = Math.max(highest, this.offset + occupied[1]);
    }
    let shift = 0;
    let divisor = 1;
    for (;;) {
      const l = Math.floor(lowest / divisor);
      const h = Math.floor(highest / divisor);
      if (h - l < this.maxBins && Math.max(Math.abs(l), Math.abs(h)) + this.maxBins <= GRID_INDEX_LIMIT) break;
      shift++;
      divisor *= 2;
    }
    const newLow = Math.floor(lowest / divisor);
    const newHigh = Math.floor(highest / divisor);
    const newOffset = newLow - Math.floor((this.maxBins - (newHigh - newLow + 1)) / 2);
    this.rebin(shift, divisor, newOffset);
  }

  private includeAnchored(low: number, high: number): void {
    if (!(Math.min(low, high) >= 0)) {
      throw new WorkbenchError(
        'compare',
        'HISTOGRAM_VALUE_OUT_OF_RANGE',
        `cannot histogram ${Math.min(low, high)}: this histogram starts at 0 and only takes values ≥ 0`,
      );
    }
    if (this.inverseBinWidth !== this.inverseBinWidth) {
      this.setExponent(ZERO_START_EXPONENT);
      this.offset = 0;
    }
    const highCell = Math.floor(Math.max(low, high) * this.inverseBinWidth);
    if (highCell < this.maxBins) return;
    let shift = 0;
    let divisor = 1;
    while (Math.floor(highCell / divisor) >= this.maxBins) {
      shift++;
      divisor *= 2;
    }
    this.rebin(shift, divisor, 0);
  }

  /** Merges 2^shift (= divisor) cells into one and moves the window to start at cell `newOffset`. */
  private rebin(shift: number, divisor: number, newOffset: number): void {
    for (const counts of this.counts) {
      this.scratch.fill(0);
      for (let slot = 0; slot < this.maxBins; slot++) {
        const count = counts[slot];
        if (count !== 0) this.scratch[Math.floor((this.offset + slot) / divisor) - newOffset] += count;
      }
      counts.set(this.scratch);
    }
    this.offset = newOffset;
    this.setExponent(this.exponent + shift);
  }

  /** First and last slot with a non-zero count in any series, or null when nothing was counted. */
  occupiedSlots(): [number, number] | null {
    let first = -1;
    let last = -1;
    for (const counts of this.counts) {
      for (let slot = 0; slot < this.maxBins; slot++) {
        if (counts[slot] !== 0) {
          if (first < 0 || slot < first) first = slot;
          break;
        }
      }
      for (let slot = this.maxBins - 1; slot >= 0; slot--) {
        if (counts[slot] !== 0) {
          if (slot > last) last = slot;
          break;
        }
      }
    }
    return first < 0 ? null : [first, last];
  }

  /** Lower edge of a window slot (exact). */
  slotLowerEdge(slot: number): number {
    return (this.offset + slot) * this.binWidth;
  }

  /**
   * Upper edge of the bin holding the `rank`-th smallest counted value (1-based) of `series`: the true value
   * lies in [upper − binWidth, upper). NaN when fewer than `rank` values were counted.
   */
  upperEdgeAtRank(rank: number, series = 0): number {
    const counts = this.counts[series];
    let cumulative = 0;
    for (let slot = 0; slot < this.maxBins; slot++) {
      cumulative += counts[slot];
      if (cumulative >= rank) return this.slotLowerEdge(slot + 1);
    }
    return NaN;
  }

  /** The occupied bins only (leading and trailing empty bins trimmed), as plain arrays. */
  snapshot(): HistogramSnapshot {
    const occupied = this.occupiedSlots();
    if (occupied === null) return { binEdges: [], counts: this.counts.map(() => []), binWidth: this.binWidth };
    const [first, last] = occupied;
    const binEdges: number[] = [];
    for (let slot = first; slot <= last + 1; slot++) binEdges.push(this.slotLowerEdge(slot));
    return {
      binEdges,
      counts: this.counts.map((counts) => Array.from(counts.subarray(first, last + 1))),
      binWidth: this.binWidth,
    };
  }

  private setExponent(exponent: number): void {
    this.exponent = exponent;
    this.binWidth = 2 ** exponent;
    this.inverseBinWidth = 2 ** -exponent;
  }
}

/** floor(log2(x)) for finite x > 0, exact (Math.log2 alone can be off by one next to powers of two). */
export function floorLog2(x: number): number {
  let k = Math.floor(Math.log2(x));
  if (2 ** k > x) k--;
  else if (2 ** (k + 1) <= x) k++;
  return k;
}
