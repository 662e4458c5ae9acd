/** The real TensorRT caches name tensors of the models they were made for (names matched against the graph). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { matchCacheToModel, parseCalibrationCache } from '../../../app/calibration/calibration-cache';
import { loadModel } from '../../../main/io/model-file';
import { sharedData, sharedModel } from '../../helpers/paths';

async function modelTensorNames(file: string): Promise<Set<string>> {
  const loaded = await loadModel(sharedModel(file));
  const names = new Set<string>();
  for (const g of loaded.graph.allGraphs()) for (const name of g.values.keys()) names.add(name);
  return names;
}

for (const [cacheFile, modelFile, entries, matched] of [
  ['jtorres258-yolov8n_trt101401_entropy2.cache', 'yolov8n_dynamic_int8.onnx', 249, 242],
  ['zxm97-retinaface-mnet025-lp_trt8501_entropy2.cache', 'retinaface_mnet025_licenseplate.onnx', 126, 100],
] as const) {
  test(`${cacheFile} names ${matched} tensors of ${modelFile}`, async () => {
    const cache = parseCalibrationCache(readFileSync(path.join(sharedData, 'trt/calib-caches', cacheFile), 'utf8'), { file: cacheFile });
    assert.equal(cache.entries.length, entries);
    const match = matchCacheToModel(cache, await modelTensorNames(modelFile));
    assert.equal(match.matched.length, matched);
    assert.equal(match.unmatchedInCache.length, entries - matched);
  });
}
