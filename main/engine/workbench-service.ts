/**
 * In-process implementation of the WorkbenchService contract over AnalysisSession (direct calls for the CLI and
 * tests; the engine host of issue 4 exposes the same object over IPC / WebSocket).
 */
import { randomUUID } from 'node:crypto';
import { diffBuilds } from '../../app/compare/build-diff';
import type { BuildSummary, CallContext, ExportedFiles, ExportRequest, OpenSessionRequest, PlanChange, SamplePreview, SessionSummary, TensorRtStatus, WorkbenchService, DataSpec } from '../../app/contract/service';
import type { AnalysisReport, SensitivityReport } from '../../app/contract/report';
import { buildView, heatmapData, sensitivityIndex, type GraphData, type HeatmapData, type LayerDetail, type ModelOverview } from '../../app/contract/views';
import { EXPORT_KINDS, type ExportKind } from '../../app/export/export-artifacts';
import { exportModel } from '../export/export-model';
import { loadAnalysisModel } from '../io/model-file';
import { readTrtFiles } from '../io/trt-files';
import { importTrtArtifacts } from '../../app/trt/import';
import { onnxSideFromGraph } from '../../app/trt/onnx-side';
import type { OnnxSide, TrtImportResult } from '../../app/trt/types';
import { autosavePath, loadProject, saveProject } from '../io/project-file';
import type { WorkbenchProject } from '../../app/contract/project';
import { resolveInputSpecs } from './input-specs';
import { openSampleSource } from '../data/sample-sources';
import { graphData, layerNeighbours, modelOverview } from '../../app/contract/model-views';
import { samplePreview } from './sample-preview';
import { WorkbenchError } from '../../app/errors';
import { parseTarget } from '../../app/precision/pin-search';
import type { PrecisionPlan } from '../../app/precision/plan';
import { pinLayers, unpinLayers } from '../../app/precision/plan-edit';
import type { SampleSourceOptions } from '../data/sample-sources';
import { AnalysisSession, type BuildRecord } from './analyze';
import { openTensorRt, type TensorRt } from '../../native/index';
import { artifactFiles, tensorRtStatus } from './trt-backend';
import { ENGINE_FILE_NAME, checkEngineSources, exportEngine } from '../export/export-engine';

interface SessionEntry {
  session: AnalysisSession;
  overview: ModelOverview;
  request: OpenSessionRequest;
  /** The latest sensitivity ranking: folded into every later view's rows. */
  sensitivity: SensitivityReport | null;
}

export interface LocalServiceOptions {
  /** How TensorRT is opened (default openTensorRt from native/); tests pass a fake addon. */
  openTensorRt?: () => Promise<TensorRt>;
}

export class LocalWorkbenchService implements WorkbenchService {
  private readonly sessions = new Map<string, SessionEntry>();
  private readonly openTensorRt: () => Promise<TensorRt>;

  constructor(options: LocalServiceOptions = {}) {
    this.openTensorRt = options.openTensorRt ?? (() => openTensorRt());
  }

  private entry(sessionId: string): SessionEntry {
    const entry = this.sessions.get(sessionId);
    if (!entry) throw new WorkbenchError('cli', 'SESSION_NOT_FOUND', `no open session '${sessionId}' (it was closed, or the engine restarted: open the model again)`);
    return entry;
  }

  private record(entry: SessionEntry, buildId: number): { record: BuildRecord; previous: BuildRecord | undefined } {
    const index = entry.session.history.findIndex((b) => b.id === buildId);
    if (index < 0) throw new WorkbenchError('cli', 'BUILD_NOT_FOUND', `build ${buildId} is not in this session's history`);
    return { record: entry.session.history[index], previous: index > 0 ? entry.session.history[index - 1] : undefined };
  }

  private summarize(entry: SessionEntry, record: BuildRecord, previous: BuildRecord | undefined): BuildSummary {
    const diff = previous ? diffBuilds(previous.report, record.report) : null;
    return {
      buildId: record.id,
      plan: record.plan,
      timingsMs: record.timingsMs,
      diff,
      view: buildView({ buildId: record.id, plan: record.plan, report: record.report, timingsMs: record.timingsMs, diff }, entry.sensitivity),
    };
  }

  async inspectModel(request: { modelPath: string }): Promise<ModelOverview> {
    const loaded = await loadAnalysisModel(request.modelPath);
    return modelOverview(request.modelPath, loaded);
  }

  async openSession(request: OpenSessionRequest, context: CallContext = {}): Promise<SessionSummary> {
    const session = await AnalysisSession.open({
      ...request,
      calibration: request.calibration as SampleSourceOptions | undefined,
      evaluation: request.evaluation as SampleSourceOptions | undefined,
      keepForRebuilds: true,
      onProgress: context.onProgress,
      tensorRt: request.backend === 'tensorrt' ? await this.openTensorRt() : undefined,
    });
    const sessionId = randomUUID();
    const overview = modelOverview(request.modelPath, session.model);
    this.sessions.set(sessionId, { session, overview, request, sensitivity: null });
    return { sessionId, modelPath: request.modelPath, layerCount: session.model.layers.length, storedReferences: session.hasStoredReferences, initialPlan: session.model.initialPlan, overview };
  }

  private latestPlan(session: AnalysisSession): PrecisionPlan {
    return session.history.at(-1)?.plan ?? session.model.initialPlan;
  }

  /** The in-process build record with the full report (CLI and tests; the wire carries BuildSummary views). */
  async buildRecord(request: { sessionId: string; plan?: PrecisionPlan }, context: CallContext = {}): Promise<{ summary: BuildSummary; report: AnalysisReport }> {
    const entry = this.entry(request.sessionId);
    const previous = entry.session.history.at(-1);
    const record = await entry.session.build(request.plan ?? this.latestPlan(entry.session), context.onProgress);
    return { summary: this.summarize(entry, record, previous), report: record.report };
  }

  async build(request: { sessionId: string; plan?: PrecisionPlan }, context: CallContext = {}): Promise<BuildSummary> {
    return (await this.buildRecord(request, context)).summary;
  }

  planAfterChange(sessionId: string, change: PlanChange): PrecisionPlan {
    const current = this.latestPlan(this.entry(sessionId).session);
    return change.kind === 'replace' ? change.plan : change.kind === 'pin' ? pinLayers(current, change.layerIds, change.precision) : unpinLayers(current, change.layerIds);
  }

  async applyPlanChange(request: { sessionId: string; change: PlanChange }, context: CallContext = {}): Promise<BuildSummary> {
    return this.build({ sessionId: request.sessionId, plan: this.planAfterChange(request.sessionId, request.change) }, context);
  }

  async getBuild(request: { sessionId: string; buildId: number }): Promise<BuildSummary> {
    const entry = this.entry(request.sessionId);
    const { record, previous } = this.record(entry, request.buildId);
    return this.summarize(entry, record, previous);
  }

  async report(request: { sessionId: string; buildId: number }): Promise<AnalysisReport> {
    const entry = this.entry(request.sessionId);
    const report = this.record(entry, request.buildId).record.report;
    return entry.sensitivity ? { ...report, sensitivity: entry.sensitivity } : report;
  }

  async layerDetail(request: { sessionId: string; buildId: number; layerId: string }): Promise<LayerDetail> {
    const entry = this.entry(request.sessionId);
    const { record } = this.record(entry, request.buildId);
    const layer = record.report.layers.find((l) => l.id === request.layerId);
    if (!layer) throw new WorkbenchError('cli', 'LAYER_NOT_FOUND', `layer '${request.layerId}' is not in build ${request.buildId}`);
    const modelLayer = entry.session.model.layers.find((l) => l.id === request.layerId)!;
    const neighbours = layerNeighbours(entry.session.model.graph, entry.session.model.layers, modelLayer);
    const sensitivity = sensitivityIndex(entry.sensitivity).get(layer.id);
    return { buildId: record.id, layer, ...neighbours, isolated: sensitivity?.isolated ?? null, sensitivityRank: sensitivity?.rank ?? null };
  }

  async heatmap(request: { sessionId: string; buildId: number; columns?: number }): Promise<HeatmapData> {
    const entry = this.entry(request.sessionId);
    return heatmapData(this.record(entry, request.buildId).record.report, request.columns);
  }

  async graph(request: { sessionId: string }): Promise<GraphData> {
    const entry = this.entry(request.sessionId);
    return graphData(entry.session.model.graph, entry.session.model.layers);
  }

  async history(request: { sessionId: string }) {
    return { builds: this.entry(request.sessionId).session.history.map((b) => ({ buildId: b.id, plan: b.plan, timingsMs: b.timingsMs, outputs: b.report.outputs })) };
  }

  async diff(request: { sessionId: string; fromBuildId: number; toBuildId: number }) {
    const entry = this.entry(request.sessionId);
    return diffBuilds(this.record(entry, request.fromBuildId).record.report, this.record(entry, request.toBuildId).record.report);
  }

  async sensitivity(request: { sessionId: string; plan?: PrecisionPlan; samples?: number; target?: string; compareSearches?: boolean }, context: CallContext = {}): Promise<SensitivityReport> {
    const entry = this.entry(request.sessionId);
    context.onProgress?.({ phase: 'sensitivity', done: 0, total: 1 });
    const report = await entry.session.sensitivity(request.plan ?? this.latestPlan(entry.session), {
      samples: request.samples,
      target: request.target ? parseTarget(request.target) : undefined,
      compareSearches: request.compareSearches,
    });
    context.onProgress?.({ phase: 'sensitivity', done: 1, total: 1 });
    entry.sensitivity = report;
    return report;
  }

  async previewSample(request: { modelPath: string; data: DataSpec; index?: number; inputShapes?: Record<string, number[]> }): Promise<SamplePreview> {
    const loaded = await loadAnalysisModel(request.modelPath);
    const specs = resolveInputSpecs(loaded.graph, request.inputShapes, []);
    const data = request.data as SampleSourceOptions;
    const source = await openSampleSource(data, specs);
    return samplePreview(source, request.index ?? 0);
  }

  async exportBuild(request: ExportRequest, context: CallContext = {}): Promise<ExportedFiles> {
    const entry = this.entry(request.sessionId);
    const report = await this.report({ sessionId: request.sessionId, buildId: request.buildId });
    const kinds = request.kinds?.map((k) => {
      if (!(EXPORT_KINDS as readonly string[]).includes(k)) throw new WorkbenchError('cli', 'EXPORT_KIND_UNKNOWN', `unknown export '${k}' (known: ${EXPORT_KINDS.join(', ')})`);
      return k as ExportKind;
    });
    // TensorRT is checked before anything is written: without it, an engine export fails with nothing on disk.
    const tensorRt = request.engine ? await this.openTensorRt() : undefined;
    if (tensorRt) checkEngineSources(kinds);
    context.onProgress?.({ phase: 'export', done: 0, total: tensorRt ? 2 : 1 });
    // Through JSON text, as pwb export reads it from disk (non-finite numbers become null the same way).
    const text = JSON.stringify(report, null, 1);
    const summary = await exportModel({ modelPath: entry.request.modelPath, report: { bytes: new TextEncoder().encode(text), json: JSON.parse(text), label: `build ${request.buildId} of this session` }, outDir: request.outDir, what: kinds, force: request.force, laterTargets: tensorRt ? [ENGINE_FILE_NAME] : [] });
    if (tensorRt) {
      context.onProgress?.({ phase: 'export', done: 1, total: 2 });
      summary.written.push(await exportEngine(summary, tensorRt, { force: request.force }));
    }
    context.onProgress?.({ phase: 'export', done: tensorRt ? 2 : 1, total: tensorRt ? 2 : 1 });
    return { outDir: summary.outDir, files: summary.written.map((w) => ({ kind: w.kind, path: w.path, bytes: w.bytes })), warnings: summary.notes };
  }

  async saveProject(request: { path: string; project: WorkbenchProject; force?: boolean }) {
    return saveProject(request.path, request.project, { overwrite: request.force ?? false });
  }

  async openProject(request: { path: string }): Promise<WorkbenchProject> {
    return loadProject(request.path);
  }

  async autosaveProject(request: { project: WorkbenchProject }) {
    return saveProject(autosavePath(request.project.open.modelPath), request.project, { overwrite: true });
  }

  async recoverProject(request: { modelPath: string }): Promise<{ path: string; project: WorkbenchProject } | null> {
    const file = autosavePath(request.modelPath);
    try {
      return { path: file, project: await loadProject(file) };
    } catch (error) {
      if ((error as WorkbenchError).code === 'FILE_NOT_FOUND') return null;
      throw error;
    }
  }

  async trtImport(request: { paths: string[]; sessionId?: string; modelPath?: string }): Promise<TrtImportResult> {
    const files = await readTrtFiles(request.paths);
    let onnx: OnnxSide | undefined;
    if (request.sessionId) {
      const entry = this.entry(request.sessionId);
      onnx = onnxSideFromGraph(entry.session.model.graph, entry.session.model.layers, this.latestPlan(entry.session));
    } else if (request.modelPath) {
      const loaded = await loadAnalysisModel(request.modelPath);
      onnx = onnxSideFromGraph(loaded.graph, loaded.layers);
    }
    return importTrtArtifacts(files, onnx, { onError: 'collect' });
  }

  async tensorRtStatus(_request: Record<string, never> = {}): Promise<TensorRtStatus> {
    return tensorRtStatus(this.openTensorRt);
  }

  async trtBuildArtifacts(request: { sessionId: string; buildId: number }): Promise<TrtImportResult> {
    const entry = this.entry(request.sessionId);
    const { record } = this.record(entry, request.buildId);
    if (!record.tensorRt) {
      throw new WorkbenchError('trt', 'NOT_A_TENSORRT_BUILD', `build ${request.buildId} ran on ONNX Runtime (emulation), not as a TensorRT engine; open the model with the TensorRT backend to get engines`);
    }
    const onnx = onnxSideFromGraph(entry.session.model.graph, entry.session.model.layers, record.plan);
    // With an FP32 TensorRT reference, its engine comes along: the TensorRT view then diffs FP32 against this build.
    const files = [...(record.tensorRtFp32 ? artifactFiles('fp32', record.tensorRtFp32) : []), ...artifactFiles(record.id, record.tensorRt)];
    return importTrtArtifacts(files, onnx, { onError: 'collect' });
  }

  async closeSession(request: { sessionId: string }): Promise<void> {
    const entry = this.entry(request.sessionId);
    entry.session.dispose();
    this.sessions.delete(request.sessionId);
  }

  /** Closes every session (engine host shutdown). */
  async closeAll(): Promise<void> {
    for (const sessionId of [...this.sessions.keys()]) await this.closeSession({ sessionId });
  }
}
