/** Builders for hand-made test files (.npy bytes, PNG chunks) and small assertion helpers. Not a test file. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { WorkbenchError } from '../../../app/errors';

/** Shared real data lives beside the repository; tests run from the repo root. */
export const SHARED_DATA = resolve(process.cwd(), '../shared/data');
export const sharedImage = (relative: string) => join(SHARED_DATA, 'images', relative);

/** A validation function for assert.throws / assert.rejects: a WorkbenchError of area 'data' with this code. */
export function hasCode(code: string, messagePattern?: RegExp) {
  return (error: unknown): true => {
    if (!(error instanceof WorkbenchError)) throw new Error(`expected WorkbenchError ${code}, got ${String(error)}`);
    if (error.code !== code) throw new Error(`expected code ${code}, got ${error.code}: ${error.message}`);
    if (error.area !== 'data') throw new Error(`expected area 'data', got ${error.area}`);
    if (messagePattern && !messagePattern.test(error.message)) throw new Error(`message ${JSON.stringify(error.message)} does not match ${messagePattern}`);
    return true;
  };
}

export async function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'pwb-data-test-'));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * An .npy file written byte by byte as numpy does: magic, version, little-endian header length, a dict literal padded
 * with spaces and ended by '\n' so the data starts on a 64-byte boundary, then the raw data.
 */
export function npyBytes(options: {
  descr: string;
  shape: number[];
  data: Uint8Array | ArrayBufferView;
  fortranOrder?: boolean;
  version?: 1 | 2 | 3;
  /** overrides the dict text entirely (for malformed-header tests) */
  headerText?: string;
}): Uint8Array {
  const version = options.version ?? 1;
  const shape = options.shape.length === 1 ? `(${options.shape[0]},)` : `(${options.shape.join(', ')})`;
  let dict = options.headerText ?? `{'descr': '${options.descr}', 'fortran_order': ${options.fortranOrder ? 'True' : 'False'}, 'shape': ${shape}, }`;
  const prefix = version === 1 ? 10 : 12;
  if (options.headerText === undefined) {
    const total = Math.ceil((prefix + dict.length + 1) / 64) * 64;
    dict = dict + ' '.repeat(total - prefix - dict.length - 1) + '\n';
  }
  const header = Buffer.from(dict, version === 3 ? 'utf8' : 'latin1');
  const data = new Uint8Array(options.data.buffer, options.data.byteOffset, options.data.byteLength);
  const out = new Uint8Array(prefix + header.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, header.length, true);
  else view.setUint32(8, header.length, true);
  out.set(header, prefix);
  out.set(data, prefix + header.length);
  return out;
}

/** One PNG chunk: length, type, data, CRC-32 over type + data. */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(Buffer.from(type, 'latin1'), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)) >>> 0);
  return out;
}

export function ihdr(width: number, height: number, bitDepth: number, colorType: number, interlace = 0): Uint8Array {
  const data = new Uint8Array(13);
  const view = new DataView(data.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  data.set([bitDepth, colorType, 0, 0, interlace], 8);
  return pngChunk('IHDR', data);
}

/** A PNG from hand-made chunks; `scanlines` are the filtered rows (filter byte 0 + samples), deflated into one IDAT. */
export function buildPng(header: Uint8Array, scanlines: Uint8Array, extra: Uint8Array[] = [], compressed?: Uint8Array): Uint8Array {
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    header,
    ...extra,
    pngChunk('IDAT', compressed ?? deflateSync(scanlines)),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}
