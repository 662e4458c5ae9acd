import { dataError } from './data-error';
import { validatePartialPreprocessSpec, type PartialPreprocessSpec, type PreprocessSpec, type TensorLayout } from './preprocess-spec';
import { formatTensorType } from './tensor-data';
import type { InputDataType, ModelInputSpec } from './types';

/** The input data types an image can be turned into. */
export type ImageTensorDataType = 'float32' | 'float16' | 'float64' | 'uint8' | 'int8';
const IMAGE_TENSOR_TYPES: readonly InputDataType[] = ['float32', 'float16', 'float64', 'uint8', 'int8'];

export interface PreprocessTarget {
  inputName: string;
  dataType: ImageTensorDataType;
  /** the model input's dims, copied */
  dims: number[];
  width: number;
  height: number;
  channels: 1 | 3;
}

export interface ResolvedPreprocessSpec extends PreprocessSpec {
  target: PreprocessTarget;
}

/** torchvision's ImageNet statistics (RGB order, 'unit' scale). */
export const IMAGENET_MEAN = [0.485, 0.456, 0.406];
export const IMAGENET_STD = [0.229, 0.224, 0.225];

/** Can `input` take an image at all (rank 3 or 4 with batch 1, a 1- or 3-channel axis, an image data type)? */
export function looksLikeImageInput(input: ModelInputSpec): boolean {
  try {
    inferLayout(input, undefined);
    return IMAGE_TENSOR_TYPES.includes(input.dataType);
  } catch {
    return false;
  }
}

function inferLayout(input: ModelInputSpec, requested: TensorLayout | undefined): { layout: TensorLayout; height: number; width: number; channels: 1 | 3 } {
  const dims = input.dims;
  const notImage = (why: string) =>
    dataError(
      'INPUT_NOT_IMAGE',
      `Input '${input.name}' (${formatTensorType(input.dataType, dims)}) cannot be fed from images: ${why}. Use an .npy/.npz or random source for it.`,
    );
  if (dims.length !== 3 && dims.length !== 4) throw notImage('an image input has rank 4 (N,C,H,W or N,H,W,C) or rank 3');
  if (dims.length === 4 && dims[0] !== 1) {
    throw notImage(`its batch dimension is ${dims[0]}; image sources produce one image per sample, so resolve the batch dimension to 1`);
  }
  const offset = dims.length - 3;
  const first = dims[offset];
  const last = dims[offset + 2];
  const isChannel = (value: number) => value === 1 || value === 3;
  let layout = requested;
  if (!layout) {
    if (isChannel(first)) layout = 'NCHW';
    else if (isChannel(last)) layout = 'NHWC';
    else throw notImage('no dimension of size 1 or 3 where the channels would be (dim 1 for NCHW, the last dim for NHWC)');
  }
  const channels = layout === 'NCHW' ? first : last;
  if (!isChannel(channels)) throw notImage(`with layout ${layout} its channel dimension is ${channels}, not 1 or 3`);
  const height = layout === 'NCHW' ? dims[offset + 1] : dims[offset];
  const width = layout === 'NCHW' ? last : dims[offset + 1];
  if (!(height >= 1 && width >= 1)) throw notImage(`its height/width ${height}×${width} are not concrete`);
  return { layout, height, width, channels: channels as 1 | 3 };
}

/**
 * Completes a partial spec for `input`. Defaults (each applied only to a field left undefined):
 * - layout: NCHW if dim 1 is 3 or 1, else NHWC if the last dim is 3 or 1 (NCHW wins when both could be);
 * - centerCrop: the input's H×W; resize: shorter side to floor(max(H, W) · 256 / 224) — torchvision's
 *   Resize(256) + CenterCrop(224) generalised (floor as timm does; max(H, W) so a non-square crop always fits);
 * - channelOrder RGB;
 * - float inputs: scale 'unit' with ImageNet mean/std (RGB inputs) when none of scale/mean/std is given; once any of
 *   them is given, the others default to 'unit' / mean 0 / std 1 (you are then describing the normalisation
 *   yourself); 1-channel float inputs default to pixels/255 with mean 0, std 1;
 * - uint8 inputs: scale 'byte', mean 0, std 1 (raw pixels); int8 inputs: scale 'byte', mean 128, std 1 (pixel − 128).
 * Inputs must be rank 4 with batch 1 (or rank 3), float32/float16/float64/uint8/int8.
 */
export function resolvePreprocessSpec(partialInput: PartialPreprocessSpec | undefined, input: ModelInputSpec): ResolvedPreprocessSpec {
  const partial = validatePartialPreprocessSpec(partialInput ?? {}, `for input '${input.name}'`);
  const invalid = (problem: string) =>
    dataError('PREPROCESS_SPEC_INVALID', `Preprocessing for input '${input.name}' (${formatTensorType(input.dataType, input.dims)}): ${problem}.`);
  if (!IMAGE_TENSOR_TYPES.includes(input.dataType)) {
    throw dataError(
      'INPUT_DTYPE_MISMATCH',
      `Input '${input.name}' is ${input.dataType}; images can only feed float32, float16, float64, uint8 or int8 inputs. Use an .npy/.npz source for it.`,
    );
  }
  const dataType = input.dataType as ImageTensorDataType;
  const { layout, height, width, channels } = inferLayout(input, partial.layout ?? undefined);
  const target: PreprocessTarget = { inputName: input.name, dataType, dims: [...input.dims], width, height, channels };

  const centerCrop = partial.centerCrop === null ? undefined : (partial.centerCrop ?? { width, height });
  if (centerCrop && (centerCrop.width !== width || centerCrop.height !== height)) {
    throw invalid(`centerCrop ${centerCrop.width}×${centerCrop.height} (W×H) does not produce the input's ${width}×${height}`);
  }
  const defaultShorterSide = Math.floor((Math.max(width, height) * 256) / 224);
  const resize = partial.resize === null ? undefined : (partial.resize ?? { shorterSide: defaultShorterSide });
  if (!centerCrop) {
    if (!resize || 'shorterSide' in resize) {
      if (resize && 'shorterSide' in resize && width !== height) {
        throw invalid('without a center crop, a shorter-side resize cannot guarantee the non-square input size; give resize { width, height } or a centerCrop');
      }
      // Without a crop the image must come out at exactly W×H; a shorter-side resize only does that for square
      // images of a square input, checked per image at run time.
    } else if (resize.width !== width || resize.height !== height) {
      throw invalid(`resize to ${resize.width}×${resize.height} without a center crop does not produce the input's ${width}×${height}`);
    }
  }

  const isFloat = dataType === 'float32' || dataType === 'float16' || dataType === 'float64';
  let scale = partial.scale ?? undefined;
  let mean = partial.mean === null ? [0] : (partial.mean ?? undefined);
  let std = partial.std === null ? [1] : (partial.std ?? undefined);
  if (isFloat) {
    const describedByUser = partial.scale !== undefined || partial.mean !== undefined || partial.std !== undefined;
    scale ??= 'unit';
    // ImageNet statistics only describe RGB models; a 1-channel model gets plain pixels/255 unless told otherwise.
    const imagenet = !describedByUser && channels === 3;
    mean ??= imagenet ? IMAGENET_MEAN : [0];
    std ??= imagenet ? IMAGENET_STD : [1];
  } else {
    scale ??= 'byte';
    if (scale === 'unit') {
      throw invalid(`scale 'unit' maps pixels to 0–1, which ${dataType} cannot hold; use scale 'byte' for integer inputs`);
    }
    mean ??= dataType === 'int8' ? [128] : [0];
    std ??= [1];
  }
  for (const [name, values] of [['mean', mean], ['std', std]] as const) {
    if (values.length !== 1 && values.length !== channels) {
      throw invalid(`${name} has ${values.length} values; give 1 or ${channels} (one per model channel)`);
    }
  }
  return {
    resize,
    centerCrop,
    mean: channels === 3 && mean.length === 1 ? [mean[0], mean[0], mean[0]] : [...mean],
    std: channels === 3 && std.length === 1 ? [std[0], std[0], std[0]] : [...std],
    scale,
    channelOrder: partial.channelOrder ?? 'RGB',
    layout,
    target,
  };
}

export function describePreprocessSpec(spec: ResolvedPreprocessSpec): string {
  const parts: string[] = [];
  if (spec.resize) {
    parts.push(
      'shorterSide' in spec.resize
        ? `resize shorter side to ${spec.resize.shorterSide} (bilinear, antialiased, as Pillow)`
        : `resize to ${spec.resize.width}×${spec.resize.height} (bilinear, antialiased, as Pillow)`,
    );
  }
  if (spec.centerCrop) parts.push(`center crop ${spec.centerCrop.width}×${spec.centerCrop.height}`);
  if (spec.target.channels === 1) parts.push('grayscale');
  else parts.push(spec.channelOrder);
  parts.push(spec.scale === 'unit' ? 'pixels/255' : 'pixels 0–255');
  const round = (values: number[] | undefined) => `[${(values ?? []).map((v) => Number(v.toPrecision(6))).join(', ')}]`;
  parts.push(`mean ${round(spec.mean)}`, `std ${round(spec.std)}`, spec.layout);
  return parts.join(', ');
}
