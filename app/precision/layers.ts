/**
 * Layer discovery: the ONNX nodes TensorRT runs in reduced precision, following NVIDIA's Q/DQ placement
 * guidance (TensorRT developer guide, "Q/DQ layer-placement recommendations"; ModelOpt's default op set):
 *   - weighted ops: Conv, ConvTranspose, Gemm, MatMul with a constant operand — quantize the activation input(s)
 *     and the weight (per-channel symmetric), never the output;
 *   - MatMul / Gemm of two activations (attention): quantize both inputs;
 *   - residual Add (two activation inputs): quantize both inputs so TensorRT can fuse it into the conv epilogue;
 *   - pooling (AveragePool, GlobalAveragePool, MaxPool): quantize the input.
 * Everything else stays in the precision of its inputs.
 */
import type { Graph, GraphNode } from '../model/graph';
import type { TensorProto } from '../onnx/proto';

export type LayerRole = 'weighted' | 'activation-matmul' | 'residual-add' | 'pooling';

export interface LayerWeight {
  tensor: string;
  inputIndex: number;
  dims: number[];
  /** Axis of the weight holding output channels (per-channel scales), or null for per-tensor. */
  channelAxis: number | null;
}

export interface Layer {
  /** Stable id: "<name>|<opType>#<ordinal>" (ordinal = position among nodes of this op type, topological). */
  id: string;
  name: string;
  opType: string;
  /** "" for the main graph, else the subgraph path (e.g. "If_0/then_branch"). */
  graphPath: string;
  nodeIndex: number;
  ordinal: number;
  role: LayerRole;
  /** Activation tensors this layer reads that get Q/DQ in INT8 (in input order). */
  activationInputs: string[];
  weight?: LayerWeight;
  bias?: string;
  /** The tensor the per-layer comparison reads. */
  output: string;
}

const POOLING = new Set(['AveragePool', 'GlobalAveragePool', 'MaxPool']);

function attrInt(node: GraphNode, name: string, fallback: number): number {
  const attr = node.proto.attribute.find((a) => a.name === name);
  return attr?.i !== undefined ? Number(attr.i) : fallback;
}

function weightChannelAxis(node: GraphNode, inputIndex: number, weight: TensorProto): number | null {
  const rank = weight.dims.length;
  switch (node.opType) {
    case 'Conv':
      return rank >= 2 ? 0 : null;
    case 'ConvTranspose':
      // Weight is [C_in, C_out/group, k...]; per-output-channel needs group == 1.
      return rank >= 2 && attrInt(node, 'group', 1) === 1 ? 1 : null;
    case 'Gemm':
      if (inputIndex !== 1 || rank !== 2) return null;
      return attrInt(node, 'transB', 0) ? 0 : 1;
    case 'MatMul':
      return inputIndex === 1 && rank >= 2 ? rank - 1 : null;
    default:
      return null;
  }
}

function describeNode(graph: Graph, node: GraphNode): Omit<Layer, 'id' | 'ordinal'> | undefined {
  if (node.domain !== '' && node.domain !== 'ai.onnx') return undefined;
  const output = node.outputs[0];
  const base = { name: node.name, opType: node.opType, graphPath: graph.path, nodeIndex: node.index, output };
  const isConstant = (name: string | undefined) => !!name && graph.constantTensor(name) !== undefined;

  if (node.opType === 'Conv' || node.opType === 'ConvTranspose' || node.opType === 'Gemm' || node.opType === 'MatMul') {
    const [a, b] = node.inputs;
    if (!a || !b) return undefined;
    const aConst = isConstant(a);
    const bConst = isConstant(b);
    if (aConst && bConst) return undefined; // folds to a constant
    if (!aConst && !bConst) {
      if (node.opType === 'Conv' || node.opType === 'ConvTranspose') {
        // Dynamic filter: still a conv TensorRT runs in INT8 when both inputs have Q/DQ.
        return { ...base, role: 'weighted', activationInputs: [a, b] };
      }
      return { ...base, role: 'activation-matmul', activationInputs: [a, b] };
    }
    const weightIndex = bConst ? 1 : 0;
    const weightName = node.inputs[weightIndex];
    const tensor = graph.constantTensor(weightName)!;
    const bias = (node.opType === 'Conv' || node.opType === 'ConvTranspose' || node.opType === 'Gemm') ? node.inputs[2] || undefined : undefined;
    return {
      ...base,
      role: 'weighted',
      activationInputs: [bConst ? a : b],
      weight: { tensor: weightName, inputIndex: weightIndex, dims: [...tensor.dims], channelAxis: weightChannelAxis(node, weightIndex, tensor) },
      bias,
    };
  }
  if (node.opType === 'Add') {
    const [a, b] = node.inputs;
    if (!a || !b || isConstant(a) || isConstant(b) || a === b) return undefined;
    return { ...base, role: 'residual-add', activationInputs: [a, b] };
  }
  if (POOLING.has(node.opType)) {
    const a = node.inputs[0];
    if (!a || isConstant(a)) return undefined;
    return { ...base, role: 'pooling', activationInputs: [a] };
  }
  return undefined;
}

/** Finds the reduced-precision layers of a graph and its subgraphs, in topological order. */
export function discoverLayers(graph: Graph): Layer[] {
  const layers: Layer[] = [];
  const ordinals = new Map<string, number>();
  const visit = (g: Graph) => {
    for (const index of g.topologicalOrder) {
      const node = g.nodes[index];
      const described = describeNode(g, node);
      if (described) {
        const ordinal = ordinals.get(node.opType) ?? 0;
        ordinals.set(node.opType, ordinal + 1);
        layers.push({ ...described, ordinal, id: layerId(node.name, node.opType, ordinal) });
      }
      for (const sub of node.subgraphs) visit(sub.graph);
    }
  };
  visit(graph);
  return layers;
}

export function layerId(name: string, opType: string, ordinal: number): string {
  return `${name}|${opType}#${ordinal}`;
}

/**
 * Finds the layer a stored id refers to. Exact id first; then name + op type (the ordinal moved because layers
 * were added or removed); then op type + ordinal (names were stripped by a re-export).
 */
export function resolveLayerId(id: string, layers: readonly Layer[]): Layer | undefined {
  const exact = layers.find((l) => l.id === id);
  if (exact) return exact;
  const match = /^(.*)\|([^|#]+)#(\d+)$/.exec(id);
  if (!match) return layers.find((l) => l.name === id && l.name !== '');
  const [, name, opType, ordinal] = match;
  if (name) {
    const byName = layers.filter((l) => l.name === name && l.opType === opType);
    if (byName.length === 1) return byName[0];
  }
  return layers.find((l) => l.opType === opType && l.ordinal === Number(ordinal));
}

/** Every tensor that gets an activation Q/DQ when the given layers run in INT8. */
export function quantizedActivationTensors(layers: readonly Layer[]): { graphPath: string; tensor: string }[] {
  const seen = new Set<string>();
  const result: { graphPath: string; tensor: string }[] = [];
  for (const layer of layers) {
    for (const tensor of layer.activationInputs) {
      const key = `${layer.graphPath}\u0000${tensor}`;
      if (!seen.has(key)) {
        seen.add(key);
        result.push({ graphPath: layer.graphPath, tensor });
      }
    }
  }
  return result;
}
