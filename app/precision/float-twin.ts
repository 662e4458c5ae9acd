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

  for (const node of nodes) {
    if (!isQdq(node, 'DequantizeLinear')) continue;
    const source = graph.constantTensor(node.input[0]);
    if (!source) continue;
    const scale = graph.constantTensor(node.input[1]);
    if (!scale) continue;
    const zeroPoint = node.input[2] ? graph.constantTensor(node.input[2]) : undefined;
    added.push(dequantizeConstant(source, scale, zeroPoint, attrInt(node, 'axis', 1), node.output[0]));
    drop.add(node);
    foldedConstants++;
  }

  for (const node of nodes) {
    if (!isQdq(node, 'QuantizeLinear')) continue;
    const quantized = graph.values.get(node.output[0]);
    if (!quantized || quantized.consumers.length === 0) continue;
    const consumers = quantized.consumers.map((i) => nodes[i]);
    if (!consumers.every((c) => isQdq(c, 'DequantizeLinear') && c.input[0] === node.output[0])) continue;
    const floatInput = node.input[0];
    const scale = graph.constantTensor(node.input[1]);
    const zeroPoint = node.input[2] ? graph.constantTensor(node.input[2]) : undefined;
    activations.push({
      tensor: floatInput,
      scale: scale ? tensorToFloat32(scale)[0] : NaN,
      zeroPoint: zeroPoint ? tensorToFloat32(zeroPoint)[0] : 0,
      quantizedType: zeroPoint?.dataType ?? DataType.UINT8,
    });
    drop.add(node);
    for (const dq of consumers) {
      removedPairs++;
      if (outputs.has(dq.output[0])) {
        replacement.set(dq, { input: [floatInput], output: [dq.output[0]], name: `${dq.name || dq.output[0]}_float_twin`, opType: 'Identity', domain: '', attribute: [] });
      } else {
        drop.add(dq);
        rename.set(dq.output[0], floatInput);
      }
    }
  }

  const resolve = (name: string) => rename.get(name) ?? name;
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
