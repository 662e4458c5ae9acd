/**
 * Bilinear resampling of 8-bit interleaved images, reproducing Pillow's `Image.resize(size, Image.BILINEAR)`
 * (Pillow ≥ 7, `reducing_gap=None`; libImaging/Resample.c), which is what torchvision's `Resize` does to PIL images:
 * - separable: a horizontal pass into an 8-bit intermediate image, then a vertical pass;
 * - triangle filter with support 1 at scale ≥ 1; when DOWNSCALING by a factor s the filter is stretched to
 *   support s, i.e. every output pixel averages all the input pixels it covers (antialiasing), as Pillow does;
 * - pixel centres at (i + 0.5), edge taps clipped to the image and the weights renormalised;
 * - weights in 22-bit fixed point, each pass rounded and clamped to 0..255 — so the result matches Pillow's
 *   byte for byte, not just approximately.
 * OpenCV's `cv2.resize(INTER_LINEAR)` does NOT antialias when downscaling and gives different pixels.
 */
export interface Image8 {
  width: number;
  height: number;
  /** 1 (gray) or 3 (RGB) interleaved channels */
  channels: number;
  data: Uint8Array;
}

const PRECISION_BITS = 32 - 8 - 2;
const HALF = 1 << (PRECISION_BITS - 1);
const ONE = 1 << PRECISION_BITS;

interface Coefficients {
  /** per output index: first input index, number of taps */
  bounds: Int32Array;
  /** per output index: `taps` fixed-point weights, padded to `taps` */
  weights: Int32Array;
  taps: number;
}

function bilinearFilter(x: number): number {
  const distance = x < 0 ? -x : x;
  return distance < 1 ? 1 - distance : 0;
}

/** Pillow's precompute_coeffs + normalize_coeffs_8bpc for the bilinear filter (support 1). */
function computeCoefficients(inSize: number, outSize: number): Coefficients {
  const scale = inSize / outSize;
  const filterScale = scale < 1 ? 1 : scale;
  const support = 1 * filterScale;
  const taps = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * taps);
  const raw = new Float64Array(taps);
  const inverseScale = 1 / filterScale;
  for (let out = 0; out < outSize; out++) {
    const center = (out + 0.5) * scale;
    let first = Math.trunc(center - support + 0.5);
    if (first < 0) first = 0;
    let last = Math.trunc(center + support + 0.5);
    if (last > inSize) last = inSize;
    const count = last - first;
    let total = 0;
    for (let tap = 0; tap < count; tap++) {
      const weight = bilinearFilter((tap + first - center + 0.5) * inverseScale);
      raw[tap] = weight;
      total += weight;
    }
    for (let tap = 0; tap < count; tap++) {
      const normalised = total !== 0 ? raw[tap] / total : raw[tap];
      weights[out * taps + tap] = normalised < 0 ? Math.trunc(-0.5 + normalised * ONE) : Math.trunc(0.5 + normalised * ONE);
    }
    bounds[out * 2] = first;
    bounds[out * 2 + 1] = count;
  }
  return { bounds, weights, taps };
}

/** acc >> PRECISION_BITS clamped to 0..255. Accumulators stay below 2^31 (weights sum to ≈ 2^22, pixels ≤ 255). */
function clip8(accumulator: number): number {
  const value = accumulator >> PRECISION_BITS;
  return value < 0 ? 0 : value > 255 ? 255 : value;
}

function resampleHorizontal(source: Image8, outWidth: number): Image8 {
  const { width, height, channels, data } = source;
  const { bounds, weights, taps } = computeCoefficients(width, outWidth);
  const out = new Uint8Array(outWidth * height * channels);
  for (let y = 0; y < height; y++) {
    const rowIn = y * width * channels;
    let target = y * outWidth * channels;
    for (let x = 0; x < outWidth; x++) {
      const first = bounds[x * 2];
      const count = bounds[x * 2 + 1];
      const kernel = x * taps;
      if (channels === 3) {
        let r = HALF;
        let g = HALF;
        let b = HALF;
        let from = rowIn + first * 3;
        for (let tap = 0; tap < count; tap++, from += 3) {
          const weight = weights[kernel + tap];
          r += data[from] * weight;
          g += data[from + 1] * weight;
          b += data[from + 2] * weight;
        }
        out[target++] = clip8(r);
        out[target++] = clip8(g);
        out[target++] = clip8(b);
      } else {
        for (let c = 0; c < channels; c++) {
          let accumulator = HALF;
          for (let tap = 0; tap < count; tap++) accumulator += data[rowIn + (first + tap) * channels + c] * weights[kernel + tap];
          out[target++] = clip8(accumulator);
        }
      }
    }
  }
  return { width: outWidth, height, channels, data: out };
}

function resampleVertical(source: Image8, outHeight: number): Image8 {
  const { width, height, channels, data } = source;
  const { bounds, weights, taps } = computeCoefficients(height, outHeight);
  const rowLength = width * channels;
  const out = new Uint8Array(rowLength * outHeight);
  const accumulators = new Int32Array(rowLength);
  for (let y = 0; y < outHeight; y++) {
    const first = bounds[y * 2];
    const count = bounds[y * 2 + 1];
    const kernel = y * taps;
    accumulators.fill(HALF);
    // Row by row, so every tap reads one contiguous source row.
    for (let tap = 0; tap < count; tap++) {
      const weight = weights[kernel + tap];
      const rowIn = (first + tap) * rowLength;
      for (let i = 0; i < rowLength; i++) accumulators[i] = (accumulators[i] + data[rowIn + i] * weight) | 0;
    }
    const rowOut = y * rowLength;
    for (let i = 0; i < rowLength; i++) out[rowOut + i] = clip8(accumulators[i]);
  }
  return { width, height: outHeight, channels, data: out };
}

/** Resizes to exactly `width` × `height` (Pillow BILINEAR, antialiased when downscaling). Returns `image` itself if the size is unchanged. */
export function resizeBilinear(image: Image8, width: number, height: number): Image8 {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`resize target must be positive integers, got ${width}×${height}`);
  }
  let result = image;
  if (width !== image.width) result = resampleHorizontal(result, width);
  if (height !== image.height) result = resampleVertical(result, height);
  return result;
}

/**
 * torchvision `Resize(size: int)`: the shorter side becomes `shorterSide`, the longer side
 * `int(shorterSide × long / short)` (truncated, as torchvision computes it).
 */
export function shorterSideSize(width: number, height: number, shorterSide: number): { width: number; height: number } {
  if (width <= height) return { width: shorterSide, height: Math.trunc((shorterSide * height) / width) };
  return { width: Math.trunc((shorterSide * width) / height), height: shorterSide };
}

/** Python's round(): half to even, as torchvision's center_crop uses for the crop offsets. */
function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * torchvision `CenterCrop`: top = round((H − h) / 2), left = round((W − w) / 2) with Python rounding. Where the crop is
 * larger than the image, the image is first zero-padded symmetrically (left/top get the smaller half), as torchvision pads.
 */
export function centerCrop(image: Image8, width: number, height: number): Image8 {
  if (width === image.width && height === image.height) return image;
  const offset = (inSize: number, outSize: number) =>
    outSize > inSize ? -Math.floor((outSize - inSize) / 2) : roundHalfEven((inSize - outSize) / 2);
  const left = offset(image.width, width);
  const top = offset(image.height, height);
  const { channels } = image;
  const out = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    const sourceY = y + top;
    if (sourceY < 0 || sourceY >= image.height) continue;
    for (let x = 0; x < width; x++) {
      const sourceX = x + left;
      if (sourceX < 0 || sourceX >= image.width) continue;
      const from = (sourceY * image.width + sourceX) * channels;
      const to = (y * width + x) * channels;
      for (let c = 0; c < channels; c++) out[to + c] = image.data[from + c];
    }
  }
  return { width, height, channels, data: out };
}

/** PIL's convert('L'): L = (19595·R + 38470·G + 7471·B + 0x8000) >> 16 (ITU-R 601-2 luma). */
export function rgbToGray(image: Image8): Image8 {
  const pixels = image.width * image.height;
  const out = new Uint8Array(pixels);
  const data = image.data;
  for (let i = 0, j = 0; i < pixels; i++, j += 3) {
    out[i] = (data[j] * 19595 + data[j + 1] * 38470 + data[j + 2] * 7471 + 0x8000) >>> 16;
  }
  return { width: image.width, height: image.height, channels: 1, data: out };
}
