import type { InputDataType, TensorData } from './types';

/** Bytes per element of each input data type (bool is one byte, float16 is stored as raw uint16 bits). */
export const BYTES_PER_ELEMENT: Readonly<Record<InputDataType, number>> = {
  float32: 4,
  float16: 2,
  float64: 8,
  uint8: 1,
  int8: 1,
  int16: 2,
  uint16: 2,
  int32: 4,
  int64: 8,
  bool: 1,
};

/** A zero-filled typed array of the right kind for `dataType` (bool → Uint8Array, float16 → Uint16Array bits). */
export function allocateTensorArray(dataType: InputDataType, length: number): TensorData['data'] {
  switch (dataType) {
    case 'float32':
      return new Float32Array(length);
    case 'float64':
      return new Float64Array(length);
    case 'float16':
    case 'uint16':
      return new Uint16Array(length);
    case 'uint8':
    case 'bool':
      return new Uint8Array(length);
    case 'int8':
      return new Int8Array(length);
    case 'int16':
      return new Int16Array(length);
    case 'int32':
      return new Int32Array(length);
    case 'int64':
      return new BigInt64Array(length);
  }
}

/** A typed array of `dataType` viewing `length` elements of `buffer` at `byteOffset` (no copy; offset must be aligned). */
export function viewTensorArray(
  dataType: InputDataType,
  buffer: ArrayBuffer,
  byteOffset: number,
  length: number,
): TensorData['data'] {
  switch (dataType) {
    case 'float32':
      return new Float32Array(buffer, byteOffset, length);
    case 'float64':
      return new Float64Array(buffer, byteOffset, length);
    case 'float16':
    case 'uint16':
      return new Uint16Array(buffer, byteOffset, length);
    case 'uint8':
    case 'bool':
      return new Uint8Array(buffer, byteOffset, length);
    case 'int8':
      return new Int8Array(buffer, byteOffset, length);
    case 'int16':
      return new Int16Array(buffer, byteOffset, length);
    case 'int32':
      return new Int32Array(buffer, byteOffset, length);
    case 'int64':
      return new BigInt64Array(buffer, byteOffset, length);
  }
}

/** Product of dims, or undefined when it is not a safe integer (or a dim is negative / not an integer). */
export function elementCount(dims: readonly number[]): number | undefined {
  let count = 1;
  for (const dim of dims) {
    if (!Number.isSafeInteger(dim) || dim < 0) return undefined;
    count *= dim;
    if (!Number.isSafeInteger(count)) return undefined;
  }
  return count;
}

export function formatDims(dims: readonly number[]): string {
  return `[${dims.join(', ')}]`;
}

export function formatTensorType(dataType: InputDataType, dims: readonly number[]): string {
  return `${dataType}${formatDims(dims)}`;
}

/** Adds a feed as an own enumerable property, safe for any input name (even "__proto__"). */
export function setFeed(feeds: Record<string, TensorData>, name: string, tensor: TensorData): void {
  Object.defineProperty(feeds, name, { value: tensor, enumerable: true, writable: true, configurable: true });
}
