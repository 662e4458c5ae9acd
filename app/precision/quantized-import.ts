/**
 * Quantized models in (issue 3, part 5). A model that is already quantized — static Q/DQ (QAT, TFLite via tf2onnx,
 * ModelOpt, ORT quantize_static; per tensor or per channel, int8 or uint8) or dynamic int8 (ORT quantize_dynamic:
 * DynamicQuantizeLinear + ConvInteger/MatMulInteger) — is recognised, its float twin is derived (float-twin.ts), and
 * the quantization it applied becomes the initial precision plan, so "which Q/DQ pair hurts" is an ordinary analysis
 * of the twin under that plan.
 *
 * Decisions (see also float-twin.ts):
 *   - Activation scales are recorded exactly as the original stored them and keyed by the float tensor of the twin
 *     that the original's dequantized consumers now read (the QuantizeLinear input, or the end of a
 *     Q→Transpose/Squeeze/…→DQ chain). `amax` is the symmetric equivalent TensorRT needs:
 *     max(|(qmin − zp)·s|, |(qmax − zp)·s|) — for an asymmetric ReLU6 range (int8 zp −128) that is the whole
 *     [0, 255·s] span, so TensorRT's symmetric int8 has about half the original's resolution there (`asymmetric`).
 *   - A layer ran in int8 in the original when every activation input it reads was dequantized from a static
 *     quantization (weighted layers also need their weight stored quantized), or when it was a ConvInteger/
 *     MatMulInteger. Dynamic layers have no static activation range: the plan marks them int8 without
 *     activationAmax, so the analysis calibrates them (as TensorRT would need).
 *   - plan.activationAmax is one value per layer. When a layer's inputs had different scales (a residual Add of two
 *     differently quantized branches), the plan takes the LARGEST amax by default: no input clips, the finer input
 *     gets a coarser step than in the original. `multiInputAmax: 'calibrate'` leaves such layers without override
 *     instead, so the per-tensor ranges of `importedActivationRanges()` (or calibration) apply per input.
 *   - A uint8/int8 model output (a quantized softmax) becomes float in the twin, under the same name: the analysis
 *     compares float outputs, and argmax is unchanged (dequantization is monotonic). The output quantization is
 *     recorded with role 'output'.
 *   - The uint8 input conversion (DequantizeLinear of a graph input) stays in the twin; it is recorded with role
 *     'input' because the first layer ran on exactly those levels.
 */
import { Graph } from '../model/graph';
import { dataTypeName } from '../onnx/data-types';
import type { ModelProto, NodeProto } from '../onnx/proto';
import {
  deriveFloatTwin,
  isAsymmetric,
  removeDynamicQuantization,
  symmetricAmax,
  type FoldedQuantizedConstant,
  type RemovedActivationQuantization,
} from './float-twin';
import { discoverLayers, type Layer } from './layers';
import type { CalibratorName, PlanLayerEntry, PrecisionPlan } from './plan';

export interface ImportedActivation {
  /** The FLOAT tensor of the twin (what the twin's layers read). */
  tensor: string;
  scale: number;
  zeroPoint: number;
  quantizedType: 'int8' | 'uint8' | string;
  /** Symmetric equivalent: max(|(qmin − zp)·s|, |(qmax − zp)·s|) (per-channel: the largest over channels). */
  amax: number;
  /** The representable range is not symmetric around 0 (more than one step off). */
  asymmetric: boolean;
  perChannel: boolean;
  /** 'activation' (a removed Q→DQ pair), 'input' (the kept input conversion), 'output' (a quantized graph output, float in the twin). */
  role: 'activation' | 'input' | 'output';
  /** The tensor the QuantizeLinear read, when the twin's layers read it through a movement chain (e.g. a Transpose). */
  quantizedFrom?: string;
  /** QuantizeLinear (or input DequantizeLinear) node of the original. */
  node: string;
  axis?: number;
  scales?: number[];
  zeroPoints?: number[];
}

export interface ImportedWeight {
  /** Twin initializer name. */
  tensor: string;
  quantizedType: string;
  /** Per-channel axis (in the twin tensor's dims), or null for one scale. */
  axis: number | null;
  /** Number of scales. */
  channels: number;
}

export interface ImportedLayerInput {
  tensor: string;
  /** The original's static range for this input (null: none — dynamic quantization or a float input). */
  amax: number | null;
  quantization: 'static' | 'dynamic' | 'none';
}

export interface QuantizedImport {
  kind: 'float' | 'qdq' | 'dynamic-int8' | 'mixed';
  /** The model itself when kind === 'float'. */
  floatTwin: ModelProto;
  /** Static activation quantization found, keyed by the FLOAT tensor name in the twin (what the twin's layers read). */
  activations: ImportedActivation[];
  /** Weights (and other constants) that were stored quantized, by twin initializer name. */
  weights: ImportedWeight[];
  /** Per layer (stable id in the twin, from discoverLayers on the twin) the precision the original ran it in. */
  layerPrecisions: Record<string, 'int8' | 'fp32'>;
  /** Per layer of the twin: each activation input and the static range it had in the original. */
  layerInputs: Record<string, ImportedLayerInput[]>;
  /** What could not be imported and why; also the decisions a user should know about. */
  notes: string[];
  summary: { qdqPairsRemoved: number; constantsFolded: number; dynamicQuantizeNodes: number; integerOps: number };
}

const STANDARD = (domain: string) => domain === '' || domain === 'ai.onnx';
const QDQ_DOMAINS = (domain: string) => STANDARD(domain) || domain === 'com.microsoft';
const DYNAMIC_OPS = new Set(['DynamicQuantizeLinear', 'ConvInteger', 'MatMulInteger']);
/** Operator-oriented (QOperator) and fused quantized ops of ONNX / ONNX Runtime that the twin cannot turn into float. */
const UNSUPPORTED_QUANTIZED = new Set([
  'QLinearConv',
  'QLinearMatMul',
  'QGemm',
  'QAttention',
  'QEmbedLayerNormalization',
  'DynamicQuantizeMatMul',
  'MatMulIntegerToFloat',
  'DynamicQuantizeLSTM',
  'QOrderedMatMul',
  'QOrderedAttention',
  'MatMulNBits',
  'MatMulBnb4',
  'GatherBlockQuantized',
]);
const isUnsupportedQuantized = (n: NodeProto) => UNSUPPORTED_QUANTIZED.has(n.opType) || (n.opType.startsWith('QLinear') && (n.domain === 'com.microsoft' || STANDARD(n.domain)));

const MOVEMENT = new Set(['Transpose', 'Squeeze', 'Unsqueeze', 'Reshape', 'Flatten', 'Identity']);

function toImported(r: RemovedActivationQuantization, tensor: string): ImportedActivation {
  const amax = r.perChannel
    ? Math.max(...r.scales!.map((s, c) => symmetricAmax(s, r.zeroPoints![c], r.quantizedType)))
    : symmetricAmax(r.scale, r.zeroPoint, r.quantizedType);
  const imported: ImportedActivation = {
    tensor,
    scale: r.scale,
    zeroPoint: r.zeroPoint,
    quantizedType: dataTypeName(r.quantizedType),
    amax,
    asymmetric: r.perChannel ? r.zeroPoints!.some((z) => isAsymmetric(z, r.quantizedType)) : isAsymmetric(r.zeroPoint, r.quantizedType),
    perChannel: r.perChannel,
    role: r.role,
    node: r.node,
  };
  if (tensor !== r.tensor) imported.quantizedFrom = r.tensor;
  if (r.perChannel) {
    imported.axis = r.axis;
    imported.scales = r.scales;
    imported.zeroPoints = r.zeroPoints;
  }
  return imported;
}

const toWeight = (w: FoldedQuantizedConstant): ImportedWeight => ({ tensor: w.tensor, quantizedType: dataTypeName(w.quantizedType), axis: w.axis, channels: w.channels });

export function importQuantizedModel(model: ModelProto, graph: Graph): QuantizedImport {
  const notes: string[] = [];
  let hasStatic = false;
  let hasDynamic = false;
  const unsupported = new Map<string, number>();
  for (const g of graph.allGraphs()) {
    for (const node of g.nodes) {
      const n = node.proto;
      if ((n.opType === 'QuantizeLinear' || n.opType === 'DequantizeLinear') && QDQ_DOMAINS(n.domain)) hasStatic = true;
      else if (DYNAMIC_OPS.has(n.opType) && STANDARD(n.domain)) hasDynamic = true;
      else if (isUnsupportedQuantized(n)) {
        unsupported.set(n.opType, (unsupported.get(n.opType) ?? 0) + 1);
        if (n.opType.startsWith('QLinear') || n.opType === 'QGemm' || n.opType === 'QAttention') hasStatic = true;
        else hasDynamic = true;
      }
    }
  }
  for (const [op, count] of unsupported) {
    notes.push(`${count} ${op} node(s) cannot be imported (integer kernels with built-in requantization, or packed low-bit weights): the twin keeps them, and their layers are neither discovered nor planned.`);
  }
  const kind: QuantizedImport['kind'] = hasStatic && hasDynamic ? 'mixed' : hasStatic ? 'qdq' : hasDynamic ? 'dynamic-int8' : 'float';

  const summary = { qdqPairsRemoved: 0, constantsFolded: 0, dynamicQuantizeNodes: 0, integerOps: 0 };
  let twin = model;
  let twinGraph = graph;
  const dynamicLayers = new Map<string, string>(); // twin layer output -> activation tensor it read quantized per inference
  const weights: ImportedWeight[] = [];
  if (hasDynamic) {
    const dynamic = removeDynamicQuantization(twin, twinGraph);
    twin = dynamic.model;
    twinGraph = new Graph(twin.graph);
    summary.dynamicQuantizeNodes = dynamic.dynamicQuantizeNodes;
    summary.integerOps = dynamic.integerOps;
    notes.push(...dynamic.notes);
    for (const layer of dynamic.layers) {
      dynamicLayers.set(layer.output, layer.activation);
      weights.push(toWeight(layer.weight));
    }
  }
  let inputQuantization = new Map<string, Map<string, RemovedActivationQuantization>>();
  const activations: ImportedActivation[] = [];
  const quantizedConstants = new Set<string>(weights.map((w) => w.tensor));
  if (hasStatic) {
    const twinResult = deriveFloatTwin(twin, twinGraph);
    twin = twinResult.model;
    twinGraph = new Graph(twin.graph);
    summary.qdqPairsRemoved = twinResult.removedPairs;
    summary.constantsFolded = twinResult.foldedConstants;
    notes.push(...twinResult.notes);
    inputQuantization = twinResult.inputQuantization;
    for (const r of twinResult.activations) {
      for (const tensor of r.role === 'output' ? [r.tensor] : r.readBy) activations.push(toImported(r, tensor));
    }
    for (const w of twinResult.weights) {
      weights.push(toWeight(w));
      quantizedConstants.add(w.tensor);
    }
    const outputs = twinResult.activations.filter((r) => r.role === 'output');
    if (outputs.length > 0) {
      notes.push(
        `Quantized model output(s) ${outputs.map((r) => `'${r.readBy[0]}' (${dataTypeName(r.quantizedType)}, scale ${r.scale}, zero point ${r.zeroPoint})`).join(', ')} ` +
          'are float32 in the twin (same name): the twin outputs the values the original quantized; argmax is unchanged.',
      );
    }
    if (twinResult.keptInputConversions > 0) {
      notes.push(`${twinResult.keptInputConversions} input conversion(s) (DequantizeLinear of a graph input) stay in the twin: the model still takes its quantized input.`);
    }
  }

  // Static records by the twin tensor they describe (first one wins; per-consumer records come first anyway).
  const byTensor = new Map<string, ImportedActivation>();
  for (const a of activations) if (a.role !== 'output' && !byTensor.has(a.tensor)) byTensor.set(a.tensor, a);
  const layers = discoverLayers(twinGraph);
  const layerPrecisions: Record<string, 'int8' | 'fp32'> = {};
  const layerInputs: Record<string, ImportedLayerInput[]> = {};
  const staticAmax = (layer: Layer, tensor: string): number | null => {
    const perConsumer = inputQuantization.get(layer.output)?.get(tensor);
    if (perConsumer) return toImported(perConsumer, tensor).amax;
    // Through float movement ops the twin kept after a dequantization (DQ → Flatten → Gemm).
    let name = tensor;
    for (let hops = 0; hops < 8; hops++) {
      const found = byTensor.get(name);
      if (found) return found.amax;
      const p = twinGraph.values.get(name)?.producer;
      const producer = p === undefined ? undefined : twinGraph.nodes[p];
      if (!producer || !MOVEMENT.has(producer.opType) || !STANDARD(producer.domain)) break;
      name = producer.inputs[0];
    }
    return null;
  };
  let floatWeightLayers = 0;
  let dynamicCount = 0;
  for (const layer of layers) {
    if (layer.graphPath !== '') {
      layerPrecisions[layer.id] = 'fp32';
      layerInputs[layer.id] = layer.activationInputs.map((tensor) => ({ tensor, amax: null, quantization: 'none' }));
      continue;
    }
    const dynamicActivation = dynamicLayers.get(layer.output);
    if (dynamicActivation !== undefined) {
      dynamicCount++;
      layerPrecisions[layer.id] = 'int8';
      layerInputs[layer.id] = layer.activationInputs.map((tensor) => {
        const amax = tensor === dynamicActivation ? null : staticAmax(layer, tensor);
        return { tensor, amax, quantization: tensor === dynamicActivation ? 'dynamic' : amax === null ? 'none' : 'static' };
      });
      continue;
    }
    const inputs: ImportedLayerInput[] = layer.activationInputs.map((tensor) => {
      const amax = staticAmax(layer, tensor);
      return { tensor, amax, quantization: amax === null ? 'none' : 'static' };
    });
    layerInputs[layer.id] = inputs;
    const allStatic = inputs.length > 0 && inputs.every((i) => i.quantization === 'static');
    const weightQuantized = !layer.weight || quantizedConstants.has(layer.weight.tensor);
    if (allStatic && !weightQuantized) floatWeightLayers++;
    layerPrecisions[layer.id] = allStatic && weightQuantized ? 'int8' : 'fp32';
  }
  if (floatWeightLayers > 0) {
    notes.push(`${floatWeightLayers} layer(s) read dequantized activations but float weights; TensorRT runs those in float, so they are fp32 in the import.`);
  }
  if (dynamicCount > 0) {
    notes.push(
      `${dynamicCount} layer(s) ran in int8 with per-inference (dynamic, uint8 asymmetric) activation scales: there is no static range to import, ` +
        'so their plan entries are int8 without activationAmax and the analysis calibrates their inputs (TensorRT needs static scales).',
    );
  }
  const differing = layers.filter((l) => {
    const amaxes = (layerInputs[l.id] ?? []).map((i) => i.amax).filter((a): a is number => a !== null);
    return layerPrecisions[l.id] === 'int8' && amaxes.length > 1 && Math.max(...amaxes) - Math.min(...amaxes) > 1e-6 * Math.max(...amaxes);
  });
  if (differing.length > 0) {
    notes.push(
      `${differing.length} int8 layer(s) read inputs quantized with different scales (e.g. '${differing[0].id}'); a plan holds one activationAmax per layer, ` +
        'so planFromImport uses the largest (no input clips; the others get a coarser step than in the original) unless asked to calibrate them per tensor.',
    );
  }

  return {
    kind,
    floatTwin: kind === 'float' ? model : twin,
    activations,
    weights,
    layerPrecisions,
    layerInputs,
    notes,
    summary,
  };
}

export interface PlanFromImportOptions {
  /**
   * Layers whose inputs had different static ranges: 'max' (default) sets activationAmax to the largest;
   * 'calibrate' sets no override, so each input gets its own range from the analysis (importedActivationRanges()
   * supplies the original's per-tensor values, or calibration does).
   */
  multiInputAmax?: 'max' | 'calibrate';
  /** Calibrator for the layers the import has no static range for (dynamic int8). Default 'entropy'. */
  calibrator?: CalibratorName;
}

/**
 * The precision the original ran each layer in, as a plan over `layers` (discoverLayers of the twin): int8 where the
 * original ran int8 — with activationAmax = the original's static amax when every activation input had one,
 * without it (calibrated) for dynamic-int8 layers — and fp32 everywhere else (defaultPrecision 'fp32').
 */
export function planFromImport(imported: QuantizedImport, layers: readonly Layer[], options: PlanFromImportOptions = {}): PrecisionPlan {
  const entries: Record<string, PlanLayerEntry> = {};
  for (const layer of layers) {
    if (imported.layerPrecisions[layer.id] !== 'int8') continue;
    const inputs = imported.layerInputs[layer.id] ?? [];
    const amaxes = inputs.map((i) => i.amax);
    const entry: PlanLayerEntry = { precision: 'int8' };
    if (amaxes.length > 0 && amaxes.every((a): a is number => a !== null && a > 0 && Number.isFinite(a))) {
      const max = Math.max(...amaxes);
      const differ = max - Math.min(...amaxes) > 1e-6 * max;
      if (!differ || (options.multiInputAmax ?? 'max') === 'max') entry.activationAmax = max;
    }
    entries[layer.id] = entry;
  }
  return { schema: 'pwb.precision-plan', version: 1, defaultPrecision: 'fp32', calibrator: options.calibrator ?? 'entropy', layers: entries };
}

/** The original's static amax per twin tensor (activation and input roles), for use as per-tensor activation ranges. */
export function importedActivationRanges(imported: QuantizedImport): Map<string, number> {
  const ranges = new Map<string, number>();
  for (const a of imported.activations) if (a.role !== 'output' && !ranges.has(a.tensor)) ranges.set(a.tensor, a.amax);
  return ranges;
}
