/** Deterministic pseudo-random data for the calibration tests: the same generators as the compare tests. */
import { gaussian, seededRandom as makeRandom } from '../compare/helpers';

export { gaussian, makeRandom };

/**
 * A realistic activation: mostly Gaussian (σ = 1), a ReLU-like share of exact zeros, and rare large outliers —
 * the case where max calibration wastes range and clipping calibrators earn their keep.
 */
export function activationLike(n: number, seed: number, options: { zeros?: number; outliers?: number; outlierScale?: number } = {}): Float32Array {
  const random = makeRandom(seed);
  const zeros = options.zeros ?? 0.2;
  const outliers = options.outliers ?? 0.001;
  const outlierScale = options.outlierScale ?? 20;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = random();
    if (r < zeros) out[i] = 0;
    else if (r < zeros + outliers) out[i] = (random() - 0.5) * 2 * outlierScale;
    else out[i] = gaussian(random);
  }
  return out;
}
