/**
 * A small constant evaluator for the integer side-computations that real exports use to build shapes
 * (Shape → Gather → Unsqueeze → Concat → Reshape, Range, ConstantOfShape…). It folds only tensors of at most
 * MAX_FOLDED_ELEMENTS elements; anything larger, malformed or unsupported simply stays unknown (undefined).
 * It never throws for a bad model: callers treat "undefined" as "not a constant".
 *
 * Values are held as JavaScript numbers. int64 values beyond 2^53 (INT64_MAX as a Slice end, the usual
 * "to the end" marker) lose precision but keep their magnitude, which is all Slice clamping needs; consumers
 * that turn values into dims check they are safe integers.
 */
import { DataType, dataTypeInfo } from '../onnx/data-types';
import type { AttributeProto, TensorProto } from '../onnx/proto';
import { bfloat16BitsToFloat32, float16BitsToFloat32 } from '../onnx/float16';
import { isExternal } from '../onnx/tensor-data';
import type { GraphNode } from './graph';

/** The largest constant (element count) the evaluator keeps values for. */
export const MAX_FOLDED_ELEMENTS = 64;

export interface ConstantValue {
  dims: number[];
  /** Row-major values; length = product of dims. */
  values: number[];
  /** ONNX elem type id (data-types.ts). */
  elemType: number;
}

const INTEGER_TYPES = new Set<number>([DataType.UINT8, DataType.INT8, DataType.UINT16, DataType.INT16, DataType.INT32, DataType.INT64, DataType.UINT32, DataType.UINT64, DataType.BOOL]);

export function isIntegerType(elemType: number): boolean {
  return INTEGER_TYPES.has(elemType);
}

function count(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}

/** Values of a small initializer or Constant tensor; undefined when large, external or unreadable. */
export function readTensorValues(tensor: TensorProto): ConstantValue | undefined {
  try {
    const dims = [...tensor.dims];
    if (dims.some((d) => !Number.isSafeInteger(d) || d < 0)) return undefined;
    const n = count(dims);
    if (n > MAX_FOLDED_ELEMENTS) return undefined;
    const elemType = tensor.dataType;
    let values: number[] | undefined;
    if (tensor.rawData) values = rawValues(tensor.rawData, elemType, n);
    else if (tensor.int64Data) values = tensor.int64Data.map(Number);
    else if (tensor.uint64Data) values = tensor.uint64Data.map(Number);
    else if (tensor.int32Data && elemType !== DataType.FLOAT16 && elemType !== DataType.BFLOAT16) values = [...tensor.int32Data];
    else if (tensor.int32Data) values = tensor.int32Data.map(elemType === DataType.FLOAT16 ? float16BitsToFloat32 : bfloat16BitsToFloat32);
    else if (tensor.floatData) values = Array.from(tensor.floatData);
    else if (tensor.doubleData) values = [...tensor.doubleData];
    else if (n === 0 && !isExternal(tensor)) values = [];
    if (!values || values.length !== n || values.some((v) => !Number.isFinite(v))) return undefined;
    return { dims, values, elemType };
  } catch {
    return undefined;
  }
}

/**
 * Decodes little-endian raw_data through a DataView. (Not through tensorToFloat32: a raw_data that is a Node
 * Buffer view at an odd offset is "copied" there with Buffer#slice, which does not copy.)
 */
function rawValues(raw: Uint8Array, elemType: number, n: number): number[] | undefined {
  const size = dataTypeInfo(elemType).bits / 8;
  if (!dataTypeInfo(elemType).numeric || raw.byteLength !== n * size) return undefined;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const read = (i: number): number => {
    switch (elemType) {
      case DataType.FLOAT: return view.getFloat32(i * 4, true);
      case DataType.DOUBLE: return view.getFloat64(i * 8, true);
      case DataType.FLOAT16: return float16BitsToFloat32(view.getUint16(i * 2, true));
      case DataType.BFLOAT16: return bfloat16BitsToFloat32(view.getUint16(i * 2, true));
      case DataType.INT64: return Number(view.getBigInt64(i * 8, true));
      case DataType.UINT64: return Number(view.getBigUint64(i * 8, true));
      case DataType.INT32: return view.getInt32(i * 4, true);
      case DataType.UINT32: return view.getUint32(i * 4, true);
      case DataType.INT16: return view.getInt16(i * 2, true);
      case DataType.UINT16: return view.getUint16(i * 2, true);
      case DataType.INT8: return view.getInt8(i);
      default: return view.getUint8(i); // uint8, bool
    }
  };
  return Array.from({ length: n }, (_, i) => read(i));
}

/** A Constant node's value (value, value_int(s), value_float(s)); undefined for sparse/string/large ones. */
export function constantNodeValue(node: GraphNode): ConstantValue | undefined {
  const find = (name: string): AttributeProto | undefined => node.proto.attribute.find((a) => a.name === name);
  const tensor = find('value')?.t;
  if (tensor) return readTensorValues(tensor);
  const valueInt = find('value_int');
  if (valueInt?.i !== undefined) return { dims: [], values: [Number(valueInt.i)], elemType: DataType.INT64 };
  const valueInts = find('value_ints');
  if (valueInts?.ints && valueInts.ints.length <= MAX_FOLDED_ELEMENTS) return { dims: [valueInts.ints.length], values: valueInts.ints.map(Number), elemType: DataType.INT64 };
  const valueFloat = find('value_float');
  if (valueFloat?.f !== undefined) return { dims: [], values: [valueFloat.f], elemType: DataType.FLOAT };
  const valueFloats = find('value_floats');
  if (valueFloats?.floats && valueFloats.floats.length <= MAX_FOLDED_ELEMENTS) return { dims: [valueFloats.floats.length], values: [...valueFloats.floats], elemType: DataType.FLOAT };
  return undefined;
}

function strides(dims: readonly number[]): number[] {
  const out = new Array<number>(dims.length);
  let s = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    out[i] = s;
    s *= dims[i];
  }
  return out;
}

/** Reads `input` broadcast (numpy rules) to `outDims`. */
function broadcastValues(input: ConstantValue, outDims: readonly number[]): number[] | undefined {
  const n = count(outDims);
  if (n > MAX_FOLDED_ELEMENTS) return undefined;
  const rank = outDims.length;
  const offset = rank - input.dims.length;
  if (offset < 0) return undefined;
  const inStrides = strides(input.dims);
  const outStrides = strides(outDims);
  const result = new Array<number>(n);
  for (let flat = 0; flat < n; flat++) {
    let source = 0;
    for (let axis = 0; axis < input.dims.length; axis++) {
      const coordinate = Math.floor(flat / outStrides[axis + offset]) % outDims[axis + offset];
      const dim = input.dims[axis];
      if (dim !== 1 && dim !== outDims[axis + offset]) return undefined;
      source += (dim === 1 ? 0 : coordinate) * inStrides[axis];
    }
    result[flat] = input.values[source];
  }
  return result;
}

function castValue(v: number, to: number): number {
  if (to === DataType.BOOL) return v !== 0 ? 1 : 0;
  if (to === DataType.FLOAT) return Math.fround(v);
  if (isIntegerType(to)) return Math.trunc(v);
  return v;
}

const BINARY: Record<string, (a: number, b: number, integer: boolean) => number | undefined> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b, integer) => (integer ? (b === 0 ? undefined : Math.trunc(a / b)) : a / b),
  Max: (a, b) => Math.max(a, b),
  Min: (a, b) => Math.min(a, b),
  Equal: (a, b) => (a === b ? 1 : 0),
  Less: (a, b) => (a < b ? 1 : 0),
  Greater: (a, b) => (a > b ? 1 : 0),
};

const UNARY: Record<string, (a: number, integer: boolean) => number> = {
  Neg: (a) => -a,
  Abs: (a) => Math.abs(a),
  Floor: (a) => Math.floor(a),
  Ceil: (a) => Math.ceil(a),
  Not: (a) => (a === 0 ? 1 : 0),
  Identity: (a) => a,
};

/** Ops whose output is the input's values in a new shape. */
const RESHAPING = new Set(['Reshape', 'Squeeze', 'Unsqueeze', 'Flatten', 'Identity']);

export interface FoldInput {
  /** Constant input values (undefined where not constant). */
  values: (ConstantValue | undefined)[];
  /** Input shapes (null where unknown). */
  shapes: (number[] | null)[];
  /** Output shapes already inferred for this node. */
  outputShapes: (number[] | null)[];
}

function intAttr(node: GraphNode, name: string, fallback: number): number {
  const a = node.proto.attribute.find((x) => x.name === name);
  return a?.i !== undefined ? Number(a.i) : fallback;
}

function intsAttr(node: GraphNode, name: string): number[] | undefined {
  return node.proto.attribute.find((x) => x.name === name)?.ints?.map(Number);
}

/**
 * Values of output 0 of `node` when they can be computed from constant inputs (or, for Shape/Size, from a
 * known input shape). Output dims come from `input.outputShapes[0]`, which shape inference computed first.
 */
export function foldConstant(node: GraphNode, input: FoldInput): ConstantValue | undefined {
  try {
    return fold(node, input);
  } catch {
    return undefined;
  }
}

function fold(node: GraphNode, input: FoldInput): ConstantValue | undefined {
  if (node.domain !== '' && node.domain !== 'ai.onnx') return undefined;
  const outDims = input.outputShapes[0];
  if (!outDims || count(outDims) > MAX_FOLDED_ELEMENTS) return undefined;
  const [a, b] = input.values;
  const op = node.opType;
  const result = (values: number[] | undefined, elemType: number): ConstantValue | undefined =>
    values && values.length === count(outDims) && values.every((v) => Number.isFinite(v)) ? { dims: [...outDims], values, elemType } : undefined;

  switch (op) {
    case 'Constant':
      return constantNodeValue(node);
    case 'Shape': {
      const shape = input.shapes[0];
      if (!shape) return undefined;
      const rank = shape.length;
      const clampIndex = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
      const start = clampIndex(intAttr(node, 'start', 0));
      const end = clampIndex(intAttr(node, 'end', rank));
      return result(shape.slice(start, Math.max(start, end)), DataType.INT64);
    }
    case 'Size': {
      const shape = input.shapes[0];
      return shape ? result([count(shape)], DataType.INT64) : undefined;
    }
    case 'Cast': {
      if (!a) return undefined;
      const to = intAttr(node, 'to', a.elemType);
      return result(a.values.map((v) => castValue(v, to)), to);
    }
    case 'ConstantOfShape': {
      const tensor = node.proto.attribute.find((x) => x.name === 'value')?.t;
      const fill = tensor ? readTensorValues(tensor) : { dims: [1], values: [0], elemType: DataType.FLOAT };
      if (!fill || fill.values.length !== 1) return undefined;
      return result(new Array<number>(count(outDims)).fill(fill.values[0]), fill.elemType);
    }
    case 'Range': {
      const [start, , delta] = input.values;
      if (!start || !delta) return undefined;
      const n = count(outDims);
      return result(Array.from({ length: n }, (_, i) => start.values[0] + i * delta.values[0]), start.elemType);
    }
    case 'Gather': {
      if (!a || !b) return undefined;
      const rank = a.dims.length;
      let axis = intAttr(node, 'axis', 0);
      if (axis < 0) axis += rank;
      if (axis < 0 || axis >= rank) return undefined;
      const outer = count(a.dims.slice(0, axis));
      const inner = count(a.dims.slice(axis + 1));
      const size = a.dims[axis];
      const values: number[] = [];
      for (let o = 0; o < outer; o++) {
        for (let index of b.values) {
          if (index < 0) index += size;
          if (!Number.isInteger(index) || index < 0 || index >= size) return undefined;
          for (let i = 0; i < inner; i++) values.push(a.values[(o * size + index) * inner + i]);
        }
      }
      return result(values, a.elemType);
    }
    case 'Concat': {
      const parts = input.values;
      if (parts.length === 0 || parts.some((p) => !p)) return undefined;
      const rank = outDims.length;
      let axis = intAttr(node, 'axis', 0);
      if (axis < 0) axis += rank;
      if (axis < 0 || axis >= rank) return undefined;
      const outer = count(outDims.slice(0, axis));
      const values: number[] = [];
      for (let o = 0; o < outer; o++) {
        for (const part of parts as ConstantValue[]) {
          if (part.dims.length !== rank) return undefined;
          const block = count(part.dims.slice(axis));
          values.push(...part.values.slice(o * block, (o + 1) * block));
        }
      }
      return result(values, parts[0]!.elemType);
    }
    case 'Slice':
      return a ? result(sliceValues(node, a, input), a.elemType) : undefined;
    case 'Expand':
      return a ? result(broadcastValues(a, outDims), a.elemType) : undefined;
    case 'Where': {
      const [condition, x, y] = input.values;
      if (!condition || !x || !y) return undefined;
      const c = broadcastValues(condition, outDims);
      const xs = broadcastValues(x, outDims);
      const ys = broadcastValues(y, outDims);
      if (!c || !xs || !ys) return undefined;
      return result(c.map((v, i) => (v !== 0 ? xs[i] : ys[i])), x.elemType);
    }
    default:
      break;
  }
  if (RESHAPING.has(op)) return a ? result([...a.values], a.elemType) : undefined;
  if (op in UNARY) return a ? result(a.values.map((v) => UNARY[op](v, isIntegerType(a.elemType))), a.elemType) : undefined;
  if (op in BINARY) {
    if (!a || !b) return undefined;
    const left = broadcastValues(a, outDims);
    const right = broadcastValues(b, outDims);
    if (!left || !right) return undefined;
    const integer = isIntegerType(a.elemType);
    const values: number[] = [];
    for (let i = 0; i < left.length; i++) {
      const v = BINARY[op](left[i], right[i], integer);
      if (v === undefined) return undefined;
      values.push(v);
    }
    const comparison = op === 'Equal' || op === 'Less' || op === 'Greater';
    return result(values, comparison ? DataType.BOOL : a.elemType);
  }
  return undefined;
}

/** Per-axis start/step/length of a Slice over `dims`, following the ONNX clamping rules. */
export function sliceParameters(
  dims: readonly number[],
  starts: readonly number[],
  ends: readonly number[],
  axes: readonly number[] | undefined,
  steps: readonly number[] | undefined,
): { start: number; step: number; length: number }[] | undefined {
  const rank = dims.length;
  if (starts.length !== ends.length) return undefined;
  const axisList = axes ?? starts.map((_, i) => i);
  const stepList = steps ?? starts.map(() => 1);
  if (axisList.length !== starts.length || stepList.length !== starts.length) return undefined;
  const params = dims.map((d) => ({ start: 0, step: 1, length: d }));
  const seen = new Set<number>();
  for (let i = 0; i < starts.length; i++) {
    let axis = axisList[i];
    if (axis < 0) axis += rank;
    if (!Number.isInteger(axis) || axis < 0 || axis >= rank || seen.has(axis)) return undefined;
    seen.add(axis);
    const dim = dims[axis];
    const step = stepList[i];
    if (step === 0 || !Number.isFinite(step) || !Number.isInteger(step)) return undefined;
    let start = starts[i];
    let end = ends[i];
    if (start < 0) start += dim;
    if (end < 0) end += dim;
    if (step > 0) {
      start = Math.min(Math.max(start, 0), dim);
      end = Math.min(Math.max(end, 0), dim);
    } else {
      start = Math.min(Math.max(start, 0), dim - 1);
      end = Math.min(Math.max(end, -1), dim - 1);
    }
    const length = Math.max(0, Math.ceil((end - start) / step));
    params[axis] = { start, step, length };
  }
  return params;
}

/** Slice inputs (starts, ends, axes, steps) from attributes (opset < 10) or constant inputs. */
export function sliceArguments(node: GraphNode, values: (ConstantValue | undefined)[]): { starts: number[]; ends: number[]; axes?: number[]; steps?: number[] } | undefined {
  const startsAttr = intsAttr(node, 'starts');
  if (startsAttr) {
    const ends = intsAttr(node, 'ends');
    return ends ? { starts: startsAttr, ends, axes: intsAttr(node, 'axes') } : undefined;
  }
  const present = (i: number) => node.inputs[i] !== undefined && node.inputs[i] !== '';
  const [, starts, ends, axes, steps] = values;
  if (!starts || !ends) return undefined;
  if ((present(3) && !axes) || (present(4) && !steps)) return undefined;
  return { starts: starts.values, ends: ends.values, axes: axes?.values, steps: steps?.values };
}

function sliceValues(node: GraphNode, data: ConstantValue, input: FoldInput): number[] | undefined {
  const args = sliceArguments(node, input.values);
  if (!args) return undefined;
  const params = sliceParameters(data.dims, args.starts, args.ends, args.axes, args.steps);
  if (!params) return undefined;
  const outDims = params.map((p) => p.length);
  const n = count(outDims);
  const inStrides = strides(data.dims);
  const outStrides = strides(outDims);
  const values = new Array<number>(n);
  for (let flat = 0; flat < n; flat++) {
    let source = 0;
    for (let axis = 0; axis < outDims.length; axis++) {
      const coordinate = Math.floor(flat / outStrides[axis]) % outDims[axis];
      source += (params[axis].start + coordinate * params[axis].step) * inStrides[axis];
    }
    values[flat] = data.values[source];
  }
  return values;
}
