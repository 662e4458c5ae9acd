/**
 * Opset upgrade of the default ONNX domain to opset 13, the first opset whose DequantizeLinear takes a per-channel
 * `axis` (needed for TensorRT explicit quantization with per-channel weights). Models from opset 7 to 12 are
 * rewritten node by node; the result computes the same function (verified on ONNX Runtime against the original
 * on the real models in ../shared/data, see test/main/export/opset-upgrade.test.ts).
 *
 * What changes between opsets 7 and 13 for the ops models use, and what is done about it:
 *   - attributes that became inputs: Slice starts/ends/axes (10), Clip min/max (11), Pad pads/value (11), TopK k
 *     (10), Squeeze/Unsqueeze/ReduceSum axes (13), Split split (13), Dropout ratio (12) → constant initializers;
 *   - Upsample (deprecated at 10) and Resize-10 → Resize-13 with coordinate_transformation_mode "asymmetric" and,
 *     for nearest, the nearest_mode that matches: ONNX Runtime's pre-11 nearest rounds down on upsampled axes and
 *     up on downsampled ones, so "floor" when no axis needs ceil, "ceil" when no axis needs floor (axes at scale 1
 *     or 1/integer need neither); scales that need both, or that are not constants, are refused.
 *     (ONNX's own Resize_10_11 adapter leaves the opset-11 default "half_pixel", which changes results.)
 *   - Resize-11/12 "tf_half_pixel_for_nn" (removed at 13) → "half_pixel" with the nearest_mode that gives the
 *     same index (floor → round_prefer_ceil, round_prefer_floor → ceil); other combinations are refused.
 *   - Softmax/LogSoftmax/Hardmax before 13 flatten the input to 2-D at `axis`; from 13 they normalize along one
 *     axis. Identical only when the axis is the last one (provable from the inferred rank, or axis = -1); otherwise
 *     the old semantics are spelled out as Flatten → op(axis=-1) → Reshape(Shape(x)), exact for every rank.
 *   - BatchNormalization before 9: `spatial` must be 1 (per-activation BN is refused); training outputs must be
 *     unused. Dropout before 10: its mask (type T then, bool later) must be unused.
 *   - Scatter (deprecated at 11) → ScatterElements (same semantics). Scan before 9 (batch axis) is refused.
 *   - every other op used here is checked against a list of ops whose changes up to 13 are only new types, negative
 *     axes or new attributes whose defaults keep the old behaviour; an op on neither list is refused by name.
 * Other domains (com.microsoft, ai.onnx.ml, …) are left as they are. Subgraphs (If/Loop/Scan) are upgraded too.
 */
import { WorkbenchError } from '../errors';
import { Graph, type GraphNode } from '../model/graph';
import { DataType, dataTypeName } from './data-types';
import { float32ToFloat16Bits } from './float16';
import type { AttributeProto, GraphProto, ModelProto, NodeProto, TensorProto } from './proto';
import { float32Tensor, tensorToFloat32 } from './tensor-data';
import { TensorFactsTable } from './tensor-ranks';

export const UPGRADE_TARGET_OPSET = 13;
export const UPGRADE_MIN_SOURCE_OPSET = 7;
/** IR version 7 is the first that may import opset 13. */
const MIN_IR_VERSION = 7;

export interface OpsetUpgradeResult {
  model: ModelProto;
  fromOpset: number;
  toOpset: number;
  /** One line per rewritten node, in graph order. Empty when only the opset number changed. */
  changes: string[];
}

/**
 * Ops whose schema changes from opset 7 up to 13 are backward compatible (type additions, negative axes,
 * optional inputs, new attributes with old-behaviour defaults): ONNX's version converter registers them as
 * CompatibleAdapter, or they were introduced at or after opset 7 unchanged in meaning.
 */
const COMPATIBLE = new Set([
  'Abs', 'Acos', 'Acosh', 'Add', 'And', 'ArgMax', 'ArgMin', 'Asin', 'Asinh', 'Atan', 'Atanh', 'AveragePool',
  'BitShift', 'Cast', 'Ceil', 'Celu', 'Compress', 'Concat', 'ConcatFromSequence', 'Constant', 'ConstantOfShape', 'Conv',
  'ConvInteger', 'ConvTranspose', 'Cos', 'Cosh', 'CumSum', 'DepthToSpace', 'DequantizeLinear', 'Det', 'Div',
  'DynamicQuantizeLinear', 'Einsum', 'Elu', 'Equal', 'Erf', 'Exp', 'Expand', 'EyeLike', 'Flatten', 'Floor', 'GRU',
  'Gather', 'GatherElements', 'GatherND', 'Gemm', 'GlobalAveragePool', 'GlobalLpPool', 'GlobalMaxPool', 'Greater',
  'GreaterOrEqual', 'HardSigmoid', 'Identity', 'If', 'InstanceNormalization', 'IsInf', 'IsNaN', 'LRN', 'LSTM',
  'LeakyRelu', 'Less', 'LessOrEqual', 'Log', 'Loop', 'LpNormalization', 'LpPool', 'MatMul', 'MatMulInteger', 'Max',
  'MaxPool', 'MaxRoiPool', 'MaxUnpool', 'Mean', 'MeanVarianceNormalization', 'Min', 'Mod', 'Mul', 'Multinomial',
  'Neg', 'NonMaxSuppression', 'NonZero', 'Not', 'OneHot', 'Or', 'PRelu', 'Pow', 'QLinearConv', 'QLinearMatMul',
  'QuantizeLinear', 'RNN', 'RandomNormal', 'RandomNormalLike', 'RandomUniform', 'RandomUniformLike', 'Range',
  'Reciprocal', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceMax', 'ReduceMean', 'ReduceMin',
  'ReduceProd', 'ReduceSumSquare', 'Relu', 'Reshape', 'ReverseSequence', 'RoiAlign', 'Round', 'ScatterElements',
  'ScatterND', 'Selu', 'SequenceAt', 'SequenceConstruct', 'SequenceEmpty', 'SequenceErase', 'SequenceInsert',
  'SequenceLength', 'Shape', 'Shrink', 'Sigmoid', 'Sign', 'Sin', 'Sinh', 'Size', 'Softplus', 'Softsign',
  'SpaceToDepth', 'SplitToSequence', 'Sqrt', 'StringNormalizer', 'Sub', 'Sum', 'Tan', 'Tanh', 'TfIdfVectorizer',
  'ThresholdedRelu', 'Tile', 'Transpose', 'Unique', 'Where', 'Xor',
]);

interface Context {
  fromOpset: number;
  changes: string[];
  fresh(base: string): string;
}

function upgradeError(message: string): WorkbenchError {
  return new WorkbenchError('onnx', 'OPSET_UPGRADE_UNSUPPORTED', message);
}

function nodeLabel(node: GraphNode | NodeProto, graphPath: string): string {
  const proto = 'proto' in node ? node.proto : node;
  const name = proto.name ? `'${proto.name}'` : `(unnamed, output '${proto.output[0] ?? ''}')`;
  return `${proto.opType} node ${name}${graphPath ? ` in ${graphPath}` : ''}`;
}

function attr(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute.find((a) => a.name === name);
}

function withoutAttrs(node: NodeProto, names: string[]): AttributeProto[] {
  return node.attribute.filter((a) => !names.includes(a.name));
}

function stringAttr(node: NodeProto, name: string): string | undefined {
  const a = attr(node, name);
  return a?.s ? new TextDecoder().decode(a.s) : undefined;
}

function makeStringAttr(name: string, value: string): AttributeProto {
  return { name, type: 3, s: new TextEncoder().encode(value) };
}

function makeIntAttr(name: string, value: number): AttributeProto {
  return { name, type: 2, i: BigInt(value) };
}

function int64Vector(name: string, values: readonly bigint[]): TensorProto {
  return { name, dims: [values.length], dataType: DataType.INT64, int64Data: [...values] };
}

/** A scalar of a float type (the type Clip/Pad constants must share with their data input). */
function floatScalar(name: string, dataType: number, value: number): TensorProto {
  if (dataType === DataType.FLOAT) return float32Tensor(name, [], new Float32Array([value]));
  if (dataType === DataType.DOUBLE) return { name, dims: [], dataType, doubleData: [value] };
  if (dataType === DataType.FLOAT16) return { name, dims: [], dataType, rawData: new Uint8Array(new Uint16Array([float32ToFloat16Bits(value)]).buffer) };
  throw upgradeError(`cannot build a ${dataTypeName(dataType)} constant`);
}

/** Drops trailing empty optional inputs ('' at the end). */
function trimInputs(inputs: string[]): string[] {
  const out = [...inputs];
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

function isUsed(graph: Graph, name: string | undefined): boolean {
  if (!name) return false;
  const value = graph.values.get(name);
  return !!value && (value.consumers.length > 0 || value.isGraphOutput);
}

/** Float element type of a data input for Clip/Pad constants (these ops only accept float types before 11/12). */
function floatTypeOf(facts: TensorFactsTable, name: string, node: GraphNode, ctx: Context, graphPath: string): number {
  const t = facts.get(name).elemType;
  if (t === DataType.FLOAT || t === DataType.FLOAT16 || t === DataType.DOUBLE) return t;
  if (t === undefined) {
    // Clip-6 and Pad-2 accept only float16/float/double; float32 is the only one models use in practice. A wrong
    // guess cannot go unnoticed: the upgraded model then fails type checking when it is loaded.
    ctx.changes.push(`${nodeLabel(node, graphPath)}: input type unknown, constants written as float32`);
    return DataType.FLOAT;
  }
  throw upgradeError(`${nodeLabel(node, graphPath)}: input '${name}' has type ${dataTypeName(t)}, which this op did not accept before opset 11`);
}

/** Scales of an Upsample/Resize-10 node when constant: the attribute (Upsample-7) or a constant input. */
function constantScales(graph: Graph, node: GraphNode, inputIndex: number): number[] | undefined {
  const a = attr(node.proto, 'scales');
  if (a?.floats) return [...a.floats];
  const name = node.inputs[inputIndex];
  const tensor = name ? graph.constantTensor(name) : undefined;
  return tensor ? Array.from(tensorToFloat32(tensor)) : undefined;
}

/**
 * The opset-13 nearest_mode that reproduces ONNX Runtime's pre-11 nearest rounding for these scales, if one does.
 * Pre-11 ONNX Runtime rounds per axis: down (floor) when the axis is upsampled, up (ceil) when it is downsampled.
 * Axes with scale 1, or downscaled by an exact 1/integer, land on integer coordinates, where both agree.
 */
function legacyNearestMode(scales: readonly number[]): 'floor' | 'ceil' | undefined {
  let needsFloor = false;
  let needsCeil = false;
  for (const s of scales) {
    if (!(s > 0) || !Number.isFinite(s)) return undefined;
    if (s > 1) needsFloor = true;
    else if (s < 1) {
      const inverse = 1 / s;
      if (Math.abs(inverse - Math.round(inverse)) > 1e-6 * inverse) needsCeil = true;
    }
  }
  if (needsFloor && needsCeil) return undefined;
  return needsCeil ? 'ceil' : 'floor';
}

function upgradeNode(graph: Graph, facts: TensorFactsTable, node: GraphNode, ctx: Context): { nodes: NodeProto[]; initializers: TensorProto[] } {
  const proto = node.proto;
  const from = ctx.fromOpset;
  const label = nodeLabel(node, graph.path);
  const keep = { nodes: [proto], initializers: [] as TensorProto[] };
  const base = proto.name || proto.output[0] || proto.opType;
  const note = (what: string) => ctx.changes.push(`${label}: ${what}`);
  const initializers: TensorProto[] = [];
  const constantInput = (suffix: string, make: (name: string) => TensorProto): string => {
    const name = ctx.fresh(`${base}__${suffix}`);
    initializers.push(make(name));
    return name;
  };
  const ints = (name: string) => attr(proto, name)?.ints;
  const op = proto.opType;

  switch (op) {
    case 'Clip': {
      if (from >= 11) return keep;
      const min = attr(proto, 'min')?.f;
      const max = attr(proto, 'max')?.f;
      const type = min !== undefined || max !== undefined ? floatTypeOf(facts, proto.input[0], node, ctx, graph.path) : DataType.FLOAT;
      const inputs = [proto.input[0], min !== undefined ? constantInput('min', (n) => floatScalar(n, type, min)) : '', max !== undefined ? constantInput('max', (n) => floatScalar(n, type, max)) : ''];
      note(`min/max attributes → inputs (${min ?? '-inf'}, ${max ?? '+inf'})`);
      return { nodes: [{ ...proto, input: trimInputs(inputs), attribute: withoutAttrs(proto, ['min', 'max']) }], initializers };
    }
    case 'Pad': {
      if (from >= 11) return keep;
      const pads = ints('pads');
      if (!pads) throw upgradeError(`${label}: no 'pads' attribute`);
      const value = attr(proto, 'value')?.f ?? 0;
      const inputs = [proto.input[0], constantInput('pads', (n) => int64Vector(n, pads))];
      if (value !== 0) {
        const type = floatTypeOf(facts, proto.input[0], node, ctx, graph.path);
        inputs.push(constantInput('value', (n) => floatScalar(n, type, value)));
      }
      note('pads/value attributes → inputs');
      return { nodes: [{ ...proto, input: inputs, attribute: withoutAttrs(proto, ['pads', 'value']) }], initializers };
    }
    case 'Slice': {
      if (from >= 10) return keep;
      const starts = ints('starts');
      const ends = ints('ends');
      if (!starts || !ends || starts.length !== ends.length) throw upgradeError(`${label}: 'starts'/'ends' attributes missing or of different lengths`);
      const axes = ints('axes');
      const inputs = [proto.input[0], constantInput('starts', (n) => int64Vector(n, starts)), constantInput('ends', (n) => int64Vector(n, ends))];
      if (axes) inputs.push(constantInput('axes', (n) => int64Vector(n, axes)));
      note('starts/ends/axes attributes → inputs');
      return { nodes: [{ ...proto, input: inputs, attribute: withoutAttrs(proto, ['starts', 'ends', 'axes']) }], initializers };
    }
    case 'Squeeze':
    case 'Unsqueeze':
    case 'ReduceSum': {
      if (from >= 13) return keep;
      const axes = ints('axes');
      if (!axes) {
        if (op === 'Unsqueeze') throw upgradeError(`${label}: no 'axes' attribute`);
        return { nodes: [{ ...proto, attribute: withoutAttrs(proto, ['axes']) }], initializers };
      }
      note('axes attribute → input');
      return { nodes: [{ ...proto, input: [proto.input[0], constantInput('axes', (n) => int64Vector(n, axes))], attribute: withoutAttrs(proto, ['axes']) }], initializers };
    }
    case 'Split': {
      if (from >= 13) return keep;
      const split = ints('split');
      if (!split) return { nodes: [{ ...proto, input: [proto.input[0]] }], initializers };
      note('split attribute → input');
      return { nodes: [{ ...proto, input: [proto.input[0], constantInput('split', (n) => int64Vector(n, split))], attribute: withoutAttrs(proto, ['split']) }], initializers };
    }
    case 'TopK': {
      if (from >= 10) return keep;
      const k = attr(proto, 'k')?.i;
      if (k === undefined) throw upgradeError(`${label}: no 'k' attribute`);
      note('k attribute → input');
      return { nodes: [{ ...proto, input: [proto.input[0], constantInput('k', (n) => int64Vector(n, [k]))], attribute: withoutAttrs(proto, ['k']) }], initializers };
    }
    case 'Dropout': {
      if (from >= 12) return keep;
      if (from < 10 && isUsed(graph, proto.output[1])) {
        throw upgradeError(`${label}: its mask output '${proto.output[1]}' is used; before opset 10 the mask had the data type, from 10 it is bool — cannot convert safely`);
      }
      const ratio = attr(proto, 'ratio')?.f ?? 0.5;
      const outputs = isUsed(graph, proto.output[1]) ? proto.output : [proto.output[0]];
      note('ratio attribute → input (inference: identity)');
      return { nodes: [{ ...proto, input: [proto.input[0], constantInput('ratio', (n) => float32Tensor(n, [], new Float32Array([ratio])))], output: outputs, attribute: withoutAttrs(proto, ['ratio', 'is_test']) }], initializers };
    }
    case 'BatchNormalization': {
      if (from >= 9) return keep;
      const spatial = attr(proto, 'spatial')?.i;
      if (spatial !== undefined && spatial !== 1n) throw upgradeError(`${label}: spatial=${spatial} (per-activation normalization) has no opset-13 equivalent`);
      if (proto.output.slice(1).some((o) => isUsed(graph, o))) throw upgradeError(`${label}: its training-mode outputs are used`);
      note('spatial attribute removed');
      return { nodes: [{ ...proto, output: [proto.output[0]], attribute: withoutAttrs(proto, ['spatial', 'is_test']) }], initializers };
    }
    case 'Upsample':
    case 'Resize': {
      if (op === 'Resize' && from >= 11) return upgradeResize11(graph, node, ctx, label);
      const mode = stringAttr(proto, 'mode') ?? 'nearest';
      if (mode !== 'nearest' && mode !== 'linear') throw upgradeError(`${label}: mode '${mode}' is not supported before opset 11`);
      const scalesInputIndex = 1;
      let scalesName = proto.input[scalesInputIndex];
      const scalesAttr = attr(proto, 'scales')?.floats;
      if (scalesAttr) scalesName = constantInput('scales', (n) => float32Tensor(n, [scalesAttr.length], Float32Array.from(scalesAttr)));
      if (!scalesName) throw upgradeError(`${label}: no scales`);
      const attributes = [makeStringAttr('mode', mode), makeStringAttr('coordinate_transformation_mode', 'asymmetric')];
      let nearestMode: string | undefined;
      if (mode === 'nearest') {
        const scales = scalesAttr ? [...scalesAttr] : constantScales(graph, node, scalesInputIndex);
        if (!scales) throw upgradeError(`${label}: nearest resize with non-constant scales: its pre-11 rounding (down when upsampling, up when downsampling) cannot be expressed in opset 13 without knowing the scales`);
        nearestMode = legacyNearestMode(scales);
        if (!nearestMode) throw upgradeError(`${label}: nearest resize with scales [${scales.join(', ')}] rounds down on upsampled and up on downsampled axes before opset 11; no single opset-13 nearest_mode does both`);
        attributes.push(makeStringAttr('nearest_mode', nearestMode));
      }
      note(`${op === 'Upsample' ? 'Upsample → Resize' : 'Resize-10 → Resize-13'} (asymmetric${nearestMode ? `, nearest_mode ${nearestMode}` : ''})`);
      return { nodes: [{ ...proto, opType: 'Resize', input: [proto.input[0], '', scalesName], attribute: attributes }], initializers };
    }
    case 'Softmax':
    case 'LogSoftmax':
    case 'Hardmax': {
      if (from >= 13) return keep;
      const axis = Number(attr(proto, 'axis')?.i ?? 1n);
      const rank = facts.get(proto.input[0]).rank;
      const normalized = rank !== undefined && axis < 0 ? axis + rank : axis;
      if (axis === -1 || (rank !== undefined && normalized === rank - 1)) {
        return { nodes: [{ ...proto, attribute: [...withoutAttrs(proto, ['axis']), makeIntAttr('axis', normalized === -1 ? -1 : normalized)] }], initializers };
      }
      // Old semantics spelled out: coerce to 2-D at `axis`, normalize each row, restore the shape.
      const flat = ctx.fresh(`${base}__2d`);
      const shape = ctx.fresh(`${base}__input_shape`);
      const result = ctx.fresh(`${base}__2d_out`);
      note(`axis ${axis} is not provably the last axis${rank === undefined ? ' (rank unknown)' : ` of rank ${rank}`}: pre-13 semantics kept as Flatten → ${op}(axis=-1) → Reshape`);
      return {
        nodes: [
          { input: [proto.input[0]], output: [shape], name: ctx.fresh(`${base}__Shape`), opType: 'Shape', domain: '', attribute: [] },
          { input: [proto.input[0]], output: [flat], name: ctx.fresh(`${base}__Flatten`), opType: 'Flatten', domain: '', attribute: [makeIntAttr('axis', axis)] },
          { ...proto, input: [flat], output: [result], attribute: [...withoutAttrs(proto, ['axis']), makeIntAttr('axis', -1)] },
          { input: [result, shape], output: [proto.output[0]], name: ctx.fresh(`${base}__Reshape`), opType: 'Reshape', domain: '', attribute: [] },
        ],
        initializers,
      };
    }
    case 'Scatter': {
      note('Scatter (deprecated at 11) → ScatterElements');
      return { nodes: [{ ...proto, opType: 'ScatterElements' }], initializers };
    }
    case 'Scan':
      if (from < 9) throw upgradeError(`${label}: Scan before opset 9 has a batch axis that Scan-9+ does not; cannot convert safely`);
      return keep;
    default:
      if (COMPATIBLE.has(op)) return keep;
      throw upgradeError(`${label}: no rule to upgrade ${op} from opset ${from} to ${UPGRADE_TARGET_OPSET} (not an op this converter knows to be unchanged); export at the model's opset is not possible for per-channel Q/DQ`);
  }
}

/** Resize-11/12 → 13: tf_half_pixel_for_nn was removed; an empty scales input next to sizes becomes ''. */
function upgradeResize11(graph: Graph, node: GraphNode, ctx: Context, label: string): { nodes: NodeProto[]; initializers: TensorProto[] } {
  const proto = node.proto;
  if (ctx.fromOpset >= 13) return { nodes: [proto], initializers: [] };
  let attributes = proto.attribute;
  const inputs = [...proto.input];
  const transform = stringAttr(proto, 'coordinate_transformation_mode');
  if (transform === 'tf_half_pixel_for_nn') {
    const nearest = stringAttr(proto, 'nearest_mode') ?? 'round_prefer_floor';
    // x_in = (x_out + 0.5)/s. With half_pixel x_in' = x_in − 0.5: floor(x_in) = round_prefer_ceil(x_in'),
    // round_prefer_floor(x_in) = ceil(x_in − 0.5) = ceil(x_in').
    const mapped = nearest === 'floor' ? 'round_prefer_ceil' : nearest === 'round_prefer_floor' ? 'ceil' : undefined;
    if (!mapped) throw upgradeError(`${label}: coordinate_transformation_mode 'tf_half_pixel_for_nn' with nearest_mode '${nearest}' has no opset-13 equivalent`);
    attributes = [...withoutAttrs(proto, ['coordinate_transformation_mode', 'nearest_mode']), makeStringAttr('coordinate_transformation_mode', 'half_pixel'), makeStringAttr('nearest_mode', mapped)];
    ctx.changes.push(`${label}: tf_half_pixel_for_nn (removed at 13) → half_pixel with nearest_mode ${mapped}`);
  }
  if (inputs.length > 3 && inputs[3]) {
    const scales = inputs[2] ? graph.constantTensor(inputs[2]) : undefined;
    if (scales && scales.dims.reduce((a, b) => a * b, 1) === 0) inputs[2] = '';
  }
  return { nodes: [{ ...proto, input: inputs, attribute: attributes }], initializers: [] };
}

function collectNames(model: ModelProto): Set<string> {
  const names = new Set<string>();
  const visit = (g: GraphProto) => {
    for (const v of [...g.input, ...g.output, ...g.valueInfo]) names.add(v.name);
    for (const t of g.initializer) names.add(t.name);
    for (const n of g.node) {
      names.add(n.name);
      n.input.forEach((i) => names.add(i));
      n.output.forEach((o) => names.add(o));
      for (const a of n.attribute) {
        if (a.g) visit(a.g);
        a.graphs?.forEach(visit);
      }
    }
  };
  visit(model.graph);
  return names;
}

/** The default-domain opset a model imports, 0 when it imports none. */
export function importedDefaultOpset(model: ModelProto): number {
  return model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0;
}

/**
 * Rewrites `model` (not modified) to default-domain opset 13. Models already at 13 or later come back unchanged
 * (same object). Throws OPSET_UPGRADE_UNSUPPORTED naming the node when a node cannot be converted exactly.
 */
export function upgradeToOpset13(model: ModelProto): OpsetUpgradeResult {
  const fromOpset = importedDefaultOpset(model);
  if (fromOpset >= UPGRADE_TARGET_OPSET) return { model, fromOpset, toOpset: fromOpset, changes: [] };
  if (fromOpset < UPGRADE_MIN_SOURCE_OPSET) {
    throw upgradeError(`the model imports opset ${fromOpset || '(none)'}; upgrades start at opset ${UPGRADE_MIN_SOURCE_OPSET} (older opsets use legacy broadcasting attributes)`);
  }
  const taken = collectNames(model);
  const ctx: Context = {
    fromOpset,
    changes: [],
    fresh(base: string) {
      let name = base;
      for (let i = 1; taken.has(name); i++) name = `${base}_${i}`;
      taken.add(name);
      return name;
    },
  };

  const upgradeGraph = (graph: Graph, facts: TensorFactsTable): GraphProto => {
    const nodes: NodeProto[] = [];
    const initializers: TensorProto[] = [];
    for (const node of graph.nodes) {
      const isDefault = node.domain === '' || node.domain === 'ai.onnx';
      const rewritten = isDefault ? upgradeNode(graph, facts, node, ctx) : { nodes: [node.proto], initializers: [] };
      initializers.push(...rewritten.initializers);
      for (const proto of rewritten.nodes) {
        if (proto !== node.proto || node.subgraphs.length === 0) {
          nodes.push(proto);
          continue;
        }
        const replaced = new Map(node.subgraphs.map((s) => [s.attribute, upgradeGraph(s.graph, facts.child(s.graph))]));
        nodes.push({
          ...proto,
          attribute: proto.attribute.map((a) => {
            if (a.g) return { ...a, g: replaced.get(a.name)! };
            if (a.graphs) return { ...a, graphs: a.graphs.map((_, i) => replaced.get(`${a.name}[${i}]`)!) };
            return a;
          }),
        });
      }
    }
    return { ...graph.proto, node: nodes, initializer: [...graph.proto.initializer, ...initializers] };
  };

  const root = new Graph(model.graph);
  const graph = upgradeGraph(root, new TensorFactsTable(root));
  const opsetImport = model.opsetImport.map((o) => (o.domain === '' || o.domain === 'ai.onnx' ? { ...o, version: UPGRADE_TARGET_OPSET } : o));
  return {
    model: { ...model, irVersion: Math.max(model.irVersion, MIN_IR_VERSION), opsetImport, graph },
    fromOpset,
    toOpset: UPGRADE_TARGET_OPSET,
    changes: ctx.changes,
  };
}
