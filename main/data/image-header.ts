import { dataError } from './data-error';

/**
 * Reads an image's format and size from its first bytes, without decoding pixels, so that pixel bombs are refused
 * before any allocation. Formats are recognised by content (magic bytes), never by file extension: a `.png` that
 * holds a JPEG is decoded as the JPEG it is.
 */
export type ImageFormat = 'jpeg' | 'png';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
  /** JPEG: number of colour components (1 gray, 3 YCbCr/RGB, 4 CMYK/YCCK). PNG: colour type (0, 2, 3, 4, 6). */
  colorInfo: number;
  /** PNG only: bit depth (1, 2, 4, 8, 16). */
  bitDepth?: number;
  /** PNG only: Adam7 interlacing. */
  interlaced?: boolean;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function sniffImageFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 8 && PNG_SIGNATURE.every((value, index) => bytes[index] === value)) return 'png';
  return undefined;
}

/** Names what a non-image file looks like, for error messages ("a GIF image", "a WebP image", "an HTML page"). */
export function describeUnsupportedContent(bytes: Uint8Array): string {
  const ascii = (start: number, length: number) => String.fromCharCode(...bytes.subarray(start, start + length));
  if (bytes.length === 0) return 'an empty file';
  if (ascii(0, 4) === 'GIF8') return 'a GIF image';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') return 'a WebP image';
  if (ascii(0, 2) === 'BM') return 'a BMP image';
  if (ascii(0, 4) === 'II*\0' || ascii(0, 4) === 'MM\0*') return 'a TIFF image';
  if (ascii(4, 4) === 'ftyp') return 'an HEIF/AVIF image';
  if (/^\s*<(!doctype|html)/i.test(ascii(0, 64))) return 'an HTML page';
  if (ascii(0, 7) === 'version') return 'a Git LFS pointer (run `git lfs pull`)';
  return 'not a JPEG or PNG image';
}

const SUPPORTED_PNG_DEPTHS: Record<number, number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

export function readPngHeader(bytes: Uint8Array, file: string): ImageHeader {
  // Signature (8) + IHDR chunk: length (4) 'IHDR' (4) data (13) crc (4).
  if (bytes.length < 33) throw unreadable(file, 'the PNG file is truncated before the end of its IHDR header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(8);
  const type = String.fromCharCode(bytes[12], bytes[13], bytes[14], bytes[15]);
  if (type !== 'IHDR' || length !== 13) throw unreadable(file, 'the PNG file does not start with a valid IHDR chunk');
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const bitDepth = bytes[24];
  const colorType = bytes[25];
  const interlace = bytes[28];
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) {
    throw unreadable(file, `the PNG header declares an invalid size ${width}×${height}`);
  }
  const depths = SUPPORTED_PNG_DEPTHS[colorType];
  if (!depths || !depths.includes(bitDepth)) {
    throw unreadable(file, `the PNG header declares an invalid colour type ${colorType} / bit depth ${bitDepth}`);
  }
  if (bytes[26] !== 0 || bytes[27] !== 0 || interlace > 1) {
    throw unreadable(file, 'the PNG header declares an unknown compression, filter or interlace method');
  }
  return { format: 'png', width, height, colorInfo: colorType, bitDepth, interlaced: interlace === 1 };
}

/**
 * Walks JPEG marker segments up to the first start-of-frame (SOFn) and reads its size and component count.
 * Does not validate the entropy-coded data; jpeg-js does that while decoding.
 */
export function readJpegHeader(bytes: Uint8Array, file: string): ImageHeader {
  let position = 2;
  while (position + 4 <= bytes.length) {
    if (bytes[position] !== 0xff) throw unreadable(file, `the JPEG marker structure is corrupt at byte ${position}`);
    const marker = bytes[position + 1];
    if (marker === 0xff) {
      position += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      position += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) {
      throw unreadable(file, 'the JPEG has no frame header (SOF) before its image data');
    }
    const segmentLength = (bytes[position + 2] << 8) | bytes[position + 3];
    if (segmentLength < 2) throw unreadable(file, `the JPEG segment at byte ${position} has an invalid length`);
    const isStartOfFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isStartOfFrame) {
      if (position + 10 > bytes.length) break;
      const height = (bytes[position + 5] << 8) | bytes[position + 6];
      const width = (bytes[position + 7] << 8) | bytes[position + 8];
      const components = bytes[position + 9];
      if (marker >= 0xc9) {
        throw dataError(
          'IMAGE_UNSUPPORTED_FORMAT',
          `'${file}' is an arithmetic-coded JPEG, which this decoder does not support; re-save it as a baseline or progressive JPEG or as PNG.`,
          file,
        );
      }
      if (width === 0 || height === 0) {
        throw unreadable(file, `the JPEG frame header declares an invalid size ${width}×${height}`);
      }
      if (components !== 1 && components !== 3 && components !== 4) {
        throw unreadable(file, `the JPEG frame header declares ${components} colour components`);
      }
      return { format: 'jpeg', width, height, colorInfo: components };
    }
    position += 2 + segmentLength;
  }
  throw unreadable(file, 'the JPEG file is truncated before its frame header');
}

export function readImageHeader(bytes: Uint8Array, file: string): ImageHeader {
  const format = sniffImageFormat(bytes);
  if (format === 'jpeg') return readJpegHeader(bytes, file);
  if (format === 'png') return readPngHeader(bytes, file);
  throw dataError(
    'IMAGE_UNSUPPORTED_FORMAT',
    `'${file}' is ${describeUnsupportedContent(bytes)}; only JPEG and PNG images are supported. Convert it or remove it from the folder.`,
    file,
  );
}

function unreadable(file: string, problem: string) {
  return dataError('IMAGE_UNREADABLE', `Cannot read image '${file}': ${problem}. Check the file or remove it from the folder.`, file);
}
