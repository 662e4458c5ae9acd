/**
 * Plan → ONNX: the one transform that turns a float model plus a precision plan into the graph that is
 * emulated on ONNX Runtime, built by TensorRT and exported.
 *   - INT8 layers: QuantizeLinear → DequantizeLinear on each activation input (per-tensor symmetric,
 *     scale = amax / 127, zero point 0, one pair per tensor shared by its INT8 consumers) and int8 weights with
 *     per-channel symmetric scales behind a DequantizeLinear; biases stay float (TensorRT fuses them).
 *   - FP16 layers (emulation in a float32 graph): activation inputs and the layer output pass through
 *     Cast(float16) → Cast(float32); weights and biases are stored rounded to the nearest float16.
 * Layer output tensor names never change, so the same name addresses a layer in every variant.
 */
import { WorkbenchError } from '../errors';
import type { Graph, GraphNode } from '../model/graph';
import { defaultOpset } from '../model/graph';
import { DataType } from '../onnx/data-types';
import { roundToFloat16 } from '../onnx/float16';
import type { AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto } from '../onnx/proto';
import { float32Tensor, int8Tensor, tensorToFloat32 } from '../onnx/tensor-data';
import { quantizeSymmetricInt8, perChannelScales } from '../calibration/weight-scales';
import type { Layer } from './layers';
import type { Precision, ResolvedLayerPrecision } from './plan';

export type QdqDomain = 'ai.onnx' | 'com.microsoft';

export interface MaterializeOptions {
  /**
   * 'ai.onnx' Q/DQ need default opset ≥ 13 for per-channel weights (≥ 10 at all); 'com.microsoft' (ONNX Runtime
   * contrib ops, same semantics) runs at any opset but TensorRT cannot parse it. 'auto' picks ai.onnx when the
   * model's opset is ≥ 13.
   */
  qdqDomain?: 'auto' | QdqDomain;
  /**
   * Every reduced layer reads Where(switch, reduced input, original input) with one bool scalar graph input per
   * layer (`switches`), so one ONNX Runtime session can evaluate any subset of the plan's layers in reduced
   * precision (sensitivity, pin search) without rebuilding. Where selects exactly: a layer switched off computes
   * bit-for-bit what the FP32 model computes.
   */
  switchable?: boolean;
  /**
   * 'int8-dequantize' (default, what TensorRT gets): int8 initializers behind a DequantizeLinear.
   * 'dequantized-float' (emulation): the same values precomputed, float32(q · scale) — bit-identical to what
   * DequantizeLinear produces — stored as a float initializer. ONNX Runtime does not constant-fold
   * DequantizeLinear, so with the int8 form every run dequantizes every weight and no conv can prepack its
   * weights; the float form runs at FP32 speed with exactly the same numbers.
   */
  weights?: 'int8-dequantize' | 'dequantized-float';
}

export interface QuantizedTensor {
  graphPath: string;
  tensor: string;
  amax: number;
  scale: number;
}

export interface MaterializedModel {
  model: ModelProto;
  qdqDomain: QdqDomain;
  activations: QuantizedTensor[];
  /** Per-layer weight scales (per channel, or one value), by layer id. */
  weightScales: Map<string, Float32Array>;
  precisionByLayer: Map<string, Precision>;
  /** switchable only: the bool input that turns each layer's reduced precision on, by layer id. */
  switches: Map<string, string>;
}

/** Activation amax for a tensor seen from a graph (undefined = not calibrated). */
export type AmaxLookup = (graphPath: string, tensor: string) => number | undefined;

const MIN_AMAX = 1e-8;

function attr(name: string, value: { i?: number; t?: TensorProto }): AttributeProto {
  if (value.t) return { name, type: 4, t: value.t };
  return { name, type: 2, i: BigInt(value.i!) };
}

export function materializePlan(
  model: ModelProto,
  root: Graph,
  resolved: readonly ResolvedLayerPrecision[],
  amaxOf: AmaxLookup,
  options: MaterializeOptions = {},
): MaterializedModel {
  const opset = defaultOpset(model);
  const requested = options.qdqDomain ?? 'auto';
  const qdqDomain: QdqDomain = requested === 'auto' ? (opset >= 13 ? 'ai.onnx' : 'com.microsoft') : requested;
  if (qdqDomain === 'ai.onnx' && opset < 13 && resolved.some((r) => r.precision === 'int8')) {
    throw new WorkbenchError(
      'precision',
      'OPSET_TOO_OLD_FOR_QDQ',
      `the model imports opset ${opset}; per-channel QuantizeLinear/DequantizeLinear need opset 13 or later`,
    );
  }
  const nodeDomain = qdqDomain === 'ai.onnx' ? '' : 'com.microsoft';
  const activations: QuantizedTensor[] = [];
  const weightScales = new Map<string, Float32Array>();
  const precisionByLayer = new Map<string, Precision>();
  const switches = new Map<string, string>();
  const switchInput = (layer: Layer): string => {
    let name = switches.get(layer.id);
    if (!name) switches.set(layer.id, (name = `pwb_switch::${layer.id}`));
    return name;
  };
  const layersByGraph = new Map<string, Map<number, ResolvedLayerPrecision>>();
  for (const r of resolved) {
    precisionByLayer.set(r.layer.id, r.precision);
    if (r.precision === 'fp32') continue;
    let map = layersByGraph.get(r.layer.graphPath);
    if (!map) layersByGraph.set(r.layer.graphPath, (map = new Map()));
    map.set(r.layer.nodeIndex, r);
  }

  const transformGraph = (graph: Graph): GraphProto => {
    const layersHere = layersByGraph.get(graph.path) ?? new Map<number, ResolvedLayerPrecision>();
    const newInitializers: TensorProto[] = [];
    const prefix: NodeProto[] = [];
    const after = new Map<number, NodeProto[]>();
    const rewritten = new Map<number, NodeProto[]>();
    const actDq = new Map<string, string>();
    const fp16Rounded = new Map<string, string>();
    const weightDq = new Map<string, string>();
    const taken = new Set<string>();
    const fresh = (base: string): string => {
      let name = base;
      for (let i = 1; graph.resolves(name) || taken.has(name); i++) name = `${base}_${i}`;
      taken.add(name);
      return name;
    };
    const place = (tensor: string, nodes: NodeProto[]) => {
      const producer = graph.values.get(tensor)?.producer;
      if (producer === undefined) prefix.push(...nodes);
      else {
        const list = after.get(producer) ?? [];
        list.push(...nodes);
        after.set(producer, list);
      }
    };

    const quantizeActivation = (tensor: string, layer: Layer, override?: number): string => {
      const key = override === undefined ? tensor : `${tensor}\u0000${override}`;
      const existing = actDq.get(key);
      if (existing) return existing;
      const calibrated = override ?? amaxOf(graph.path, tensor);
      if (calibrated === undefined || !Number.isFinite(calibrated)) {
        throw new WorkbenchError(
          'precision',
          'ACTIVATION_NOT_CALIBRATED',
          `tensor '${tensor}' (input of layer '${layer.id}') has no calibrated range; calibrate, load a cache that covers it, or keep the layer in fp16/fp32`,
        );
      }
      const amax = Math.max(calibrated, MIN_AMAX);
      const scale = Math.fround(amax / 127);
      const scaleName = fresh(`${tensor}__scale`);
      const zeroName = fresh(`${tensor}__zero_point`);
      const q = fresh(`${tensor}__q`);
      const dq = fresh(`${tensor}__dq`);
      newInitializers.push(float32Tensor(scaleName, [], new Float32Array([scale])), int8Tensor(zeroName, [], new Int8Array(1)));
      place(tensor, [
        { input: [tensor, scaleName, zeroName], output: [q], name: fresh(`${tensor}_QuantizeLinear`), opType: 'QuantizeLinear', domain: nodeDomain, attribute: [] },
        { input: [q, scaleName, zeroName], output: [dq], name: fresh(`${tensor}_DequantizeLinear`), opType: 'DequantizeLinear', domain: nodeDomain, attribute: [] },
      ]);
      activations.push({ graphPath: graph.path, tensor, amax, scale });
      actDq.set(key, dq);
      return dq;
    };

    const quantizeWeight = (layer: Layer): string => {
      const weight = layer.weight!;
      const existing = weightDq.get(weight.tensor);
      if (existing) return existing;
      const values = tensorToFloat32(graph.constantTensor(weight.tensor)!);
      const axis = weight.channelAxis;
      // Per-tensor weights are one "channel" spanning the whole tensor.
      const layoutDims = axis === null ? [1, values.length] : weight.dims;
      const scales = perChannelScales(values, layoutDims, axis ?? 0);
      const quantized = quantizeSymmetricInt8(values, layoutDims, axis ?? 0, scales);
      const channels = scales.length;
      const base = weight.tensor;
      weightScales.set(layer.id, scales);
      if (options.weights === 'dequantized-float') {
        const { inner } = { inner: values.length / (channels * (axis === null ? 1 : weight.dims.slice(0, axis).reduce((a, b) => a * b, 1))) };
        const dequantized = new Float32Array(values.length);
        for (let i = 0; i < values.length; i++) dequantized[i] = Math.fround(quantized[i] * scales[Math.floor(i / inner) % channels]);
        const name = fresh(`${base}__int8_dequantized`);
        newInitializers.push(float32Tensor(name, [...weight.dims], dequantized));
        weightDq.set(weight.tensor, name);
        return name;
      }
      const intName = fresh(`${base}__int8`);
      const scaleName = fresh(`${base}__scale`);
      const zeroName = fresh(`${base}__zero_point`);
      const dq = fresh(`${base}__dq`);
      const scaleDims = axis === null ? [] : [channels];
      newInitializers.push(
        int8Tensor(intName, [...weight.dims], quantized),
        float32Tensor(scaleName, scaleDims, scales),
        int8Tensor(zeroName, scaleDims, new Int8Array(channels)),
      );
      prefix.push({
        input: [intName, scaleName, zeroName],
        output: [dq],
        name: fresh(`${base}_DequantizeLinear`),
        opType: 'DequantizeLinear',
        domain: nodeDomain,
        attribute: axis === null ? [] : [attr('axis', { i: axis })],
      });
      weightDq.set(weight.tensor, dq);
      return dq;
    };

    const castPair = (input: string, output: string): NodeProto[] => {
      const half = fresh(`${output}__fp16`);
      return [
        { input: [input], output: [half], name: fresh(`${output}_CastToFp16`), opType: 'Cast', domain: '', attribute: [attr('to', { i: DataType.FLOAT16 })] },
        { input: [half], output: [output], name: fresh(`${output}_CastToFp32`), opType: 'Cast', domain: '', attribute: [attr('to', { i: DataType.FLOAT })] },
      ];
    };

    const roundActivationToFp16 = (tensor: string): string => {
      const existing = fp16Rounded.get(tensor);
      if (existing) return existing;
      const rounded = fresh(`${tensor}__fp16r`);
      place(tensor, castPair(tensor, rounded));
      fp16Rounded.set(tensor, rounded);
      return rounded;
    };

    const roundConstantToFp16 = (tensor: string): string => {
      const existing = fp16Rounded.get(tensor);
      if (existing) return existing;
      const source = graph.constantTensor(tensor)!;
      const name = fresh(`${tensor}__fp16r`);
      newInitializers.push(float32Tensor(name, [...source.dims], roundToFloat16(tensorToFloat32(source), new Float32Array(source.dims.reduce((a, b) => a * b, 1)))));
      fp16Rounded.set(tensor, name);
      return name;
    };

    /** The tensor a layer reads: `reduced`, or with switchable, Where(switch, reduced, original). */
    const choose = (layer: Layer, reduced: string, original: string, placeAfter: (nodes: NodeProto[]) => void): string => {
      if (!options.switchable) return reduced;
      const selected = fresh(`${original}__${layer.ordinal}_${layer.opType}_selected`);
      placeAfter([{ input: [switchInput(layer), reduced, original], output: [selected], name: fresh(`${selected}_Where`), opType: 'Where', domain: '', attribute: [] }]);
      return selected;
    };

    for (const [nodeIndex, r] of layersHere) {
      const node: GraphNode = graph.nodes[nodeIndex];
      const layer = r.layer;
      // Reduced-precision inputs: activations through Q/DQ (or float16 rounding), constants replaced by their
      // quantized (or float16-rounded) values.
      const inputs = [...node.inputs];
      const constantsReduced = [...node.inputs];
      inputs.forEach((name, i) => {
        if (name === '') return;
        const isWeight = layer.weight !== undefined && i === layer.weight.inputIndex;
        if (layer.activationInputs.includes(name) && !isWeight) {
          const reduced = r.precision === 'int8' ? quantizeActivation(name, layer, r.entry?.activationAmax) : roundActivationToFp16(name);
          inputs[i] = choose(layer, reduced, name, (n) => place(name, n));
          constantsReduced[i] = inputs[i];
        } else if (r.precision === 'int8' ? isWeight : graph.constantTensor(name) !== undefined) {
          constantsReduced[i] = r.precision === 'int8' ? quantizeWeight(layer) : roundConstantToFp16(name);
          if (!options.switchable) inputs[i] = constantsReduced[i];
        }
      });
      const output = node.outputs[0];
      const constantsChanged = constantsReduced.some((name, i) => name !== inputs[i]);
      const list = after.get(nodeIndex) ?? [];
      if (options.switchable && (constantsChanged || r.precision === 'fp16')) {
        // Switchable: the layer runs twice — original constants and reduced constants, both constant so ONNX
        // Runtime prepacks them — and a Where picks the result (weights behind a Where would not be constant).
        const original = fresh(`${output}__original`);
        const reducedRaw = fresh(`${output}__reduced`);
        rewritten.set(nodeIndex, [
          { ...node.proto, input: inputs, output: [original, ...node.outputs.slice(1)] },
          { ...node.proto, name: fresh(`${node.name || output}_reduced`), input: constantsReduced, output: [reducedRaw] },
        ]);
        let reducedOut = reducedRaw;
        if (r.precision === 'fp16') {
          reducedOut = fresh(`${output}__fp16r`);
          list.unshift(...castPair(reducedRaw, reducedOut));
        }
        list.splice(r.precision === 'fp16' ? 2 : 0, 0, { input: [switchInput(layer), reducedOut, original], output: [output], name: fresh(`${output}_Where`), opType: 'Where', domain: '', attribute: [] });
      } else if (r.precision === 'fp16') {
        const raw = fresh(`${output}__fp32`);
        rewritten.set(nodeIndex, [{ ...node.proto, input: inputs, output: [raw, ...node.outputs.slice(1)] }]);
        list.unshift(...castPair(raw, output));
      } else {
        rewritten.set(nodeIndex, [{ ...node.proto, input: inputs }]);
      }
      after.set(nodeIndex, list);
    }

    const transformNode = (node: GraphNode, proto: NodeProto): NodeProto => {
      if (node.subgraphs.length === 0) return proto;
      const replaced = new Map(node.subgraphs.map((s) => [s.attribute, transformGraph(s.graph)]));
      return {
        ...proto,
        attribute: proto.attribute.map((a) => {
          if (a.g) return { ...a, g: replaced.get(a.name)! };
          if (a.graphs) return { ...a, graphs: a.graphs.map((_, i) => replaced.get(`${a.name}[${i}]`)!) };
          return a;
        }),
      };
    };

    const nodes: NodeProto[] = [];
    const body: NodeProto[] = [];
    for (const index of graph.topologicalOrder) {
      const node = graph.nodes[index];
      for (const proto of rewritten.get(index) ?? [node.proto]) body.push(transformNode(node, proto));
      body.push(...(after.get(index) ?? []));
    }
    nodes.push(...prefix, ...body);
    return { ...graph.proto, node: nodes, initializer: [...graph.proto.initializer, ...newInitializers] };
  };

  const graph = transformGraph(root);
  const opsetImport = [...model.opsetImport];
  if (nodeDomain === 'com.microsoft' && activations.length + weightScales.size > 0 && !opsetImport.some((o) => o.domain === 'com.microsoft')) {
    opsetImport.push({ domain: 'com.microsoft', version: 1 });
  }
  const switchInputs = [...switches.values()].map((name) => ({ name, type: { tensorType: { elemType: DataType.BOOL, shape: [] } } }));
  return {
    model: { ...model, opsetImport, graph: switchInputs.length ? { ...graph, input: [...graph.input, ...switchInputs] } : graph },
    qdqDomain,
    activations,
    weightScales,
    precisionByLayer,
    switches,
  };
}
