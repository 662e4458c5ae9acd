/**
 * Reading tensor payloads. Float32 raw_data that is 4-byte aligned is returned as a view (no copy); anything
 * else is converted. External data must have been resolved into `rawData` by the caller (main/ reads files).
 */
import { WorkbenchError } from '../errors';
import { DataType, dataTypeName } from './data-types';
import { bfloat16BitsToFloat32, float16BitsToFloat32 } from './float16';
import type { TensorProto } from './proto';

export function elementCount(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

function fail(tensor: TensorProto, what: string): never {
  throw new WorkbenchError('onnx', 'TENSOR_DATA_INVALID', `tensor '${tensor.name}': ${what}`);
}

function checkDims(tensor: TensorProto): number {
  for (const d of tensor.dims) if (d < 0 || !Number.isSafeInteger(d)) fail(tensor, `invalid dim ${d}`);
  return elementCount(tensor.dims);
}

function rawView(tensor: TensorProto, bytesPerElement: number, count: number): DataView {
  const raw = tensor.rawData!;
  if (raw.byteLength !== count * bytesPerElement) {
    fail(tensor, `raw_data has ${raw.byteLength} bytes, but dims [${tensor.dims.join(',')}] of ${dataTypeName(tensor.dataType)} need ${count * bytesPerElement}`);
  }
  return new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
}

export function isExternal(tensor: TensorProto): boolean {
  return tensor.dataLocation === 1 && !tensor.rawData;
}

/** Tensor values as float32 (a view when possible — do not mutate the result). */
export function tensorToFloat32(tensor: TensorProto): Float32Array {
  if (isExternal(tensor)) fail(tensor, 'external data was not loaded');
  const count = checkDims(tensor);
  const t = tensor.dataType;
  if (tensor.rawData) {
    const raw = tensor.rawData;
    if (t === DataType.FLOAT) {
      rawView(tensor, 4, count);
      if (raw.byteOffset % 4 === 0) return new Float32Array(raw.buffer, raw.byteOffset, count);
      // Uint8Array.prototype.slice copies even when raw is a Node Buffer (whose own slice() is a view of its pool).
      return new Float32Array(Uint8Array.prototype.slice.call(raw).buffer, 0, count);
    }
    const out = new Float32Array(count);
    const sizes: Record<number, number> = { 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 16: 2 };
    const size = sizes[t];
    if (!size) fail(tensor, `data type ${dataTypeName(t)} cannot be converted to float32 here`);
    const view = rawView(tensor, size, count);
    for (let i = 0; i < count; i++) {
      switch (t) {
        case DataType.UINT8:
        case DataType.BOOL:
          out[i] = view.getUint8(i);
          break;
        case DataType.INT8:
          out[i] = view.getInt8(i);
          break;
        case DataType.UINT16:
          out[i] = view.getUint16(i * 2, true);
          break;
        case DataType.INT16:
          out[i] = view.getInt16(i * 2, true);
          break;
        case DataType.INT32:
          out[i] = view.getInt32(i * 4, true);
          break;
        case DataType.UINT32:
          out[i] = view.getUint32(i * 4, true);
          break;
        case DataType.INT64:
          out[i] = Number(view.getBigInt64(i * 8, true));
          break;
        case DataType.UINT64:
          out[i] = Number(view.getBigUint64(i * 8, true));
          break;
        case DataType.FLOAT16:
          out[i] = float16BitsToFloat32(view.getUint16(i * 2, true));
          break;
        case DataType.BFLOAT16:
          out[i] = bfloat16BitsToFloat32(view.getUint16(i * 2, true));
          break;
        case DataType.DOUBLE:
          out[i] = view.getFloat64(i * 8, true);
          break;
      }
    }
    return out;
  }
  let values: ArrayLike<number>;
  if (tensor.floatData) values = tensor.floatData;
  else if (tensor.doubleData) values = tensor.doubleData;
  else if (tensor.int64Data) values = tensor.int64Data.map(Number);
  else if (tensor.uint64Data) values = tensor.uint64Data.map(Number);
  else if (tensor.int32Data) {
    // float16/bfloat16 are stored as their bit patterns in int32_data.
    const bits = tensor.int32Data;
    if (t === DataType.FLOAT16) values = bits.map(float16BitsToFloat32);
    else if (t === DataType.BFLOAT16) values = bits.map(bfloat16BitsToFloat32);
    else values = bits;
  } else values = [];
  if (values.length !== count) fail(tensor, `holds ${values.length} values but its dims [${tensor.dims.join(',')}] need ${count}`);
  return values instanceof Float32Array ? values : Float32Array.from(values);
}

/** Integer tensor values (shapes, axes) as numbers. */
export function tensorToNumbers(tensor: TensorProto): number[] {
  if (tensor.int64Data) return tensor.int64Data.map(Number);
  return Array.from(tensorToFloat32(tensor));
}

export function float32Tensor(name: string, dims: number[], values: Float32Array): TensorProto {
  return { name, dims, dataType: DataType.FLOAT, rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

export function int8Tensor(name: string, dims: number[], values: Int8Array): TensorProto {
  return { name, dims, dataType: DataType.INT8, rawData: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

export function scalarTensor(name: string, dataType: number, value: number, dims: number[] = []): TensorProto {
  const n = elementCount(dims);
  if (dataType === DataType.FLOAT) return float32Tensor(name, dims, new Float32Array(n).fill(value));
  if (dataType === DataType.INT8) return int8Tensor(name, dims, new Int8Array(n).fill(value));
  if (dataType === DataType.UINT8) return { name, dims, dataType, rawData: new Uint8Array(n).fill(value) };
  if (dataType === DataType.INT64) return { name, dims, dataType, int64Data: new Array(n).fill(BigInt(value)) };
  if (dataType === DataType.INT32) return { name, dims, dataType, int32Data: new Array(n).fill(value) };
  throw new WorkbenchError('onnx', 'TENSOR_DATA_INVALID', `cannot build a constant of type ${dataTypeName(dataType)}`);
}
