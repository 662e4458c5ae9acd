/**
 * The hot loops behind LayerErrorAccumulator.update (internal to app/compare).
 *
 * Why they look like this: they are plain module functions over typed arrays with no calls, closures or
 * allocation inside the element loop, so V8 optimizes them early (they are called once per block of at most
 * 4096 elements, not once per tensor). The main loop takes four pairs per iteration (V8 re-checks each typed
 * array's map and reloads its base once per iteration, so unrolling amortizes that) and all three histograms
 * count into ONE Int32Array (one array to check instead of three; integer increments), laid out as
 * [reference slots | candidate slots | |error| slots]; the caller flushes it into the float64 histograms.
 * When a pair is non-finite or falls outside a histogram window the fast loop hands over to a one-pair loop:
 * non-finite pairs are counted there; a finite pair outside a window stops the scan *before* it is counted,
 * and its index is returned — the caller grows the grid (a rare, O(bins) step) and calls again from that
 * index. Every compared element therefore costs one pass: five float64 sums, max |error|, three histogram
 * increments (plus two per-channel sums in the channel-tracking kernels).
 *
 * Three kernels: scanRange (no channel view, or channel runs ≥ 64 elements: the caller adds block sums to the
 * channel), scanRangeChannelsLast (channel = index mod channels, unrolled like scanRange) and
 * scanRangeByChannel (short runs, one pair at a time).
 *
 * Element rules are those of metrics.ts: a pair is compared only when both sides are finite (the window tests
 * reject NaN and ±Infinity; the one-pair loop then tests the float64 difference, which is finite exactly when
 * both sides are); non-compared pairs only bump the per-side NaN/Inf counters.
 */

/**
 * Slots of the `grid` array. Value histogram (reference and candidate share it): 2^−exponent scale, first grid
 * cell, exact window edges, and the first cell minus the candidate's start in the count array. |error|
 * histogram (window anchored at 0): scale, exact upper window edge, start in the count array.
 */
export const GRID_VALUE_SCALE = 0;
export const GRID_VALUE_OFFSET = 1;
export const GRID_VALUE_LOW = 2;
export const GRID_VALUE_HIGH = 3;
/** Value offset − value bins: subtracting it from a candidate's cell gives its slot in the count array. */
export const GRID_CANDIDATE_OFFSET = 4;
export const GRID_ERROR_SCALE = 5;
export const GRID_ERROR_HIGH = 6;
/** First slot of the |error| histogram in the count array (= 2 × value bins). */
export const GRID_ERROR_BASE = 7;
export const GRID_SIZE = 8;

/** Slots of the `sums` array the kernels add into. */
export const SUM_RR = 0;
export const SUM_CC = 1;
export const SUM_RC = 2;
export const SUM_DD = 3;
export const SUM_AD = 4;
export const MAX_AD = 5;
export const SKIPPED = 6;
export const REFERENCE_NAN = 7;
export const REFERENCE_INF = 8;
export const CANDIDATE_NAN = 9;
export const CANDIDATE_INF = 10;
export const SUMS_SIZE = 11;

/**
 * Scans reference/candidate[start, end), adding into `sums` and `counts`. Returns `end`, or the index of the
 * first finite pair that lies outside a histogram window (not yet counted anywhere).
 */
export function scanRange(
  reference: Float32Array,
  candidate: Float32Array,
  start: number,
  end: number,
  grid: Float64Array,
  counts: Int32Array,
  sums: Float64Array,
): number {
  const valueScale = grid[GRID_VALUE_SCALE];
  const valueOffset = grid[GRID_VALUE_OFFSET];
  const valueLow = grid[GRID_VALUE_LOW];
  const valueHigh = grid[GRID_VALUE_HIGH];
  const candidateOffset = grid[GRID_CANDIDATE_OFFSET];
  const errorScale = grid[GRID_ERROR_SCALE];
  const errorHigh = grid[GRID_ERROR_HIGH];
  const errorBase = grid[GRID_ERROR_BASE] | 0;
  let sumRR = 0;
  let sumCC = 0;
  let sumRC = 0;
  let sumDD = 0;
  let sumAD = 0;
  let maxAD = sums[MAX_AD];
  let skipped = 0;
  let referenceNan = 0;
  let referenceInf = 0;
  let candidateNan = 0;
  let candidateInf = 0;
  let i = start;
  scan: while (i < end) {
    // Fast path: four pairs per iteration while all are finite and inside their windows. The window tests
    // are exact (edges are exact multiples of the bin width) and also reject NaN and ±Infinity.
    for (; i + 3 < end; i += 4) {
      const r0 = reference[i];
      const r1 = reference[i + 1];
      const r2 = reference[i + 2];
      const r3 = reference[i + 3];
      const c0 = candidate[i];
      const c1 = candidate[i + 1];
      const c2 = candidate[i + 2];
      const c3 = candidate[i + 3];
      const d0 = r0 - c0;
      const d1 = r1 - c1;
      const d2 = r2 - c2;
      const d3 = r3 - c3;
      const a0 = Math.abs(d0);
      const a1 = Math.abs(d1);
      const a2 = Math.abs(d2);
      const a3 = Math.abs(d3);
      if (
        !(
          r0 >= valueLow && r0 < valueHigh && c0 >= valueLow && c0 < valueHigh && a0 < errorHigh &&
          r1 >= valueLow && r1 < valueHigh && c1 >= valueLow && c1 < valueHigh && a1 < errorHigh &&
          r2 >= valueLow && r2 < valueHigh && c2 >= valueLow && c2 < valueHigh && a2 < errorHigh &&
          r3 >= valueLow && r3 < valueHigh && c3 >= valueLow && c3 < valueHigh && a3 < errorHigh
        )
      ) {
        break;
      }
      sumRR += r0 * r0 + r1 * r1 + (r2 * r2 + r3 * r3);
      sumCC += c0 * c0 + c1 * c1 + (c2 * c2 + c3 * c3);
      sumRC += r0 * c0 + r1 * c1 + (r2 * c2 + r3 * c3);
      sumDD += d0 * d0 + d1 * d1 + (d2 * d2 + d3 * d3);
      sumAD += a0 + a1 + (a2 + a3);
      if (a0 > maxAD) maxAD = a0;
      if (a1 > maxAD) maxAD = a1;
      if (a2 > maxAD) maxAD = a2;
      if (a3 > maxAD) maxAD = a3;
      // floor(v·2^−exponent) is exact; minus the window's first cell gives the slot. |error| ≥ 0 and its window
      // starts at cell 0, so truncation is the floor.
      counts[(Math.floor(r0 * valueScale) - valueOffset) | 0] += 1;
      counts[(Math.floor(r1 * valueScale) - valueOffset) | 0] += 1;
      counts[(Math.floor(r2 * valueScale) - valueOffset) | 0] += 1;
      counts[(Math.floor(r3 * valueScale) - valueOffset) | 0] += 1;
      counts[(Math.floor(c0 * valueScale) - candidateOffset) | 0] += 1;
      counts[(Math.floor(c1 * valueScale) - candidateOffset) | 0] += 1;
      counts[(Math.floor(c2 * valueScale) - candidateOffset) | 0] += 1;
      counts[(Math.floor(c3 * valueScale) - candidateOffset) | 0] += 1;
      counts[((a0 * errorScale) | 0) + errorBase] += 1;
      counts[((a1 * errorScale) | 0) + errorBase] += 1;
      counts[((a2 * errorScale) | 0) + errorBase] += 1;
      counts[((a3 * errorScale) | 0) + errorBase] += 1;
    }
    // One pair at a time through the group that failed (or the last < 4 pairs), then back to the fast path.
    const stop = i + 4 < end ? i + 4 : end;
    for (; i < stop; i++) {
      const r = reference[i];
      const c = candidate[i];
      const d = r - c;
      const a = Math.abs(d);
      if (r >= valueLow && r < valueHigh && c >= valueLow && c < valueHigh && a < errorHigh) {
        sumRR += r * r;
        sumCC += c * c;
        sumRC += r * c;
        sumDD += d * d;
        sumAD += a;
        if (a > maxAD) maxAD = a;
        counts[(Math.floor(r * valueScale) - valueOffset) | 0] += 1;
        counts[(Math.floor(c * valueScale) - candidateOffset) | 0] += 1;
        counts[((a * errorScale) | 0) + errorBase] += 1;
        continue;
      }
      // d is finite exactly when both sides are (the difference of two float32 never overflows float64).
      if (d - d !== 0) {
        skipped++;
        if (r !== r) referenceNan++;
        else if (r - r !== 0) referenceInf++;
        if (c !== c) candidateNan++;
        else if (c - c !== 0) candidateInf++;
        continue;
      }
      break scan;
    }
  }
  sums[SUM_RR] += sumRR;
  sums[SUM_CC] += sumCC;
  sums[SUM_RC] += sumRC;
  sums[SUM_DD] += sumDD;
  sums[SUM_AD] += sumAD;
  sums[MAX_AD] = maxAD;
  sums[SKIPPED] += skipped;
  sums[REFERENCE_NAN] += referenceNan;
  sums[REFERENCE_INF] += referenceInf;
  sums[CANDIDATE_NAN] += candidateNan;
  sums[CANDIDATE_INF] += candidateInf;
  return i;
}

/**
 * Like scanRange, one pair at a time, and also adds each compared pair's (ref−cand)² and ref² to its channel
 * group — for layouts whose channel runs are short (e.g. channels-last): element i belongs to channel
 * floor(i / inner) mod channels. Skipped (non-finite) pairs add 1 to `groupSkipped`.
 */
export function scanRangeByChannel(
  reference: Float32Array,
  candidate: Float32Array,
  start: number,
  end: number,
  grid: Float64Array,
  counts: Int32Array,
  sums: Float64Array,
  inner: number,
  channels: number,
  groupOfChannel: Int32Array,
  groupSquaredError: Float64Array,
  groupReferenceSquared: Float64Array,
  groupSkipped: Float64Array,
): number {
  const valueScale = grid[GRID_VALUE_SCALE];
  const valueOffset = grid[GRID_VALUE_OFFSET];
  const valueLow = grid[GRID_VALUE_LOW];
  const valueHigh = grid[GRID_VALUE_HIGH];
  const candidateOffset = grid[GRID_CANDIDATE_OFFSET];
  const errorScale = grid[GRID_ERROR_SCALE];
  const errorHigh = grid[GRID_ERROR_HIGH];
  const errorBase = grid[GRID_ERROR_BASE] | 0;
  let sumRR = 0;
  let sumCC = 0;
  let sumRC = 0;
  let sumDD = 0;
  let sumAD = 0;
  let maxAD = sums[MAX_AD];
  let skipped = 0;
  let referenceNan = 0;
  let referenceInf = 0;
  let candidateNan = 0;
  let candidateInf = 0;
  const run = Math.floor(start / inner);
  let channel = run % channels;
  let position = start - run * inner;
  let i = start;
  for (; i < end; i++) {
    const r = reference[i];
    const c = candidate[i];
    const d = r - c;
    const a = Math.abs(d);
    const group = groupOfChannel[channel];
    if (r >= valueLow && r < valueHigh && c >= valueLow && c < valueHigh && a < errorHigh) {
      const rr = r * r;
      const dd = d * d;
      sumRR += rr;
      sumCC += c * c;
      sumRC += r * c;
      sumDD += dd;
      sumAD += a;
      if (a > maxAD) maxAD = a;
      groupSquaredError[group] += dd;
      groupReferenceSquared[group] += rr;
      counts[(Math.floor(r * valueScale) - valueOffset) | 0] += 1;
      counts[(Math.floor(c * valueScale) - candidateOffset) | 0] += 1;
      counts[((a * errorScale) | 0) + errorBase] += 1;
    } else if (d - d !== 0) {
      skipped++;
      groupSkipped[group] += 1;
      if (r !== r) referenceNan++;
      else if (r - r !== 0) referenceInf++;
      if (c !== c) candidateNan++;
      else if (c - c !== 0) candidateInf++;
    } else {
      break;
    }
    position++;
    if (position === inner) {
      position = 0;
      channel++;
      if (channel === channels) channel = 0;
    }
  }
  sums[SUM_RR] += sumRR;
  sums[SUM_CC] += sumCC;
  sums[SUM_RC] += sumRC;
  sums[SUM_DD] += sumDD;
  sums[SUM_AD] += sumAD;
  sums[MAX_AD] = maxAD;
  sums[SKIPPED] += skipped;
  sums[REFERENCE_NAN] += referenceNan;
  sums[REFERENCE_INF] += referenceInf;
  sums[CANDIDATE_NAN] += candidateNan;
  sums[CANDIDATE_INF] += candidateInf;
  return i;
}

/**
 * scanRangeByChannel for channels-last layouts (inner = 1: element i belongs to channel i mod channels),
 * four pairs per iteration like scanRange while the four stay in one row.
 */
export function scanRangeChannelsLast(
  reference: Float32Array,
  candidate: Float32Array,
  start: number,
  end: number,
  grid: Float64Array,
  counts: Int32Array,
  sums: Float64Array,
  channels: number,
  groupOfChannel: Int32Array,
  groupSquaredError: Float64Array,
  groupReferenceSquared: Float64Array,
  groupSkipped: Float64Array,
): number {
  const valueScale = grid[GRID_VALUE_SCALE];
  const valueOffset = grid[GRID_VALUE_OFFSET];
  const valueLow = grid[GRID_VALUE_LOW];
  const valueHigh = grid[GRID_VALUE_HIGH];
  const candidateOffset = grid[GRID_CANDIDATE_OFFSET];
  const errorScale = grid[GRID_ERROR_SCALE];
  const errorHigh = grid[GRID_ERROR_HIGH];
  const errorBase = grid[GRID_ERROR_BASE] | 0;
  let sumRR = 0;
  let sumCC = 0;
  let sumRC = 0;
  let sumDD = 0;
  let sumAD = 0;
  let maxAD = sums[MAX_AD];
  let skipped = 0;
  let referenceNan = 0;
  let referenceInf = 0;
  let candidateNan = 0;
  let candidateInf = 0;
  let channel = start % channels;
  let i = start;
  scan: while (i < end) {
    for (; i + 3 < end && channel + 3 < channels; i += 4, channel += 4) {
      const r0 = reference[i];
      const r1 = reference[i + 1];
      const r2 = reference[i + 2];
      const r3 = reference[i + 3];
      const c0 = candidate[i];
      const c1 = candidate[i + 1];
      const c2 = candidate[i + 2];
      const c3 = candidate[i + 3];
      const d0 = r0 - c0;
      const d1 = r1 - c1;
      const d2 = r2 - c2;
      const d3 = r3 - c3;
      const a0 = Math.abs(d0);
      const a1 = Math.abs(d1);
      const a2 = Math.abs(d2);
      const a3 = Math.abs(d3);
      if (
        !(
          r0 >= valueLow && r0 < valueHigh && c0 >= valueLow && c0 < valueHigh && a0 < errorHigh &&
          r1 >= valueLow && r1 < valueHigh && c1 >= valueLow && c1 < valueHigh && a1 < errorHigh &&
          r2 >= valueLow && r2 < valueHigh && c2 >= valueLow && c2 < valueHigh && a2 < errorHigh &&
          r3 >= valueLow && r3 < valueHigh && c3 >= valueLow && c3 < valueHigh && a3 < errorHigh
        )
      ) {
        break;
      }
      const rr0 = r0 * r0;
      const rr1 = r1 * r1;
      const rr2 = r2 * r2;
      const rr3 = r3 * r3;
      const dd0 = d0 * d0;
      const dd1 = d1 * d1;
      const dd2 = d2 * d2;
      const dd3 = d3 * d3;
      sumRR += rr0 + rr1 + (rr2 + rr3);
      sumCC += c0 * c0 + c1 * c1 + (c2 * c2 + c3 * c3);
      sumRC += r0 * c0 + r1 * c1 + (r2 * c2 + r3 * c3);
      sumDD += dd0 + dd1 + (dd2 + dd3);
      sumAD += a0 + a1 + (a2 + a3);
      if (a0 > maxAD) maxAD = a0;
      if (a1 > maxAD) maxAD = a1;
      if (a2 > maxAD) maxAD = a2;
      if (a3 > maxAD) maxAD = a3;
      const g0 = groupOfChannel[channel];
      const g1 = groupOfChannel[channel + 1];
      const g2 = groupOfChannel[channel + 2];
      const g3 = groupOfChannel[channel + 3];
      groupSquaredError[g0] += dd0;
      groupSquaredError[g1] += dd1;
      groupSquaredError[g2] += dd2;
      groupSquaredError[g3] += dd3;
      groupReferenceSquared[g0] += rr0;
      groupReferenceSquared[g1] += rr1;
      groupReferenceSquared[g2] += rr2;
      groupReferenceSquared[g3] += rr3;
      counts[(Math.floor(r0 * valueScale) - valueOffset) | 0] += 1;
      counts[(Math.floor(r1 * valueScale) - valueOffset) | 0] += 1;
      counts[(Math.floor(r2 * valueScale) - valueOffset) | 0] += 1;
      counts[(Math.floor(r3 * valueScale) - valueOffset) | 0] += 1;
      counts[(Math.floor(c0 * valueScale) - candidateOffset) | 0] += 1;
      counts[(Math.floor(c1 * valueScale) - candidateOffset) | 0] += 1;
      counts[(Math.floor(c2 * valueScale) - candidateOffset) | 0] += 1;
      counts[(Math.floor(c3 * valueScale) - candidateOffset) | 0] += 1;
      counts[((a0 * errorScale) | 0) + errorBase] += 1;
      counts[((a1 * errorScale) | 0) + errorBase] += 1;
      counts[((a2 * errorScale) | 0) + errorBase] += 1;
      counts[((a3 * errorScale) | 0) + errorBase] += 1;
    }
    // The fast loop leaves `channel` at most `channels` (a row ended exactly): wrap it.
    if (channel === channels) channel = 0;
    // One pair at a time through the group that failed, a row end, or the last < 4 pairs.
    const stop = i + 4 < end ? i + 4 : end;
    for (; i < stop; i++) {
      const r = reference[i];
      const c = candidate[i];
      const d = r - c;
      const a = Math.abs(d);
      const group = groupOfChannel[channel];
      if (r >= valueLow && r < valueHigh && c >= valueLow && c < valueHigh && a < errorHigh) {
        const rr = r * r;
        const dd = d * d;
        sumRR += rr;
        sumCC += c * c;
        sumRC += r * c;
        sumDD += dd;
        sumAD += a;
        if (a > maxAD) maxAD = a;
        groupSquaredError[group] += dd;
        groupReferenceSquared[group] += rr;
        counts[(Math.floor(r * valueScale) - valueOffset) | 0] += 1;
        counts[(Math.floor(c * valueScale) - candidateOffset) | 0] += 1;
        counts[((a * errorScale) | 0) + errorBase] += 1;
      } else if (d - d !== 0) {
        skipped++;
        groupSkipped[group] += 1;
        if (r !== r) referenceNan++;
        else if (r - r !== 0) referenceInf++;
        if (c !== c) candidateNan++;
        else if (c - c !== 0) candidateInf++;
      } else {
        break scan;
      }
      channel++;
      if (channel === channels) channel = 0;
    }
  }
  sums[SUM_RR] += sumRR;
  sums[SUM_CC] += sumCC;
  sums[SUM_RC] += sumRC;
  sums[SUM_DD] += sumDD;
  sums[SUM_AD] += sumAD;
  sums[MAX_AD] = maxAD;
  sums[SKIPPED] += skipped;
  sums[REFERENCE_NAN] += referenceNan;
  sums[REFERENCE_INF] += referenceInf;
  sums[CANDIDATE_NAN] += candidateNan;
  sums[CANDIDATE_INF] += candidateInf;
  return i;
}
