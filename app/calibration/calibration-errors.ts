import { WorkbenchError } from '../errors';

/**
 * Stable codes for everything app/calibration/ raises on purpose. Tests and the UI switch on these strings, so
 * never rename one; add a new code instead.
 */
export type CalibrationErrorCode =
  // calibration caches (TensorRT `TRT-<ver>-<Algorithm>` files, ONNX Runtime text tables)
  | 'CACHE_EMPTY'
  | 'CACHE_BINARY'
  | 'CACHE_UNKNOWN_FORMAT'
  | 'CACHE_MALFORMED'
  | 'CACHE_BAD_SCALE'
  | 'CACHE_BAD_TENSOR_NAME'
  // streaming statistics
  | 'STATS_MALFORMED'
  | 'STATS_INCOMPATIBLE'
  // calibrators
  | 'UNKNOWN_METHOD'
  | 'INVALID_OPTION'
  | 'NO_FINITE_VALUES'
  | 'INVALID_AMAX'
  // weights
  | 'WEIGHTS_SHAPE_MISMATCH'
  | 'AXIS_OUT_OF_RANGE'
  | 'SCALES_LENGTH_MISMATCH'
  | 'WEIGHTS_NOT_FINITE'
  | 'INVALID_SCALE';

export function calibrationError(
  code: CalibrationErrorCode,
  message: string,
  options: { file?: string; cause?: unknown } = {},
): WorkbenchError {
  return new WorkbenchError('calibration', code, message, options);
}

/** Quote user-controlled text in a message without letting a hostile file blow up the message size. */
export function quoteForMessage(text: string, maxChars = 80): string {
  const shown = text.length > maxChars ? `${text.slice(0, maxChars)}…` : text;
  return `'${shown}'`;
}
