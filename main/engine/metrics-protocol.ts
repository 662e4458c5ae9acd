/** Messages between the analysis thread and the metrics workers (structured-cloned; tensors transferred). */
import type { ActivationStatisticsJson } from '../../app/calibration/activation-statistics';
import type { LayerErrorMetrics } from '../../app/compare/layer-error-accumulator';
import type { SaturationResult } from '../../app/compare/saturation';

export type MetricsRequest =
  | { type: 'compare'; key: string; channelAxis: number | null; reference: Float32Array; candidate: Float32Array; dims: number[] }
  | { type: 'saturation'; key: string; values: Float32Array; scale: number }
  | { type: 'calibrate'; key: string; values: Float32Array }
  | { type: 'flush'; id: number }
  | { type: 'results' };

export type MetricsResponse =
  | { type: 'flushed'; id: number }
  | { type: 'results'; layers: [string, LayerErrorMetrics][]; saturation: [string, SaturationResult][]; statistics: [string, ActivationStatisticsJson][] }
  | { type: 'error'; message: string; code?: string };
