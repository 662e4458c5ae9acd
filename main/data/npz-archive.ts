import { crc32 } from 'node:zlib';
import { Inflate, strFromU8 } from 'fflate';
import { WorkbenchError, isWorkbenchError } from '../../app/errors';
import { dataError, describeCause } from './data-error';
import { formatBytes, resolveLimits, type DataLimits } from './data-limits';
import { NPY_MAGIC, parseNpy } from './npy-format';
import type { TensorData } from './types';

/**
 * NumPy .npz archives (zip files of .npy members, as numpy.savez / savez_compressed write them).
 * - Stored (method 0) and deflated (method 8) members; deflate is decoded with fflate's streaming Inflate.
 * - Zip-bomb defences: the central directory's entry count and every member's DECLARED uncompressed size (per member
 *   and in total) are checked against the limits before anything is inflated; inflation then stops as soon as a
 *   member produces more bytes than it declared, and the result must match the declared size and CRC-32 exactly.
 *   Overlapping members therefore cost at most the declared total.
 * - Encrypted members, other compression methods and duplicate names are refused.
 * - Member names are keys only, never paths: `x.npy` → key `x`, `dir/x.npy` → key `dir/x`. Members that do not end
 *   in `.npy` are ignored.
 */
export interface NpzEntry {
  /** member name inside the archive */
  name: string;
  /** name without the trailing '.npy' — the array's key (numpy.savez keyword) */
  key: string;
}

interface DirectoryEntry extends NpzEntry {
  flags: number;
  method: number;
  crc: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const INFLATE_CHUNK = 16 * 1024;

function malformed(file: string, problem: string, cause?: unknown) {
  return dataError('NPZ_MALFORMED', `'${file}' is not a readable .npz archive: ${problem}. Re-save it with numpy.savez().`, file, cause);
}

function readUint64(view: DataView, offset: number, file: string): number {
  const value = view.getBigUint64(offset, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw malformed(file, 'a zip64 size or offset is out of range');
  return Number(value);
}

function readCentralDirectory(bytes: Uint8Array, file: string, limits: DataLimits): DirectoryEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length >= 6 && NPY_MAGIC.every((value, index) => bytes[index] === value)) {
    throw dataError('NPZ_MALFORMED', `'${file}' is a single .npy array, not an .npz archive; open it as npy data.`, file);
  }
  let eocd = -1;
  for (let offset = bytes.length - 22; offset >= 0 && offset >= bytes.length - 22 - 0xffff; offset--) {
    if (view.getUint32(offset, true) === EOCD_SIGNATURE) {
      eocd = offset;
      break;
    }
  }
  if (eocd < 0) throw malformed(file, 'no zip end-of-central-directory record (the file is truncated or not a zip)');
  let entryCount = view.getUint16(eocd + 10, true);
  let directorySize = view.getUint32(eocd + 12, true);
  let directoryOffset = view.getUint32(eocd + 16, true);
  if (entryCount === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || view.getUint32(locator, true) !== ZIP64_LOCATOR_SIGNATURE) throw malformed(file, 'missing zip64 locator');
    const zip64 = readUint64(view, locator + 8, file);
    if (zip64 + 56 > bytes.length || view.getUint32(zip64, true) !== ZIP64_EOCD_SIGNATURE) throw malformed(file, 'invalid zip64 end record');
    entryCount = readUint64(view, zip64 + 32, file);
    directorySize = readUint64(view, zip64 + 40, file);
    directoryOffset = readUint64(view, zip64 + 48, file);
  }
  if (entryCount > limits.maxNpzEntries) {
    throw dataError(
      'NPZ_TOO_LARGE',
      `'${file}' lists ${entryCount} members, above the ${limits.maxNpzEntries}-member limit; refusing to open it (possible zip bomb).`,
      file,
    );
  }
  if (directoryOffset + directorySize > bytes.length) throw malformed(file, 'the central directory lies outside the file');
  const entries: DirectoryEntry[] = [];
  let position = directoryOffset;
  for (let index = 0; index < entryCount; index++) {
    if (position + 46 > bytes.length || view.getUint32(position, true) !== CENTRAL_SIGNATURE) {
      throw malformed(file, `central directory entry ${index} is corrupt`);
    }
    const flags = view.getUint16(position + 8, true);
    const method = view.getUint16(position + 10, true);
    const crc = view.getUint32(position + 16, true);
    let compressedSize = view.getUint32(position + 20, true);
    let uncompressedSize = view.getUint32(position + 24, true);
    const nameLength = view.getUint16(position + 28, true);
    const extraLength = view.getUint16(position + 30, true);
    const commentLength = view.getUint16(position + 32, true);
    let localHeaderOffset = view.getUint32(position + 42, true);
    const nameStart = position + 46;
    const extraStart = nameStart + nameLength;
    const next = extraStart + extraLength + commentLength;
    if (next > bytes.length) throw malformed(file, `central directory entry ${index} runs past the end of the file`);
    const name = strFromU8(bytes.subarray(nameStart, extraStart), !(flags & 0x800));
    // zip64 extended information: the 64-bit values of the fields that are 0xFFFFFFFF, in this order.
    for (let extra = extraStart; extra + 4 <= extraStart + extraLength; ) {
      const id = view.getUint16(extra, true);
      const size = view.getUint16(extra + 2, true);
      if (id === 0x0001) {
        let field = extra + 4;
        const take = () => {
          if (field + 8 > extra + 4 + size) throw malformed(file, `member '${name}' has a truncated zip64 field`);
          const value = readUint64(view, field, file);
          field += 8;
          return value;
        };
        if (uncompressedSize === 0xffffffff) uncompressedSize = take();
        if (compressedSize === 0xffffffff) compressedSize = take();
        if (localHeaderOffset === 0xffffffff) localHeaderOffset = take();
      }
      extra += 4 + size;
    }
    const key = name.endsWith('.npy') ? name.slice(0, -4) : name;
    entries.push({ name, key, flags, method, crc, compressedSize, uncompressedSize, localHeaderOffset });
    position = next;
  }
  return entries;
}

function inflateMember(compressed: Uint8Array, entry: DirectoryEntry, file: string): Uint8Array {
  const out = new Uint8Array(entry.uncompressedSize);
  let produced = 0;
  const inflater = new Inflate((chunk) => {
    if (produced + chunk.length > out.length) {
      throw dataError(
        'NPZ_TOO_LARGE',
        `'${file}' member '${entry.name}' inflates to more than the ${entry.uncompressedSize} bytes it declares; refusing it (possible zip bomb).`,
        file,
      );
    }
    out.set(chunk, produced);
    produced += chunk.length;
  });
  try {
    if (compressed.length === 0) inflater.push(compressed, true);
    for (let offset = 0; offset < compressed.length; offset += INFLATE_CHUNK) {
      const end = Math.min(compressed.length, offset + INFLATE_CHUNK);
      inflater.push(compressed.subarray(offset, end), end === compressed.length);
    }
  } catch (error) {
    if (isWorkbenchError(error)) throw error;
    throw malformed(file, `member '${entry.name}' has corrupt deflate data (${describeCause(error)})`, error);
  }
  if (produced !== out.length) throw malformed(file, `member '${entry.name}' inflates to ${produced} bytes but declares ${out.length}`);
  return out;
}

function extractMember(bytes: Uint8Array, entry: DirectoryEntry, file: string): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const local = entry.localHeaderOffset;
  if (local + 30 > bytes.length || view.getUint32(local, true) !== LOCAL_SIGNATURE) {
    throw malformed(file, `member '${entry.name}' has no valid local header`);
  }
  const dataStart = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
  const dataEnd = dataStart + entry.compressedSize;
  if (dataEnd > bytes.length) throw malformed(file, `member '${entry.name}' is truncated`);
  const compressed = bytes.subarray(dataStart, dataEnd);
  const data = entry.method === 0 ? compressed : inflateMember(compressed, entry, file);
  if (data.length !== entry.uncompressedSize) throw malformed(file, `member '${entry.name}' holds ${data.length} bytes but declares ${entry.uncompressedSize}`);
  if ((crc32(data) >>> 0) !== entry.crc) throw malformed(file, `member '${entry.name}' fails its CRC-32 check (the archive is corrupt)`);
  return data;
}

/** Lists the .npy members (name, key) without inflating anything. Applies the entry-count limit. */
export function listNpzEntries(bytes: Uint8Array, file: string, limits?: Partial<DataLimits>): NpzEntry[] {
  return readCentralDirectory(bytes, file, resolveLimits(limits))
    .filter((entry) => entry.name.endsWith('.npy'))
    .map(({ name, key }) => ({ name, key }));
}

/**
 * Parses the .npy members of an .npz archive, in archive order. `wanted(key)` may restrict which members are
 * extracted (others are neither inflated nor counted against the size limits).
 */
export function parseNpz(
  bytes: Uint8Array,
  file: string,
  limits?: Partial<DataLimits>,
  wanted: (key: string) => boolean = () => true,
): Map<string, TensorData> {
  const resolved = resolveLimits(limits);
  const entries = readCentralDirectory(bytes, file, resolved).filter((entry) => entry.name.endsWith('.npy'));
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.key)) throw malformed(file, `it holds two members named '${entry.name}'`);
    seen.add(entry.key);
  }
  const selected = entries.filter((entry) => wanted(entry.key));
  let declaredTotal = 0;
  for (const entry of selected) {
    if (entry.flags & 0x1) {
      throw dataError('NPZ_UNSUPPORTED', `'${file}' member '${entry.name}' is encrypted; save the arrays without encryption.`, file);
    }
    if (entry.method !== 0 && entry.method !== 8) {
      throw dataError(
        'NPZ_UNSUPPORTED',
        `'${file}' member '${entry.name}' uses zip compression method ${entry.method}; only stored and deflated members (numpy.savez / savez_compressed) are supported.`,
        file,
      );
    }
    if (entry.method === 0 && entry.compressedSize !== entry.uncompressedSize) {
      throw malformed(file, `stored member '${entry.name}' declares different compressed and uncompressed sizes`);
    }
    if (entry.uncompressedSize > resolved.maxNpzEntryBytes) {
      throw dataError(
        'NPZ_TOO_LARGE',
        `'${file}' member '${entry.name}' declares ${formatBytes(entry.uncompressedSize)} uncompressed, above the ${formatBytes(resolved.maxNpzEntryBytes)} per-member limit; refusing to inflate it (possible zip bomb).`,
        file,
      );
    }
    declaredTotal += entry.uncompressedSize;
    if (declaredTotal > resolved.maxNpzTotalBytes) {
      throw dataError(
        'NPZ_TOO_LARGE',
        `'${file}' members declare more than ${formatBytes(resolved.maxNpzTotalBytes)} uncompressed in total; refusing to inflate them (possible zip bomb).`,
        file,
      );
    }
  }
  const arrays = new Map<string, TensorData>();
  for (const entry of selected) {
    const data = extractMember(bytes, entry, file);
    try {
      arrays.set(entry.key, parseNpy(data, `${file}: ${entry.name}`, resolved));
    } catch (error) {
      if (error instanceof WorkbenchError) throw new WorkbenchError('data', error.code, error.message, { file, cause: error });
      throw error;
    }
  }
  return arrays;
}
