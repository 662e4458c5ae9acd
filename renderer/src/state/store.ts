/**
 * The one zustand store, built from slices (zustand's slices pattern). It holds small serializable UI state:
 * ids, summaries, selection, filters, job status. Calls to the engine live in actions.ts, not here.
 */
import { create } from 'zustand';
import type { BuildSummary, OpenSessionRequest, ProgressEvent, ServiceMethod, SessionSummary, TensorRtStatus } from '../../../app/contract/service';
import type { SensitivityReport } from '../../../app/contract/report';
import type { BuildDiff } from '../../../app/compare/build-diff';
import type { GraphData, HeatmapData, LayerDetail, ModelOverview } from '../../../app/contract/views';
import type { Precision, PrecisionPlan } from '../../../app/precision/plan';
import type { TrtImportResult } from '../../../app/trt/types';
import type { StartupInfo } from '../host/host';
import { EMPTY_SELECTION, type SelectionState } from './selection-logic';
import { DEFAULT_SORT, EMPTY_FILTER, type FilterSpec, type SortSpec } from './table-logic';

export type ViewName = 'start' | 'overview' | 'layers' | 'heatmap' | 'graph' | 'history' | 'export' | 'trt';
export type ThemeName = 'light' | 'dark';

export interface UiError {
  code: string;
  message: string;
  /** What the user was doing ("Opening the model"). */
  during?: string;
}

export interface HistoryEntry {
  buildId: number;
  plan: PrecisionPlan;
  timingsMs: BuildSummary['timingsMs'];
  outputs: { name: string; metrics: { cosineSimilarity: number | null; sqnrDb: number | null } | null }[];
}

export interface SessionSlice {
  hostKind: 'electron' | 'browser' | 'demo' | null;
  hostLabel: string;
  startup: StartupInfo | null;
  overview: ModelOverview | null;
  /** Where the open project was last autosaved (engine side), null before the first build. */
  autosavedTo: string | null;
  session: SessionSummary | null;
  /** What opened the session: kept for "Reopen" after an engine crash. */
  openRequest: OpenSessionRequest | null;
  /** Set by a host-crashed / host-stopped event until the user reopens or dismisses. */
  hostCrash: { message: string; restarting: boolean } | null;
  disconnected: string | null;
}

export interface BuildsSlice {
  builds: Record<number, BuildSummary>;
  currentBuildId: number | null;
  history: HistoryEntry[];
  heatmaps: Record<number, HeatmapData>;
  /** Keyed `${buildId}:${layerId}`. */
  details: Record<string, LayerDetail>;
  graph: GraphData | null;
  sensitivity: SensitivityReport | null;
  diff: { fromBuildId: number; toBuildId: number; data: BuildDiff } | null;
  /** Precision changes the user staged for the next rebuild (layer id → precision). */
  staged: Record<string, Precision>;
}

export interface SelectionSlice {
  selection: SelectionState;
  detailLayerId: string | null;
}

export interface TableSlice {
  sort: SortSpec;
  filter: FilterSpec;
}

export interface ThemeSlice {
  theme: ThemeName;
}

export interface Job {
  callId: number;
  method: ServiceMethod;
  label: string;
  progress: ProgressEvent | null;
  startedAt: number;
  cancellable: boolean;
}

export interface JobsSlice {
  jobs: Job[];
  errors: UiError[];
  /** Per resource ('heatmap:3', 'detail:3:conv1', 'graph', 'history', 'diff', 'preview'): loading flag and error. */
  loading: Record<string, boolean>;
  resourceErrors: Record<string, UiError>;
}

export interface ViewSlice {
  view: ViewName;
}

/**
 * The TensorRT view's last result (kept across views and sessions; loading/error under the 'trt' resource key):
 * imported files, or with `buildId` the engine a TensorRT build of the session made (trtBuildArtifacts).
 */
export interface TrtSlice {
  trt: { paths: string[]; result: TrtImportResult; sessionId: string | null; buildId?: number } | null;
}

/** Can this machine build TensorRT engines? Asked once at boot; null until the answer arrives. */
export interface TensorRtSlice {
  tensorRt: TensorRtStatus | null;
}

export type WorkbenchState = SessionSlice & BuildsSlice & SelectionSlice & TableSlice & ThemeSlice & JobsSlice & ViewSlice & TrtSlice & TensorRtSlice;

export const initialSession: SessionSlice = { hostKind: null, hostLabel: '', startup: null, overview: null, autosavedTo: null, session: null, openRequest: null, hostCrash: null, disconnected: null };
export const initialBuilds: BuildsSlice = { builds: {}, currentBuildId: null, history: [], heatmaps: {}, details: {}, graph: null, sensitivity: null, diff: null, staged: {} };
export const initialSelection: SelectionSlice = { selection: EMPTY_SELECTION, detailLayerId: null };
export const initialTable: TableSlice = { sort: DEFAULT_SORT, filter: EMPTY_FILTER };
export const initialJobs: JobsSlice = { jobs: [], errors: [], loading: {}, resourceErrors: {} };

export function initialState(theme: ThemeName = 'light'): WorkbenchState {
  return { ...initialSession, ...initialBuilds, ...initialSelection, ...initialTable, theme, ...initialJobs, view: 'start', trt: null, tensorRt: null };
}

export const useWorkbench = create<WorkbenchState>()(() => initialState());

/** The build the views show. */
export function currentBuild(state: WorkbenchState): BuildSummary | null {
  return state.currentBuildId === null ? null : state.builds[state.currentBuildId] ?? null;
}

export function detailKey(buildId: number, layerId: string): string {
  return `${buildId}:${layerId}`;
}
