/**
 * The TensorRT calibration cache of an export (reference/tensorrt.md §4.1): one `tensor: hex(scale)` line per
 * activation the plan quantizes, with exactly the float32 scale (amax/127) the Q/DQ export uses, so TensorRT 10's
 * implicit INT8 path (or ModelOpt's `--calibration_cache_path`) starts from the analysed ranges.
 * The header names the calibrator that will READ the cache (trtexec's is IInt8EntropyCalibrator2), not the
 * method that computed the ranges (that is in the report). TensorRT 11 has no calibration caches.
 */
import { writeCalibrationCache } from '../calibration/calibration-cache';
import { WorkbenchError } from '../errors';
import type { QuantizedTensor } from '../precision/materialize';

export const DEFAULT_TRT_VERSION = '10.16.1';
export const CACHE_ALGORITHM = 'EntropyCalibration2';

/** "10.16.1" or "101601" → 101601 (TensorRT ≥ 10: M·10000+m·100+p; 8.x: M·1000+m·100+p). Refuses 11+. */
export function trtVersionInteger(text: string): number {
  const fail = (why: string): never => {
    throw new WorkbenchError('cli', 'FLAG_INVALID', `--trt-version '${text}': ${why}`);
  };
  let major: number;
  let value: number;
  const dotted = /^(\d+)\.(\d+)(?:\.(\d+))?$/.exec(text);
  if (dotted) {
    major = Number(dotted[1]);
    const minor = Number(dotted[2]);
    const patch = Number(dotted[3] ?? 0);
    if (minor > 99 || patch > 99) fail('minor and patch must be below 100');
    value = major >= 10 ? major * 10000 + minor * 100 + patch : major * 1000 + minor * 100 + patch;
  } else if (/^\d+$/.test(text)) {
    value = Number(text);
    major = value >= 100000 ? Math.floor(value / 10000) : Math.floor(value / 1000);
  } else {
    return fail('expected a version like 10.16.1 or its integer form 101601');
  }
  if (major >= 11) fail('TensorRT 11 removed implicit INT8 and calibration caches; the cache is for TensorRT 8–10 (the Q/DQ model carries the scales for 11)');
  if (major < 8) fail('calibration caches of TensorRT before 8 are not supported');
  return value;
}

export interface CacheExport {
  text: string;
  entries: number;
  /** Tensors quantized with different scales by different layers (plan overrides): the largest scale is written. */
  conflicts: string[];
}

export function calibrationCacheFromActivations(activations: readonly QuantizedTensor[], trtVersion: string = DEFAULT_TRT_VERSION): CacheExport {
  const version = trtVersionInteger(trtVersion);
  const scales = new Map<string, number>();
  const conflicts: string[] = [];
  for (const a of activations) {
    const known = scales.get(a.tensor);
    if (known === undefined) scales.set(a.tensor, a.scale);
    else if (known !== a.scale) {
      if (!conflicts.includes(a.tensor)) conflicts.push(a.tensor);
      scales.set(a.tensor, Math.max(known, a.scale));
    }
  }
  const text = writeCalibrationCache({ trtVersion: version, algorithm: CACHE_ALGORITHM, entries: [...scales].map(([tensor, scale]) => ({ tensor, scale })) });
  return { text, entries: scales.size, conflicts };
}
