/**
 * What crosses the boundary to the UI: bounded summaries of a build, never tensors and never the whole report at
 * once. A BuildView carries one fixed-size LayerRow per layer (scalars only); histograms, per-channel vectors and
 * weights of one layer come on demand as a LayerDetail; the heatmap is one matrix with at most HEATMAP_MAX_COLUMNS
 * columns per layer. `bytesPerLayer` in the bench measures LayerRow + heatmap row on the wire.
 */
import type { BuildDiff } from '../compare/build-diff';
import type { ModelSummary } from '../model/graph';
import type { LayerRole } from '../precision/layers';
import type { Precision, PrecisionPlan } from '../precision/plan';
import type { AnalysisReport, ChoiceScoreReport, ClassificationReport, ErrorMetrics, LayerMetrics, LayerReport, SensitivityReport } from './report';

export const HEATMAP_MAX_COLUMNS = 64;
/** Significant digits kept for numbers sent to the UI (metrics are displayed with ≤ 4). */
const SIGNIFICANT_DIGITS = 5;

/** One layer of one build, as the layer table shows it. Metric fields are null when the layer was not compared. */
export interface LayerRow {
  /** Position in the report (topological order of discovery). */
  index: number;
  id: string;
  name: string;
  opType: string;
  role: LayerRole;
  graphPath: string;
  precision: Precision;
  output: string;
  outputDims: number[] | null;
  channels: number;
  cosineSimilarity: number | null;
  sqnrDb: number | null;
  mse: number | null;
  maxAbsError: number | null;
  meanAbsError: number | null;
  p99AbsError: number | null;
  relL2Error: number | null;
  /** NaN + Inf values in the reduced-precision output. */
  nonFiniteCount: number | null;
  /** Highest share of values clipped to the int8 limits among the layer's quantized inputs. */
  saturationRate: number | null;
  /** Largest calibration amax among the layer's quantized inputs. */
  amax: number | null;
  /** From the latest sensitivity ranking of the session: final-output score with only this layer reduced. */
  isolatedCosine: number | null;
  isolatedSqnrDb: number | null;
  /** 1 = the most harmful layer in isolation. */
  sensitivityRank: number | null;
  /** TensorRT builds: the engine layer computing this layer (see LayerReport.engine); null otherwise. */
  engineLayer: string | null;
  enginePrecision: string | null;
  engineMs: number | null;
}

export interface OutputRow {
  name: string;
  dims: number[] | null;
  metrics: ErrorMetrics | null;
}

export interface BuildView {
  buildId: number;
  createdAt: string;
  plan: PrecisionPlan;
  model: { path: string; summary: ModelSummary; layerCount: number; layersInSubgraphs: number; quantizedInput: AnalysisReport['model']['quantizedInput'] };
  settings: AnalysisReport['settings'];
  layers: LayerRow[];
  outputs: OutputRow[];
  classification: ClassificationReport | null;
  timingsMs: { materialize: number; comparison: number; total: number };
  warnings: string[];
  /** Against the previous build of the session (null for the first). */
  diff: BuildDiff | null;
  /** The latest sensitivity run of the session, without its per-layer ranking (that is folded into the rows). */
  sensitivity: Omit<SensitivityReport, 'ranking'> | null;
}

/** Per-channel error of every layer: rows = layers (report order), columns = channel buckets. */
export interface HeatmapData {
  metric: 'relL2Error';
  layerIds: string[];
  /** Channels per layer before bucketing. */
  channels: number[];
  columns: number;
  /** Row-major layers × columns; null = no such channel or not compared. Buckets hold the worst channel. */
  values: (number | null)[];
  /** 99th percentile of the finite values: the top of the default colour scale (one outlier would wash it out). */
  scaleMax: number;
}

export interface NodeRef {
  name: string;
  opType: string;
  layerId: string | null;
  tensor: string;
}

export interface LayerDetail {
  buildId: number;
  layer: LayerReport;
  producers: NodeRef[];
  consumers: NodeRef[];
  isolated: ChoiceScoreReport | null;
  sensitivityRank: number | null;
}

export interface GraphData {
  nodes: { id: number; name: string; opType: string; layerId: string | null; graphPath: string }[];
  /** Data edges between nodes of the main graph (subgraph nodes are listed, edges only within one graph). */
  edges: { from: number; to: number; tensor: string }[];
  inputs: string[];
  outputs: string[];
}

export interface ModelOverview {
  modelPath: string;
  summary: ModelSummary;
  layers: { id: string; name: string; opType: string; role: LayerRole; graphPath: string }[];
  quantizedInput: AnalysisReport['model']['quantizedInput'];
}

export function roundForWire(value: number | null | undefined): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  return value === 0 ? 0 : Number(value.toPrecision(SIGNIFICANT_DIGITS));
}

function maxOrNull(values: (number | null)[]): number | null {
  let best: number | null = null;
  for (const v of values) if (v !== null && (best === null || v > best)) best = v;
  return best;
}

export function layerRow(layer: LayerReport, index: number, sensitivity: Map<string, { rank: number; isolated: ChoiceScoreReport }>): LayerRow {
  const m: LayerMetrics | null = layer.metrics;
  const s = sensitivity.get(layer.id);
  return {
    index,
    id: layer.id,
    name: layer.name,
    opType: layer.opType,
    role: layer.role,
    graphPath: layer.graphPath,
    precision: layer.precision,
    output: layer.output,
    outputDims: layer.outputDims,
    channels: m?.perChannel.relL2Error.length ?? 0,
    cosineSimilarity: roundForWire(m?.cosineSimilarity),
    // An exact match has sqnrDb null with mse 0; the table shows it as "exact" (Infinity does not survive JSON).
    sqnrDb: roundForWire(m?.sqnrDb),
    mse: roundForWire(m?.mse),
    maxAbsError: roundForWire(m?.maxAbsError),
    meanAbsError: roundForWire(m?.meanAbsError),
    p99AbsError: roundForWire(m?.p99AbsError),
    relL2Error: roundForWire(m?.relL2Error),
    nonFiniteCount: m ? m.candidateNanCount + m.candidateInfCount : null,
    saturationRate: roundForWire(maxOrNull(layer.activations.map((a) => a.saturationRate))),
    amax: roundForWire(maxOrNull(layer.activations.map((a) => a.amax))),
    isolatedCosine: roundForWire(s?.isolated.cosineSimilarity),
    isolatedSqnrDb: roundForWire(s?.isolated.sqnrDb),
    sensitivityRank: s?.rank ?? null,
    engineLayer: layer.engine?.name ?? null,
    enginePrecision: layer.engine?.precision ?? null,
    engineMs: roundForWire(layer.engine?.averageMs),
  };
}

export function sensitivityIndex(report: SensitivityReport | null | undefined): Map<string, { rank: number; isolated: ChoiceScoreReport }> {
  const index = new Map<string, { rank: number; isolated: ChoiceScoreReport }>();
  report?.ranking.forEach((entry, i) => index.set(entry.id, { rank: i + 1, isolated: entry.isolated }));
  return index;
}

export function buildView(
  build: { buildId: number; plan: PrecisionPlan; report: AnalysisReport; timingsMs: BuildView['timingsMs']; diff: BuildDiff | null },
  sensitivity: SensitivityReport | null,
): BuildView {
  const { report } = build;
  const index = sensitivityIndex(sensitivity);
  let sensitivitySummary: BuildView['sensitivity'] = null;
  if (sensitivity) {
    const { ranking: _ranking, ...rest } = sensitivity;
    sensitivitySummary = rest;
  }
  return {
    buildId: build.buildId,
    createdAt: report.createdAt,
    plan: build.plan,
    model: { path: report.model.path, summary: report.model.summary, layerCount: report.model.layerCount, layersInSubgraphs: report.model.layersInSubgraphs, quantizedInput: report.model.quantizedInput },
    settings: report.settings,
    layers: report.layers.map((layer, i) => layerRow(layer, i, index)),
    outputs: report.outputs.map((o) => ({ name: o.name, dims: o.dims, metrics: o.metrics ? stripLayerExtras(o.metrics) : null })),
    classification: report.classification,
    timingsMs: build.timingsMs,
    warnings: report.warnings,
    diff: build.diff,
    sensitivity: sensitivitySummary,
  };
}

function stripLayerExtras(metrics: LayerMetrics): ErrorMetrics {
  const { perChannel: _perChannel, outputHistograms: _histograms, ...scalars } = metrics;
  return scalars;
}

/** Layers × channel buckets of per-channel relative L2 error; a bucket holds its worst channel. */
export function heatmapData(report: AnalysisReport, maxColumns = HEATMAP_MAX_COLUMNS): HeatmapData {
  const columnCap = Math.max(1, Math.min(HEATMAP_MAX_COLUMNS, Math.floor(maxColumns)));
  const channels = report.layers.map((l) => l.metrics?.perChannel.relL2Error.length ?? 0);
  const columns = Math.max(1, Math.min(columnCap, Math.max(0, ...channels)));
  const values: (number | null)[] = new Array(report.layers.length * columns).fill(null);
  const finite: number[] = [];
  report.layers.forEach((layer, row) => {
    const perChannel = layer.metrics?.perChannel.relL2Error ?? [];
    const n = perChannel.length;
    if (n === 0) return;
    const buckets = Math.min(columns, n);
    for (let b = 0; b < buckets; b++) {
      const start = Math.floor((b * n) / buckets);
      const end = Math.floor(((b + 1) * n) / buckets);
      let worst: number | null = null;
      for (let c = start; c < end; c++) {
        const v = perChannel[c];
        if (v !== null && Number.isFinite(v) && (worst === null || v > worst)) worst = v;
      }
      const rounded = roundForWire(worst);
      values[row * columns + b] = rounded;
      if (rounded !== null) finite.push(rounded);
    }
  });
  finite.sort((a, b) => a - b);
  const scaleMax = finite.length ? finite[Math.min(finite.length - 1, Math.floor(0.99 * (finite.length - 1)))] || finite[finite.length - 1] : 1;
  return { metric: 'relL2Error', layerIds: report.layers.map((l) => l.id), channels, columns, values, scaleMax: scaleMax > 0 ? scaleMax : 1 };
}
