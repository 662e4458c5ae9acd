/**
 * The analysis pipeline, as a session: open() loads the model and data, calibrates on FP32 and (for sessions kept
 * for rebuilds) records the FP32 layer outputs in the reference store; build(plan) materializes a plan as ONNX,
 * runs the reduced-precision model and compares every layer with FP32. A rebuild after a plan change reuses the
 * calibration statistics and the FP32 references: only the reduced-precision variant is built and run.
 *
 * Never every tensor of the graph: only what the report needs (quantized activation inputs for calibration and
 * saturation, layer outputs and model outputs for comparison), reduced to statistics as samples stream by.
 */
import * as ort from 'onnxruntime-node';
import type { ActivationStatistics } from '../../app/calibration/activation-statistics';
import { computeAmax } from '../../app/calibration/calibrators';
import { ClassificationAccumulator } from '../../app/compare/classification';
import { REPORT_SCHEMA, REPORT_VERSION, type AnalysisReport, type ChoiceScoreReport, type PinSearchReport, type SensitivityReport } from '../../app/contract/report';
import { WorkbenchError } from '../../app/errors';
import { captureOutputName, type CaptureRequest } from '../../app/model/capture';
import { summarizeModel, type Graph } from '../../app/model/graph';
import type { ModelProto } from '../../app/onnx/proto';
import { quantizedActivationTensors, type Layer } from '../../app/precision/layers';
import { materializePlan } from '../../app/precision/materialize';
import { bisectionSearch, CountingOracle, greedySearch, isolatedSensitivity, rankBySensitivity, rankedSearch, type Score, type SearchResult, type SearchTarget } from '../../app/precision/pin-search';
import { defaultPlan, resolvePlan, type CalibratorName, type Precision, type PrecisionPlan, type ResolvedLayerPrecision } from '../../app/precision/plan';
import { ReplayableSampleSource } from '../data/sample-cache';
import { openSampleSource, type SampleSourceOptions } from '../data/sample-sources';
import type { ModelInputSpec, SampleSource } from '../data/types';
import { loadAnalysisModel } from '../io/model-file';
import { planFromImport, type QuantizedImport } from '../../app/precision/quantized-import';
import { scalesFromCache } from './cache-scales';
import { runComparisonPass, type ComparisonResult } from './comparison-pass';
import { affectedLayers, changedLayers, layerSettings, type LayerSetting } from '../../app/precision/affected-layers';
import { resolveInputSpecs } from './input-specs';
import type { RunnerOptions } from './ort-runner';
import { outputKey, runReferencePass } from './reference-pass';
import { ReferenceStore } from './reference-store';
import { buildLayerReports, buildOutputReports, type ActivationRange } from './report-builder';
import { SwitchEvaluator } from './switch-evaluator';
import { checkMemoryBudget, defaultMemoryBudgetBytes } from './memory-guard';
import { emptyBreakdown, type TimeBreakdown } from './timing';
import type { InferenceBackend } from '../../app/contract/service';
import { stronglyTypedModel, type StronglyTypedModel } from '../../app/export/strongly-typed-model';
import type { TensorRt } from '../../native/index';
import type { TrtRunner } from './trt-runner';
import type { TensorData } from '../data/types';
import { TensorRtBackend, artifactFiles, engineLayerLinks, type TrtBuildArtifacts } from './trt-backend';
import { onnxSideFromGraph } from '../../app/trt/onnx-side';

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);
const toScoreReport = (s: Score): ChoiceScoreReport => ({ cosineSimilarity: finite(s.cosineSimilarity), sqnrDb: finite(s.sqnrDb), top1Agreement: s.top1Agreement });
const toPinSearch = (r: SearchResult): PinSearchReport => ({ method: r.method, pins: r.pins, evaluations: r.evaluations, score: toScoreReport(r.score), met: r.met, capped: r.capped ?? false });

export interface AnalysisProgress {
  phase: 'load' | 'calibrate' | 'reference' | 'engine' | 'compare' | 'profile' | 'report';
  done: number;
  total: number;
}

export interface AnalyzeOptions {
  modelPath: string;
  precision: Precision;
  plan?: PrecisionPlan;
  calibration?: SampleSourceOptions;
  /** Data the FP32 and reduced models are compared on; defaults to the calibration data. */
  evaluation?: SampleSourceOptions;
  calibrator?: CalibratorName;
  calibratorOptions?: { percentile?: number };
  calibrationCachePath?: string;
  inputShapes?: Record<string, number[]>;
  /** Classifier labels: index offset (1 for 1001-class models with background at 0). */
  labelOffset?: number;
  task?: 'auto' | 'classification' | 'none';
  threads?: number;
  onProgress?: (progress: AnalysisProgress) => void;
  toolVersion?: string;
  /**
   * Keep the FP32 layer outputs on disk (the reference store) so later rebuilds of the reduced model need no FP32
   * run. Off for a one-shot analysis: on this class of machine writing ppocrv4_det's 133 MB of layer outputs per
   * sample (≈ 440 MB/s) costs more than running FP32 again (≈ 100 ms); reading them back is cheap.
   */
  recordReferences?: boolean;
  /** Memory budget for one sample's captured tensors and their copies (bytes); default defaultMemoryBudgetBytes(). */
  memoryBudgetBytes?: number;
  /** Disk budget for the reference store (bytes); default half the free temp space, at most 32 GiB. */
  referenceBudgetBytes?: number;
  /**
   * Where the reduced model runs: 'onnxruntime' (default) emulates INT8/FP16 on ONNX Runtime CPU; 'tensorrt' builds
   * a strongly typed TensorRT engine per build (see trt-backend.ts). FP32 is ONNX Runtime in both.
   */
  backend?: InferenceBackend;
  /** TensorRT to use for the 'tensorrt' backend (default: openTensorRt()); tests pass a fake. */
  tensorRt?: TensorRt;
  /**
   * What the reduced model is compared with: 'onnxruntime' (default) or, with the TensorRT backend, 'tensorrt' — an
   * FP32 TensorRT engine of the model (built once per session, without TF32): engine against engine, as deployed.
   */
  fp32Reference?: 'onnxruntime' | 'tensorrt';
}

/** One build of the session: the plan, its report and what it cost. */
export interface BuildRecord {
  id: number;
  plan: PrecisionPlan;
  report: AnalysisReport;
  /** ms: materializing the plan as ONNX, and the comparison pass (reduced run + metrics). */
  timingsMs: { materialize: number; comparison: number; total: number };
  /** Layers whose metrics were reused from the previous build (upstream of every change); 0 for a full build. */
  reusedLayers?: number;
  /** TensorRT backend: what TensorRT produced for this build (log, inspector JSON, profile). */
  tensorRt?: TrtBuildArtifacts;
  /** FP32 TensorRT reference: what TensorRT produced for the session's FP32 engine (shared by every build). */
  tensorRtFp32?: TrtBuildArtifacts;
}

export interface SessionOptions extends AnalyzeOptions {
  /**
   * Keep what rebuilds need: calibration statistics for every layer's inputs (not only the INT8 ones of the first
   * plan) and the FP32 references on disk. One-shot analyses leave this off.
   */
  keepForRebuilds?: boolean;
}

export class AnalysisSession {
  readonly history: BuildRecord[] = [];
  /** Per build id: what each layer was built with and the comparison results (reused by incremental rebuilds). */
  private readonly buildState = new Map<number, { settings: Map<string, LayerSetting>; comparison: ComparisonResult }>();
  private readonly amaxByMethod = new Map<string, number>();

  private constructor(
    private readonly options: SessionOptions,
    readonly model: { proto: ModelProto; graph: Graph; layers: Layer[]; quantized?: QuantizedImport; initialPlan: PrecisionPlan },
    private readonly inputSpecs: ModelInputSpec[],
    private readonly modelOutputs: string[],
    private readonly runnerOptions: RunnerOptions,
    private readonly cacheRanges: Map<string, number>,
    private readonly cacheInfo: AnalysisReport['settings']['calibrationCache'],
    private readonly statistics: Map<string, ActivationStatistics>,
    private readonly calibrationData: { description: string; samples: number },
    private readonly evaluation: ReplayableSampleSource,
    private readonly store: ReferenceStore | undefined,
    private readonly openWarnings: string[],
    private readonly openTimings: { load: number; calibration: number; started: number },
    private readonly openBreakdown: TimeBreakdown,
    /** Set for sessions whose reduced models run as TensorRT engines. */
    readonly tensorRt: TensorRtBackend | undefined,
  ) {}

  static async open(options: SessionOptions): Promise<AnalysisSession> {
    const started = performance.now();
    const progress = options.onProgress ?? (() => {});
    // Before anything is read: a TensorRT session on a machine without TensorRT fails at once (TENSORRT_UNAVAILABLE).
    if (options.fp32Reference === 'tensorrt' && options.backend !== 'tensorrt') throw new WorkbenchError('cli', 'FLAG_INVALID', 'an FP32 TensorRT reference needs the TensorRT backend');
    const tensorRt = options.backend === 'tensorrt' ? await TensorRtBackend.open(options.tensorRt) : undefined;
    const warnings: string[] = [];
    const breakdown = emptyBreakdown();
    progress({ phase: 'load', done: 0, total: 1 });
    const { proto, graph, layers, quantized, bytes: modelBytes } = await loadAnalysisModel(options.modelPath);
    if (quantized) {
      warnings.push(`${options.modelPath} is a ${quantized.kind} quantized model: analysing its float twin (${quantized.summary.qdqPairsRemoved} Q/DQ pairs removed, ${quantized.summary.integerOps} integer ops rewritten) under the original's precisions and scales`);
      for (const note of quantized.notes) warnings.push(`quantized import: ${note}`);
    }
    const inputSpecs = resolveInputSpecs(graph, options.inputShapes, warnings);
    if (layers.length === 0) warnings.push('no reduced-precision layers found (no Conv/Gemm/MatMul/residual Add/pooling)');
    const modelOutputs = graph.outputs().map((o) => o.name);
    const layerRequests = layers.map((l) => ({ graphPath: l.graphPath, tensor: l.output }));
    const loadMs = performance.now() - started;
    // Sessions returning many intermediate tensors run at ORT's 'extended' level (see RunnerOptions).
    const runnerOptions: RunnerOptions = { threads: options.threads, optimization: 'extended' };

    // Which activation tensors need a range: every layer's inputs for a rebuildable session; for a one-shot
    // analysis only those of the plan's INT8 layers without an override.
    const firstPlan = options.plan ?? (quantized ? planFromImport(quantized, layers, { calibrator: options.calibrator }) : defaultPlan(options.precision, options.calibrator ?? 'entropy'));
    const int8 = resolvePlan(firstPlan, layers).resolved.filter((r) => r.precision === 'int8' && r.entry?.activationAmax === undefined).map((r) => r.layer);
    const activationRequests: CaptureRequest[] = quantizedActivationTensors(options.keepForRebuilds ? layers : int8);
    // Refuse before reading any sample when one sample's captures would not fit (MEMORY_BUDGET_EXCEEDED).
    const captured = [...layers.filter((l) => l.graphPath === '').map((l) => l.output), ...activationRequests.filter((r) => r.graphPath === '').map((r) => r.tensor), ...modelOutputs];
    const memory = checkMemoryBudget(options.modelPath, graph, Object.fromEntries(inputSpecs.map((s) => [s.name, s.dims])), captured, modelBytes.byteLength, options.memoryBudgetBytes ?? defaultMemoryBudgetBytes());
    if (memory.unknown.length > 0) warnings.push(`memory estimate: ${memory.unknown.length} captured tensors have shapes static inference cannot tell (e.g. '${memory.unknown[0]}'); they are not counted in the ${Math.round(memory.peakBytes / 1048576)} MB estimate`);
    const cacheRanges = new Map<string, number>();
    let cacheInfo: AnalysisReport['settings']['calibrationCache'] = null;
    if (options.calibrationCachePath) {
      const fromCache = await scalesFromCache(options.calibrationCachePath, graph, activationRequests, warnings);
      for (const [key, amax] of fromCache.amax) cacheRanges.set(key, amax);
      cacheInfo = fromCache.info;
    }
    const toCalibrate = activationRequests.filter((r) => !cacheRanges.has(captureOutputName(r)));
    if (toCalibrate.length > 0 && !options.calibration) {
      throw new WorkbenchError('cli', 'CALIBRATION_DATA_REQUIRED', `${toCalibrate.length} activation tensors need calibration; give --calib-data, --random N or a --calib-cache that covers them`);
    }
    const evaluationOptions = options.evaluation ?? options.calibration;
    if (!evaluationOptions) throw new WorkbenchError('cli', 'EVAL_DATA_REQUIRED', 'no data to compare on: give --calib-data, --eval-data or --random N');

    // The comparison data is decoded once and replayed for every pass and rebuild.
    const evaluation = new ReplayableSampleSource(await openSampleSource(evaluationOptions, inputSpecs));
    const recordReferences = options.recordReferences ?? options.keepForRebuilds ?? false;
    const store = recordReferences ? new ReferenceStore(evaluation.count, options.referenceBudgetBytes) : undefined;
    try {
      const sameData = !options.evaluation;
      const calibrationStart = performance.now();
      let statistics = new Map<string, ActivationStatistics>();
      let calibrationData = { description: 'none', samples: 0 };
      const onCalibrate = (done: number, total: number) => progress({ phase: 'calibrate', done, total });
      if (toCalibrate.length > 0 && !sameData) {
        const source: SampleSource = await openSampleSource(options.calibration!, inputSpecs);
        const pass = await runReferencePass({
          model: proto, label: `${options.modelPath} (FP32 calibration)`, source, calibrate: toCalibrate, record: [], modelOutputs: [],
          runnerOptions, breakdown, onSample: onCalibrate,
        });
        statistics = pass.statistics;
        calibrationData = { description: source.description, samples: pass.samples };
      }
      // On the comparison data: calibrate (when it is also the calibration data) and/or record the FP32 references.
      const calibrateHere = sameData && toCalibrate.length > 0;
      if (calibrateHere || store) {
        const pass = await runReferencePass({
          model: proto, label: `${options.modelPath} (FP32)`, source: evaluation, calibrate: calibrateHere ? toCalibrate : [], store, record: layerRequests, modelOutputs,
          runnerOptions, breakdown, onSample: calibrateHere ? onCalibrate : (done, total) => progress({ phase: 'reference', done, total }),
        });
        if (pass.samples === 0) throw new WorkbenchError('data', 'DATA_FOLDER_EMPTY', `${evaluation.description}: no samples to compare on`);
        if (calibrateHere) {
          statistics = pass.statistics;
          calibrationData = { description: evaluation.description, samples: pass.samples };
        }
        if (store && !store.enabled) warnings.push(`${store.reason}; FP32 is rerun in the comparison pass instead`);
      }
      for (const request of toCalibrate) {
        const stats = statistics.get(captureOutputName(request));
        if (!stats || stats.count === 0) {
          warnings.push(`tensor '${request.tensor}'${request.graphPath ? ` in ${request.graphPath}` : ''} was never computed on the calibration data (branch not taken?); its layers stay FP32`);
        }
      }
      const calibrationMs = performance.now() - calibrationStart;
      return new AnalysisSession(
        options, { proto, graph, layers, quantized, initialPlan: firstPlan }, inputSpecs, modelOutputs, runnerOptions, cacheRanges, cacheInfo, statistics, calibrationData,
        evaluation, store, warnings, { load: loadMs, calibration: calibrationMs, started }, breakdown, tensorRt,
      );
    } catch (error) {
      store?.dispose();
      evaluation.dispose();
      throw error;
    }
  }

  /** The range of an activation tensor under a calibration method: cache first, then calibrated (memoized). */
  private rangeOf(key: string, method: CalibratorName): ActivationRange | undefined {
    const cached = this.cacheRanges.get(key);
    if (cached !== undefined) return { amax: cached, source: 'calibration-cache' };
    const stats = this.statistics.get(key);
    if (!stats || stats.count === 0) return undefined;
    const memo = `${method}\u0000${key}`;
    let amax = this.amaxByMethod.get(memo);
    if (amax === undefined) {
      const result = computeAmax(stats, method, this.options.calibratorOptions);
      amax = result.amax;
      this.amaxByMethod.set(memo, amax);
      this.calibrationParameters.set(method, result.parameters);
    }
    return { amax, source: 'calibration' };
  }

  private readonly calibrationParameters = new Map<CalibratorName, Record<string, number | string>>();

  /**
   * Activation ranges of the plan's INT8 layers (override, cache, or calibrated with the layer's method). Layers
   * whose inputs have no range are switched to FP32 in `resolved`, rather than inventing a range.
   */
  private rangesFor(plan: PrecisionPlan, resolved: ResolvedLayerPrecision[]): Map<string, ActivationRange> {
    const ranges = new Map<string, ActivationRange>();
    for (const r of resolved) {
      if (r.precision !== 'int8') continue;
      const method = r.entry?.calibrator ?? plan.calibrator;
      for (const tensor of r.layer.activationInputs) {
        const key = captureOutputName({ graphPath: r.layer.graphPath, tensor });
        const range = r.entry?.activationAmax !== undefined ? { amax: r.entry.activationAmax, source: 'plan-override' as const } : this.rangeOf(key, method);
        if (range) ranges.set(key, range);
      }
      if (r.layer.activationInputs.some((t) => !ranges.has(captureOutputName({ graphPath: r.layer.graphPath, tensor: t })))) r.precision = 'fp32';
    }
    return ranges;
  }

  private isClassifier(): boolean {
    const { graph } = this.model;
    return this.options.task === 'classification' || (this.options.task !== 'none' && this.modelOutputs.length === 1 && (graph.outputs()[0].shape?.length ?? 0) === 2);
  }

  /**
   * Ranks the plan's reduced layers by their isolated effect on the final outputs (only that layer reduced) and,
   * with a target, suggests pins (and runs the reference searches when `compareSearches`). Uses the switchable
   * graph: one session, one pass over `samples` samples per evaluation, no captured tensors.
   */
  async sensitivity(plan: PrecisionPlan, options: { samples?: number; target?: SearchTarget; compareSearches?: boolean; allButThis?: boolean; maxGreedyEvaluations?: number } = {}): Promise<SensitivityReport> {
    const setupStart = performance.now();
    const { proto, graph, layers } = this.model;
    const { resolved } = resolvePlan(plan, layers);
    const ranges = this.rangesFor(plan, resolved);
    const reduced = resolved.filter((r) => r.precision !== 'fp32');
    const evaluator = await SwitchEvaluator.create({
      model: proto,
      graph,
      reduced,
      amaxOf: (graphPath, tensor) => ranges.get(captureOutputName({ graphPath, tensor }))?.amax,
      source: this.evaluation,
      maxSamples: options.samples ?? 8,
      outputs: this.modelOutputs,
      classifier: this.isClassifier(),
      label: this.options.modelPath,
      // FP32 outputs already on disk when the session keeps references: no FP32 session needed.
      storedReferences: this.store?.enabled ? (index) => { const stored = this.store!.read(index); return new Map(this.modelOutputs.map((name) => [name, stored.get(outputKey(name))!.data])); } : undefined,
    });
    try {
      const ids = reduced.map((r) => r.layer.id);
      const metric = options.target?.metric ?? (this.isClassifier() ? 'top1' : 'sqnr');
      const evaluate = (enabled: ReadonlySet<string>) => evaluator.evaluate(enabled);
      const setupMs = performance.now() - setupStart;
      const rankingStart = performance.now();
      const isolated = await isolatedSensitivity(ids, evaluate);
      const allButThis = new Map<string, Score>();
      if (options.allButThis) {
        const oracle = new CountingOracle(evaluate, ids);
        for (const id of ids) allButThis.set(id, await oracle.withPins([id]));
      }
      const order = rankBySensitivity(isolated, metric === 'top1' ? 'sqnr' : metric);
      const byId = new Map(isolated.map((x) => [x.id, x.score]));
      const rankingMs = performance.now() - rankingStart;
      const searchStart = performance.now();
      let suggestion: PinSearchReport | null = null;
      const comparisons: PinSearchReport[] = [];
      if (options.target) {
        const before = evaluator.evaluations;
        suggestion = toPinSearch(await rankedSearch(order, ids, options.target, evaluate, ids.length));
        void before;
        if (options.compareSearches) {
          comparisons.push(toPinSearch(await greedySearch(ids, options.target, evaluate, options.maxGreedyEvaluations ?? 1000)));
          comparisons.push(toPinSearch(await bisectionSearch(ids, options.target, evaluate)));
        }
      }
      return {
        samples: Math.min(options.samples ?? 8, this.evaluation.count),
        metric,
        ranking: order.map((id) => ({ id, isolated: toScoreReport(byId.get(id)!), allButThis: allButThis.has(id) ? toScoreReport(allButThis.get(id)!) : null })),
        target: options.target ?? null,
        suggestion,
        comparisons,
        timingsMs: { setup: setupMs, ranking: rankingMs, search: performance.now() - searchStart },
        evaluations: evaluator.evaluations,
      };
    } finally {
      await evaluator.release();
    }
  }

  /** Builds and compares one plan; the result joins the history. */
  async build(plan: PrecisionPlan, onProgress = this.options.onProgress): Promise<BuildRecord> {
    const started = performance.now();
    const { proto, graph, layers } = this.model;
    const warnings = this.history.length === 0 ? [...this.openWarnings] : [];
    const breakdown = this.history.length === 0 ? this.openBreakdown : emptyBreakdown();
    const progress = onProgress ?? (() => {});
    const { resolved, unmatchedIds } = resolvePlan(plan, layers);
    if (unmatchedIds.length > 0) warnings.push(`${unmatchedIds.length} plan entries match no layer of this model: ${unmatchedIds.slice(0, 5).join(', ')}`);

    const ranges = this.rangesFor(plan, resolved);
    const materializeStart = performance.now();
    const amaxOf = (graphPath: string, tensor: string) => ranges.get(captureOutputName({ graphPath, tensor }))?.amax;
    // TensorRT gets the strongly typed graph; its INT8 part records the scales the report shows. The emulation
    // stores quantized weights pre-dequantized instead (bit-identical values; see MaterializeOptions.weights).
    const typed = this.tensorRt ? stronglyTypedModel(proto, graph, resolved, amaxOf) : undefined;
    const materialized = typed ? typed.int8Part : materializePlan(proto, graph, resolved, amaxOf, { weights: 'dequantized-float' });
    const materializeMs = performance.now() - materializeStart;
    const classification = this.isClassifier() ? new ClassificationAccumulator({ labelOffset: this.options.labelOffset ?? 0 }) : null;
    // Incremental rebuild: layers upstream of every change compute what they computed in the previous build, so
    // only the changed layers and their descendants are captured and compared; the rest is reused.
    const settings = layerSettings(resolved, (layer, tensor) => ranges.get(captureOutputName({ graphPath: layer.graphPath, tensor }))?.amax);
    const previous = this.history.at(-1);
    // A new TensorRT engine may pick other tactics and fusions anywhere in the network: nothing is reused.
    const previousState = previous && !this.tensorRt ? this.buildState.get(previous.id) : undefined;
    const affected = previousState ? affectedLayers(graph, layers, changedLayers(previousState.settings, settings)) : null;
    const compared = affected ? layers.filter((l) => affected.has(l.id)) : layers;
    const saturationRequests = materialized.activations.filter((a) => !affected || !previousState!.comparison.saturation.has(captureOutputName(a)) || compared.some((l) => l.activationInputs.includes(a.tensor)));
    const precisionLabel = plan.defaultPrecision === 'fp32' ? 'mixed' : plan.defaultPrecision.toUpperCase();
    const comparisonStart = performance.now();
    const engine = typed ? await this.buildEngine(typed, compared, warnings, progress) : undefined;
    const fp32Engine = this.options.fp32Reference === 'tensorrt' ? await this.fp32EngineFor(compared, warnings) : undefined;
    let comparison: ComparisonResult;
    let trtArtifacts: TrtBuildArtifacts | undefined;
    try {
      comparison = await runComparisonPass({
        reducedRunner: engine?.runner,
        reduced: materialized.model,
        reducedLabel: `${this.options.modelPath} (${precisionLabel} ${engine ? `TensorRT ${this.tensorRt!.version} engine` : 'emulation'})`,
        reference: fp32Engine ? { runner: fp32Engine.runner } : this.store?.enabled ? { store: this.store } : { model: proto, label: `${this.options.modelPath} (FP32)` },
        source: this.evaluation,
        layers: compared,
        saturation: saturationRequests.map((a) => ({ request: { graphPath: a.graphPath, tensor: a.tensor }, scale: a.scale })),
        modelOutputs: this.modelOutputs,
        classification,
        runnerOptions: this.runnerOptions,
        breakdown,
        warnings,
        onSample: (done, total) => progress({ phase: 'compare', done, total }),
      });
      if (engine) {
        progress({ phase: 'profile', done: 0, total: 1 });
        trtArtifacts = await this.tensorRt!.artifacts(engine.runner, engine.log, await this.firstSampleFeeds());
        warnings.push(...trtArtifacts.warnings);
      }
    } finally {
      await engine?.runner.release();
    }
    if (affected && previousState) {
      const reusedKeys = layers.filter((l) => !affected.has(l.id)).map((l) => captureOutputName({ graphPath: l.graphPath, tensor: l.output }));
      for (const key of reusedKeys) {
        const metrics = previousState.comparison.metrics.get(key);
        const dims = previousState.comparison.dims.get(key);
        if (metrics) comparison.metrics.set(key, metrics);
        if (dims) comparison.dims.set(key, dims);
      }
      for (const [key, value] of previousState.comparison.saturation) if (!comparison.saturation.has(key)) comparison.saturation.set(key, value);
    }
    const comparisonMs = performance.now() - comparisonStart;
    if (comparison.samples === 0) throw new WorkbenchError('data', 'DATA_FOLDER_EMPTY', `${this.evaluation.description}: no samples to compare on`);
    progress({ phase: 'report', done: 0, total: 1 });

    const first = this.history.length === 0;
    const precision: Precision = plan.defaultPrecision === 'fp32' ? (resolved.some((r) => r.precision === 'int8') ? 'int8' : 'fp16') : plan.defaultPrecision;
    const report: AnalysisReport = {
      schema: REPORT_SCHEMA,
      version: REPORT_VERSION,
      createdAt: new Date().toISOString(),
      tool: { name: 'precision-workbench', version: this.options.toolVersion ?? '0.0.0', onnxruntime: ort.env.versions.node ?? 'unknown' },
      model: {
        path: this.options.modelPath,
        summary: summarizeModel(proto, graph),
        layerCount: layers.length,
        layersInSubgraphs: layers.filter((l) => l.graphPath !== '').length,
        quantizedInput: this.model.quantized ? { kind: this.model.quantized.kind, summary: this.model.quantized.summary, notes: this.model.quantized.notes } : null,
      },
      settings: {
        precision,
        calibrator: { method: plan.calibrator, parameters: this.calibrationParameters.get(plan.calibrator) ?? {} },
        calibrationData: this.calibrationData,
        evalData: { description: this.evaluation.description, samples: comparison.samples },
        inputShapes: Object.fromEntries(this.inputSpecs.map((s) => [s.name, s.dims])),
        qdqDomain: materialized.qdqDomain,
        calibrationCache: this.cacheInfo,
        backend: this.backendReport(compared, comparison),
        emulation: this.tensorRt ? `reduced model: TensorRT ${this.tensorRt.version} engine, strongly typed, built from the plan's graph (INT8 layers: ai.onnx Q/DQ with int8 weights; FP16 layers: float16 tensors and weights; FP32 layers without TF32, as trtexec --noTF32); layer outputs read from the engine's unfused debug tensors (layers fused inside an engine layer have no output to compare); FP32 reference: ${this.options.fp32Reference === 'tensorrt' ? 'an FP32 TensorRT engine of the model (same build options; layers compared where both engines keep the tensor)' : 'ONNX Runtime CPU'}` :
          'INT8 layers: QuantizeLinear/DequantizeLinear on activation inputs (per-tensor symmetric, scale = amax/127) and per-channel symmetric int8 weights, computed in float32 on the dequantized values; ' +
          'FP16 layers: inputs, weights, biases and outputs rounded to float16 (Cast pairs), accumulation in float32; everything else FP32 (ONNX Runtime CPU)',
      },
      plan,
      layers: buildLayerReports(resolved, ranges, this.statistics, materialized, comparison),
      outputs: buildOutputReports(this.modelOutputs, comparison),
      classification: classification ? classification.result() : null,
      timingsMs: {
        load: first ? this.openTimings.load : 0,
        calibration: first ? this.openTimings.calibration : 0,
        comparison: comparisonMs,
        total: performance.now() - (first ? this.openTimings.started : started),
        breakdown,
      },
      warnings,
    };
    if (trtArtifacts) {
      const links = engineLayerLinks(trtArtifacts, onnxSideFromGraph(graph, layers, plan));
      for (const layer of report.layers) layer.engine = links.get(layer.name) ?? null;
    }
    const record: BuildRecord = { id: this.history.length + 1, plan, report, timingsMs: { materialize: materializeMs, comparison: comparisonMs, total: performance.now() - started }, tensorRt: trtArtifacts, tensorRtFp32: fp32Engine?.artifacts };
    this.history.push(record);
    record.reusedLayers = layers.length - compared.length;
    // Only the latest build is a base for the next rebuild; older comparison results are dropped.
    this.buildState.clear();
    this.buildState.set(record.id, { settings, comparison });
    return record;
  }

  /** Builds the plan's strongly typed graph into a TensorRT engine whose unfused tensors can be read. */
  private async buildEngine(typed: StronglyTypedModel, compared: readonly Layer[], warnings: string[], progress: (p: AnalysisProgress) => void) {
    progress({ phase: 'engine', done: 0, total: 1 });
    if (typed.upgradedFromOpset !== null) warnings.push(`TensorRT: the model was upgraded from opset ${typed.upgradedFromOpset} to 13 for its Q/DQ nodes`);
    const inSubgraphs = compared.filter((l) => l.graphPath !== '').length;
    if (inSubgraphs > 0) warnings.push(`TensorRT: ${inSubgraphs} layers inside If/Loop/Scan bodies cannot be read from the engine; they have no metrics`);
    const engine = await this.tensorRt!.build(typed.model, `${this.options.modelPath} (TensorRT)`, this.inputSpecs, compared.filter((l) => l.graphPath === '').map((l) => l.output), warnings);
    progress({ phase: 'engine', done: 1, total: 1 });
    return engine;
  }

  /** The session's FP32 TensorRT engine (built on first use, kept for later builds) with its artifacts. */
  private fp32Engine?: { runner: TrtRunner; artifacts?: TrtBuildArtifacts };

  private async fp32EngineFor(compared: readonly Layer[], warnings: string[]) {
    if (!this.fp32Engine) {
      const built = await this.tensorRt!.build(this.model.proto, `${this.options.modelPath} (TensorRT FP32)`, this.inputSpecs, compared.filter((l) => l.graphPath === '').map((l) => l.output), warnings);
      this.fp32Engine = { runner: built.runner };
      this.fp32Engine.artifacts = await this.tensorRt!.artifacts(built.runner, built.log, await this.firstSampleFeeds());
    }
    return this.fp32Engine;
  }

  /** The feeds of the first comparison sample (for profiling), once the comparison data has been recorded. */
  private async firstSampleFeeds(): Promise<Record<string, TensorData> | undefined> {
    if (!this.evaluation.isRecorded) return undefined;
    for await (const sample of this.evaluation.samples()) return sample.feeds;
    return undefined;
  }

  private backendReport(compared: readonly Layer[], comparison: ComparisonResult): NonNullable<AnalysisReport['settings']['backend']> {
    if (!this.tensorRt) return { name: 'onnxruntime', version: ort.env.versions.node ?? 'unknown' };
    const layersWithoutOutput = compared.filter((l) => !comparison.metrics.has(captureOutputName({ graphPath: l.graphPath, tensor: l.output }))).length;
    return { name: 'tensorrt', version: this.tensorRt.version, layersWithoutOutput, fp32Reference: this.fp32Engine ? 'tensorrt' : 'onnxruntime' };
  }

  /** True when rebuilds read FP32 from the reference store (no FP32 run). */
  get hasStoredReferences(): boolean {
    return this.store?.enabled ?? false;
  }

  dispose(): void {
    void this.fp32Engine?.runner.release();
    this.store?.dispose();
    this.evaluation.dispose();
  }
}

/**
 * One-shot analysis: open, build the plan (or the default plan of `precision` — for an already-quantized model,
 * the original's own precisions and scales), close. The record also carries what TensorRT produced (backend
 * 'tensorrt').
 */
export async function analyzeModelBuild(options: AnalyzeOptions): Promise<BuildRecord> {
  const session = await AnalysisSession.open(options);
  try {
    const plan = session.model.initialPlan;
    return await session.build(options.calibrator ? { ...plan, calibrator: options.calibrator } : plan);
  } finally {
    session.dispose();
  }
}

export async function analyzeModel(options: AnalyzeOptions): Promise<AnalysisReport> {
  return (await analyzeModelBuild(options)).report;
}
