import { basename } from 'node:path';
import { dataError } from './data-error';
import { pathKind, readDataFile } from './data-file';
import { resolveLimits, type DataLimits } from './data-limits';
import { emptyFolderError, listDataFiles } from './folder-listing';
import { NPY_MAGIC, parseNpy } from './npy-format';
import { listNpzEntries, parseNpz } from './npz-archive';
import { matchTensorToInput } from './tensor-match';
import { formatTensorType, setFeed } from './tensor-data';
import type { ModelInputSpec, Sample, SampleSource, TensorData } from './types';

export interface ArraySourceOptions {
  kind: 'npz' | 'npy';
  /**
   * One file: an .npy (single-input models) or an .npz (one array per input, keyed by input name); an array whose
   * first dim is a multiple of the input's batch dim is split into samples. A folder: every .npz (kind 'npz') or .npy
   * (kind 'npy') file in it, sorted by name, each holding exactly one sample, read only when the iterator reaches it.
   */
  path: string;
  limit?: number;
  limits?: Partial<DataLimits>;
}

/** Array keys that carry the sample's class label rather than an input (when no input has that name). */
const LABEL_KEYS = ['label', 'labels'];

/**
 * Maps .npz keys to model inputs: by exact input name; else, for a single-input model, the archive's only array;
 * else numpy.savez's positional names arr_0, arr_1, … in input order when they are all there is.
 */
function mapNpzKeys(keys: string[], inputs: ModelInputSpec[], file: string): { byInput: Map<string, string>; labelKey?: string } {
  const inputNames = new Set(inputs.map((input) => input.name));
  const labelKey = keys.find((key) => LABEL_KEYS.includes(key) && !inputNames.has(key));
  const arrayKeys = keys.filter((key) => key !== labelKey);
  const byInput = new Map<string, string>();
  for (const input of inputs) if (arrayKeys.includes(input.name)) byInput.set(input.name, input.name);
  if (byInput.size < inputs.length) {
    if (inputs.length === 1 && arrayKeys.length === 1) byInput.set(inputs[0].name, arrayKeys[0]);
    else if (arrayKeys.length === inputs.length && byInput.size === 0 && arrayKeys.every((key, index) => key === `arr_${index}`)) {
      inputs.forEach((input, index) => byInput.set(input.name, `arr_${index}`));
    }
  }
  const missing = inputs.filter((input) => !byInput.has(input.name));
  if (missing.length > 0) {
    throw dataError(
      'NPZ_MISSING_INPUT',
      `'${file}' has no array for input${missing.length > 1 ? 's' : ''} ${missing.map((input) => `'${input.name}'`).join(', ')} ` +
        `(it holds: ${arrayKeys.length ? arrayKeys.join(', ') : 'no .npy arrays'}). Save one array per input under the input's name, e.g. ` +
        `np.savez(path, **{${inputs.map((input) => `'${input.name}': …`).join(', ')}}).`,
      file,
    );
  }
  return { byInput, labelKey };
}

function labelsFromTensor(tensor: TensorData, count: number, file: string): number[] {
  const values = Array.from(tensor.data as ArrayLike<number | bigint>, (value) => Number(value));
  if (values.length !== count || !values.every((value) => Number.isSafeInteger(value))) {
    throw dataError(
      'LABELS_MALFORMED',
      `'${file}': the 'label' array must hold one integer class index per sample (${count}), got ${formatTensorType(tensor.dataType, tensor.dims)}.`,
      file,
    );
  }
  return values;
}

/** Reads one .npy/.npz file and returns its samples (split along the batch axis when allowed). */
async function readArrayFile(file: string, inputs: ModelInputSpec[], limits: DataLimits, allowBatchSplit: boolean): Promise<Sample[]> {
  const bytes = await readDataFile(file, limits.maxArrayFileBytes, 'NPY_TOO_LARGE');
  const name = basename(file);
  const isNpy = bytes.length >= 6 && NPY_MAGIC.every((value, index) => bytes[index] === value);
  const isZip = bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b;
  const perInput = new Map<string, TensorData[]>();
  let labels: number[] | undefined;
  if (isNpy || (!isZip && file.toLowerCase().endsWith('.npy'))) {
    if (inputs.length !== 1) {
      throw dataError(
        'NPY_NEEDS_SINGLE_INPUT',
        `'${file}' is a single .npy array, but the model has ${inputs.length} inputs (${inputs.map((input) => `'${input.name}'`).join(', ')}). Save one .npz per sample with one array per input.`,
        file,
      );
    }
    const tensor = parseNpy(bytes, file, limits);
    perInput.set(inputs[0].name, matchTensorToInput(tensor, inputs[0], `'${file}'`, file, allowBatchSplit));
  } else {
    const keys = listNpzEntries(bytes, file, limits).map((entry) => entry.key);
    const { byInput, labelKey } = mapNpzKeys(keys, inputs, file);
    const wanted = new Set([...byInput.values(), ...(labelKey ? [labelKey] : [])]);
    const arrays = parseNpz(bytes, file, limits, (key) => wanted.has(key));
    for (const input of inputs) {
      const key = byInput.get(input.name)!;
      perInput.set(input.name, matchTensorToInput(arrays.get(key)!, input, `'${file}' array '${key}'`, file, allowBatchSplit));
    }
    const counts = [...perInput.values()].map((slices) => slices.length);
    if (counts.some((count) => count !== counts[0])) {
      throw dataError(
        'INPUT_SHAPE_MISMATCH',
        `'${file}': the arrays hold different numbers of samples (${inputs.map((input, i) => `'${input.name}': ${counts[i]}`).join(', ')}); every input needs the same batch count.`,
        file,
      );
    }
    if (labelKey) labels = labelsFromTensor(arrays.get(labelKey)!, counts[0], file);
  }
  const count = perInput.get(inputs[0].name)!.length;
  const samples: Sample[] = [];
  for (let index = 0; index < count; index++) {
    const feeds: Record<string, TensorData> = {};
    for (const input of inputs) setFeed(feeds, input.name, perInput.get(input.name)![index]);
    const id = count === 1 ? name : `${name}#${index}`;
    samples.push(labels ? { id, label: labels[index], feeds } : { id, feeds });
  }
  return samples;
}

export async function openArraySource(options: ArraySourceOptions, inputs: ModelInputSpec[]): Promise<SampleSource> {
  const limits = resolveLimits(options.limits);
  if (inputs.length === 0) throw dataError('DATA_OPTIONS_INVALID', 'The model has no inputs to feed arrays to.');
  const target = inputs.map((input) => `'${input.name}' ${formatTensorType(input.dataType, input.dims)}`).join(', ');
  if ((await pathKind(options.path)) === 'file') {
    // One file: read now, to know how many samples it splits into.
    let samples = await readArrayFile(options.path, inputs, limits, true);
    if (options.limit !== undefined) samples = samples.slice(0, options.limit);
    return {
      count: samples.length,
      description: `${samples.length} sample${samples.length === 1 ? '' : 's'} from '${options.path}' → ${target}`,
      async *samples() {
        yield* samples;
      },
    };
  }
  const extension = options.kind === 'npz' ? '.npz' : '.npy';
  if (options.kind === 'npy' && inputs.length !== 1) {
    throw dataError(
      'NPY_NEEDS_SINGLE_INPUT',
      `A folder of .npy files can only feed a single-input model, but the model has ${inputs.length} inputs (${target}). Save one .npz per sample with one array per input.`,
      options.path,
    );
  }
  const listing = await listDataFiles(options.path, [extension]);
  if (listing.files.length === 0) throw emptyFolderError(options.path, `${extension} files`, [extension], listing.skipped);
  const files = options.limit !== undefined ? listing.files.slice(0, options.limit) : listing.files;
  return {
    count: files.length,
    description: `${files.length} ${extension} file${files.length === 1 ? '' : 's'} from '${options.path}' (one sample each) → ${target}`,
    async *samples() {
      for (const file of files) {
        const [sample] = await readArrayFile(file, inputs, limits, false);
        yield sample;
      }
    },
  };
}
