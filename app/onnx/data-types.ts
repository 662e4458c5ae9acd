/**
 * Every ONNX TensorProto.DataType (onnx.proto as of opset 23/IR 11), with its size and whether this tool can
 * compute with it. Types the tool cannot compute with (float8, int4, float4, int2, complex, string) are still
 * named correctly in every report instead of showing up as a number.
 */
export interface DataTypeInfo {
  id: number;
  name: string;
  /** Bits per element; 0 for variable-size (string). */
  bits: number;
  /** True when the workbench converts this type to float32 for statistics. */
  numeric: boolean;
}

const TABLE: DataTypeInfo[] = [
  { id: 0, name: 'undefined', bits: 0, numeric: false },
  { id: 1, name: 'float32', bits: 32, numeric: true },
  { id: 2, name: 'uint8', bits: 8, numeric: true },
  { id: 3, name: 'int8', bits: 8, numeric: true },
  { id: 4, name: 'uint16', bits: 16, numeric: true },
  { id: 5, name: 'int16', bits: 16, numeric: true },
  { id: 6, name: 'int32', bits: 32, numeric: true },
  { id: 7, name: 'int64', bits: 64, numeric: true },
  { id: 8, name: 'string', bits: 0, numeric: false },
  { id: 9, name: 'bool', bits: 8, numeric: true },
  { id: 10, name: 'float16', bits: 16, numeric: true },
  { id: 11, name: 'float64', bits: 64, numeric: true },
  { id: 12, name: 'uint32', bits: 32, numeric: true },
  { id: 13, name: 'uint64', bits: 64, numeric: true },
  { id: 14, name: 'complex64', bits: 64, numeric: false },
  { id: 15, name: 'complex128', bits: 128, numeric: false },
  { id: 16, name: 'bfloat16', bits: 16, numeric: true },
  { id: 17, name: 'float8e4m3fn', bits: 8, numeric: false },
  { id: 18, name: 'float8e4m3fnuz', bits: 8, numeric: false },
  { id: 19, name: 'float8e5m2', bits: 8, numeric: false },
  { id: 20, name: 'float8e5m2fnuz', bits: 8, numeric: false },
  { id: 21, name: 'uint4', bits: 4, numeric: false },
  { id: 22, name: 'int4', bits: 4, numeric: false },
  { id: 23, name: 'float4e2m1', bits: 4, numeric: false },
  { id: 24, name: 'float8e8m0', bits: 8, numeric: false },
  { id: 25, name: 'uint2', bits: 2, numeric: false },
  { id: 26, name: 'int2', bits: 2, numeric: false },
];

export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  BFLOAT16: 16,
} as const;

export function dataTypeInfo(id: number): DataTypeInfo {
  return TABLE[id] ?? { id, name: `unknown(${id})`, bits: 0, numeric: false };
}

export function dataTypeName(id: number): string {
  return dataTypeInfo(id).name;
}

export function dataTypeByName(name: string): number | undefined {
  return TABLE.find((t) => t.name === name)?.id;
}

/** Bytes needed for `count` elements of a type (sub-byte types pack, rounded up). */
export function byteSize(id: number, count: number): number {
  return Math.ceil((dataTypeInfo(id).bits * count) / 8);
}
