/**
 * DEMO / BENCH HOST — not a way to reach the engine. Active only when the page URL has `?demo=<json url>`; answers
 * service calls from a DemoData file (demo-data.ts) so screenshots and the paint benchmark run without an engine.
 * The UI shows a "DEMO DATA" banner whenever this host is in use. `&latency=<ms>` sets how long long calls take
 * (default 800 ms, with progress events); `&autoopen=0` starts on the start screen.
 */
import type { BuildSummary, ExportedFiles, ServiceMethod } from '../../../app/contract/service';
import type { BuildDiff } from '../../../app/compare/build-diff';
import type { PrecisionPlan } from '../../../app/precision/plan';
import { LONG_METHODS } from '../../../app/contract/service';
import type { ClientMessage, ServerMessage, WireError } from '../../../app/contract/wire-protocol';
import type { LayerRow } from '../../../app/contract/views';
import { ListenerSet, type Transport, type TransportClosed } from '../client/transport';
import { ranWiderThanPlanned } from '../state/backend-logic';
import { DEMO_SCHEMA, DEMO_TENSORRT_STATUS, type DemoData } from './demo-data';
import { NO_STARTUP, type Host, type StartupInfo } from './host';

class DemoError extends Error {
  constructor(readonly wire: WireError) {
    super(wire.message);
  }
}

function notInDemo(what: string): DemoError {
  return new DemoError({ area: 'demo', code: 'NOT_IN_DEMO', message: `The demo data has no ${what}.` });
}

/**
 * A canned TensorRT build's row under a new precision: the demo "engine" realizes the new precision, except where
 * the canned engine ran wider than planned and that is still wider than the new plan (no kernel: it still does).
 */
function withPrecision(row: LayerRow, precision: LayerRow['precision']): LayerRow {
  if (row.enginePrecision === null || precision === row.precision) return { ...row, precision };
  const stillWider = ranWiderThanPlanned(row) && ranWiderThanPlanned({ ...row, precision });
  return { ...row, precision, enginePrecision: stillWider ? row.enginePrecision : precision };
}

function applyPlanToBuild(template: BuildSummary, buildId: number, plan: PrecisionPlan, previous: BuildSummary | null): BuildSummary {
  const layers = template.view.layers.map((row) => withPrecision(row, plan.layers[row.id]?.precision ?? plan.defaultPrecision));
  const view = { ...template.view, buildId, plan, layers, createdAt: new Date().toISOString(), diff: null };
  const diff = previous ? rowDiff(previous, { ...template, buildId, plan, view }) : null;
  return { ...template, buildId, plan, view: { ...view, diff }, diff };
}

/** The demo's own diff of two canned builds, from their rows (the engine computes it from reports). */
function rowDiff(before: BuildSummary, after: BuildSummary): BuildDiff {
  const old = new Map(before.view.layers.map((l) => [l.id, l]));
  const layers = after.view.layers.map((row) => {
    const prior = old.get(row.id);
    const a = prior?.sqnrDb ?? null;
    const b = row.sqnrDb;
    return {
      id: row.id,
      precisionBefore: prior?.precision ?? 'absent',
      precisionAfter: row.precision,
      sqnrDbBefore: a,
      sqnrDbAfter: b,
      sqnrDeltaDb: a !== null && b !== null ? b - a : null,
      cosineBefore: prior?.cosineSimilarity ?? null,
      cosineAfter: row.cosineSimilarity,
    };
  });
  return {
    layers,
    outputs: after.view.outputs.map((o, i) => ({
      name: o.name,
      sqnrDbBefore: before.view.outputs[i]?.metrics?.sqnrDb ?? null,
      sqnrDbAfter: o.metrics?.sqnrDb ?? null,
      cosineBefore: before.view.outputs[i]?.metrics?.cosineSimilarity ?? null,
      cosineAfter: o.metrics?.cosineSimilarity ?? null,
    })),
    top1AgreementBefore: before.view.classification?.top1Agreement ?? null,
    top1AgreementAfter: after.view.classification?.top1Agreement ?? null,
    changedPrecision: layers.filter((l) => l.precisionBefore !== l.precisionAfter).map((l) => l.id),
  };
}

class DemoTransport implements Transport {
  private readonly listeners = new ListenerSet<ServerMessage | TransportClosed>();
  private readonly timers = new Map<number, number[]>();
  private readonly served: BuildSummary[] = [];

  constructor(private readonly data: Promise<DemoData>, private readonly latencyMs: number) {}

  send(message: ClientMessage): void {
    if (message.type === 'cancel') {
      if (!this.timers.has(message.id)) return;
      for (const timer of this.timers.get(message.id) ?? []) clearTimeout(timer);
      this.timers.delete(message.id);
      this.listeners.emit({ type: 'error', id: message.id, error: { area: 'transport', code: 'CANCELLED', message: 'Cancelled by the user.' } });
      return;
    }
    const { id, method, params } = message;
    const long = LONG_METHODS.includes(method);
    const delay = long ? this.latencyMs : 0;
    const timers: number[] = [];
    this.timers.set(id, timers);
    const steps = delay > 0 ? 5 : 0;
    for (let step = 1; step <= steps; step++) {
      timers.push(window.setTimeout(() => this.listeners.emit({ type: 'progress', id, progress: { phase: method === 'openSession' ? (step < 3 ? 'calibrate' : 'reference') : 'compare', done: step, total: steps + 1 } }), (delay * step) / (steps + 1)));
    }
    timers.push(
      window.setTimeout(() => {
        this.timers.delete(id);
        this.data
          .then((data) => this.answer(data, method, params as Record<string, unknown>))
          .then(
            (value) => this.listeners.emit({ type: 'result', id, value }),
            (error: unknown) =>
              this.listeners.emit({ type: 'error', id, error: error instanceof DemoError ? error.wire : { area: 'demo', code: 'DEMO_FAILED', message: String(error) } }),
          );
      }, delay),
    );
  }

  subscribe(listener: (message: ServerMessage | TransportClosed) => void): () => void {
    return this.listeners.add(listener);
  }

  close(): void {
    for (const timers of this.timers.values()) for (const t of timers) clearTimeout(t);
  }

  private build(data: DemoData, buildId: number): BuildSummary {
    const found = this.served.find((b) => b.buildId === buildId);
    if (!found) throw new DemoError({ area: 'session', code: 'BUILD_UNKNOWN', message: `No build ${buildId} in this session.` });
    return found;
  }

  private nextBuild(data: DemoData, plan: PrecisionPlan | undefined): BuildSummary {
    const template = data.builds[Math.min(this.served.length, data.builds.length - 1)];
    const previous = this.served.at(-1) ?? null;
    const build = this.served.length === 0 && !plan ? template : applyPlanToBuild(template, this.served.length + 1, plan ?? template.plan, previous);
    this.served.push(build);
    return build;
  }

  private async answer(data: DemoData, method: ServiceMethod, params: Record<string, unknown>): Promise<unknown> {
    switch (method) {
      case 'inspectModel':
        return data.overview;
      case 'openSession':
        this.served.length = 0;
        return data.session;
      case 'build':
        return this.nextBuild(data, params.plan as PrecisionPlan | undefined);
      case 'applyPlanChange': {
        const change = params.change as { kind: string; plan?: PrecisionPlan; layerIds?: string[]; precision?: string };
        const latest = this.served.at(-1)?.plan ?? data.session.initialPlan;
        let plan: PrecisionPlan = latest;
        if (change.kind === 'replace' && change.plan) plan = change.plan;
        else if (change.kind === 'pin') plan = { ...latest, layers: { ...latest.layers, ...Object.fromEntries((change.layerIds ?? []).map((id) => [id, { precision: change.precision as 'fp16' }])) } };
        return this.nextBuild(data, plan);
      }
      case 'getBuild':
        return this.build(data, params.buildId as number);
      case 'layerDetail': {
        const detail = data.details[params.layerId as string];
        if (!detail) throw notInDemo(`detail for layer '${String(params.layerId)}' (it holds details of the worst layers only)`);
        const row = this.build(data, params.buildId as number).view.layers.find((l) => l.id === params.layerId);
        const engine = detail.layer.engine && row?.enginePrecision ? { ...detail.layer.engine, precision: row.enginePrecision } : detail.layer.engine;
        return { ...detail, buildId: params.buildId, layer: { ...detail.layer, precision: row?.precision ?? detail.layer.precision, engine } };
      }
      case 'heatmap': {
        const heatmap = data.heatmaps[String(params.buildId)] ?? Object.values(data.heatmaps).at(-1);
        if (!heatmap) throw notInDemo('heatmap');
        return heatmap;
      }
      case 'graph':
        return data.graph;
      case 'history':
        return { builds: this.served.map((b) => ({ buildId: b.buildId, plan: b.plan, timingsMs: b.timingsMs, outputs: b.view.outputs.map((o) => ({ name: o.name, dims: o.dims, metrics: o.metrics })) })) };
      case 'diff':
        return rowDiff(this.build(data, params.fromBuildId as number), this.build(data, params.toBuildId as number));
      case 'sensitivity':
        return data.sensitivity;
      case 'previewSample':
        return data.preview;
      case 'exportBuild': {
        const tensorRt = data.tensorRt ?? DEMO_TENSORRT_STATUS;
        // Like the engine: TensorRT is checked before anything is written.
        if (params.engine === true && !tensorRt.available) {
          throw new DemoError({ area: 'trt', code: tensorRt.code ?? 'TENSORRT_UNAVAILABLE', message: `Cannot build model.engine: ${tensorRt.reason ?? 'TensorRT is not available'}. Nothing was written.` });
        }
        const outDir = String(params.outDir);
        const kinds = (params.kinds as string[] | undefined) ?? ['qdq', 'cache', 'trtexec', 'exclude', 'plan', 'report'];
        const names: Record<string, [string, number]> = {
          qdq: ['model.qdq.onnx', 9_412_331], fp16: ['model.mixed.onnx', 6_120_004], cache: ['model.calibration.cache', 41_220],
          trtexec: ['trtexec.sh', 1_904], exclude: ['nodes_to_exclude.txt', 311], plan: ['plan.json', 2_870], report: ['report.json', 5_731_554],
        };
        const files = kinds.filter((k) => names[k]).map((kind) => ({ kind, path: `${outDir}/${names[kind][0]}`, bytes: names[kind][1] }));
        if (params.engine === true) files.push({ kind: 'engine', path: `${outDir}/model.engine`, bytes: 12_845_056 });
        const result: ExportedFiles = { outDir, files, warnings: kinds.includes('fp16') ? [] : ['fp16: skipped by request'] };
        return result;
      }
      case 'report':
        throw notInDemo('full report');
      case 'trtImport':
        if (!data.trtImport) throw notInDemo('TensorRT import');
        return data.trtImport;
      case 'tensorRtStatus':
        return data.tensorRt ?? DEMO_TENSORRT_STATUS;
      case 'trtBuildArtifacts': {
        const build = this.build(data, params.buildId as number);
        if (build.view.settings.backend?.name !== 'tensorrt') {
          throw new DemoError({ area: 'trt', code: 'NOT_A_TENSORRT_BUILD', message: `Build ${build.buildId} ran on ONNX Runtime (INT8/FP16 emulation): it has no TensorRT engine. Open the model with the TensorRT backend to build one.` });
        }
        if (!data.trtBuildArtifacts) throw notInDemo("TensorRT engine artifacts of this build");
        return data.trtBuildArtifacts;
      }
      case 'recoverProject':
        return null;
      case 'saveProject':
      case 'openProject':
      case 'autosaveProject':
        throw notInDemo('project files (nothing is saved in demo mode)');
      case 'closeSession':
        return undefined;
    }
    const unhandled: never = method;
    throw notInDemo(`answer for ${String(unhandled)}`);
  }
}

async function loadDemo(url: string): Promise<DemoData> {
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) throw new Error(`demo data ${url}: HTTP ${response.status}`);
  const data = (await response.json()) as DemoData;
  if (data.schema !== DEMO_SCHEMA) throw new Error(`demo data ${url}: not a ${DEMO_SCHEMA} file`);
  return data;
}

export function createDemoHost(url: string, search: URLSearchParams): Host {
  const data = loadDemo(url);
  data.catch(() => undefined);
  const latency = Number(search.get('latency') ?? 800);
  const autoOpen = search.get('autoopen') !== '0';
  return {
    kind: 'demo',
    label: 'DEMO DATA',
    transport: new DemoTransport(data, Number.isFinite(latency) && latency >= 0 ? latency : 800),
    shell: null,
    async startup(): Promise<StartupInfo> {
      const loaded = await data.catch(() => null);
      if (!loaded) return NO_STARTUP;
      return autoOpen ? loaded.startup : { modelPath: loaded.startup.modelPath, autoOpen: null };
    },
  };
}
