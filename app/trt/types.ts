/**
 * Public, JSON-serializable types of the TensorRT artifact import (app/trt). The CLI (`pwb trt-import`) and the
 * UI's TensorRT panel read the same `TrtImportResult`. Times are milliseconds unless a name says otherwise.
 */
import type { CalibrationCache } from '../calibration/calibration-cache';
import type { Precision } from '../precision/plan';

export type TrtArtifactKind =
  /** trtexec console output: build log (--verbose: tactics), --dumpLayerInfo, --dumpProfile, performance summary. */
  | 'trtexec-log'
  /** IEngineInspector text output (`Name: …, LayerType: …` lines) outside a trtexec log. */
  | 'inspector-log'
  /** --exportLayerInfo / getEngineInformation(kJSON); TREx `*.graph.json`; also a .log holding that JSON. */
  | 'layer-info-json'
  /** --exportProfile (new: count/averageMs/medianMs/percentage; old: no medianMs, "input reformatter" names). */
  | 'profile-json'
  /** --exportTimes: per-inference timestamps. */
  | 'times-json'
  /** TREx's own parses: `*.build.metadata.json`, `*.profile.metadata.json`, `*.metadata.json` (device). */
  | 'trex-metadata-json'
  /** TensorRT calibration cache or ONNX Runtime TRT-EP calibration table (parsed by app/calibration). */
  | 'calibration-cache'
  /** `polygraphy run` / `polygraphy debug` console output. */
  | 'polygraphy-log';

/** What a tensor's Format/Datatype says it is stored as. */
export type TrtDataType = 'fp32' | 'fp16' | 'bf16' | 'fp8' | 'fp4' | 'int8' | 'uint8' | 'int4' | 'int32' | 'int64' | 'bool' | 'unknown';

export interface EngineTensor {
  name: string;
  /** As printed; -1 = dynamic (10.x), -2 = dynamic (8.x one-line format). */
  dims?: number[];
  /** The Format/Datatype text as printed, e.g. "Channel major FP16 format where channel % 8 == 0", "Half". */
  format?: string;
  dataType: TrtDataType;
  location?: string;
}

/** One layer of a built engine (layer-info JSON, inspector text, or a build log's one-line layer summary). */
export interface EngineLayer {
  index: number;
  name: string;
  layerType?: string;
  parameterType?: string;
  /** e.g. "REFORMAT", "QDQ" (TensorRT 8.x detailed exports). */
  origin?: string;
  inputs: EngineTensor[];
  outputs: EngineTensor[];
  /** Weights.Type of convolution/FC layers, e.g. "Int8", "Half", "Float". */
  weightsType?: string;
  tacticName?: string;
  /** Hex as printed ("0x…"), or decimal for old 8.x logs. */
  tacticValue?: string;
  /** Raw Metadata string (fields separated by \u001e or \u001f). */
  metadata?: string;
  /** ONNX node names from `[ONNX Layer: …]` metadata, in order, deduplicated. */
  metadataNodes: string[];
  /** Optimization profile index from a trailing " [profile N]" (0 when absent). */
  profileIndex: number;
  /** Where the builder placed the layer, from its "Layers Running on DLA/GPU" lists (only logs that print them). */
  device?: 'GPU' | 'DLA';
  /**
   * The precision the layer computes in, as TensorRT realized it: the weights type when there is one, else the
   * lowest-precision floating/int8 input (an INT8 conv that outputs FP32 counts as int8), else the first output.
   */
  precision: TrtDataType;
}

export interface BuildTacticCandidate {
  runner?: string;
  tactic: string;
  tacticName?: string;
  /** Measured time; null when logged as skipped / inf. */
  timeMs: number | null;
}

/** One "Autotuning format combination" of one layer, with the runner and tactic TensorRT chose for it. */
export interface FormatCombination {
  formats: string;
  candidates: BuildTacticCandidate[];
  /** Candidates beyond the per-combination cap, counted but not stored. */
  droppedCandidates: number;
  fastest?: { tactic: string; timeMs: number | null };
  /** `cached`: a timing-cache hit ("got cached result"), no candidates were timed in this pass. */
  chosen?: { runner?: string; tactic: string; timeMs: number | null; tacticName?: string; cached?: boolean };
  line: number;
}

/** The tactic search for one layer in one builder pass ("Computing costs for …" / "Autotuning op …"). */
export interface LayerTactics {
  name: string;
  /** 0-based builder pass: TensorRT 10 may build several times (backend strategies) in one log. */
  pass: number;
  line: number;
  metadataNodes: string[];
  combinations: FormatCombination[];
  /** The combination whose chosen tactic is the one in the final engine's layer list, when that is known. */
  selected?: { formats: string; runner?: string; tactic: string; tacticName?: string; timeMs: number | null };
  /** This block's selected tactic is the one in the final engine's layer list (latest such block per layer). */
  inFinalEngine?: boolean;
}

export interface LogDiagnostic {
  /** 1-based line in the file. */
  line: number;
  severity: 'warning' | 'error';
  message: string;
}

export interface LatencyStats {
  minMs?: number;
  maxMs?: number;
  meanMs?: number;
  medianMs?: number;
  /** Keyed by percentile, e.g. "99". */
  percentilesMs: Record<string, number>;
}

export interface PerformanceSummary {
  throughputQps?: number;
  latency?: LatencyStats;
  gpuCompute?: LatencyStats;
  enqueue?: LatencyStats;
  h2d?: LatencyStats;
  d2h?: LatencyStats;
  totalHostWalltimeS?: number;
  totalGpuComputeTimeS?: number;
}

export interface ProfileLayer {
  name: string;
  /** Summed over all iterations. */
  totalMs: number;
  /** Per iteration. */
  averageMs: number;
  medianMs?: number;
  /** Share of the total, as TensorRT printed it (0…100). */
  percentage?: number;
}

export interface LayerProfile {
  format: 'trtexec-json' | 'trtexec-json-legacy' | 'dump-profile-text';
  iterations?: number;
  layers: ProfileLayer[];
  /** Sum of averageMs over layers = time of one inference as the profiler saw it. */
  totalAverageMs: number;
  /** True when the JSON was not valid (unescaped layer names) and was read line by line instead. */
  recoveredFromInvalidJson?: boolean;
  /** Rows whose numbers trtexec printed as nan/inf (read as 0 ms / no percentage). */
  nonFiniteRows?: number;
}

export interface TimesSummary {
  inferences: number;
  latencyMs: LatencyStats;
  computeMs: LatencyStats;
  h2dMeanMs?: number;
  d2hMeanMs?: number;
}

export interface TrtexecLog {
  /** Set when the log is another program's TensorRT logger output (e.g. "TensorRT Python logger", "DeepStream nvinfer"). */
  logger?: string;
  trtVersion?: string;
  command?: string;
  /** "PASSED" / "FAILED" from the `&&&&` trailer. */
  status?: string;
  /** e.g. "FP32+FP16" from the build options. */
  precisionFlags?: string;
  lineCount: number;
  diagnostics: LogDiagnostic[];
  warningCount: number;
  errorCount: number;
  builderPasses: number;
  tactics: LayerTactics[];
  /**
   * Engine layers from the last "Engine Layer Information:" (one-line) or "Layers:" (--dumpLayerInfo) block; without
   * either, the names from the builder's "Layers Running on DLA/GPU" lists ('device-lists': no tensors or tactics).
   */
  engineLayers: EngineLayer[];
  engineLayerSource?: 'oneline' | 'dump-layer-info' | 'device-lists';
  profile?: LayerProfile;
  performance?: PerformanceSummary;
  /** Tactic-table lines whose candidates were counted but not stored (size bound). */
  droppedCandidates: number;
}

export interface InspectorLog {
  layers: EngineLayer[];
  bindings: string[];
  diagnostics: LogDiagnostic[];
}

export interface LayerInfo {
  /** 'detailed' when layers are objects, 'names-only' when Layers is a list of strings (kLAYER_NAMES_ONLY). */
  verbosity: 'detailed' | 'names-only';
  layers: EngineLayer[];
  bindings: string[];
  /** Set when the JSON was found inside a larger text file (line where it starts). */
  embeddedAtLine?: number;
}

export interface TrexMetadata {
  type: 'build' | 'profile' | 'device';
  precisionFlags?: string;
  model?: string;
  performance?: PerformanceSummary;
  device?: { name: string; computeCapability?: string };
}

export interface PolygraphyComparison {
  output: string;
  passed: boolean;
  maxAbsError?: number;
  maxRelError?: number;
  line: number;
}

export interface PolygraphyLog {
  commands: { command: string; status: 'PASSED' | 'FAILED' | 'RUNNING'; line: number }[];
  trtVersion?: string;
  comparisons: PolygraphyComparison[];
  diagnostics: LogDiagnostic[];
  /** From `polygraphy inspect model x.engine --show layers [attrs]`. */
  engineLayers?: EngineLayer[];
}

export type TrtArtifactData =
  | { kind: 'trtexec-log'; log: TrtexecLog }
  | { kind: 'inspector-log'; inspector: InspectorLog }
  | { kind: 'layer-info-json'; layerInfo: LayerInfo }
  | { kind: 'profile-json'; profile: LayerProfile }
  | { kind: 'times-json'; times: TimesSummary }
  | { kind: 'trex-metadata-json'; trex: TrexMetadata }
  | { kind: 'calibration-cache'; cache: CalibrationCache }
  | { kind: 'polygraphy-log'; polygraphy: PolygraphyLog };

export type TrtArtifact = TrtArtifactData & { file: string };

export type PrecisionMix = Partial<Record<TrtDataType, number>>;

/** What `pwb trt-import` prints per file. */
export interface ArtifactSummary {
  file: string;
  kind: TrtArtifactKind;
  trtVersion?: string;
  layerCount?: number;
  /** Per inference (sum of per-layer averages), when a profile is part of the file. */
  totalTimeMs?: number;
  slowestLayers?: { name: string; averageMs: number; share: number }[];
  precisionMix?: PrecisionMix;
  /** Layer tactic searches (per builder pass) in a build log, and how many of them chose a tactic. */
  tacticSearches?: number;
  chosenTactics?: number;
  tacticCandidates?: number;
  warningCount: number;
  errorCount: number;
  /** Short human facts: "3 builder passes", "names-only export", "2 optimization profiles"… */
  notes: string[];
}

/** How an engine layer was tied to ONNX nodes. */
export type MatchMethod = 'metadata' | 'exact-name' | 'fused-part' | 'pwn' | 'foreign-node-range' | 'reformat' | 'unmatched';

export interface LayerMapping {
  engineLayer: string;
  method: MatchMethod;
  /** ONNX node names this engine layer computes (for reformats: the nodes of the layer it feeds/follows). */
  onnxNodes: string[];
  /** Name parts that matched no ONNX node (only when an ONNX model was given). */
  unknownParts: string[];
  /** For reformat copies: the layer the copy is for. */
  reformatTarget?: string;
  /** For {ForeignNode[a...b]}: the endpoints as printed. */
  range?: { first: string; last: string };
}

export interface MappingCoverage {
  engineLayers: number;
  mapped: number;
  byMethod: Partial<Record<MatchMethod, number>>;
  /** Whether names were checked against an ONNX model (otherwise parsed names are taken as node names). */
  verifiedAgainstOnnx: boolean;
  /** ONNX nodes no engine layer maps to (only with a model; Myelin internals and constants folded away land here). */
  onnxNodesWithoutLayer?: number;
  onnxNodes?: number;
}

/** The ONNX side of the mapping: plain data the caller derives from app/model/graph.ts (see onnx-side.ts). */
export interface OnnxSide {
  /** In topological order (ForeignNode ranges are expanded along it). */
  nodes: { name: string; opType?: string; outputs: string[] }[];
  /** Reduced-precision layers and their stable ids (app/precision/layers.ts), for the plan check. */
  layers?: { id: string; name: string; opType: string }[];
  /** Planned precision per layer id (resolved from a PrecisionPlan by the caller or by onnx-side.ts). */
  plannedPrecision?: Record<string, Precision>;
}

export interface PlanCheckRow {
  layerId: string;
  node: string;
  planned: Precision;
  /** Compute precision of each engine layer that runs this node (reformat copies excluded). */
  realized: { engineLayer: string; precision: TrtDataType }[];
  status: 'as-planned' | 'higher-precision' | 'lower-precision' | 'not-in-engine' | 'unknown-precision';
}

export interface PlanCheck {
  rows: PlanCheckRow[];
  /** Planned INT8 but every engine layer that runs the node is FP32 (the headline problem). */
  fp32WhereInt8: PlanCheckRow[];
  /** Planned INT8 but ran FP16 (or FP16 asked and ran FP32). */
  otherHigherPrecision: PlanCheckRow[];
}

/** Layer info, profile, times and build log of one engine, grouped by file name stem. */
export interface EngineReport {
  id: string;
  /** Short label (the part of the stem that differs between engines). */
  label: string;
  files: { layerInfo?: string; profile?: string; times?: string; log?: string; inspector?: string };
  trtVersion?: string;
  layers: EngineLayerRow[];
  precisionMix: PrecisionMix;
  totalTimeMs?: number;
  /** Profile rows whose name matched no engine layer (e.g. Myelin kernels under a ForeignNode). */
  unmatchedProfileRows: number;
  mapping: LayerMapping[];
  coverage: MappingCoverage;
  planCheck?: PlanCheck;
}

export interface EngineLayerRow {
  name: string;
  layerType?: string;
  precision: TrtDataType;
  isReformat: boolean;
  averageMs?: number;
  /** averageMs / engine total (0…1). */
  share?: number;
  tacticName?: string;
  tacticValue?: string;
}

export interface EngineDiffCell {
  layer: string;
  precision: TrtDataType;
  averageMs?: number;
}

export interface EngineDiffRow {
  /** Name in the reference engine (or the first engine that has the row). */
  key: string;
  /** The weakest way a cell of this row was aligned: same engine-layer name, same ONNX nodes, or same op + output shape in order. */
  alignedBy: 'name' | 'onnx-nodes' | 'op-and-shape';
  cells: (EngineDiffCell | null)[];
}

export interface EngineDiff {
  /** Engine ids in column order; the first is the reference. */
  engines: string[];
  labels: string[];
  rows: EngineDiffRow[];
  /** Per engine: reformat / Q/DQ / no-op layers, not aligned, summed. */
  overhead: { layers: number; averageMs: number }[];
  totalsMs: (number | null)[];
}

export interface TrtImportFailure {
  file: string;
  code: string;
  message: string;
}

export interface TrtImportResult {
  schema: 'pwb.trt-import';
  version: 1;
  artifacts: TrtArtifact[];
  summaries: ArtifactSummary[];
  engines: EngineReport[];
  /** One per group of two or more engines of the same network (their compute layers align), e.g. FP32/FP16/QAT. */
  diffs: EngineDiff[];
  /** Files that could not be read (only with onError: 'collect'). */
  failures: TrtImportFailure[];
}
