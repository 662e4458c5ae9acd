/**
 * The analysis report: one versioned JSON document that the CLI writes, the UI reads and exports embed.
 * Bump REPORT_VERSION on any incompatible change; readers refuse versions they do not know.
 * Numbers that can be ±Infinity (sqnrDb of an exact match) are serialized as null with the metric's
 * definition saying so.
 */
import type { ModelSummary } from '../model/graph';
import type { CalibratorName, Precision, PrecisionPlan } from '../precision/plan';
import type { LayerRole } from '../precision/layers';

export const REPORT_SCHEMA = 'pwb.analysis-report';
export const REPORT_VERSION = 1;

export interface HistogramData {
  binEdges: number[];
  counts: number[];
}

/** Error of a reduced-precision tensor against its FP32 reference, pooled over all compared samples. */
export interface ErrorMetrics {
  cosineSimilarity: number | null;
  /**
   * 10·log10(Σref² / Σ(ref−cand)²). null when infinite: +∞ when the error is exactly zero (mse = 0), −∞ when the
   * reference is all zero and the error is not (mse > 0).
   */
  sqnrDb: number | null;
  mse: number;
  maxAbsError: number;
  meanAbsError: number;
  p99AbsError: number;
  /** ‖ref−cand‖₂/‖ref‖₂; null when the reference is all zero and the error is not (+∞). */
  relL2Error: number | null;
  referenceNanCount: number;
  referenceInfCount: number;
  candidateNanCount: number;
  candidateInfCount: number;
  elementCount: number;
  sampleCount: number;
}

export interface LayerMetrics extends ErrorMetrics {
  /** Per output channel (axis given); bucketed when there are more channels than the cap. */
  perChannel: { axis: number | null; relL2Error: (number | null)[]; mse: number[]; bucketed: boolean };
  /** FP32 and reduced-precision values of the layer output on shared bin edges. */
  outputHistograms: { binEdges: number[]; reference: number[]; candidate: number[] };
}

export interface ActivationReport {
  tensor: string;
  amax: number;
  /** amax / 127: the Q/DQ scale (and TensorRT calibration-cache scale). */
  scale: number;
  source: 'calibration' | 'calibration-cache' | 'plan-override';
  /** FP32 statistics over the calibration data. */
  calibrationMin: number;
  calibrationMax: number;
  /** |x| histogram over the calibration data (downsampled), with amax marking the clip. */
  histogram: HistogramData | null;
  /** Share of elements quantized to the int8 clip limits in the reduced-precision run (eval data). */
  saturationRate: number | null;
}

export interface WeightReport {
  tensor: string;
  dims: number[];
  channelAxis: number | null;
  /** Per-channel amax (|w| max) — tiny ranges in depthwise convs are a classic INT8 failure. */
  perChannelAmax: number[];
}

export interface LayerReport {
  id: string;
  name: string;
  opType: string;
  role: LayerRole;
  graphPath: string;
  precision: Precision;
  output: string;
  outputDims: number[] | null;
  activations: ActivationReport[];
  weight: WeightReport | null;
  /** null when the layer output could not be compared (e.g. a branch never taken on the data, or fused inside a TensorRT engine layer). */
  metrics: LayerMetrics | null;
  /**
   * TensorRT backend: the engine layer that computes this layer's node (its own, or the fused layer it lives in),
   * the precision TensorRT realized for it, and its average time. Absent for ONNX Runtime builds; null when no
   * engine layer maps to the node (e.g. inside a Myelin region with no per-node metadata).
   */
  engine?: EngineLayerLink | null;
}

export interface EngineLayerLink {
  /** Engine layer name, e.g. "conv_1 + block1_relu". */
  name: string;
  /** How many ONNX nodes the engine layer computes (> 1 = fused). */
  fusedNodes: number;
  /** Realized output precision of the engine layer (Int8, Half, Float, ...), from the inspector JSON. */
  precision: string;
  averageMs: number | null;
}

export interface OutputReport {
  name: string;
  dims: number[] | null;
  metrics: LayerMetrics | null;
}

export interface ClassificationReport {
  /** Share of samples (rows) whose argmax matches FP32. */
  top1Agreement: number;
  top5Agreement: number;
  rows: number;
  accuracy: { reference: number; candidate: number; labelledRows: number; labelOffset: number } | null;
}

export interface DataDescription {
  description: string;
  samples: number;
}

/** Final-output agreement with FP32 for one choice of reduced layers (pooled over outputs and samples). */
export interface ChoiceScoreReport {
  cosineSimilarity: number | null;
  sqnrDb: number | null;
  top1Agreement: number | null;
}

export interface SensitivityReport {
  samples: number;
  metric: 'cosine' | 'sqnr' | 'top1';
  /** Worst first: the final-output score when only this layer runs in reduced precision (everything else FP32). */
  ranking: { id: string; isolated: ChoiceScoreReport; allButThis: ChoiceScoreReport | null }[];
  /** With a target: the pins this tool suggests, and the same search by the reference methods. */
  target: { metric: string; threshold: number } | null;
  suggestion: PinSearchReport | null;
  comparisons: PinSearchReport[];
  timingsMs: { setup: number; ranking: number; search: number };
  evaluations: number;
}

export interface PinSearchReport {
  method: string;
  pins: string[];
  evaluations: number;
  score: ChoiceScoreReport;
  met: boolean;
  capped: boolean;
}

export interface AnalysisReport {
  schema: typeof REPORT_SCHEMA;
  version: typeof REPORT_VERSION;
  createdAt: string;
  tool: { name: string; version: string; onnxruntime: string };
  model: {
    path: string;
    summary: ModelSummary;
    layerCount: number;
    layersInSubgraphs: number;
    /** An already-quantized input model: the analysis ran on its float twin (summary of what was removed). */
    quantizedInput: { kind: string; summary: Record<string, number>; notes: string[] } | null;
  };
  settings: {
    precision: Precision;
    calibrator: { method: CalibratorName; parameters: Record<string, number | string> };
    calibrationData: DataDescription;
    evalData: DataDescription;
    inputShapes: Record<string, number[]>;
    qdqDomain: string;
    /**
     * entries: scales in the file; namingModelTensors: of those, how many name a tensor of this model; matched: how
     * many of the tensors this plan quantizes got their scale from the cache; notCovered: quantized tensors the
     * cache lacks (calibrated from data instead); unmatchedInCache: cache names that are not quantized here.
     */
    calibrationCache: {
      path: string;
      format: string;
      header: string;
      entries: number;
      namingModelTensors: number;
      matched: number;
      unmatchedInCache: string[];
      notCovered: number;
    } | null;
    emulation: string;
    /**
     * Where the reduced model ran (absent in reports written before backends existed = ONNX Runtime emulation).
     * For TensorRT: the library version, and how many compared layers had no debug tensor (fused inside an engine
     * layer; their metrics are null).
     */
    backend?: { name: 'onnxruntime' | 'tensorrt'; version: string; layersWithoutOutput?: number; fp32Reference?: 'onnxruntime' | 'tensorrt' };
  };
  plan: PrecisionPlan;
  layers: LayerReport[];
  outputs: OutputReport[];
  classification: ClassificationReport | null;
  /** Present when a sensitivity ranking was run (`pwb sensitivity`). */
  sensitivity?: SensitivityReport;
  timingsMs: {
    load: number;
    calibration: number;
    comparison: number;
    total: number;
    /** Where the time went (ms): data loading, inference per variant, statistics, metrics, session creation. */
    breakdown: Record<string, number>;
  };
  warnings: string[];
}
