import { float32ToFloat16Bits } from '../../app/onnx/float16';
import { dataError } from './data-error';
import { DEFAULT_DATA_LIMITS } from './data-limits';
import type { RgbImage } from './image-decode';
import { centerCrop, resizeBilinear, rgbToGray, shorterSideSize, type Image8 } from './image-resize';
import type { ResolvedPreprocessSpec } from './preprocess-resolve';
import { allocateTensorArray } from './tensor-data';
import type { TensorData } from './types';

export {
  MAX_IMAGE_SIDE,
  loadPreprocessSpecFile,
  validatePartialPreprocessSpec,
  type ChannelOrder,
  type CropSpec,
  type PartialPreprocessSpec,
  type PixelScale,
  type PreprocessSpec,
  type ResizeSpec,
  type TensorLayout,
} from './preprocess-spec';
export {
  IMAGENET_MEAN,
  IMAGENET_STD,
  describePreprocessSpec,
  looksLikeImageInput,
  resolvePreprocessSpec,
  type ImageTensorDataType,
  type PreprocessTarget,
  type ResolvedPreprocessSpec,
} from './preprocess-resolve';

/**
 * Geometry only: gray conversion (1-channel inputs, PIL 'L' luma), resize, center crop. Returns an 8-bit image of the
 * target size with 1 or 3 interleaved channels, still in RGB order.
 */
export function preprocessGeometry(image: RgbImage, spec: ResolvedPreprocessSpec, file = 'image'): Image8 {
  let current: Image8 = { width: image.width, height: image.height, channels: 3, data: image.data };
  if (spec.target.channels === 1) current = rgbToGray(current);
  if (spec.resize) {
    const size = 'shorterSide' in spec.resize ? shorterSideSize(current.width, current.height, spec.resize.shorterSide) : spec.resize;
    // A very elongated image (say 1×60000) resized by its shorter side would explode; refuse instead of allocating.
    if (size.width * size.height > DEFAULT_DATA_LIMITS.maxImagePixels) {
      throw dataError(
        'IMAGE_TOO_LARGE',
        `Image '${file}' (${image.width}×${image.height}) would be resized to ${size.width}×${size.height}, above the ` +
          `${DEFAULT_DATA_LIMITS.maxImagePixels / 1e6} MP limit; its aspect ratio is too extreme for a shorter-side resize. Remove it or use resize { width, height }.`,
        file,
      );
    }
    current = resizeBilinear(current, Math.max(1, size.width), Math.max(1, size.height));
  }
  if (spec.centerCrop) current = centerCrop(current, spec.centerCrop.width, spec.centerCrop.height);
  if (current.width !== spec.target.width || current.height !== spec.target.height) {
    throw dataError(
      'INPUT_SHAPE_MISMATCH',
      `Image '${file}' is ${current.width}×${current.height} after preprocessing, but input '${spec.target.inputName}' expects ` +
        `${spec.target.width}×${spec.target.height} (W×H). Add a center crop or a resize to ${spec.target.width}×${spec.target.height}.`,
      file,
    );
  }
  return current;
}

/**
 * Value of every possible byte in every model channel: pixel × (1/255 for 'unit') − mean[c], divided by std[c].
 * float32 (and float16, which goes through float32) follow torchvision's float32 arithmetic step by step —
 * ToTensor's div(255), then Normalize's sub_(mean).div_(std) — so results match PyTorch bit for bit. float64 is
 * computed in double. uint8/int8 round half away from zero and clamp to the type's range.
 */
function channelLookupTables(spec: ResolvedPreprocessSpec): Float64Array[] {
  const tables: Float64Array[] = [];
  const float32Steps = spec.target.dataType === 'float32' || spec.target.dataType === 'float16';
  for (let c = 0; c < spec.target.channels; c++) {
    const table = new Float64Array(256);
    const mean = spec.mean?.[c] ?? 0;
    const std = spec.std?.[c] ?? 1;
    for (let pixel = 0; pixel < 256; pixel++) {
      if (float32Steps) {
        const f = Math.fround;
        const scaled = spec.scale === 'unit' ? f(pixel / 255) : pixel;
        table[pixel] = f(f(scaled - f(mean)) / f(std));
      } else {
        const scaled = spec.scale === 'unit' ? pixel / 255 : pixel;
        table[pixel] = (scaled - mean) / std;
      }
    }
    tables.push(table);
  }
  return tables;
}

function storeValue(dataType: ResolvedPreprocessSpec['target']['dataType'], value: number): number {
  switch (dataType) {
    case 'float16':
      return float32ToFloat16Bits(value);
    case 'uint8':
      return Math.min(255, Math.max(0, Math.round(value)));
    case 'int8':
      return Math.min(127, Math.max(-128, Math.round(value)));
    default:
      return value;
  }
}

/** Normalises a target-size 8-bit image (from preprocessGeometry) into the model input tensor. */
export function imageToTensor(image: Image8, spec: ResolvedPreprocessSpec): TensorData {
  const { width, height, channels, dataType, dims } = spec.target;
  const tables = channelLookupTables(spec).map((table) => Float64Array.from(table, (value) => storeValue(dataType, value)));
  const pixels = width * height;
  const out = allocateTensorArray(dataType, pixels * channels) as Float32Array | Float64Array | Uint16Array | Uint8Array | Int8Array;
  const sourceChannel = (c: number) => (channels === 3 && spec.channelOrder === 'BGR' ? 2 - c : c);
  const source = image.data;
  for (let c = 0; c < channels; c++) {
    const table = tables[c];
    const from = sourceChannel(c);
    if (spec.layout === 'NCHW') {
      const plane = c * pixels;
      for (let p = 0; p < pixels; p++) out[plane + p] = table[source[p * channels + from]];
    } else {
      for (let p = 0; p < pixels; p++) out[p * channels + c] = table[source[p * channels + from]];
    }
  }
  return { dataType, dims: [...dims], data: out };
}

/** decode output → model input tensor: preprocessGeometry then imageToTensor. `file` is used in error messages. */
export function preprocessImage(image: RgbImage, spec: ResolvedPreprocessSpec, file?: string): TensorData {
  return imageToTensor(preprocessGeometry(image, spec, file), spec);
}
