import { WorkbenchError } from '../../app/errors';

/** A WorkbenchError of area 'data'. `file` is the user's file the problem is in, shown as-is. */
export function dataError(code: string, message: string, file?: string, cause?: unknown): WorkbenchError {
  return new WorkbenchError('data', code, message, { file, cause });
}

export function describeCause(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
