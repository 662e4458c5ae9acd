/**
 * Project files on disk: saved atomically (never torn, previous version intact on failure), read with a size cap
 * and full validation. Autosave keeps one file per model in the workbench's config folder
 * (PWB_CONFIG_DIR, else ~/.config/precision-workbench) so a crash or a closed window loses nothing.
 */
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MAX_PROJECT_BYTES, parseProject, type WorkbenchProject } from '../../app/contract/project';
import { WorkbenchError } from '../../app/errors';
import { writeFileAtomic } from './atomic-write';

export function configDir(): string {
  return process.env.PWB_CONFIG_DIR || path.join(os.homedir(), '.config', 'precision-workbench');
}

export async function saveProject(file: string, project: WorkbenchProject, options: { overwrite?: boolean } = {}): Promise<{ path: string; bytes: number }> {
  const checked = parseProject(project, file);
  const text = JSON.stringify({ ...checked, savedAt: new Date().toISOString() }, null, 1);
  if (text.length > MAX_PROJECT_BYTES) throw new WorkbenchError('io', 'PROJECT_TOO_LARGE', `${file}: the project would be ${(text.length / 1e6).toFixed(1)} MB (limit ${MAX_PROJECT_BYTES / 1e6} MB); not saved`, { file });
  await fs.mkdir(path.dirname(path.resolve(file)), { recursive: true });
  await writeFileAtomic(file, text, { overwrite: options.overwrite ?? true });
  return { path: path.resolve(file), bytes: Buffer.byteLength(text) };
}

export async function loadProject(file: string): Promise<WorkbenchProject> {
  const stat = await fs.stat(file).catch((error: NodeJS.ErrnoException) => {
    throw new WorkbenchError('io', error.code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE', `${file}: cannot open the project (${error.code})`, { file });
  });
  if (!stat.isFile()) throw new WorkbenchError('io', 'FILE_UNREADABLE', `${file}: not a regular file`, { file });
  if (stat.size > MAX_PROJECT_BYTES) throw new WorkbenchError('io', 'PROJECT_TOO_LARGE', `${file}: ${(stat.size / 1e6).toFixed(1)} MB is too large for a project (limit ${MAX_PROJECT_BYTES / 1e6} MB)`, { file });
  const text = await fs.readFile(file, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new WorkbenchError('io', 'PROJECT_INVALID', `${file}: not JSON (${(error as Error).message})`, { file });
  }
  return parseProject(json, file);
}

/** Where the autosave of a model's project lives: one file per model path. */
export function autosavePath(modelPath: string): string {
  const key = createHash('sha256').update(path.resolve(modelPath)).digest('hex').slice(0, 16);
  return path.join(configDir(), 'autosave', `${path.basename(modelPath).replace(/[^\w.-]/g, '_')}.${key}.pwbproj.json`);
}
