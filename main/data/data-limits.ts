/**
 * Budgets that keep hostile or accidental inputs (pixel bombs, zip bombs, absurd .npy shapes) from exhausting memory.
 * Every limit is checked against what a file DECLARES before anything is allocated, and against what it actually
 * holds afterwards. Callers may pass overrides; these defaults fit calibration data comfortably.
 */
export interface DataLimits {
  /** Largest image file read from disk (bytes). */
  maxImageFileBytes: number;
  /** Largest decoded image (width × height). 64 MP, the cap suggested for pixel bombs (sharp uses 0x3FFF²). */
  maxImagePixels: number;
  /** Memory budget handed to jpeg-js (`maxMemoryUsageInMB`). */
  maxJpegMemoryMB: number;
  /** Largest .npy / .npz file read from disk (bytes). */
  maxArrayFileBytes: number;
  /** Largest array payload one .npy (or one .npz member) may declare (bytes). */
  maxArrayBytes: number;
  /** Largest .npy header; numpy's own `_MAX_HEADER_SIZE` is 10,000. */
  maxNpyHeaderBytes: number;
  /** Largest uncompressed size one .npz member may declare (bytes). Checked before inflating. */
  maxNpzEntryBytes: number;
  /** Largest sum of declared uncompressed sizes of the .npz members that are read (bytes). */
  maxNpzTotalBytes: number;
  /** Most entries an .npz central directory may list. */
  maxNpzEntries: number;
}

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

export const DEFAULT_DATA_LIMITS: Readonly<DataLimits> = Object.freeze({
  maxImageFileBytes: 256 * MiB,
  maxImagePixels: 64_000_000,
  maxJpegMemoryMB: 1024,
  maxArrayFileBytes: 2 * GiB - 1, // fs.readFile's own ceiling
  maxArrayBytes: 2 * GiB,
  maxNpyHeaderBytes: 10_000,
  maxNpzEntryBytes: 2 * GiB,
  maxNpzTotalBytes: 2 * GiB,
  maxNpzEntries: 4096,
});

export function resolveLimits(overrides?: Partial<DataLimits>): DataLimits {
  const limits: DataLimits = { ...DEFAULT_DATA_LIMITS };
  for (const key of Object.keys(DEFAULT_DATA_LIMITS) as (keyof DataLimits)[]) {
    const value = overrides?.[key];
    if (value !== undefined) limits[key] = value;
  }
  return limits;
}

export function formatBytes(bytes: number): string {
  if (bytes >= GiB) return `${(bytes / GiB).toFixed(1)} GiB`;
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}
