/** Assembles the versioned analysis report from the pipeline's pieces (no computation beyond formatting). */
import type { ActivationStatistics } from '../../app/calibration/activation-statistics';
import type { SaturationResult } from '../../app/compare/saturation';
import type { ActivationReport, LayerReport, OutputReport } from '../../app/contract/report';
import { captureOutputName } from '../../app/model/capture';
import type { Layer } from '../../app/precision/layers';
import type { MaterializedModel } from '../../app/precision/materialize';
import type { ResolvedLayerPrecision } from '../../app/precision/plan';
import type { ComparisonResult } from './comparison-pass';
import { layerMetricsToReport } from './metrics-report';
import { outputKey } from './reference-pass';

export interface ActivationRange {
  amax: number;
  source: ActivationReport['source'];
}

export function buildLayerReports(
  resolved: readonly ResolvedLayerPrecision[],
  ranges: ReadonlyMap<string, ActivationRange>,
  statistics: ReadonlyMap<string, ActivationStatistics>,
  materialized: MaterializedModel,
  comparison: ComparisonResult,
): LayerReport[] {
  const saturation: ReadonlyMap<string, SaturationResult> = comparison.saturation;
  const quantizedScale = new Map(materialized.activations.map((a) => [captureOutputName(a), a.scale]));
  const activation = (layer: Layer, tensor: string, override: number | undefined): ActivationReport | null => {
    const key = captureOutputName({ graphPath: layer.graphPath, tensor });
    const range = override !== undefined ? { amax: override, source: 'plan-override' as const } : ranges.get(key);
    if (!range) return null;
    const stats = statistics.get(key);
    return {
      tensor,
      amax: range.amax,
      scale: quantizedScale.get(key) ?? Math.fround(range.amax / 127),
      source: range.source,
      calibrationMin: stats ? stats.min : NaN,
      calibrationMax: stats ? stats.max : NaN,
      histogram: stats ? stats.histogram(256) : null,
      saturationRate: saturation.get(key)?.saturationRate ?? null,
    };
  };
  return resolved.map(({ layer, precision, entry }) => {
    const key = captureOutputName({ graphPath: layer.graphPath, tensor: layer.output });
    const metrics = comparison.metrics.get(key);
    const weightScales = materialized.weightScales.get(layer.id);
    return {
      id: layer.id,
      name: layer.name,
      opType: layer.opType,
      role: layer.role,
      graphPath: layer.graphPath,
      precision,
      output: layer.output,
      outputDims: comparison.dims.get(key) ?? null,
      activations:
        precision === 'int8'
          ? layer.activationInputs.map((t) => activation(layer, t, entry?.activationAmax)).filter((a): a is ActivationReport => a !== null)
          : [],
      weight: layer.weight
        ? {
            tensor: layer.weight.tensor,
            dims: layer.weight.dims,
            channelAxis: layer.weight.channelAxis,
            perChannelAmax: weightScales ? Array.from(weightScales, (s) => s * 127).slice(0, 4096) : [],
          }
        : null,
      metrics: metrics ? layerMetricsToReport(metrics) : null,
    };
  });
}

export function buildOutputReports(modelOutputs: readonly string[], comparison: ComparisonResult): OutputReport[] {
  return modelOutputs.map((name) => {
    const metrics = comparison.metrics.get(outputKey(name));
    return { name, dims: comparison.dims.get(outputKey(name)) ?? null, metrics: metrics ? layerMetricsToReport(metrics) : null };
  });
}
