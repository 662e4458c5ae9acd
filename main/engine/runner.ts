/**
 * What every inference runner offers the analysis passes: run a model on feeds and return float32 copies of the
 * fetched tensors. OrtRunner (ort-runner.ts) satisfies it structurally; TrtRunner (trt-runner.ts) implements it.
 */
import type { TensorData } from '../data/types';

export interface RunnerOutput {
  dims: number[];
  data: Float32Array;
}

export interface ModelRunner {
  /** Shown in error messages (usually the model file or variant name). */
  readonly label: string;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  /** Runs once. Fetched names that the runner cannot produce are absent from the map (not an error). */
  run(feeds: Record<string, TensorData>, fetch: readonly string[]): Promise<Map<string, RunnerOutput>>;
  release(): Promise<void>;
}
