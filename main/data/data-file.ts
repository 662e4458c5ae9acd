import { readFile, stat } from 'node:fs/promises';
import { isWorkbenchError } from '../../app/errors';
import { dataError, describeCause } from './data-error';
import { formatBytes } from './data-limits';

/** Reads a whole data file after checking its size, so an oversized file is refused before it is read. */
export async function readDataFile(path: string, maxBytes: number, tooLargeCode: string): Promise<Uint8Array> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw dataError('DATA_FILE_UNREADABLE', `'${path}' is not a file.`, path);
    if (info.size > maxBytes) {
      throw dataError(
        tooLargeCode,
        `'${path}' is ${formatBytes(info.size)}, above the ${formatBytes(maxBytes)} limit for one data file; split it into smaller files.`,
        path,
      );
    }
    return await readFile(path);
  } catch (error) {
    if (isWorkbenchError(error)) throw error;
    throw dataError('DATA_FILE_UNREADABLE', `Cannot read data file '${path}': ${describeCause(error)}.`, path, error);
  }
}

/** 'file' | 'folder', or a DATA_PATH_NOT_FOUND error naming the path. */
export async function pathKind(path: string): Promise<'file' | 'folder'> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) return 'folder';
    if (info.isFile()) return 'file';
    throw dataError('DATA_PATH_NOT_FOUND', `'${path}' is neither a file nor a folder.`, path);
  } catch (error) {
    if (isWorkbenchError(error)) throw error;
    throw dataError('DATA_PATH_NOT_FOUND', `Data path '${path}' does not exist or cannot be accessed (${describeCause(error)}).`, path, error);
  }
}
