/**
 * The mixed-precision export for strongly typed TensorRT builds (TensorRT 11, and 10 with --stronglyTyped):
 * INT8 layers exactly as in the Q/DQ export (materializePlan), FP16 layers with real float16 tensors —
 *   Cast(float32 → float16) on each activation input (one Cast per tensor, shared by its FP16 consumers),
 *   weights and biases stored as float16 initializers, the layer computing in float16, and
 *   Cast(float16 → float32) back to the layer's original output name,
 * so every tensor outside FP16 layers keeps its type and name. This is the graph form of the analysis' FP16
 * emulation (which rounds the same inputs, weights, biases and outputs to float16 but computes in float32):
 * on a GPU, accumulation inside a float16 layer may differ from the emulation by float16 rounding of partial sums.
 * Float32 weights beyond ±65504 become ±Inf in float16, as they do in the emulation; they are reported.
 */
import { Graph } from '../model/graph';
import { DataType } from '../onnx/data-types';
import { float32ToFloat16Bits } from '../onnx/float16';
import type { AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto } from '../onnx/proto';
import { tensorToFloat32 } from '../onnx/tensor-data';
import { materializePlan, type AmaxLookup, type MaterializedModel } from '../precision/materialize';
import type { ResolvedLayerPrecision } from '../precision/plan';
import type { ExportBase } from './qdq-export';
import { pruneUnusedInitializers } from './prune';

export interface MixedPrecisionExport {
  model: ModelProto;
  fp16Layers: number;
  castNodes: number;
  float16Initializers: number;
  /** Weight/bias tensors with values that overflow float16 (they become ±Inf). */
  overflowingConstants: string[];
}

function castNode(name: string, input: string, output: string, to: number): NodeProto {
  const attribute: AttributeProto = { name: 'to', type: 2, i: BigInt(to) };
  return { input: [input], output: [output], name, opType: 'Cast', domain: '', attribute: [attribute] };
}

function toFloat16Tensor(name: string, source: TensorProto): { tensor: TensorProto; overflow: boolean } {
  const values = tensorToFloat32(source);
  const bits = new Uint16Array(values.length);
  let overflow = false;
  for (let i = 0; i < values.length; i++) {
    bits[i] = float32ToFloat16Bits(values[i]);
    if ((bits[i] & 0x7fff) === 0x7c00 && Number.isFinite(values[i])) overflow = true;
  }
  return { tensor: { name, dims: [...source.dims], dataType: DataType.FLOAT16, rawData: new Uint8Array(bits.buffer) }, overflow };
}

/** Rewrites the FP16 layers (by graph path and output tensor) of `model` to compute in float16. */
export function castLayersToFloat16(model: ModelProto, layers: readonly { graphPath: string; output: string }[]): MixedPrecisionExport {
  const wanted = new Map<string, Set<string>>();
  for (const l of layers) {
    const set = wanted.get(l.graphPath) ?? new Set<string>();
    set.add(l.output);
    wanted.set(l.graphPath, set);
  }
  const root = new Graph(model.graph);
  const taken = new Set<string>();
  for (const g of root.allGraphs()) {
    for (const name of g.values.keys()) taken.add(name);
    for (const n of g.nodes) taken.add(n.name);
  }
  const fresh = (base: string) => {
    let name = base;
    for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
    taken.add(name);
    return name;
  };
  const result: MixedPrecisionExport = { model, fp16Layers: 0, castNodes: 0, float16Initializers: 0, overflowingConstants: [] };

  const transform = (graph: Graph): GraphProto => {
    const outputs = wanted.get(graph.path) ?? new Set<string>();
    const casts = new Map<string, string>();
    const halfConstants = new Map<string, string>();
    const initializers: TensorProto[] = [];
    const nodes: NodeProto[] = [];
    for (const index of graph.topologicalOrder) {
      const node = graph.nodes[index];
      let proto = node.proto;
      if (node.subgraphs.length > 0) {
        const replaced = new Map(node.subgraphs.map((s) => [s.attribute, transform(s.graph)]));
        proto = {
          ...proto,
          attribute: proto.attribute.map((a) => {
            if (a.g) return { ...a, g: replaced.get(a.name)! };
            if (a.graphs) return { ...a, graphs: a.graphs.map((_, i) => replaced.get(`${a.name}[${i}]`)!) };
            return a;
          }),
        };
      }
      if (!outputs.has(node.outputs[0])) {
        nodes.push(proto);
        continue;
      }
      result.fp16Layers++;
      const inputs = proto.input.map((name) => {
        if (name === '') return name;
        const constant = graph.constantTensor(name);
        if (constant) {
          if (constant.dataType !== DataType.FLOAT) return name;
          let half = halfConstants.get(name);
          if (!half) {
            half = fresh(`${name}__fp16`);
            const converted = toFloat16Tensor(half, constant);
            if (converted.overflow) result.overflowingConstants.push(name);
            initializers.push(converted.tensor);
            halfConstants.set(name, half);
            result.float16Initializers++;
          }
          return half;
        }
        let half = casts.get(name);
        if (!half) {
          half = fresh(`${name}__fp16`);
          nodes.push(castNode(fresh(`${name}_CastToFp16`), name, half, DataType.FLOAT16));
          casts.set(name, half);
          result.castNodes++;
        }
        return half;
      });
      const output = proto.output[0];
      const halfOutput = fresh(`${output}__fp16`);
      nodes.push({ ...proto, input: inputs, output: [halfOutput, ...proto.output.slice(1)] });
      nodes.push(castNode(fresh(`${output}_CastToFp32`), halfOutput, output, DataType.FLOAT));
      result.castNodes++;
    }
    return { ...graph.proto, node: nodes, initializer: [...graph.proto.initializer, ...initializers] };
  };

  result.model = { ...model, graph: transform(root) };
  return result;
}

/** INT8 layers through materializePlan (as in the Q/DQ export), FP16 layers in real float16. */
export function buildMixedPrecisionModel(base: ExportBase): MixedPrecisionExport {
  return mixedPrecisionModel(base.model, base.graph, base.plan.resolved, base.plan.amaxOf);
}

/**
 * The strongly typed graph of a resolved plan: INT8 layers with ai.onnx Q/DQ and int8 weights, FP16 layers in real
 * float16, the rest untouched. The model's default opset must be ≥ 13 when the plan has INT8 layers (see
 * app/export/strongly-typed-model.ts, which upgrades first).
 */
export function mixedPrecisionModel(model: ModelProto, graph: Graph, resolved: readonly ResolvedLayerPrecision[], amaxOf: AmaxLookup): MixedPrecisionExport & { int8Part: MaterializedModel } {
  const fp16 = resolved.filter((r) => r.precision === 'fp16');
  // FP16 layers go through materializePlan untouched (as FP32) and are then retyped here, so the INT8 part is
  // byte-for-byte the Q/DQ export's.
  const withoutFp16 = resolved.map((r) => (r.precision === 'fp16' ? { ...r, precision: 'fp32' as const } : r));
  const materialized = materializePlan(model, graph, withoutFp16, amaxOf, { qdqDomain: 'ai.onnx' });
  const mixed = castLayersToFloat16(materialized.model, fp16.map((r) => ({ graphPath: r.layer.graphPath, output: r.layer.output })));
  // int8Part: the INT8 transform's record (quantized activations and their scales, weight scales).
  return { ...mixed, model: pruneUnusedInitializers(mixed.model).model, int8Part: materialized };
}
