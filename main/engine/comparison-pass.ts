/**
 * The comparison pass: per sample, the reduced-precision run (capturing layer outputs, model outputs and the
 * quantized activation inputs for saturation) against the FP32 references — read back from the reference store,
 * or computed by an FP32 run when the store is off. Metrics are reduced on worker threads.
 */
import type { LayerErrorMetrics } from '../../app/compare/layer-error-accumulator';
import type { ClassificationAccumulator } from '../../app/compare/classification';
import type { SaturationResult } from '../../app/compare/saturation';
import { captureOutputName, withCapturedOutputs, type CaptureRequest } from '../../app/model/capture';
import type { ModelProto } from '../../app/onnx/proto';
import type { Layer } from '../../app/precision/layers';
import type { SampleSource } from '../data/types';
import { InlineMetricsPool, MetricsPool, type MetricsSink } from './metrics-pool';

/** Up to this many compared layers, metrics are reduced in the calling thread (see InlineMetricsPool). */
const INLINE_METRICS_MAX_LAYERS = 12;
import { OrtRunner, type RunnerOptions, type RunnerOutput } from './ort-runner';
import type { ModelRunner } from './runner';
import { outputKey } from './reference-pass';
import type { ReferenceStore } from './reference-store';
import { timed, timedSamples, type TimeBreakdown } from './timing';
import { TransferPlan } from './transfer';

export interface ComparisonPassInput {
  reduced: ModelProto;
  reducedLabel: string;
  /**
   * FP32 references: the store when it holds every sample, else the FP32 model to run on ONNX Runtime, or an FP32
   * runner the caller owns (a TensorRT FP32 engine: root-graph tensors fetched by name, absent when fused).
   */
  reference: { store: ReferenceStore } | { model: ModelProto; label: string } | { runner: ModelRunner };
  source: SampleSource;
  layers: readonly Layer[];
  saturation: { request: CaptureRequest; scale: number }[];
  modelOutputs: string[];
  classification: ClassificationAccumulator | null;
  runnerOptions: RunnerOptions;
  breakdown: TimeBreakdown;
  warnings: string[];
  onSample: (done: number, total: number) => void;
  /**
   * Runs the reduced model here instead of an ONNX Runtime session of `reduced` (the TensorRT backend). Layer
   * outputs are fetched by tensor name — the runner finds them among its intermediate (debug) tensors — instead of
   * being added to the graph's outputs, which would change what TensorRT fuses. Tensors it cannot produce are
   * absent and their layers get no metrics. The caller owns the runner and releases it.
   */
  reducedRunner?: ModelRunner;
}

export interface ComparisonResult {
  /** By layer key (captureOutputName of the layer output) and outputKey(name) for model outputs. */
  metrics: Map<string, LayerErrorMetrics>;
  dims: Map<string, number[]>;
  saturation: Map<string, SaturationResult>;
  samples: number;
}

/** Axis of a layer output that holds channels (for the per-channel error). */
export function outputChannelAxis(layer: Pick<Layer, 'opType'> | undefined, dims: readonly number[]): number | null {
  const rank = dims.length;
  if (rank < 2) return null;
  const op = layer?.opType;
  if (op === 'MatMul' || op === 'Gemm') return rank - 1;
  if (op === 'Conv' || op === 'ConvTranspose' || op === 'AveragePool' || op === 'GlobalAveragePool' || op === 'MaxPool') return 1;
  return rank >= 4 ? 1 : rank - 1;
}

export async function runComparisonPass(input: ComparisonPassInput): Promise<ComparisonResult> {
  const { breakdown } = input;
  const layerRequests = input.layers.map((l) => ({ graphPath: l.graphPath, tensor: l.output }));
  const layerByKey = new Map(input.layers.map((l) => [captureOutputName({ graphPath: l.graphPath, tensor: l.output }), l]));
  // ONNX Runtime: captured tensors become graph outputs. An external runner fetches root-graph tensors by name.
  const reduced = input.reducedRunner ? undefined : withCapturedOutputs(input.reduced, [...layerRequests, ...input.saturation.map((s) => s.request)]);
  const reducedName = (request: CaptureRequest) => (reduced ? reduced.outputs.get(captureOutputName(request))! : request.tensor);
  const fetchable = (request: CaptureRequest) => !input.reducedRunner || request.graphPath === '';
  const reducedFetch = [...new Set([...input.modelOutputs, ...layerRequests.filter(fetchable).map(reducedName), ...input.saturation.map((s) => s.request).filter(fetchable).map(reducedName)])];

  const store = 'store' in input.reference ? input.reference.store : undefined;
  const storeKeys = new Set([...layerRequests.map(captureOutputName), ...input.modelOutputs.map(outputKey)]);
  const fp32 = 'model' in input.reference ? withCapturedOutputs(input.reference.model, layerRequests) : undefined;
  const fp32Fetch = fp32 ? [...new Set([...input.modelOutputs, ...layerRequests.map((r) => fp32.outputs.get(captureOutputName(r))!)])] : [];

  const runners: ModelRunner[] = [];
  // Worker threads pay off when many layers are reduced per sample; a few layers are cheaper in this thread.
  const pool: MetricsSink = input.layers.length <= INLINE_METRICS_MAX_LAYERS ? new InlineMetricsPool() : new MetricsPool();
  const dims = new Map<string, number[]>();
  let samples = 0;
  try {
    const sessionStart = performance.now();
    let reducedRunner = input.reducedRunner;
    if (!reducedRunner) {
      reducedRunner = await OrtRunner.create(reduced!.model, input.reducedLabel, input.runnerOptions);
      runners.push(reducedRunner);
    }
    const fp32Runner = fp32 && 'label' in input.reference ? await OrtRunner.create(fp32.model, input.reference.label, input.runnerOptions) : undefined;
    if (fp32Runner) runners.push(fp32Runner);
    breakdown.sessionCreation += performance.now() - sessionStart;

    for await (const sample of timedSamples(input.source, breakdown)) {
      // FP32 references of this sample, keyed like the store.
      let reference: Map<string, RunnerOutput>;
      if (store) reference = await timed(breakdown, 'referenceStore', () => store.read(samples, storeKeys));
      else if ('runner' in input.reference) {
        const runner = input.reference.runner;
        const rootRequests = layerRequests.filter((r) => r.graphPath === '');
        const outputs = await timed(breakdown, 'fp32Inference', () => runner.run(sample.feeds, [...new Set([...input.modelOutputs, ...rootRequests.map((r) => r.tensor)])]));
        reference = new Map();
        for (const r of rootRequests) {
          const value = outputs.get(r.tensor);
          if (value) reference.set(captureOutputName(r), value);
        }
        for (const name of input.modelOutputs) reference.set(outputKey(name), outputs.get(name)!);
      } else {
        const outputs = await timed(breakdown, 'fp32Inference', () => fp32Runner!.run(sample.feeds, fp32Fetch));
        reference = new Map(layerRequests.map((r) => [captureOutputName(r), outputs.get(fp32!.outputs.get(captureOutputName(r))!)!]));
        for (const name of input.modelOutputs) reference.set(outputKey(name), outputs.get(name)!);
      }
      const candidate = await timed(breakdown, 'reducedInference', () => reducedRunner!.run(sample.feeds, reducedFetch));

      const start = performance.now();
      if (input.classification) {
        const r = reference.get(outputKey(input.modelOutputs[0]));
        const c = candidate.get(input.modelOutputs[0]);
        if (r && c) input.classification.update(r.data, c.data, r.dims, sample.label);
      }
      const plan = new TransferPlan();
      const pairs: { key: string; layer?: Layer; r: RunnerOutput; c: RunnerOutput }[] = [];
      const pair = (key: string, layer: Layer | undefined, r: RunnerOutput | undefined, c: RunnerOutput | undefined) => {
        if (!r || !c || r.data.length === 0 || c.data.length === 0) return; // e.g. an If branch not taken
        if (r.data.length !== c.data.length) {
          input.warnings.push(`'${key}': FP32 and reduced outputs differ in size (${r.data.length} vs ${c.data.length}); skipped`);
          return;
        }
        plan.use(r.data);
        plan.use(c.data);
        pairs.push({ key, layer, r, c });
      };
      for (const request of layerRequests) {
        const key = captureOutputName(request);
        pair(key, layerByKey.get(key), reference.get(key), candidate.get(reducedName(request)));
      }
      for (const name of input.modelOutputs) pair(outputKey(name), undefined, reference.get(outputKey(name)), candidate.get(name));
      const saturation = input.saturation
        .map((s) => ({ key: captureOutputName(s.request), scale: s.scale, values: candidate.get(reducedName(s.request)) }))
        .filter((s): s is { key: string; scale: number; values: RunnerOutput } => !!s.values && s.values.data.length > 0);
      saturation.forEach((s) => plan.use(s.values.data));
      for (const { key, layer, r, c } of pairs) {
        if (!dims.has(key)) dims.set(key, r.dims);
        pool.compare(key, outputChannelAxis(layer, r.dims), plan.give(r.data), plan.give(c.data), r.dims);
      }
      for (const s of saturation) pool.saturation(s.key, plan.give(s.values.data), s.scale);
      await pool.endSample();
      breakdown.comparisonMetrics += performance.now() - start;
      input.onSample(++samples, input.source.count);
    }
    const results = await timed(breakdown, 'comparisonMetrics', () => pool.results());
    return { metrics: results.layers, dims, saturation: results.saturation, samples };
  } finally {
    await pool.close();
    for (const runner of runners) await runner.release();
  }
}
