/**
 * The float twin of an already-quantized Q/DQ model: activation QuantizeLinear → DequantizeLinear pairs are
 * removed (consumers read the float tensor again) and DequantizeLinear of constant weights/biases is folded into
 * float initializers holding exactly the dequantized values, (q − zero_point) · scale. DequantizeLinear of a
 * graph input (a uint8 image input, for example) stays: it is the model's input conversion, not a fake-quant.
 * The scales that were removed are returned so they can become the initial precision plan (issue 3).
 */
import type { Graph } from '../model/graph';
import { DataType } from '../onnx/data-types';
import type { ModelProto, NodeProto, TensorProto } from '../onnx/proto';
import { float32Tensor, tensorToFloat32 } from '../onnx/tensor-data';

export interface RemovedActivationQuantization {
  tensor: string;
  scale: number;
  zeroPoint: number;
  /** 'int8' | 'uint8' | … of the quantized tensor. */
  quantizedType: number;
}

export interface FloatTwin {
  model: ModelProto;
  removedPairs: number;
  foldedConstants: number;
  activations: RemovedActivationQuantization[];
}

const isQdq = (node: NodeProto, op: string) => node.opType === op && (node.domain === '' || node.domain === 'ai.onnx' || node.domain === 'com.microsoft');

function attrInt(node: NodeProto, name: string, fallback: number): number {
  const attr = node.attribute.find((a) => a.name === name);
  return attr?.i !== undefined ? Number(attr.i) : fallback;
}

/** (q − zp) · scale with per-tensor or per-axis parameters, in float32 like DequantizeLinear. */
export function dequantizeConstant(values: TensorProto, scale: TensorProto, zeroPoint: TensorProto | undefined, axis: number, name: string): TensorProto {
  const q = tensorToFloat32(values);
  const s = tensorToFloat32(scale);
  const zp = zeroPoint ? tensorToFloat32(zeroPoint) : new Float32Array(s.length);
  const out = new Float32Array(q.length);
  if (s.length === 1) {
    for (let i = 0; i < q.length; i++) out[i] = Math.fround((q[i] - zp[0]) * s[0]);
  } else {
    const dims = values.dims;
    const a = axis < 0 ? axis + dims.length : axis;
    let inner = 1;
    for (let i = a + 1; i < dims.length; i++) inner *= dims[i];
    const channels = dims[a];
    for (let i = 0; i < q.length; i++) {
      const c = Math.floor(i / inner) % channels;
      out[i] = Math.fround((q[i] - zp[c]) * s[c]);
    }
  }
  return float32Tensor(name, [...values.dims], out);
}

/** Ops that only move or reshape data: quantization commutes with them (per-tensor scales; Transpose also per-axis). */
const MOVEMENT = new Set(['Transpose', 'Squeeze', 'Unsqueeze', 'Reshape', 'Flatten', 'Identity']);

export function deriveFloatTwin(model: ModelProto, graph: Graph): FloatTwin {
  const nodes = graph.proto.node;
  const rename = new Map<string, string>();
  const drop = new Set<NodeProto>();
  const added: TensorProto[] = [];
  const replacement = new Map<NodeProto, NodeProto>();
  const activations: RemovedActivationQuantization[] = [];
  let removedPairs = 0;
  let foldedConstants = 0;
  const outputs = new Set(graph.proto.output.map((o) => o.name));
  const consumersOf = (name: string) => (graph.values.get(name)?.consumers ?? []).map((i) => nodes[i]);
  const producerOf = (name: string) => {
    const p = graph.values.get(name)?.producer;
    return p === undefined ? undefined : nodes[p];
  };
  const isMovement = (n: NodeProto) => MOVEMENT.has(n.opType) && (n.domain === '' || n.domain === 'ai.onnx');
  const perm = (n: NodeProto) => n.attribute.find((a) => a.name === 'perm')?.ints?.map(Number);
  /** The DQ output is no longer produced: its readers read `source` instead (or an Identity keeps a graph output). */
  const bypass = (dq: NodeProto, source: string) => {
    if (outputs.has(dq.output[0])) {
      replacement.set(dq, { input: [source], output: [dq.output[0]], name: `${dq.name || dq.output[0]}_float_twin`, opType: 'Identity', domain: '', attribute: [] });
    } else {
      drop.add(dq);
      rename.set(dq.output[0], source);
    }
  };

  // Constant weights/biases: DQ(C) or DQ(Transpose/Reshape…(C)) → float initializer (the movement ops stay, now on floats).
  for (const node of nodes) {
    if (!isQdq(node, 'DequantizeLinear')) continue;
    const scale = graph.constantTensor(node.input[1]);
    if (!scale) continue;
    const zeroPoint = node.input[2] ? graph.constantTensor(node.input[2]) : undefined;
    const chain: NodeProto[] = [];
    let name = node.input[0];
    let axis = attrInt(node, 'axis', 1);
    let constant = graph.constantTensor(name);
    while (!constant) {
      const producer = producerOf(name);
      if (!producer || !isMovement(producer) || consumersOf(name).length !== 1) break;
      if (scale.dims.length > 0 && scale.dims.some((d) => d > 1)) {
        const p = producer.opType === 'Transpose' ? perm(producer) : undefined;
        if (!p) break; // per-axis scales survive only a Transpose (axis maps through perm)
        axis = p[axis < 0 ? axis + p.length : axis];
      }
      chain.unshift(producer);
      name = producer.input[0];
      constant = graph.constantTensor(name);
    }
    if (!constant) continue;
    if (chain.length === 0) {
      added.push(dequantizeConstant(constant, scale, zeroPoint, axis, node.output[0]));
      drop.add(node);
    } else {
      const floatName = `${name}__float_twin`;
      added.push(dequantizeConstant(constant, scale, zeroPoint, axis, floatName));
      replacement.set(chain[0], { ...chain[0], input: [floatName, ...chain[0].input.slice(1)] });
      bypass(node, chain[chain.length - 1].output[0]);
    }
    foldedConstants++;
  }

  // Activations: Q → (movement ops) → DQ on every path out of Q → the float tensor flows again.
  for (const node of nodes) {
    if (!isQdq(node, 'QuantizeLinear')) continue;
    const paths: { chain: NodeProto[]; dq: NodeProto }[] = [];
    const scale = graph.constantTensor(node.input[1]);
    const perTensor = !scale || scale.dims.every((d) => d === 1);
    let ok = consumersOf(node.output[0]).length > 0;
    for (const first of consumersOf(node.output[0])) {
      const chain: NodeProto[] = [];
      let current = first;
      while (ok && !isQdq(current, 'DequantizeLinear')) {
        const next = consumersOf(current.output[0]);
        if (!isMovement(current) || !perTensor || next.length !== 1 || chain.length > 8) ok = false;
        else {
          chain.push(current);
          current = next[0];
        }
      }
      if (!ok) break;
      paths.push({ chain, dq: current });
    }
    if (!ok) continue;
    const zeroPoint = node.input[2] ? graph.constantTensor(node.input[2]) : undefined;
    activations.push({
      tensor: node.input[0],
      scale: scale ? tensorToFloat32(scale)[0] : NaN,
      zeroPoint: zeroPoint ? tensorToFloat32(zeroPoint)[0] : 0,
      quantizedType: zeroPoint?.dataType ?? DataType.UINT8,
    });
    drop.add(node);
    rename.set(node.output[0], node.input[0]);
    for (const { chain, dq } of paths) {
      removedPairs++;
      bypass(dq, chain.length > 0 ? chain[chain.length - 1].output[0] : node.input[0]);
    }
  }

  const resolve = (name: string): string => {
    let current = name;
    for (let hops = 0; rename.has(current) && hops < 64; hops++) current = rename.get(current)!;
    return current;
  };
  const renameInGraph = (g: ModelProto['graph']): ModelProto['graph'] => ({
    ...g,
    node: g.node.map((n) => ({
      ...n,
      input: n.input.map(resolve),
      attribute: n.attribute.map((a) => (a.g || a.graphs ? { ...a, g: a.g && renameInGraph(a.g), graphs: a.graphs?.map(renameInGraph) } : a)),
    })),
  });
  const kept = nodes.filter((n) => !drop.has(n)).map((n) => replacement.get(n) ?? n);
  const renamed = renameInGraph({ ...graph.proto, node: kept });
  const used = new Set<string>();
  const collect = (g: ModelProto['graph']) => {
    for (const n of g.node) {
      n.input.forEach((i) => used.add(i));
      n.attribute.forEach((a) => {
        if (a.g) collect(a.g);
        a.graphs?.forEach(collect);
      });
    }
    g.output.forEach((o) => used.add(o.name));
  };
  collect(renamed);
  const initializer = [...graph.proto.initializer.filter((t) => used.has(t.name)), ...added.filter((t) => used.has(t.name))];
  return {
    model: { ...model, graph: { ...renamed, initializer } },
    removedPairs,
    foldedConstants,
    activations,
  };
}
