/**
 * The FP32 pass: one run per sample that (a) feeds the calibration histograms of the quantized activation
 * tensors (on worker threads) and/or (b) records the FP32 layer and model outputs into the reference store, so
 * the comparison pass only has to run the reduced-precision model.
 */
import type { ActivationStatistics } from '../../app/calibration/activation-statistics';
import { captureOutputName, withCapturedOutputs, type CaptureRequest } from '../../app/model/capture';
import type { ModelProto } from '../../app/onnx/proto';
import type { SampleSource } from '../data/types';
import { MetricsPool } from './metrics-pool';
import { OrtRunner, type RunnerOptions, type RunnerOutput } from './ort-runner';
import type { ReferenceStore } from './reference-store';
import { timed, timedSamples, type TimeBreakdown } from './timing';
import { TransferPlan } from './transfer';

export const outputKey = (name: string) => `output\u0000${name}`;

export interface ReferencePassInput {
  model: ModelProto;
  label: string;
  source: SampleSource;
  /** Activation tensors to histogram for calibration ([] for none). */
  calibrate: CaptureRequest[];
  /** When given, the layer outputs (`record`) and model outputs of every sample are stored here. */
  store?: ReferenceStore;
  record: CaptureRequest[];
  modelOutputs: string[];
  runnerOptions: RunnerOptions;
  breakdown: TimeBreakdown;
  onSample: (done: number, total: number) => void;
}

export async function runReferencePass(input: ReferencePassInput): Promise<{ statistics: Map<string, ActivationStatistics>; samples: number }> {
  const { breakdown, store } = input;
  const recording = store?.enabled ? input.record : [];
  const captured = withCapturedOutputs(input.model, [...input.calibrate, ...recording]);
  const nameOf = (request: CaptureRequest) => captured.outputs.get(captureOutputName(request))!;
  const fetch = [...new Set([...input.modelOutputs, ...input.calibrate.map(nameOf), ...recording.map(nameOf)])];
  const runner = await timed(breakdown, 'sessionCreation', () => OrtRunner.create(captured.model, input.label, input.runnerOptions));
  const pool = input.calibrate.length > 0 ? new MetricsPool() : undefined;
  let samples = 0;
  try {
    for await (const sample of timedSamples(input.source, breakdown)) {
      const outputs = await timed(breakdown, 'fp32Inference', () => runner.run(sample.feeds, fetch));
      if (store?.enabled) {
        await timed(breakdown, 'referenceStore', () => {
          const tensors = new Map<string, RunnerOutput>();
          for (const request of recording) {
            const output = outputs.get(nameOf(request));
            if (output) tensors.set(captureOutputName(request), output);
          }
          for (const name of input.modelOutputs) {
            const output = outputs.get(name);
            if (output) tensors.set(outputKey(name), output);
          }
          store.record(tensors);
        });
      }
      if (pool) {
        const start = performance.now();
        const plan = new TransferPlan();
        const sends: [string, Float32Array][] = [];
        for (const request of input.calibrate) {
          const output = outputs.get(nameOf(request));
          if (!output || output.data.length === 0) continue; // e.g. an If branch not taken
          plan.use(output.data);
          sends.push([captureOutputName(request), output.data]);
        }
        for (const [key, data] of sends) pool.calibrate(key, plan.give(data));
        await pool.endSample();
        breakdown.calibrationStatistics += performance.now() - start;
      }
      input.onSample(++samples, input.source.count);
    }
    const statistics = pool ? await timed(breakdown, 'calibrationStatistics', async () => (await pool.results()).statistics) : new Map<string, ActivationStatistics>();
    return { statistics, samples };
  } finally {
    await pool?.close();
    await runner.release();
  }
}
