/**
 * TensorRT runner: builds an engine from ONNX bytes through the native addon (native/index.ts), runs it, and exposes
 * what TensorRT knows beyond outputs — intermediate (debug) tensors, per-layer timing, the inspector JSON, the
 * build log and the engine file. Implements ModelRunner, so the analysis passes can use it where they use OrtRunner.
 *
 * Needs TensorRT and an NVIDIA GPU; elsewhere create() throws WorkbenchError TENSORRT_UNAVAILABLE (or
 * TRT_CUDA_UNAVAILABLE). Builds take seconds to minutes and run on a worker thread of the addon; jobs run one at a
 * time per process (the TensorRT logger is process-global).
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { WorkbenchError } from '../../app/errors';
import { decodeModel } from '../../app/onnx/decode';
import { encodeModel } from '../../app/onnx/encode';
import type { ModelProto } from '../../app/onnx/proto';
import { type TensorRt, type TrtEngine, type TrtIoTensor, type TrtRunResult, openTensorRt } from '../../native/index';
import type { TensorData } from '../data/types';
import type { ModelRunner, RunnerOutput } from './runner';
import { type LayerTimingProfile, aggregateLayerTimes, debugTensorNameFor } from './trt-layers';
import { type TrtLogLine, trtLogLevelOf } from './trt-log';
import { writeFileAtomic } from '../io/atomic-write';
import { type NormalizedBuild, type TrtBuildOptions, type TrtexecCommand, modelInputsOf, normalizeBuildOptions, trtexecCommand } from './trt-options';
import { feedToEngineType, hostTensorToFloat32 } from './trt-tensors';

export interface TrtRunnerOptions extends TrtBuildOptions {
  /** Receives builder log lines at or above `logLevel` while the build runs. */
  onLog?: (line: TrtLogLine) => void;
  /** Opened TensorRT to use (default: openTensorRt()). */
  tensorRt?: TensorRt;
  /** Cap on debug tensor bytes copied per run (default 1 GiB); larger tensors are listed as skipped. */
  maxDebugBytes?: number;
}

export interface TrtDebugTensor extends RunnerOutput {
  /** The engine's type for this tensor (data is converted to float32). */
  dataType: string;
}

export interface TrtDetailedRun {
  outputs: Map<string, RunnerOutput>;
  /** Debug tensors by engine-internal name (only with an engine built with debugTensors). */
  debugTensors: Map<string, TrtDebugTensor>;
  /** Debug tensors that were reported but not copied, with the reason. */
  skippedDebugTensors: Map<string, string>;
  /** Present when profiling was asked for. */
  layerProfile?: LayerTimingProfile;
}

export interface TrtRunOptions {
  captureDebugTensors?: boolean;
  /** Only these debug tensors (engine-internal names). */
  debugTensorNames?: string[];
  profile?: boolean;
  /** Enqueues (for timing); outputs and debug tensors come from the first. */
  iterations?: number;
}

/** Keeps the last lines of the build log (a verbose log of a large model is tens of MB). */
const BUILD_LOG_LIMIT = 20000;

export class TrtRunner implements ModelRunner {
  private released = false;

  private constructor(
    private readonly engine: TrtEngine,
    private readonly io: TrtIoTensor[],
    private readonly planBytes: Uint8Array,
    readonly label: string,
    readonly tensorRt: TensorRt,
    /** Build details, when this runner built the engine. */
    readonly build: { normalized: NormalizedBuild; log: TrtLogLine[]; notes: string[]; buildMilliseconds: number; timingCacheFile?: string } | undefined,
    private readonly maxDebugBytes: number,
  ) {}

  /** Parses and builds `model`, then deserializes the engine. */
  static async create(model: ModelProto | Uint8Array, label: string, options: TrtRunnerOptions = {}): Promise<TrtRunner> {
    const bytes = model instanceof Uint8Array ? model : encodeModel(model);
    const proto = model instanceof Uint8Array ? decodeModel(model, label) : model;
    const tensorRt = options.tensorRt ?? (await openTensorRt());
    const normalized = normalizeBuildOptions(options, modelInputsOf(proto.graph), tensorRt.features);
    const addonOptions = { ...normalized.addon };
    if (options.timingCacheFile) {
      addonOptions.timingCache = existsSync(options.timingCacheFile) ? await readTimingCache(options.timingCacheFile) : new Uint8Array(0);
      addonOptions.returnTimingCache = true;
    }
    const log: TrtLogLine[] = [];
    const onLog = (severity: number, message: string) => {
      const line = { level: trtLogLevelOf(severity), message };
      if (log.length === BUILD_LOG_LIMIT) log.shift();
      log.push(line);
      options.onLog?.(line);
    };
    const built = await tensorRt.build(bytes, addonOptions, onLog);
    if (options.timingCacheFile && built.timingCache?.length) await writeFile(options.timingCacheFile, built.timingCache);
    const engine = await tensorRt.deserialize(built.plan);
    const buildInfo = { normalized, log, notes: built.notes, buildMilliseconds: built.buildMilliseconds, timingCacheFile: options.timingCacheFile };
    return new TrtRunner(engine, engine.ioTensors(), built.plan, label, tensorRt, buildInfo, options.maxDebugBytes ?? 2 ** 30);
  }

  /** Deserializes an engine built earlier (same TensorRT version and GPU only). */
  static async fromEngine(plan: Uint8Array | string, label: string, options: Pick<TrtRunnerOptions, 'tensorRt' | 'maxDebugBytes'> = {}): Promise<TrtRunner> {
    const bytes = typeof plan === 'string' ? new Uint8Array(await readFile(plan)) : plan;
    const tensorRt = options.tensorRt ?? (await openTensorRt());
    const engine = await tensorRt.deserialize(bytes);
    return new TrtRunner(engine, engine.ioTensors(), bytes, label, tensorRt, undefined, options.maxDebugBytes ?? 2 ** 30);
  }

  get inputNames(): readonly string[] {
    return this.io.filter((t) => t.mode === 'input').map((t) => t.name);
  }

  get outputNames(): readonly string[] {
    return this.io.filter((t) => t.mode === 'output').map((t) => t.name);
  }

  get ioTensors(): readonly TrtIoTensor[] {
    return this.io;
  }

  /** The serialized engine (what --saveEngine writes). */
  get plan(): Uint8Array {
    return this.planBytes;
  }

  /** Warnings from option normalisation and notes from the build (e.g. tensors that could not be marked). */
  get warnings(): string[] {
    return [...(this.build?.normalized.warnings ?? []), ...(this.build?.notes ?? [])];
  }

  /** The trtexec command that builds the same engine from `onnxPath` (only for runners that built their engine). */
  trtexec(onnxPath: string, saveEngine?: string): TrtexecCommand | undefined {
    if (!this.build) return undefined;
    return trtexecCommand(onnxPath, this.build.normalized.addon, { tensorRtMajor: this.tensorRt.library.libraryMajor, timingCacheFile: this.build.timingCacheFile, saveEngine });
  }

  /**
   * Runs once. Engine outputs come from the outputs; any other fetched name is looked up among the debug tensors
   * (engine built with debugTensors), and is absent when the engine fused it away.
   */
  async run(feeds: Record<string, TensorData>, fetch: readonly string[]): Promise<Map<string, RunnerOutput>> {
    const outputs = new Set(this.outputNames);
    const wantsDebug = fetch.some((name) => !outputs.has(name));
    const detailed = await this.runDetailed(feeds, { captureDebugTensors: wantsDebug });
    const available = new Set(detailed.debugTensors.keys());
    const out = new Map<string, RunnerOutput>();
    for (const name of fetch) {
      const output = detailed.outputs.get(name);
      if (output) {
        out.set(name, output);
        continue;
      }
      const debugName = debugTensorNameFor(name, available);
      const debug = debugName ? detailed.debugTensors.get(debugName) : undefined;
      if (debug) out.set(name, { dims: debug.dims, data: debug.data });
    }
    return out;
  }

  /** Runs with debug tensor capture and/or per-layer profiling. */
  async runDetailed(feeds: Record<string, TensorData>, options: TrtRunOptions = {}): Promise<TrtDetailedRun> {
    this.assertLive();
    const inputs = this.io
      .filter((t) => t.mode === 'input')
      .map((t) => {
        const feed = feeds[t.name];
        if (!feed) throw new WorkbenchError('trt', 'TRT_INPUT_MISMATCH', `${this.label}: no feed for engine input '${t.name}'.`);
        return { name: t.name, dims: feed.dims, dataType: t.dataType, data: feedToEngineType(t.name, feed, t.dataType) };
      });
    const result: TrtRunResult = await this.engine.run({
      inputs,
      captureDebugTensors: options.captureDebugTensors ?? false,
      debugTensorNames: options.debugTensorNames,
      maxDebugBytes: this.maxDebugBytes,
      profile: options.profile ?? false,
      iterations: options.iterations,
    });
    const outputs = new Map(result.outputs.map((t) => [t.name, hostTensorToFloat32(t)]));
    const debugTensors = new Map<string, TrtDebugTensor>();
    const skippedDebugTensors = new Map<string, string>();
    for (const tensor of result.debugTensors) {
      if (tensor.skipped) skippedDebugTensors.set(tensor.name, tensor.skipped);
      else debugTensors.set(tensor.name, { ...hostTensorToFloat32(tensor), dataType: tensor.dataType });
    }
    return { outputs, debugTensors, skippedDebugTensors, layerProfile: options.profile ? aggregateLayerTimes(result.layerTimes) : undefined };
  }

  /** Per-layer timing over `iterations` enqueues (trtexec --dumpProfile semantics; enqueue is synchronous while profiling). */
  async profileLayers(feeds: Record<string, TensorData>, iterations = 10): Promise<LayerTimingProfile> {
    const run = await this.runDetailed(feeds, { profile: true, iterations });
    return run.layerProfile!;
  }

  /** IEngineInspector JSON (trtexec --exportLayerInfo). Give dims of dynamic inputs to resolve shape-dependent values. */
  async inspect(shapes?: Record<string, number[]>): Promise<string> {
    this.assertLive();
    return this.engine.inspect(shapes);
  }

  /** Writes the serialized engine (trtexec --saveEngine). It loads only in the same TensorRT version and GPU. */
  async exportEngine(file: string, options: { overwrite?: boolean } = {}): Promise<void> {
    await writeFileAtomic(file, this.planBytes, { overwrite: options.overwrite ?? true });
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    this.engine.release();
  }

  private assertLive(): void {
    if (this.released) throw new WorkbenchError('trt', 'TRT_ENGINE_RELEASED', `${this.label}: this TensorRT runner was released.`);
  }
}

async function readTimingCache(file: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (error) {
    throw new WorkbenchError('trt', 'TRT_INVALID_OPTIONS', `timing cache '${file}' cannot be read: ${error instanceof Error ? error.message : String(error)}`, { file });
  }
}
