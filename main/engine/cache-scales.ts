/** Activation ranges from a TensorRT calibration cache (or ONNX Runtime TRT-EP table) for the tensors a plan quantizes. */
import { promises as fs } from 'node:fs';
import { matchCacheToModel, parseCalibrationCache } from '../../app/calibration/calibration-cache';
import type { AnalysisReport } from '../../app/contract/report';
import { WorkbenchError } from '../../app/errors';
import { captureOutputName, type CaptureRequest } from '../../app/model/capture';
import type { Graph } from '../../app/model/graph';

export async function scalesFromCache(
  cachePath: string,
  graph: Graph,
  wanted: readonly CaptureRequest[],
  warnings: string[],
): Promise<{ amax: Map<string, number>; info: NonNullable<AnalysisReport['settings']['calibrationCache']> }> {
  const text = await fs.readFile(cachePath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new WorkbenchError('io', error.code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE', `${cachePath}: cannot read the calibration cache (${error.code})`, { file: cachePath });
  });
  const cache = parseCalibrationCache(text, { file: cachePath });
  for (const warning of cache.warnings) warnings.push(`${cachePath}: ${warning.message}`);
  const match = matchCacheToModel(cache, wanted.map((r) => r.tensor));
  const amax = new Map<string, number>();
  for (const entry of cache.entries) {
    if (entry.issue) continue; // NaN / Inf / negative / zero scales are reported, never used
    for (const request of wanted) if (request.tensor === entry.tensor) amax.set(captureOutputName(request), entry.amax);
  }
  const modelTensors = new Set<string>();
  for (const g of graph.allGraphs()) for (const name of g.values.keys()) modelTensors.add(name);
  const namingModelTensors = cache.entries.filter((e) => modelTensors.has(e.tensor)).length;
  if (namingModelTensors === 0) warnings.push(`calibration cache ${cachePath}: none of its ${cache.entries.length} tensor names occur in this model`);
  return {
    amax,
    info: {
      path: cachePath,
      format: cache.format,
      header: cache.format === 'tensorrt' ? `TRT-${cache.trtVersion}-${cache.algorithm}` : cache.format,
      entries: cache.entries.length,
      namingModelTensors,
      matched: match.matched.length,
      unmatchedInCache: match.unmatchedInCache.slice(0, 50),
      notCovered: match.modelTensorsWithoutScale.length,
    },
  };
}
