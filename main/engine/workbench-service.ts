/**
 * In-process implementation of the WorkbenchService contract over AnalysisSession (direct calls for the CLI and
 * tests; the engine host of issue 4 exposes the same object over IPC / WebSocket).
 */
import { randomUUID } from 'node:crypto';
import { diffBuilds } from '../../app/compare/build-diff';
import type { BuildSummary, OpenSessionRequest, PlanChange, SessionSummary, WorkbenchService } from '../../app/contract/service';
import type { SensitivityReport } from '../../app/contract/report';
import { WorkbenchError } from '../../app/errors';
import { parseTarget } from '../../app/precision/pin-search';
import type { PrecisionPlan } from '../../app/precision/plan';
import { pinLayers, unpinLayers } from '../../app/precision/plan-edit';
import type { SampleSourceOptions } from '../data/sample-sources';
import { AnalysisSession, type BuildRecord } from './analyze';

function summarize(record: BuildRecord, previous: BuildRecord | undefined): BuildSummary {
  return { buildId: record.id, plan: record.plan, report: record.report, timingsMs: record.timingsMs, diff: previous ? diffBuilds(previous.report, record.report) : null };
}

export class LocalWorkbenchService implements WorkbenchService {
  private readonly sessions = new Map<string, AnalysisSession>();

  private session(sessionId: string): AnalysisSession {
    const session = this.sessions.get(sessionId);
    if (!session) throw new WorkbenchError('cli', 'SESSION_NOT_FOUND', `no open session '${sessionId}'`);
    return session;
  }

  async openSession(request: OpenSessionRequest): Promise<SessionSummary> {
    const session = await AnalysisSession.open({
      ...request,
      calibration: request.calibration as SampleSourceOptions | undefined,
      evaluation: request.evaluation as SampleSourceOptions | undefined,
      keepForRebuilds: true,
    });
    const sessionId = randomUUID();
    this.sessions.set(sessionId, session);
    return { sessionId, modelPath: request.modelPath, layerCount: session.model.layers.length, storedReferences: session.hasStoredReferences, initialPlan: session.model.initialPlan };
  }

  private latestPlan(session: AnalysisSession): PrecisionPlan {
    return session.history.at(-1)?.plan ?? session.model.initialPlan;
  }

  async build(request: { sessionId: string; plan?: PrecisionPlan }): Promise<BuildSummary> {
    const session = this.session(request.sessionId);
    const previous = session.history.at(-1);
    return summarize(await session.build(request.plan ?? this.latestPlan(session)), previous);
  }

  async applyPlanChange(request: { sessionId: string; change: PlanChange }): Promise<BuildSummary> {
    const session = this.session(request.sessionId);
    const current = this.latestPlan(session);
    const change = request.change;
    const plan = change.kind === 'replace' ? change.plan : change.kind === 'pin' ? pinLayers(current, change.layerIds, change.precision) : unpinLayers(current, change.layerIds);
    return this.build({ sessionId: request.sessionId, plan });
  }

  async history(request: { sessionId: string }) {
    return { builds: this.session(request.sessionId).history.map((b) => ({ buildId: b.id, plan: b.plan, timingsMs: b.timingsMs, outputs: b.report.outputs })) };
  }

  async diff(request: { sessionId: string; fromBuildId: number; toBuildId: number }) {
    const history = this.session(request.sessionId).history;
    const from = history.find((b) => b.id === request.fromBuildId);
    const to = history.find((b) => b.id === request.toBuildId);
    if (!from || !to) throw new WorkbenchError('cli', 'BUILD_NOT_FOUND', `build ${!from ? request.fromBuildId : request.toBuildId} is not in this session's history`);
    return diffBuilds(from.report, to.report);
  }

  async sensitivity(request: { sessionId: string; plan?: PrecisionPlan; samples?: number; target?: string; compareSearches?: boolean }): Promise<SensitivityReport> {
    const session = this.session(request.sessionId);
    return session.sensitivity(request.plan ?? this.latestPlan(session), {
      samples: request.samples,
      target: request.target ? parseTarget(request.target) : undefined,
      compareSearches: request.compareSearches,
    });
  }

  async closeSession(request: { sessionId: string }): Promise<void> {
    this.session(request.sessionId).dispose();
    this.sessions.delete(request.sessionId);
  }
}
