/**
 * Atomic file writes: temp file in the same folder → fsync → rename (or link, when an existing file must not be
 * replaced: link fails with EEXIST instead of racing a stat) → fsync of the folder so the new name is durable.
 * A crash or a full disk leaves either the old file or the new one, never a torn mix; the temp file is removed
 * on failure.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { WorkbenchError } from '../../app/errors';

export async function writeFileAtomic(target: string, data: string | Uint8Array | readonly Uint8Array[], options: { overwrite?: boolean } = {}): Promise<void> {
  const overwrite = options.overwrite ?? true;
  if (!overwrite) {
    const exists = await fs.stat(target).then(() => true, () => false);
    if (exists) throw new WorkbenchError('io', 'FILE_EXISTS', `${target} already exists; pass --force to replace it`, { file: target });
  }
  const dir = path.dirname(target);
  const temp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Date.now()}.tmp`);
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(temp, 'wx');
    if (typeof data === 'string' || data instanceof Uint8Array) await handle.writeFile(data);
    else await handle.writev(data as Uint8Array[]);
    await handle.sync();
    await handle.close();
    handle = undefined;
    if (overwrite) await fs.rename(temp, target);
    else {
      await fs.link(temp, target);
      await fs.rm(temp, { force: true });
    }
    await syncFolder(dir);
  } catch (error) {
    await handle?.close().catch(() => {});
    await fs.rm(temp, { force: true }).catch(() => {});
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && !overwrite) throw new WorkbenchError('io', 'FILE_EXISTS', `${target} already exists; pass --force to replace it`, { file: target });
    throw new WorkbenchError('io', code === 'ENOSPC' ? 'DISK_FULL' : 'WRITE_FAILED', `cannot write ${target} (${code ?? String(error)}); the previous file, if any, is unchanged`, { file: target, cause: error });
  }
}

/** fsync of a folder makes a rename in it durable (POSIX); not supported on Windows, where it is skipped. */
async function syncFolder(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(dir, 'r');
    await handle.sync();
  } catch {
    // Some filesystems refuse fsync on folders (EINVAL); the data itself was synced.
  } finally {
    await handle?.close().catch(() => {});
  }
}
