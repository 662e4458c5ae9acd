/**
 * The float twin of an already-quantized model: the same network computing in float32, with the quantization
 * the original applied recorded instead of executed, so its scales can become the initial precision plan
 * (issue 3, quantized-import.ts).
 *
 * Static Q/DQ (deriveFloatTwin):
 *   - DequantizeLinear of constants (weights, biases, clip limits) — also through Transpose/Reshape/Squeeze/
 *     Unsqueeze/Flatten/Identity applied to the quantized constant — is folded into a float initializer holding
 *     exactly what ONNX Runtime's DequantizeLinear computes: float32(q − zero_point) · scale, per tensor or per axis.
 *   - Activation QuantizeLinear → (movement ops) → DequantizeLinear pairs are removed on every path out of the Q;
 *     consumers read the float tensor again (or the movement chain, now run on floats).
 *   - A quantization range that starts exactly at 0 (zero point = the type's minimum) on a tensor the float graph
 *     does not already bound is a fused activation (TFLite folds ReLU/ReLU6 into the output range; the graph has no
 *     Relu): the twin makes it explicit — Clip(0, 6) when the range ends at 6 (within one step), else Relu — under
 *     the quantized tensor's name. Other clamping (upper ends, non-zero lower ends) is quantization error and is not
 *     reproduced.
 *   - DequantizeLinear of a graph input (a uint8 image, possibly through a Transpose) stays: it is the model's input
 *     conversion, not a fake-quant. Its parameters are recorded (the first layer ran on exactly those levels).
 *   - A QuantizeLinear producing a graph output (a uint8 softmax) becomes an Identity: the twin outputs the float
 *     tensor under the same name, declared float32. Its parameters are recorded with role 'output'.
 *   - Anything else (a Q/DQ pair around a non-movement op, a DequantizeLinear of an integer-op result, Q/DQ inside
 *     subgraphs) is kept and explained in `notes`.
 * Dynamic int8 (removeDynamicQuantization): onnxruntime quantize_dynamic's
 *   DynamicQuantizeLinear(x) → ConvInteger/MatMulInteger(x_q, W_q, x_zp, W_zp) → Cast(float) →
 *   Mul(·, x_scale · W_scale [through Mul/Cast/Identity/Reshape]) → [Add(bias | Reshape(bias))]
 * becomes Conv(x, W, bias) / MatMul(x, W) [→ Add], W = float32(W_q − W_zp) · W_scale per tensor or per channel.
 * The float layer takes the name of the original float node (the quantizer's "_quant" suffix removed) and the
 * output of the last replaced node, so layer and tensor names are those of the float model that was quantized.
 */
import { defaultOpset, type Graph } from '../model/graph';
import { DataType, dataTypeName } from '../onnx/data-types';
import type { GraphProto, ModelProto, NodeProto, TensorProto, ValueInfoProto } from '../onnx/proto';
import { float32Tensor, tensorToFloat32, tensorToNumbers } from '../onnx/tensor-data';

/** One quantization the original applied to a float activation (per tensor, or per axis). */
export interface RemovedActivationQuantization {
  /** The float tensor the QuantizeLinear read (role 'activation'/'output'); the DequantizeLinear output for 'input'. */
  tensor: string;
  /** The scale; for per-axis quantization the largest channel scale (all of them are in `scales`). */
  scale: number;
  zeroPoint: number;
  /** ONNX data type id of the quantized tensor (2 = uint8, 3 = int8, …). */
  quantizedType: number;
  perChannel: boolean;
  axis?: number;
  scales?: number[];
  zeroPoints?: number[];
  /**
   * 'activation': a Q→DQ pair inside the network (removed); 'input': the DequantizeLinear of a graph input (kept);
   * 'output': a QuantizeLinear producing a graph output (now an Identity, the output is float).
   */
  role: 'activation' | 'input' | 'output';
  /** Float tensors of the twin that the original's dequantized consumers now read (the Q input or a chain end). */
  readBy: string[];
  /** Name of the QuantizeLinear (or DequantizeLinear for 'input') node in the original. */
  node: string;
}

/** A constant the original stored quantized; the twin holds its dequantized float32 values under `tensor`. */
export interface FoldedQuantizedConstant {
  tensor: string;
  /** ONNX data type id of the stored values. */
  quantizedType: number;
  /** Axis of per-channel scales (in the twin tensor's dims), or null for one scale. */
  axis: number | null;
  /** Number of scales. */
  channels: number;
}

export interface FloatTwin {
  model: ModelProto;
  removedPairs: number;
  /** Activations (ReLU/ReLU6) the original expressed only through a quantization range starting at 0, now explicit. */
  fusedActivations: number;
  foldedConstants: number;
  activations: RemovedActivationQuantization[];
  weights: FoldedQuantizedConstant[];
  /**
   * Per consumer (keyed by the consumer node's first output, which the twin keeps): the quantization each of its
   * inputs had in the original, by the twin tensor the input now reads. A tensor quantized twice with different
   * scales for two consumers is told apart here.
   */
  inputQuantization: Map<string, Map<string, RemovedActivationQuantization>>;
  /** Input conversions (DequantizeLinear of a graph input) that stay in the twin. */
  keptInputConversions: number;
  notes: string[];
}

const STANDARD = (domain: string) => domain === '' || domain === 'ai.onnx';
const isQdq = (node: NodeProto, op: string) => node.opType === op && (STANDARD(node.domain) || node.domain === 'com.microsoft');

function attrInt(node: NodeProto, name: string, fallback: number): number {
  const attr = node.attribute.find((a) => a.name === name);
  return attr?.i !== undefined ? Number(attr.i) : fallback;
}

function attrInts(node: NodeProto, name: string): number[] | undefined {
  return node.attribute.find((a) => a.name === name)?.ints?.map(Number);
}

const nodeLabel = (node: NodeProto) => node.name || `${node.opType}(${node.output[0] ?? ''})`;

/** Integer range of a quantized type, or undefined for types the workbench cannot reason about (float8, …). */
export function quantizedRange(dataType: number): [number, number] | undefined {
  switch (dataType) {
    case DataType.INT8:
      return [-128, 127];
    case DataType.UINT8:
      return [0, 255];
    case DataType.INT16:
      return [-32768, 32767];
    case DataType.UINT16:
      return [0, 65535];
    case DataType.INT32:
      return [-2147483648, 2147483647];
    case 21: // uint4
      return [0, 15];
    case 22: // int4
      return [-8, 7];
    default:
      return undefined;
  }
}

/**
 * The symmetric range that covers everything the quantized tensor can represent:
 * max(|(qmin − zp)·s|, |(qmax − zp)·s|). TensorRT quantizes symmetrically with scale = amax / 127.
 */
export function symmetricAmax(scale: number, zeroPoint: number, dataType: number): number {
  const range = quantizedRange(dataType) ?? [-128, 127];
  return Math.max(Math.abs((range[0] - zeroPoint) * scale), Math.abs((range[1] - zeroPoint) * scale));
}

/** True when the representable range is not symmetric around zero (more than one step off, as int8 −128..127 is). */
export function isAsymmetric(zeroPoint: number, dataType: number): boolean {
  const range = quantizedRange(dataType) ?? [-128, 127];
  return Math.abs(range[0] - zeroPoint + (range[1] - zeroPoint)) > 1;
}

/** Tensor values as float64 — exact for every integer type up to 2^53 (int32 biases survive; float32 views do not). */
function tensorToFloat64(tensor: TensorProto): Float64Array {
  if (tensor.dataType === DataType.INT32 && tensor.rawData) {
    const raw = tensor.rawData;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const out = new Float64Array(raw.byteLength >> 2);
    for (let i = 0; i < out.length; i++) out[i] = view.getInt32(i * 4, true);
    if (out.length === tensor.dims.reduce((a, b) => a * b, 1)) return out;
  }
  if (tensor.dataType === DataType.INT32 && !tensor.rawData && tensor.int32Data) return Float64Array.from(tensor.int32Data);
  if (tensor.dataType === DataType.INT64 || tensor.dataType === DataType.UINT64) return Float64Array.from(tensorToNumbers(tensor));
  return Float64Array.from(tensorToFloat32(tensor));
}

/**
 * float32(q − zp) · scale in float32, as ONNX Runtime's DequantizeLinear computes it, per tensor (one scale) or
 * per `axis` (one scale and zero point per index along it).
 */
function dequantizeValues(q: Float64Array, dims: readonly number[], scales: Float64Array, zeroPoints: Float64Array | undefined, axis: number): Float32Array {
  const out = new Float32Array(q.length);
  const zpAt = (c: number) => (zeroPoints ? (zeroPoints.length === 1 ? zeroPoints[0] : zeroPoints[c]) : 0);
  const scaleAt = (c: number) => (scales.length === 1 ? scales[0] : scales[c]);
  if (scales.length === 1 && (zeroPoints?.length ?? 1) === 1) {
    const s = scales[0];
    const zp = zpAt(0);
    for (let i = 0; i < q.length; i++) out[i] = Math.fround(Math.fround(q[i] - zp) * s);
    return out;
  }
  const a = axis < 0 ? axis + dims.length : axis;
  let inner = 1;
  for (let i = a + 1; i < dims.length; i++) inner *= dims[i];
  const channels = dims[a];
  for (let i = 0; i < q.length; i++) {
    const c = Math.floor(i / inner) % channels;
    out[i] = Math.fround(Math.fround(q[i] - zpAt(c)) * scaleAt(c));
  }
  return out;
}

/** (q − zp) · scale with per-tensor or per-axis parameters, in float32 like DequantizeLinear. */
export function dequantizeConstant(values: TensorProto, scale: TensorProto, zeroPoint: TensorProto | undefined, axis: number, name: string): TensorProto {
  const out = dequantizeValues(tensorToFloat64(values), values.dims, tensorToFloat64(scale), zeroPoint ? tensorToFloat64(zeroPoint) : undefined, axis);
  return float32Tensor(name, [...values.dims], out);
}

/** Ops that only move or reshape data: quantization commutes with them (per-tensor scales; Transpose also per-axis). */
const MOVEMENT = new Set(['Transpose', 'Squeeze', 'Unsqueeze', 'Reshape', 'Flatten', 'Identity']);
const isMovement = (n: NodeProto) => MOVEMENT.has(n.opType) && STANDARD(n.domain);

/** Applies one movement op to a constant's values (row-major), or undefined when its parameters are not constant. */
function applyMovement(node: NodeProto, graph: Graph, dims: number[], values: Float64Array): { dims: number[]; values: Float64Array } | undefined {
  const constInts = (name: string | undefined) => {
    if (!name) return undefined;
    const t = graph.constantTensor(name);
    return t ? tensorToNumbers(t) : undefined;
  };
  const rank = dims.length;
  const norm = (a: number, r: number) => (a < 0 ? a + r : a);
  switch (node.opType) {
    case 'Identity':
      return { dims, values };
    case 'Transpose': {
      const perm = attrInts(node, 'perm') ?? dims.map((_, i) => rank - 1 - i);
      const outDims = perm.map((p) => dims[p]);
      const inStrides = new Array<number>(rank);
      for (let i = rank - 1, s = 1; i >= 0; i--) {
        inStrides[i] = s;
        s *= dims[i];
      }
      const out = new Float64Array(values.length);
      const index = new Array<number>(rank).fill(0);
      for (let o = 0; o < values.length; o++) {
        let src = 0;
        for (let i = 0; i < rank; i++) src += index[i] * inStrides[perm[i]];
        out[o] = values[src];
        for (let i = rank - 1; i >= 0; i--) {
          if (++index[i] < outDims[i]) break;
          index[i] = 0;
        }
      }
      return { dims: outDims, values: out };
    }
    case 'Reshape': {
      const shape = constInts(node.input[1]);
      if (!shape) return undefined;
      const allowZero = attrInt(node, 'allowzero', 0) === 1;
      const outDims = shape.map((d, i) => (d === 0 && !allowZero ? dims[i] : d));
      const known = outDims.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
      const inferred = outDims.map((d) => (d === -1 ? values.length / known : d));
      if (inferred.reduce((a, b) => a * b, 1) !== values.length || inferred.some((d) => !Number.isInteger(d))) return undefined;
      return { dims: inferred, values };
    }
    case 'Flatten': {
      const axis = norm(attrInt(node, 'axis', 1), rank);
      const outer = dims.slice(0, axis).reduce((a, b) => a * b, 1);
      return { dims: [outer, values.length / Math.max(outer, 1)], values };
    }
    case 'Squeeze': {
      const axes = (attrInts(node, 'axes') ?? constInts(node.input[1]))?.map((a) => norm(a, rank));
      if (node.input[1] && !axes) return undefined;
      return { dims: dims.filter((d, i) => (axes ? !axes.includes(i) : d !== 1)), values };
    }
    case 'Unsqueeze': {
      const axes = attrInts(node, 'axes') ?? constInts(node.input[1]);
      if (!axes) return undefined;
      const outRank = rank + axes.length;
      const inserted = new Set(axes.map((a) => norm(a, outRank)));
      const outDims: number[] = [];
      for (let i = 0, j = 0; i < outRank; i++) outDims.push(inserted.has(i) ? 1 : dims[j++]);
      return { dims: outDims, values };
    }
    default:
      return undefined;
  }
}

/** Names read anywhere in a graph (node inputs, also inside subgraphs) plus its outputs. */
function usedNames(g: GraphProto, into = new Set<string>()): Set<string> {
  for (const n of g.node) {
    n.input.forEach((i) => i && into.add(i));
    for (const a of n.attribute) {
      if (a.g) usedNames(a.g, into);
      a.graphs?.forEach((sub) => usedNames(sub, into));
    }
  }
  g.output.forEach((o) => into.add(o.name));
  return into;
}

/**
 * Assembles the rewritten main graph: kept/replaced nodes with renamed inputs, nodes that only fed removed
 * quantization plumbing dropped (a node is dead when none of its outputs is read any more although one was read in
 * the original — nodes the original already left dangling are not touched), unused initializers dropped, and the
 * value_info of tensors that no longer exist or changed type removed.
 */
function assembleGraph(
  graph: Graph,
  nodes: NodeProto[],
  rename: Map<string, string>,
  added: TensorProto[],
  retyped: Set<string>,
): GraphProto {
  const resolve = (name: string): string => {
    let current = name;
    for (let hops = 0; rename.has(current) && hops < 64; hops++) current = rename.get(current)!;
    return current;
  };
  const renameInGraph = (g: GraphProto): GraphProto => ({
    ...g,
    node: g.node.map((n) => ({
      ...n,
      input: n.input.map(resolve),
      attribute: n.attribute.map((a) => (a.g || a.graphs ? { ...a, g: a.g && renameInGraph(a.g), graphs: a.graphs?.map(renameInGraph) } : a)),
    })),
  });
  const originallyUsed = usedNames(graph.proto);
  let current = renameInGraph({ ...graph.proto, node: nodes });
  for (;;) {
    const used = usedNames(current);
    const alive = current.node.filter((n) => n.output.some((o) => o && used.has(o)) || !n.output.some((o) => o && originallyUsed.has(o)));
    if (alive.length === current.node.length) break;
    current = { ...current, node: alive };
  }
  const used = usedNames(current);
  const produced = new Set<string>(current.node.flatMap((n) => n.output));
  const addedNames = new Set(added.map((t) => t.name));
  const initializer = [...graph.proto.initializer.filter((t) => used.has(t.name) && !addedNames.has(t.name)), ...added.filter((t) => used.has(t.name))];
  initializer.forEach((t) => produced.add(t.name));
  graph.proto.input.forEach((i) => produced.add(i.name));
  // Old-IR models also list initializers as graph inputs: a dropped initializer must not become a required feed.
  const keptInitializers = new Set(initializer.map((t) => t.name));
  const originalInitializers = new Set(graph.proto.initializer.map((t) => t.name));
  const input = current.input.filter((i) => !originalInitializers.has(i.name) || keptInitializers.has(i.name));
  const valueInfo = current.valueInfo.filter((v) => produced.has(v.name) && !retyped.has(v.name));
  const output: ValueInfoProto[] = current.output.map((o) =>
    retyped.has(o.name) && o.type?.tensorType ? { ...o, type: { ...o.type, tensorType: { ...o.type.tensorType, elemType: DataType.FLOAT } } } : o,
  );
  return { ...current, input, initializer, valueInfo, output };
}

function hasSubgraphQdq(graph: Graph): boolean {
  for (const g of graph.allGraphs()) {
    if (g === graph) continue;
    if (g.nodes.some((n) => isQdq(n.proto, 'QuantizeLinear') || isQdq(n.proto, 'DequantizeLinear'))) return true;
  }
  return false;
}

/** Ops whose output range lies within the range of their data inputs (so bounds propagate through them). */
const RANGE_PRESERVING = new Set([...MOVEMENT, 'MaxPool', 'AveragePool', 'GlobalAveragePool', 'GlobalMaxPool', 'Concat', 'Slice', 'Split', 'Gather', 'Pad', 'Resize', 'Upsample', 'DepthToSpace', 'SpaceToDepth', 'Tile', 'Expand']);
/** Inputs of a range-preserving op that carry data (not shapes, pads, scales, indices). */
function dataInputs(node: NodeProto): string[] {
  if (node.opType === 'Concat') return node.input.filter(Boolean);
  return node.input.slice(0, 1);
}

/**
 * Whether every value of `tensor` in the original lies within [lo, hi] (either bound may be omitted), judged from
 * the graph: constants, activations with a bounded range (Relu, Clip, Sigmoid, Softmax), dequantized tensors (their
 * quantization range), and ops that keep their inputs' range. False when unsure.
 */
function provablyWithin(graph: Graph, tensor: string, lo: number | undefined, hi: number | undefined, depth = 0): boolean {
  if (depth > 24) return false;
  const constant = graph.constantTensor(tensor);
  if (constant) {
    const values = tensorToFloat32(constant);
    return values.every((v) => (lo === undefined || v >= lo) && (hi === undefined || v <= hi));
  }
  const p = graph.values.get(tensor)?.producer;
  if (p === undefined) return false;
  const node = graph.nodes[p].proto;
  const within = (name: string) => provablyWithin(graph, name, lo, hi, depth + 1);
  if (isQdq(node, 'DequantizeLinear')) {
    const scale = graph.constantTensor(node.input[1]);
    const zeroPoint = node.input[2] ? graph.constantTensor(node.input[2]) : undefined;
    if (!scale || (node.input[2] && !zeroPoint)) return false;
    const range = quantizedRange(zeroPoint?.dataType ?? DataType.UINT8);
    if (!range) return false;
    const scales = tensorToFloat64(scale);
    const zps = zeroPoint ? tensorToFloat64(zeroPoint) : new Float64Array(1);
    return Array.from(scales).every((s, c) => {
      const zp = zps.length === 1 ? zps[0] : zps[c];
      return (lo === undefined || (range[0] - zp) * s >= lo - 1e-6 * Math.abs(s)) && (hi === undefined || (range[1] - zp) * s <= hi + Math.abs(s));
    });
  }
  if (!STANDARD(node.domain)) return false;
  switch (node.opType) {
    case 'Relu':
      return (lo === undefined || lo <= 0) && (hi === undefined || provablyWithin(graph, node.input[0], undefined, hi, depth + 1));
    case 'Sigmoid':
    case 'Softmax':
      return (lo === undefined || lo <= 0) && (hi === undefined || hi >= 1);
    case 'Clip': {
      const bound = (index: number, attrName: string) => {
        const fromInput = node.input[index] ? graph.constantTensor(node.input[index]) : undefined;
        if (fromInput) return tensorToFloat32(fromInput)[0];
        return node.attribute.find((a) => a.name === attrName)?.f;
      };
      const min = bound(1, 'min');
      const max = bound(2, 'max');
      const loOk = lo === undefined || (min !== undefined && min >= lo) || provablyWithin(graph, node.input[0], lo, undefined, depth + 1);
      const hiOk = hi === undefined || (max !== undefined && max <= hi) || provablyWithin(graph, node.input[0], undefined, hi, depth + 1);
      return loOk && hiOk;
    }
    case 'Min': // min ≥ lo needs every input ≥ lo; min ≤ hi needs one input ≤ hi
    case 'Max': {
      const inputs = node.input.filter(Boolean);
      const above = (name: string) => lo === undefined || provablyWithin(graph, name, lo, undefined, depth + 1);
      const below = (name: string) => hi === undefined || provablyWithin(graph, name, undefined, hi, depth + 1);
      return node.opType === 'Min' ? inputs.every(above) && inputs.some(below) : inputs.some(above) && inputs.every(below);
    }
    default:
      if (!RANGE_PRESERVING.has(node.opType)) return false;
      if (node.opType === 'Pad') {
        const mode = node.attribute.find((a) => a.name === 'mode')?.s;
        const value = node.input[2] ? graph.constantTensor(node.input[2]) : undefined;
        const padValue = value ? tensorToFloat32(value)[0] : (node.attribute.find((a) => a.name === 'value')?.f ?? 0);
        const constantMode = !mode || new TextDecoder().decode(mode) === 'constant';
        if (constantMode && ((lo !== undefined && padValue < lo) || (hi !== undefined && padValue > hi))) return false;
      }
      if (node.opType === 'Resize' || node.opType === 'Upsample') {
        const mode = node.attribute.find((a) => a.name === 'mode')?.s;
        if (mode && new TextDecoder().decode(mode) === 'cubic') return false;
      }
      return dataInputs(node).every(within);
  }
}

/**
 * TFLite-style graphs fuse ReLU/ReLU6 into the quantization range: an output range starting exactly at 0
 * (zero point = the type's minimum) IS the activation, and the float graph has no Relu. Returns the activation the
 * twin must make explicit, or undefined when the float producer already guarantees the bounds.
 */
function fusedActivation(graph: Graph, q: NodeProto, scales: Float64Array, zeroPoints: Float64Array | undefined, quantizedType: number): { lo: number; hi?: number } | undefined {
  const range = quantizedRange(quantizedType);
  if (!range) return undefined;
  const zps = Array.from(scales, (_, c) => (zeroPoints ? (zeroPoints.length === 1 ? zeroPoints[0] : zeroPoints[c]) : 0));
  if (!zps.every((zp) => zp === range[0])) return undefined;
  const his = Array.from(scales, (s, c) => (range[1] - zps[c]) * s);
  const isRelu6 = his.every((hi, c) => Math.abs(hi - 6) <= scales[c]);
  const source = q.input[0];
  if (isRelu6 && !provablyWithin(graph, source, 0, 6 + Math.max(...scales))) return { lo: 0, hi: 6 };
  if (!provablyWithin(graph, source, 0, undefined)) return { lo: 0 };
  return undefined;
}

export function deriveFloatTwin(model: ModelProto, graph: Graph): FloatTwin {
  const nodes = graph.proto.node;
  const rename = new Map<string, string>();
  const drop = new Set<NodeProto>();
  const added: TensorProto[] = [];
  const replacement = new Map<NodeProto, NodeProto>();
  const retyped = new Set<string>();
  const activations: RemovedActivationQuantization[] = [];
  const weights: FoldedQuantizedConstant[] = [];
  const inputQuantization = new Map<string, Map<string, RemovedActivationQuantization>>();
  const notes: string[] = [];
  let removedPairs = 0;
  let foldedConstants = 0;
  let keptInputConversions = 0;
  let fusedActivations = 0;
  const opset = defaultOpset(model);
  const outputs = new Set(graph.proto.output.map((o) => o.name));
  const consumersOf = (name: string) => (graph.values.get(name)?.consumers ?? []).map((i) => nodes[i]);
  const producerOf = (name: string) => {
    const p = graph.values.get(name)?.producer;
    return p === undefined ? undefined : nodes[p];
  };
  const taken = new Set<string>();
  const fresh = (base: string) => {
    let name = base;
    for (let i = 1; graph.values.has(name) || taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    return name;
  };
  /** The DQ output is no longer produced: its readers read `source` instead (or an Identity keeps a graph output). */
  const bypass = (dq: NodeProto, source: string): string => {
    if (outputs.has(dq.output[0])) {
      replacement.set(dq, { input: [source], output: [dq.output[0]], name: `${dq.name || dq.output[0]}_float_twin`, opType: 'Identity', domain: '', attribute: [] });
      return dq.output[0];
    }
    drop.add(dq);
    rename.set(dq.output[0], source);
    return source;
  };
  const consumerKey = (n: NodeProto) => n.output[0] || n.name;
  const noteInputOf = (consumer: NodeProto, tensor: string, record: RemovedActivationQuantization) => {
    const key = consumerKey(consumer);
    let map = inputQuantization.get(key);
    if (!map) inputQuantization.set(key, (map = new Map()));
    map.set(tensor, record);
  };
  const quantParams = (node: NodeProto) => {
    const scale = graph.constantTensor(node.input[1]);
    const zeroPoint = node.input[2] ? graph.constantTensor(node.input[2]) : undefined;
    if (!scale || (node.input[2] && !zeroPoint)) return undefined;
    const outputType = attrInt(node, 'output_dtype', 0);
    const quantizedType = zeroPoint?.dataType ?? (outputType || DataType.UINT8);
    return {
      scale,
      zeroPoint,
      scales: tensorToFloat64(scale),
      zeroPoints: zeroPoint ? tensorToFloat64(zeroPoint) : undefined,
      quantizedType,
      axis: attrInt(node, 'axis', 1),
      blocked: attrInt(node, 'block_size', 0) > 0,
    };
  };
  type Params = NonNullable<ReturnType<typeof quantParams>>;
  const record = (node: NodeProto, tensor: string, p: Params, role: RemovedActivationQuantization['role']): RemovedActivationQuantization => {
    const perChannel = p.scales.length > 1;
    const zps = p.zeroPoints ?? new Float64Array(p.scales.length);
    let best = 0;
    if (perChannel) {
      let bestAmax = -1;
      p.scales.forEach((s, c) => {
        const amax = symmetricAmax(s, zps.length === 1 ? zps[0] : zps[c], p.quantizedType);
        if (amax > bestAmax) [bestAmax, best] = [amax, c];
      });
    }
    const r: RemovedActivationQuantization = {
      tensor,
      scale: p.scales[best],
      zeroPoint: zps.length === 1 ? zps[0] : zps[best],
      quantizedType: p.quantizedType,
      perChannel,
      role,
      readBy: [],
      node: nodeLabel(node),
    };
    if (perChannel) {
      r.axis = p.axis;
      r.scales = Array.from(p.scales);
      r.zeroPoints = Array.from(zps.length === 1 ? p.scales.map(() => zps[0]) : zps);
    }
    return r;
  };
  const sameParams = (a: Params, b: Params) =>
    a.scales.length === b.scales.length &&
    a.scales.every((s, i) => s === b.scales[i]) &&
    (a.zeroPoints ?? new Float64Array(a.scales.length)).every((z, i, arr) => z === (b.zeroPoints ?? new Float64Array(arr.length))[i]) &&
    a.quantizedType === b.quantizedType;

  if (hasSubgraphQdq(graph)) notes.push('QuantizeLinear/DequantizeLinear inside If/Loop/Scan subgraphs are kept: the float twin only rewrites the main graph.');

  // Constants: DQ(C) or DQ(Transpose/Reshape…(C)) → one float initializer under the DQ output's name.
  for (const node of nodes) {
    if (!isQdq(node, 'DequantizeLinear')) continue;
    const p = quantParams(node);
    if (!p) continue;
    const chain: NodeProto[] = [];
    let name = node.input[0];
    let constant = graph.constantTensor(name);
    while (!constant) {
      const producer = producerOf(name);
      if (!producer || !isMovement(producer) || consumersOf(name).length !== 1 || outputs.has(name)) break;
      chain.unshift(producer);
      name = producer.input[0];
      constant = graph.constantTensor(name);
    }
    if (!constant) continue;
    if (p.blocked) {
      notes.push(`DequantizeLinear '${nodeLabel(node)}' uses blocked quantization (block_size); it is kept.`);
      continue;
    }
    let dims = [...constant.dims];
    let values = tensorToFloat64(constant);
    let foldable = true;
    for (const m of chain) {
      const moved = applyMovement(m, graph, dims, values);
      if (!moved) {
        foldable = false;
        break;
      }
      ({ dims, values } = moved);
    }
    if (!foldable) {
      notes.push(`DequantizeLinear '${nodeLabel(node)}' reads a constant through a ${chain.map((c) => c.opType).join('/')} chain with non-constant parameters; it is kept.`);
      continue;
    }
    const folded = dequantizeValues(values, dims, p.scales, p.zeroPoints, p.axis);
    const target = outputs.has(node.output[0]) ? fresh(`${node.output[0]}__float_twin`) : node.output[0];
    added.push(float32Tensor(target, dims, folded));
    if (target === node.output[0]) drop.add(node);
    else replacement.set(node, { input: [target], output: [node.output[0]], name: `${nodeLabel(node)}_float_twin`, opType: 'Identity', domain: '', attribute: [] });
    chain.forEach((c) => drop.add(c));
    const axis = p.axis < 0 ? p.axis + dims.length : p.axis;
    weights.push({ tensor: target, quantizedType: constant.dataType, axis: p.scales.length > 1 ? axis : null, channels: p.scales.length });
    foldedConstants++;
  }

  // Activations: Q → (movement ops) → DQ on every path out of Q → the float tensor flows again.
  for (const node of nodes) {
    if (!isQdq(node, 'QuantizeLinear')) continue;
    const p = quantParams(node);
    if (!p) {
      notes.push(`QuantizeLinear '${nodeLabel(node)}' has a non-constant scale or zero point; it is kept.`);
      continue;
    }
    if (p.blocked) {
      notes.push(`QuantizeLinear '${nodeLabel(node)}' uses blocked quantization (block_size); it is kept.`);
      continue;
    }
    if (!quantizedRange(p.quantizedType)) {
      notes.push(`QuantizeLinear '${nodeLabel(node)}' quantizes to ${dataTypeName(p.quantizedType)}, which the workbench does not model; it is kept.`);
      continue;
    }
    const perTensor = p.scales.length === 1;
    const isOutput = outputs.has(node.output[0]);
    const paths: { chain: NodeProto[]; dq: NodeProto }[] = [];
    let problem: string | undefined;
    for (const first of consumersOf(node.output[0])) {
      const chain: NodeProto[] = [];
      let current = first;
      while (!problem && !isQdq(current, 'DequantizeLinear')) {
        const next = consumersOf(current.output[0]);
        if (!isMovement(current)) problem = `its quantized output feeds ${current.opType} '${nodeLabel(current)}', which is not a data-movement op`;
        else if (!perTensor && current.opType !== 'Identity') problem = `per-axis quantization through ${current.opType} '${nodeLabel(current)}'`;
        else if (next.length !== 1 || outputs.has(current.output[0])) problem = `the quantized tensor after ${current.opType} '${nodeLabel(current)}' has ${next.length} readers`;
        else if (chain.length >= 8) problem = 'more than 8 movement ops before its DequantizeLinear';
        else {
          chain.push(current);
          current = next[0];
        }
      }
      if (problem) break;
      const dqParams = quantParams(current);
      if (!dqParams || !sameParams(p, dqParams)) {
        problem = `its DequantizeLinear '${nodeLabel(current)}' uses different quantization parameters (a requantization)`;
        break;
      }
      if (current.input[0] !== (chain.length ? chain[chain.length - 1].output[0] : node.output[0])) {
        problem = `DequantizeLinear '${nodeLabel(current)}' reads it as a parameter, not as data`;
        break;
      }
      paths.push({ chain, dq: current });
    }
    if (problem) {
      notes.push(`QuantizeLinear '${nodeLabel(node)}' and its DequantizeLinear are kept: ${problem}.`);
      continue;
    }
    if (paths.length === 0 && !isOutput) continue; // an unread Q: dropped with the dead nodes
    const r = record(node, node.input[0], p, isOutput ? 'output' : 'activation');
    activations.push(r);
    // A fused ReLU/ReLU6 becomes explicit under the Q output's name (the activated tensor); otherwise readers of
    // the quantized tensor read the float input again.
    const fused = fusedActivation(graph, node, p.scales, p.zeroPoints, p.quantizedType);
    const label = nodeLabel(node);
    if (fused) {
      fusedActivations++;
      const base = { output: [node.output[0]], name: fresh(`${label}_fused_${fused.hi === undefined ? 'relu' : 'relu6'}`), domain: '' };
      if (fused.hi === undefined) replacement.set(node, { ...base, input: [node.input[0]], opType: 'Relu', attribute: [] });
      else if (opset >= 11) {
        const lo = fresh(`${label}_fused_min`);
        const hi = fresh(`${label}_fused_max`);
        added.push(float32Tensor(lo, [], new Float32Array([fused.lo])), float32Tensor(hi, [], new Float32Array([fused.hi])));
        replacement.set(node, { ...base, input: [node.input[0], lo, hi], opType: 'Clip', attribute: [] });
      } else {
        replacement.set(node, {
          ...base,
          input: [node.input[0]],
          opType: 'Clip',
          attribute: [
            { name: 'min', type: 1, f: fused.lo },
            { name: 'max', type: 1, f: fused.hi },
          ],
        });
      }
      retyped.add(node.output[0]);
    } else {
      rename.set(node.output[0], node.input[0]);
      if (isOutput) {
        replacement.set(node, { input: [node.input[0]], output: [node.output[0]], name: `${label}_float_twin`, opType: 'Identity', domain: '', attribute: [] });
        retyped.add(node.output[0]);
      } else drop.add(node);
    }
    if (isOutput) r.readBy.push(node.output[0]);
    const floatTensor = fused ? node.output[0] : node.input[0];
    for (const { chain, dq } of paths) {
      removedPairs++;
      chain.forEach((c) => c.output.forEach((o) => retyped.add(o)));
      const source = chain.length > 0 ? chain[chain.length - 1].output[0] : floatTensor;
      const readName = bypass(dq, source);
      if (!r.readBy.includes(readName)) r.readBy.push(readName);
      for (const consumer of consumersOf(dq.output[0])) noteInputOf(consumer, readName, r);
    }
  }

  // What is left: DequantizeLinear of a graph input (the input conversion) stays; anything else is explained.
  for (const node of nodes) {
    if (!isQdq(node, 'DequantizeLinear') || drop.has(node) || replacement.has(node)) continue;
    let name = node.input[0];
    let source = producerOf(name);
    for (let hops = 0; source && isMovement(source) && hops < 8; hops++) {
      name = source.input[0];
      source = producerOf(name);
    }
    const p = quantParams(node);
    if (!source && graph.values.get(name)?.isGraphInput && p) {
      keptInputConversions++;
      const r = record(node, node.output[0], p, 'input');
      r.readBy.push(node.output[0]);
      activations.push(r);
      continue;
    }
    if (!source && graph.constantTensor(name)) continue; // a constant DQ with non-constant parameters: noted above
    notes.push(
      `DequantizeLinear '${nodeLabel(node)}' is kept: its input comes from ${source ? `${source.opType} '${nodeLabel(source)}'` : `'${name}'`}, not from a QuantizeLinear the twin removes or a graph input.`,
    );
  }

  if (fusedActivations > 0) {
    notes.push(
      `${fusedActivations} quantization range(s) start exactly at 0 on a tensor the float graph does not bound: the activation (ReLU/ReLU6) was fused ` +
        'into the quantization, so the twin makes it explicit (Relu, or Clip(0, 6) when the range ends at 6) under the quantized tensor\'s name.',
    );
  }
  const kept = nodes.filter((n) => !drop.has(n)).map((n) => replacement.get(n) ?? n);
  const twinGraph = assembleGraph(graph, kept, rename, added, retyped);
  return {
    model: { ...model, graph: twinGraph },
    fusedActivations,
    removedPairs,
    foldedConstants,
    activations,
    weights,
    inputQuantization,
    keptInputConversions,
    notes,
  };
}

// ---- dynamic int8 (onnxruntime quantize_dynamic) --------------------------------------------------------------

/** A ConvInteger/MatMulInteger the twin now runs as a float Conv/MatMul. */
export interface ConvertedIntegerLayer {
  /** The float node's name and op type in the twin. */
  name: string;
  opType: 'Conv' | 'MatMul';
  /** The integer op it replaced. */
  integerOp: string;
  integerNode: string;
  /** The twin node's output (the original float model's tensor name: the quantizer's bias Add or scale Mul output). */
  output: string;
  /** The float tensor DynamicQuantizeLinear quantized per inference; the twin layer reads it directly. */
  activation: string;
  weight: FoldedQuantizedConstant;
}

export interface DynamicTwin {
  model: ModelProto;
  layers: ConvertedIntegerLayer[];
  dynamicQuantizeNodes: number;
  integerOps: number;
  notes: string[];
}

interface ScaleProduct {
  /** How many times the dynamic scale enters the product. */
  dynamic: number;
  values: Float64Array;
  dims: number[];
}

/** x_scale · W_scale as (dynamic scale)^k · constant, through Mul, Cast(float), Identity and constant Reshape. */
function scaleProduct(graph: Graph, name: string, dynamicScale: string, depth = 0): ScaleProduct | undefined {
  if (depth > 16) return undefined;
  if (name === dynamicScale) return { dynamic: 1, values: new Float64Array([1]), dims: [] };
  const constant = graph.constantTensor(name);
  if (constant) return { dynamic: 0, values: tensorToFloat64(constant), dims: [...constant.dims] };
  const p = graph.values.get(name)?.producer;
  if (p === undefined) return undefined;
  const node = graph.nodes[p].proto;
  if (!STANDARD(node.domain)) return undefined;
  if (node.opType === 'Identity' || (node.opType === 'Cast' && attrInt(node, 'to', 0) === DataType.FLOAT)) return scaleProduct(graph, node.input[0], dynamicScale, depth + 1);
  if (node.opType === 'Reshape') {
    const inner = scaleProduct(graph, node.input[0], dynamicScale, depth + 1);
    const moved = inner && applyMovement(node, graph, inner.dims, inner.values);
    return inner && moved ? { dynamic: inner.dynamic, ...moved } : undefined;
  }
  if (node.opType === 'Mul') {
    const a = scaleProduct(graph, node.input[0], dynamicScale, depth + 1);
    const b = scaleProduct(graph, node.input[1], dynamicScale, depth + 1);
    if (!a || !b) return undefined;
    let values: Float64Array;
    let dims: number[];
    if (a.values.length === 1) [values, dims] = [b.values.map((v) => Math.fround(a.values[0] * v)), b.dims.length >= a.dims.length ? b.dims : a.dims];
    else if (b.values.length === 1) [values, dims] = [a.values.map((v) => Math.fround(v * b.values[0])), a.dims.length >= b.dims.length ? a.dims : b.dims];
    else if (a.values.length === b.values.length && a.dims.join() === b.dims.join()) [values, dims] = [a.values.map((v, i) => Math.fround(v * b.values[i])), a.dims];
    else return undefined;
    return { dynamic: a.dynamic + b.dynamic, values, dims };
  }
  return undefined;
}

/** Index (right-aligned against `rank`) of the one non-1 dim of a broadcast tensor, -1 if all are 1, undefined if several. */
function broadcastAxis(dims: readonly number[], rank: number): number | undefined {
  const nonOne = dims.map((d, i) => (d !== 1 ? i + rank - dims.length : -2)).filter((i) => i !== -2);
  if (nonOne.length === 0) return -1;
  return nonOne.length === 1 ? nonOne[0] : undefined;
}

export function removeDynamicQuantization(model: ModelProto, graph: Graph): DynamicTwin {
  const nodes = graph.proto.node;
  const drop = new Set<NodeProto>();
  const replacement = new Map<NodeProto, NodeProto>();
  const added: TensorProto[] = [];
  const layers: ConvertedIntegerLayer[] = [];
  const notes: string[] = [];
  const outputs = new Set(graph.proto.output.map((o) => o.name));
  const consumersOf = (name: string) => (graph.values.get(name)?.consumers ?? []).map((i) => nodes[i]);
  const producerOf = (name: string) => {
    const p = graph.values.get(name)?.producer;
    return p === undefined ? undefined : nodes[p];
  };
  const soleConsumer = (name: string) => {
    const c = consumersOf(name);
    return c.length === 1 && !outputs.has(name) ? c[0] : undefined;
  };
  const taken = new Set<string>([...graph.values.keys(), ...nodes.map((n) => n.name)]);
  const fresh = (base: string) => {
    let name = base;
    for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    return name;
  };
  const weightCache = new Map<string, { name: string; key: string }>();
  let dynamicQuantizeNodes = 0;
  let integerOps = 0;

  for (const node of nodes) {
    if (!STANDARD(node.domain)) continue;
    if (node.opType === 'DynamicQuantizeLinear') dynamicQuantizeNodes++;
    if (node.opType !== 'ConvInteger' && node.opType !== 'MatMulInteger') continue;
    integerOps++;
    const isConv = node.opType === 'ConvInteger';
    const fail = (why: string) => notes.push(`${node.opType} '${nodeLabel(node)}' is kept (the twin still computes it in integers): ${why}.`);
    const [a, b, aZero, bZero] = node.input;
    const dql = producerOf(a);
    if (!dql || dql.opType !== 'DynamicQuantizeLinear' || !STANDARD(dql.domain) || dql.output[0] !== a) {
      fail(`its quantized input does not come from a DynamicQuantizeLinear${graph.constantTensor(a) ? ' (the constant operand is first; only x · W is recognised)' : ''}`);
      continue;
    }
    if (aZero !== dql.output[2]) {
      fail('its input zero point is not the DynamicQuantizeLinear zero point');
      continue;
    }
    const weight = graph.constantTensor(b);
    if (!weight || (weight.dataType !== DataType.INT8 && weight.dataType !== DataType.UINT8)) {
      fail('its weight is not a constant int8/uint8 tensor');
      continue;
    }
    const weightZero = bZero ? graph.constantTensor(bZero) : undefined;
    if (bZero && !weightZero) {
      fail('its weight zero point is not constant');
      continue;
    }
    const cast = soleConsumer(node.output[0]);
    if (!cast || cast.opType !== 'Cast' || attrInt(cast, 'to', 0) !== DataType.FLOAT) {
      fail('its int32 result is not cast to float by a single Cast');
      continue;
    }
    const mul = soleConsumer(cast.output[0]);
    const scaleInput = mul?.input[0] === cast.output[0] ? mul.input[1] : mul?.input[0];
    if (!mul || mul.opType !== 'Mul' || !STANDARD(mul.domain) || !scaleInput || !mul.input.includes(cast.output[0])) {
      fail('the float result is not multiplied by the scales');
      continue;
    }
    const product = scaleProduct(graph, scaleInput, dql.output[1]);
    if (!product || product.dynamic !== 1) {
      fail(`the output scale '${scaleInput}' is not (input scale) × (constant weight scale)`);
      continue;
    }
    const rank = weight.dims.length;
    const weightAxis = isConv ? 0 : rank - 1;
    const channels = weight.dims[weightAxis];
    // The scale must broadcast onto the output's channel axis: 1 of NCHW for Conv, the last one for MatMul.
    const outputRank = isConv ? rank : Math.max(rank, product.dims.length);
    const scaleAxis = broadcastAxis(product.dims, outputRank);
    const perChannel = product.values.length > 1;
    if (perChannel && (product.values.length !== channels || scaleAxis !== (isConv ? 1 : outputRank - 1))) {
      fail(`its weight scale of shape [${product.dims.join(',')}] does not map onto the ${channels} output channels`);
      continue;
    }
    const zeroPoints = weightZero ? tensorToFloat64(weightZero) : undefined;
    if (zeroPoints && zeroPoints.length !== 1 && zeroPoints.length !== channels) {
      fail(`its weight zero point has ${zeroPoints.length} values for ${channels} channels`);
      continue;
    }
    const scales = product.values;

    // Bias: Conv folds a following Add of a constant [C] (or Reshape(constant [C]) to [1,C,1,…]) into its third input.
    let output = mul.output[0];
    let bias: string | undefined;
    let biasAdd: NodeProto | undefined;
    const add = isConv ? soleConsumer(mul.output[0]) : undefined;
    if (add && add.opType === 'Add' && STANDARD(add.domain)) {
      const other = add.input[0] === mul.output[0] ? add.input[1] : add.input[0];
      const direct = graph.constantTensor(other);
      const reshape = direct ? undefined : producerOf(other);
      const source = direct ?? (reshape && reshape.opType === 'Reshape' && STANDARD(reshape.domain) ? graph.constantTensor(reshape.input[0]) : undefined);
      if (source && source.dataType === DataType.FLOAT) {
        const values = tensorToFloat32(source);
        const shaped = direct ? { dims: [...direct.dims] } : applyMovement(reshape!, graph, [...source.dims], tensorToFloat64(source));
        const axis = shaped ? broadcastAxis(shaped.dims, rank) : undefined;
        if (values.length === weight.dims[0] && (axis === 1 || (values.length === 1 && axis === -1))) {
          if (source.dims.length === 1 && values.length === weight.dims[0]) bias = source.name;
          else {
            bias = fresh(`${add.output[0]}__bias`);
            added.push(float32Tensor(bias, [weight.dims[0]], Float32Array.from(values)));
          }
          output = add.output[0];
          biasAdd = add;
        }
      }
    }

    const dequantized = dequantizeValues(tensorToFloat64(weight), weight.dims, scales, zeroPoints, weightAxis);
    const key = `${Array.from(scales).join(',')}|${zeroPoints ? Array.from(zeroPoints).join(',') : ''}`;
    let weightName: string;
    const cached = weightCache.get(weight.name);
    if (cached && cached.key === key) weightName = cached.name;
    else {
      weightName = fresh(weight.name.endsWith('_quantized') ? weight.name.slice(0, -'_quantized'.length) : `${weight.name}_float`);
      added.push(float32Tensor(weightName, [...weight.dims], dequantized));
      if (!cached) weightCache.set(weight.name, { name: weightName, key });
    }
    const floatName = node.name.endsWith('_quant') && !taken.has(node.name.slice(0, -'_quant'.length)) ? node.name.slice(0, -'_quant'.length) : node.name;
    taken.add(floatName);
    const floatNode: NodeProto = {
      input: bias ? [dql.input[0], weightName, bias] : [dql.input[0], weightName],
      output: [output],
      name: floatName,
      opType: isConv ? 'Conv' : 'MatMul',
      domain: '',
      attribute: isConv ? node.attribute : [],
    };
    replacement.set(node, floatNode);
    drop.add(cast);
    drop.add(mul);
    if (biasAdd) drop.add(biasAdd);
    layers.push({
      name: floatName,
      opType: isConv ? 'Conv' : 'MatMul',
      integerOp: node.opType,
      integerNode: nodeLabel(node),
      output,
      activation: dql.input[0],
      weight: { tensor: weightName, quantizedType: weight.dataType, axis: perChannel ? weightAxis : null, channels: scales.length },
    });
  }

  const kept = nodes.filter((n) => !drop.has(n)).map((n) => replacement.get(n) ?? n);
  const twinGraph = assembleGraph(graph, kept, new Map(), added, new Set());
  const stillDynamic = twinGraph.node.filter((n) => n.opType === 'DynamicQuantizeLinear').length;
  if (stillDynamic > 0) notes.push(`${stillDynamic} DynamicQuantizeLinear node(s) stay: they feed integer ops the twin could not convert.`);
  return { model: { ...model, graph: twinGraph }, layers, dynamicQuantizeNodes, integerOps, notes };
}
