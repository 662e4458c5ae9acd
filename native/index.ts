/**
 * The only loader of the TensorRT addon (native/build/pwb_trt_<major>.node). Only main/engine/trt-*.ts may import
 * this file. It finds the built addon(s), loads them with createRequire, opens TensorRT through the addon's load()
 * and returns a typed API whose every failure is a WorkbenchError (area 'trt'); where the addon is not built or
 * TensorRT is absent that error has code TENSORRT_UNAVAILABLE and says what was searched and what to do.
 *
 * One addon binary is tied to one TensorRT major (enum values and removed APIs differ between 10.x and 11.x), so
 * `npm run build:native` may leave a pwb_trt_10.node and a pwb_trt_11.node; the newest that can open its TensorRT
 * wins.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WorkbenchError } from '../app/errors';

export const TENSORRT_UNAVAILABLE = 'TENSORRT_UNAVAILABLE';

/** Data types as the addon names them (ONNX/onnxruntime spelling where one exists). */
export type TrtDataType = 'float32' | 'float16' | 'bfloat16' | 'int8' | 'uint8' | 'int32' | 'int64' | 'bool' | 'fp8' | 'int4' | 'fp4' | 'unknown';

export interface TrtVersion {
  major: number;
  minor: number;
  patch: number;
  build: number;
}

export interface TrtFeatures {
  /** 10.x only: per-layer precision, kFP16/kINT8 flags, dynamic ranges. */
  legacyPrecision: boolean;
  /** markUnfusedTensorsAsDebugTensors (10.12+). */
  unfusedDebugTensors: boolean;
  /** cublas / cublas_lt / cudnn tactic sources (10.x only). */
  libraryTacticSources: boolean;
  /** Weakly typed networks can be built (10.x only). */
  weakTyping: boolean;
}

export interface TrtLoadInfo {
  libraryVersion: number;
  libraryMajor: number;
  libraryMinor: number;
  libraryPatch: number;
  libraryBuild: number;
  parserVersion: number;
  inferLibrary: string;
  parserLibrary: string;
}

export interface TrtShapeRange {
  input: string;
  min: number[];
  opt: number[];
  max: number[];
}

export type TrtLayerPrecision = 'fp32' | 'fp16' | 'bf16' | 'int8' | 'int32';

/** 10.x weak typing (deprecated since 10.12, removed in 11). */
export interface TrtLegacyPrecision {
  fp16?: boolean;
  int8?: boolean;
  bf16?: boolean;
  constraints?: 'none' | 'prefer' | 'obey';
  /** Network layer name (exact or with one '*') -> precision, as trtexec --layerPrecisions. */
  layerPrecisions?: Record<string, TrtLayerPrecision>;
  layerOutputTypes?: Record<string, TrtLayerPrecision>;
  /** Tensor name -> amax (setDynamicRange(-amax, amax)). */
  dynamicRanges?: Record<string, number>;
}

/** What the addon's build() accepts; main/engine/trt-options.ts produces it from the runner's options. */
export interface TrtAddonBuildOptions {
  stronglyTyped?: boolean;
  workspaceBytes?: number;
  optimizationLevel?: number;
  /** One entry per optimization profile. */
  profiles?: TrtShapeRange[][];
  timingCache?: Uint8Array;
  returnTimingCache?: boolean;
  enableTacticSources?: string[];
  disableTacticSources?: string[];
  /** Forward log lines at or above this ILogger severity: 0 internal error, 1 error, 2 warning, 3 info, 4 verbose. */
  logSeverity?: number;
  /** Clear BuilderFlag::kTF32 (trtexec --noTF32): FP32 layers compute in full FP32 instead of TF32 on Ampere and newer. */
  noTF32?: boolean;
  /** ProfilingVerbosity::kDETAILED (default true): needed for inspector JSON beyond names and for layer metadata. */
  detailedProfiling?: boolean;
  markUnfusedDebugTensors?: boolean;
  debugTensors?: string[];
  extraOutputs?: string[];
  legacyPrecision?: TrtLegacyPrecision;
  modelPath?: string;
}

export interface TrtAddonBuildResult {
  plan: Uint8Array;
  timingCache?: Uint8Array;
  notes: string[];
  networkLayers: number;
  buildMilliseconds: number;
}

export interface TrtIoTensor {
  name: string;
  mode: 'input' | 'output';
  dataType: TrtDataType;
  /** -1 for dynamic dims. */
  shape: number[];
}

export interface TrtRunInput {
  name: string;
  dims: number[];
  /** Must equal the engine's type for this input (the runner converts). */
  dataType: TrtDataType;
  data: ArrayBufferView;
}

export interface TrtRunRequest {
  inputs: TrtRunInput[];
  captureDebugTensors?: boolean;
  /** Only these debug tensors (engine-internal names); default all. */
  debugTensorNames?: string[];
  /** Cap on debug tensor bytes copied per run (default 1 GiB); the rest are listed with `skipped`. */
  maxDebugBytes?: number;
  profile?: boolean;
  iterations?: number;
}

export interface TrtHostTensor {
  name: string;
  dataType: TrtDataType;
  dims: number[];
  /** A copy owned by JS. Empty when `skipped` says why. */
  data: ArrayBuffer;
  skipped?: string;
}

export interface TrtLayerTime {
  name: string;
  ms: number;
}

export interface TrtRunResult {
  outputs: TrtHostTensor[];
  debugTensors: TrtHostTensor[];
  /** Every IProfiler::reportLayerTime call in order, over all iterations. */
  layerTimes: TrtLayerTime[];
}

export interface TrtEngine {
  ioTensors(): TrtIoTensor[];
  layerCount(): number;
  /** IEngineInspector::getEngineInformation(kJSON); pass shapes for dynamic inputs to resolve shape-dependent values. */
  inspect(shapes?: Record<string, number[]>): Promise<string>;
  run(request: TrtRunRequest): Promise<TrtRunResult>;
  /** Frees the engine (after any run in flight). */
  release(): void;
}

/** The raw module shape (as exported by native/src/addon.cpp). */
export interface TrtAddonModule {
  headerVersion: TrtVersion;
  features: TrtFeatures;
  sonames: { infer: string; parser: string };
  load(libraryDirs: string[]): Promise<TrtLoadInfo>;
  build(onnx: Uint8Array, options: TrtAddonBuildOptions, onLog?: (severity: number, message: string) => void): Promise<{ plan: ArrayBuffer; timingCache?: ArrayBuffer; notes: string[]; networkLayers: number; buildMilliseconds: number }>;
  deserialize(plan: Uint8Array): Promise<TrtEngine>;
}

/** TensorRT, opened: what the runner uses. */
export interface TensorRt {
  readonly addonFile: string;
  readonly headerVersion: TrtVersion;
  readonly features: TrtFeatures;
  readonly library: TrtLoadInfo;
  build(onnx: Uint8Array, options: TrtAddonBuildOptions, onLog?: (severity: number, message: string) => void): Promise<TrtAddonBuildResult>;
  deserialize(plan: Uint8Array): Promise<TrtEngine>;
}

export interface OpenTensorRtOptions {
  /** A specific .node file (else $PWB_TRT_ADDON, else native/build/pwb_trt_*.node, newest major first). */
  addonPath?: string;
  buildDir?: string;
  /** Directories holding libnvinfer (else derived from the environment, see tensorRtLibraryDirs). */
  libraryDirs?: string[];
  env?: Record<string, string | undefined>;
  /** For tests of this loader only: replaces createRequire(...)(file). */
  requireAddon?: (file: string) => unknown;
}

export const DEFAULT_BUILD_DIR = fileURLToPath(new URL('./build/', import.meta.url));

/** Built addons in `buildDir`, newest TensorRT major first. */
export function findAddonFiles(buildDir: string = DEFAULT_BUILD_DIR): string[] {
  if (!existsSync(buildDir)) return [];
  return readdirSync(buildDir)
    .map((name) => /^pwb_trt_(\d+)\.node$/.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .sort((a, b) => Number(b[1]) - Number(a[1]))
    .map((match) => path.join(buildDir, match[0]));
}

/** Where libnvinfer may be: $TENSORRT_LIB_DIR, $TENSORRT_ROOT/lib(64), then the addon also tries the plain soname. */
export function tensorRtLibraryDirs(env: Record<string, string | undefined> = process.env): string[] {
  const dirs: string[] = [];
  if (env.TENSORRT_LIB_DIR) dirs.push(env.TENSORRT_LIB_DIR);
  if (env.TENSORRT_ROOT) dirs.push(path.join(env.TENSORRT_ROOT, 'lib'), path.join(env.TENSORRT_ROOT, 'lib64'));
  return dirs;
}

/** Any error the addon raised (it carries `code`) as a WorkbenchError of area 'trt'; other errors pass through. */
export function toTrtError(error: unknown): unknown {
  if (error instanceof WorkbenchError) return error;
  if (error instanceof Error && typeof (error as { code?: unknown }).code === 'string') {
    return new WorkbenchError('trt', (error as Error & { code: string }).code, error.message, { cause: error });
  }
  return error;
}

async function rethrowing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toTrtError(error);
  }
}

function wrapEngine(engine: TrtEngine): TrtEngine {
  const sync = <T>(work: () => T): T => {
    try {
      return work();
    } catch (error) {
      throw toTrtError(error);
    }
  };
  return {
    ioTensors: () => sync(() => engine.ioTensors()),
    layerCount: () => sync(() => engine.layerCount()),
    inspect: (shapes) => rethrowing(() => engine.inspect(shapes)),
    run: (request) => rethrowing(() => engine.run(request)),
    release: () => engine.release(),
  };
}

function isAddonModule(value: unknown): value is TrtAddonModule {
  const v = value as Partial<TrtAddonModule> | null;
  return !!v && typeof v.load === 'function' && typeof v.build === 'function' && typeof v.deserialize === 'function' && typeof v.headerVersion === 'object';
}

function unavailable(message: string): WorkbenchError {
  return new WorkbenchError('trt', TENSORRT_UNAVAILABLE, message);
}

const HOW_TO_BUILD =
  'Build it on a machine with TensorRT: TENSORRT_ROOT=<TensorRT install dir> npm run build:native (or TENSORRT_INCLUDE=<dir with NvInfer.h>).';

/**
 * Loads the addon and opens TensorRT. Throws WorkbenchError TENSORRT_UNAVAILABLE when no addon is built, none
 * loads, or none finds a compatible TensorRT (the message lists every attempt).
 */
export async function openTensorRt(options: OpenTensorRtOptions = {}): Promise<TensorRt> {
  const env = options.env ?? process.env;
  const buildDir = options.buildDir ?? DEFAULT_BUILD_DIR;
  const explicit = options.addonPath ?? env.PWB_TRT_ADDON;
  const files = explicit ? [explicit] : findAddonFiles(buildDir);
  if (files.length === 0) {
    throw unavailable(`The TensorRT addon is not built (no pwb_trt_<major>.node in ${buildDir}). ${HOW_TO_BUILD}`);
  }
  const load = options.requireAddon ?? createRequire(import.meta.url);
  const libraryDirs = options.libraryDirs ?? tensorRtLibraryDirs(env);
  const failures: string[] = [];
  for (const file of files) {
    let module: unknown;
    try {
      module = load(file);
    } catch (error) {
      failures.push(`${file}: cannot be loaded: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
      continue;
    }
    if (!isAddonModule(module)) {
      failures.push(`${file}: is not the workbench's TensorRT addon`);
      continue;
    }
    const addon = module;
    let library: TrtLoadInfo;
    try {
      library = await addon.load(libraryDirs);
    } catch (error) {
      const converted = toTrtError(error);
      if (converted instanceof WorkbenchError && converted.code === TENSORRT_UNAVAILABLE) {
        failures.push(`${path.basename(file)}: ${converted.message}`);
        continue;
      }
      throw converted;
    }
    return {
      addonFile: file,
      headerVersion: addon.headerVersion,
      features: addon.features,
      library,
      build: (onnx, buildOptions, onLog) =>
        rethrowing(async () => {
          const result = await addon.build(onnx, buildOptions, onLog);
          return {
            plan: new Uint8Array(result.plan),
            timingCache: result.timingCache ? new Uint8Array(result.timingCache) : undefined,
            notes: result.notes,
            networkLayers: result.networkLayers,
            buildMilliseconds: result.buildMilliseconds,
          };
        }),
      deserialize: (plan) => rethrowing(async () => wrapEngine(await addon.deserialize(plan))),
    };
  }
  throw unavailable(`TensorRT is not available. ${failures.join('\n')}`);
}
