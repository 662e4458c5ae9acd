/**
 * Quantized models in: small hand-built graphs for each pattern (static Q/DQ per tensor and per channel, int8 and
 * uint8, movement chains, fused activations, quantized outputs, dynamic int8 ConvInteger/MatMulInteger) — the twin's
 * structure, the exact dequantized weights, the recorded scales and the plan.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Graph } from '../../../app/model/graph';
import { DataType } from '../../../app/onnx/data-types';
import { decodeModel } from '../../../app/onnx/decode';
import { encodeModel } from '../../../app/onnx/encode';
import type { AttributeProto, ModelProto, NodeProto, TensorProto, ValueInfoProto } from '../../../app/onnx/proto';
import { float32Tensor, int8Tensor, tensorToFloat32 } from '../../../app/onnx/tensor-data';
import { isAsymmetric, symmetricAmax } from '../../../app/precision/float-twin';
import { discoverLayers } from '../../../app/precision/layers';
import { parsePlan } from '../../../app/precision/plan';
import { importQuantizedModel, importedActivationRanges, planFromImport } from '../../../app/precision/quantized-import';

// ---- tiny model builder ------------------------------------------------------------------------------------------
const f32 = (name: string, dims: number[], values: number[]) => float32Tensor(name, dims, Float32Array.from(values));
const i8 = (name: string, dims: number[], values: number[]) => int8Tensor(name, dims, Int8Array.from(values));
const u8 = (name: string, dims: number[], values: number[]): TensorProto => ({ name, dims, dataType: DataType.UINT8, rawData: Uint8Array.from(values) });
const i32 = (name: string, dims: number[], values: number[]): TensorProto => ({ name, dims, dataType: DataType.INT32, int32Data: values });
const i64 = (name: string, dims: number[], values: number[]): TensorProto => ({ name, dims, dataType: DataType.INT64, int64Data: values.map(BigInt) });
const ints = (name: string, values: number[]): AttributeProto => ({ name, type: 7, ints: values.map(BigInt) });
const int = (name: string, value: number): AttributeProto => ({ name, type: 2, i: BigInt(value) });
const node = (opType: string, input: string[], output: string[], name = output[0], attribute: AttributeProto[] = []): NodeProto => ({ opType, input, output, name, domain: '', attribute });
const info = (name: string, elemType: number, dims: number[]): ValueInfoProto => ({ name, type: { tensorType: { elemType, shape: dims.map((d) => ({ dimValue: d })) } } });
const model = (nodes: NodeProto[], initializer: TensorProto[], input: ValueInfoProto[], output: ValueInfoProto[], opset = 13): ModelProto => ({
  irVersion: 8,
  opsetImport: [{ domain: '', version: opset }],
  producerName: 'test',
  producerVersion: '',
  domain: '',
  modelVersion: 1,
  docString: '',
  graph: { name: 'g', node: nodes, initializer, input, output, valueInfo: [] },
  metadataProps: [],
});
const qdq = (x: string, scale: string, zp: string, tag: string): NodeProto[] => [
  node('QuantizeLinear', [x, scale, zp], [`${tag}_q`], `${tag}_QuantizeLinear`),
  node('DequantizeLinear', [`${tag}_q`, scale, zp], [`${tag}_dq`], `${tag}_DequantizeLinear`),
];
const ops = (m: ModelProto) => m.graph.node.map((n) => n.opType);
const count = (m: ModelProto, op: string) => ops(m).filter((o) => o === op).length;
const roundTrip = (m: ModelProto) => decodeModel(encodeModel(m));
/** Every node input of the main graph is produced, an initializer or a graph input. */
function assertWellFormed(m: ModelProto) {
  const known = new Set([...m.graph.input.map((i) => i.name), ...m.graph.initializer.map((t) => t.name), ...m.graph.node.flatMap((n) => n.output)]);
  for (const n of m.graph.node) for (const i of n.input) if (i) assert.ok(known.has(i), `'${n.name}' reads '${i}', which nothing defines`);
  for (const o of m.graph.output) assert.ok(known.has(o.name), `output '${o.name}' is not produced`);
  new Graph(roundTrip(m).graph);
}

/**
 * x → Q/DQ(0.05, int8 0) → Conv(W int8 per-channel [0.1,0.2,0.3], bias int32) → c1 → Q/DQ(0.1, int8 −10)
 *   → Conv(W2 int8 per-tensor 0.02) → c2 → Q/DQ(0.2, int8 0);  Add(c1_dq, c2_dq) → y
 */
function staticModel(): ModelProto {
  const w = [1, -2, 3, -4, 5, -6];
  const nodes = [
    ...qdq('x', 'sx', 'zx', 'x'),
    node('DequantizeLinear', ['w', 'sw', 'zw'], ['w_dq'], 'w_DequantizeLinear', [int('axis', 0)]),
    node('DequantizeLinear', ['b', 'sb'], ['b_dq'], 'b_DequantizeLinear', [int('axis', 0)]),
    node('Conv', ['x_dq', 'w_dq', 'b_dq'], ['c1'], 'conv1'),
    ...qdq('c1', 's1', 'z1', 'c1'),
    node('DequantizeLinear', ['w2', 'sw2', 'zw2'], ['w2_dq'], 'w2_DequantizeLinear'),
    node('Conv', ['c1_dq', 'w2_dq'], ['c2'], 'conv2'),
    ...qdq('c2', 's2', 'z2', 'c2'),
    node('Add', ['c1_dq', 'c2_dq'], ['y'], 'add'),
  ];
  const inits = [
    f32('sx', [], [0.05]),
    i8('zx', [], [0]),
    i8('w', [3, 2, 1, 1], w),
    f32('sw', [3], [0.1, 0.2, 0.3]),
    i8('zw', [3], [0, 0, 0]),
    i32('b', [3], [100, -200, 300]),
    f32('sb', [3], [0.005, 0.01, 0.015]),
    f32('s1', [], [0.1]),
    i8('z1', [], [-10]),
    i8('w2', [3, 3, 1, 1], [1, 2, 3, 4, 5, 6, 7, 8, 9]),
    f32('sw2', [], [0.02]),
    i8('zw2', [], [0]),
    f32('s2', [], [0.2]),
    i8('z2', [], [0]),
  ];
  return model(nodes, inits, [info('x', DataType.FLOAT, [1, 2, 4, 4])], [info('y', DataType.FLOAT, [1, 3, 4, 4])]);
}

test('static int8 Q/DQ: twin without Q/DQ, exact dequantized weights, scales recorded, every layer int8', () => {
  const original = staticModel();
  const imported = importQuantizedModel(original, new Graph(original.graph));
  assert.equal(imported.kind, 'qdq');
  const twin = imported.floatTwin;
  assert.deepEqual(ops(twin), ['Conv', 'Conv', 'Add']);
  assertWellFormed(twin);
  assert.deepEqual(imported.summary, { qdqPairsRemoved: 3, constantsFolded: 3, dynamicQuantizeNodes: 0, integerOps: 0 });

  const init = (name: string) => twin.graph.initializer.find((t) => t.name === name)!;
  const sw = [0.1, 0.2, 0.3].map(Math.fround);
  assert.deepEqual(Array.from(tensorToFloat32(init('w_dq'))), [1, -2, 3, -4, 5, -6].map((q, i) => Math.fround(q * sw[Math.floor(i / 2)])), 'per output channel');
  assert.deepEqual(Array.from(tensorToFloat32(init('b_dq'))), [Math.fround(100 * Math.fround(0.005)), Math.fround(-200 * Math.fround(0.01)), Math.fround(300 * Math.fround(0.015))]);
  const wEntry = imported.weights.find((w) => w.tensor === 'w_dq')!;
  assert.deepEqual(wEntry, { tensor: 'w_dq', quantizedType: 'int8', axis: 0, channels: 3 });
  assert.deepEqual(imported.weights.find((w) => w.tensor === 'w2_dq'), { tensor: 'w2_dq', quantizedType: 'int8', axis: null, channels: 1 });
  assert.equal(imported.weights.find((w) => w.tensor === 'b_dq')!.quantizedType, 'int32');

  const act = (tensor: string) => imported.activations.find((a) => a.tensor === tensor)!;
  assert.equal(act('x').scale, Math.fround(0.05));
  assert.equal(act('x').amax, 128 * Math.fround(0.05));
  assert.equal(act('x').asymmetric, false);
  assert.equal(act('c1').zeroPoint, -10);
  assert.equal(act('c1').amax, 137 * Math.fround(0.1), 'max(|(−128+10)·s|, |(127+10)·s|)');
  assert.equal(act('c1').asymmetric, true);
  assert.equal(act('c1').quantizedType, 'int8');
  assert.equal(act('c1').role, 'activation');

  const layers = discoverLayers(new Graph(twin.graph));
  assert.deepEqual(layers.map((l) => l.id), ['conv1|Conv#0', 'conv2|Conv#1', 'add|Add#0']);
  assert.deepEqual(imported.layerPrecisions, { 'conv1|Conv#0': 'int8', 'conv2|Conv#1': 'int8', 'add|Add#0': 'int8' });
  assert.deepEqual(imported.layerInputs['add|Add#0'].map((i) => i.amax), [137 * Math.fround(0.1), 128 * Math.fround(0.2)]);
  assert.ok(imported.notes.some((n) => /different scales/.test(n)));

  const plan = parsePlan(JSON.parse(JSON.stringify(planFromImport(imported, layers))));
  assert.equal(plan.defaultPrecision, 'fp32');
  assert.deepEqual(plan.layers['conv1|Conv#0'], { precision: 'int8', activationAmax: 128 * Math.fround(0.05) });
  assert.deepEqual(plan.layers['add|Add#0'], { precision: 'int8', activationAmax: 128 * Math.fround(0.2) }, 'the larger amax of the two inputs');
  const perTensor = planFromImport(imported, layers, { multiInputAmax: 'calibrate' });
  assert.deepEqual(perTensor.layers['add|Add#0'], { precision: 'int8' }, 'no override: per-tensor ranges apply');
  assert.equal(importedActivationRanges(imported).get('c1'), 137 * Math.fround(0.1));
});

test('amax and asymmetry follow the quantized type', () => {
  assert.equal(symmetricAmax(0.1, 0, DataType.INT8), 12.8);
  assert.equal(symmetricAmax(0.5, 128, DataType.UINT8), 64);
  assert.equal(symmetricAmax(0.5, 0, DataType.UINT8), 127.5);
  assert.equal(isAsymmetric(0, DataType.INT8), false);
  assert.equal(isAsymmetric(128, DataType.UINT8), false);
  assert.equal(isAsymmetric(0, DataType.UINT8), true);
  assert.equal(isAsymmetric(-128, DataType.INT8), true);
});

test('Q → Transpose → DQ: the layer reads the transposed float tensor, recorded under that name', () => {
  const nodes = [
    node('QuantizeLinear', ['x', 's', 'z'], ['xq'], 'q'),
    node('Transpose', ['xq'], ['xq_t'], 'transpose', [ints('perm', [0, 3, 1, 2])]),
    node('DequantizeLinear', ['xq_t', 's', 'z'], ['x_dq'], 'dq'),
    node('DequantizeLinear', ['w', 'sw'], ['w_dq'], 'w_dq'),
    node('Conv', ['x_dq', 'w_dq'], ['y'], 'conv'),
  ];
  const m = model(nodes, [f32('s', [], [0.25]), i8('z', [], [3]), i8('w', [1, 2, 1, 1], [10, -10]), f32('sw', [], [0.5])], [info('x', DataType.FLOAT, [1, 2, 2, 2])], [info('y', DataType.FLOAT, [1, 1, 2, 2])]);
  m.graph.valueInfo.push(info('xq_t', DataType.INT8, [1, 2, 2, 2]));
  const imported = importQuantizedModel(m, new Graph(m.graph));
  assert.deepEqual(ops(imported.floatTwin), ['Transpose', 'Conv']);
  assert.deepEqual(imported.floatTwin.graph.node[0].input, ['x']);
  assert.equal(imported.floatTwin.graph.valueInfo.length, 0, 'the int8 value_info of the transposed tensor is gone');
  assertWellFormed(imported.floatTwin);
  const a = imported.activations[0];
  assert.equal(a.tensor, 'xq_t');
  assert.equal(a.quantizedFrom, 'x');
  assert.equal(a.scale, 0.25);
  assert.equal(a.zeroPoint, 3);
  const layers = discoverLayers(new Graph(imported.floatTwin.graph));
  assert.equal(imported.layerPrecisions[layers[0].id], 'int8');
  assert.equal(planFromImport(imported, layers).layers[layers[0].id].activationAmax, 131 * 0.25);
});

test('DequantizeLinear of a transposed/reshaped constant folds into one float initializer the layer sees as a weight', () => {
  const nodes = [
    ...qdq('x', 's', 'z', 'x'),
    node('Transpose', ['w'], ['w_t'], 'w_transpose', [ints('perm', [1, 0])]),
    node('Reshape', ['w_t', 'shape'], ['w_r'], 'w_reshape'),
    node('DequantizeLinear', ['w_r', 'sw', 'zw'], ['w_dq'], 'w_dq', [int('axis', 0)]),
    node('Conv', ['x_dq', 'w_dq'], ['y'], 'conv'),
  ];
  // w is [2 (cin), 3 (cout)]; transposed to [3, 2] and reshaped to [3, 2, 1, 1]; per-output-channel scales on axis 0.
  const inits = [f32('s', [], [0.1]), i8('z', [], [0]), i8('w', [2, 3], [1, 2, 3, 4, 5, 6]), i64('shape', [4], [3, 2, 1, 1]), f32('sw', [3], [1, 10, 100]), i8('zw', [3], [0, 0, 1])];
  const m = model(nodes, inits, [info('x', DataType.FLOAT, [1, 2, 1, 1])], [info('y', DataType.FLOAT, [1, 3, 1, 1])]);
  const imported = importQuantizedModel(m, new Graph(m.graph));
  assert.deepEqual(ops(imported.floatTwin), ['Conv']);
  const w = imported.floatTwin.graph.initializer.find((t) => t.name === 'w_dq')!;
  assert.deepEqual(w.dims, [3, 2, 1, 1]);
  assert.deepEqual(Array.from(tensorToFloat32(w)), [1, 4, 20, 50, 200, 500]);
  const layers = discoverLayers(new Graph(imported.floatTwin.graph));
  assert.equal(layers[0].weight?.tensor, 'w_dq');
  assert.equal(imported.layerPrecisions[layers[0].id], 'int8');
});

test('uint8 model: fused ReLU6/ReLU become explicit, the quantized softmax output becomes float', () => {
  const nodes = [
    node('DequantizeLinear', ['x', 'sin', 'zin'], ['x_dq'], 'input_dq'),
    node('DequantizeLinear', ['w', 'sw', 'zw'], ['w_dq'], 'w_dq'),
    node('Conv', ['x_dq', 'w_dq'], ['c1_pre'], 'conv1'),
    node('QuantizeLinear', ['c1_pre', 's6', 'z0'], ['c1'], 'c1_quantize'), // range [0, 6]: ReLU6 fused
    node('DequantizeLinear', ['c1', 's6', 'z0'], ['c1_dq'], 'c1_dequantize'),
    node('Conv', ['c1_dq', 'w_dq'], ['c2_pre'], 'conv2'),
    node('QuantizeLinear', ['c2_pre', 's10', 'z0'], ['c2'], 'c2_quantize'), // range [0, 10.2]: ReLU fused
    node('DequantizeLinear', ['c2', 's10', 'z0'], ['c2_dq'], 'c2_dequantize'),
    node('Relu', ['c2_dq'], ['r'], 'relu'),
    node('QuantizeLinear', ['r', 's10', 'z0'], ['rq'], 'r_quantize'), // already bounded by the Relu: nothing added
    node('DequantizeLinear', ['rq', 's10', 'z0'], ['r_dq'], 'r_dequantize'),
    node('Conv', ['r_dq', 'w_dq'], ['logits_pre'], 'conv3'),
    node('QuantizeLinear', ['logits_pre', 'slog', 'zlog'], ['logits'], 'logits_quantize'),
    node('DequantizeLinear', ['logits', 'slog', 'zlog'], ['logits_dq'], 'logits_dequantize'),
    node('Softmax', ['logits_dq'], ['prob_pre'], 'softmax'),
    node('QuantizeLinear', ['prob_pre', 'sprob', 'z0'], ['prob'], 'prob_quantize'),
  ];
  const inits = [
    f32('sin', [], [1 / 128]),
    u8('zin', [], [128]),
    u8('w', [2, 2, 1, 1], [130, 120, 128, 140]),
    f32('sw', [], [0.01]),
    u8('zw', [], [128]),
    f32('s6', [], [6 / 255]),
    f32('s10', [], [0.04]),
    u8('z0', [], [0]),
    f32('slog', [], [0.1]),
    u8('zlog', [], [80]),
    f32('sprob', [], [1 / 256]),
  ];
  const m = model(nodes, inits, [info('x', DataType.UINT8, [1, 2, 2, 2])], [info('prob', DataType.UINT8, [1, 2, 2, 2])], 16);
  const imported = importQuantizedModel(m, new Graph(m.graph));
  const twin = imported.floatTwin;
  assertWellFormed(twin);
  assert.deepEqual(ops(twin), ['DequantizeLinear', 'Conv', 'Clip', 'Conv', 'Relu', 'Relu', 'Conv', 'Softmax', 'Identity']);
  const clip = twin.graph.node[2];
  assert.deepEqual(clip.output, ['c1'], 'the activation takes the quantized tensor name');
  assert.deepEqual(clip.input.slice(1).map((n) => tensorToFloat32(twin.graph.initializer.find((t) => t.name === n)!)[0]), [0, 6]);
  assert.deepEqual(twin.graph.node[4].output, ['c2'], 'ReLU range not ending at 6: a Relu');
  assert.deepEqual(twin.graph.node[6].input[0], 'r', 'the explicit Relu already bounds r: the pair is just removed');
  assert.equal(twin.graph.output[0].type?.tensorType?.elemType, DataType.FLOAT, 'the twin outputs float probabilities');
  assert.ok(imported.notes.some((n) => /fused/.test(n)));
  assert.ok(imported.notes.some((n) => /'prob' \(uint8/.test(n)));

  const byRole = (role: string) => imported.activations.filter((a) => a.role === role);
  assert.deepEqual(byRole('input').map((a) => [a.tensor, a.scale, a.zeroPoint, a.quantizedType, a.amax]), [['x_dq', 1 / 128, 128, 'uint8', 1]]);
  assert.deepEqual(byRole('output').map((a) => [a.tensor, a.scale, a.zeroPoint]), [['prob_pre', 1 / 256, 0]]);
  const c1 = imported.activations.find((a) => a.tensor === 'c1')!;
  assert.equal(c1.quantizedFrom, 'c1_pre');
  assert.equal(c1.asymmetric, true);
  assert.equal(c1.amax, 255 * Math.fround(6 / 255));
  const layers = discoverLayers(new Graph(twin.graph));
  assert.deepEqual(layers.map((l) => imported.layerPrecisions[l.id]), ['int8', 'int8', 'int8'], 'the first conv reads the input conversion');
  assert.equal(imported.layerInputs[layers[0].id][0].amax, 1);
});

test('a Q/DQ pair around a non-movement op is kept and explained; the layer behind it stays fp32', () => {
  const nodes = [
    node('QuantizeLinear', ['x', 's', 'z'], ['xq'], 'q'),
    node('MaxPool', ['xq'], ['pooled'], 'int8_pool', [ints('kernel_shape', [2, 2])]),
    node('DequantizeLinear', ['pooled', 's', 'z'], ['p_dq'], 'dq'),
    node('DequantizeLinear', ['w', 'sw'], ['w_dq'], 'w_dq'),
    node('Conv', ['p_dq', 'w_dq'], ['y'], 'conv'),
  ];
  const m = model(nodes, [f32('s', [], [0.1]), i8('z', [], [0]), i8('w', [1, 1, 1, 1], [5]), f32('sw', [], [0.5])], [info('x', DataType.FLOAT, [1, 1, 2, 2])], [info('y', DataType.FLOAT, [1, 1, 1, 1])]);
  const imported = importQuantizedModel(m, new Graph(m.graph));
  assert.deepEqual(ops(imported.floatTwin), ['QuantizeLinear', 'MaxPool', 'DequantizeLinear', 'Conv']);
  assert.ok(imported.notes.some((n) => /QuantizeLinear 'q'.*kept.*MaxPool 'int8_pool'/.test(n)), imported.notes.join('\n'));
  assert.ok(imported.notes.some((n) => /DequantizeLinear 'dq' is kept/.test(n)));
  assert.deepEqual(imported.layerPrecisions, { 'int8_pool|MaxPool#0': 'fp32', 'conv|Conv#0': 'fp32' });
  assertWellFormed(imported.floatTwin);
});

test('per-channel activation quantization is recorded per channel, amax over channels', () => {
  const nodes = [node('QuantizeLinear', ['x', 's', 'z'], ['xq'], 'q', [int('axis', 1)]), node('DequantizeLinear', ['xq', 's', 'z'], ['x_dq'], 'dq', [int('axis', 1)]), node('Relu', ['x_dq'], ['y'], 'relu')];
  const m = model(nodes, [f32('s', [2], [0.5, 0.25]), i8('z', [2], [0, 10])], [info('x', DataType.FLOAT, [1, 2])], [info('y', DataType.FLOAT, [1, 2])]);
  const imported = importQuantizedModel(m, new Graph(m.graph));
  assert.deepEqual(ops(imported.floatTwin), ['Relu']);
  const a = imported.activations[0];
  assert.equal(a.perChannel, true);
  assert.deepEqual(a.scales, [0.5, 0.25]);
  assert.deepEqual(a.zeroPoints, [0, 10]);
  assert.equal(a.amax, 64);
  assert.equal(a.asymmetric, true);
});

/**
 * onnxruntime quantize_dynamic output: one DynamicQuantizeLinear feeding two ConvIntegers (uint8 weights with a zero
 * point; one with a Reshape'd bias, one without) and a MatMulInteger with per-column scales and zero points.
 */
function dynamicModel(): ModelProto {
  const nodes = [
    node('DynamicQuantizeLinear', ['x'], ['x_quantized', 'x_scale', 'x_zero_point'], 'x_QuantizeLinear'),
    node('Reshape', ['conv1.bias', 'bias_shape'], ['conv1_bias_reshape_output']),
    node('Mul', ['x_scale', 'conv1.weight_scale'], ['/conv1/Conv_quant_scales_mul:0'], '/conv1/Conv_quant_scales_mul'),
    node('ConvInteger', ['x_quantized', 'conv1.weight_quantized', 'x_zero_point', 'conv1.weight_zero_point'], ['c1_int'], '/conv1/Conv_quant', [ints('kernel_shape', [1, 1])]),
    node('Cast', ['c1_int'], ['c1_cast'], 'c1_cast', [int('to', DataType.FLOAT)]),
    node('Mul', ['c1_cast', '/conv1/Conv_quant_scales_mul:0'], ['c1_scaled'], '/conv1/Conv_quant_output_scale_mul'),
    node('Add', ['c1_scaled', 'conv1_bias_reshape_output'], ['/conv1/Conv_output_0'], 'c1_bias_add'),
    node('Mul', ['conv2.weight_scale', 'x_scale'], ['/conv2/Conv_quant_scales_mul:0'], '/conv2/Conv_quant_scales_mul'),
    node('ConvInteger', ['x_quantized', 'conv2.weight_quantized', 'x_zero_point', 'conv2.weight_zero_point'], ['c2_int'], '/conv2/Conv_quant'),
    node('Cast', ['c2_int'], ['c2_cast'], 'c2_cast', [int('to', DataType.FLOAT)]),
    node('Mul', ['/conv2/Conv_quant_scales_mul:0', 'c2_cast'], ['/conv2/Conv_output_0'], '/conv2/Conv_quant_output_scale_mul'),
    node('Add', ['/conv1/Conv_output_0', '/conv2/Conv_output_0'], ['sum'], 'residual'),
    node('Flatten', ['sum'], ['flat'], 'flatten'),
    node('DynamicQuantizeLinear', ['flat'], ['flat_quantized', 'flat_scale', 'flat_zero_point'], 'flat_QuantizeLinear'),
    node('Cast', ['flat_scale'], ['flat_scale_cast'], 'scale_cast', [int('to', DataType.FLOAT)]),
    node('Mul', ['flat_scale_cast', 'fc.weight_scale'], ['fc_scales'], '/fc/MatMul_quant_scales_mul'),
    node('MatMulInteger', ['flat_quantized', 'fc.weight_quantized', 'flat_zero_point', 'fc.weight_zero_point'], ['fc_int'], '/fc/MatMul_quant'),
    node('Cast', ['fc_int'], ['fc_cast'], 'fc_cast', [int('to', DataType.FLOAT)]),
    node('Mul', ['fc_cast', 'fc_scales'], ['fc_out'], '/fc/MatMul_quant_output_scale_mul'),
    node('Add', ['fc_out', 'fc.bias'], ['y'], '/fc/Add'),
  ];
  const inits = [
    u8('conv1.weight_quantized', [2, 2, 1, 1], [100, 200, 0, 255]),
    f32('conv1.weight_scale', [], [0.02]),
    u8('conv1.weight_zero_point', [], [120]),
    f32('conv1.bias', [2], [0.5, -0.5]),
    i64('bias_shape', [4], [1, -1, 1, 1]),
    i8('conv2.weight_quantized', [2, 2, 1, 1], [1, -1, 2, -2]),
    f32('conv2.weight_scale', [], [0.5]),
    i8('conv2.weight_zero_point', [], [0]),
    i8('fc.weight_quantized', [8, 3], Array.from({ length: 24 }, (_, i) => i - 12)),
    f32('fc.weight_scale', [3], [0.1, 0.2, 0.4]),
    i8('fc.weight_zero_point', [3], [0, 1, -1]),
    f32('fc.bias', [3], [1, 2, 3]),
  ];
  return model(nodes, inits, [info('x', DataType.FLOAT, [1, 2, 2, 2])], [info('y', DataType.FLOAT, [1, 3])], 17);
}

test('dynamic int8: ConvInteger/MatMulInteger become float Conv/MatMul with dequantized weights, the quantization goes', () => {
  const original = dynamicModel();
  const imported = importQuantizedModel(original, new Graph(original.graph));
  assert.equal(imported.kind, 'dynamic-int8');
  const twin = imported.floatTwin;
  assertWellFormed(twin);
  assert.deepEqual(ops(twin), ['Conv', 'Conv', 'Add', 'Flatten', 'MatMul', 'Add']);
  for (const op of ['DynamicQuantizeLinear', 'ConvInteger', 'MatMulInteger', 'Cast', 'Reshape']) assert.equal(count(twin, op), 0, op);
  assert.deepEqual(imported.summary, { qdqPairsRemoved: 0, constantsFolded: 0, dynamicQuantizeNodes: 2, integerOps: 3 });

  const [conv1, conv2, , , matmul] = twin.graph.node;
  assert.equal(conv1.name, '/conv1/Conv', "the quantizer's _quant suffix is dropped");
  assert.deepEqual(conv1.input, ['x', 'conv1.weight', 'conv1.bias'], 'the bias Add folds into the Conv; the original float bias is reused');
  assert.deepEqual(conv1.output, ['/conv1/Conv_output_0']);
  assert.deepEqual(conv1.attribute.map((a) => a.name), ['kernel_shape']);
  assert.deepEqual(conv2.input, ['x', 'conv2.weight']);
  assert.deepEqual(conv2.output, ['/conv2/Conv_output_0']);
  assert.deepEqual(matmul.input, ['flat', 'fc.weight']);
  assert.deepEqual(matmul.output, ['fc_out']);

  const init = (name: string) => Array.from(tensorToFloat32(twin.graph.initializer.find((t) => t.name === name)!));
  const f = Math.fround;
  assert.deepEqual(init('conv1.weight'), [100, 200, 0, 255].map((q) => f(f(q - 120) * f(0.02))));
  assert.deepEqual(init('conv2.weight'), [0.5, -0.5, 1, -1]);
  const scales = [0.1, 0.2, 0.4].map(f);
  assert.deepEqual(init('fc.weight'), Array.from({ length: 24 }, (_, i) => f(f(i - 12 - [0, 1, -1][i % 3]) * scales[i % 3])), 'per-column scales and zero points');
  assert.deepEqual(imported.weights.find((w) => w.tensor === 'fc.weight'), { tensor: 'fc.weight', quantizedType: 'int8', axis: 1, channels: 3 });
  assert.deepEqual(imported.weights.find((w) => w.tensor === 'conv1.weight'), { tensor: 'conv1.weight', quantizedType: 'uint8', axis: null, channels: 1 });

  const layers = discoverLayers(new Graph(twin.graph));
  assert.deepEqual(layers.map((l) => [l.id, imported.layerPrecisions[l.id]]), [
    ['/conv1/Conv|Conv#0', 'int8'],
    ['/conv2/Conv|Conv#1', 'int8'],
    ['residual|Add#0', 'fp32'],
    ['/fc/MatMul|MatMul#0', 'int8'],
  ]);
  assert.deepEqual(imported.layerInputs['/conv1/Conv|Conv#0'], [{ tensor: 'x', amax: null, quantization: 'dynamic' }]);
  assert.equal(imported.activations.length, 0);
  assert.ok(imported.notes.some((n) => /3 layer\(s\) ran in int8 with per-inference/.test(n)));
  const plan = planFromImport(imported, layers);
  assert.deepEqual(plan.layers, { '/conv1/Conv|Conv#0': { precision: 'int8' }, '/conv2/Conv|Conv#1': { precision: 'int8' }, '/fc/MatMul|MatMul#0': { precision: 'int8' } });
});

test('dynamic int8 with a per-channel Conv weight scale reshaped to [1, C, 1, 1]', () => {
  const nodes = [
    node('DynamicQuantizeLinear', ['x'], ['xq', 'xs', 'xz'], 'dql'),
    node('Mul', ['xs', 'ws'], ['scales'], 'conv_quant_scales_mul'),
    node('Reshape', ['scales', 'shape'], ['scales_r'], 'scales_reshape'),
    node('ConvInteger', ['xq', 'wq', 'xz'], ['ci'], 'conv_quant'),
    node('Cast', ['ci'], ['cf'], 'cast', [int('to', DataType.FLOAT)]),
    node('Mul', ['cf', 'scales_r'], ['y'], 'out_mul'),
  ];
  const m = model(nodes, [i8('wq', [2, 1, 1, 1], [10, 10]), f32('ws', [2], [0.5, 2]), i64('shape', [4], [1, -1, 1, 1])], [info('x', DataType.FLOAT, [1, 1, 1, 1])], [info('y', DataType.FLOAT, [1, 2, 1, 1])]);
  const imported = importQuantizedModel(m, new Graph(m.graph));
  assert.deepEqual(ops(imported.floatTwin), ['Conv']);
  assert.deepEqual(Array.from(tensorToFloat32(imported.floatTwin.graph.initializer.find((t) => t.name === 'wq_float')!)), [5, 20]);
  assert.deepEqual(imported.weights[0], { tensor: 'wq_float', quantizedType: 'int8', axis: 0, channels: 2 });
});

test('a ConvInteger that does not follow the pattern is kept and explained', () => {
  const nodes = [node('ConvInteger', ['x', 'wq'], ['ci'], 'conv_quant'), node('Cast', ['ci'], ['y'], 'cast', [int('to', DataType.FLOAT)])];
  const m = model(nodes, [i8('wq', [1, 1, 1, 1], [3])], [info('x', DataType.UINT8, [1, 1, 1, 1])], [info('y', DataType.FLOAT, [1, 1, 1, 1])]);
  const imported = importQuantizedModel(m, new Graph(m.graph));
  assert.deepEqual(ops(imported.floatTwin), ['ConvInteger', 'Cast']);
  assert.ok(imported.notes.some((n) => /ConvInteger 'conv_quant' is kept.*DynamicQuantizeLinear/.test(n)), imported.notes.join('\n'));
});

test('a float model is its own twin; QLinear ops are reported as not importable', () => {
  const float = model([node('Relu', ['x'], ['y'], 'relu')], [], [info('x', DataType.FLOAT, [1])], [info('y', DataType.FLOAT, [1])]);
  const imported = importQuantizedModel(float, new Graph(float.graph));
  assert.equal(imported.kind, 'float');
  assert.equal(imported.floatTwin, float);
  assert.deepEqual(imported.notes, []);
  assert.deepEqual(planFromImport(imported, []).layers, {});

  const qlinear = model(
    [node('QLinearConv', ['x', 's', 'z', 'w', 's', 'z', 's', 'z'], ['y'], 'qconv')],
    [f32('s', [], [1]), u8('z', [], [0]), u8('w', [1, 1, 1, 1], [1])],
    [info('x', DataType.UINT8, [1, 1, 1, 1])],
    [info('y', DataType.UINT8, [1, 1, 1, 1])],
  );
  const q = importQuantizedModel(qlinear, new Graph(qlinear.graph));
  assert.equal(q.kind, 'qdq');
  assert.ok(q.notes.some((n) => /1 QLinearConv node\(s\) cannot be imported/.test(n)));
  assert.deepEqual(ops(q.floatTwin), ['QLinearConv']);
});

test('mixed: static Q/DQ and dynamic int8 in one model are both removed', () => {
  const base = dynamicModel();
  // A static pair on the residual sum, read by the Flatten.
  const nodes = base.graph.node.flatMap((n) => (n.name === 'flatten' ? [...qdq('sum', 'ss', 'zs', 'sum'), { ...n, input: ['sum_dq'] }] : [n]));
  const m: ModelProto = { ...base, graph: { ...base.graph, node: nodes, initializer: [...base.graph.initializer, f32('ss', [], [0.3]), i8('zs', [], [0])] } };
  const imported = importQuantizedModel(m, new Graph(m.graph));
  assert.equal(imported.kind, 'mixed');
  assert.deepEqual(ops(imported.floatTwin), ['Conv', 'Conv', 'Add', 'Flatten', 'MatMul', 'Add']);
  assert.equal(imported.summary.qdqPairsRemoved, 1);
  assert.deepEqual(imported.activations.map((a) => [a.tensor, a.scale]), [['sum', Math.fround(0.3)]]);
  assertWellFormed(imported.floatTwin);
});
