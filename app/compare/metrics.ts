/**
 * The one definition of every element-wise error metric the workbench reports.
 *
 * Convention: `reference` is the FP32 tensor, `candidate` the reduced-precision one (INT8/FP16 emulated or
 * built), both as Float32Array of equal length in the same element order. Error is `reference − candidate`.
 *
 * How the numbers are made (callers and report readers rely on this):
 * - Every sum is accumulated in float64 (a Float32 element widens exactly to float64; products and squares of
 *   float32 values are exact in float64, so only the additions round).
 * - Non-finite elements: an element pair is *compared* only when both sides are finite. A pair where either
 *   side is NaN or ±Infinity is counted (`referenceNanCount`, `referenceInfCount`, `candidateNanCount`,
 *   `candidateInfCount`, per side) and excluded from every other metric. So a candidate that overflows to Inf
 *   in FP16 shows up in `candidateInfCount`, not as an infinite mse that would hide everything else.
 * - All metrics are NaN when no pair was compared (empty input, or every pair non-finite).
 * - Zero vectors (over the compared pairs):
 *     cosineSimilarity: both all-zero → 1 (identical); exactly one all-zero → 0 (no shared direction, reads as
 *       "bad", never as "missing"); otherwise clamped to [−1, 1] against rounding.
 *     sqnrDb = 10·log10(Σref² / Σ(ref−cand)²): error exactly 0 → +Infinity (this includes both all-zero);
 *       reference all-zero with non-zero error → −Infinity.
 *     relL2Error = ‖ref−cand‖₂ / ‖ref‖₂: error exactly 0 → 0; reference all-zero with non-zero error → +Infinity.
 * - p99AbsError here is exact: the nearest-rank 99th percentile of |ref−cand| over the compared pairs, i.e.
 *   the k-th smallest value with k = ceil(0.99·n). (The streaming LayerErrorAccumulator estimates it from a
 *   histogram and states its bound.)
 * - JSON has no Infinity/NaN: see `metric-json.ts` for the lossless encoding used in reports.
 */
import { WorkbenchError } from '../errors';

/** Sufficient statistics from which every metric except the percentile is computed. Plain data; mergeable. */
export interface ErrorSums {
  /** All element pairs seen, finite or not. */
  elementCount: number;
  /** Pairs where both sides are finite; every metric is computed over these only. */
  comparedCount: number;
  referenceNanCount: number;
  referenceInfCount: number;
  candidateNanCount: number;
  candidateInfCount: number;
  /** Σ ref² over compared pairs. */
  sumReferenceSquared: number;
  /** Σ cand² over compared pairs. */
  sumCandidateSquared: number;
  /** Σ ref·cand over compared pairs. */
  sumReferenceTimesCandidate: number;
  /** Σ (ref − cand)² over compared pairs. */
  sumSquaredError: number;
  /** Σ |ref − cand| over compared pairs. */
  sumAbsError: number;
  /** max |ref − cand| over compared pairs; 0 while none was compared. */
  maxAbsError: number;
}

/** Every scalar metric of one comparison (one tensor, or a layer pooled over samples). */
export interface ErrorMetrics {
  elementCount: number;
  comparedCount: number;
  referenceNanCount: number;
  referenceInfCount: number;
  candidateNanCount: number;
  candidateInfCount: number;
  /** Σ ref·cand / (‖ref‖₂·‖cand‖₂), unitless in [−1, 1]. */
  cosineSimilarity: number;
  /** Signal-to-quantization-noise ratio in decibels: 10·log10(Σref² / Σ(ref−cand)²). */
  sqnrDb: number;
  /** Mean squared error, in squared tensor units. */
  mse: number;
  /** Largest |ref − cand|, in tensor units. */
  maxAbsError: number;
  /** Mean |ref − cand|, in tensor units. */
  meanAbsError: number;
  /** 99th percentile (nearest rank) of |ref − cand|, in tensor units. */
  p99AbsError: number;
  /** ‖ref − cand‖₂ / ‖ref‖₂, unitless. */
  relL2Error: number;
}

export function emptyErrorSums(): ErrorSums {
  return {
    elementCount: 0,
    comparedCount: 0,
    referenceNanCount: 0,
    referenceInfCount: 0,
    candidateNanCount: 0,
    candidateInfCount: 0,
    sumReferenceSquared: 0,
    sumCandidateSquared: 0,
    sumReferenceTimesCandidate: 0,
    sumSquaredError: 0,
    sumAbsError: 0,
    maxAbsError: 0,
  };
}

/** Adds `from` into `into` (pooling two disjoint sets of element pairs). Returns `into`. */
export function mergeErrorSums(into: ErrorSums, from: ErrorSums): ErrorSums {
  into.elementCount += from.elementCount;
  into.comparedCount += from.comparedCount;
  into.referenceNanCount += from.referenceNanCount;
  into.referenceInfCount += from.referenceInfCount;
  into.candidateNanCount += from.candidateNanCount;
  into.candidateInfCount += from.candidateInfCount;
  into.sumReferenceSquared += from.sumReferenceSquared;
  into.sumCandidateSquared += from.sumCandidateSquared;
  into.sumReferenceTimesCandidate += from.sumReferenceTimesCandidate;
  into.sumSquaredError += from.sumSquaredError;
  into.sumAbsError += from.sumAbsError;
  if (from.maxAbsError > into.maxAbsError) into.maxAbsError = from.maxAbsError;
  return into;
}

/** Throws unless both tensors hold the same number of elements. `what` names the tensor for the message. */
export function assertSameLength(reference: Float32Array, candidate: Float32Array, what = 'tensor'): void {
  if (reference.length !== candidate.length) {
    throw new WorkbenchError(
      'compare',
      'LENGTH_MISMATCH',
      `${what}: reference has ${reference.length} elements but candidate has ${candidate.length}; ` +
        'compare tensors of the same shape and element order',
    );
  }
}

/** One float64 pass over the pair, adding into `into` (a fresh ErrorSums when omitted). */
export function accumulateErrorSums(
  reference: Float32Array,
  candidate: Float32Array,
  into: ErrorSums = emptyErrorSums(),
): ErrorSums {
  assertSameLength(reference, candidate);
  const n = reference.length;
  let sumRR = 0;
  let sumCC = 0;
  let sumRC = 0;
  let sumDD = 0;
  let sumAD = 0;
  let maxAD = into.maxAbsError;
  let skipped = 0;
  for (let i = 0; i < n; i++) {
    const r = reference[i];
    const c = candidate[i];
    const d = r - c;
    // d is finite exactly when both r and c are finite (the difference of two float32 never overflows float64).
    if (d - d !== 0) {
      skipped++;
      if (r !== r) into.referenceNanCount++;
      else if (r - r !== 0) into.referenceInfCount++;
      if (c !== c) into.candidateNanCount++;
      else if (c - c !== 0) into.candidateInfCount++;
      continue;
    }
    const ad = d < 0 ? -d : d;
    sumRR += r * r;
    sumCC += c * c;
    sumRC += r * c;
    sumDD += d * d;
    sumAD += ad;
    if (ad > maxAD) maxAD = ad;
  }
  into.elementCount += n;
  into.comparedCount += n - skipped;
  into.sumReferenceSquared += sumRR;
  into.sumCandidateSquared += sumCC;
  into.sumReferenceTimesCandidate += sumRC;
  into.sumSquaredError += sumDD;
  into.sumAbsError += sumAD;
  into.maxAbsError = maxAD;
  return into;
}

// ---- The definitions. Each metric is written exactly once, here, over ErrorSums. ----

export function cosineSimilarityFromSums(s: ErrorSums): number {
  if (s.comparedCount === 0) return NaN;
  const rr = s.sumReferenceSquared;
  const cc = s.sumCandidateSquared;
  if (rr === 0 && cc === 0) return 1;
  if (rr === 0 || cc === 0) return 0;
  // √(rr·cc) rather than √rr·√cc: identical vectors give exactly 1 (√(x²) = x in IEEE arithmetic). For float32
  // data rr·cc stays within 2^−596 … 2^620, far from float64 underflow and overflow.
  const cosine = s.sumReferenceTimesCandidate / Math.sqrt(rr * cc);
  return cosine > 1 ? 1 : cosine < -1 ? -1 : cosine;
}

export function sqnrDbFromSums(s: ErrorSums): number {
  if (s.comparedCount === 0) return NaN;
  if (s.sumSquaredError === 0) return Infinity;
  if (s.sumReferenceSquared === 0) return -Infinity;
  return 10 * Math.log10(s.sumReferenceSquared / s.sumSquaredError);
}

export function mseFromSums(s: ErrorSums): number {
  return s.comparedCount === 0 ? NaN : s.sumSquaredError / s.comparedCount;
}

export function maxAbsErrorFromSums(s: ErrorSums): number {
  return s.comparedCount === 0 ? NaN : s.maxAbsError;
}

export function meanAbsErrorFromSums(s: ErrorSums): number {
  return s.comparedCount === 0 ? NaN : s.sumAbsError / s.comparedCount;
}

export function relL2ErrorFromSums(s: ErrorSums): number {
  return relL2ErrorFromEnergies(s.comparedCount, s.sumSquaredError, s.sumReferenceSquared);
}

/** relL2Error from its two energies; shared with the per-channel view so the edge cases stay identical. */
export function relL2ErrorFromEnergies(comparedCount: number, sumSquaredError: number, sumReferenceSquared: number): number {
  if (comparedCount === 0) return NaN;
  if (sumSquaredError === 0) return 0;
  if (sumReferenceSquared === 0) return Infinity;
  return Math.sqrt(sumSquaredError) / Math.sqrt(sumReferenceSquared);
}

/** mse from its energy; shared with the per-channel view. */
export function mseFromEnergy(comparedCount: number, sumSquaredError: number): number {
  return comparedCount === 0 ? NaN : sumSquaredError / comparedCount;
}

/** 1-based rank of the nearest-rank 99th percentile among n values: ceil(0.99·n), at least 1. */
export function p99Rank(n: number): number {
  // (99·n)/100 is exact or at least 0.01 away from an integer for n < 2^45, so ceil is exact.
  return Math.max(1, Math.ceil((99 * n) / 100));
}

/** Combines sums and an already-computed p99AbsError into the metric record. */
export function errorMetricsFromSums(s: ErrorSums, p99AbsError: number): ErrorMetrics {
  return {
    elementCount: s.elementCount,
    comparedCount: s.comparedCount,
    referenceNanCount: s.referenceNanCount,
    referenceInfCount: s.referenceInfCount,
    candidateNanCount: s.candidateNanCount,
    candidateInfCount: s.candidateInfCount,
    cosineSimilarity: cosineSimilarityFromSums(s),
    sqnrDb: sqnrDbFromSums(s),
    mse: mseFromSums(s),
    maxAbsError: maxAbsErrorFromSums(s),
    meanAbsError: meanAbsErrorFromSums(s),
    p99AbsError: s.comparedCount === 0 ? NaN : p99AbsError,
    relL2Error: relL2ErrorFromSums(s),
  };
}

// ---- One-shot convenience over a whole pair (small tensors, tests, previews). ----

export function cosineSimilarity(reference: Float32Array, candidate: Float32Array): number {
  return cosineSimilarityFromSums(accumulateErrorSums(reference, candidate));
}

export function sqnrDb(reference: Float32Array, candidate: Float32Array): number {
  return sqnrDbFromSums(accumulateErrorSums(reference, candidate));
}

export function mse(reference: Float32Array, candidate: Float32Array): number {
  return mseFromSums(accumulateErrorSums(reference, candidate));
}

export function maxAbsError(reference: Float32Array, candidate: Float32Array): number {
  return maxAbsErrorFromSums(accumulateErrorSums(reference, candidate));
}

export function meanAbsError(reference: Float32Array, candidate: Float32Array): number {
  return meanAbsErrorFromSums(accumulateErrorSums(reference, candidate));
}

export function relL2Error(reference: Float32Array, candidate: Float32Array): number {
  return relL2ErrorFromSums(accumulateErrorSums(reference, candidate));
}

/**
 * Exact nearest-rank 99th percentile of |ref − cand| over compared pairs; NaN when none.
 * Cost: allocates 8 bytes per compared element and sorts (O(n log n)) — for large streams use
 * LayerErrorAccumulator, which estimates it within a stated bound without storing elements.
 */
export function p99AbsError(reference: Float32Array, candidate: Float32Array): number {
  assertSameLength(reference, candidate);
  const n = reference.length;
  const absErrors = new Float64Array(n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const d = reference[i] - candidate[i];
    if (d - d === 0) absErrors[count++] = d < 0 ? -d : d;
  }
  if (count === 0) return NaN;
  const compared = absErrors.subarray(0, count).sort();
  return compared[p99Rank(count) - 1];
}

/** NaN elements of one tensor. */
export function nanCount(values: Float32Array): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) if (values[i] !== values[i]) count++;
  return count;
}

/** ±Infinity elements of one tensor. */
export function infCount(values: Float32Array): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v === Infinity || v === -Infinity) count++;
  }
  return count;
}

/** All metrics of one pair: one pass for the sums, one for the exact percentile (allocates like p99AbsError). */
export function compareTensors(reference: Float32Array, candidate: Float32Array): ErrorMetrics {
  const sums = accumulateErrorSums(reference, candidate);
  return errorMetricsFromSums(sums, p99AbsError(reference, candidate));
}
