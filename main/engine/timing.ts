/** Where analysis time goes, in ms (reported so users and the benchmark can see the split). */
import type { Sample } from '../data/types';

export type TimeBreakdown = {
  dataLoading: number;
  fp32Inference: number;
  reducedInference: number;
  calibrationStatistics: number;
  comparisonMetrics: number;
  referenceStore: number;
  sessionCreation: number;
};

export function emptyBreakdown(): TimeBreakdown {
  return { dataLoading: 0, fp32Inference: 0, reducedInference: 0, calibrationStatistics: 0, comparisonMetrics: 0, referenceStore: 0, sessionCreation: 0 };
}

export async function timed<T>(breakdown: TimeBreakdown, key: keyof TimeBreakdown, work: () => Promise<T> | T): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    breakdown[key] += performance.now() - start;
  }
}

/** Iterates a sample source, charging the time spent producing each sample to `breakdown.dataLoading`. */
export async function* timedSamples(source: { samples(): AsyncIterable<Sample> }, breakdown: TimeBreakdown): AsyncGenerator<Sample> {
  const iterator = source.samples()[Symbol.asyncIterator]();
  for (;;) {
    const start = performance.now();
    const next = await iterator.next();
    breakdown.dataLoading += performance.now() - start;
    if (next.done) return;
    yield next.value;
  }
}
