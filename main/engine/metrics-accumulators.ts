/**
 * The per-key accumulators behind the metrics: layer error, saturation counters and calibration statistics.
 * Used by the worker threads of MetricsPool and, for small jobs, in-thread by InlineMetricsPool.
 */
import { ActivationStatistics } from '../../app/calibration/activation-statistics';
import { LayerErrorAccumulator, type LayerErrorMetrics } from '../../app/compare/layer-error-accumulator';
import { SaturationCounter, type SaturationResult } from '../../app/compare/saturation';

export class MetricsAccumulators {
  readonly layers = new Map<string, LayerErrorAccumulator>();
  readonly saturationCounters = new Map<string, SaturationCounter>();
  readonly statistics = new Map<string, ActivationStatistics>();

  compare(key: string, channelAxis: number | null, reference: Float32Array, candidate: Float32Array, dims: number[]): void {
    let acc = this.layers.get(key);
    if (!acc) this.layers.set(key, (acc = new LayerErrorAccumulator({ channelAxis })));
    acc.update(reference, candidate, dims);
  }

  saturation(key: string, values: Float32Array, scale: number): void {
    let counter = this.saturationCounters.get(key);
    if (!counter) this.saturationCounters.set(key, (counter = new SaturationCounter()));
    counter.update(values, scale);
  }

  calibrate(key: string, values: Float32Array): void {
    let stats = this.statistics.get(key);
    if (!stats) this.statistics.set(key, (stats = new ActivationStatistics()));
    stats.update(values);
  }

  layerResults(): [string, LayerErrorMetrics][] {
    return [...this.layers].map(([key, acc]) => [key, acc.result()]);
  }

  saturationResults(): [string, SaturationResult][] {
    return [...this.saturationCounters].map(([key, counter]) => [key, counter.result()]);
  }
}
