import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { dataError, describeCause } from './data-error';

/**
 * Lists the data files directly inside a folder (not recursive): regular files — or symlinks to regular files —
 * whose extension is in `extensions` (case-insensitive), skipping hidden files (".DS_Store", macOS "._x.jpg"
 * resource forks). Sorted by name in code-unit order, so the order is the same on every machine and locale.
 */
export interface FolderListing {
  files: string[];
  /** entries that were not taken, by extension ('' for none), for messages */
  skipped: Map<string, number>;
}

export async function listDataFiles(folder: string, extensions: readonly string[]): Promise<FolderListing> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    throw dataError('DATA_FOLDER_UNREADABLE', `Cannot list data folder '${folder}': ${describeCause(error)}.`, folder, error);
  }
  names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const files: string[] = [];
  const skipped = new Map<string, number>();
  const skip = (name: string) => {
    const extension = extname(name).toLowerCase();
    skipped.set(extension, (skipped.get(extension) ?? 0) + 1);
  };
  for (const name of names) {
    if (name.startsWith('.') || !extensions.includes(extname(name).toLowerCase())) {
      skip(name);
      continue;
    }
    const path = join(folder, name);
    try {
      if (!(await stat(path)).isFile()) {
        skip(name);
        continue;
      }
    } catch {
      skip(name); // dangling symlink or vanished file
      continue;
    }
    files.push(path);
  }
  return { files, skipped };
}

export function describeSkipped(skipped: Map<string, number>): string {
  if (skipped.size === 0) return '';
  return [...skipped.entries()].map(([extension, count]) => `${count} ${extension || '(no extension)'}`).join(', ');
}

export function emptyFolderError(folder: string, what: string, extensions: readonly string[], skipped: Map<string, number>) {
  const found = describeSkipped(skipped);
  return dataError(
    'DATA_FOLDER_EMPTY',
    `Data folder '${folder}' has no ${what} (looked for ${extensions.join(', ')}; ${found ? `found only ${found}` : 'the folder is empty'}). Choose a folder with ${what} in it.`,
    folder,
  );
}
