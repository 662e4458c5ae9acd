/**
 * The workbench service: the one interface the UI, the browser-mode server and the CLI use to reach the engine.
 * Every method takes one plain object and returns plain serializable data (it crosses IPC and WebSockets).
 * Long work returns when done here; the engine host (issue 4) wraps these calls in jobs with progress events
 * and cancel-by-kill.
 */
import type { BuildDiff } from '../compare/build-diff';
import type { AnalysisReport, SensitivityReport } from './report';
import type { CalibratorName, Precision, PrecisionPlan } from '../precision/plan';

export const SERVICE_VERSION = 1;

/** Where the data comes from: the same shapes the CLI flags produce (main/data sample-source options). */
export type DataSpec =
  | { kind: 'images'; dir: string; limit?: number; labels?: string; preprocess?: Record<string, unknown>; preprocessFile?: string }
  | { kind: 'npz' | 'npy'; path: string; limit?: number }
  | { kind: 'random'; count: number; seed: number };

export interface OpenSessionRequest {
  modelPath: string;
  precision: Precision;
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
}

export interface BuildSummary {
  buildId: number;
  plan: PrecisionPlan;
  report: AnalysisReport;
  timingsMs: { materialize: number; comparison: number; total: number };
  /** Against the previous build of the session (null for the first). */
  diff: BuildDiff | null;
}

export type PlanChange =
  | { kind: 'pin'; layerIds: string[]; precision: Precision }
  | { kind: 'unpin'; layerIds: string[] }
  | { kind: 'replace'; plan: PrecisionPlan };

export interface WorkbenchService {
  /** Loads the model and data, calibrates and records FP32 references. */
  openSession(request: OpenSessionRequest): Promise<SessionSummary>;
  /** Builds a plan (the session's current plan when omitted) and compares it with FP32. */
  build(request: { sessionId: string; plan?: PrecisionPlan }): Promise<BuildSummary>;
  /** Applies a change to the latest plan and rebuilds: only the reduced-precision variant is rebuilt and run. */
  applyPlanChange(request: { sessionId: string; change: PlanChange }): Promise<BuildSummary>;
  /** Every build of the session: plan, report, timings. */
  history(request: { sessionId: string }): Promise<{ builds: { buildId: number; plan: PrecisionPlan; timingsMs: BuildSummary['timingsMs']; outputs: AnalysisReport['outputs'] }[] }>;
  /** Per-layer diff of two builds of the session. */
  diff(request: { sessionId: string; fromBuildId: number; toBuildId: number }): Promise<BuildDiff>;
  /** Isolated sensitivity ranking and, with a target, a pin suggestion. */
  sensitivity(request: { sessionId: string; plan?: PrecisionPlan; samples?: number; target?: string; compareSearches?: boolean }): Promise<SensitivityReport>;
  closeSession(request: { sessionId: string }): Promise<void>;
}

/** Method names, the single list the IPC/WebSocket channels derive from. */
export const SERVICE_METHODS = ['openSession', 'build', 'applyPlanChange', 'history', 'diff', 'sensitivity', 'closeSession'] as const satisfies readonly (keyof WorkbenchService)[];
