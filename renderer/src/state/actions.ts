/**
 * Everything the UI asks the engine to do: plain functions that call the client and write the store
 * (zustand's "actions outside the store"). Long calls become jobs with progress and Cancel.
 */
import type { WorkbenchProject } from '../../../app/contract/project';
import type { ExportRequest, OpenSessionRequest, ProgressEvent, ServiceMethod, TensorRtStatus } from '../../../app/contract/service';
import type { HostCrashReason, HostEvent } from '../../../app/contract/wire-protocol';
import type { Precision } from '../../../app/precision/plan';
import { describeError } from '../client/client-error';
import type { PendingCall, WorkbenchClient } from '../client/workbench-client';
import type { Host } from '../host/host';
import { unavailableStatus } from './backend-logic';
import { planWithStaged, stage } from './plan-logic';
import { currentBuild, detailKey, initialBuilds, initialSelection, useWorkbench, type UiError, type ViewName, type WorkbenchState } from './store';
import { EMPTY_FILTER, worstLayers } from './table-logic';

let client: WorkbenchClient | null = null;

export function setClient(value: WorkbenchClient | null): void {
  client = value;
}

function requireClient(): WorkbenchClient {
  if (!client) throw new Error('No connection to the engine yet.');
  return client;
}

const set = useWorkbench.setState;
const get = useWorkbench.getState;

export function reportError(error: unknown, during?: string): UiError {
  const described = { ...describeError(error), during };
  if (described.code !== 'CANCELLED') set((s) => ({ errors: [...s.errors.slice(-4), described] }));
  return described;
}

export function dismissError(index: number): void {
  set((s) => ({ errors: s.errors.filter((_, i) => i !== index) }));
}

/** Runs a long call as a job: shown in the job bar with its progress and a Cancel button. */
async function runJob<T>(label: string, method: ServiceMethod, start: (onProgress: (p: ProgressEvent) => void) => PendingCall<T>): Promise<T> {
  let callId = -1;
  const onProgress = (progress: ProgressEvent) => set((s) => ({ jobs: s.jobs.map((j) => (j.callId === callId ? { ...j, progress } : j)) }));
  const call = start(onProgress);
  callId = call.callId;
  set((s) => ({ jobs: [...s.jobs, { callId, method, label, progress: null, startedAt: Date.now(), cancellable: true }] }));
  try {
    return await call;
  } finally {
    set((s) => ({ jobs: s.jobs.filter((j) => j.callId !== callId) }));
  }
}

export function cancelJob(callId: number): void {
  client?.cancel(callId);
}

/** Loads a per-resource value once, with its own loading flag and error. */
async function loadResource<T>(key: string, load: () => Promise<T>, store: (value: T) => void): Promise<void> {
  const state = get();
  if (state.loading[key]) return;
  set((s) => ({ loading: { ...s.loading, [key]: true }, resourceErrors: withoutKey(s.resourceErrors, key) }));
  try {
    store(await load());
  } catch (error) {
    const described = describeError(error);
    set((s) => ({ resourceErrors: { ...s.resourceErrors, [key]: described } }));
  } finally {
    set((s) => ({ loading: withoutKey(s.loading, key) }));
  }
}

function withoutKey<T>(record: Record<string, T>, key: string): Record<string, T> {
  const { [key]: _removed, ...rest } = record;
  return rest;
}

export function crashMessage(reason: HostCrashReason): string {
  switch (reason.kind) {
    case 'killed': return `killed by ${reason.signal}`;
    case 'exited': return `exit code ${reason.exitCode}`;
    case 'out-of-memory': return 'out of memory';
    case 'cancelled': return 'cancelled';
    case 'spawn-failed': return `could not start: ${reason.message}`;
  }
}

export function onHostEvent(event: HostEvent): void {
  if (event.kind === 'host-crashed') {
    // A cancel restarts the host on purpose: not a crash the user needs to hear about unless a session was lost.
    if (event.reason.kind === 'cancelled' && !get().session) return;
    set({ hostCrash: { message: `The engine stopped (${crashMessage(event.reason)})${event.restarting ? ' — restarted; reopen the model' : ''}`, restarting: event.restarting } });
  } else if (event.kind === 'host-stopped') {
    set({ hostCrash: { message: `The engine stopped (${crashMessage(event.reason)}) and was not restarted: ${event.message}`, restarting: false } });
  }
}

/** Connects the store to a host: events, startup model. */
export async function boot(host: Host, workbench: WorkbenchClient): Promise<void> {
  setClient(workbench);
  set({ hostKind: host.kind, hostLabel: host.label });
  workbench.onEvent((event) => {
    if (event.kind === 'host') onHostEvent(event.event);
    else set({ disconnected: event.message });
  });
  host.onOpenPath?.((modelPath) => set({ startup: { modelPath, autoOpen: null }, view: 'start' }));
  const startup = await host.startup();
  set({ startup });
  void loadTensorRtStatus();
  if (startup.autoOpen) await analyse(startup.autoOpen);
}

/**
 * Asks the engine once whether TensorRT can build engines here (the start screen's backend choice, export's engine
 * option, the TensorRT view). A failing call counts as "unavailable" with its error as the reason.
 */
export async function loadTensorRtStatus(): Promise<TensorRtStatus> {
  let status: TensorRtStatus;
  try {
    status = await requireClient().tensorRtStatus({});
  } catch (error) {
    status = unavailableStatus(describeError(error));
  }
  set({ tensorRt: status });
  return status;
}

export function setView(view: ViewName): void {
  set({ view });
}

/** The overview's "N layers ran wider than planned": the layer table filtered to exactly those layers. */
export function showWiderThanPlanned(): void {
  set((s) => ({ view: 'layers', filter: { ...EMPTY_FILTER, widerThanPlanned: true }, selection: { ...s.selection, cursor: -1, anchor: -1 } }));
}

/** Open a session and build its initial plan: the start screen's "Analyse". */
export async function analyse(request: OpenSessionRequest): Promise<boolean> {
  const c = requireClient();
  try {
    const previous = get().session;
    if (previous) void c.closeSession({ sessionId: previous.sessionId }).catch(() => undefined);
    set({ ...initialBuilds, ...initialSelection, session: null, openRequest: request, hostCrash: null });
    const session = await runJob('Opening the model: calibration and FP32 references', 'openSession', (onProgress) => c.openSession(request, { onProgress }));
    set({ session, overview: session.overview });
    const build = await runJob('Building and comparing with FP32', 'build', (onProgress) => c.build({ sessionId: session.sessionId, plan: request.plan }, { onProgress }));
    addBuild(build);
    set({ view: get().view === 'start' ? 'overview' : get().view });
    return true;
  } catch (error) {
    reportError(error, 'Analysing the model');
    return false;
  }
}

/** The open project as a pwb.project document (model, data, current plan, build notes, a little UI state). */
export function currentProject(): WorkbenchProject | null {
  const state = get();
  const build = currentBuild(state);
  if (!state.openRequest) return null;
  return {
    schema: 'pwb.project',
    version: 1,
    savedAt: '',
    open: state.openRequest,
    plan: build?.plan ?? null,
    builds: Object.values(state.builds).map((b) => ({
      buildId: b.buildId,
      createdAt: b.view.createdAt,
      plan: b.plan,
      outputs: b.view.outputs.map((o) => ({ name: o.name, cosineSimilarity: o.metrics?.cosineSimilarity ?? null, sqnrDb: o.metrics?.sqnrDb ?? null })),
      top1Agreement: b.view.classification?.top1Agreement ?? null,
    })),
    ui: { view: state.view, ...(state.detailLayerId ? { detailLayerId: state.detailLayerId } : {}) },
  };
}

/** Autosave after every build: a crash or a closed window loses nothing (one file per model, engine side). */
async function autosave(): Promise<void> {
  const project = currentProject();
  if (!project) return;
  try {
    const saved = await requireClient().autosaveProject({ project });
    set({ autosavedTo: saved.path });
  } catch {
    // Autosave is best effort; the failure is not the user's action to handle.
  }
}

/** An autosaved project of this model, offered on the start screen. */
export async function findAutosave(modelPath: string): Promise<{ path: string; project: WorkbenchProject } | null> {
  try {
    return await requireClient().recoverProject({ modelPath });
  } catch {
    return null;
  }
}

/** Reopens an autosaved project: the same model and data, with its last plan. */
export async function restoreProject(project: WorkbenchProject): Promise<boolean> {
  return analyse(project.plan ? { ...project.open, plan: project.plan } : project.open);
}

export function addBuild(build: import('../../../app/contract/service').BuildSummary): void {
  if (typeof performance !== 'undefined' && performance.mark) performance.mark('pwb:build-received');
  queueMicrotask(() => void autosave());
  set((s) => ({
    builds: { ...s.builds, [build.buildId]: build },
    currentBuildId: build.buildId,
    staged: {},
    history: [
      ...s.history.filter((h) => h.buildId !== build.buildId),
      { buildId: build.buildId, plan: build.plan, timingsMs: build.timingsMs, outputs: build.view.outputs.map((o) => ({ name: o.name, metrics: o.metrics })) },
    ].sort((a, b) => a.buildId - b.buildId),
  }));
}

export async function reopen(): Promise<void> {
  const { openRequest, currentBuildId, builds } = get();
  if (!openRequest) return;
  const plan = currentBuildId !== null ? builds[currentBuildId]?.plan : undefined;
  set({ hostCrash: null });
  await analyse(plan ? { ...openRequest, plan } : openRequest);
}

export function selectBuild(buildId: number): void {
  if (get().builds[buildId]) {
    set({ currentBuildId: buildId, staged: {} });
    return;
  }
  const session = get().session;
  if (!session) return;
  void loadResource(`build:${buildId}`, () => requireClient().getBuild({ sessionId: session.sessionId, buildId }), (build) =>
    set((s) => ({ builds: { ...s.builds, [build.buildId]: build }, currentBuildId: build.buildId, staged: {} })),
  );
}

export function stagePrecision(layerIds: readonly string[], precision: Precision): void {
  const build = currentBuild(get());
  if (!build) return;
  const rows = new Map(build.view.layers.map((r) => [r.id, r]));
  set((s) => ({ staged: stage(s.staged, rows, layerIds, precision) }));
}

export function discardStaged(): void {
  set({ staged: {} });
}

/** Stages the n worst layers (lowest SQNR among those still INT8) to `precision`. */
export function pinWorst(n: number, precision: Precision = 'fp16'): string[] {
  const state = get();
  const build = currentBuild(state);
  if (!build) return [];
  const reduced = build.view.settings.precision;
  const ids = worstLayers(build.view.layers, n, reduced, (row) => state.staged[row.id] ?? row.precision);
  stagePrecision(ids, precision);
  return ids;
}

/** Rebuilds the current build's plan with the staged changes. */
export async function rebuild(): Promise<void> {
  const state = get();
  const build = currentBuild(state);
  if (!state.session || !build) return;
  const plan = planWithStaged(build.plan, state.staged);
  const sessionId = state.session.sessionId;
  try {
    const next = await runJob('Rebuilding with the new plan', 'applyPlanChange', (onProgress) => requireClient().applyPlanChange({ sessionId, change: { kind: 'replace', plan } }, { onProgress }));
    addBuild(next);
  } catch (error) {
    reportError(error, 'Rebuilding');
  }
}

/** Sensitivity with a target, then a rebuild with the suggested pins (in the precision the search measured). */
export async function sensitivityAndApply(target: string, pinPrecision: Precision = 'fp32'): Promise<void> {
  const state = get();
  const build = currentBuild(state);
  if (!state.session || !build) return;
  const sessionId = state.session.sessionId;
  try {
    const report = await runJob(`Sensitivity ranking (target ${target})`, 'sensitivity', (onProgress) => requireClient().sensitivity({ sessionId, plan: build.plan, target }, { onProgress }));
    set({ sensitivity: report });
    const pins = report.suggestion?.pins ?? [];
    if (!report.suggestion) throw new Error('The sensitivity run returned no suggestion (no target?).');
    const plan = planWithStaged(build.plan, Object.fromEntries(pins.map((id) => [id, pinPrecision])));
    const next = await runJob(`Rebuilding with ${pins.length} suggested pin(s)`, 'applyPlanChange', (onProgress) => requireClient().applyPlanChange({ sessionId, change: { kind: 'replace', plan } }, { onProgress }));
    addBuild(next);
  } catch (error) {
    reportError(error, 'Sensitivity and pin suggestion');
  }
}

export function loadHeatmap(buildId: number): void {
  const session = get().session;
  if (!session || get().heatmaps[buildId]) return;
  void loadResource(`heatmap:${buildId}`, () => requireClient().heatmap({ sessionId: session.sessionId, buildId }), (heatmap) =>
    set((s) => ({ heatmaps: { ...s.heatmaps, [buildId]: heatmap } })),
  );
}

export function loadDetail(buildId: number, layerId: string): void {
  const session = get().session;
  const key = detailKey(buildId, layerId);
  if (!session || get().details[key]) return;
  void loadResource(`detail:${key}`, () => requireClient().layerDetail({ sessionId: session.sessionId, buildId, layerId }), (detail) =>
    set((s) => ({ details: { ...s.details, [key]: detail } })),
  );
}

export function openDetail(layerId: string | null): void {
  set({ detailLayerId: layerId });
}

export function loadGraph(): void {
  const session = get().session;
  if (!session || get().graph) return;
  void loadResource('graph', () => requireClient().graph({ sessionId: session.sessionId }), (graph) => set({ graph }));
}

export function loadHistory(): void {
  const session = get().session;
  if (!session) return;
  void loadResource('history', () => requireClient().history({ sessionId: session.sessionId }), (result) =>
    set({ history: result.builds.map((b) => ({ buildId: b.buildId, plan: b.plan, timingsMs: b.timingsMs, outputs: b.outputs.map((o) => ({ name: o.name, metrics: o.metrics })) })) }),
  );
}

export function loadDiff(fromBuildId: number, toBuildId: number): void {
  const session = get().session;
  if (!session) return;
  void loadResource('diff', () => requireClient().diff({ sessionId: session.sessionId, fromBuildId, toBuildId }), (data) => set({ diff: { fromBuildId, toBuildId, data } }));
}

export function inspectModel(modelPath: string): Promise<import('../../../app/contract/views').ModelOverview> {
  return requireClient().inspectModel({ modelPath });
}

export function previewSample(request: import('../../../app/contract/service').ServiceRequest<'previewSample'>) {
  return runJob('Preprocessing one sample', 'previewSample', (onProgress) => requireClient().previewSample(request, { onProgress }));
}

export function exportBuild(request: ExportRequest) {
  const label = request.engine ? 'Exporting the build and building model.engine with TensorRT' : 'Exporting the build';
  return runJob(label, 'exportBuild', (onProgress) => requireClient().exportBuild(request, { onProgress }));
}

/**
 * Imports TensorRT artifacts (files or folders) as a job; with a session open, engine layers are mapped to its model
 * and checked against its current plan. The result stays in the store (`trt`) until the next import.
 */
export async function importTrt(paths: string[]): Promise<void> {
  const sessionId = get().session?.sessionId ?? null;
  const request = sessionId ? { paths, sessionId } : { paths };
  await loadTrtResult('Importing TensorRT artifacts', async () => {
    const result = await runJob(`Importing ${paths.length} TensorRT path${paths.length === 1 ? '' : 's'}`, 'trtImport', (onProgress) => requireClient().trtImport(request, { onProgress }));
    return { paths, result, sessionId };
  });
}

/**
 * The engine the current build ran on (builds of a 'tensorrt' session): its build log, layer info and profile,
 * mapped to the model and the build's plan like an import, shown in the TensorRT view in place of the last import.
 */
export async function showBuildEngine(): Promise<void> {
  const sessionId = get().session?.sessionId;
  const buildId = get().currentBuildId;
  if (!sessionId || buildId === null) return;
  const what = `Reading the TensorRT engine of build #${buildId}`;
  await loadTrtResult(what, async () => {
    const result = await runJob(what, 'trtBuildArtifacts', () => requireClient().trtBuildArtifacts({ sessionId, buildId }));
    return { paths: [], result, sessionId, buildId };
  });
}

/** One TensorRT view result at a time, under the 'trt' loading flag and error (a cancel is not an error). */
async function loadTrtResult(during: string, load: () => Promise<NonNullable<WorkbenchState['trt']>>): Promise<void> {
  if (get().loading.trt) return;
  set((s) => ({ loading: { ...s.loading, trt: true }, resourceErrors: withoutKey(s.resourceErrors, 'trt') }));
  try {
    set({ trt: await load() });
  } catch (error) {
    const described = { ...describeError(error), during };
    if (described.code !== 'CANCELLED') set((s) => ({ resourceErrors: { ...s.resourceErrors, trt: described } }));
  } finally {
    set((s) => ({ loading: withoutKey(s.loading, 'trt') }));
  }
}
