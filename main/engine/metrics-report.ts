/** LayerErrorAccumulator results → the report's JSON-safe LayerMetrics (±Infinity → null, as documented). */
import type { LayerMetrics } from '../../app/contract/report';
import type { LayerErrorMetrics } from '../../app/compare/layer-error-accumulator';

const finiteOrNull = (value: number): number | null => (Number.isFinite(value) ? value : null);

export function layerMetricsToReport(m: LayerErrorMetrics): LayerMetrics {
  return {
    cosineSimilarity: finiteOrNull(m.cosineSimilarity),
    sqnrDb: finiteOrNull(m.sqnrDb),
    mse: m.mse,
    maxAbsError: m.maxAbsError,
    meanAbsError: m.meanAbsError,
    p99AbsError: m.p99AbsError,
    relL2Error: finiteOrNull(m.relL2Error),
    referenceNanCount: m.referenceNanCount,
    referenceInfCount: m.referenceInfCount,
    candidateNanCount: m.candidateNanCount,
    candidateInfCount: m.candidateInfCount,
    elementCount: m.elementCount,
    sampleCount: m.sampleCount,
    perChannel: m.perChannel
      ? { axis: m.perChannel.channelAxis, relL2Error: m.perChannel.relL2Error.map(finiteOrNull), mse: m.perChannel.mse, bucketed: m.perChannel.bucketed }
      : { axis: null, relL2Error: [], mse: [], bucketed: false },
    outputHistograms: { binEdges: m.histograms.binEdges, reference: m.histograms.reference, candidate: m.histograms.candidate },
  };
}
