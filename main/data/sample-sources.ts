import { dataError } from './data-error';
import { openArraySource, type ArraySourceOptions } from './array-source';
import { openImageSource, type ImageSourceOptions } from './image-source';
import { openRandomSource, type RandomSourceOptions } from './random-source';
import type { ModelInputSpec, SampleSource } from './types';

export type { ArraySourceOptions } from './array-source';
export type { ImageSourceOptions } from './image-source';
export type { RandomSourceOptions } from './random-source';
export { IMAGE_EXTENSIONS } from './image-source';

export type SampleSourceOptions = ImageSourceOptions | ArraySourceOptions | RandomSourceOptions;

/**
 * Opens the samples a model is calibrated or compared on. Opening lists folders (and reads a single .npy/.npz file
 * to count its samples) and validates everything that can be checked up front; samples then STREAM: each image or
 * per-sample array file is read and decoded only when the iterator asks for it, so memory holds one sample at a time.
 * `samples()` may be iterated more than once (it starts over). Problems with one file surface as a WorkbenchError
 * (area 'data') from the iterator, naming the file. Feeds are read-only for consumers: samples split from one
 * .npy/.npz batch are views of that file's array, and a single-file source yields the same objects on every pass.
 */
export async function openSampleSource(options: SampleSourceOptions, inputs: ModelInputSpec[]): Promise<SampleSource> {
  if ('limit' in options && options.limit !== undefined && (!Number.isSafeInteger(options.limit) || options.limit < 1)) {
    throw dataError('DATA_OPTIONS_INVALID', `limit must be a positive integer, got ${options.limit}.`);
  }
  switch (options.kind) {
    case 'images':
      return openImageSource(options, inputs);
    case 'npz':
    case 'npy':
      return openArraySource(options, inputs);
    case 'random':
      return openRandomSource(options, inputs);
    default:
      throw dataError('DATA_OPTIONS_INVALID', `Unknown sample source kind '${(options as { kind?: unknown }).kind}'; use images, npz, npy or random.`);
  }
}
