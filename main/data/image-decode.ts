import { readFile, stat } from 'node:fs/promises';
import { inflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { isWorkbenchError } from '../../app/errors';
import { dataError, describeCause } from './data-error';
import { formatBytes, resolveLimits, type DataLimits } from './data-limits';
import { readImageHeader, type ImageFormat, type ImageHeader } from './image-header';

/**
 * Decodes JPEG (jpeg-js) and PNG (pngjs) to 8-bit RGB, the way torchvision's default loader sees an image after
 * `PIL.Image.open(path).convert('RGB')`:
 * - grayscale is replicated to R = G = B; CMYK/YCCK JPEGs are converted by jpeg-js;
 * - alpha and PNG transparency (tRNS) are DROPPED, not composited over a background (PIL's convert('RGB') does the
 *   same); palette PNGs are expanded to their palette colours;
 * - 16-bit PNG samples are scaled to 8 bits with round(v·255/65535) (pngjs; PIL keeps the high byte, so values can
 *   differ by one);
 * - EXIF orientation is NOT applied (PIL's open/convert does not apply it either);
 * - truncated or corrupt files are refused (jpeg-js runs with tolerantDecoding off; PNG chunks and CRCs are checked,
 *   IEND is required), never decoded to a partly grey picture.
 * Pixel bombs are refused from the header before decoding (`maxImagePixels`), and jpeg-js runs with its
 * `maxResolutionInMP` / `maxMemoryUsageInMB` limits.
 * Decoding is synchronous and CPU-bound (≈ 15–20 ms for a 500×375 JPEG); callers run it in the engine host.
 */
export interface RgbImage {
  width: number;
  height: number;
  /** Interleaved R, G, B bytes, row-major, no padding: length = width × height × 3. */
  data: Uint8Array;
  format: ImageFormat;
}

export type ImageDecodeLimits = Pick<DataLimits, 'maxImagePixels' | 'maxJpegMemoryMB' | 'maxImageFileBytes'>;

export function decodeImage(bytes: Uint8Array, file: string, limits?: Partial<ImageDecodeLimits>): RgbImage {
  const resolved = resolveLimits(limits);
  const header = readImageHeader(bytes, file);
  const pixels = header.width * header.height;
  if (pixels > resolved.maxImagePixels) {
    throw dataError(
      'IMAGE_TOO_LARGE',
      `Image '${file}' declares ${header.width}×${header.height} pixels (${(pixels / 1e6).toFixed(1)} MP), above the ` +
        `${(resolved.maxImagePixels / 1e6).toFixed(0)} MP limit; refusing to decode it (possible decompression bomb). ` +
        'Downscale the image or raise the image pixel limit.',
      file,
    );
  }
  return header.format === 'jpeg' ? decodeJpeg(bytes, file, resolved) : decodePng(bytes, header, file);
}

/** Reads and decodes one image file; refuses files above `maxImageFileBytes` before reading them. */
export async function readImageFile(file: string, limits?: Partial<ImageDecodeLimits>): Promise<RgbImage> {
  const resolved = resolveLimits(limits);
  let bytes: Buffer;
  try {
    const info = await stat(file);
    if (info.size > resolved.maxImageFileBytes) {
      throw dataError(
        'IMAGE_TOO_LARGE',
        `Image file '${file}' is ${formatBytes(info.size)}, above the ${formatBytes(resolved.maxImageFileBytes)} limit; refusing to read it.`,
        file,
      );
    }
    bytes = await readFile(file);
  } catch (error) {
    if (isWorkbenchError(error)) throw error;
    throw dataError('IMAGE_UNREADABLE', `Cannot read image file '${file}': ${describeCause(error)}.`, file, error);
  }
  return decodeImage(bytes, file, resolved);
}

function decodeJpeg(bytes: Uint8Array, file: string, limits: DataLimits): RgbImage {
  let decoded: { width: number; height: number; data: Uint8Array };
  try {
    decoded = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      tolerantDecoding: false,
      maxResolutionInMP: limits.maxImagePixels / 1e6,
      maxMemoryUsageInMB: limits.maxJpegMemoryMB,
    });
  } catch (error) {
    const message = describeCause(error);
    if (/maxMemoryUsageInMB|maxResolutionInMP|allocate enough memory/.test(message)) {
      throw dataError(
        'IMAGE_TOO_LARGE',
        `JPEG '${file}' needs more memory to decode than allowed (${message}); refusing it. Downscale the image.`,
        file,
        error,
      );
    }
    throw dataError(
      'IMAGE_UNREADABLE',
      `Cannot decode JPEG '${file}': ${message} (the file is truncated or corrupt). Re-export the image or remove it from the folder.`,
      file,
      error,
    );
  }
  if (decoded.data.length !== decoded.width * decoded.height * 3) {
    throw dataError('IMAGE_UNREADABLE', `Cannot decode JPEG '${file}': the decoder returned an unexpected pixel buffer.`, file);
  }
  return { width: decoded.width, height: decoded.height, data: decoded.data, format: 'jpeg' };
}

interface PngChunkScan {
  /** The file up to and including IEND, with tRNS removed for gray/RGB images (see decodeImage). */
  cleaned: Buffer;
  idat: Buffer[];
}

function scanPngChunks(bytes: Uint8Array, header: ImageHeader, file: string): PngChunkScan {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const keep: Uint8Array[] = [bytes.subarray(0, 8)];
  const idat: Buffer[] = [];
  let position = 8;
  for (;;) {
    if (position + 12 > bytes.length) throw pngUnreadable(file, 'the file is truncated (no IEND chunk)');
    const length = view.getUint32(position);
    const end = position + 12 + length;
    if (length > 0x7fffffff || end > bytes.length) throw pngUnreadable(file, 'the file is truncated inside a chunk');
    const type = String.fromCharCode(...bytes.subarray(position + 4, position + 8));
    const chunk = bytes.subarray(position, end);
    if (type === 'IDAT') idat.push(Buffer.from(bytes.buffer, bytes.byteOffset + position + 8, length));
    // Gray/RGB transparency would make pngjs blacken matching pixels; PIL's convert('RGB') keeps their colour.
    const dropChunk = type === 'tRNS' && header.colorInfo !== 3;
    if (!dropChunk) keep.push(chunk);
    position = end;
    if (type === 'IEND') break; // bytes after IEND are ignored, as PIL does
  }
  if (idat.length === 0) throw pngUnreadable(file, 'the file has no image data (IDAT)');
  return { cleaned: Buffer.concat(keep), idat };
}

/** Bytes of filtered scanlines a PNG decompresses to (zlib output), per the PNG spec, including Adam7 passes. */
function inflatedPngSize(header: ImageHeader): number {
  const channels = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 }[header.colorInfo as 0 | 2 | 3 | 4 | 6];
  const bitsPerPixel = channels * (header.bitDepth ?? 8);
  const rowBytes = (width: number) => 1 + Math.ceil((width * bitsPerPixel) / 8);
  if (!header.interlaced) return header.height * rowBytes(header.width);
  const passes = [
    [0, 0, 8, 8],
    [4, 0, 8, 8],
    [0, 4, 4, 8],
    [2, 0, 4, 4],
    [0, 2, 2, 4],
    [1, 0, 2, 2],
    [0, 1, 1, 2],
  ];
  let total = 0;
  for (const [x0, y0, dx, dy] of passes) {
    const width = header.width > x0 ? Math.ceil((header.width - x0) / dx) : 0;
    const height = header.height > y0 ? Math.ceil((header.height - y0) / dy) : 0;
    if (width > 0 && height > 0) total += height * rowBytes(width);
  }
  return total;
}

function decodePng(bytes: Uint8Array, header: ImageHeader, file: string): RgbImage {
  const scan = scanPngChunks(bytes, header, file);
  const expected = inflatedPngSize(header);
  if (header.interlaced) {
    // pngjs inflates interlaced images without an output cap; check the stream stays within the declared size first.
    try {
      inflateSync(Buffer.concat(scan.idat), { maxOutputLength: expected });
    } catch (error) {
      throw pngUnreadable(file, `its image data is corrupt or inflates beyond the size its header declares (${describeCause(error)})`);
    }
  }
  let png: { width: number; height: number; data: Buffer };
  try {
    png = PNG.sync.read(scan.cleaned, { checkCRC: true });
  } catch (error) {
    // pngjs reports image data longer than the header allows as "have should not go down".
    const message = describeCause(error);
    const problem = /should not go down/.test(message) ? 'its image data inflates beyond the size its header declares' : message;
    throw pngUnreadable(file, problem, error);
  }
  const pixels = png.width * png.height;
  if (png.data.length !== pixels * 4) throw pngUnreadable(file, 'the decoder returned an unexpected pixel buffer');
  const rgb = new Uint8Array(pixels * 3);
  const rgba = png.data;
  for (let source = 0, target = 0; target < rgb.length; source += 4, target += 3) {
    rgb[target] = rgba[source];
    rgb[target + 1] = rgba[source + 1];
    rgb[target + 2] = rgba[source + 2];
  }
  return { width: png.width, height: png.height, data: rgb, format: 'png' };
}

function pngUnreadable(file: string, problem: string, cause?: unknown) {
  return dataError(
    'IMAGE_UNREADABLE',
    `Cannot decode PNG '${file}': ${problem}. Re-export the image or remove it from the folder.`,
    file,
    cause,
  );
}
