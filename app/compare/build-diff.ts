/**
 * Per-layer difference between two builds of the same model (e.g. before and after pinning a layer): precision
 * changes and how each layer's error moved. Positive sqnrDeltaDb = the later build is closer to FP32.
 */
import type { AnalysisReport, LayerMetrics } from '../contract/report';

export interface LayerBuildDiff {
  id: string;
  precisionBefore: string;
  precisionAfter: string;
  sqnrDbBefore: number | null;
  sqnrDbAfter: number | null;
  /** after − before in dB; +Infinity-like exact matches (null SQNR with mse 0) count as 200 dB. */
  sqnrDeltaDb: number | null;
  cosineBefore: number | null;
  cosineAfter: number | null;
}

export interface BuildDiff {
  layers: LayerBuildDiff[];
  outputs: { name: string; sqnrDbBefore: number | null; sqnrDbAfter: number | null; cosineBefore: number | null; cosineAfter: number | null }[];
  top1AgreementBefore: number | null;
  top1AgreementAfter: number | null;
  changedPrecision: string[];
}

/** SQNR for ranking: exact matches (null with mse 0) as 200 dB, missing metrics as null. */
export function effectiveSqnrDb(m: LayerMetrics | null | undefined): number | null {
  if (!m) return null;
  if (m.sqnrDb !== null) return m.sqnrDb;
  return m.mse === 0 ? 200 : -200;
}

export function diffBuilds(before: AnalysisReport, after: AnalysisReport): BuildDiff {
  const previous = new Map(before.layers.map((l) => [l.id, l]));
  const layers = after.layers.map((layer): LayerBuildDiff => {
    const old = previous.get(layer.id);
    const a = effectiveSqnrDb(old?.metrics);
    const b = effectiveSqnrDb(layer.metrics);
    return {
      id: layer.id,
      precisionBefore: old?.precision ?? 'absent',
      precisionAfter: layer.precision,
      sqnrDbBefore: a,
      sqnrDbAfter: b,
      sqnrDeltaDb: a !== null && b !== null ? b - a : null,
      cosineBefore: old?.metrics?.cosineSimilarity ?? null,
      cosineAfter: layer.metrics?.cosineSimilarity ?? null,
    };
  });
  const oldOutputs = new Map(before.outputs.map((o) => [o.name, o]));
  return {
    layers,
    outputs: after.outputs.map((o) => ({
      name: o.name,
      sqnrDbBefore: effectiveSqnrDb(oldOutputs.get(o.name)?.metrics),
      sqnrDbAfter: effectiveSqnrDb(o.metrics),
      cosineBefore: oldOutputs.get(o.name)?.metrics?.cosineSimilarity ?? null,
      cosineAfter: o.metrics?.cosineSimilarity ?? null,
    })),
    top1AgreementBefore: before.classification?.top1Agreement ?? null,
    top1AgreementAfter: after.classification?.top1Agreement ?? null,
    changedPrecision: layers.filter((l) => l.precisionBefore !== l.precisionAfter).map((l) => l.id),
  };
}
