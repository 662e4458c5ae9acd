import { calibrationError, quoteForMessage } from './calibration-errors';
import { formatPythonFloat, parseOrtTableValue } from './python-float';

/**
 * Calibration caches users already have (reference/tensorrt.md §4.1):
 *
 * TensorRT (`'tensorrt'`), written by IInt8Calibrator::writeCalibrationCache:
 *   TRT-<N>-<Algorithm>            N = library version integer: 8.5.1 → 8501, 10.14.1 → 101401
 *   <tensor name>: <hex>           hex = big-endian IEEE-754 float32 bits of the SCALE, 8 lowercase digits
 * dynamic range amax = scale · 127 (ONNX Runtime's TRT EP: `scale_float * 127.0f`, a float32 product — reproduced
 * here). Tensor names may contain ':' so lines are split at the LAST ": ". TensorRT writes '\n' line endings.
 *
 * ONNX Runtime TensorRT-EP calibration table (`'ort-trt-ep-table'`), the plain `calibration.cache` text that
 * onnxruntime's quantization tools write next to `calibration.flatbuffers` (quant_utils.write_calibration_table):
 *   <tensor name> <value>          value = str(max(|min|, |max|)) — the dynamic range amax itself (Python float repr)
 * (verified on calib-caches/shiyongming-resnet50v2-7…: 'data 2.640000104904175' is float32((1−0.406)/0.225), the
 * largest ImageNet-normalized input). scale = amax/127 in float64 for these entries.
 *
 * Scales that decode to NaN, ±Inf, a negative number (sign bit set, incl. -0) or +0 are FLAGGED, not fatal: the
 * entry gets `issue` and the cache a warning with the line number, so a user can still inspect the other entries.
 * Pass `strict: true` to turn them into CACHE_BAD_SCALE errors. Syntax errors are always CACHE_MALFORMED errors.
 */

export type CalibrationCacheFormat = 'tensorrt' | 'ort-trt-ep-table';
export type ScaleIssue = 'nan' | 'infinite' | 'negative' | 'zero';

export interface CalibrationCacheEntry {
  tensor: string;
  /** float32 scale (TensorRT) or amax/127 (ONNX Runtime table). */
  scale: number;
  /** Dynamic range: float32(scale · 127) for TensorRT caches, the stored value for ONNX Runtime tables. */
  amax: number;
  /** 1-based line in the file. */
  line: number;
  issue?: ScaleIssue;
}

export type CacheWarningCode =
  | 'BAD_SCALE'
  | 'HEX_NOT_CANONICAL'
  | 'DUPLICATE_TENSOR'
  | 'BLANK_LINE'
  | 'CRLF_LINE_ENDINGS'
  | 'BYTE_ORDER_MARK'
  | 'NO_FINAL_NEWLINE';

export interface CalibrationCacheWarning {
  /** 1-based line, 0 for the file as a whole. */
  line: number;
  code: CacheWarningCode;
  message: string;
}

export interface CalibrationCache {
  format: CalibrationCacheFormat;
  /** Version integer from the header as written, e.g. '8501', '101401' (TensorRT caches only). */
  trtVersion?: string;
  /** e.g. 'EntropyCalibration2', 'MinMaxCalibration' (TensorRT caches only). */
  algorithm?: string;
  /** In file order. Duplicated names are kept (and warned about); consumers that build a map let the last win, as ONNX Runtime does. */
  entries: CalibrationCacheEntry[];
  warnings: CalibrationCacheWarning[];
}

export interface ParseCacheOptions {
  /** File name for messages and WorkbenchError.file. */
  file?: string;
  /** Make flagged scales (NaN, ±Inf, negative, zero) errors (CACHE_BAD_SCALE) instead of warnings. */
  strict?: boolean;
}

const HEADER = /^TRT-(\d+)-([A-Za-z0-9_]+)$/;
const HEX = /^[0-9a-fA-F]{1,8}$/;
const CANONICAL_HEX = /^[0-9a-f]{8}$/;

/** Parse a calibration cache already decoded to text (UTF-8). Detects the format from the first line. */
export function parseCalibrationCache(text: string, options: ParseCacheOptions = {}): CalibrationCache {
  const where = options.file === undefined ? 'calibration cache' : `calibration cache '${options.file}'`;
  const fail = (code: 'CACHE_EMPTY' | 'CACHE_BINARY' | 'CACHE_UNKNOWN_FORMAT' | 'CACHE_MALFORMED' | 'CACHE_BAD_SCALE', message: string): never => {
    throw calibrationError(code, `${where} ${message}`, { file: options.file });
  };
  const warnings: CalibrationCacheWarning[] = [];
  let body = text;
  if (body.startsWith('\uFEFF')) {
    body = body.slice(1);
    warnings.push({ line: 1, code: 'BYTE_ORDER_MARK', message: 'file starts with a UTF-8 byte order mark (ignored)' });
  }
  if (body.trim() === '') fail('CACHE_EMPTY', 'is empty; expected a TensorRT calibration cache or an ONNX Runtime calibration table');
  if (body.includes('\0')) {
    fail('CACHE_BINARY', "is binary, not text (ONNX Runtime's calibration.flatbuffers? use the plain calibration.cache next to it)");
  }
  if (body.includes('\r\n')) {
    warnings.push({ line: 0, code: 'CRLF_LINE_ENDINGS', message: 'Windows (CRLF) line endings; TensorRT writes LF' });
  }
  const lines = body.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  if (lines[lines.length - 1] === '') lines.pop();
  else warnings.push({ line: lines.length, code: 'NO_FINAL_NEWLINE', message: 'the last line has no newline' });

  const first = lines[0];
  let format: CalibrationCacheFormat;
  let trtVersion: string | undefined;
  let algorithm: string | undefined;
  if (first.startsWith('TRT-')) {
    const m = HEADER.exec(first);
    if (m === null) fail('CACHE_MALFORMED', `line 1: ${quoteForMessage(first)} is not a TensorRT header 'TRT-<version>-<Algorithm>'`);
    format = 'tensorrt';
    trtVersion = m![1];
    algorithm = m![2];
  } else if (isOrtTableLine(first)) {
    format = 'ort-trt-ep-table';
  } else {
    fail(
      'CACHE_UNKNOWN_FORMAT',
      `line 1: ${quoteForMessage(first)} is neither a TensorRT header 'TRT-<version>-<Algorithm>' nor an ONNX Runtime table line 'tensor value'`,
    );
  }

  const entries: CalibrationCacheEntry[] = [];
  const seen = new Map<string, number>();
  for (let index = format! === 'tensorrt' ? 1 : 0; index < lines.length; index++) {
    const line = lines[index];
    const lineNumber = index + 1;
    if (line.trim() === '') {
      warnings.push({ line: lineNumber, code: 'BLANK_LINE', message: `line ${lineNumber} is blank (ignored)` });
      continue;
    }
    let tensor: string;
    let scale: number;
    let amax: number;
    if (format! === 'tensorrt') {
      const split = line.lastIndexOf(': ');
      const hex = split < 0 ? '' : line.slice(split + 2);
      tensor = split < 0 ? '' : line.slice(0, split);
      if (tensor === '' || !HEX.test(hex)) {
        fail('CACHE_MALFORMED', `line ${lineNumber}: ${quoteForMessage(line)} is not 'tensor: hexfloat'`);
      }
      if (!CANONICAL_HEX.test(hex)) {
        warnings.push({ line: lineNumber, code: 'HEX_NOT_CANONICAL', message: `line ${lineNumber}: '${hex}' is not 8 lowercase hex digits (TensorRT's spelling); it is rewritten as such` });
      }
      scale = float32FromBits(parseInt(hex, 16));
      amax = Math.fround(scale * 127);
    } else {
      const split = line.lastIndexOf(' ');
      const value = split < 0 ? undefined : parseOrtTableValue(line.slice(split + 1));
      tensor = split < 0 ? '' : line.slice(0, split);
      if (tensor === '' || value === undefined) {
        fail('CACHE_MALFORMED', `line ${lineNumber}: ${quoteForMessage(line)} is not 'tensor value'`);
      }
      amax = value!;
      scale = amax / 127;
    }
    const issue = scaleIssue(scale);
    if (issue !== undefined) {
      const message = `line ${lineNumber}: tensor ${quoteForMessage(tensor)} has ${issueText(issue)} scale ${scale}; it cannot be used to quantize`;
      if (options.strict === true) fail('CACHE_BAD_SCALE', message);
      warnings.push({ line: lineNumber, code: 'BAD_SCALE', message });
    }
    const previous = seen.get(tensor);
    if (previous !== undefined) {
      warnings.push({ line: lineNumber, code: 'DUPLICATE_TENSOR', message: `line ${lineNumber}: tensor ${quoteForMessage(tensor)} already appeared on line ${previous}; the last entry wins` });
    }
    seen.set(tensor, lineNumber);
    entries.push(issue === undefined ? { tensor, scale, amax, line: lineNumber } : { tensor, scale, amax, line: lineNumber, issue });
  }
  const cache: CalibrationCache = { format: format!, entries, warnings };
  if (trtVersion !== undefined) cache.trtVersion = trtVersion;
  if (algorithm !== undefined) cache.algorithm = algorithm;
  return cache;
}

export interface WriteCacheInput {
  /** Version integer of the TensorRT that will read the cache (getInferLibVersion()), e.g. '101601'. */
  trtVersion: string | number;
  /** Algorithm of the calibrator that will read it, e.g. 'EntropyCalibration2'. */
  algorithm: string;
  entries: readonly { tensor: string; scale: number }[];
}

/**
 * Write the TensorRT format exactly: header, then `name: xxxxxxxx` per entry, '\n' after every line. Scales are
 * rounded to float32. Round trip: for a cache in TensorRT's own spelling (8 lowercase hex digits, LF, final newline)
 * parse → write reproduces the bytes. Refuses (CACHE_BAD_SCALE) NaN, ±Inf, negative and zero scales unless
 * `allowBadScales` (e.g. to rewrite only the header of a cache as found); NaN is then written as 7fc00000.
 */
export function writeCalibrationCache(input: WriteCacheInput, options: { allowBadScales?: boolean } = {}): string {
  const version = String(input.trtVersion);
  if (!/^\d+$/.test(version)) {
    throw calibrationError('CACHE_MALFORMED', `TensorRT version '${version}' must be the library's version integer, e.g. 101601 for 10.16.1`);
  }
  if (!/^[A-Za-z0-9_]+$/.test(input.algorithm)) {
    throw calibrationError('CACHE_MALFORMED', `calibration algorithm ${quoteForMessage(input.algorithm)} must be a word such as EntropyCalibration2`);
  }
  const out: string[] = [`TRT-${version}-${input.algorithm}\n`];
  for (const { tensor, scale } of input.entries) {
    if (tensor === '' || /[\r\n]/.test(tensor)) {
      throw calibrationError('CACHE_BAD_TENSOR_NAME', `tensor name ${quoteForMessage(JSON.stringify(tensor))} cannot be written to a calibration cache (empty or has a line break)`);
    }
    const scale32 = Math.fround(scale);
    const issue = scaleIssue(scale32);
    if (issue !== undefined && options.allowBadScales !== true) {
      throw calibrationError('CACHE_BAD_SCALE', `tensor ${quoteForMessage(tensor)} has ${issueText(issue)} scale ${scale}; refusing to write it to a calibration cache`);
    }
    out.push(`${tensor}: ${float32ToHex(scale32)}\n`);
  }
  return out.join('');
}

/**
 * Write the ONNX Runtime text table (`name value\n`, value = amax in Python's float repr, e.g. 2.640000104904175,
 * 1e-05), entries in the given order (onnxruntime sorts by name). Round-trips the tables onnxruntime writes.
 */
export function writeOrtCalibrationTable(entries: readonly { tensor: string; amax: number }[]): string {
  const out: string[] = [];
  for (const { tensor, amax } of entries) {
    if (tensor === '' || /[\r\n]/.test(tensor)) {
      throw calibrationError('CACHE_BAD_TENSOR_NAME', `tensor name ${quoteForMessage(JSON.stringify(tensor))} cannot be written to a calibration table (empty or has a line break)`);
    }
    out.push(`${tensor} ${formatPythonFloat(amax)}\n`);
  }
  return out.join('');
}

export interface CacheModelMatch {
  /** Cache tensors that are model tensors (cache order, each once). */
  matched: string[];
  /** Cache tensors the model does not have: TensorRT-internal names ('(Unnamed Layer* 8) [Constant]_output'),
   *  tensors renamed by TensorRT's fusions, or a different model. Reported, not an error. */
  unmatchedInCache: string[];
  /** Model tensors the cache has no scale for (model order, each once). */
  modelTensorsWithoutScale: string[];
}

/** Compare cache entries with the model's tensor names (exact, case-sensitive). */
export function matchCacheToModel(cache: Pick<CalibrationCache, 'entries'>, modelTensorNames: Iterable<string>): CacheModelMatch {
  const model = new Set(modelTensorNames);
  const inCache = new Set<string>();
  const matched: string[] = [];
  const unmatchedInCache: string[] = [];
  for (const { tensor } of cache.entries) {
    if (inCache.has(tensor)) continue;
    inCache.add(tensor);
    (model.has(tensor) ? matched : unmatchedInCache).push(tensor);
  }
  const modelTensorsWithoutScale: string[] = [];
  for (const name of model) if (!inCache.has(name)) modelTensorsWithoutScale.push(name);
  return { matched, unmatchedInCache, modelTensorsWithoutScale };
}

/** Decode a TensorRT version integer: 8501 → 8.5.1 (M·1000+m·100+p before 10), 101401 → 10.14.1 (M·10000+m·100+p). */
export function decodeTrtVersion(version: string | number): { major: number; minor: number; patch: number } | undefined {
  const n = typeof version === 'number' ? version : /^\d+$/.test(version) ? Number(version) : NaN;
  if (!Number.isSafeInteger(n) || n <= 0) return undefined;
  if (n >= 100000) return { major: Math.floor(n / 10000), minor: Math.floor(n / 100) % 100, patch: n % 100 };
  return { major: Math.floor(n / 1000), minor: Math.floor(n / 100) % 10, patch: n % 100 };
}

/** float32 value of a 32-bit pattern (big-endian hex in caches is just the integer value). */
export function float32FromBits(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, bits >>> 0);
  return view.getFloat32(0);
}

/** 8 lowercase hex digits of the float32 bit pattern of `value` (rounded to float32 first). */
export function float32ToHex(value: number): string {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, value);
  return view.getUint32(0).toString(16).padStart(8, '0');
}

function scaleIssue(scale: number): ScaleIssue | undefined {
  if (scale !== scale) return 'nan';
  if (scale === Infinity || scale === -Infinity) return 'infinite';
  if (scale < 0 || Object.is(scale, -0)) return 'negative';
  if (scale === 0) return 'zero';
  return undefined;
}

function issueText(issue: ScaleIssue): string {
  return issue === 'nan' ? 'a NaN' : issue === 'infinite' ? 'an infinite' : issue === 'negative' ? 'a negative' : 'a zero';
}

function isOrtTableLine(line: string): boolean {
  const split = line.lastIndexOf(' ');
  return split > 0 && parseOrtTableValue(line.slice(split + 1)) !== undefined;
}
