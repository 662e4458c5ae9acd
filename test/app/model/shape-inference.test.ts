import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Graph } from '../../../app/model/graph';
import { estimateActivationBytes, inferShapes, largestActivations } from '../../../app/model/shape-inference';
import { decodeModel } from '../../../app/onnx/decode';
import type { ValueInfoProto } from '../../../app/onnx/proto';
import { DataType, GraphBuilder, encode, seededRandom, valueInfo } from '../../../fixtures/onnx-builder';

const builder = () => new GraphBuilder(seededRandom(3));

/** Encodes and decodes the model, so initializers arrive as raw_data views like a real file's. */
function graphOf(b: GraphBuilder, inputs: ValueInfoProto[], opset = 13, outputs: ValueInfoProto[] = []): Graph {
  return new Graph(decodeModel(encode(b.model(inputs, outputs, opset))).graph);
}

const floatInput = (name: string, dims: (number | string)[]) => valueInfo(name, DataType.FLOAT, dims);

function weight(b: GraphBuilder, name: string, dims: number[]): string {
  return b.constant(name, dims, new Float32Array(dims.reduce((x, y) => x * y, 1)));
}

test('Conv: SAME_UPPER with strides and dilations gives ceil(in / stride); explicit pads use the dilated kernel', () => {
  const b = builder();
  const w = weight(b, 'w', [8, 3, 3, 3]);
  const same = b.node('Conv', ['x', w], { auto_pad: 'SAME_UPPER', strides: [2, 2], dilations: [2, 2] });
  const lower = b.node('Conv', ['x', w], { auto_pad: 'SAME_LOWER', strides: [3, 1] });
  const padded = b.node('Conv', ['x', w], { pads: [1, 1, 1, 1], dilations: [2, 3] });
  const valid = b.node('Conv', ['x', w], { auto_pad: 'VALID', strides: [2, 2] });
  const shapes = inferShapes(graphOf(b, [floatInput('x', ['n', 3, 15, 17])]), { x: [1, 3, 15, 17] });
  assert.deepEqual(shapes.get(same), [1, 8, 8, 9]);
  assert.deepEqual(shapes.get(lower), [1, 8, 5, 17]);
  // 15 + 2 - (2·2 + 1) + 1 = 13; 17 + 2 - (3·2 + 1) + 1 = 13
  assert.deepEqual(shapes.get(padded), [1, 8, 13, 13]);
  assert.deepEqual(shapes.get(valid), [1, 8, 7, 8]);
});

test('Conv groups and ConvTranspose with output_padding', () => {
  const b = builder();
  const depthwise = b.node('Conv', ['x', weight(b, 'dw', [4, 1, 3, 3])], { group: 4, pads: [1, 1, 1, 1], strides: [2, 2] });
  const up = b.node('ConvTranspose', [depthwise, weight(b, 'tw', [4, 3, 3, 3])], { strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] });
  const upGrouped = b.node('ConvTranspose', [depthwise, weight(b, 'tg', [4, 1, 2, 2])], { strides: [2, 2], group: 2 });
  const badGroup = b.node('Conv', ['x', weight(b, 'bad', [4, 3, 3, 3])], { group: 2 });
  const shapes = inferShapes(graphOf(b, [floatInput('x', [1, 4, 7, 7])]), { x: [1, 4, 7, 7] });
  assert.deepEqual(shapes.get(depthwise), [1, 4, 4, 4]);
  assert.deepEqual(shapes.get(up), [1, 3, 8, 8]); // 2·3 + 1 + 3 - 2
  assert.deepEqual(shapes.get(upGrouped), [1, 2, 8, 8]);
  assert.equal(shapes.get(badGroup), null);
});

test('pooling: ceil_mode rounds up but drops a window that would start in the end padding', () => {
  const b = builder();
  const floor = b.node('MaxPool', ['x'], { kernel_shape: [2, 2], strides: [2, 2] });
  const ceil = b.node('MaxPool', ['x'], { kernel_shape: [2, 2], strides: [2, 2], ceil_mode: 1 });
  const average = b.node('AveragePool', ['x'], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 });
  // 7 + 1 - 2 = 6 → ceil(6 / 3) + 1 = 3; the 3rd window starts at 6 < 7, inside the input: kept.
  const kept = b.node('MaxPool', ['x'], { kernel_shape: [2, 2], strides: [3, 3], pads: [0, 0, 1, 1], ceil_mode: 1 });
  const global = b.node('GlobalAveragePool', ['x']);
  // Runtimes disagree on SAME padding with dilation for pools (ONNX Runtime pads for the undilated kernel).
  const sameDilated = b.node('MaxPool', ['x'], { kernel_shape: [3, 3], strides: [2, 2], dilations: [2, 2], auto_pad: 'SAME_UPPER' });
  // 5 + 1 - 2 = 4 → ceil(4 / 3) + 1 = 3, but the 3rd window would start at 6 ≥ 5 + 0 (in the end padding): dropped.
  const dropped5 = b.node('MaxPool', ['y'], { kernel_shape: [2, 2], strides: [3, 3], pads: [0, 0, 1, 1], ceil_mode: 1 });
  const shapes = inferShapes(graphOf(b, [floatInput('x', [1, 2, 7, 7]), floatInput('y', [1, 2, 5, 5])]), { x: [1, 2, 7, 7], y: [1, 2, 5, 5] });
  assert.deepEqual(shapes.get(floor), [1, 2, 3, 3]);
  assert.deepEqual(shapes.get(ceil), [1, 2, 4, 4]);
  assert.deepEqual(shapes.get(average), [1, 2, 4, 4]);
  assert.deepEqual(shapes.get(kept), [1, 2, 3, 3]);
  assert.deepEqual(shapes.get(dropped5), [1, 2, 2, 2], 'checked against ONNX Runtime 1.30');
  assert.equal(shapes.get(sameDilated), null);
  assert.deepEqual(shapes.get(global), [1, 2, 1, 1]);
});

test('Reshape with 0 (copy) and -1 (infer), allowzero, and a mismatching element count', () => {
  const b = builder();
  const copy = b.node('Reshape', ['x', b.int64Constant('s1', [0, -1, 5])]);
  const flat = b.node('Reshape', ['x', b.int64Constant('s2', [-1])]);
  const zero = b.node('Reshape', ['x', b.int64Constant('s3', [0, 3, 4, 5])], { allowzero: 1 });
  const mismatch = b.node('Reshape', ['x', b.int64Constant('s4', [7, -1])]);
  const twoInferred = b.node('Reshape', ['x', b.int64Constant('s5', [-1, -1])]);
  const shapes = inferShapes(graphOf(b, [floatInput('x', [2, 3, 4, 5])], 14), { x: [2, 3, 4, 5] });
  assert.deepEqual(shapes.get(copy), [2, 12, 5]);
  assert.deepEqual(shapes.get(flat), [120]);
  assert.equal(shapes.get(zero), null, 'allowzero: 0 is a real zero, and 0 elements ≠ 120');
  assert.equal(shapes.get(mismatch), null);
  assert.equal(shapes.get(twoInferred), null);
});

test('Shape → Gather → Mul → Unsqueeze → Concat → Reshape (as exporters write it) is folded', () => {
  const b = builder();
  const shape = b.node('Shape', ['x']);
  const at = (i: number) => b.node('Gather', [shape, b.int64Constant(`i${i}`, [i], [])], { axis: 0 });
  const [n, c, h, w] = [0, 1, 2, 3].map(at);
  const hw = b.node('Mul', [h, w]);
  const axes = b.int64Constant('axes0', [0]);
  const parts = [n, c, hw].map((v) => b.node('Unsqueeze', [v, axes]));
  const target = b.node('Concat', parts, { axis: 0 });
  const reshaped = b.node('Reshape', ['x', target]);
  const transposed = b.node('Transpose', [reshaped], { perm: [0, 2, 1] });
  // Slice of the shape vector with INT64_MAX as end, then Cast and ConstantOfShape from it.
  const tail = b.node('Slice', [shape, b.int64Constant('st', [2]), b.int64Constant('en', [Number.MAX_SAFE_INTEGER * 1024])]);
  const filled = b.node('ConstantOfShape', [b.node('Cast', [tail], { to: DataType.INT64 })]);
  const shapes = inferShapes(graphOf(b, [floatInput('x', ['batch', 8, 'h', 'w'])]), { x: [1, 8, 6, 4] });
  assert.deepEqual(shapes.get(shape), [4]);
  assert.deepEqual(shapes.get(n), []);
  assert.deepEqual(shapes.get(target), [3]);
  assert.deepEqual(shapes.get(reshaped), [1, 8, 24]);
  assert.deepEqual(shapes.get(transposed), [1, 24, 8]);
  assert.deepEqual(shapes.get(tail), [2]);
  assert.deepEqual(shapes.get(filled), [6, 4]);
});

test('Resize / Upsample with constant scales (float32 product, truncated) or sizes', () => {
  const b = builder();
  const empty = b.constant('roi', [0], new Float32Array(0));
  const double = b.node('Resize', ['x', empty, b.constant('sc', [4], Float32Array.of(1, 1, 2, 2))], { mode: 'nearest' });
  const half = b.node('Resize', ['x', empty, b.constant('half', [4], Float32Array.of(1, 1, 0.5, 0.5))]);
  const sized = b.node('Resize', ['x', empty, b.constant('none', [0], new Float32Array(0)), b.int64Constant('sz', [1, 3, 9, 11])]);
  const resize10 = b.node('Resize', ['x', 'sc']);
  const shapes = inferShapes(graphOf(b, [floatInput('x', [1, 3, 5, 7])], 13), { x: [1, 3, 5, 7] });
  assert.deepEqual(shapes.get(double), [1, 3, 10, 14]);
  assert.deepEqual(shapes.get(half), [1, 3, 2, 3]);
  assert.deepEqual(shapes.get(sized), [1, 3, 9, 11]);
  assert.deepEqual(shapes.get(resize10), [1, 3, 10, 14]);
});

test('Split by num_outputs (last chunk smaller), by a split input, evenly, and an uneven even split', () => {
  const b = builder();
  b.node('Split', ['x'], { axis: 1, num_outputs: 3 }, 'by_count', ['a', 'b', 'c']);
  b.node('Split', ['x', b.int64Constant('parts', [2, 8])], { axis: 1 }, 'by_input', ['d', 'e']);
  b.node('Split', ['x'], { axis: -1 }, 'even', ['f', 'g']);
  b.node('Split', ['x'], { axis: 1 }, 'uneven', ['h', 'i', 'j']);
  const shapes = inferShapes(graphOf(b, [floatInput('x', [1, 10, 4])], 18), { x: [1, 10, 4] });
  assert.deepEqual(['a', 'b', 'c'].map((n) => shapes.get(n)), [[1, 4, 4], [1, 4, 4], [1, 2, 4]]);
  assert.deepEqual(['d', 'e'].map((n) => shapes.get(n)), [[1, 2, 4], [1, 8, 4]]);
  assert.deepEqual(['f', 'g'].map((n) => shapes.get(n)), [[1, 10, 2], [1, 10, 2]]);
  assert.deepEqual(['h', 'i', 'j'].map((n) => shapes.get(n)), [null, null, null]);
});

test('broadcasting, MatMul batch broadcast, Gemm transB, Concat, Slice with steps, Squeeze/Unsqueeze attributes', () => {
  const b = builder();
  const sum = b.node('Add', ['x', b.constant('bias', [4, 1], new Float32Array(4))]);
  const clash = b.node('Mul', ['x', b.constant('three', [3], new Float32Array(3))]);
  const where = b.node('Where', [b.node('Greater', ['x', 'x']), 'x', b.constant('one', [], Float32Array.of(1))]);
  const mm = b.node('MatMul', ['m', b.constant('mw', [5, 4, 6], new Float32Array(120))]);
  const vec = b.node('MatMul', ['m', b.constant('v', [4], new Float32Array(4))]);
  const gemm = b.node('Gemm', ['g', b.constant('gw', [7, 4], new Float32Array(28))], { transB: 1 });
  const cat = b.node('Concat', ['x', sum], { axis: -2 });
  const sliced = b.node('Slice', ['x', b.int64Constant('s0', [-1]), b.int64Constant('e0', [-Number.MAX_SAFE_INTEGER]), b.int64Constant('a0', [1]), b.int64Constant('p0', [-2])]);
  const squeezed = b.node('Squeeze', [b.node('Unsqueeze', ['x'], { axes: [0, -1] })], { axes: [0] });
  const reduced = b.node('ReduceMean', ['x'], { axes: [-1], keepdims: 0 });
  const kept = b.node('ReduceSum', ['x']);
  const flat = b.node('Flatten', ['m'], { axis: 2 });
  const shapes = inferShapes(graphOf(b, [floatInput('x', [2, 4, 5]), floatInput('m', [1, 3, 4]), floatInput('g', [2, 4])], 11), {
    x: [2, 4, 5],
    m: [1, 3, 4],
    g: [2, 4],
  });
  assert.deepEqual(shapes.get(sum), [2, 4, 5]);
  assert.equal(shapes.get(clash), null);
  assert.deepEqual(shapes.get(where), [2, 4, 5]);
  assert.deepEqual(shapes.get(mm), [5, 3, 6]);
  assert.deepEqual(shapes.get(vec), [1, 3]);
  assert.deepEqual(shapes.get(gemm), [2, 7]);
  assert.deepEqual(shapes.get(cat), [2, 8, 5]);
  assert.deepEqual(shapes.get(sliced), [2, 2, 5]); // indices 3, 1
  assert.deepEqual(shapes.get(squeezed), [2, 4, 5, 1]);
  assert.deepEqual(shapes.get(reduced), [2, 4]);
  assert.deepEqual(shapes.get(kept), [1, 1, 1]);
  assert.deepEqual(shapes.get(flat), [3, 4]);
});

test('Pad, Expand, Tile, TopK, ArgMax, DepthToSpace/SpaceToDepth, Range, LayerNormalization statistics', () => {
  const b = builder();
  const padded = b.node('Pad', ['x', b.int64Constant('pads', [0, 0, 1, 2, 0, 0, 3, 4])]);
  const expanded = b.node('Expand', [b.constant('col', [4, 1], new Float32Array(4)), b.int64Constant('es', [2, 1, 6])]);
  const tiled = b.node('Tile', ['x', b.int64Constant('reps', [1, 2, 1, 3])]);
  b.node('TopK', ['x', b.int64Constant('k', [3])], { axis: 1 }, 'topk', ['values', 'indices']);
  const arg = b.node('ArgMax', ['x'], { axis: -1, keepdims: 0 });
  const d2s = b.node('DepthToSpace', ['x'], { blocksize: 2 });
  const s2d = b.node('SpaceToDepth', ['x'], { blocksize: 2 });
  const range = b.node('Range', [b.int64Constant('r0', [2], []), b.int64Constant('r1', [11], []), b.int64Constant('r2', [3], [])]);
  b.node('LayerNormalization', ['x', b.constant('ls', [6], new Float32Array(6))], { axis: 2 }, 'ln', ['ln_y', 'ln_mean', 'ln_inv']);
  const shapes = inferShapes(graphOf(b, [floatInput('x', [1, 8, 4, 6])], 17), { x: [1, 8, 4, 6] });
  assert.deepEqual(shapes.get(padded), [1, 8, 8, 12]);
  assert.deepEqual(shapes.get(expanded), [2, 4, 6]);
  assert.deepEqual(shapes.get(tiled), [1, 16, 4, 18]);
  assert.deepEqual(shapes.get('values'), [1, 3, 4, 6]);
  assert.deepEqual(shapes.get('indices'), [1, 3, 4, 6]);
  assert.deepEqual(shapes.get(arg), [1, 8, 4]);
  assert.deepEqual(shapes.get(d2s), [1, 2, 8, 12]);
  assert.deepEqual(shapes.get(s2d), [1, 32, 2, 3]);
  assert.deepEqual(shapes.get(range), [3]);
  assert.deepEqual(['ln_y', 'ln_mean', 'ln_inv'].map((n) => shapes.get(n)), [[1, 8, 4, 6], [1, 8, 1, 1], [1, 8, 1, 1]]);
});

test('unknown ops, custom domains and malformed inputs give null without throwing', () => {
  const b = builder();
  const custom = b.node('FancyOp', ['x']);
  b.nodes[b.nodes.length - 1].domain = 'com.example';
  const after = b.node('Relu', [custom]);
  const nonzero = b.node('NonZero', ['x']);
  const reshapeUnknown = b.node('Reshape', ['x', nonzero]);
  const badAxis = b.node('Concat', ['x', 'x'], { axis: 7 });
  const badPerm = b.node('Transpose', ['x'], { perm: [0, 0, 1] });
  const graph = graphOf(b, [floatInput('x', [2, 3, 4])]);
  const shapes = inferShapes(graph, { x: [2, 3, 4] });
  for (const name of [custom, after, nonzero, reshapeUnknown, badAxis, badPerm]) assert.equal(shapes.get(name), null, name);

  const negative = inferShapes(graph, { x: [2, -3, 4] });
  assert.equal(negative.get('x'), null);
  assert.equal(negative.get(after), null);
  const huge = inferShapes(graph, { x: [2 ** 30, 2 ** 30, 2 ** 30] });
  assert.equal(huge.get('x'), null, 'more than 2^53 elements');
  const fractional = inferShapes(graph, { x: [2, 3.5, 4] });
  assert.equal(fractional.get('x'), null);
});

test('declared shapes fill gaps while they agree with the inputs; stale or contradicting ones are not used', () => {
  const b = builder();
  const custom = b.node('FancyOp', ['x']);
  b.nodes[b.nodes.length - 1].domain = 'com.example';
  const relu = b.node('Relu', ['x']);
  const contradicted = b.node('Sigmoid', ['x']);
  const model = b.model([floatInput('x', ['batch', 3, 8, 8])], [floatInput(relu, ['batch', 3, 8, 8])], 13);
  model.graph.valueInfo.push(floatInput(custom, ['batch', 6, 4, 4]), floatInput(contradicted, ['batch', 3, 9, 9]));
  const graph = new Graph(model.graph);
  const shapes = inferShapes(graph, { x: [2, 3, 8, 8] });
  assert.deepEqual(shapes.get(custom), [2, 6, 4, 4], 'declared, with the batch symbol bound by the input');
  assert.deepEqual(shapes.get(relu), [2, 3, 8, 8]);
  assert.equal(shapes.get(contradicted), null, 'computed [2,3,8,8] contradicts a trusted declaration: not proven');
  // Other spatial size than declared: the declarations are stale, so the custom op's output is unknown.
  const resized = inferShapes(graph, { x: [2, 3, 16, 16] });
  assert.equal(resized.get(custom), null);
  assert.deepEqual(resized.get(relu), [2, 3, 16, 16], 'computed; the stale declared output is ignored');
  assert.deepEqual(resized.get(contradicted), [2, 3, 16, 16]);
});

test('estimateActivationBytes uses element types (declared or inferred) and lists unknown tensors', () => {
  const b = builder();
  const conv = b.conv('x', 3, 4, 3);
  const shape = b.node('Shape', [conv]);
  const custom = b.node('FancyOp', [conv]);
  b.nodes[b.nodes.length - 1].domain = 'com.example';
  const graph = graphOf(b, [floatInput('x', [1, 3, 8, 8])]);
  const shapes = inferShapes(graph, { x: [1, 3, 8, 8] });
  const estimate = estimateActivationBytes(graph, shapes, [conv, shape, custom]);
  assert.equal(estimate.bytes, 4 * 4 * 8 * 8 + 8 * 4);
  assert.deepEqual(estimate.unknown, [custom]);
  assert.equal(estimateActivationBytes(graph, shapes, [conv, shape], { bytesPerElement: 4 }).bytes, 4 * 4 * 8 * 8 + 4 * 4);
  const largest = largestActivations(graph, shapes, [shape, conv, custom], 1);
  assert.deepEqual(largest, [{ name: conv, shape: [1, 4, 8, 8], elemType: DataType.FLOAT, bytes: 1024 }]);
});
