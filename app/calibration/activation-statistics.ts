import { calibrationError } from './calibration-errors';

/**
 * Streaming statistics of one activation tensor over many calibration samples: finite count, NaN/±Inf counts,
 * min/max, sum and sum of squares (float64), and a histogram of |x| that grows with the data.
 *
 * ## Histogram design: power-of-two grid, grown by merging bin pairs
 * Bins have width w = 2^k and the histogram holds `capacity = 2 × bins` of them, covering [0, capacity·w).
 * k is the smallest integer with absMax < capacity·2^k, so the observed range [0, absMax] is always covered by at
 * least `bins` (default 2048) equal bins — for the first sample and after every growth. When a value ≥ capacity·w
 * arrives, w doubles and bin pairs (2j, 2j+1) merge into j. Because edges are multiples of a power of two:
 * - the merge is exact: floor(|x|/2w) = floor(floor(|x|/w)/2), and |x|·2^-k is computed without rounding;
 * - the final histogram depends only on the multiset of values seen, never on how they were split into samples or
 *   in which order they came (k is a function of the final absMax alone). Two statistics can be merged exactly.
 * pytorch-quantization instead fixes the width from the first batch and appends bins; that is order-dependent and
 * its bin count is unbounded (a tiny first batch followed by a large one), so it is not used here.
 * The price: the grid is not aligned to absMax (between `bins` and `2·bins` bins cover [0, absMax]). Calibrators
 * that need exactly N bins over [0, absMax] (TensorRT's entropy method) resample; see histogram-resample.ts.
 *
 * NaN and ±Inf are counted, never binned, and excluded from min/max/sum. -0 counts as 0.
 * Memory: capacity float64 counters (32 KiB at the default) per tensor; counts stay exact up to 2^53.
 */

export interface ActivationStatisticsOptions {
  /** Minimum number of equal-width |x| bins covering the observed range [0, absMax]. Default 2048. */
  bins?: number;
}

/** Compact serialized form (plain JSON; NaN/Infinity never appear). */
export interface ActivationStatisticsJson {
  format: 'pwb-activation-statistics';
  version: 1;
  bins: number;
  sampleCount: number;
  count: number;
  nanCount: number;
  posInfCount: number;
  negInfCount: number;
  /** null when no finite value has been seen. */
  min: number | null;
  max: number | null;
  sum: number;
  sumSquares: number;
  /** Exact zeros seen before any non-zero value fixed the grid; 0 once a grid exists (they move to bin 0). */
  zerosBeforeGrid: number;
  /**
   * null until a non-zero finite value arrives. `counts` is dense and trimmed after the last non-empty bin;
   * `sparse` is [binIndex, count, binIndex, count, ...] — whichever is shorter is written.
   */
  histogram: { log2BinWidth: number; counts?: number[]; sparse?: number[] } | null;
}

/** |x| histogram in display form: counts[i] holds values in [binEdges[i], binEdges[i+1]). */
export interface DisplayHistogram {
  binEdges: number[];
  counts: number[];
}

/** The native grid, trimmed after the last non-empty bin. Bin j holds |x| in [j·binWidth, (j+1)·binWidth). */
export interface AbsHistogram {
  /** 0 when no non-zero value has been seen (then counts is [zeros] or []). */
  binWidth: number;
  counts: Float64Array;
  /** Largest |x| seen; the data in the last bin lies in [lastBin·binWidth, absMax]. */
  absMax: number;
}

const DEFAULT_BINS = 2048;
const MAX_BINS = 1 << 22;
/** Elements per hot-loop call (see scanInRange). */
const SCAN_CHUNK = 1 << 16;

export class ActivationStatistics {
  /** Minimum number of bins over [0, absMax] (the option). */
  readonly bins: number;
  /** Number of bins held (2 × bins). */
  readonly capacity: number;

  private _sampleCount = 0;
  private _count = 0;
  private _nanCount = 0;
  private _posInfCount = 0;
  private _negInfCount = 0;
  private _min = Infinity;
  private _max = -Infinity;
  private _sum = 0;
  private _sumSquares = 0;
  private _zerosBeforeGrid = 0;
  private readonly _counts: Float64Array;
  /** log2 of the bin width; meaningful only when _hasGrid. */
  private _log2Width = 0;
  private _hasGrid = false;
  /** 2^-log2Width: multiplying by a power of two is exact. */
  private _invWidth = 0;
  /** capacity · width: values with |x| >= this need growth. 0 before the grid exists, so everything takes the slow path. */
  private _limit = 0;
  /** min, max, sum, sum of squares while a scan runs (scratch; avoids allocation per update). */
  private readonly _accumulators = new Float64Array(4);

  constructor(options: ActivationStatisticsOptions = {}) {
    const bins = options.bins ?? DEFAULT_BINS;
    if (!Number.isInteger(bins) || bins < 2 || bins > MAX_BINS) {
      throw calibrationError('INVALID_OPTION', `histogram bins must be an integer in [2, ${MAX_BINS}], got ${bins}`);
    }
    this.bins = bins;
    this.capacity = 2 * bins;
    this._counts = new Float64Array(this.capacity);
  }

  /** Number of update() calls (samples) folded in. */
  get sampleCount(): number { return this._sampleCount; }
  /** Number of finite values seen. */
  get count(): number { return this._count; }
  get nanCount(): number { return this._nanCount; }
  get posInfCount(): number { return this._posInfCount; }
  get negInfCount(): number { return this._negInfCount; }
  get infCount(): number { return this._posInfCount + this._negInfCount; }
  /** Smallest finite value; NaN when no finite value has been seen. */
  get min(): number { return this._count > 0 ? this._min : NaN; }
  /** Largest finite value; NaN when no finite value has been seen. */
  get max(): number { return this._count > 0 ? this._max : NaN; }
  /** Largest finite |x|; NaN when no finite value has been seen. */
  get absMax(): number { return this._count > 0 ? Math.max(-this._min, this._max) : NaN; }
  get sum(): number { return this._sum; }
  get sumSquares(): number { return this._sumSquares; }
  /** Mean of the finite values; NaN when there are none. */
  get mean(): number { return this._count > 0 ? this._sum / this._count : NaN; }
  /** Population standard deviation of the finite values; NaN when there are none. */
  get std(): number {
    if (this._count === 0) return NaN;
    const mean = this._sum / this._count;
    return Math.sqrt(Math.max(0, this._sumSquares / this._count - mean * mean));
  }
  /** Width of the native |x| bins; 0 until a non-zero finite value has been seen. */
  get binWidth(): number { return this._hasGrid ? 2 ** this._log2Width : 0; }

  /**
   * Fold one sample's tensor in. Hot path (millions of elements per call): one tight loop (scanInRange) with no
   * allocation; the rare cases (NaN, ±Inf, a value beyond the current range, values before the first non-zero one)
   * leave it through one predictable branch and are handled here. The array is only read, never retained.
   * Measured: about 25 ms per 10M float32 values (Node 20, x86-64), about 33 ms on the very first call.
   */
  update(values: Float32Array): void {
    const n = values.length;
    const acc = this._accumulators;
    acc[0] = this._min;
    acc[1] = this._max;
    acc[2] = this._sum;
    acc[3] = this._sumSquares;
    let nonFinite = 0;
    let i = 0;
    while (i < n) {
      const end = Math.min(n, i + SCAN_CHUNK);
      i = scanInRange(values, i, end, this._counts, this._invWidth, this._limit, acc);
      if (i >= end) continue;
      // The scan stopped at element i: it or its pair partner is rare (NaN, ±Inf, beyond the grid, any value before
      // the grid exists), or it is the odd last element. Handle this one element generically.
      const v = values[i];
      if (v !== v) {
        // Swallow the whole NaN run (a broken layer can output nothing but NaN).
        let j = i + 1;
        while (j < n && values[j] !== values[j]) j++;
        this._nanCount += j - i;
        nonFinite += j - i;
        i = j - 1;
      } else if (v === Infinity) {
        this._posInfCount++;
        nonFinite++;
      } else if (v === -Infinity) {
        this._negInfCount++;
        nonFinite++;
      } else {
        if (v < acc[0]) acc[0] = v;
        if (v > acc[1]) acc[1] = v;
        acc[2] += v;
        acc[3] += v * v;
        const a = Math.abs(v);
        if (a === 0 && !this._hasGrid) {
          // No grid yet (nothing non-zero seen): swallow the whole run of zeros here, so an all-zero tensor (a
          // dead ReLU output) costs one cheap loop instead of one slow-path visit per element.
          let j = i + 1;
          while (j < n && values[j] === 0) j++;
          this._zerosBeforeGrid += j - i;
          i = j - 1;
        } else {
          this.ensureRange(a);
          this._counts[(a * this._invWidth) | 0]++;
        }
      }
      i++;
    }
    this._min = acc[0];
    this._max = acc[1];
    this._sum = acc[2];
    this._sumSquares = acc[3];
    this._count += n - nonFinite;
    this._sampleCount++;
  }

  /**
   * Fold another statistics object in (e.g. from a parallel worker). Exact for the histogram: both grids are
   * powers of two, so the finer one is merged up to the coarser one. Both must use the same `bins`.
   */
  merge(other: ActivationStatistics): void {
    if (other.bins !== this.bins) {
      throw calibrationError(
        'STATS_INCOMPATIBLE',
        `cannot merge activation statistics with ${other.bins} bins into statistics with ${this.bins} bins`,
      );
    }
    if (other._hasGrid) {
      const otherAbsMax = Math.max(-other._min, other._max);
      this.ensureRange(otherAbsMax);
      // Now this grid is at least as coarse as other's: fold other's bins down by the width ratio.
      const shift = this._log2Width - other._log2Width;
      const factor = 2 ** shift;
      for (let j = 0; j < other.capacity; j++) {
        const c = other._counts[j];
        if (c !== 0) this._counts[Math.floor(j / factor)] += c;
      }
      this._counts[0] += other._zerosBeforeGrid;
    } else if (this._hasGrid) {
      this._counts[0] += other._zerosBeforeGrid;
    } else {
      this._zerosBeforeGrid += other._zerosBeforeGrid;
    }
    this._sampleCount += other._sampleCount;
    this._count += other._count;
    this._nanCount += other._nanCount;
    this._posInfCount += other._posInfCount;
    this._negInfCount += other._negInfCount;
    if (other._min < this._min) this._min = other._min;
    if (other._max > this._max) this._max = other._max;
    this._sum += other._sum;
    this._sumSquares += other._sumSquares;
  }

  /** Copy of the native |x| histogram, trimmed after the last non-empty bin. */
  absHistogram(): AbsHistogram {
    const absMax = this._count > 0 ? Math.max(-this._min, this._max) : 0;
    if (!this._hasGrid) {
      return { binWidth: 0, counts: this._zerosBeforeGrid > 0 ? Float64Array.of(this._zerosBeforeGrid) : new Float64Array(0), absMax };
    }
    return { binWidth: 2 ** this._log2Width, counts: this._counts.slice(0, this.usedBins()), absMax };
  }

  /**
   * |x| histogram for display, at most `maxBins` bins: groups of g consecutive native bins are summed (exact
   * counts; edges are multiples of g·binWidth). No finite data → empty arrays; only zeros → one bin [0, 0].
   */
  histogram(maxBins = 256): DisplayHistogram {
    if (!Number.isInteger(maxBins) || maxBins < 1) {
      throw calibrationError('INVALID_OPTION', `maxBins must be a positive integer, got ${maxBins}`);
    }
    if (!this._hasGrid) {
      return this._zerosBeforeGrid > 0 ? { binEdges: [0, 0], counts: [this._zerosBeforeGrid] } : { binEdges: [], counts: [] };
    }
    const used = this.usedBins();
    const group = Math.ceil(used / maxBins);
    const groups = Math.ceil(used / group);
    const width = 2 ** this._log2Width * group;
    const counts = new Array<number>(groups).fill(0);
    for (let j = 0; j < used; j++) counts[Math.floor(j / group)] += this._counts[j];
    const binEdges = new Array<number>(groups + 1);
    for (let g = 0; g <= groups; g++) binEdges[g] = g * width;
    return { binEdges, counts };
  }

  toJSON(): ActivationStatisticsJson {
    let histogram: ActivationStatisticsJson['histogram'] = null;
    if (this._hasGrid) {
      const used = this.usedBins();
      const sparse: number[] = [];
      let nonZero = 0;
      for (let j = 0; j < used; j++) if (this._counts[j] !== 0) nonZero++;
      if (2 * nonZero < used) {
        for (let j = 0; j < used; j++) if (this._counts[j] !== 0) sparse.push(j, this._counts[j]);
        histogram = { log2BinWidth: this._log2Width, sparse };
      } else {
        histogram = { log2BinWidth: this._log2Width, counts: Array.from(this._counts.subarray(0, used)) };
      }
    }
    return {
      format: 'pwb-activation-statistics',
      version: 1,
      bins: this.bins,
      sampleCount: this._sampleCount,
      count: this._count,
      nanCount: this._nanCount,
      posInfCount: this._posInfCount,
      negInfCount: this._negInfCount,
      min: this._count > 0 ? this._min : null,
      max: this._count > 0 ? this._max : null,
      sum: this._sum,
      sumSquares: this._sumSquares,
      zerosBeforeGrid: this._zerosBeforeGrid,
      histogram,
    };
  }

  /** Inverse of toJSON(). Validates everything (the JSON may come from disk or over IPC): STATS_MALFORMED. */
  static fromJSON(json: unknown): ActivationStatistics {
    const bad = (what: string): never => {
      throw calibrationError('STATS_MALFORMED', `activation statistics JSON: ${what}`);
    };
    if (typeof json !== 'object' || json === null) bad('not an object');
    const o = json as Record<string, unknown>;
    if (o.format !== 'pwb-activation-statistics' || o.version !== 1) bad(`unsupported format/version ${String(o.format)}/${String(o.version)}`);
    const count = (key: string): number => {
      const v = o[key];
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) bad(`'${key}' must be a non-negative integer`);
      return v as number;
    };
    const finite = (key: string): number => {
      const v = o[key];
      if (typeof v !== 'number' || !Number.isFinite(v)) bad(`'${key}' must be a finite number`);
      return v as number;
    };
    const bins = count('bins');
    if (bins < 2 || bins > MAX_BINS) bad(`'bins' out of range: ${bins}`);
    const stats = new ActivationStatistics({ bins });
    stats._sampleCount = count('sampleCount');
    stats._count = count('count');
    stats._nanCount = count('nanCount');
    stats._posInfCount = count('posInfCount');
    stats._negInfCount = count('negInfCount');
    stats._sum = finite('sum');
    stats._sumSquares = finite('sumSquares');
    stats._zerosBeforeGrid = count('zerosBeforeGrid');
    if (stats._count > 0) {
      stats._min = finite('min');
      stats._max = finite('max');
      if (stats._min > stats._max) bad(`'min' ${stats._min} is larger than 'max' ${stats._max}`);
    } else if (o.min !== null || o.max !== null) {
      bad(`'min'/'max' must be null when 'count' is 0`);
    }
    const h = o.histogram;
    let binned = stats._zerosBeforeGrid;
    if (h !== null) {
      if (typeof h !== 'object' || h === undefined) bad(`'histogram' must be an object or null`);
      const hist = h as Record<string, unknown>;
      const log2 = hist.log2BinWidth;
      if (typeof log2 !== 'number' || !Number.isInteger(log2) || log2 < -1100 || log2 > 1100) bad(`'histogram.log2BinWidth' must be an integer`);
      if (stats._zerosBeforeGrid !== 0) bad(`'zerosBeforeGrid' must be 0 when a histogram exists`);
      stats.setGrid(log2 as number);
      const cell = (v: unknown): number => {
        if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) bad('histogram counts must be non-negative integers');
        return v as number;
      };
      if (Array.isArray(hist.counts)) {
        if (hist.counts.length > stats.capacity) bad(`histogram has ${hist.counts.length} bins, more than the capacity ${stats.capacity}`);
        hist.counts.forEach((v, j) => { stats._counts[j] = cell(v); binned += stats._counts[j]; });
      } else if (Array.isArray(hist.sparse)) {
        if (hist.sparse.length % 2 !== 0) bad(`'histogram.sparse' must hold [bin, count] pairs`);
        for (let p = 0; p < hist.sparse.length; p += 2) {
          const j = cell(hist.sparse[p]);
          if (j >= stats.capacity) bad(`histogram bin ${j} is beyond the capacity ${stats.capacity}`);
          stats._counts[j] += cell(hist.sparse[p + 1]);
          binned += cell(hist.sparse[p + 1]);
        }
      } else {
        bad(`'histogram' needs 'counts' or 'sparse'`);
      }
      if (stats._count === 0) bad('a histogram exists but count is 0');
      const absMax = Math.max(-stats._min, stats._max);
      // The grid is always the finest one with absMax < capacity·width, so absMax >= capacity·width/2.
      if (!(absMax < stats._limit) || absMax < stats._limit / 2) {
        bad(`bin width 2^${String(log2)} does not match absMax ${absMax}`);
      }
    }
    if (binned !== stats._count) bad(`histogram holds ${binned} values but 'count' is ${stats._count}`);
    return stats;
  }

  /** Bins up to and including the last non-empty one. */
  private usedBins(): number {
    let used = this.capacity;
    while (used > 0 && this._counts[used - 1] === 0) used--;
    return used;
  }

  private setGrid(log2Width: number): void {
    this._hasGrid = true;
    this._log2Width = log2Width;
    this._invWidth = 2 ** -log2Width;
    this._limit = this.capacity * 2 ** log2Width;
  }

  /** Make the grid cover `a` (> 0, finite): create it at the finest admissible width, or double it until it does. */
  private ensureRange(a: number): void {
    if (!(a > 0)) return;
    if (!this._hasGrid) {
      // Smallest k with a < capacity · 2^k. log2 gives a guess; the loops make it exact.
      let k = Math.ceil(Math.log2(a / this.capacity));
      while (this.capacity * 2 ** k <= a) k++;
      while (this.capacity * 2 ** (k - 1) > a) k--;
      this.setGrid(k);
      this._counts[0] += this._zerosBeforeGrid;
      this._zerosBeforeGrid = 0;
      return;
    }
    const counts = this._counts;
    const half = this.capacity / 2;
    let log2 = this._log2Width;
    while (this.capacity * 2 ** log2 <= a) {
      for (let j = 0; j < half; j++) counts[j] = counts[2 * j] + counts[2 * j + 1];
      counts.fill(0, half);
      log2++;
    }
    this.setGrid(log2);
  }
}

/**
 * The hot loop: bins every element of [start, end) while it is finite and inside the grid (|x| < limit; NaN fails
 * the comparison), two at a time (independent sum chains), updating acc = [min, max, sum, sumSquares]. Returns
 * `end` or the index of the pair it could not handle; update() then handles that one element generically (it may
 * be an ordinary value next to a rare one, or the odd last element). Kept free of rarely taken code: V8 deopts
 * optimized code on branches that never ran before. update() calls it on chunks of SCAN_CHUNK elements so V8
 * optimizes it after a few calls instead of running a 10M-element first call in unoptimized code.
 */
function scanInRange(
  values: Float32Array,
  start: number,
  end: number,
  counts: Float64Array,
  invWidth: number,
  limit: number,
  acc: Float64Array,
): number {
  let min = acc[0];
  let max = acc[1];
  let sum0 = acc[2];
  let sumSquares0 = acc[3];
  let sum1 = 0;
  let sumSquares1 = 0;
  let i = start;
  for (; i + 1 < end; i += 2) {
    const v = values[i];
    const w = values[i + 1];
    const a = Math.abs(v);
    const b = Math.abs(w);
    if (!(a < limit && b < limit)) break;
    if (v < min) min = v;
    if (v > max) max = v;
    if (w < min) min = w;
    if (w > max) max = w;
    sum0 += v;
    sum1 += w;
    sumSquares0 += v * v;
    sumSquares1 += w * w;
    counts[(a * invWidth) | 0]++; // exact: invWidth is a power of two
    counts[(b * invWidth) | 0]++;
  }
  acc[0] = min;
  acc[1] = max;
  acc[2] = sum0 + sum1;
  acc[3] = sumSquares0 + sumSquares1;
  return i;
}
