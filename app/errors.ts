/**
 * Every error the workbench raises on purpose carries a stable `code` (tests and the UI switch on it) and a
 * message that says what went wrong, where (file, tensor, node) and, where possible, what to do.
 * Anything else that escapes is a bug.
 */
export type ErrorArea = 'onnx' | 'model' | 'data' | 'calibration' | 'precision' | 'compare' | 'runtime' | 'cli' | 'io' | 'trt' | 'host' | 'transport';

export class WorkbenchError extends Error {
  readonly code: string;
  readonly area: ErrorArea;
  /** The file the problem is in, when there is one (shown to users as-is). */
  readonly file?: string;

  constructor(area: ErrorArea, code: string, message: string, options: { file?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'WorkbenchError';
    this.area = area;
    this.code = code;
    this.file = options.file;
  }
}

export function isWorkbenchError(value: unknown): value is WorkbenchError {
  return value instanceof WorkbenchError;
}
