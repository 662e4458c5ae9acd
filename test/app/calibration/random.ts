/** Deterministic pseudo-random data for the calibration tests (mulberry32; the same seed gives the same data). */
export function makeRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples (Box–Muller). */
export function gaussian(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

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
