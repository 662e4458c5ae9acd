/**
 * The analysis pipeline: calibrate on FP32, materialize the plan as ONNX, run the reduced-precision model and
 * compare every layer with FP32, reducing each captured tensor to statistics as the samples stream by (one
 * sample's activations in memory at a time; metrics on worker threads).
 *
 * When the comparison data is the calibration data (the default), each sample costs one FP32 run (capturing the
 * quantized activation tensors for calibration and the layer outputs, which go to the on-disk reference store)
 * and one reduced-precision run. Never every tensor of the graph: only what the report needs.
 */
import * as ort from 'onnxruntime-node';
import type { ActivationStatistics } from '../../app/calibration/activation-statistics';
import { computeAmax } from '../../app/calibration/calibrators';
import { ClassificationAccumulator } from '../../app/compare/classification';
import { REPORT_SCHEMA, REPORT_VERSION, type AnalysisReport } from '../../app/contract/report';
import { WorkbenchError } from '../../app/errors';
import { captureOutputName, type CaptureRequest } from '../../app/model/capture';
import { summarizeModel } from '../../app/model/graph';
import { materializePlan } from '../../app/precision/materialize';
import { defaultPlan, resolvePlan, type CalibratorName, type Precision, type PrecisionPlan } from '../../app/precision/plan';
import { ReplayableSampleSource } from '../data/sample-cache';
import { openSampleSource, type SampleSourceOptions } from '../data/sample-sources';
import type { SampleSource } from '../data/types';
import { loadModel } from '../io/model-file';
import { scalesFromCache } from './cache-scales';
import { runComparisonPass } from './comparison-pass';
import { resolveInputSpecs } from './input-specs';
import type { RunnerOptions } from './ort-runner';
import { runReferencePass } from './reference-pass';
import { ReferenceStore } from './reference-store';
import { buildLayerReports, buildOutputReports, type ActivationRange } from './report-builder';
import { emptyBreakdown } from './timing';

export interface AnalysisProgress {
  phase: 'load' | 'calibrate' | 'reference' | 'compare' | 'report';
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
  /** Disk budget for the reference store (bytes); default half the free temp space, at most 32 GiB. */
  referenceBudgetBytes?: number;
}

/** Quantized activation inputs of the INT8 layers without a plan override, one request per tensor. */
function activationRequestsOf(resolved: ReturnType<typeof resolvePlan>['resolved']): CaptureRequest[] {
  const seen = new Set<string>();
  const requests: CaptureRequest[] = [];
  for (const r of resolved) {
    if (r.precision !== 'int8' || r.entry?.activationAmax !== undefined) continue;
    for (const tensor of r.layer.activationInputs) {
      const request = { graphPath: r.layer.graphPath, tensor };
      if (!seen.has(captureOutputName(request))) {
        seen.add(captureOutputName(request));
        requests.push(request);
      }
    }
  }
  return requests;
}

export async function analyzeModel(options: AnalyzeOptions): Promise<AnalysisReport> {
  const started = performance.now();
  const progress = options.onProgress ?? (() => {});
  const warnings: string[] = [];
  const breakdown = emptyBreakdown();
  progress({ phase: 'load', done: 0, total: 1 });

  const { proto, graph, layers } = await loadModel(options.modelPath);
  const inputSpecs = resolveInputSpecs(graph, options.inputShapes, warnings);
  const calibrator = options.calibrator ?? options.plan?.calibrator ?? 'entropy';
  const plan = options.plan ?? defaultPlan(options.precision, calibrator);
  const { resolved, unmatchedIds } = resolvePlan(plan, layers);
  if (unmatchedIds.length > 0) warnings.push(`${unmatchedIds.length} plan entries match no layer of this model: ${unmatchedIds.slice(0, 5).join(', ')}`);
  if (layers.length === 0) warnings.push('no reduced-precision layers found (no Conv/Gemm/MatMul/residual Add/pooling)');
  const modelOutputs = graph.outputs().map((o) => o.name);
  const layerRequests = layers.map((l) => ({ graphPath: l.graphPath, tensor: l.output }));
  const loadMs = performance.now() - started;
  // Sessions returning many intermediate tensors run at ORT's 'extended' level (see RunnerOptions).
  const runnerOptions: RunnerOptions = { threads: options.threads, optimization: 'extended' };

  // ---- activation ranges: plan overrides, then the calibration cache, then calibration on data ------------
  const activationRequests = activationRequestsOf(resolved);
  const ranges = new Map<string, ActivationRange>();
  let cacheInfo: AnalysisReport['settings']['calibrationCache'] = null;
  if (options.calibrationCachePath) {
    const fromCache = await scalesFromCache(options.calibrationCachePath, graph, activationRequests, warnings);
    for (const [key, amax] of fromCache.amax) ranges.set(key, { amax, source: 'calibration-cache' });
    cacheInfo = fromCache.info;
  }
  const toCalibrate = activationRequests.filter((r) => !ranges.has(captureOutputName(r)));
  if (toCalibrate.length > 0 && !options.calibration) {
    throw new WorkbenchError('cli', 'CALIBRATION_DATA_REQUIRED', `${toCalibrate.length} activation tensors need calibration; give --calib-data, --random N or a --calib-cache that covers them`);
  }
  const evaluationOptions = options.evaluation ?? options.calibration;
  if (!evaluationOptions) throw new WorkbenchError('cli', 'EVAL_DATA_REQUIRED', 'no data to compare on: give --calib-data, --eval-data or --random N');

  let evaluation: ReplayableSampleSource | undefined;
  let store: ReferenceStore | undefined;
  try {
    // The comparison data is decoded once and replayed; its FP32 outputs go to the reference store.
    evaluation = new ReplayableSampleSource(await openSampleSource(evaluationOptions, inputSpecs));
    store = options.recordReferences ? new ReferenceStore(evaluation.count, options.referenceBudgetBytes) : undefined;
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

    let calibrationParameters: Record<string, number | string> = {};
    for (const request of toCalibrate) {
      const key = captureOutputName(request);
      const stats = statistics.get(key);
      if (!stats || stats.count === 0) {
        warnings.push(`tensor '${request.tensor}'${request.graphPath ? ` in ${request.graphPath}` : ''} was never computed on the calibration data (branch not taken?); its layers stay FP32`);
        continue;
      }
      const result = computeAmax(stats, calibrator, options.calibratorOptions);
      calibrationParameters = result.parameters;
      ranges.set(key, { amax: result.amax, source: 'calibration' });
    }
    const calibrationMs = performance.now() - calibrationStart;

    // Layers whose inputs have no range fall back to FP32 rather than inventing one.
    for (const r of resolved) {
      if (r.precision !== 'int8' || r.entry?.activationAmax !== undefined) continue;
      if (r.layer.activationInputs.some((t) => !ranges.has(captureOutputName({ graphPath: r.layer.graphPath, tensor: t })))) r.precision = 'fp32';
    }

    // ---- the reduced-precision model against FP32 --------------------------------------------------------
    const materialized = materializePlan(proto, graph, resolved, (graphPath, tensor) => ranges.get(captureOutputName({ graphPath, tensor }))?.amax);
    const classification =
      options.task === 'classification' || (options.task !== 'none' && modelOutputs.length === 1 && (graph.outputs()[0].shape?.length ?? 0) === 2)
        ? new ClassificationAccumulator({ labelOffset: options.labelOffset ?? 0 })
        : null;
    const comparisonStart = performance.now();
    const comparison = await runComparisonPass({
      reduced: materialized.model,
      reducedLabel: `${options.modelPath} (${options.precision.toUpperCase()} emulation)`,
      reference: store?.enabled ? { store } : { model: proto, label: `${options.modelPath} (FP32)` },
      source: evaluation,
      layers,
      saturation: materialized.activations.map((a) => ({ request: { graphPath: a.graphPath, tensor: a.tensor }, scale: a.scale })),
      modelOutputs,
      classification,
      runnerOptions,
      breakdown,
      warnings,
      onSample: (done, total) => progress({ phase: 'compare', done, total }),
    });
    const comparisonMs = performance.now() - comparisonStart;
    if (comparison.samples === 0) throw new WorkbenchError('data', 'DATA_FOLDER_EMPTY', `${evaluation.description}: no samples to compare on`);

    progress({ phase: 'report', done: 0, total: 1 });
    return {
      schema: REPORT_SCHEMA,
      version: REPORT_VERSION,
      createdAt: new Date().toISOString(),
      tool: { name: 'precision-workbench', version: options.toolVersion ?? '0.0.0', onnxruntime: ort.env.versions.node ?? 'unknown' },
      model: { path: options.modelPath, summary: summarizeModel(proto, graph), layerCount: layers.length, layersInSubgraphs: layers.filter((l) => l.graphPath !== '').length },
      settings: {
        precision: options.precision,
        calibrator: { method: calibrator, parameters: calibrationParameters },
        calibrationData,
        evalData: { description: evaluation.description, samples: comparison.samples },
        inputShapes: Object.fromEntries(inputSpecs.map((s) => [s.name, s.dims])),
        qdqDomain: materialized.qdqDomain,
        calibrationCache: cacheInfo,
        emulation:
          options.precision === 'fp16'
            ? 'FP16 layers: inputs, weights, biases and outputs rounded to float16 (Cast pairs); accumulation stays float32 on ONNX Runtime CPU'
            : 'INT8 layers: QuantizeLinear/DequantizeLinear on activation inputs (per-tensor symmetric, scale = amax/127) and per-channel symmetric int8 weights; computed in float32 on the dequantized values (ONNX Runtime CPU), all other ops FP32',
      },
      plan,
      layers: buildLayerReports(resolved, ranges, statistics, materialized, comparison),
      outputs: buildOutputReports(modelOutputs, comparison),
      classification: classification ? classification.result() : null,
      timingsMs: { load: loadMs, calibration: calibrationMs, comparison: comparisonMs, total: performance.now() - started, breakdown },
      warnings,
    };
  } finally {
    store?.dispose();
    evaluation?.dispose();
  }
}
