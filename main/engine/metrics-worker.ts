/**
 * Worker thread that owns a share of the per-layer error accumulators and saturation counters. Tensors arrive
 * transferred (not copied) from the analysis thread; only small results go back.
 */
import { parentPort } from 'node:worker_threads';
import { ActivationStatistics } from '../../app/calibration/activation-statistics';
import { LayerErrorAccumulator } from '../../app/compare/layer-error-accumulator';
import { SaturationCounter } from '../../app/compare/saturation';
import type { MetricsRequest, MetricsResponse } from './metrics-protocol';

const accumulators = new Map<string, LayerErrorAccumulator>();
const saturation = new Map<string, SaturationCounter>();
const statistics = new Map<string, ActivationStatistics>();

parentPort!.on('message', (request: MetricsRequest) => {
  try {
    switch (request.type) {
      case 'compare': {
        let acc = accumulators.get(request.key);
        if (!acc) accumulators.set(request.key, (acc = new LayerErrorAccumulator({ channelAxis: request.channelAxis })));
        acc.update(request.reference, request.candidate, request.dims);
        break;
      }
      case 'saturation': {
        let counter = saturation.get(request.key);
        if (!counter) saturation.set(request.key, (counter = new SaturationCounter()));
        counter.update(request.values, request.scale);
        break;
      }
      case 'calibrate': {
        let stats = statistics.get(request.key);
        if (!stats) statistics.set(request.key, (stats = new ActivationStatistics()));
        stats.update(request.values);
        break;
      }
      case 'flush':
        parentPort!.postMessage({ type: 'flushed', id: request.id } satisfies MetricsResponse);
        break;
      case 'results':
        parentPort!.postMessage({
          type: 'results',
          layers: [...accumulators].map(([key, acc]) => [key, acc.result()]),
          saturation: [...saturation].map(([key, counter]) => [key, counter.result()]),
          statistics: [...statistics].map(([key, stats]) => [key, stats.toJSON()]),
        } satisfies MetricsResponse);
        break;
    }
  } catch (error) {
    parentPort!.postMessage({ type: 'error', message: (error as Error).message, code: (error as { code?: string }).code } satisfies MetricsResponse);
  }
});
