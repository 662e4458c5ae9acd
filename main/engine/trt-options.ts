/**
 * TrtRunner build options: validation against the model's inputs, normalisation into what the addon takes, and the
 * trtexec flags that build the same engine (so users can reproduce a build outside the workbench). Pure code.
 */
import { WorkbenchError } from '../../app/errors';
import type { TrtAddonBuildOptions, TrtFeatures, TrtLegacyPrecision, TrtShapeRange } from '../../native/index';
import { type TrtLogLevel, trtSeverityOf } from './trt-log';

/** A model input as the ONNX graph declares it: numbers for fixed dims, strings/undefined for dynamic ones. */
export interface TrtModelInput {
  name: string;
  dims: (number | string | undefined)[];
}

export interface TrtShapeSpec {
  min: number[];
  opt: number[];
  max: number[];
}

/** An input's shape range, or one fixed shape (min = opt = max). */
export type TrtInputShape = TrtShapeSpec | number[];

export interface TrtBuildOptions {
  /** Default true. 11.x is always strongly typed; false is only for 10.x legacy precision experiments. */
  stronglyTyped?: boolean;
  /** Workspace memory pool limit in MiB (TensorRT's default: the device's global memory). */
  workspaceMiB?: number;
  /** Builder optimization level 0..5 (TensorRT's default 3). */
  optimizationLevel?: number;
  /** One optimization profile: input name -> range. Needed for every dynamic input. */
  shapes?: Record<string, TrtInputShape>;
  /** Several optimization profiles (instead of `shapes`). */
  profiles?: Record<string, TrtInputShape>[];
  /** Loaded before the build when it exists, written after (like trtexec --timingCacheFile). */
  timingCacheFile?: string;
  /** trtexec spelling, case-insensitive: cublas, cublas_lt, cudnn (10.x only), edge_mask_convolutions, jit_convolutions. */
  tacticSources?: { enable?: string[]; disable?: string[] };
  /** Builder log lines at or above this level are passed to onLog (default 'warning'). */
  logLevel?: TrtLogLevel;
  /**
   * TF32 for FP32 layers (TensorRT's default: on, on Ampere and newer). false = trtexec --noTF32: FP32 layers compute
   * in full FP32, so a layer kept at FP32 is compared as FP32 (Polygraphy's default for accuracy debugging).
   */
  tf32?: boolean;
  /** ProfilingVerbosity::kDETAILED (default true): inspector JSON with tactics, formats and ONNX metadata. */
  detailedProfiling?: boolean;
  /**
   * 'unfused' = markUnfusedTensorsAsDebugTensors (10.12+): every tensor that survives fusion, without changing
   * the engine. A list = markDebug of those network tensors, which prevents fusion around them.
   */
  debugTensors?: 'none' | 'unfused' | string[];
  /** markOutput: these tensors become engine outputs. Changes fusion (and can change numerics) — a different engine. */
  extraOutputs?: string[];
  /** 10.x only (deprecated in 10.12): needs stronglyTyped: false. */
  legacyPrecision?: TrtLegacyPrecision;
  /** Model file path, so the ONNX parser finds external data next to it. */
  modelPath?: string;
}

export interface NormalizedBuild {
  addon: TrtAddonBuildOptions;
  /** Things the caller should show (e.g. "markOutput changes fusion"). */
  warnings: string[];
}

function invalid(message: string): WorkbenchError {
  return new WorkbenchError('trt', 'TRT_INVALID_OPTIONS', message);
}

function unsupported(message: string): WorkbenchError {
  return new WorkbenchError('trt', 'TRT_OPTION_UNSUPPORTED', message);
}

const isDynamic = (dim: number | string | undefined): boolean => typeof dim !== 'number' || dim < 0;
const formatShape = (dims: readonly number[]): string => dims.join('x');

function checkDims(input: TrtModelInput, label: string, dims: number[]): void {
  if (!Array.isArray(dims) || dims.some((d) => !Number.isInteger(d) || d < 0)) {
    throw invalid(`${label}: dims must be non-negative integers, got [${String(dims)}].`);
  }
  if (dims.length !== input.dims.length) {
    throw invalid(`${label}: rank ${dims.length} does not match input '${input.name}' of rank ${input.dims.length}.`);
  }
  input.dims.forEach((modelDim, i) => {
    if (!isDynamic(modelDim) && modelDim !== dims[i]) {
      throw invalid(`${label}: dim ${i} is ${dims[i]} but the model fixes it to ${modelDim}.`);
    }
  });
}

function normalizeRange(input: TrtModelInput, profileIndex: number, shape: TrtInputShape): TrtShapeRange {
  const label = `profile ${profileIndex}, input '${input.name}'`;
  const spec: TrtShapeSpec = Array.isArray(shape) ? { min: shape, opt: shape, max: shape } : shape;
  checkDims(input, `${label} min`, spec.min);
  checkDims(input, `${label} opt`, spec.opt);
  checkDims(input, `${label} max`, spec.max);
  spec.min.forEach((min, i) => {
    if (!(min <= spec.opt[i] && spec.opt[i] <= spec.max[i])) {
      throw invalid(`${label}: dim ${i} needs min <= opt <= max, got ${min}, ${spec.opt[i]}, ${spec.max[i]}.`);
    }
  });
  return { input: input.name, min: [...spec.min], opt: [...spec.opt], max: [...spec.max] };
}

/** Checks every profile against the model's inputs: names exist, ranks and fixed dims agree, every dynamic input has a range. */
export function normalizeProfiles(inputs: readonly TrtModelInput[], options: Pick<TrtBuildOptions, 'shapes' | 'profiles'>): TrtShapeRange[][] {
  if (options.shapes && options.profiles) throw invalid('Give either shapes (one profile) or profiles, not both.');
  const profiles = options.profiles ?? (options.shapes ? [options.shapes] : []);
  const byName = new Map(inputs.map((input) => [input.name, input]));
  const dynamicInputs = inputs.filter((input) => input.dims.some(isDynamic));
  if (profiles.length === 0 && dynamicInputs.length > 0) {
    throw invalid(
      `Input${dynamicInputs.length > 1 ? 's' : ''} ${dynamicInputs.map((i) => `'${i.name}' [${i.dims.map((d) => d ?? '?').join(',')}]`).join(', ')} ` +
        'have dynamic dims; give shapes: { name: { min, opt, max } } (or one fixed shape) for each.',
    );
  }
  return profiles.map((profile, index) => {
    for (const name of Object.keys(profile)) {
      if (!byName.has(name)) throw invalid(`profile ${index} names input '${name}', which the model does not have (inputs: ${[...byName.keys()].join(', ')}).`);
    }
    const missing = dynamicInputs.filter((input) => !(input.name in profile));
    if (missing.length) throw invalid(`profile ${index} has no shape for dynamic input${missing.length > 1 ? 's' : ''} ${missing.map((i) => `'${i.name}'`).join(', ')}.`);
    return Object.entries(profile).map(([name, shape]) => normalizeRange(byName.get(name)!, index, shape));
  });
}

/** Validates the options for this model and TensorRT, and turns them into the addon's options. */
export function normalizeBuildOptions(options: TrtBuildOptions, inputs: readonly TrtModelInput[], features: TrtFeatures): NormalizedBuild {
  const warnings: string[] = [];
  const stronglyTyped = options.stronglyTyped ?? true;
  if (!stronglyTyped && !features.weakTyping) throw unsupported('This TensorRT builds every network strongly typed (TensorRT 11+); stronglyTyped: false is not available.');
  if (options.legacyPrecision) {
    if (!features.legacyPrecision) {
      throw unsupported('Per-layer precision, precision flags and dynamic ranges were removed in TensorRT 11; put the precision in the ONNX graph (Q/DQ, casts) instead.');
    }
    if (stronglyTyped) throw invalid('legacyPrecision needs stronglyTyped: false (strongly typed networks reject per-layer precision).');
    warnings.push('Weak typing (legacyPrecision) is deprecated since TensorRT 10.12 and removed in 11; the engine may not match the ONNX graph you analysed.');
  }
  const addon: TrtAddonBuildOptions = { stronglyTyped, detailedProfiling: options.detailedProfiling ?? true, logSeverity: trtSeverityOf(options.logLevel ?? 'warning') };
  if (options.tf32 === false) addon.noTF32 = true;
  if (options.workspaceMiB !== undefined) {
    if (!Number.isFinite(options.workspaceMiB) || options.workspaceMiB <= 0) throw invalid(`workspaceMiB must be a positive number, got ${options.workspaceMiB}.`);
    addon.workspaceBytes = Math.floor(options.workspaceMiB * 1024 * 1024);
  }
  if (options.optimizationLevel !== undefined) {
    if (!Number.isInteger(options.optimizationLevel) || options.optimizationLevel < 0 || options.optimizationLevel > 5) {
      throw invalid(`optimizationLevel must be an integer 0..5, got ${options.optimizationLevel}.`);
    }
    addon.optimizationLevel = options.optimizationLevel;
  }
  const profiles = normalizeProfiles(inputs, options);
  if (profiles.length) addon.profiles = profiles;
  if (options.tacticSources) {
    const known = ['edge_mask_convolutions', 'jit_convolutions', ...(features.libraryTacticSources ? ['cublas', 'cublas_lt', 'cudnn'] : [])];
    const check = (names: string[] = []) =>
      names.map((name) => {
        const lower = name.toLowerCase();
        if (!known.includes(lower)) throw unsupported(`Tactic source '${name}' does not exist in this TensorRT (known: ${known.join(', ')}).`);
        return lower;
      });
    addon.enableTacticSources = check(options.tacticSources.enable);
    addon.disableTacticSources = check(options.tacticSources.disable);
  }
  const debug = options.debugTensors ?? 'none';
  if (debug === 'unfused') {
    if (!features.unfusedDebugTensors) throw unsupported('Unfused debug tensors need TensorRT 10.12 or newer.');
    addon.markUnfusedDebugTensors = true;
  } else if (Array.isArray(debug)) {
    addon.debugTensors = [...debug];
    if (debug.length) warnings.push('markDebug prevents fusion around the marked tensors; the engine differs from a plain build.');
  } else if (debug !== 'none') {
    throw invalid(`debugTensors must be 'none', 'unfused' or a list of tensor names, got ${JSON.stringify(debug)}.`);
  }
  if (options.extraOutputs?.length) {
    addon.extraOutputs = [...options.extraOutputs];
    warnings.push('extraOutputs uses markOutput, which breaks layer fusion around those tensors and can change the numerics; it is a different engine from the one deployed.');
  }
  if (options.legacyPrecision) addon.legacyPrecision = options.legacyPrecision;
  if (options.modelPath) addon.modelPath = options.modelPath;
  return { addon, warnings };
}

/** Quotes an argument for a POSIX shell when it needs it. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export interface TrtexecCommand {
  /** Arguments after `trtexec`, unquoted. */
  args: string[];
  /** One line for a shell. */
  command: string;
  /** Options with no trtexec flag (e.g. markOutput, dynamic ranges). */
  notCovered: string[];
}

const TACTIC_NAMES: Record<string, string> = {
  cublas: 'CUBLAS',
  cublas_lt: 'CUBLAS_LT',
  cudnn: 'CUDNN',
  edge_mask_convolutions: 'EDGE_MASK_CONVOLUTIONS',
  jit_convolutions: 'JIT_CONVOLUTIONS',
};

/**
 * The trtexec invocation that builds the same engine from `onnxPath` (flags as in trtexec 10.x/11.x help). In 11.x
 * networks are always strongly typed, so --stronglyTyped is omitted there.
 */
export function trtexecCommand(onnxPath: string, normalized: TrtAddonBuildOptions, extra: { tensorRtMajor: number; timingCacheFile?: string; saveEngine?: string }): TrtexecCommand {
  const args = [`--onnx=${onnxPath}`];
  const notCovered: string[] = [];
  if (normalized.stronglyTyped !== false && extra.tensorRtMajor < 11) args.push('--stronglyTyped');
  if (normalized.workspaceBytes !== undefined) args.push(`--memPoolSize=workspace:${normalized.workspaceBytes / (1024 * 1024)}M`);
  if (normalized.optimizationLevel !== undefined) args.push(`--builderOptimizationLevel=${normalized.optimizationLevel}`);
  // trtexec takes several profiles as repeated --minShapes/--optShapes/--maxShapes groups, in profile order.
  for (const profile of normalized.profiles ?? []) {
    for (const key of ['min', 'opt', 'max'] as const) {
      args.push(`--${key}Shapes=${profile.map((range) => `${range.input}:${formatShape(range[key])}`).join(',')}`);
    }
  }
  if (extra.timingCacheFile) args.push(`--timingCacheFile=${extra.timingCacheFile}`);
  const tactics = [...(normalized.enableTacticSources ?? []).map((s) => `+${TACTIC_NAMES[s]}`), ...(normalized.disableTacticSources ?? []).map((s) => `-${TACTIC_NAMES[s]}`)];
  if (tactics.length) args.push(`--tacticSources=${tactics.join(',')}`);
  if (normalized.noTF32) args.push('--noTF32');
  if (normalized.detailedProfiling !== false) args.push('--profilingVerbosity=detailed');
  if ((normalized.logSeverity ?? 2) >= 4) args.push('--verbose');
  if (normalized.markUnfusedDebugTensors) args.push('--markUnfusedTensorsAsDebugTensors');
  if (normalized.debugTensors?.length) args.push(`--markDebug=${normalized.debugTensors.join(',')}`);
  if (normalized.extraOutputs?.length) notCovered.push(`extra outputs (markOutput) ${normalized.extraOutputs.join(', ')}: trtexec has no flag; polygraphy convert --trt-outputs does this`);
  const legacy = normalized.legacyPrecision;
  if (legacy) {
    if (legacy.fp16) args.push('--fp16');
    if (legacy.int8) args.push('--int8');
    if (legacy.bf16) args.push('--bf16');
    if (legacy.constraints && legacy.constraints !== 'none') args.push(`--precisionConstraints=${legacy.constraints}`);
    const pairs = (map: Record<string, string> | undefined) => Object.entries(map ?? {}).map(([name, precision]) => `${name}:${precision}`);
    if (legacy.layerPrecisions && Object.keys(legacy.layerPrecisions).length) args.push(`--layerPrecisions=${pairs(legacy.layerPrecisions).join(',')}`);
    if (legacy.layerOutputTypes && Object.keys(legacy.layerOutputTypes).length) args.push(`--layerOutputTypes=${pairs(legacy.layerOutputTypes).join(',')}`);
    if (legacy.dynamicRanges && Object.keys(legacy.dynamicRanges).length) notCovered.push('INT8 dynamic ranges: trtexec reads them only from a calibration cache (--calib=<file>)');
  }
  if (extra.saveEngine) args.push(`--saveEngine=${extra.saveEngine}`);
  return { args, command: ['trtexec', ...args].map(shellQuote).join(' '), notCovered };
}

/** The model's graph inputs (initializers excluded) with their declared dims. */
export function modelInputsOf(graph: { input: { name: string; type?: { tensorType?: { shape?: { dimValue?: number; dimParam?: string }[] } } }[]; initializer: { name: string }[] }): TrtModelInput[] {
  const initializers = new Set(graph.initializer.map((t) => t.name));
  return graph.input
    .filter((input) => !initializers.has(input.name))
    .map((input) => ({
      name: input.name,
      dims: (input.type?.tensorType?.shape ?? []).map((dim) => (typeof dim.dimValue === 'number' && dim.dimValue > 0 ? dim.dimValue : dim.dimParam)),
    }));
}
