/**
 * Memory guard: before any sample is read or any tensor captured, estimate what one sample's captured tensors
 * cost (static shape inference, app/model/shape-inference.ts) and refuse — with the numbers and the largest
 * tensors — when the analysis would exceed the memory budget. Several copies of a sample's captures are alive at
 * once: ONNX Runtime's outputs, the FP32 references read back for comparison, and one sample queued for the
 * metrics workers.
 */
import os from 'node:os';
import { WorkbenchError } from '../../app/errors';
import type { Graph } from '../../app/model/graph';
import { estimateActivationBytes, inferShapes, largestActivations } from '../../app/model/shape-inference';

/** Copies of one sample's captured tensors alive at the same time (see the module comment). */
export const LIVE_COPIES = 4;

/** Default budget: PWB_MEMORY_BUDGET_MB, else 60 % of physical memory. */
export function defaultMemoryBudgetBytes(env: Record<string, string | undefined> = process.env): number {
  const fromEnv = Number(env.PWB_MEMORY_BUDGET_MB);
  if (Number.isFinite(fromEnv) && fromEnv > 0) return fromEnv * 1024 * 1024;
  return Math.floor(os.totalmem() * 0.6);
}

export interface MemoryEstimate {
  /** Bytes of one sample's captured tensors (float32 copies). */
  perSampleBytes: number;
  /** perSampleBytes × LIVE_COPIES + the model's weights. */
  peakBytes: number;
  /** Captured tensors whose shape could not be inferred (not counted). */
  unknown: string[];
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;

export function estimateAnalysisMemory(graph: Graph, inputDims: Record<string, number[]>, captured: readonly string[], modelBytes: number): MemoryEstimate {
  const shapes = inferShapes(graph, inputDims);
  const unique = [...new Set(captured)];
  const { bytes, unknown } = estimateActivationBytes(graph, shapes, unique, { bytesPerElement: 4 });
  return { perSampleBytes: bytes, peakBytes: bytes * LIVE_COPIES + modelBytes, unknown };
}

/** Throws MEMORY_BUDGET_EXCEEDED when the estimate is over budget; returns the estimate otherwise. */
export function checkMemoryBudget(
  where: string,
  graph: Graph,
  inputDims: Record<string, number[]>,
  captured: readonly string[],
  modelBytes: number,
  budgetBytes: number,
): MemoryEstimate {
  const estimate = estimateAnalysisMemory(graph, inputDims, captured, modelBytes);
  if (estimate.peakBytes <= budgetBytes) return estimate;
  const shapes = inferShapes(graph, inputDims);
  const largest = largestActivations(graph, shapes, [...new Set(captured)], 3, { bytesPerElement: 4 })
    .map((t) => `'${t.name}' [${t.shape.join('×')}] ${mb(t.bytes)}`)
    .join(', ');
  const inputs = Object.entries(inputDims).map(([name, dims]) => `${name}:${dims.join('x')}`).join(' ');
  throw new WorkbenchError(
    'runtime',
    'MEMORY_BUDGET_EXCEEDED',
    `${where}: one sample's layer outputs at input ${inputs} need ≈ ${mb(estimate.perSampleBytes)} (largest: ${largest}); with ${LIVE_COPIES} copies alive during the comparison that is ≈ ${mb(estimate.peakBytes)}, over the memory budget of ${mb(budgetBytes)}. ` +
      `Analyse at a smaller input size (--input-shape), or raise the budget (--memory-budget MB or PWB_MEMORY_BUDGET_MB) if this machine has the memory. Nothing was run.`,
  );
}
