import type { AbsHistogram } from './activation-statistics';
import { calibrationError } from './calibration-errors';

/**
 * Re-express a native |x| histogram (power-of-two grid, see activation-statistics.ts) as exactly `numBins` equal
 * bins over [0, absMax] — the histogram TensorRT's entropy calibration is described on (Migacz 2017: 2048 bins over
 * [0, max|x|]).
 *
 * Each native bin's count is spread over the target bins it overlaps in proportion to the overlap, i.e. the data
 * are assumed uniform inside a native bin (linear interpolation of the empirical CDF). The last non-empty native
 * bin is taken to end at absMax (nothing lies above it); a native bin of zero length (absMax exactly on a native
 * edge, e.g. a saturated sigmoid at 1.0) is a point mass and goes to the last target bin. Totals are preserved.
 * When the grids coincide (absMax = numBins · nativeWidth) the result equals the native counts exactly.
 * Counts may become fractional. Cost O(native bins + numBins).
 */
export function resampleAbsHistogram(hist: AbsHistogram, numBins: number): Float64Array {
  if (!Number.isInteger(numBins) || numBins < 1) {
    throw calibrationError('INVALID_OPTION', `numBins must be a positive integer, got ${numBins}`);
  }
  const out = new Float64Array(numBins);
  const { counts, binWidth, absMax } = hist;
  if (counts.length === 0) return out;
  if (binWidth === 0 || absMax === 0) {
    // Only zeros were seen: everything sits at 0.
    for (let j = 0; j < counts.length; j++) out[0] += counts[j];
    return out;
  }
  const targetWidth = absMax / numBins;
  const last = counts.length - 1;
  for (let j = 0; j <= last; j++) {
    const c = counts[j];
    if (c === 0) continue;
    const lo = j * binWidth;
    const hi = j === last ? absMax : (j + 1) * binWidth;
    const k0 = Math.min(numBins - 1, Math.floor(lo / targetWidth));
    if (!(hi > lo)) {
      out[k0] += c; // point mass at lo (== absMax)
      continue;
    }
    const k1 = Math.min(numBins - 1, Math.floor(hi / targetWidth));
    if (k0 === k1) {
      out[k0] += c;
      continue;
    }
    // Spread over k0..k1 (at most a few bins). Slivers below 1e-9 of the count (edges that coincide up to
    // rounding) are dropped so rounding noise never makes an empty bin non-empty; whatever the rounding leaves over
    // goes to the largest piece so the total is exact.
    const sliver = c * 1e-9;
    let given = 0;
    let largest = k1;
    let largestPart = 0;
    for (let k = k0; k <= k1; k++) {
      const overlap = Math.min(hi, (k + 1) * targetWidth) - Math.max(lo, k * targetWidth);
      const part = (c * overlap) / (hi - lo);
      if (part > sliver) {
        out[k] += part;
        given += part;
        if (part > largestPart) {
          largestPart = part;
          largest = k;
        }
      }
    }
    out[largest] += c - given;
  }
  return out;
}
