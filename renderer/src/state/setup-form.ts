/**
 * The calibration setup form as plain data, and its translation into an OpenSessionRequest / DataSpec
 * (the shapes the CLI flags produce). Pure, so the rules are unit-tested.
 */
import type { DataSpec, InferenceBackend, OpenSessionRequest, TensorRtStatus } from '../../../app/contract/service';
import type { CalibratorName, Precision } from '../../../app/precision/plan';
import { backendField, clipText, unavailableReason } from './backend-logic';

export type DataKind = 'images' | 'npz' | 'npy' | 'random';

export interface DataForm {
  kind: DataKind;
  /** Folder for images, file for npz/npy. */
  path: string;
  /** Max samples ('' = all). */
  limit: string;
  count: string;
  seed: string;
  /** Optional labels file (images only; evaluation data). */
  labels: string;
}

export interface PreprocessForm {
  /** true: let the engine infer everything from the model input (the CLI default). */
  auto: boolean;
  resizeMode: 'none' | 'size' | 'shorter';
  width: string;
  height: string;
  shorterSide: string;
  crop: string;
  mean: string;
  std: string;
  scale: 'unit' | 'byte';
  channelOrder: 'RGB' | 'BGR';
  layout: 'NCHW' | 'NHWC';
}

export interface SetupForm {
  modelPath: string;
  precision: Precision;
  /** Where the reduced-precision model runs (TensorRT only where tensorRtStatus says it is available). */
  backend: InferenceBackend;
  /** With the TensorRT backend: compare with an FP32 TensorRT engine instead of ONNX Runtime FP32. */
  fp32Reference: InferenceBackend;
  calibrator: CalibratorName;
  calibration: DataForm;
  evalSameAsCalibration: boolean;
  evaluation: DataForm;
  preprocess: PreprocessForm;
}

export const DEFAULT_DATA: DataForm = { kind: 'images', path: '', limit: '', count: '32', seed: '1', labels: '' };
export const DEFAULT_PREPROCESS: PreprocessForm = {
  auto: true, resizeMode: 'none', width: '224', height: '224', shorterSide: '256', crop: '', mean: '', std: '', scale: 'unit', channelOrder: 'RGB', layout: 'NCHW',
};
export const DEFAULT_SETUP: SetupForm = {
  modelPath: '', precision: 'int8', backend: 'onnxruntime', fp32Reference: 'onnxruntime', calibrator: 'entropy', calibration: { ...DEFAULT_DATA, limit: '64' }, evalSameAsCalibration: true, evaluation: { ...DEFAULT_DATA, limit: '32' }, preprocess: DEFAULT_PREPROCESS,
};

function positiveInt(text: string, what: string, problems: string[]): number | undefined {
  if (text.trim() === '') return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) {
    problems.push(`${what} must be a whole number above 0 (got "${text}")`);
    return undefined;
  }
  return n;
}

function numberList(text: string, what: string, problems: string[]): number[] | undefined {
  if (text.trim() === '') return undefined;
  const parts = text.split(/[\s,]+/).filter(Boolean).map(Number);
  if (parts.some((n) => !Number.isFinite(n))) {
    problems.push(`${what}: expected numbers separated by commas, e.g. "0.485, 0.456, 0.406"`);
    return undefined;
  }
  return parts;
}

/** The preprocess object of an images DataSpec (fields of main/data PartialPreprocessSpec); undefined = auto. */
export function preprocessFromForm(form: PreprocessForm, problems: string[]): Record<string, unknown> | undefined {
  if (form.auto) return undefined;
  const spec: Record<string, unknown> = { scale: form.scale, channelOrder: form.channelOrder, layout: form.layout };
  if (form.resizeMode === 'size') {
    const width = positiveInt(form.width, 'Resize width', problems);
    const height = positiveInt(form.height, 'Resize height', problems);
    if (width && height) spec.resize = { width, height };
  } else if (form.resizeMode === 'shorter') {
    const shorterSide = positiveInt(form.shorterSide, 'Shorter side', problems);
    if (shorterSide) spec.resize = { shorterSide };
  } else spec.resize = null;
  if (form.crop.trim()) {
    const match = /^\s*(\d+)\s*[x×,]\s*(\d+)\s*$/.exec(form.crop);
    if (match) spec.centerCrop = { width: Number(match[1]), height: Number(match[2]) };
    else problems.push('Center crop: expected WIDTHxHEIGHT, e.g. 224x224');
  }
  const mean = numberList(form.mean, 'Mean', problems);
  const std = numberList(form.std, 'Std', problems);
  if (mean) spec.mean = mean;
  if (std) {
    if (std.some((s) => s === 0)) problems.push('Std: a zero would divide by zero');
    spec.std = std;
  }
  return spec;
}

export function dataSpecFromForm(form: DataForm, preprocess: PreprocessForm, what: string, problems: string[]): DataSpec | undefined {
  if (form.kind === 'random') {
    const count = positiveInt(form.count, `${what}: random sample count`, problems) ?? 0;
    const seed = Number(form.seed || '1');
    if (!Number.isInteger(seed)) problems.push(`${what}: seed must be a whole number`);
    return { kind: 'random', count, seed };
  }
  if (!form.path.trim()) {
    problems.push(`${what}: give a ${form.kind === 'images' ? 'folder of images' : `.${form.kind} file`}`);
    return undefined;
  }
  const limit = positiveInt(form.limit, `${what}: sample limit`, problems);
  if (form.kind === 'images') {
    const spec: DataSpec = { kind: 'images', dir: form.path.trim() };
    if (limit) spec.limit = limit;
    if (form.labels.trim()) spec.labels = form.labels.trim();
    const pre = preprocessFromForm(preprocess, problems);
    if (pre) spec.preprocess = pre;
    return spec;
  }
  return limit ? { kind: form.kind, path: form.path.trim(), limit } : { kind: form.kind, path: form.path.trim() };
}

/**
 * The form as an OpenSessionRequest, or the problems that stop it. `tensorRt` (the machine's TensorRT status, null
 * while unknown) turns a TensorRT choice on a machine without TensorRT into a problem instead of a failed call.
 */
export function requestFromForm(form: SetupForm, tensorRt: TensorRtStatus | null = null): { request: OpenSessionRequest | null; problems: string[] } {
  const problems: string[] = [];
  if (!form.modelPath.trim()) problems.push('Model: give the path of an .onnx file');
  if (form.backend === 'tensorrt' && tensorRt && !tensorRt.available) problems.push(`Backend: TensorRT is not available here (${clipText(unavailableReason(tensorRt))}); choose ONNX Runtime`);
  const calibration = dataSpecFromForm(form.calibration, form.preprocess, 'Calibration data', problems);
  const evaluation = form.evalSameAsCalibration ? undefined : dataSpecFromForm(form.evaluation, form.preprocess, 'Evaluation data', problems);
  if (problems.length) return { request: null, problems };
  const fp32Reference = form.backend === 'tensorrt' && form.fp32Reference === 'tensorrt' ? { fp32Reference: 'tensorrt' as const } : {};
  const request: OpenSessionRequest = { modelPath: form.modelPath.trim(), precision: form.precision, ...backendField(form.backend), ...fp32Reference, calibrator: form.calibrator, calibration };
  if (evaluation) request.evaluation = evaluation;
  return { request, problems };
}
