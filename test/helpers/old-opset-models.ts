/**
 * Small models at opsets 7–12 that exercise each opset-upgrade rule (app/onnx/opset-upgrade.ts). Each case has
 * the model, its float input shapes, and what the upgrade is expected to do. test/app/onnx checks the rewritten
 * structure; test/main/export runs original and upgraded models on ONNX Runtime and compares outputs.
 */
import { DataType } from '../../app/onnx/data-types';
import type { AttributeProto, ModelProto, NodeProto, TensorProto, ValueInfoProto } from '../../app/onnx/proto';
import { float32Tensor } from '../../app/onnx/tensor-data';

type AttrValue = number | number[] | string | { floats: number[] } | { graph: import('../../app/onnx/proto').GraphProto };

export function attr(name: string, value: AttrValue): AttributeProto {
  if (typeof value === 'string') return { name, type: 3, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: 7, ints: value.map((v) => BigInt(v)) };
  if (typeof value === 'number') return Number.isInteger(value) && !Object.is(value, -0) ? { name, type: 2, i: BigInt(value) } : { name, type: 1, f: value };
  if ('floats' in value) return { name, type: 6, floats: value.floats };
  return { name, type: 5, g: value.graph };
}

/** A float attribute even for whole numbers (Clip min=0 must be FLOAT, not INT). */
export function floatAttr(name: string, value: number): AttributeProto {
  return { name, type: 1, f: value };
}

export function node(opType: string, input: string[], output: string[], attribute: AttributeProto[] = [], name = `${opType}_${output[0]}`): NodeProto {
  return { input, output, name, opType, domain: '', attribute };
}

export function info(name: string, dims?: (number | string)[], elemType: number = DataType.FLOAT): ValueInfoProto {
  return { name, type: { tensorType: { elemType, shape: dims?.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } };
}

export function int64Init(name: string, values: number[], dims = [values.length]): TensorProto {
  return { name, dims, dataType: DataType.INT64, int64Data: values.map(BigInt) };
}

export function floatInit(name: string, values: number[], dims = [values.length]): TensorProto {
  return float32Tensor(name, dims, Float32Array.from(values));
}

export function buildModel(opset: number, nodes: NodeProto[], inputs: ValueInfoProto[], outputs: ValueInfoProto[], initializers: TensorProto[] = [], irVersion = 6): ModelProto {
  return {
    irVersion,
    opsetImport: [{ domain: '', version: opset }],
    producerName: 'pwb tests',
    producerVersion: '1',
    domain: '',
    modelVersion: 1,
    docString: '',
    graph: { name: 'g', node: nodes, initializer: initializers, input: inputs, output: outputs, valueInfo: [] },
    metadataProps: [],
  };
}

export interface UpgradeCase {
  name: string;
  model: ModelProto;
  /** Float inputs to feed (name → dims). */
  feeds: Record<string, number[]>;
  /** Op types expected in the upgraded main graph (in order), when the test should check them. */
  expectOps?: string[];
}

const X4 = [2, 3, 4, 6];

export function upgradeCases(): UpgradeCase[] {
  const cases: UpgradeCase[] = [];
  const add = (c: UpgradeCase) => cases.push(c);
  add({
    name: 'Clip-6 min/max attributes (opset 9)',
    model: buildModel(9, [node('Clip', ['x'], ['y'], [floatAttr('min', -0.5), floatAttr('max', 0.75)])], [info('x', X4)], [info('y', X4)]),
    feeds: { x: X4 },
    expectOps: ['Clip'],
  });
  add({
    name: 'Clip-6 with only max (opset 10)',
    model: buildModel(10, [node('Clip', ['x'], ['y'], [floatAttr('max', 0)])], [info('x', X4)], [info('y', X4)]),
    feeds: { x: X4 },
  });
  add({
    name: 'Pad-2 constant value and reflect (opset 9)',
    model: buildModel(
      9,
      [
        node('Pad', ['x'], ['p'], [attr('pads', [0, 0, 1, 2, 0, 0, 2, 1]), floatAttr('value', 0.25)]),
        node('Pad', ['p'], ['y'], [attr('pads', [0, 0, 1, 1, 0, 0, 1, 1]), attr('mode', 'reflect')]),
      ],
      [info('x', X4)],
      [info('y')],
    ),
    feeds: { x: X4 },
    expectOps: ['Pad', 'Pad'],
  });
  add({
    name: 'Slice-1 attributes with and without axes (opset 9)',
    model: buildModel(
      9,
      [node('Slice', ['x'], ['s'], [attr('starts', [1, 0]), attr('ends', [3, -1]), attr('axes', [1, 3])]), node('Slice', ['s'], ['y'], [attr('starts', [0, 0, 1]), attr('ends', [1, 100, 9223372036854775807n as unknown as number])])],
      [info('x', X4)],
      [info('y')],
    ),
    feeds: { x: X4 },
  });
  add({
    name: 'Unsqueeze/Squeeze/ReduceSum/Split axes and split attributes (opset 11)',
    model: buildModel(
      11,
      [
        node('Unsqueeze', ['x'], ['u'], [attr('axes', [0, 3])]),
        node('Squeeze', ['u'], ['q'], [attr('axes', [0])]),
        node('ReduceSum', ['q'], ['r'], [attr('axes', [2]), attr('keepdims', 0)]),
        node('Split', ['r'], ['a', 'b'], [attr('axis', 1), attr('split', [1, 2])]),
        node('Concat', ['b', 'a'], ['y'], [attr('axis', 1)]),
      ],
      [info('x', X4)],
      [info('y')],
    ),
    feeds: { x: X4 },
    expectOps: ['Unsqueeze', 'Squeeze', 'ReduceSum', 'Split', 'Concat'],
  });
  add({
    name: 'Upsample-9 nearest and linear with constant scales',
    model: buildModel(
      9,
      [node('Upsample', ['x', 's1'], ['u'], [attr('mode', 'nearest')]), node('Upsample', ['u', 's2'], ['y'], [attr('mode', 'linear')])],
      [info('x', X4)],
      [info('y')],
      [floatInit('s1', [1, 1, 1.5, 3]), floatInit('s2', [1, 1, 2, 1.25])],
    ),
    feeds: { x: X4 },
    expectOps: ['Resize', 'Resize'],
  });
  add({
    name: 'Upsample-7 scales attribute (opset 8)',
    model: buildModel(8, [node('Upsample', ['x'], ['y'], [attr('mode', 'nearest'), attr('scales', { floats: [1, 1, 2, 2] })])], [info('x', X4)], [info('y')]),
    feeds: { x: X4 },
    expectOps: ['Resize'],
  });
  add({
    name: 'Resize-10 nearest downsample by 1/2 and linear',
    model: buildModel(
      10,
      [node('Resize', ['x', 's1'], ['r'], [attr('mode', 'nearest')]), node('Resize', ['r', 's2'], ['y'], [attr('mode', 'linear')])],
      [info('x', X4)],
      [info('y')],
      [floatInit('s1', [1, 1, 0.5, 0.5]), floatInit('s2', [1, 1, 2.5, 3])],
    ),
    feeds: { x: X4 },
  });
  add({
    name: 'Resize-10 nearest downsample by 0.6 (rounds up before opset 11)',
    model: buildModel(10, [node('Resize', ['x', 's'], ['y'], [attr('mode', 'nearest')])], [info('x', [1, 2, 10, 15])], [info('y')], [floatInit('s', [1, 1, 0.6, 0.75])]),
    feeds: { x: [1, 2, 10, 15] },
  });
  add({
    name: 'Resize-11 tf_half_pixel_for_nn with floor and round_prefer_floor',
    model: buildModel(
      11,
      [
        node('Resize', ['x', 'roi', 's1'], ['r'], [attr('mode', 'nearest'), attr('coordinate_transformation_mode', 'tf_half_pixel_for_nn'), attr('nearest_mode', 'floor')]),
        node('Resize', ['r', 'roi', 'empty', 'sizes'], ['y'], [attr('mode', 'nearest'), attr('coordinate_transformation_mode', 'tf_half_pixel_for_nn')]),
      ],
      [info('x', X4)],
      [info('y')],
      [floatInit('roi', [], [0]), floatInit('s1', [1, 1, 1.75, 2.5]), floatInit('empty', [], [0]), int64Init('sizes', [2, 3, 5, 11])],
    ),
    feeds: { x: X4 },
  });
  add({
    name: 'Dropout-7 ratio attribute, mask unused (opset 9)',
    model: buildModel(9, [node('Dropout', ['x'], ['d', 'mask'], [floatAttr('ratio', 0.3)]), node('Relu', ['d'], ['y'])], [info('x', X4)], [info('y', X4)]),
    feeds: { x: X4 },
    expectOps: ['Dropout', 'Relu'],
  });
  add({
    name: 'BatchNormalization-7 spatial=1 (opset 8)',
    model: buildModel(
      8,
      [node('BatchNormalization', ['x', 'g', 'b', 'm', 'v'], ['y'], [attr('spatial', 1), floatAttr('epsilon', 1e-3)])],
      [info('x', X4)],
      [info('y', X4)],
      [floatInit('g', [1, 2, 0.5]), floatInit('b', [0.1, -0.2, 0.3]), floatInit('m', [0.5, 0, -1]), floatInit('v', [1, 4, 0.25])],
    ),
    feeds: { x: X4 },
  });
  add({
    name: 'Softmax axis=1 on rank 4 (coerced to 2-D before 13) keeps its semantics',
    model: buildModel(9, [node('Softmax', ['x'], ['y'], [attr('axis', 1)])], [info('x', X4)], [info('y', X4)]),
    feeds: { x: X4 },
    expectOps: ['Shape', 'Flatten', 'Softmax', 'Reshape'],
  });
  add({
    name: 'Softmax on the last axis (rank inferred through Transpose) stays one node',
    model: buildModel(11, [node('Transpose', ['x'], ['t'], [attr('perm', [0, 2, 3, 1])]), node('Softmax', ['t'], ['y'], [attr('axis', 3)])], [info('x', X4)], [info('y')]),
    feeds: { x: X4 },
    expectOps: ['Transpose', 'Softmax'],
  });
  add({
    name: 'LogSoftmax with unknown input rank and Hardmax default axis',
    model: buildModel(
      9,
      [node('Relu', ['x'], ['r']), node('LogSoftmax', ['r'], ['l'], [attr('axis', 2)]), node('Hardmax', ['l'], ['y'])],
      [info('x', undefined)],
      [info('y')],
    ),
    feeds: { x: X4 },
    expectOps: ['Relu', 'Shape', 'Flatten', 'LogSoftmax', 'Reshape', 'Shape', 'Flatten', 'Hardmax', 'Reshape'],
  });
  add({
    name: 'TopK-1 k attribute (opset 9)',
    model: buildModel(9, [node('TopK', ['x'], ['values', 'indices'], [attr('k', 2), attr('axis', 3)]), node('Cast', ['indices'], ['fi'], [attr('to', DataType.FLOAT)]), node('Add', ['values', 'fi'], ['y'])], [info('x', X4)], [info('y')]),
    feeds: { x: X4 },
  });
  add({
    name: 'Scatter-9 → ScatterElements',
    model: buildModel(
      9,
      [node('Scatter', ['x', 'idx', 'upd'], ['y'], [attr('axis', 1)])],
      [info('x', [2, 3]), info('upd', [2, 2])],
      [info('y', [2, 3])],
      [int64Init('idx', [2, 0, 1, 2], [2, 2])],
    ),
    feeds: { x: [2, 3], upd: [2, 2] },
    expectOps: ['ScatterElements'],
  });
  const branch = (out: string, axes: number[]) => ({
    name: `b_${out}`,
    node: [node('Squeeze', ['x'], [out], [attr('axes', axes)])],
    initializer: [],
    input: [],
    output: [info(out)],
    valueInfo: [],
  });
  add({
    name: 'Squeeze with an axes attribute inside If branches (opset 11)',
    model: buildModel(
      11,
      [
        node('ReduceMax', ['x'], ['m'], [attr('keepdims', 0)]),
        node('Greater', ['m', 'zero'], ['c']),
        node('If', ['c'], ['y'], [attr('then_branch', { graph: branch('t', [0]) }), attr('else_branch', { graph: branch('e', [0]) })]),
      ],
      [info('x', [1, 3, 4])],
      [info('y')],
      [floatInit('zero', [0], [])],
    ),
    feeds: { x: [1, 3, 4] },
  });
  return cases;
}
