import { basename } from 'node:path';
import { dataError } from './data-error';
import { resolveLimits, type DataLimits } from './data-limits';
import { pathKind } from './data-file';
import { describeSkipped, emptyFolderError, listDataFiles } from './folder-listing';
import { readImageFile } from './image-decode';
import { loadLabelsFile, type LabelsTable } from './labels-file';
import {
  describePreprocessSpec,
  loadPreprocessSpecFile,
  looksLikeImageInput,
  preprocessImage,
  resolvePreprocessSpec,
  type PartialPreprocessSpec,
} from './preprocess';
import { allocateTensorArray, elementCount, formatTensorType, setFeed } from './tensor-data';
import type { ModelInputSpec, Sample, SampleSource, TensorData } from './types';

export interface ImageSourceOptions {
  kind: 'images';
  /** a folder of JPEG/PNG images (not recursive), or one image file */
  dir: string;
  preprocess?: PartialPreprocessSpec;
  /** a JSON preprocessing spec (see loadPreprocessSpecFile); fields set in `preprocess` override the file's */
  preprocessFile?: string;
  limit?: number;
  /** TSV or CSV: file name, then a class-index column (see labels-file.ts) */
  labels?: string;
  /**
   * Models with more than one input: 'refuse' (default) — images feed single-input models only; 'zeros' — the one
   * input that looks like an image gets the images, every other input is filled with zeros. Zero-filling is opt-in
   * because zeros are wrong for many auxiliary inputs (image sizes, scale factors, masks) and would corrupt the analysis
   * silently.
   */
  otherInputs?: 'refuse' | 'zeros';
  limits?: Partial<DataLimits>;
}

/** Extensions taken from an image folder; anything else (and hidden files) is skipped and counted. */
export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.jpe', '.jfif', '.png'] as const;

function pickImageInput(inputs: ModelInputSpec[], otherInputs: 'refuse' | 'zeros'): { image: ModelInputSpec; zeroFilled: ModelInputSpec[] } {
  if (inputs.length === 0) throw dataError('DATA_OPTIONS_INVALID', 'The model has no inputs to feed images to.');
  if (inputs.length === 1) return { image: inputs[0], zeroFilled: [] };
  const list = inputs.map((input) => `'${input.name}' ${formatTensorType(input.dataType, input.dims)}`).join(', ');
  if (otherInputs !== 'zeros') {
    throw dataError(
      'IMAGE_SOURCE_MULTI_INPUT',
      `The model has ${inputs.length} inputs (${list}); an image folder can only feed a single-input model. Provide .npz files with one array per input, or allow zero-filling the non-image inputs (otherInputs: 'zeros') if zeros are valid for them.`,
    );
  }
  const candidates = inputs.filter(looksLikeImageInput);
  if (candidates.length !== 1) {
    throw dataError(
      'IMAGE_SOURCE_MULTI_INPUT',
      `The model has ${inputs.length} inputs (${list}) and ${candidates.length === 0 ? 'none' : candidates.length} of them look like an image (rank 4 with batch 1 and 1 or 3 channels); images cannot be routed unambiguously. Provide .npz files with one array per input.`,
    );
  }
  return { image: candidates[0], zeroFilled: inputs.filter((input) => input !== candidates[0]) };
}

/** `base` with every field that `override` sets (undefined fields do not erase). */
function mergePreprocessSpecs(base: PartialPreprocessSpec, override: PartialPreprocessSpec | undefined): PartialPreprocessSpec {
  const merged: Record<string, unknown> = {};
  for (const source of [base, override ?? {}]) {
    for (const [key, value] of Object.entries(source)) {
      if (value !== undefined) Object.defineProperty(merged, key, { value, enumerable: true, writable: true, configurable: true });
    }
  }
  return merged as PartialPreprocessSpec;
}

function zeroTensor(input: ModelInputSpec): TensorData {
  const length = elementCount(input.dims);
  if (length === undefined) {
    throw dataError('DATA_OPTIONS_INVALID', `Input '${input.name}' has dims [${input.dims.join(', ')}], which are not concrete; cannot zero-fill it.`);
  }
  return { dataType: input.dataType, dims: [...input.dims], data: allocateTensorArray(input.dataType, length) };
}

export async function openImageSource(options: ImageSourceOptions, inputs: ModelInputSpec[]): Promise<SampleSource> {
  const limits = resolveLimits(options.limits);
  const { image: imageInput, zeroFilled } = pickImageInput(inputs, options.otherInputs ?? 'refuse');
  const fromFile = options.preprocessFile ? await loadPreprocessSpecFile(options.preprocessFile) : {};
  const spec = resolvePreprocessSpec(mergePreprocessSpecs(fromFile, options.preprocess), imageInput);

  let files: string[];
  let skippedNote = '';
  if ((await pathKind(options.dir)) === 'file') {
    files = [options.dir];
  } else {
    const listing = await listDataFiles(options.dir, IMAGE_EXTENSIONS);
    if (listing.files.length === 0) throw emptyFolderError(options.dir, 'JPEG or PNG images', IMAGE_EXTENSIONS, listing.skipped);
    files = listing.files;
    const skipped = describeSkipped(listing.skipped);
    if (skipped) skippedNote = `; skipped ${skipped}`;
  }
  if (options.limit !== undefined) files = files.slice(0, options.limit);

  let labels: LabelsTable | undefined;
  let labelsNote = '';
  if (options.labels) {
    labels = await loadLabelsFile(options.labels);
    const matched = files.filter((file) => labels!.labels.has(basename(file))).length;
    if (matched === 0) {
      throw dataError(
        'LABELS_NO_MATCH',
        `Labels file '${options.labels}' lists ${labels.labels.size} files, but none of the ${files.length} images in '${options.dir}' (e.g. '${basename(files[0])}'). Check that the labels belong to this folder.`,
        options.labels,
      );
    }
    labelsNote = `; labels from '${options.labels}' (column ${labels.column}) for ${matched} of ${files.length}`;
  }

  const zeroNote = zeroFilled.length > 0 ? `; inputs ${zeroFilled.map((input) => `'${input.name}'`).join(', ')} zero-filled` : '';
  const description =
    `${files.length} image${files.length === 1 ? '' : 's'} from '${options.dir}' → input '${imageInput.name}' ` +
    `${formatTensorType(imageInput.dataType, imageInput.dims)} (${describePreprocessSpec(spec)})${labelsNote}${zeroNote}${skippedNote}`;

  return {
    count: files.length,
    description,
    async *samples(): AsyncGenerator<Sample> {
      for (const file of files) {
        const decoded = await readImageFile(file, limits);
        const feeds: Record<string, TensorData> = {};
        setFeed(feeds, imageInput.name, preprocessImage(decoded, spec, file));
        for (const input of zeroFilled) setFeed(feeds, input.name, zeroTensor(input));
        const id = basename(file);
        const label = labels?.labels.get(id);
        yield label === undefined ? { id, feeds } : { id, label, feeds };
      }
    },
  };
}
