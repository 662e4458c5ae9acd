/**
 * Recent files (desktop "Open recent", the browser-mode start page): a small JSON file in the user's config
 * folder. Shared by Electron main and the browser-mode server; never read by the engine host.
 */
import { mkdir, readFile, stat, writeFile, rename } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FILE_KIND_BY_EXTENSION, type FileKind, type RecentFile } from '../../app/contract/shell';
import { WorkbenchError } from '../../app/errors';

export const MAX_RECENT_FILES = 20;

/** $XDG_CONFIG_HOME/precision-workbench, %APPDATA%\precision-workbench, ~/Library/Application Support/… */
export function userConfigDir(): string {
  if (process.env.PWB_CONFIG_DIR) return process.env.PWB_CONFIG_DIR;
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), 'precision-workbench');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'precision-workbench');
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'precision-workbench');
}

export function fileKindOf(file: string): FileKind | null {
  return FILE_KIND_BY_EXTENSION[path.extname(file).toLowerCase()] ?? null;
}

/** Checks a path the user dropped or typed: absolute, an existing regular file of a kind the workbench opens. */
export async function checkOpenablePath(file: string): Promise<{ path: string; kind: FileKind }> {
  if (!path.isAbsolute(file)) throw new WorkbenchError('io', 'PATH_NOT_ABSOLUTE', `'${file}' is not an absolute path`, { file });
  const kind = fileKindOf(file);
  if (!kind) throw new WorkbenchError('io', 'FILE_KIND_UNKNOWN', `'${path.basename(file)}' is not a file the workbench opens (.onnx, .json, .log, .txt, .cache)`, { file });
  const info = await stat(file).catch(() => null);
  if (!info) throw new WorkbenchError('io', 'FILE_NOT_FOUND', `'${file}' does not exist`, { file });
  if (!info.isFile()) throw new WorkbenchError('io', 'NOT_A_FILE', `'${file}' is not a regular file`, { file });
  return { path: path.resolve(file), kind };
}

export class RecentFiles {
  constructor(readonly file = path.join(userConfigDir(), 'recent-files.json')) {}

  async list(): Promise<RecentFile[]> {
    try {
      const parsed = JSON.parse(await readFile(this.file, 'utf8')) as { files?: unknown };
      if (!Array.isArray(parsed.files)) return [];
      return parsed.files
        .filter((f): f is RecentFile => !!f && typeof f.path === 'string' && typeof f.kind === 'string' && typeof f.openedAt === 'string' && fileKindOf(f.path) !== null)
        .slice(0, MAX_RECENT_FILES);
    } catch {
      return []; // missing or damaged: start empty rather than fail a menu
    }
  }

  async add(file: string, kind: FileKind = fileKindOf(file) ?? 'model'): Promise<RecentFile[]> {
    const entry: RecentFile = { path: file, kind, openedAt: new Date().toISOString() };
    const files = [entry, ...(await this.list()).filter((f) => f.path !== file)].slice(0, MAX_RECENT_FILES);
    await mkdir(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify({ version: 1, files }, null, 1));
    await rename(temporary, this.file);
    return files;
  }
}
