/**
 * A small static inference of element types and ranks (not full shapes), for the rewrites that need to know
 * them: the opset upgrade decides whether a pre-13 Softmax axis is the last one, and which type Clip/Pad
 * constants must have. Facts are derived only from declarations (inputs, value_info, initializers, Constant
 * nodes) and per-op rules that cannot be wrong; anything else stays unknown (undefined), and callers must
 * treat unknown as "cannot prove it" — never guess.
 *
 * Besides rank, the length of 1-D integer tensors is tracked (Shape → Slice → Concat → Reshape chains build
 * reshape targets this way), because a Reshape's output rank is the length of its shape input.
 */
import type { Graph, GraphNode } from '../model/graph';
import { DataType } from './data-types';
import type { AttributeProto, TensorProto } from './proto';

export interface TensorFacts {
  elemType?: number;
  rank?: number;
  /** dims[0] of a rank-1 tensor, when known. */
  length?: number;
  /** Values of a small constant integer tensor (e.g. Slice starts), when known. */
  values?: bigint[];
}

const SAME_AS_FIRST_INPUT = new Set([
  'Abs', 'Acos', 'Acosh', 'Asin', 'Asinh', 'Atan', 'Atanh', 'BatchNormalization', 'Ceil', 'Celu', 'Clip', 'Cos',
  'Cosh', 'CumSum', 'Dropout', 'Elu', 'Erf', 'Exp', 'Floor', 'Gelu', 'HardSigmoid', 'HardSwish', 'Hardmax',
  'Identity', 'InstanceNormalization', 'LRN', 'LayerNormalization', 'LeakyRelu', 'Log', 'LogSoftmax',
  'LpNormalization', 'MeanVarianceNormalization', 'Mish', 'Neg', 'PRelu', 'Reciprocal', 'Relu', 'Round', 'Selu',
  'Shrink', 'Sigmoid', 'Sign', 'Sin', 'Sinh', 'Softmax', 'Softplus', 'Softsign', 'Sqrt', 'Tan', 'Tanh',
  'ThresholdedRelu', 'Conv', 'ConvTranspose', 'ConvInteger', 'AveragePool', 'MaxPool', 'LpPool', 'GlobalAveragePool',
  'GlobalMaxPool', 'GlobalLpPool', 'Upsample', 'Resize', 'Pad', 'DepthToSpace', 'SpaceToDepth', 'Transpose', 'Slice',
  'Tile', 'ReverseSequence', 'ScatterElements', 'ScatterND', 'Scatter', 'TopK', 'MaxRoiPool', 'RoiAlign', 'GroupNormalization',
]);
const BROADCAST = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum', 'Mean', 'Mod', 'PRelu', 'BitShift']);
const COMPARISON = new Set(['Equal', 'Less', 'LessOrEqual', 'Greater', 'GreaterOrEqual', 'And', 'Or', 'Xor', 'Not', 'IsNaN', 'IsInf']);
const REDUCE = new Set(['ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceMax', 'ReduceMean', 'ReduceMin', 'ReduceProd', 'ReduceSum', 'ReduceSumSquare']);

function attribute(node: GraphNode, name: string): AttributeProto | undefined {
  return node.proto.attribute.find((a) => a.name === name);
}

function intAttr(node: GraphNode, name: string): number | undefined {
  const a = attribute(node, name);
  return a?.i !== undefined ? Number(a.i) : undefined;
}

function intsAttr(node: GraphNode, name: string): bigint[] | undefined {
  return attribute(node, name)?.ints;
}

function integerValues(tensor: TensorProto): bigint[] | undefined {
  if (tensor.dims.length > 1) return undefined;
  const count = tensor.dims.length === 0 ? 1 : tensor.dims[0];
  if (count > 64) return undefined;
  if (tensor.int64Data && tensor.int64Data.length === count) return [...tensor.int64Data];
  if (tensor.int32Data && tensor.int32Data.length === count && (tensor.dataType === DataType.INT32 || tensor.dataType === DataType.INT64)) return tensor.int32Data.map(BigInt);
  if (tensor.rawData && (tensor.dataType === DataType.INT64 || tensor.dataType === DataType.INT32)) {
    const size = tensor.dataType === DataType.INT64 ? 8 : 4;
    if (tensor.rawData.byteLength !== count * size) return undefined;
    const view = new DataView(tensor.rawData.buffer, tensor.rawData.byteOffset, tensor.rawData.byteLength);
    return Array.from({ length: count }, (_, i) => (size === 8 ? view.getBigInt64(i * 8, true) : BigInt(view.getInt32(i * 4, true))));
  }
  return undefined;
}

export function factsOfTensor(tensor: TensorProto): TensorFacts {
  const facts: TensorFacts = { elemType: tensor.dataType, rank: tensor.dims.length };
  if (tensor.dims.length === 1) facts.length = tensor.dims[0];
  if (tensor.dataType === DataType.INT64 || tensor.dataType === DataType.INT32) {
    const values = integerValues(tensor);
    if (values) facts.values = values;
  }
  return facts;
}

/** Facts for every value of one graph; outer-scope names resolve through `parent`. */
export class TensorFactsTable {
  private readonly facts = new Map<string, TensorFacts>();

  constructor(
    readonly graph: Graph,
    private readonly parent?: TensorFactsTable,
  ) {
    for (const [name, value] of graph.values) {
      const facts: TensorFacts = {};
      if (value.elemType !== undefined && value.elemType !== 0) facts.elemType = value.elemType;
      if (value.shape) {
        facts.rank = value.shape.length;
        if (value.shape.length === 1 && typeof value.shape[0] === 'number') facts.length = value.shape[0];
      }
      if (value.initializer && !value.isGraphInput) Object.assign(facts, factsOfTensor(value.initializer));
      if (Object.keys(facts).length > 0) this.facts.set(name, facts);
    }
    for (const index of graph.topologicalOrder) this.inferNode(graph.nodes[index]);
  }

  get(name: string): TensorFacts {
    if (name === '') return {};
    return this.facts.get(name) ?? (this.graph.values.has(name) ? {} : (this.parent?.get(name) ?? {}));
  }

  /** The facts table of a subgraph of this graph (outer names resolve here). */
  child(graph: Graph): TensorFactsTable {
    return new TensorFactsTable(graph, this);
  }

  private set(name: string | undefined, facts: TensorFacts): void {
    if (!name) return;
    const known = this.facts.get(name) ?? {};
    // Declarations win; inferred facts only fill gaps.
    const merged: TensorFacts = { ...facts, ...Object.fromEntries(Object.entries(known).filter(([, v]) => v !== undefined)) };
    this.facts.set(name, merged);
  }

  private inferNode(node: GraphNode): void {
    if (node.domain !== '' && node.domain !== 'ai.onnx') return;
    const input = (i: number) => this.get(node.inputs[i] ?? '');
    const first = input(0);
    const out = node.outputs[0];
    const op = node.opType;
    if (op === 'Constant') {
      const t = attribute(node, 'value')?.t;
      if (t) this.set(out, factsOfTensor(t));
      else if (attribute(node, 'value_float')) this.set(out, { elemType: DataType.FLOAT, rank: 0 });
      else if (attribute(node, 'value_int')) this.set(out, { elemType: DataType.INT64, rank: 0, values: [attribute(node, 'value_int')!.i!] });
      else if (attribute(node, 'value_ints')) {
        const values = attribute(node, 'value_ints')!.ints!;
        this.set(out, { elemType: DataType.INT64, rank: 1, length: values.length, values });
      } else if (attribute(node, 'value_floats')) this.set(out, { elemType: DataType.FLOAT, rank: 1, length: attribute(node, 'value_floats')!.floats!.length });
      return;
    }
    if (SAME_AS_FIRST_INPUT.has(op)) {
      this.set(out, { elemType: first.elemType, rank: first.rank, length: first.rank === 1 && op === 'Identity' ? first.length : undefined, values: op === 'Identity' ? first.values : undefined });
      if (op === 'TopK') this.set(node.outputs[1], { elemType: DataType.INT64, rank: first.rank });
      if (op === 'MaxPool') this.set(node.outputs[1], { elemType: DataType.INT64, rank: first.rank });
      if (op === 'Slice' && first.rank === 1) this.set(out, { elemType: first.elemType, rank: 1, ...this.slice1d(node, first) });
      return;
    }
    if (op === 'QuantizeLinear' || op === 'DequantizeLinear') {
      const elemType = op === 'DequantizeLinear' ? input(1).elemType : node.inputs[2] ? input(2).elemType : DataType.UINT8;
      this.set(out, { elemType, rank: first.rank });
      return;
    }
    if (BROADCAST.has(op) || COMPARISON.has(op) || op === 'Where') {
      const inputs = node.inputs.filter((n) => n !== '').map((n) => this.get(n));
      const ranks = inputs.map((f) => f.rank);
      const rank = ranks.every((r) => r !== undefined) ? Math.max(...(ranks as number[])) : undefined;
      const elemType = COMPARISON.has(op) ? DataType.BOOL : op === 'Where' ? input(1).elemType : first.elemType;
      this.set(out, { elemType, rank });
      return;
    }
    if (REDUCE.has(op) || op === 'ArgMax' || op === 'ArgMin') {
      const keep = (intAttr(node, 'keepdims') ?? 1) === 1;
      const elemType = op === 'ArgMax' || op === 'ArgMin' ? DataType.INT64 : first.elemType;
      let rank: number | undefined;
      if (keep) rank = first.rank;
      else if (op === 'ArgMax' || op === 'ArgMin') rank = first.rank === undefined ? undefined : first.rank - 1;
      else {
        const axes = intsAttr(node, 'axes') ?? input(1).values;
        if (axes !== undefined && first.rank !== undefined) rank = first.rank - new Set(axes.map((a) => Number(a < 0n ? a + BigInt(first.rank!) : a))).size;
        else if (axes === undefined && node.inputs[1] === undefined && first.rank !== undefined) rank = 0; // reduce over all axes
      }
      this.set(out, { elemType, rank });
      return;
    }
    switch (op) {
      case 'Cast':
        this.set(out, { elemType: intAttr(node, 'to'), rank: first.rank, length: first.length, values: first.values });
        return;
      case 'Shape':
        this.set(out, { elemType: DataType.INT64, rank: 1, length: node.proto.attribute.length === 0 ? first.rank : undefined });
        return;
      case 'Size':
        this.set(out, { elemType: DataType.INT64, rank: 0 });
        return;
      case 'MatMul':
      case 'MatMulInteger': {
        const a = first.rank;
        const b = input(1).rank;
        let rank: number | undefined;
        if (a !== undefined && b !== undefined) rank = a === 1 && b === 1 ? 0 : a === 1 ? b - 1 : b === 1 ? a - 1 : Math.max(a, b);
        this.set(out, { elemType: op === 'MatMul' ? first.elemType : DataType.INT32, rank });
        return;
      }
      case 'Gemm':
        this.set(out, { elemType: first.elemType, rank: 2 });
        return;
      case 'Flatten':
        this.set(out, { elemType: first.elemType, rank: 2 });
        return;
      case 'Reshape': {
        const shape = input(1);
        this.set(out, { elemType: first.elemType, rank: shape.length ?? shape.values?.length });
        return;
      }
      case 'Concat': {
        const inputs = node.inputs.map((n) => this.get(n));
        const rank = inputs.find((f) => f.rank !== undefined)?.rank;
        let length: number | undefined;
        if (rank === 1 && inputs.every((f) => f.length !== undefined)) length = inputs.reduce((s, f) => s + f.length!, 0);
        this.set(out, { elemType: inputs.find((f) => f.elemType !== undefined)?.elemType, rank, length });
        return;
      }
      case 'Gather': {
        const indices = input(1);
        const rank = first.rank !== undefined && indices.rank !== undefined ? first.rank - 1 + indices.rank : undefined;
        this.set(out, { elemType: first.elemType, rank, length: rank === 1 && indices.rank === 1 ? indices.length : undefined });
        return;
      }
      case 'Unsqueeze': {
        const axes = intsAttr(node, 'axes') ?? input(1).values;
        const rank = first.rank !== undefined && axes !== undefined ? first.rank + axes.length : undefined;
        this.set(out, { elemType: first.elemType, rank, length: rank === 1 && first.rank === 0 ? 1 : undefined });
        return;
      }
      case 'Squeeze': {
        const axes = intsAttr(node, 'axes') ?? input(1).values;
        this.set(out, { elemType: first.elemType, rank: first.rank !== undefined && axes !== undefined ? first.rank - axes.length : undefined });
        return;
      }
      case 'Split':
        for (const name of node.outputs) this.set(name, { elemType: first.elemType, rank: first.rank });
        return;
      case 'Expand': {
        const shape = input(1);
        const length = shape.length ?? shape.values?.length;
        this.set(out, { elemType: first.elemType, rank: first.rank !== undefined && length !== undefined ? Math.max(first.rank, length) : undefined });
        return;
      }
      case 'ConstantOfShape': {
        const t = attribute(node, 'value')?.t;
        const shape = first;
        this.set(out, { elemType: t?.dataType ?? DataType.FLOAT, rank: shape.length });
        return;
      }
      case 'Range':
        this.set(out, { elemType: first.elemType, rank: 1 });
        return;
      case 'NonZero':
        this.set(out, { elemType: DataType.INT64, rank: 2 });
        return;
      case 'OneHot': {
        const values = input(2);
        this.set(out, { elemType: values.elemType, rank: first.rank !== undefined ? first.rank + 1 : undefined });
        return;
      }
      case 'GatherElements':
        this.set(out, { elemType: first.elemType, rank: input(1).rank });
        return;
      default:
        return;
    }
  }

  /** Length of a 1-D Slice with constant starts/ends (attributes before opset 10, inputs after). */
  private slice1d(node: GraphNode, data: TensorFacts): { length?: number } {
    if (data.length === undefined) return {};
    const starts = intsAttr(node, 'starts') ?? this.get(node.inputs[1] ?? '').values;
    const ends = intsAttr(node, 'ends') ?? this.get(node.inputs[2] ?? '').values;
    const steps = node.inputs[4] ? this.get(node.inputs[4]).values : [1n];
    if (!starts || !ends || !steps || starts.length !== 1 || ends.length !== 1 || steps.length !== 1 || steps[0] !== 1n) return {};
    const n = BigInt(data.length);
    const clamp = (v: bigint) => {
      const x = v < 0n ? v + n : v;
      return x < 0n ? 0n : x > n ? n : x;
    };
    const length = clamp(ends[0]) - clamp(starts[0]);
    return { length: Number(length < 0n ? 0n : length) };
  }
}
