/**
 * The analysis pipeline: calibrate on FP32, materialize the plan as ONNX, run FP32 and reduced precision side
 * by side on ONNX Runtime and reduce every captured tensor to statistics as each sample streams by (one
 * sample's activations in memory at a time).
 *
 * Runs per sample: one FP32 run capturing the quantized activation tensors (calibration), then per compared
 * sample one FP32 and one reduced-precision run capturing the layer outputs — never every tensor of the graph.
 */
import { promises as fs } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { ActivationStatistics } from '../../app/calibration/activation-statistics';
import { parseCalibrationCache, matchCacheToModel } from '../../app/calibration/calibration-cache';
import { computeAmax } from '../../app/calibration/calibrators';
import { ClassificationAccumulator } from '../../app/compare/classification';
import {
  REPORT_SCHEMA,
  REPORT_VERSION,
  type ActivationReport,
  type AnalysisReport,
  type LayerMetrics,
  type LayerReport,
} from '../../app/contract/report';
import { WorkbenchError } from '../../app/errors';
import { captureOutputName, withCapturedOutputs, type CaptureRequest } from '../../app/model/capture';
import { summarizeModel } from '../../app/model/graph';
import type { Layer } from '../../app/precision/layers';
import { materializePlan } from '../../app/precision/materialize';
import { defaultPlan, resolvePlan, type CalibratorName, type Precision, type PrecisionPlan } from '../../app/precision/plan';
import { ReplayableSampleSource } from '../data/sample-cache';
import { openSampleSource } from '../data/sample-sources';
import type { SampleSourceOptions } from '../data/sample-sources';
import type { Sample } from '../data/types';
import { loadModel } from '../io/model-file';
import { resolveInputSpecs } from './input-specs';
import { OrtRunner, type RunnerOutput } from './ort-runner';
import { MetricsPool } from './metrics-pool';
import { layerMetricsToReport } from './metrics-report';

export interface AnalysisProgress {
  phase: 'load' | 'calibrate' | 'compare' | 'report';
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
}

function outputChannelAxis(layer: Pick<Layer, 'opType'> | undefined, dims: readonly number[]): number | null {
  const rank = dims.length;
  if (rank < 2) return null;
  const op = layer?.opType;
  if (op === 'MatMul' || op === 'Gemm') return rank - 1;
  if (op === 'Conv' || op === 'ConvTranspose' || op === 'AveragePool' || op === 'GlobalAveragePool' || op === 'MaxPool') return 1;
  return rank >= 4 ? 1 : rank - 1;
}

/** Where analysis time goes, in ms (reported so users and the benchmark can see the split). */
export type TimeBreakdown = {
  dataLoading: number;
  fp32Inference: number;
  reducedInference: number;
  calibrationStatistics: number;
  comparisonMetrics: number;
  sessionCreation: number;
};

/** Iterates a sample source, charging the time spent producing each sample to `breakdown.dataLoading`. */
async function* take(source: { samples(): AsyncIterable<Sample> }, breakdown: TimeBreakdown): AsyncGenerator<Sample> {
  const iterator = source.samples()[Symbol.asyncIterator]();
  for (;;) {
    const start = performance.now();
    const next = await iterator.next();
    breakdown.dataLoading += performance.now() - start;
    if (next.done) return;
    yield next.value;
  }
}

async function timed<T>(breakdown: TimeBreakdown, key: keyof TimeBreakdown, work: () => Promise<T> | T): Promise<T> {
  const start = performance.now();
  try {
    return await work();
  } finally {
    breakdown[key] += performance.now() - start;
  }
}

export async function analyzeModel(options: AnalyzeOptions): Promise<AnalysisReport> {
  const started = performance.now();
  const progress = options.onProgress ?? (() => {});
  const warnings: string[] = [];
  const breakdown: TimeBreakdown = { dataLoading: 0, fp32Inference: 0, reducedInference: 0, calibrationStatistics: 0, comparisonMetrics: 0, sessionCreation: 0 };
  progress({ phase: 'load', done: 0, total: 1 });

  const loaded = await loadModel(options.modelPath);
  const { proto, graph, layers } = loaded;
  const inputSpecs = resolveInputSpecs(graph, options.inputShapes, warnings);
  const calibrator = options.calibrator ?? options.plan?.calibrator ?? 'entropy';
  const plan = options.plan ?? defaultPlan(options.precision, calibrator);
  const { resolved, unmatchedIds } = resolvePlan(plan, layers);
  if (unmatchedIds.length > 0) warnings.push(`${unmatchedIds.length} plan entries match no layer of this model: ${unmatchedIds.slice(0, 5).join(', ')}`);
  if (layers.length === 0) warnings.push('no reduced-precision layers found (no Conv/Gemm/MatMul/residual Add/pooling)');
  const loadMs = performance.now() - started;
  // Sessions that return many intermediate tensors: see RunnerOptions for why 'extended' and reused buffers.
  const capturing = { threads: options.threads, optimization: 'extended' as const, reuseOutputBuffers: false };

  // ---- calibration ---------------------------------------------------------------------------------------
  const int8Layers = resolved.filter((r) => r.precision === 'int8');
  const activationRequests: CaptureRequest[] = [];
  const seenActivation = new Set<string>();
  for (const r of int8Layers) {
    for (const tensor of r.layer.activationInputs) {
      const request = { graphPath: r.layer.graphPath, tensor };
      const key = captureOutputName(request);
      if (!seenActivation.has(key) && r.entry?.activationAmax === undefined) {
        seenActivation.add(key);
        activationRequests.push(request);
      }
    }
  }

  const amax = new Map<string, { amax: number; source: ActivationReport['source'] }>();
  let cacheInfo: AnalysisReport['settings']['calibrationCache'] = null;
  if (options.calibrationCachePath) {
    const text = await fs.readFile(options.calibrationCachePath, 'utf8').catch((error: NodeJS.ErrnoException) => {
      throw new WorkbenchError('io', 'FILE_UNREADABLE', `${options.calibrationCachePath}: cannot read the calibration cache (${error.code})`, { file: options.calibrationCachePath });
    });
    const cache = parseCalibrationCache(text, { file: options.calibrationCachePath });
    const wanted = activationRequests.map((r) => r.tensor);
    const match = matchCacheToModel(cache, wanted);
    for (const entry of cache.entries) {
      for (const request of activationRequests) {
        if (request.tensor === entry.tensor) amax.set(captureOutputName(request), { amax: entry.amax, source: 'calibration-cache' });
      }
    }
    const modelTensors = new Set<string>();
    for (const g of graph.allGraphs()) for (const name of g.values.keys()) modelTensors.add(name);
    cacheInfo = {
      path: options.calibrationCachePath,
      entries: cache.entries.length,
      namingModelTensors: cache.entries.filter((e) => modelTensors.has(e.tensor)).length,
      format: cache.format,
      header: cache.format === 'tensorrt' ? `TRT-${cache.trtVersion}-${cache.algorithm}` : cache.format,
      matched: match.matched.length,
      unmatchedInCache: match.unmatchedInCache.slice(0, 50),
      notCovered: match.modelTensorsWithoutScale.length,
    };
    if (match.matched.length === 0) {
      warnings.push(`calibration cache ${options.calibrationCachePath}: none of its ${cache.entries.length} tensor names occur in this model`);
    }
  }

  const toCalibrate = activationRequests.filter((r) => !amax.has(captureOutputName(r)));
  const statistics = new Map<string, ActivationStatistics>();
  let replay: ReplayableSampleSource | undefined;
  try {
  let calibrationDescription = { description: 'none', samples: 0 };
  let calibrationParameters: Record<string, number | string> = {};
  const calibrationStart = performance.now();
  if (toCalibrate.length > 0) {
    if (!options.calibration) {
      throw new WorkbenchError(
        'cli',
        'CALIBRATION_DATA_REQUIRED',
        `${toCalibrate.length} activation tensors need calibration; give --calib-data, --random N or a --calib-cache that covers them`,
      );
    }
    const opened = await openSampleSource(options.calibration, inputSpecs);
    // Compared on the calibration data too: decode once, replay the preprocessed inputs from a temp file.
    replay = options.evaluation ? undefined : new ReplayableSampleSource(opened);
    const source = replay ?? opened;
    calibrationDescription = { description: source.description, samples: source.count };
    const captured = withCapturedOutputs(proto, toCalibrate);
    const runner = await timed(breakdown, 'sessionCreation', () => OrtRunner.create(captured.model, `${options.modelPath} (FP32 calibration)`, capturing));
    const fetch = toCalibrate.map((r) => captured.outputs.get(captureOutputName(r))!);
    const calibrationPool = new MetricsPool();
    let done = 0;
    try {
      for await (const sample of take(source, breakdown)) {
        const outputs = await timed(breakdown, 'fp32Inference', () => runner.run(sample.feeds, fetch));
        const statsStart = performance.now();
        const sent = new Set<Float32Array>();
        toCalibrate.forEach((request, i) => {
          const output = outputs.get(fetch[i]);
          if (!output || output.data.length === 0) return;
          // Two requests can name the same output (an outer tensor read in two subgraphs): copy the second.
          calibrationPool.calibrate(captureOutputName(request), sent.has(output.data) ? output.data.slice() : output.data);
          sent.add(output.data);
        });
        await calibrationPool.endSample();
        breakdown.calibrationStatistics += performance.now() - statsStart;
        progress({ phase: 'calibrate', done: ++done, total: source.count });
      }
      const waitStart = performance.now();
      for (const [key, stats] of (await calibrationPool.results()).statistics) statistics.set(key, stats);
      breakdown.calibrationStatistics += performance.now() - waitStart;
    } finally {
      await calibrationPool.close();
      await runner.release();
    }
    for (const request of toCalibrate) {
      const key = captureOutputName(request);
      const stats = statistics.get(key);
      if (!stats || stats.count === 0) {
        warnings.push(`tensor '${request.tensor}'${request.graphPath ? ` in ${request.graphPath}` : ''} was never computed on the calibration data (branch not taken?); its layers stay FP32`);
        continue;
      }
      const result = computeAmax(stats, calibrator, options.calibratorOptions);
      calibrationParameters = result.parameters;
      amax.set(key, { amax: result.amax, source: 'calibration' });
    }
  }
  const calibrationMs = performance.now() - calibrationStart;

  // Layers whose inputs could not be calibrated fall back to FP32 rather than inventing a range.
  for (const r of resolved) {
    if (r.precision !== 'int8' || r.entry?.activationAmax !== undefined) continue;
    const missing = r.layer.activationInputs.some((t) => !amax.has(captureOutputName({ graphPath: r.layer.graphPath, tensor: t })));
    if (missing) r.precision = 'fp32';
  }

  // ---- reduced-precision model and comparison ------------------------------------------------------------
  const lookup = (graphPath: string, tensor: string) => amax.get(captureOutputName({ graphPath, tensor }))?.amax;
  const materialized = materializePlan(proto, graph, resolved, lookup);
  const layerRequests: CaptureRequest[] = layers.map((l) => ({ graphPath: l.graphPath, tensor: l.output }));
  const saturationRequests: CaptureRequest[] = materialized.activations.map((a) => ({ graphPath: a.graphPath, tensor: a.tensor }));
  const modelOutputs = graph.outputs().map((o) => o.name);

  const reference = withCapturedOutputs(proto, layerRequests);
  const reduced = withCapturedOutputs(materialized.model, [...layerRequests, ...saturationRequests]);
  const sessionStart = performance.now();
  const referenceRunner = await OrtRunner.create(reference.model, `${options.modelPath} (FP32)`, capturing);
  let reducedRunner: OrtRunner;
  try {
    reducedRunner = await OrtRunner.create(reduced.model, `${options.modelPath} (${options.precision.toUpperCase()} emulation)`, capturing);
  } catch (error) {
    await referenceRunner.release();
    throw error;
  }
  breakdown.sessionCreation += performance.now() - sessionStart;
  const layerFetch = layerRequests.map((r) => reference.outputs.get(captureOutputName(r))!);
  const referenceFetch = [...new Set([...modelOutputs, ...layerFetch])];
  const saturationFetch = saturationRequests.map((r) => reduced.outputs.get(captureOutputName(r))!);
  const reducedFetch = [...new Set([...modelOutputs, ...layerRequests.map((r) => reduced.outputs.get(captureOutputName(r))!), ...saturationFetch])];

  const layerDims = new Map<string, number[]>();
  const outputDims = new Map<string, number[]>();
  const scaleByActivation = new Map(materialized.activations.map((a) => [captureOutputName(a), a.scale]));
  const layerByOutput = new Map(layers.map((l) => [captureOutputName({ graphPath: l.graphPath, tensor: l.output }), l]));

  const wantsClassification =
    options.task === 'classification' ||
    (options.task !== 'none' && modelOutputs.length === 1 && (graph.outputs()[0].shape?.length ?? 0) === 2);
  const classification = wantsClassification ? new ClassificationAccumulator({ labelOffset: options.labelOffset ?? 0 }) : null;

  const evaluationOptions = options.evaluation ?? options.calibration;
  if (!evaluationOptions) throw new WorkbenchError('cli', 'EVAL_DATA_REQUIRED', 'no data to compare on: give --calib-data, --eval-data or --random N');
  const evaluation = replay?.isRecorded ? replay : await openSampleSource(evaluationOptions, inputSpecs);
  const compareStart = performance.now();
  const pool = new MetricsPool();

  let compared = 0;
  let results: Awaited<ReturnType<MetricsPool['results']>>;
  try {
    for await (const sample of take(evaluation, breakdown)) {
      const ref = await timed(breakdown, 'fp32Inference', () => referenceRunner.run(sample.feeds, referenceFetch));
      const cand = await timed(breakdown, 'reducedInference', () => reducedRunner.run(sample.feeds, reducedFetch));
      const metricsStart = performance.now();
      if (classification) {
        const r = ref.get(modelOutputs[0]);
        const c = cand.get(modelOutputs[0]);
        if (r && c) classification.update(r.data, c.data, r.dims, sample.label);
      }
      // A tensor can be needed twice (a layer output that is also a model output or another layer's quantized
      // input): every use but the last gets a copy, the last one transfers the buffer to a worker.
      const uses = new Map<Float32Array, number>();
      const use = (a: Float32Array) => uses.set(a, (uses.get(a) ?? 0) + 1);
      const give = (a: Float32Array) => {
        const left = uses.get(a)! - 1;
        uses.set(a, left);
        return left > 0 ? a.slice() : a;
      };
      const pairs: { key: string; layer?: Layer; r: RunnerOutput; c: RunnerOutput; dims: Map<string, number[]> }[] = [];
      const addPair = (key: string, layer: Layer | undefined, r: RunnerOutput | undefined, c: RunnerOutput | undefined, dims: Map<string, number[]>) => {
        if (!r || !c || r.data.length === 0 || c.data.length === 0) return; // e.g. an If branch not taken
        if (r.data.length !== c.data.length) {
          warnings.push(`'${key}': FP32 and reduced outputs differ in size (${r.data.length} vs ${c.data.length}); skipped`);
          return;
        }
        use(r.data);
        use(c.data);
        pairs.push({ key, layer, r, c, dims });
      };
      for (const request of layerRequests) {
        const key = captureOutputName(request);
        addPair(key, layerByOutput.get(key), ref.get(reference.outputs.get(key)!), cand.get(reduced.outputs.get(key)!), layerDims);
      }
      for (const name of modelOutputs) addPair(`output\u0000${name}`, undefined, ref.get(name), cand.get(name), outputDims);
      const saturationValues = saturationRequests
        .map((request, i) => ({ key: captureOutputName(request), values: cand.get(saturationFetch[i]) }))
        .filter((x): x is { key: string; values: RunnerOutput } => !!x.values && x.values.data.length > 0);
      saturationValues.forEach((x) => use(x.values.data));
      for (const { key, layer, r, c, dims } of pairs) {
        if (!dims.has(key)) dims.set(key, r.dims);
        pool.compare(key, outputChannelAxis(layer, r.dims), give(r.data), give(c.data), r.dims);
      }
      for (const { key, values } of saturationValues) pool.saturation(key, give(values.data), scaleByActivation.get(key)!);
      await pool.endSample();
      breakdown.comparisonMetrics += performance.now() - metricsStart;
      progress({ phase: 'compare', done: ++compared, total: evaluation.count });
    }
    const waitStart = performance.now();
    results = await pool.results();
    breakdown.comparisonMetrics += performance.now() - waitStart;
  } finally {
    await pool.close();
    await referenceRunner.release();
    await reducedRunner.release();
  }
  if (compared === 0) throw new WorkbenchError('data', 'DATA_FOLDER_EMPTY', `${evaluation.description}: no samples to compare on`);
  const comparisonMs = performance.now() - compareStart;
  const saturation = results.saturation;

  // ---- report --------------------------------------------------------------------------------------------
  progress({ phase: 'report', done: 0, total: 1 });
  const activationReport = (layer: Layer, tensor: string): ActivationReport | null => {
    const key = captureOutputName({ graphPath: layer.graphPath, tensor });
    const override = resolved.find((r) => r.layer.id === layer.id)?.entry?.activationAmax;
    const entry = override !== undefined ? { amax: override, source: 'plan-override' as const } : amax.get(key);
    if (!entry) return null;
    const stats = statistics.get(key);
    const sat = saturation.get(key);
    return {
      tensor,
      amax: entry.amax,
      scale: Math.fround(Math.max(entry.amax, 1e-8) / 127),
      source: entry.source,
      calibrationMin: stats ? stats.min : NaN,
      calibrationMax: stats ? stats.max : NaN,
      histogram: stats ? stats.histogram(256) : null,
      saturationRate: sat ? sat.saturationRate : null,
    };
  };
  const layerReports: LayerReport[] = resolved.map(({ layer, precision }) => {
    const key = captureOutputName({ graphPath: layer.graphPath, tensor: layer.output });
    const metrics = results.layers.get(key);
    const weightScales = materialized.weightScales.get(layer.id);
    return {
      id: layer.id,
      name: layer.name,
      opType: layer.opType,
      role: layer.role,
      graphPath: layer.graphPath,
      precision,
      output: layer.output,
      outputDims: layerDims.get(key) ?? null,
      activations: precision === 'int8' ? layer.activationInputs.map((t) => activationReport(layer, t)).filter((a): a is ActivationReport => a !== null) : [],
      weight: layer.weight
        ? {
            tensor: layer.weight.tensor,
            dims: layer.weight.dims,
            channelAxis: layer.weight.channelAxis,
            perChannelAmax: weightScales ? Array.from(weightScales, (s) => s * 127).slice(0, 4096) : [],
          }
        : null,
      metrics: metrics ? layerMetricsToReport(metrics) : null,
    };
  });
  const outputs = modelOutputs.map((name) => {
    const metrics = results.layers.get(`output\u0000${name}`);
    return { name, dims: outputDims.get(name) ?? null, metrics: metrics ? layerMetricsToReport(metrics) : null };
  });

  return {
    schema: REPORT_SCHEMA,
    version: REPORT_VERSION,
    createdAt: new Date().toISOString(),
    tool: { name: 'precision-workbench', version: options.toolVersion ?? '0.0.0', onnxruntime: ort.env.versions.node ?? 'unknown' },
    model: {
      path: options.modelPath,
      summary: summarizeModel(proto, graph),
      layerCount: layers.length,
      layersInSubgraphs: layers.filter((l) => l.graphPath !== '').length,
    },
    settings: {
      precision: options.precision,
      calibrator: { method: calibrator, parameters: calibrationParameters },
      calibrationData: calibrationDescription,
      evalData: { description: evaluation.description, samples: compared },
      inputShapes: Object.fromEntries(inputSpecs.map((s) => [s.name, s.dims])),
      qdqDomain: materialized.qdqDomain,
      calibrationCache: cacheInfo,
      emulation:
        options.precision === 'fp16'
          ? 'FP16 layers: inputs, weights, biases and outputs rounded to float16 (Cast pairs); accumulation stays float32 on ONNX Runtime CPU'
          : 'INT8 layers: QuantizeLinear/DequantizeLinear on activation inputs (per-tensor symmetric, scale = amax/127) and per-channel symmetric int8 weights; computed in float32 on the dequantized values (ONNX Runtime CPU), all other ops FP32',
    },
    plan,
    layers: layerReports,
    outputs,
    classification: classification ? classification.result() : null,
    timingsMs: { load: loadMs, calibration: calibrationMs, comparison: comparisonMs, total: performance.now() - started, breakdown },
    warnings,
  };
  } finally {
    replay?.dispose();
  }
}
