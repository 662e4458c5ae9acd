/**
 * Worker thread that owns a share of the per-layer error accumulators and saturation counters. Tensors arrive
 * transferred (not copied) from the analysis thread; only small results go back.
 */
import { parentPort } from 'node:worker_threads';
import { MetricsAccumulators } from './metrics-accumulators';
import type { MetricsRequest, MetricsResponse } from './metrics-protocol';

const accumulators = new MetricsAccumulators();

parentPort!.on('message', (request: MetricsRequest) => {
  try {
    switch (request.type) {
      case 'compare':
        accumulators.compare(request.key, request.channelAxis, request.reference, request.candidate, request.dims);
        break;
      case 'saturation':
        accumulators.saturation(request.key, request.values, request.scale);
        break;
      case 'calibrate':
        accumulators.calibrate(request.key, request.values);
        break;
      case 'flush':
        parentPort!.postMessage({ type: 'flushed', id: request.id } satisfies MetricsResponse);
        break;
      case 'results':
        parentPort!.postMessage({
          type: 'results',
          layers: accumulators.layerResults(),
          saturation: accumulators.saturationResults(),
          statistics: [...accumulators.statistics].map(([key, stats]) => [key, stats.toJSON()]),
        } satisfies MetricsResponse);
        break;
    }
  } catch (error) {
    parentPort!.postMessage({ type: 'error', message: (error as Error).message, code: (error as { code?: string }).code } satisfies MetricsResponse);
  }
});
