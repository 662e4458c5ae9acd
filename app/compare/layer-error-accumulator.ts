/**
 * Pools the error of one layer's output tensor over a stream of samples, one tight pass per sample.
 *
 * Pooled means computed over the concatenation of all elements of all samples (not the mean of per-sample
 * values). Definitions and edge cases are those of `metrics.ts`: pairs where either side is NaN/±Infinity are
 * counted per side and excluded from every other metric, the value histograms and the per-channel view.
 *
 * What `update` does per element, in one pass (error-scan-kernel.ts): the float64 sums of metrics.ts, max
 * |error|, the two value histograms (reference and candidate on shared edges), the |error| histogram for
 * p99AbsError and, when a channel axis is given, per-channel error energies. Sums are formed per block (at most
 * 4096 elements, never straddling a channel run) and then added to the totals (two-level summation keeps
 * float64 rounding small; results equal a one-shot sum over the concatenation to ~1e−12 relative, counts,
 * maxAbsError and histograms exactly).
 *
 * Value histograms (dyadic-histogram.ts): the range is not known in advance; bins are powers of two wide and
 * aligned to multiples of their width, the grid grows by doubling (merging bin pairs) and re-centring, so
 * every count stays exact for the final edges, and the final width is the smallest power of two that holds
 * all values seen — the same grid as starting from the first sample's min/max, without a min/max pre-pass.
 * Only the occupied bins are returned (≤ histogramBins).
 *
 * p99AbsError is estimated from the |error| histogram (see dyadic-histogram.ts): it reports the upper edge of
 * the bin that holds the nearest-rank 99th percentile, capped at the exact maxAbsError, so
 *   0 ≤ p99AbsError − exact p99 ≤ p99AbsErrorBinWidth,
 * never an understatement. The |error| histogram starts at 0 and only widens, so p99AbsErrorBinWidth ≤
 * max(2·maxAbsError/bins, 2^−149): with the default 2048 bins, ≤ maxAbsError/1024.
 *
 * Buffers: `update` only reads the arrays it is given and keeps no reference to them.
 */
import { WorkbenchError } from '../errors';
import { DyadicHistogram, type HistogramSnapshot } from './dyadic-histogram';
import {
  CANDIDATE_INF,
  CANDIDATE_NAN,
  GRID_CANDIDATE_OFFSET,
  GRID_ERROR_BASE,
  GRID_ERROR_HIGH,
  GRID_ERROR_SCALE,
  GRID_SIZE,
  GRID_VALUE_HIGH,
  GRID_VALUE_LOW,
  GRID_VALUE_OFFSET,
  GRID_VALUE_SCALE,
  MAX_AD,
  REFERENCE_INF,
  REFERENCE_NAN,
  SKIPPED,
  SUMS_SIZE,
  SUM_AD,
  SUM_CC,
  SUM_DD,
  SUM_RC,
  SUM_RR,
  scanRange,
  scanRangeByChannel,
  scanRangeChannelsLast,
} from './error-scan-kernel';
import {
  errorMetricsFromSums,
  assertSameLength,
  mseFromEnergy,
  p99Rank,
  relL2ErrorFromEnergies,
  type ErrorMetrics,
  type ErrorSums,
} from './metrics';

export const DEFAULT_HISTOGRAM_BINS = 128;
export const DEFAULT_ABS_ERROR_HISTOGRAM_BINS = 2048;
/** Above this many channels, channels are pooled into this many contiguous groups. */
export const MAX_CHANNEL_GROUPS = 4096;
/** Elements per block: block sums are added to the totals (two-level summation keeps float64 rounding small). */
const SUMMATION_BLOCK = 4096;
/** Pending int32 counts are flushed at least this often (in elements), far below 2^31 per slot. */
const PENDING_FLUSH_ELEMENTS = 2 ** 30;
/** Channel runs shorter than this use the per-element channel kernel. */
const RUN_KERNEL_MIN_INNER = 64;

export interface LayerErrorAccumulatorOptions {
  /** Axis of `dims` that indexes channels (1 for NCHW, −1 for the last axis), or null for no per-channel view. */
  channelAxis: number | null;
  /** Bins of the reference/candidate value histograms (default 128; integers from 2 to 2^20). */
  histogramBins?: number;
  /** Bins of the |error| histogram behind p99AbsError (default 2048). More bins → tighter bound. */
  absErrorHistogramBins?: number;
}

export interface PerChannelError {
  /** The axis as given in the options (may be negative, counted from the end). */
  channelAxis: number;
  /** Channels along the axis, from `dims`. */
  channelCount: number;
  /** Entries in the arrays below: channelCount, or MAX_CHANNEL_GROUPS when bucketed. */
  groupCount: number;
  /**
   * True when channelCount > MAX_CHANNEL_GROUPS: entry g then pools channels
   * [ceil(g·channelCount/groupCount), ceil((g+1)·channelCount/groupCount)) — see `channelGroupRange`.
   */
  bucketed: boolean;
  /**
   * ‖ref−cand‖₂/‖ref‖₂ per channel (group), pooled over samples and over the other axes; +Infinity for a
   * channel whose reference is all zero but whose error is not; NaN when no pair of the channel was compared.
   */
  relL2Error: number[];
  /** Mean squared error per channel (group), in squared tensor units; NaN when nothing was compared. */
  mse: number[];
}

export interface ValueHistograms {
  /** Shared, ascending edges of the occupied bins (length = bins + 1); bin i is [binEdges[i], binEdges[i+1]). */
  binEdges: number[];
  /** Counts of reference values per bin (compared pairs only). */
  reference: number[];
  /** Counts of candidate values per bin (compared pairs only). */
  candidate: number[];
  /** Width of every bin (a power of two), in tensor units; NaN when nothing was compared. */
  binWidth: number;
  /** Most bins the histograms may have (the option); the occupied range is returned, so often fewer. */
  maxBins: number;
}

export interface LayerErrorMetrics extends ErrorMetrics {
  /** `update` calls. */
  sampleCount: number;
  /** Bins of the |error| histogram p99AbsError was estimated from. */
  p99AbsErrorBins: number;
  /** Bound of the estimate: 0 ≤ p99AbsError − exact nearest-rank p99 ≤ p99AbsErrorBinWidth (tensor units). */
  p99AbsErrorBinWidth: number;
  /** Null when the accumulator has no channel axis. */
  perChannel: PerChannelError | null;
  histograms: ValueHistograms;
}

/** Channels [start, end) pooled in group `group` when `channelCount` channels are bucketed into `groupCount`. */
export function channelGroupRange(group: number, channelCount: number, groupCount: number): [number, number] {
  return [Math.ceil((group * channelCount) / groupCount), Math.ceil(((group + 1) * channelCount) / groupCount)];
}

interface ChannelLayout {
  outer: number;
  channels: number;
  inner: number;
}

export class LayerErrorAccumulator {
  private readonly channelAxis: number | null;
  private readonly values: DyadicHistogram;
  private readonly absErrors: DyadicHistogram;
  /**
   * Counts not yet moved into the float64 histograms, laid out [reference | candidate | |error|] on the current
   * grids (see error-scan-kernel.ts). Flushed before any grid change, at the end of every update and before
   * any slot could pass 2^31.
   */
  private readonly pendingCounts: Int32Array;
  private pendingElements = 0;
  /** The histogram windows as the kernels read them. */
  private readonly grid = new Float64Array(GRID_SIZE).fill(NaN);
  /** Pooled sums (kernel layout). */
  private readonly totals = new Float64Array(SUMS_SIZE);
  /** Sums of the block being scanned. */
  private readonly block = new Float64Array(SUMS_SIZE);
  private elementCount = 0;
  private sampleCount = 0;
  private channelCount = -1;
  private groupCount = 0;
  private groupOfChannel: Int32Array = new Int32Array(0);
  private groupSquaredError: Float64Array = new Float64Array(0);
  private groupReferenceSquared: Float64Array = new Float64Array(0);
  private groupElementCount: Float64Array = new Float64Array(0);
  private groupSkipped: Float64Array = new Float64Array(0);

  constructor(options: LayerErrorAccumulatorOptions) {
    const { channelAxis } = options;
    if (channelAxis !== null && !Number.isInteger(channelAxis)) {
      throw new WorkbenchError('compare', 'INVALID_CHANNEL_AXIS', `channel axis must be an integer or null, got ${channelAxis}`);
    }
    this.channelAxis = channelAxis;
    this.values = new DyadicHistogram(options.histogramBins ?? DEFAULT_HISTOGRAM_BINS, 2);
    this.absErrors = new DyadicHistogram(options.absErrorHistogramBins ?? DEFAULT_ABS_ERROR_HISTOGRAM_BINS, 1, {
      anchoredAtZero: true,
    });
    this.pendingCounts = new Int32Array(2 * this.values.maxBins + this.absErrors.maxBins);
    this.grid[GRID_ERROR_BASE] = 2 * this.values.maxBins;
  }

  /**
   * Adds one sample: `reference` and `candidate` hold the same tensor (shape `dims`, row-major) from the FP32
   * and the reduced-precision run. Throws LENGTH_MISMATCH, SHAPE_MISMATCH, INVALID_CHANNEL_AXIS or
   * CHANNEL_COUNT_MISMATCH (channel count differs from earlier samples; batch size may differ).
   */
  update(reference: Float32Array, candidate: Float32Array, dims: readonly number[]): void {
    assertSameLength(reference, candidate, 'layer output');
    const n = reference.length;
    const layout = this.layoutOf(dims, n);
    const block = this.block;

    if (layout !== null && layout.inner < RUN_KERNEL_MIN_INNER) {
      // Short channel runs (channels-last, or small spatial extents): kernels that track the channel per element.
      for (let start = 0; start < n; start += SUMMATION_BLOCK) {
        const end = start + SUMMATION_BLOCK < n ? start + SUMMATION_BLOCK : n;
        this.beginBlock();
        let i = start;
        for (;;) {
          i =
            layout.inner === 1
              ? scanRangeChannelsLast(
                  reference, candidate, i, end, this.grid, this.pendingCounts, block,
                  layout.channels, this.groupOfChannel,
                  this.groupSquaredError, this.groupReferenceSquared, this.groupSkipped,
                )
              : scanRangeByChannel(
                  reference, candidate, i, end, this.grid, this.pendingCounts, block,
                  layout.inner, layout.channels, this.groupOfChannel,
                  this.groupSquaredError, this.groupReferenceSquared, this.groupSkipped,
                );
          if (i >= end) break;
          this.makeRoom(reference[i], candidate[i]);
        }
        this.endBlock(end - start);
      }
    } else {
      // Long channel runs, or no channel axis: blocks never straddle a channel, channel sums per block.
      const runLength = layout === null ? Math.max(1, n) : layout.inner;
      let channel = 0;
      for (let runStart = 0; runStart < n; runStart += runLength) {
        const runEnd = runStart + runLength < n ? runStart + runLength : n;
        for (let start = runStart; start < runEnd; start += SUMMATION_BLOCK) {
          const end = start + SUMMATION_BLOCK < runEnd ? start + SUMMATION_BLOCK : runEnd;
          this.beginBlock();
          let i = start;
          for (;;) {
            i = scanRange(reference, candidate, i, end, this.grid, this.pendingCounts, block);
            if (i >= end) break;
            this.makeRoom(reference[i], candidate[i]);
          }
          this.endBlock(end - start);
          if (layout !== null) {
            const group = this.groupOfChannel[channel];
            this.groupSquaredError[group] += block[SUM_DD];
            this.groupReferenceSquared[group] += block[SUM_RR];
            this.groupSkipped[group] += block[SKIPPED];
          }
        }
        if (layout !== null && ++channel === layout.channels) channel = 0;
      }
    }

    if (layout !== null) {
      const perChannel = layout.outer * layout.inner;
      for (let c = 0; c < layout.channels; c++) this.groupElementCount[this.groupOfChannel[c]] += perChannel;
    }
    this.flushPendingCounts();
    this.elementCount += n;
    this.sampleCount++;
  }

  /** Zeroes the block sums; the running maximum carries over. */
  private beginBlock(): void {
    const maxAbsError = this.totals[MAX_AD];
    this.block.fill(0);
    this.block[MAX_AD] = maxAbsError;
  }

  /** Adds the block's sums to the totals; keeps pending int32 counts far from overflow. */
  private endBlock(elements: number): void {
    addBlock(this.totals, this.block);
    this.pendingElements += elements;
    if (this.pendingElements >= PENDING_FLUSH_ELEMENTS) this.flushPendingCounts();
  }

  private flushPendingCounts(): void {
    const pending = this.pendingCounts;
    const valueBins = this.values.maxBins;
    const reference = this.values.counts[0];
    const candidate = this.values.counts[1];
    const absError = this.absErrors.counts[0];
    for (let slot = 0; slot < valueBins; slot++) {
      reference[slot] += pending[slot];
      candidate[slot] += pending[valueBins + slot];
    }
    for (let slot = 0; slot < this.absErrors.maxBins; slot++) absError[slot] += pending[2 * valueBins + slot];
    pending.fill(0);
    this.pendingElements = 0;
  }

  /** Grows the histogram grids so that the pair at hand (finite, outside a window) can be counted. */
  private makeRoom(r: number, c: number): void {
    this.flushPendingCounts();
    this.values.include(Math.min(r, c), Math.max(r, c));
    this.absErrors.include(Math.abs(r - c));
    this.syncGrid();
  }

  private syncGrid(): void {
    const grid = this.grid;
    const values = this.values;
    const absErrors = this.absErrors;
    grid[GRID_VALUE_SCALE] = values.inverseBinWidth;
    grid[GRID_VALUE_OFFSET] = values.offset;
    grid[GRID_VALUE_LOW] = values.slotLowerEdge(0);
    grid[GRID_VALUE_HIGH] = values.slotLowerEdge(values.maxBins);
    grid[GRID_CANDIDATE_OFFSET] = values.offset - values.maxBins;
    grid[GRID_ERROR_SCALE] = absErrors.inverseBinWidth;
    grid[GRID_ERROR_HIGH] = absErrors.slotLowerEdge(absErrors.maxBins);
  }

  /** Metrics pooled over every sample so far. Cheap (O(bins + channels)); may be called between updates. */
  result(): LayerErrorMetrics {
    const sums = this.pooledSums();
    const absErrors = this.absErrors;
    let p99 = NaN;
    if (sums.comparedCount > 0) {
      const upper = absErrors.upperEdgeAtRank(p99Rank(sums.comparedCount));
      p99 = upper < sums.maxAbsError ? upper : sums.maxAbsError;
    }
    const snapshot: HistogramSnapshot = this.values.snapshot();
    return {
      ...errorMetricsFromSums(sums, p99),
      sampleCount: this.sampleCount,
      p99AbsErrorBins: absErrors.maxBins,
      p99AbsErrorBinWidth: sums.comparedCount > 0 ? absErrors.binWidth : NaN,
      perChannel: this.perChannelResult(),
      histograms: {
        binEdges: snapshot.binEdges,
        reference: snapshot.counts[0],
        candidate: snapshot.counts[1],
        binWidth: snapshot.binWidth,
        maxBins: this.values.maxBins,
      },
    };
  }

  /** The pooled sufficient statistics (same definitions as metrics.ts accumulateErrorSums). */
  pooledSums(): ErrorSums {
    const t = this.totals;
    return {
      elementCount: this.elementCount,
      comparedCount: this.elementCount - t[SKIPPED],
      referenceNanCount: t[REFERENCE_NAN],
      referenceInfCount: t[REFERENCE_INF],
      candidateNanCount: t[CANDIDATE_NAN],
      candidateInfCount: t[CANDIDATE_INF],
      sumReferenceSquared: t[SUM_RR],
      sumCandidateSquared: t[SUM_CC],
      sumReferenceTimesCandidate: t[SUM_RC],
      sumSquaredError: t[SUM_DD],
      sumAbsError: t[SUM_AD],
      maxAbsError: t[MAX_AD],
    };
  }

  private perChannelResult(): PerChannelError | null {
    if (this.channelAxis === null) return null;
    const relL2Error: number[] = [];
    const mse: number[] = [];
    for (let g = 0; g < this.groupCount; g++) {
      const compared = this.groupElementCount[g] - this.groupSkipped[g];
      relL2Error.push(relL2ErrorFromEnergies(compared, this.groupSquaredError[g], this.groupReferenceSquared[g]));
      mse.push(mseFromEnergy(compared, this.groupSquaredError[g]));
    }
    return {
      channelAxis: this.channelAxis,
      channelCount: Math.max(0, this.channelCount),
      groupCount: this.groupCount,
      bucketed: this.channelCount > MAX_CHANNEL_GROUPS,
      relL2Error,
      mse,
    };
  }

  /** Validates dims against the element count and returns the channel layout (null without a channel axis). */
  private layoutOf(dims: readonly number[], elementCount: number): ChannelLayout | null {
    let product = 1;
    for (const dim of dims) {
      if (!Number.isInteger(dim) || dim < 0) {
        throw new WorkbenchError('compare', 'SHAPE_MISMATCH', `dims [${dims.join(', ')}] must be non-negative integers`);
      }
      product *= dim;
    }
    if (product !== elementCount) {
      throw new WorkbenchError(
        'compare',
        'SHAPE_MISMATCH',
        `dims [${dims.join(', ')}] describe ${product} elements but the tensors hold ${elementCount}`,
      );
    }
    if (this.channelAxis === null) return null;
    const axis = this.channelAxis < 0 ? this.channelAxis + dims.length : this.channelAxis;
    if (axis < 0 || axis >= dims.length) {
      throw new WorkbenchError(
        'compare',
        'INVALID_CHANNEL_AXIS',
        `channel axis ${this.channelAxis} does not exist in a tensor of rank ${dims.length} (dims [${dims.join(', ')}])`,
      );
    }
    let outer = 1;
    for (let a = 0; a < axis; a++) outer *= dims[a];
    let inner = 1;
    for (let a = axis + 1; a < dims.length; a++) inner *= dims[a];
    const channels = dims[axis];
    if (this.channelCount < 0) this.allocateChannels(channels);
    else if (channels !== this.channelCount) {
      throw new WorkbenchError(
        'compare',
        'CHANNEL_COUNT_MISMATCH',
        `this layer had ${this.channelCount} channels along axis ${this.channelAxis} in earlier samples but ` +
          `dims [${dims.join(', ')}] have ${channels}; use one accumulator per tensor`,
      );
    }
    // An empty tensor has no blocks; keep the loop from stepping by 0.
    return { outer, channels, inner: Math.max(1, inner) };
  }

  private allocateChannels(channels: number): void {
    this.channelCount = channels;
    this.groupCount = channels > MAX_CHANNEL_GROUPS ? MAX_CHANNEL_GROUPS : channels;
    this.groupOfChannel = new Int32Array(channels);
    for (let c = 0; c < channels; c++) this.groupOfChannel[c] = Math.floor((c * this.groupCount) / channels);
    this.groupSquaredError = new Float64Array(this.groupCount);
    this.groupReferenceSquared = new Float64Array(this.groupCount);
    this.groupElementCount = new Float64Array(this.groupCount);
    this.groupSkipped = new Float64Array(this.groupCount);
  }
}

/** Adds a block's sums into the totals; the maximum replaces. */
function addBlock(totals: Float64Array, block: Float64Array): void {
  for (let k = 0; k < SUMS_SIZE; k++) if (k !== MAX_AD) totals[k] += block[k];
  totals[MAX_AD] = block[MAX_AD];
}
