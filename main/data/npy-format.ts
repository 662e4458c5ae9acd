import { dataError } from './data-error';
import { formatBytes, resolveLimits, type DataLimits } from './data-limits';
import { parseNpyHeaderDict } from './npy-header';
import { BYTES_PER_ELEMENT, allocateTensorArray, elementCount, formatDims, viewTensorArray } from './tensor-data';
import type { InputDataType, TensorData } from './types';

/**
 * NumPy .npy files (format versions 1.0, 2.0 and 3.0, numpy.lib.format):
 * - dtypes <f4 <f8 <f2 |u1 |i1 <i2 <u2 <i4 <i8 |b1, little- or big-endian (big-endian is byte-swapped on load);
 * - fortran_order True is transposed to C order (values are what numpy indexes, not a reinterpretation of bytes);
 * - object arrays ('|O', stored as pickles) and Python pickle files are refused with NPY_PICKLE_REFUSED and never
 *   unpickled; strings, structured, complex, datetime and 32/64-bit unsigned arrays are refused by name;
 * - the header is parsed by a strict grammar (never evaluated), at most `maxNpyHeaderBytes` long;
 * - the data size is computed with checked integer math from the declared shape and must equal the bytes present
 *   exactly (no truncated and no trailing data) before anything is allocated.
 * The returned array is a fresh copy (aligned, C order, native endianness); bool arrays are normalised to 0/1.
 */
export const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export interface NpyHeader {
  version: string;
  descr: string;
  dataType: InputDataType;
  bigEndian: boolean;
  fortranOrder: boolean;
  shape: number[];
  /** offset of the array data from the start of the file */
  dataOffset: number;
  /** declared data size in bytes */
  dataBytes: number;
}

const DTYPES: Record<string, InputDataType> = {
  f4: 'float32',
  f8: 'float64',
  f2: 'float16',
  u1: 'uint8',
  i1: 'int8',
  i2: 'int16',
  u2: 'uint16',
  i4: 'int32',
  i8: 'int64',
  b1: 'bool',
};

const REFUSED_KINDS: Record<string, string> = {
  U: 'unicode strings',
  S: 'byte strings',
  a: 'byte strings',
  V: 'raw void / structured records',
  M: 'datetimes',
  m: 'timedeltas',
  c: 'complex numbers',
};

function describeDtype(descr: string, file: string): { dataType: InputDataType; bigEndian: boolean } {
  const match = /^([<>|=]?)([a-zA-Z])(\d*)(\[.*\])?$/.exec(descr);
  if (match && match[2] === 'O') {
    throw dataError(
      'NPY_PICKLE_REFUSED',
      `'${file}' holds a Python object array (dtype '${descr}'), which numpy stores as a pickle; pickles can run code, so it is refused. Save a numeric array instead (e.g. np.save(path, np.asarray(x, dtype=np.float32))).`,
      file,
    );
  }
  const dataType = match && !match[4] ? DTYPES[`${match[2]}${match[3]}`] : undefined;
  if (!match || !dataType) {
    const kind = match ? REFUSED_KINDS[match[2]] : undefined;
    const what = kind ? `${kind} (dtype '${descr}')` : `dtype '${descr}'`;
    throw dataError(
      'NPY_UNSUPPORTED_DTYPE',
      `'${file}' holds ${what}, which cannot feed a model input. Supported: float32, float64, float16, uint8, int8, int16, uint16, int32, int64, bool — convert with .astype() and save again.`,
      file,
    );
  }
  return { dataType, bigEndian: match[1] === '>' && BYTES_PER_ELEMENT[dataType] > 1 };
}

function sniffNonNpy(bytes: Uint8Array, file: string): never {
  if (bytes.length >= 2 && bytes[0] === 0x80 && bytes[1] >= 2 && bytes[1] <= 5) {
    throw dataError(
      'NPY_PICKLE_REFUSED',
      `'${file}' is a Python pickle, not an .npy array; pickles can run code and are never loaded. Save the array with numpy.save() instead.`,
      file,
    );
  }
  if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    throw dataError(
      'NPY_MALFORMED',
      `'${file}' is a zip archive (an .npz, or a PyTorch checkpoint), not an .npy array. Open .npz files as npz data.`,
      file,
    );
  }
  throw dataError('NPY_MALFORMED', `'${file}' is not an .npy file (it does not start with the \\x93NUMPY magic).`, file);
}

export function readNpyHeader(bytes: Uint8Array, file: string, limits?: Partial<DataLimits>): NpyHeader {
  const { maxNpyHeaderBytes, maxArrayBytes } = resolveLimits(limits);
  if (bytes.length < 10 || !NPY_MAGIC.every((value, index) => bytes[index] === value)) {
    if (bytes.length >= 6 && NPY_MAGIC.every((value, index) => bytes[index] === value)) {
      throw dataError('NPY_MALFORMED', `'${file}' is truncated inside its .npy header.`, file);
    }
    sniffNonNpy(bytes, file);
  }
  const major = bytes[6];
  const minor = bytes[7];
  if (major < 1 || major > 3) {
    throw dataError('NPY_MALFORMED', `'${file}' uses .npy format version ${major}.${minor}; versions 1.0, 2.0 and 3.0 are supported.`, file);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerStart = major === 1 ? 10 : 12;
  if (bytes.length < headerStart) throw dataError('NPY_MALFORMED', `'${file}' is truncated inside its .npy header.`, file);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (headerLength > maxNpyHeaderBytes) {
    throw dataError(
      'NPY_MALFORMED',
      `'${file}' declares a ${headerLength}-byte .npy header, above the ${maxNpyHeaderBytes}-byte limit (numpy's own default); refusing to parse it.`,
      file,
    );
  }
  const dataOffset = headerStart + headerLength;
  if (dataOffset > bytes.length) throw dataError('NPY_MALFORMED', `'${file}' is truncated inside its .npy header.`, file);
  const headerBytes = bytes.subarray(headerStart, dataOffset);
  let text: string;
  if (major === 3) {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
    } catch {
      throw dataError('NPY_MALFORMED', `'${file}' has a version 3.0 .npy header that is not valid UTF-8.`, file);
    }
  } else {
    text = Buffer.from(headerBytes).toString('latin1');
  }
  const dict = parseNpyHeaderDict(text, file);
  const { dataType, bigEndian } = describeDtype(dict.descr, file);
  const count = elementCount(dict.shape);
  const dataBytes = count === undefined ? undefined : count * BYTES_PER_ELEMENT[dataType];
  if (dataBytes === undefined || !Number.isSafeInteger(dataBytes)) {
    throw dataError('NPY_MALFORMED', `'${file}' declares shape ${formatDims(dict.shape)}, whose size cannot be represented.`, file);
  }
  if (dataBytes > maxArrayBytes) {
    throw dataError(
      'NPY_TOO_LARGE',
      `'${file}' declares a ${dict.descr} array of shape ${formatDims(dict.shape)} (${formatBytes(dataBytes)}), above the ${formatBytes(maxArrayBytes)} limit; refusing to load it.`,
      file,
    );
  }
  return { version: `${major}.${minor}`, descr: dict.descr, dataType, bigEndian, fortranOrder: dict.fortranOrder, shape: dict.shape, dataOffset, dataBytes };
}

/** Reorders a Fortran-order (column-major) array into C order. */
function fortranToC(source: TensorData['data'], dims: number[], dataType: InputDataType): TensorData['data'] {
  const rank = dims.length;
  const out = allocateTensorArray(dataType, source.length);
  if (source.length === 0) return out;
  const fortranStrides = new Array<number>(rank);
  let stride = 1;
  for (let axis = 0; axis < rank; axis++) {
    fortranStrides[axis] = stride;
    stride *= dims[axis];
  }
  const index = new Array<number>(rank).fill(0);
  let fortranOffset = 0;
  const target = out as unknown as { [i: number]: number | bigint };
  const from = source as unknown as { [i: number]: number | bigint };
  for (let i = 0; i < source.length; i++) {
    target[i] = from[fortranOffset];
    for (let axis = rank - 1; axis >= 0; axis--) {
      index[axis]++;
      fortranOffset += fortranStrides[axis];
      if (index[axis] < dims[axis]) break;
      fortranOffset -= index[axis] * fortranStrides[axis];
      index[axis] = 0;
    }
  }
  return out;
}

export function parseNpy(bytes: Uint8Array, file: string, limits?: Partial<DataLimits>): TensorData {
  const header = readNpyHeader(bytes, file, limits);
  const available = bytes.length - header.dataOffset;
  if (available !== header.dataBytes) {
    const problem = available < header.dataBytes ? 'is truncated' : 'has unexpected trailing data';
    throw dataError(
      'NPY_MALFORMED',
      `'${file}' ${problem}: its header declares ${header.descr} ${formatDims(header.shape)} = ${header.dataBytes} bytes of data, but the file holds ${available}. Re-save it with numpy.save().`,
      file,
    );
  }
  const copy = new Uint8Array(header.dataBytes);
  copy.set(bytes.subarray(header.dataOffset, header.dataOffset + header.dataBytes));
  if (header.bigEndian) {
    const swap = Buffer.from(copy.buffer, copy.byteOffset, copy.byteLength);
    const size = BYTES_PER_ELEMENT[header.dataType];
    if (size === 2) swap.swap16();
    else if (size === 4) swap.swap32();
    else swap.swap64();
  }
  const count = header.dataBytes / BYTES_PER_ELEMENT[header.dataType];
  let data = viewTensorArray(header.dataType, copy.buffer, 0, count);
  if (header.dataType === 'bool') {
    const flags = data as Uint8Array;
    for (let i = 0; i < flags.length; i++) flags[i] = flags[i] !== 0 ? 1 : 0;
  }
  if (header.fortranOrder && header.shape.length > 1) data = fortranToC(data, header.shape, header.dataType);
  return { dataType: header.dataType, dims: [...header.shape], data };
}
