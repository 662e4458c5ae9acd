import { readFile, stat } from 'node:fs/promises';
import { isWorkbenchError } from '../../app/errors';
import { dataError, describeCause } from './data-error';

/**
 * How an image becomes a model input tensor: decode → (gray if the input has 1 channel) → resize → center crop →
 * scale → (x − mean) / std → channel order → layout → the input's data type.
 * `mean[i]` / `std[i]` apply to channel i OF THE MODEL INPUT (after `channelOrder`), in the units of `scale`:
 * 'unit' → pixel / 255 (0–1, torchvision ToTensor), 'byte' → pixel (0–255, Caffe/OpenCV style).
 */
export type ResizeSpec = { shorterSide: number } | { width: number; height: number };
export interface CropSpec {
  width: number;
  height: number;
}
export type PixelScale = 'unit' | 'byte';
export type ChannelOrder = 'RGB' | 'BGR';
export type TensorLayout = 'NCHW' | 'NHWC';

export interface PreprocessSpec {
  /** absent: no resize */
  resize?: ResizeSpec;
  /** absent: no crop (the resized image must then already have the input's size) */
  centerCrop?: CropSpec;
  /** absent: 0 */
  mean?: number[];
  /** absent: 1 */
  std?: number[];
  scale: PixelScale;
  channelOrder: ChannelOrder;
  layout: TensorLayout;
}

/**
 * What a user or a spec file gives: any field may be left out to get the default inferred from the model input
 * (see resolvePreprocessSpec). `null` for resize / centerCrop / mean / std means "none" explicitly (no resize, no crop,
 * mean 0, std 1) instead of the default.
 */
export type PartialPreprocessSpec = { [K in keyof PreprocessSpec]?: PreprocessSpec[K] | null };

/** Largest resize / crop side accepted (keeps a typo like 22400 from allocating gigabytes). */
export const MAX_IMAGE_SIDE = 16384;
const MAX_SPEC_FILE_BYTES = 64 * 1024;
const KNOWN_FIELDS = ['resize', 'centerCrop', 'mean', 'std', 'scale', 'channelOrder', 'layout'] as const;

/**
 * Checks every field of a partial spec (from code or JSON) and returns a fresh, clean copy. Unknown fields are refused
 * (a misspelt "chanelOrder" would otherwise silently fall back to a default). `where` names the source in messages.
 */
export function validatePartialPreprocessSpec(value: unknown, where: string, file?: string): PartialPreprocessSpec {
  const fail = (problem: string) =>
    dataError('PREPROCESS_SPEC_INVALID', `Preprocessing spec ${where}: ${problem}.`, file);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail('expected a JSON object with the preprocessing fields');
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!(KNOWN_FIELDS as readonly string[]).includes(key)) {
      throw fail(`unknown field "${key}"; the known fields are ${KNOWN_FIELDS.join(', ')}`);
    }
  }
  const spec: PartialPreprocessSpec = {};
  const side = (field: string, raw: unknown): number => {
    if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1 || raw > MAX_IMAGE_SIDE) {
      throw fail(`${field} must be an integer from 1 to ${MAX_IMAGE_SIDE}, got ${JSON.stringify(raw)}`);
    }
    return raw;
  };
  const objectWith = (field: string, raw: unknown, keys: string[][]): Record<string, unknown> => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw fail(`${field} must be an object or null`);
    const present = Object.keys(raw).sort();
    if (!keys.some((allowed) => allowed.length === present.length && allowed.every((k) => present.includes(k)))) {
      const forms = keys.map((allowed) => `{ ${allowed.map((k) => `"${k}": …`).join(', ')} }`).join(' or ');
      throw fail(`${field} must be ${forms}, got keys [${present.join(', ')}]`);
    }
    return raw as Record<string, unknown>;
  };

  if (record.resize !== undefined) {
    if (record.resize === null) spec.resize = null;
    else {
      const resize = objectWith('resize', record.resize, [['shorterSide'], ['height', 'width']]);
      spec.resize =
        'shorterSide' in resize
          ? { shorterSide: side('resize.shorterSide', resize.shorterSide) }
          : { width: side('resize.width', resize.width), height: side('resize.height', resize.height) };
    }
  }
  if (record.centerCrop !== undefined) {
    if (record.centerCrop === null) spec.centerCrop = null;
    else {
      const crop = objectWith('centerCrop', record.centerCrop, [['height', 'width']]);
      spec.centerCrop = { width: side('centerCrop.width', crop.width), height: side('centerCrop.height', crop.height) };
    }
  }
  for (const field of ['mean', 'std'] as const) {
    const raw = record[field];
    if (raw === undefined) continue;
    if (raw === null) {
      spec[field] = null;
      continue;
    }
    if (!Array.isArray(raw) || raw.length === 0 || raw.length > 3) {
      throw fail(`${field} must be an array of 1 or 3 numbers (one per model channel), got ${JSON.stringify(raw)}`);
    }
    const numbers = raw.map((item, index) => {
      if (typeof item !== 'number' || !Number.isFinite(item)) throw fail(`${field}[${index}] must be a finite number, got ${JSON.stringify(item)}`);
      if (field === 'std' && item === 0) throw fail(`std[${index}] is 0; a standard deviation must not be zero`);
      return item;
    });
    spec[field] = numbers;
  }
  const oneOf = <T extends string>(field: string, raw: unknown, allowed: readonly T[]): T | undefined => {
    if (raw === undefined || raw === null) return undefined;
    if (typeof raw !== 'string' || !(allowed as readonly string[]).includes(raw)) {
      throw fail(`${field} must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${JSON.stringify(raw)}`);
    }
    return raw as T;
  };
  const scale = oneOf('scale', record.scale, ['unit', 'byte'] as const);
  if (scale) spec.scale = scale;
  const channelOrder = oneOf('channelOrder', record.channelOrder, ['RGB', 'BGR'] as const);
  if (channelOrder) spec.channelOrder = channelOrder;
  const layout = oneOf('layout', record.layout, ['NCHW', 'NHWC'] as const);
  if (layout) spec.layout = layout;
  return spec;
}

/**
 * Reads a JSON preprocessing spec with the fields of PreprocessSpec, e.g.
 * `{ "resize": { "shorterSide": 256 }, "centerCrop": { "width": 224, "height": 224 }, "mean": [0.485, 0.456, 0.406],
 *    "std": [0.229, 0.224, 0.225], "scale": "unit", "channelOrder": "RGB", "layout": "NCHW" }` — every field optional.
 */
export async function loadPreprocessSpecFile(path: string): Promise<PartialPreprocessSpec> {
  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw dataError('PREPROCESS_SPEC_UNREADABLE', `Preprocessing spec '${path}' is not a file.`, path);
    if (info.size > MAX_SPEC_FILE_BYTES) {
      throw dataError(
        'PREPROCESS_SPEC_UNREADABLE',
        `Preprocessing spec '${path}' is ${info.size} bytes; a spec is a small JSON object (at most ${MAX_SPEC_FILE_BYTES} bytes). Check that you chose the right file.`,
        path,
      );
    }
    text = (await readFile(path, 'utf8')).replace(/^\uFEFF/, '');
  } catch (error) {
    if (isWorkbenchError(error)) throw error;
    throw dataError('PREPROCESS_SPEC_UNREADABLE', `Cannot read preprocessing spec '${path}': ${describeCause(error)}.`, path, error);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw dataError(
      'PREPROCESS_SPEC_UNREADABLE',
      `Preprocessing spec '${path}' is not valid JSON (${describeCause(error)}). Fix the file; see the documented fields resize, centerCrop, mean, std, scale, channelOrder, layout.`,
      path,
      error,
    );
  }
  return validatePartialPreprocessSpec(parsed, `'${path}'`, path);
}
