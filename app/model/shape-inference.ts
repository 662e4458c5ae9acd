/**
 * Static shape propagation over the main graph for concrete input dims, so the memory guard can estimate how
 * many bytes one sample's captured activations need before anything runs.
 *
 * Rules a caller must know:
 *   - A shape is either fully known (every dim a concrete number) or null. Null means "not proven": an op this
 *     module does not model, a data-dependent size (NonZero, NonMaxSuppression), outputs of If/Loop/Scan that
 *     are not declared, or anything malformed (negative dims, sizes above 2^53, inconsistent ranks). A
 *     non-null shape that differs from what ONNX Runtime produces is a bug.
 *   - Declared shapes (value_info, graph outputs) are used when nothing can be computed, but only while the
 *     declarations are consistent with the given input dims (a model exported at 640×640 and run at 320×320
 *     carries stale value_info). A computed shape that contradicts a trusted declaration becomes null.
 *   - Integer side computations that build shapes (Shape → Gather → Unsqueeze → Concat → Reshape) are folded
 *     by constant-folding.ts, bounded to tensors of at most 64 elements.
 *   - Nothing here throws for a bad model; the worst outcome is null.
 */
import { DataType, byteSize, dataTypeInfo } from '../onnx/data-types';
import type { AttributeProto } from '../onnx/proto';
import { TensorFactsTable } from '../onnx/tensor-ranks';
import { type ConstantValue, constantNodeValue, foldConstant, readTensorValues, sliceArguments, sliceParameters } from './constant-folding';
import type { Dim, Graph, GraphNode, Value } from './graph';

export type Shape = number[];
type MaybeShape = Shape | null;

/** Largest element count (and dim) accepted: beyond it, float64 arithmetic on sizes is no longer exact. */
const MAX_ELEMENTS = Number.MAX_SAFE_INTEGER;

/** A shape with every dim a non-negative safe integer and a safe element count, or null. */
function checked(shape: MaybeShape | undefined): MaybeShape {
  if (!shape) return null;
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) return null;
    n *= d;
    if (n > MAX_ELEMENTS) return null;
  }
  return shape;
}

function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

// ---------------------------------------------------------------------------------------------------------
// Attributes

function attr(node: GraphNode, name: string): AttributeProto | undefined {
  return node.proto.attribute.find((a) => a.name === name);
}

function intAttr(node: GraphNode, name: string, fallback: number): number {
  const a = attr(node, name);
  return a?.i !== undefined ? Number(a.i) : fallback;
}

function intsAttr(node: GraphNode, name: string): number[] | undefined {
  return attr(node, name)?.ints?.map(Number);
}

function stringAttr(node: GraphNode, name: string, fallback: string): string {
  const s = attr(node, name)?.s;
  return s ? new TextDecoder().decode(s) : fallback;
}

function floatsAttr(node: GraphNode, name: string): number[] | undefined {
  return attr(node, name)?.floats;
}

/** Normalizes a possibly negative axis for `rank`; undefined when out of range or not an integer. */
function axisOf(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? axis + rank : axis;
  return Number.isInteger(a) && a >= 0 && a < rank ? a : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Per-op rules

/** The inputs of one node as inference sees them. */
interface NodeInputs {
  shapes: MaybeShape[];
  values: (ConstantValue | undefined)[];
  /** True when input `i` is present (a non-empty name). */
  present(i: number): boolean;
}

const SAME_AS_FIRST = new Set([
  'Abs', 'Acos', 'Acosh', 'Asin', 'Asinh', 'Atan', 'Atanh', 'Ceil', 'Celu', 'Clip', 'Cos', 'Cosh', 'CumSum', 'Elu', 'Erf',
  'Exp', 'Floor', 'Gelu', 'HardSigmoid', 'HardSwish', 'Hardmax', 'Identity', 'InstanceNormalization', 'IsInf', 'IsNaN',
  'LRN', 'LeakyRelu', 'Log', 'LogSoftmax', 'LpNormalization', 'MeanVarianceNormalization', 'Mish', 'Neg', 'Not',
  'Reciprocal', 'Relu', 'Round', 'Selu', 'Shrink', 'Sigmoid', 'Sign', 'Sin', 'Sinh', 'Softmax', 'Softplus', 'Softsign',
  'Sqrt', 'Tan', 'Tanh', 'ThresholdedRelu', 'Cast', 'CastLike', 'QuantizeLinear', 'DequantizeLinear', 'Trilu',
  'GroupNormalization', 'ScatterElements', 'ScatterND', 'Scatter', 'ReverseSequence', 'Swish', 'BitwiseNot',
]);

const BROADCAST = new Set([
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum', 'Mean', 'Mod', 'BitShift', 'Where', 'Equal', 'Less',
  'LessOrEqual', 'Greater', 'GreaterOrEqual', 'And', 'Or', 'Xor', 'PRelu', 'BitwiseAnd', 'BitwiseOr', 'BitwiseXor',
]);

const REDUCE = new Set(['ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceMax', 'ReduceMean', 'ReduceMin', 'ReduceProd', 'ReduceSum', 'ReduceSumSquare']);

/** Numpy-style multidirectional broadcast of several shapes; null when incompatible. */
export function broadcastShapes(shapes: readonly Shape[]): MaybeShape {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let dim = 1;
    for (const s of shapes) {
      const d = s[s.length - rank + i] ?? 1;
      if (d === 1) continue;
      if (dim === 1) dim = d;
      else if (dim !== d) return null;
    }
    out.push(dim);
  }
  return out;
}

/** Spatial output dims of Conv-like and pooling ops (ONNX formulas; ceil_mode drops windows starting in the end padding). */
function windowedSpatial(node: GraphNode, input: Shape, kernel: readonly number[], ceilMode: boolean, kind: 'conv' | 'pool'): number[] | null {
  const k = kernel.length;
  if (input.length !== k + 2 || k === 0) return null;
  const strides = intsAttr(node, 'strides') ?? new Array<number>(k).fill(1);
  const dilations = intsAttr(node, 'dilations') ?? new Array<number>(k).fill(1);
  const pads = intsAttr(node, 'pads') ?? new Array<number>(2 * k).fill(0);
  const autoPad = stringAttr(node, 'auto_pad', 'NOTSET');
  if (strides.length !== k || dilations.length !== k || pads.length !== 2 * k) return null;
  const out: number[] = [];
  for (let i = 0; i < k; i++) {
    const size = input[i + 2];
    const stride = strides[i];
    const dilation = dilations[i];
    if (stride < 1 || dilation < 1 || kernel[i] < 1) return null;
    const effectiveKernel = (kernel[i] - 1) * dilation + 1;
    let dim: number;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      // With dilation, runtimes disagree: the spec says ceil(in / stride); ONNX Runtime's pools pad for the
      // undilated kernel (a different size) and its Conv refuses to run. Pools stay unknown; Conv follows the spec.
      if (dilation !== 1 && kind === 'pool') return null;
      dim = Math.ceil(size / stride);
    } else if (autoPad === 'VALID') {
      if (size < effectiveKernel) return null;
      dim = Math.floor((size - effectiveKernel) / stride) + 1;
    } else if (autoPad === 'NOTSET') {
      const begin = pads[i];
      const end = pads[i + k];
      if (begin < 0 || end < 0) return null;
      const span = size + begin + end - effectiveKernel;
      if (span < 0) return null;
      dim = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
      if (ceilMode && (dim - 1) * stride >= size + begin) dim--;
    } else return null;
    out.push(dim);
  }
  return out;
}

function convShape(node: GraphNode, x: MaybeShape, w: MaybeShape): MaybeShape {
  if (!x || !w || w.length !== x.length || x.length < 3) return null;
  const group = intAttr(node, 'group', 1);
  if (group < 1 || x[1] !== w[1] * group || w[0] % group !== 0) return null;
  const kernel = intsAttr(node, 'kernel_shape') ?? w.slice(2);
  if (kernel.length !== w.length - 2 || kernel.some((kd, i) => kd !== w[i + 2])) return null;
  const spatial = windowedSpatial(node, x, kernel, false, 'conv');
  return spatial && [x[0], w[0], ...spatial];
}

function convTransposeShape(node: GraphNode, x: MaybeShape, w: MaybeShape): MaybeShape {
  if (!x || !w || w.length !== x.length || x.length < 3) return null;
  const group = intAttr(node, 'group', 1);
  if (group < 1 || x[1] !== w[0]) return null;
  const k = x.length - 2;
  const kernel = intsAttr(node, 'kernel_shape') ?? w.slice(2);
  if (kernel.length !== k) return null;
  const channels = w[1] * group;
  const outputShape = intsAttr(node, 'output_shape');
  if (outputShape) {
    if (outputShape.length === k) return [x[0], channels, ...outputShape];
    return null;
  }
  const strides = intsAttr(node, 'strides') ?? new Array<number>(k).fill(1);
  const dilations = intsAttr(node, 'dilations') ?? new Array<number>(k).fill(1);
  const pads = intsAttr(node, 'pads') ?? new Array<number>(2 * k).fill(0);
  const outputPadding = intsAttr(node, 'output_padding') ?? new Array<number>(k).fill(0);
  const autoPad = stringAttr(node, 'auto_pad', 'NOTSET');
  if (strides.length !== k || dilations.length !== k || pads.length !== 2 * k || outputPadding.length !== k) return null;
  const spatial: number[] = [];
  for (let i = 0; i < k; i++) {
    const size = x[i + 2];
    if (strides[i] < 1 || dilations[i] < 1) return null;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      spatial.push(size * strides[i]);
      continue;
    }
    const [begin, end] = autoPad === 'VALID' ? [0, 0] : autoPad === 'NOTSET' ? [pads[i], pads[i + k]] : [NaN, NaN];
    const dim = strides[i] * (size - 1) + outputPadding[i] + (kernel[i] - 1) * dilations[i] + 1 - begin - end;
    if (!(dim >= 0)) return null;
    spatial.push(dim);
  }
  return [x[0], channels, ...spatial];
}

function poolShape(node: GraphNode, x: MaybeShape): MaybeShape {
  const kernel = intsAttr(node, 'kernel_shape');
  if (!x || !kernel) return null;
  const spatial = windowedSpatial(node, x, kernel, intAttr(node, 'ceil_mode', 0) === 1, 'pool');
  return spatial && [x[0], x[1], ...spatial];
}

function matMulShape(a: MaybeShape, b: MaybeShape): MaybeShape {
  if (!a || !b || a.length === 0 || b.length === 0) return null;
  const left = a.length === 1 ? [1, a[0]] : a;
  const right = b.length === 1 ? [b[0], 1] : b;
  if (left[left.length - 1] !== right[right.length - 2]) return null;
  const batch = broadcastShapes([left.slice(0, -2), right.slice(0, -2)]);
  if (!batch) return null;
  const out = [...batch];
  if (a.length !== 1) out.push(left[left.length - 2]);
  if (b.length !== 1) out.push(right[right.length - 1]);
  return out;
}

function gemmShape(node: GraphNode, a: MaybeShape, b: MaybeShape): MaybeShape {
  if (!a || !b || a.length !== 2 || b.length !== 2) return null;
  const [m, k] = intAttr(node, 'transA', 0) ? [a[1], a[0]] : a;
  const [k2, n] = intAttr(node, 'transB', 0) ? [b[1], b[0]] : b;
  return k === k2 ? [m, n] : null;
}

function concatShape(node: GraphNode, shapes: MaybeShape[]): MaybeShape {
  if (shapes.length === 0 || shapes.some((s) => !s)) return null;
  const all = shapes as Shape[];
  const rank = all[0].length;
  const axis = axisOf(intAttr(node, 'axis', 0), rank);
  if (axis === undefined) return null;
  const out = [...all[0]];
  out[axis] = 0;
  for (const s of all) {
    if (s.length !== rank) return null;
    for (let i = 0; i < rank; i++) if (i !== axis && s[i] !== out[i]) return null;
    out[axis] += s[axis];
  }
  return out;
}

function splitShapes(node: GraphNode, inputs: NodeInputs): MaybeShape[] {
  const x = inputs.shapes[0];
  const outputs = node.outputs.length;
  if (!x) return [];
  const axis = axisOf(intAttr(node, 'axis', 0), x.length);
  if (axis === undefined) return [];
  const dim = x[axis];
  let sizes: number[] | undefined = intsAttr(node, 'split');
  if (!sizes && inputs.present(1)) {
    sizes = inputs.values[1]?.values;
    if (!sizes) return [];
  }
  if (!sizes) {
    const numOutputs = intAttr(node, 'num_outputs', 0);
    if (numOutputs > 0) {
      if (numOutputs !== outputs) return [];
      const chunk = Math.ceil(dim / numOutputs);
      sizes = Array.from({ length: numOutputs }, (_, i) => Math.max(0, Math.min(chunk, dim - chunk * i)));
    } else {
      if (dim % outputs !== 0) return [];
      sizes = new Array<number>(outputs).fill(dim / outputs);
    }
  }
  if (sizes.length !== outputs || sizes.some((s) => s < 0) || sizes.reduce((t, s) => t + s, 0) !== dim) return [];
  return sizes.map((s) => {
    const out = [...x];
    out[axis] = s;
    return out;
  });
}

function sliceShape(node: GraphNode, inputs: NodeInputs): MaybeShape {
  const x = inputs.shapes[0];
  if (!x) return null;
  const args = sliceArguments(node, inputs.values);
  if (!args) return null;
  return sliceParameters(x, args.starts, args.ends, args.axes, args.steps)?.map((p) => p.length) ?? null;
}

function reshapeShape(node: GraphNode, x: MaybeShape, target: ConstantValue | undefined): MaybeShape {
  if (!target || target.dims.length !== 1) return null;
  const allowZero = intAttr(node, 'allowzero', 0) === 1;
  const out: number[] = [];
  let inferred = -1;
  for (let i = 0; i < target.values.length; i++) {
    const v = target.values[i];
    if (v === 0 && !allowZero) {
      if (!x || i >= x.length) return null;
      out.push(x[i]);
    } else if (v === -1) {
      if (inferred >= 0) return null;
      inferred = i;
      out.push(1);
    } else if (Number.isSafeInteger(v) && v >= 0) out.push(v);
    else return null;
  }
  if (inferred >= 0) {
    if (!x) return null;
    const known = elementCount(out);
    const total = elementCount(x);
    if (known === 0 || total % known !== 0) return null;
    out[inferred] = total / known;
  }
  if (x && elementCount(x) !== elementCount(out)) return null;
  return out;
}

/** Axes from the attribute (older opsets) or a constant input; `undefined` = not given; null = given but unknown. */
function axesOf(node: GraphNode, inputs: NodeInputs, inputIndex: number): number[] | undefined | null {
  const fromAttr = intsAttr(node, 'axes');
  if (fromAttr) return fromAttr;
  if (!inputs.present(inputIndex)) return undefined;
  return inputs.values[inputIndex]?.values ?? null;
}

function squeezeShape(node: GraphNode, inputs: NodeInputs): MaybeShape {
  const x = inputs.shapes[0];
  const axes = axesOf(node, inputs, 1);
  if (!x || axes === null) return null;
  if (axes === undefined) return x.filter((d) => d !== 1);
  const normalized = new Set<number>();
  for (const a of axes) {
    const axis = axisOf(a, x.length);
    if (axis === undefined || x[axis] !== 1) return null;
    normalized.add(axis);
  }
  return x.filter((_, i) => !normalized.has(i));
}

function unsqueezeShape(node: GraphNode, inputs: NodeInputs): MaybeShape {
  const x = inputs.shapes[0];
  const axes = axesOf(node, inputs, 1);
  if (!x || !axes) return null;
  const rank = x.length + axes.length;
  const normalized = new Set<number>();
  for (const a of axes) {
    const axis = axisOf(a, rank);
    if (axis === undefined || normalized.has(axis)) return null;
    normalized.add(axis);
  }
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < rank; i++) out.push(normalized.has(i) ? 1 : x[next++]);
  return out;
}

function reduceShape(node: GraphNode, inputs: NodeInputs): MaybeShape {
  const x = inputs.shapes[0];
  const axes = axesOf(node, inputs, 1);
  if (!x || axes === null) return null;
  const keep = intAttr(node, 'keepdims', 1) === 1;
  if (axes === undefined || axes.length === 0) {
    if (intAttr(node, 'noop_with_empty_axes', 0) === 1) return [...x];
    return keep ? x.map(() => 1) : [];
  }
  const reduced = new Set<number>();
  for (const a of axes) {
    const axis = axisOf(a, x.length);
    if (axis === undefined) return null;
    reduced.add(axis);
  }
  return keep ? x.map((d, i) => (reduced.has(i) ? 1 : d)) : x.filter((_, i) => !reduced.has(i));
}

function resizeShape(node: GraphNode, inputs: NodeInputs): MaybeShape {
  const x = inputs.shapes[0];
  if (!x) return null;
  // Upsample-7 has a `scales` attribute; Resize-10 / Upsample-9 take (X, scales); Resize-11+ (X, roi, scales, sizes).
  const scalesAttr = floatsAttr(node, 'scales');
  let scales: number[] | undefined = scalesAttr;
  let sizes: number[] | undefined;
  const constant = (i: number): ConstantValue | undefined | null => (inputs.present(i) ? (inputs.values[i] ?? null) : undefined);
  if (!scales) {
    const scaleIndex = node.inputs.length === 2 ? 1 : 2;
    const s = constant(scaleIndex);
    const z = node.inputs.length > 3 ? constant(3) : undefined;
    if (s === null || z === null) return null;
    if (s && s.values.length > 0) scales = s.values;
    if (z && z.values.length > 0) sizes = z.values;
  }
  if (stringAttr(node, 'keep_aspect_ratio_policy', 'stretch') !== 'stretch' && sizes) return null;
  const axes = (intsAttr(node, 'axes') ?? x.map((_, i) => i)).map((a) => axisOf(a, x.length));
  if (axes.some((a) => a === undefined)) return null;
  const out = [...x];
  if (sizes) {
    if (sizes.length !== axes.length) return null;
    axes.forEach((axis, i) => (out[axis!] = sizes![i]));
    return out;
  }
  if (!scales || scales.length !== axes.length) return null;
  for (let i = 0; i < axes.length; i++) {
    const scale = Math.fround(scales[i]);
    if (!(scale > 0)) return null;
    // ONNX Runtime computes static_cast<int64_t>(float scale * float(dim)): float32 product, then truncation.
    out[axes[i]!] = Math.floor(Math.fround(scale * Math.fround(x[axes[i]!])));
  }
  return out;
}

function padShape(node: GraphNode, inputs: NodeInputs): MaybeShape {
  const x = inputs.shapes[0];
  if (!x) return null;
  let pads = intsAttr(node, 'pads') ?? intsAttr(node, 'paddings');
  if (!pads) pads = inputs.values[1]?.values;
  if (!pads) return null;
  let axes = x.map((_, i) => i);
  if (inputs.present(3)) {
    const given = inputs.values[3]?.values.map((a) => axisOf(a, x.length));
    if (!given || given.some((a) => a === undefined)) return null;
    axes = given as number[];
  }
  if (pads.length !== 2 * axes.length) return null;
  const out = [...x];
  axes.forEach((axis, i) => (out[axis] += pads![i] + pads![i + axes.length]));
  return out.some((d) => d < 0) ? null : out;
}

function topKShapes(node: GraphNode, inputs: NodeInputs): MaybeShape[] {
  const x = inputs.shapes[0];
  if (!x) return [];
  const k = inputs.present(1) ? inputs.values[1]?.values[0] : intAttr(node, 'k', -1);
  const axis = axisOf(intAttr(node, 'axis', -1), x.length);
  if (k === undefined || axis === undefined || k < 0 || k > x[axis]) return [];
  const out = [...x];
  out[axis] = k;
  return [out, [...out]];
}

function argReduceShape(node: GraphNode, x: MaybeShape): MaybeShape {
  if (!x) return null;
  const axis = axisOf(intAttr(node, 'axis', 0), x.length);
  if (axis === undefined) return null;
  return intAttr(node, 'keepdims', 1) === 1 ? x.map((d, i) => (i === axis ? 1 : d)) : x.filter((_, i) => i !== axis);
}

function layerNormShapes(node: GraphNode, x: MaybeShape): MaybeShape[] {
  if (!x) return [];
  const axis = axisOf(intAttr(node, 'axis', -1), x.length);
  if (axis === undefined) return [];
  const stat = x.map((d, i) => (i < axis ? d : 1));
  return [[...x], stat, [...stat]];
}

function depthSpaceShape(op: string, node: GraphNode, x: MaybeShape): MaybeShape {
  const block = intAttr(node, 'blocksize', 0);
  if (!x || x.length !== 4 || block < 1) return null;
  const [n, c, h, w] = x;
  if (op === 'DepthToSpace') return c % (block * block) === 0 ? [n, c / (block * block), h * block, w * block] : null;
  return h % block === 0 && w % block === 0 ? [n, c * block * block, h / block, w / block] : null;
}

function rangeShape(inputs: NodeInputs): MaybeShape {
  const [start, limit, delta] = inputs.values;
  if (!start || !limit || !delta || delta.values[0] === 0) return null;
  return [Math.max(Math.ceil((limit.values[0] - start.values[0]) / delta.values[0]), 0)];
}

/** Output shapes of one node (index-aligned with node.outputs; missing entries are unknown). */
function inferNode(node: GraphNode, inputs: NodeInputs): MaybeShape[] {
  if (node.domain !== '' && node.domain !== 'ai.onnx') return [];
  const op = node.opType;
  const [x, second] = inputs.shapes;
  if (SAME_AS_FIRST.has(op)) return x ? [[...x]] : [];
  if (BROADCAST.has(op)) {
    const shapes = inputs.shapes.filter((_, i) => inputs.present(i));
    if (shapes.length === 0 || shapes.some((s) => !s)) return [];
    if (op === 'PRelu') {
      // Slope broadcasts unidirectionally to X.
      const out = broadcastShapes(shapes as Shape[]);
      return out && out.length === x!.length && out.every((d, i) => d === x![i]) ? [out] : [];
    }
    return [broadcastShapes(shapes as Shape[])];
  }
  if (REDUCE.has(op)) return [reduceShape(node, inputs)];
  switch (op) {
    case 'Constant': {
      const t = attr(node, 'value')?.t;
      if (t) return [[...t.dims]];
      const value = constantNodeValue(node);
      if (value) return [value.dims];
      const ints = attr(node, 'value_ints')?.ints ?? attr(node, 'value_floats')?.floats;
      return ints ? [[ints.length]] : [];
    }
    case 'Dropout':
      return x ? [[...x], [...x]] : [];
    case 'BatchNormalization':
      return x ? [[...x], inputs.shapes[3], inputs.shapes[4]] : [];
    case 'LayerNormalization':
      return layerNormShapes(node, x);
    case 'Conv':
    case 'ConvInteger':
      return [convShape(node, x, second)];
    case 'QLinearConv':
      return [convShape(node, x, inputs.shapes[3])];
    case 'ConvTranspose':
      return [convTransposeShape(node, x, second)];
    case 'MaxPool': {
      const out = poolShape(node, x);
      return [out, out && [...out]];
    }
    case 'AveragePool':
    case 'LpPool':
      return [poolShape(node, x)];
    case 'GlobalAveragePool':
    case 'GlobalMaxPool':
    case 'GlobalLpPool':
      return x && x.length >= 3 ? [[x[0], x[1], ...x.slice(2).map(() => 1)]] : [];
    case 'MatMul':
    case 'MatMulInteger':
      return [matMulShape(x, second)];
    case 'QLinearMatMul':
      return [matMulShape(x, inputs.shapes[3])];
    case 'Gemm':
      return [gemmShape(node, x, second)];
    case 'Concat':
      return [concatShape(node, inputs.shapes)];
    case 'Split':
      return splitShapes(node, inputs);
    case 'Slice':
      return [sliceShape(node, inputs)];
    case 'Reshape':
      return [reshapeShape(node, x, inputs.values[1])];
    case 'Flatten': {
      if (!x) return [];
      const a = intAttr(node, 'axis', 1);
      const axis = a < 0 ? a + x.length : a;
      if (axis < 0 || axis > x.length) return [];
      return [[elementCount(x.slice(0, axis)), elementCount(x.slice(axis))]];
    }
    case 'Squeeze':
      return [squeezeShape(node, inputs)];
    case 'Unsqueeze':
      return [unsqueezeShape(node, inputs)];
    case 'Transpose': {
      if (!x) return [];
      const perm = intsAttr(node, 'perm') ?? x.map((_, i) => x.length - 1 - i);
      if (perm.length !== x.length || new Set(perm).size !== perm.length || perm.some((p) => axisOf(p, x.length) !== p)) return [];
      return [perm.map((p) => x[p])];
    }
    case 'Resize':
    case 'Upsample':
      return [resizeShape(node, inputs)];
    case 'Pad':
      return [padShape(node, inputs)];
    case 'ArgMax':
    case 'ArgMin':
      return [argReduceShape(node, x)];
    case 'TopK':
      return topKShapes(node, inputs);
    case 'Expand': {
      const shape = inputs.values[1];
      if (!x || !shape || shape.dims.length !== 1) return [];
      return [broadcastShapes([x, shape.values])];
    }
    case 'Tile': {
      const repeats = inputs.values[1]?.values;
      if (!x || !repeats || repeats.length !== x.length || repeats.some((r) => r < 0)) return [];
      return [x.map((d, i) => d * repeats[i])];
    }
    case 'DepthToSpace':
    case 'SpaceToDepth':
      return [depthSpaceShape(op, node, x)];
    case 'Shape': {
      if (!x) return [];
      const rank = x.length;
      const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
      const start = clamp(intAttr(node, 'start', 0));
      const end = clamp(intAttr(node, 'end', rank));
      return [[Math.max(end - start, 0)]];
    }
    case 'Size':
      return [[]];
    case 'Gather': {
      if (!x || !second) return [];
      const axis = axisOf(intAttr(node, 'axis', 0), x.length);
      if (axis === undefined) return [];
      return [[...x.slice(0, axis), ...second, ...x.slice(axis + 1)]];
    }
    case 'GatherElements':
      return second && x && second.length === x.length ? [[...second]] : [];
    case 'GatherND': {
      if (!x || !second || second.length === 0) return [];
      const batchDims = intAttr(node, 'batch_dims', 0);
      const last = second[second.length - 1];
      if (batchDims < 0 || last + batchDims > x.length) return [];
      return [[...second.slice(0, -1), ...x.slice(batchDims + last)]];
    }
    case 'ConstantOfShape': {
      const shape = inputs.values[0];
      if (!shape || shape.dims.length !== 1) return [];
      return [[...shape.values]];
    }
    case 'Range':
      return [rangeShape(inputs)];
    case 'DynamicQuantizeLinear':
      return x ? [[...x], [], []] : [];
    case 'RoiAlign': {
      const rois = second;
      if (!x || !rois || x.length !== 4 || rois.length !== 2) return [];
      return [[rois[0], x[1], intAttr(node, 'output_height', 1), intAttr(node, 'output_width', 1)]];
    }
    default:
      return [];
  }
}

// ---------------------------------------------------------------------------------------------------------
// Declarations

interface Declarations {
  /** True when the declared feed-input shapes agree with the dims inference was asked to use. */
  trusted: boolean;
  /** Symbolic dim names bound by the feed inputs (e.g. "batch" → 1). */
  symbols: Map<string, number>;
}

function readDeclarations(graph: Graph, inputDims: Record<string, number[]>): Declarations {
  const symbols = new Map<string, number>();
  const conflicting = new Set<string>();
  let trusted = true;
  for (const value of graph.feedInputs()) {
    const given = inputDims[value.name];
    if (!given || !value.shape) continue;
    if (value.shape.length !== given.length) {
      trusted = false;
      continue;
    }
    value.shape.forEach((d, i) => {
      if (typeof d === 'number' && d > 0 && d !== given[i]) trusted = false;
      if (typeof d === 'string') {
        if (symbols.has(d) && symbols.get(d) !== given[i]) conflicting.add(d);
        symbols.set(d, given[i]);
      }
    });
  }
  for (const name of conflicting) symbols.delete(name);
  return { trusted, symbols };
}

/** A declared shape with every dim concrete (numbers, or symbols bound by the inputs); null otherwise. */
function resolvedDeclaration(shape: Dim[] | undefined, declarations: Declarations): MaybeShape {
  if (!shape || !declarations.trusted) return null;
  const out: number[] = [];
  for (const d of shape) {
    // A declared 0 is treated as "unknown": some exporters write 0 for dynamic dims.
    if (typeof d === 'number' && d > 0) out.push(d);
    else if (typeof d === 'string' && declarations.symbols.has(d)) out.push(declarations.symbols.get(d)!);
    else return null;
  }
  return checked(out);
}

/** Reconciles a computed shape with the value's declaration: agree → computed; contradict → null. */
function reconcile(computed: MaybeShape, value: Value | undefined, declarations: Declarations): MaybeShape {
  const declared = value?.shape;
  if (!declared) return computed;
  if (!computed) return resolvedDeclaration(declared, declarations);
  if (declared.length !== computed.length) return null;
  if (!declarations.trusted) return computed;
  for (let i = 0; i < declared.length; i++) {
    const d = declared[i];
    if (typeof d === 'number' && d > 0 && d !== computed[i]) return null;
    if (typeof d === 'string' && declarations.symbols.has(d) && declarations.symbols.get(d) !== computed[i]) return null;
  }
  return computed;
}

// ---------------------------------------------------------------------------------------------------------
// Public API

/**
 * Shapes of every value of the main graph (graph inputs, initializers, node outputs) for the given feed-input
 * dims. Subgraph bodies are not entered: outputs of If/Loop/Scan are null unless declared. Never throws.
 */
export function inferShapes(graph: Graph, inputDims: Record<string, number[]>): Map<string, number[] | null> {
  const shapes = new Map<string, MaybeShape>();
  const constants = new Map<string, ConstantValue>();
  let declarations: Declarations = { trusted: false, symbols: new Map() };
  try {
    declarations = readDeclarations(graph, inputDims);
  } catch {
    // Keep the untrusted default: declarations are then only used for ranks.
  }

  for (const [name, value] of graph.values) {
    try {
      if (value.isGraphInput && Object.hasOwn(inputDims, name)) {
        shapes.set(name, checked([...inputDims[name]]));
      } else if (value.initializer) {
        shapes.set(name, checked([...value.initializer.dims]));
        if (!value.isGraphInput) {
          const constant = readTensorValues(value.initializer);
          if (constant) constants.set(name, constant);
        }
      } else if (value.isGraphInput) {
        shapes.set(name, resolvedDeclaration(value.shape, declarations));
      }
    } catch {
      shapes.set(name, null);
    }
  }

  for (const index of graph.topologicalOrder) {
    const node = graph.nodes[index];
    const present = (i: number) => node.inputs[i] !== undefined && node.inputs[i] !== '';
    const inputs: NodeInputs = {
      shapes: node.inputs.map((name) => (name === '' ? null : (shapes.get(name) ?? null))),
      values: node.inputs.map((name) => (name === '' ? undefined : constants.get(name))),
      present,
    };
    let computed: MaybeShape[] = [];
    try {
      computed = inferNode(node, inputs);
    } catch {
      computed = [];
    }
    const outputShapes: MaybeShape[] = node.outputs.map((name, i) => {
      if (name === '') return null;
      let shape: MaybeShape = null;
      try {
        shape = reconcile(checked(computed[i] ? [...computed[i]!] : null), graph.values.get(name), declarations);
      } catch {
        shape = null;
      }
      shapes.set(name, shape);
      return shape;
    });
    if (node.outputs[0]) {
      const folded = foldConstant(node, { values: inputs.values, shapes: inputs.shapes, outputShapes });
      if (folded) constants.set(node.outputs[0], folded);
    }
  }
  return shapes;
}

export interface ActivationEstimate {
  /** Bytes of the tensors whose shape is known. */
  bytes: number;
  /** Requested tensors whose shape (hence size) is unknown; `bytes` does not include them. */
  unknown: string[];
}

export interface ActivationSize {
  name: string;
  shape: number[];
  elemType: number;
  bytes: number;
}

export interface ActivationOptions {
  /**
   * Bytes per element to assume for every tensor instead of its element type (e.g. 4 when the host holds
   * captured copies as float32, as OrtRunner returns them).
   */
  bytesPerElement?: number;
}

/** Element type of each value: declared, else inferred by the rank/type pass; float32 when neither is known. */
function elementTypes(graph: Graph): (name: string) => number {
  let facts: TensorFactsTable | undefined;
  try {
    facts = new TensorFactsTable(graph);
  } catch {
    facts = undefined;
  }
  return (name) => {
    const declared = graph.values.get(name)?.elemType;
    if (declared && dataTypeInfo(declared).bits > 0) return declared;
    const inferred = facts?.get(name).elemType;
    return inferred && dataTypeInfo(inferred).bits > 0 ? inferred : DataType.FLOAT;
  };
}

function sizesOf(graph: Graph, shapes: Map<string, number[] | null>, tensors: readonly string[], options: ActivationOptions): { sizes: ActivationSize[]; unknown: string[] } {
  const typeOf = elementTypes(graph);
  const sizes: ActivationSize[] = [];
  const unknown: string[] = [];
  for (const name of tensors) {
    const shape = shapes.get(name);
    if (!shape) {
      unknown.push(name);
      continue;
    }
    const elemType = typeOf(name);
    const n = elementCount(shape);
    const bytes = options.bytesPerElement !== undefined ? n * options.bytesPerElement : byteSize(elemType, n);
    sizes.push({ name, shape, elemType, bytes });
  }
  return { sizes, unknown };
}

/**
 * Bytes one sample's `tensors` take: element count × element size (declared or inferred type; 4 bytes when
 * unknown). Tensors without a known shape are listed in `unknown` and not counted.
 */
export function estimateActivationBytes(graph: Graph, shapes: Map<string, number[] | null>, tensors: readonly string[], options: ActivationOptions = {}): ActivationEstimate {
  const { sizes, unknown } = sizesOf(graph, shapes, tensors, options);
  return { bytes: sizes.reduce((total, s) => total + s.bytes, 0), unknown };
}

/** The `count` largest of `tensors` by bytes (largest first), for a message that names what is big. */
export function largestActivations(graph: Graph, shapes: Map<string, number[] | null>, tensors: readonly string[], count = 5, options: ActivationOptions = {}): ActivationSize[] {
  const { sizes } = sizesOf(graph, shapes, tensors, options);
  return sizes.sort((a, b) => b.bytes - a.bytes || a.name.localeCompare(b.name)).slice(0, Math.max(0, count));
}
