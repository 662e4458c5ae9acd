/**
 * Per-layer metrics on worker threads, pipelined with inference: while ONNX Runtime computes sample i+1, the
 * workers reduce sample i. Each layer (key) always goes to the same worker, so its accumulator sees every sample
 * in order. At most `maxInFlight` samples are queued, which bounds memory to a few samples' captured tensors.
 */
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { ActivationStatistics } from '../../app/calibration/activation-statistics';
import type { LayerErrorMetrics } from '../../app/compare/layer-error-accumulator';
import type { SaturationResult } from '../../app/compare/saturation';
import { WorkbenchError } from '../../app/errors';
import { MetricsAccumulators } from './metrics-accumulators';
import type { MetricsRequest, MetricsResponse } from './metrics-protocol';

/** A transferable copy: ORT hands each output its own ArrayBuffer, transferred as is; views are copied. */
function own(array: Float32Array): Float32Array {
  return array.byteOffset === 0 && array.buffer.byteLength === array.byteLength && !(array.buffer instanceof SharedArrayBuffer) ? array : array.slice();
}

/** What the comparison and reference passes need from a metrics backend. */
export interface MetricsSink {
  compare(key: string, channelAxis: number | null, reference: Float32Array, candidate: Float32Array, dims: number[]): void;
  calibrate(key: string, values: Float32Array): void;
  saturation(key: string, values: Float32Array, scale: number): void;
  endSample(): Promise<void>;
  results(): Promise<{ layers: Map<string, LayerErrorMetrics>; saturation: Map<string, SaturationResult>; statistics: Map<string, ActivationStatistics> }>;
  close(): Promise<void>;
}

/**
 * The same accumulators in the calling thread: for small jobs (an incremental rebuild comparing a few layers)
 * where starting worker threads costs more than the arithmetic.
 */
export class InlineMetricsPool implements MetricsSink {
  private readonly accumulators = new MetricsAccumulators();
  compare(key: string, channelAxis: number | null, reference: Float32Array, candidate: Float32Array, dims: number[]): void {
    this.accumulators.compare(key, channelAxis, reference, candidate, dims);
  }
  calibrate(key: string, values: Float32Array): void {
    this.accumulators.calibrate(key, values);
  }
  saturation(key: string, values: Float32Array, scale: number): void {
    this.accumulators.saturation(key, values, scale);
  }
  async endSample(): Promise<void> {}
  async results() {
    return { layers: new Map(this.accumulators.layerResults()), saturation: new Map(this.accumulators.saturationResults()), statistics: new Map(this.accumulators.statistics) };
  }
  async close(): Promise<void> {}
}

export class MetricsPool implements MetricsSink {
  private readonly workers: Worker[];
  private readonly assignment = new Map<string, number>();
  private nextWorker = 0;
  private flushId = 0;
  private readonly pending = new Map<number, { remaining: number; resolve: () => void }>();
  private readonly inFlight: Promise<void>[] = [];
  private failure?: WorkbenchError;

  constructor(size = Math.max(1, Math.min(2, os.availableParallelism())), private readonly maxInFlight = 1) {
    const entry = new URL('./metrics-worker-entry.mjs', import.meta.url);
    this.workers = Array.from({ length: size }, () => {
      const worker = new Worker(entry);
      worker.on('message', (message: MetricsResponse) => {
        if (message.type === 'flushed') {
          const waiting = this.pending.get(message.id);
          if (waiting && --waiting.remaining === 0) {
            this.pending.delete(message.id);
            waiting.resolve();
          }
        } else if (message.type === 'error') {
          this.failure ??= new WorkbenchError('compare', message.code ?? 'METRICS_FAILED', message.message);
        }
      });
      worker.on('error', (error) => {
        this.failure ??= new WorkbenchError('compare', 'METRICS_WORKER_CRASHED', `metrics worker failed: ${error.message}`);
      });
      return worker;
    });
  }

  private workerFor(key: string): Worker {
    let index = this.assignment.get(key);
    if (index === undefined) {
      index = this.nextWorker++ % this.workers.length;
      this.assignment.set(key, index);
    }
    return this.workers[index];
  }

  private send(key: string, request: MetricsRequest, transfer: ArrayBuffer[]): void {
    if (this.failure) throw this.failure;
    this.workerFor(key).postMessage(request, transfer);
  }

  compare(key: string, channelAxis: number | null, reference: Float32Array, candidate: Float32Array, dims: number[]): void {
    const r = own(reference);
    const c = own(candidate);
    this.send(key, { type: 'compare', key, channelAxis, reference: r, candidate: c, dims }, r.buffer === c.buffer ? [r.buffer as ArrayBuffer] : [r.buffer as ArrayBuffer, c.buffer as ArrayBuffer]);
  }

  /** Feeds a calibration histogram (ActivationStatistics) kept by a worker. */
  calibrate(key: string, values: Float32Array): void {
    const v = own(values);
    this.send(key, { type: 'calibrate', key, values: v }, [v.buffer as ArrayBuffer]);
  }

  saturation(key: string, values: Float32Array, scale: number): void {
    const v = own(values);
    this.send(key, { type: 'saturation', key, values: v, scale }, [v.buffer as ArrayBuffer]);
  }

  /** Marks the end of a sample; waits while more than `maxInFlight` samples are still being reduced. */
  async endSample(): Promise<void> {
    const id = ++this.flushId;
    this.inFlight.push(
      new Promise<void>((resolve) => {
        this.pending.set(id, { remaining: this.workers.length, resolve });
        for (const worker of this.workers) worker.postMessage({ type: 'flush', id } satisfies MetricsRequest);
      }),
    );
    while (this.inFlight.length > this.maxInFlight) await this.inFlight.shift();
    if (this.failure) throw this.failure;
  }

  async results(): Promise<{ layers: Map<string, LayerErrorMetrics>; saturation: Map<string, SaturationResult>; statistics: Map<string, ActivationStatistics> }> {
    await Promise.all(this.inFlight.splice(0));
    if (this.failure) throw this.failure;
    const layers = new Map<string, LayerErrorMetrics>();
    const saturation = new Map<string, SaturationResult>();
    const statistics = new Map<string, ActivationStatistics>();
    await Promise.all(
      this.workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            const onMessage = (message: MetricsResponse) => {
              if (message.type !== 'results') return;
              worker.off('message', onMessage);
              message.layers.forEach(([k, v]) => layers.set(k, v));
              message.saturation.forEach(([k, v]) => saturation.set(k, v));
              message.statistics.forEach(([k, v]) => statistics.set(k, ActivationStatistics.fromJSON(v)));
              resolve();
            };
            worker.on('message', onMessage);
            worker.postMessage({ type: 'results' } satisfies MetricsRequest);
          }),
      ),
    );
    if (this.failure) throw this.failure;
    return { layers, saturation, statistics };
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
