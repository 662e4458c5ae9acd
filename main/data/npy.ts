/** .npy / .npz parsing: see npy-format.ts and npz-archive.ts for the exact rules and limits. */
export { NPY_MAGIC, parseNpy, readNpyHeader, type NpyHeader } from './npy-format';
export { listNpzEntries, parseNpz, type NpzEntry } from './npz-archive';
