/**
 * The workbench service: the one interface the UI, the browser-mode server and the CLI use to reach the engine.
 * Every method takes one plain object and returns plain serializable data (it crosses IPC and WebSockets).
 * Long work returns when done here; the engine host (issue 4) wraps these calls in jobs with progress events
 * and cancel-by-kill.
 */
import type { BuildDiff } from '../compare/build-diff';
import type { AnalysisReport, SensitivityReport } from './report';
import type { WorkbenchProject } from './project';
import type { TrtImportResult } from '../trt/types';
import type { BuildView, GraphData, HeatmapData, LayerDetail, ModelOverview } from './views';
import type { CalibratorName, Precision, PrecisionPlan } from '../precision/plan';

export const SERVICE_VERSION = 1;

/** Where the data comes from: the same shapes the CLI flags produce (main/data sample-source options). */
export type DataSpec =
  | { kind: 'images'; dir: string; limit?: number; labels?: string; preprocess?: Record<string, unknown>; preprocessFile?: string }
  | { kind: 'npz' | 'npy'; path: string; limit?: number }
  | { kind: 'random'; count: number; seed: number };

/**
 * Where the reduced-precision model runs. 'onnxruntime' (everywhere): INT8/FP16 emulated on ONNX Runtime CPU.
 * 'tensorrt' (needs TensorRT and an NVIDIA GPU, see tensorRtStatus): a real strongly typed TensorRT engine built
 * from the plan's Q/DQ + float16 graph, layer outputs read from its debug tensors. FP32 is ONNX Runtime in both.
 */
export type InferenceBackend = 'onnxruntime' | 'tensorrt';
export const INFERENCE_BACKENDS: readonly InferenceBackend[] = ['onnxruntime', 'tensorrt'];

/** Whether this machine can build TensorRT engines (the native addon loaded TensorRT and found a CUDA device). */
export interface TensorRtStatus {
  available: boolean;
  /** "10.16.1" of the loaded libnvinfer, when available. */
  version: string | null;
  /** The addon file that loaded (or null). */
  addonFile: string | null;
  /** Why not, when unavailable: TENSORRT_UNAVAILABLE, TRT_CUDA_UNAVAILABLE, ... and the addon's message. */
  code: string | null;
  reason: string | null;
}

export interface OpenSessionRequest {
  modelPath: string;
  precision: Precision;
  /** Default 'onnxruntime'. 'tensorrt' fails with TENSORRT_UNAVAILABLE before anything is loaded where it cannot run. */
  backend?: InferenceBackend;
  /**
   * With backend 'tensorrt': compare with an FP32 TensorRT engine of the model ('tensorrt', engine against engine,
   * and the TensorRT view diffs the two engines) instead of ONNX Runtime FP32 ('onnxruntime', the default).
   */
  fp32Reference?: InferenceBackend;
  calibration?: DataSpec;
  evaluation?: DataSpec;
  calibrator?: CalibratorName;
  calibrationCachePath?: string;
  inputShapes?: Record<string, number[]>;
  labelOffset?: number;
  plan?: PrecisionPlan;
}

export interface SessionSummary {
  sessionId: string;
  modelPath: string;
  layerCount: number;
  /** FP32 references are kept on disk: rebuilds run only the reduced-precision model. */
  storedReferences: boolean;
  initialPlan: PrecisionPlan;
  overview: ModelOverview;
}

/** A build as the UI sees it: bounded rows, no tensors (app/contract/views.ts). */
export interface BuildSummary {
  buildId: number;
  plan: PrecisionPlan;
  view: BuildView;
  timingsMs: { materialize: number; comparison: number; total: number };
  /** Against the previous build of the session (null for the first). */
  diff: BuildDiff | null;
}

export type PlanChange =
  | { kind: 'pin'; layerIds: string[]; precision: Precision }
  | { kind: 'unpin'; layerIds: string[] }
  | { kind: 'replace'; plan: PrecisionPlan };

/** Throttled progress of a long call (load, calibrate, reference, compare, report, sensitivity, export). */
export interface ProgressEvent {
  phase: string;
  done: number;
  total: number;
}

/** Per-call context a transport passes alongside the request (never serialized). */
export interface CallContext {
  onProgress?: (progress: ProgressEvent) => void;
}

export interface SamplePreview {
  description: string;
  sampleCount: number;
  index: number;
  inputs: {
    name: string;
    dims: number[];
    stats: { min: number; max: number; mean: number; std: number };
    /** First image-like input rendered back to RGBA 8-bit (≤ 256 px a side), for a visual check of preprocessing. */
    image: { width: number; height: number; rgbaBase64: string } | null;
  }[];
}

export interface ExportRequest {
  sessionId: string;
  buildId: number;
  outDir: string;
  force?: boolean;
  /** Which artifacts; all when omitted (app/export/export-artifacts.ts ExportKind). */
  kinds?: string[];
  /**
   * Also build model.engine with the TensorRT installed here (strongly typed, from the exported FP16/Q-DQ ONNX).
   * TensorRT is checked before anything is written: without it the call fails with TENSORRT_UNAVAILABLE and
   * writes nothing.
   */
  engine?: boolean;
}

export interface ExportedFiles {
  outDir: string;
  files: { kind: string; path: string; bytes: number }[];
  warnings: string[];
}

export interface WorkbenchService {
  /** Reads a model and lists its layers (no data, no inference). */
  inspectModel(request: { modelPath: string }): Promise<ModelOverview>;
  /** Loads the model and data, calibrates and records FP32 references. */
  openSession(request: OpenSessionRequest, context?: CallContext): Promise<SessionSummary>;
  /** Builds a plan (the session's current plan when omitted) and compares it with FP32. */
  build(request: { sessionId: string; plan?: PrecisionPlan }, context?: CallContext): Promise<BuildSummary>;
  /** Applies a change to the latest plan and rebuilds: only the reduced-precision variant is rebuilt and run. */
  applyPlanChange(request: { sessionId: string; change: PlanChange }, context?: CallContext): Promise<BuildSummary>;
  /** One earlier build of the session, as its view. */
  getBuild(request: { sessionId: string; buildId: number }): Promise<BuildSummary>;
  /** The full analysis report of a build (large: histograms and per-channel vectors of every layer). */
  report(request: { sessionId: string; buildId: number }): Promise<AnalysisReport>;
  /** Histograms, per-channel error, weight ranges, producers and consumers of one layer. */
  layerDetail(request: { sessionId: string; buildId: number; layerId: string }): Promise<LayerDetail>;
  /** Layers × channel buckets of per-channel error (at most HEATMAP_MAX_COLUMNS columns). */
  heatmap(request: { sessionId: string; buildId: number; columns?: number }): Promise<HeatmapData>;
  /** The model's node graph for the graph view. */
  graph(request: { sessionId: string }): Promise<GraphData>;
  /** Every build of the session: plan, report, timings. */
  history(request: { sessionId: string }): Promise<{ builds: { buildId: number; plan: PrecisionPlan; timingsMs: BuildSummary['timingsMs']; outputs: AnalysisReport['outputs'] }[] }>;
  /** Per-layer diff of two builds of the session. */
  diff(request: { sessionId: string; fromBuildId: number; toBuildId: number }): Promise<BuildDiff>;
  /** Isolated sensitivity ranking and, with a target, a pin suggestion. */
  sensitivity(request: { sessionId: string; plan?: PrecisionPlan; samples?: number; target?: string; compareSearches?: boolean }, context?: CallContext): Promise<SensitivityReport>;
  /** One preprocessed sample of a data source, as the model will see it. */
  previewSample(request: { modelPath: string; data: DataSpec; index?: number; inputShapes?: Record<string, number[]> }): Promise<SamplePreview>;
  /** Writes issue 3's exports (Q/DQ ONNX, mixed FP16 ONNX, calibration cache, trtexec, exclude list, plan, report) of a build. */
  exportBuild(request: ExportRequest, context?: CallContext): Promise<ExportedFiles>;
  /** Saves a project atomically (the previous file stays intact on any failure). */
  saveProject(request: { path: string; project: WorkbenchProject; force?: boolean }): Promise<{ path: string; bytes: number }>;
  openProject(request: { path: string }): Promise<WorkbenchProject>;
  /** Autosave of the open project (one file per model in the config folder); returns where it went. */
  autosaveProject(request: { project: WorkbenchProject }): Promise<{ path: string; bytes: number }>;
  /** The autosaved project of a model, if there is one (offered on reopen after a crash). */
  recoverProject(request: { modelPath: string }): Promise<{ path: string; project: WorkbenchProject } | null>;
  /**
   * Reads TensorRT artifacts (trtexec logs, layer-info/profile/times JSON, inspector output, caches; folders
   * recursively) and maps engine layers to the session's model and plan when a session is given. Unreadable files
   * are listed in `failures`, not fatal.
   */
  trtImport(request: { paths: string[]; sessionId?: string; modelPath?: string }): Promise<TrtImportResult>;
  /** Can this machine build TensorRT engines? (Loads the addon once; never throws for a missing TensorRT.) */
  tensorRtStatus(request: Record<string, never>): Promise<TensorRtStatus>;
  /**
   * What TensorRT produced for a build of a 'tensorrt' session — its build log, inspector layer JSON and per-layer
   * profile — parsed and mapped to the model and that build's plan exactly like imported files. Fails with
   * NOT_A_TENSORRT_BUILD for ONNX Runtime builds.
   */
  trtBuildArtifacts(request: { sessionId: string; buildId: number }): Promise<TrtImportResult>;
  closeSession(request: { sessionId: string }): Promise<void>;
}

/** Method names, the single list the IPC/WebSocket channels derive from. */
export const SERVICE_METHODS = [
  'inspectModel', 'openSession', 'build', 'applyPlanChange', 'getBuild', 'report', 'layerDetail', 'heatmap', 'graph',
  'history', 'diff', 'sensitivity', 'previewSample', 'exportBuild', 'saveProject', 'openProject', 'autosaveProject', 'recoverProject', 'trtImport',
  'tensorRtStatus', 'trtBuildArtifacts', 'closeSession',
] as const satisfies readonly (keyof WorkbenchService)[];
export type ServiceMethod = (typeof SERVICE_METHODS)[number];

/** Calls that can run for seconds to minutes: they report progress and can be cancelled (kill + restart the host). */
export const LONG_METHODS: readonly ServiceMethod[] = ['openSession', 'build', 'applyPlanChange', 'sensitivity', 'exportBuild', 'previewSample', 'trtImport'];

export type ServiceRequest<M extends ServiceMethod> = Parameters<WorkbenchService[M]>[0];
export type ServiceResult<M extends ServiceMethod> = Awaited<ReturnType<WorkbenchService[M]>>;
