/**
 * The opset upgrade's rewrites, structurally: attributes that became inputs, Upsample/Resize-10 semantics made
 * explicit, Softmax coercion kept where the axis is not provably last, and clear refusals naming the node for
 * everything that cannot be converted exactly. (Numerical equivalence on ONNX Runtime: test/main/export.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isWorkbenchError } from '../../../app/errors';
import { Graph } from '../../../app/model/graph';
import { decodeModel } from '../../../app/onnx/decode';
import { encodeModel } from '../../../app/onnx/encode';
import { upgradeToOpset13 } from '../../../app/onnx/opset-upgrade';
import type { ModelProto, NodeProto } from '../../../app/onnx/proto';
import { tensorToFloat32, tensorToNumbers } from '../../../app/onnx/tensor-data';
import { attr, buildModel, floatAttr, floatInit, info, node, upgradeCases } from '../../helpers/old-opset-models';

const stringAttr = (n: NodeProto, name: string) => {
  const a = n.attribute.find((x) => x.name === name);
  return a?.s ? new TextDecoder().decode(a.s) : undefined;
};

function constant(model: ModelProto, name: string): number[] {
  const graph = new Graph(model.graph);
  const tensor = graph.constantTensor(name);
  assert.ok(tensor, `constant '${name}' exists`);
  return tensor.dataType === 7 ? tensorToNumbers(tensor) : Array.from(tensorToFloat32(tensor));
}

function expectRefusal(model: ModelProto, mention: RegExp): void {
  assert.throws(
    () => upgradeToOpset13(model),
    (error: unknown) => isWorkbenchError(error) && error.code === 'OPSET_UPGRADE_UNSUPPORTED' && mention.test(error.message),
  );
}

test('every case upgrades to opset 13 / IR ≥ 7, keeps node names, encodes and decodes', () => {
  for (const c of upgradeCases()) {
    const result = upgradeToOpset13(c.model);
    assert.equal(result.toOpset, 13, c.name);
    assert.equal(result.model.opsetImport.find((o) => o.domain === '')?.version, 13, c.name);
    assert.ok(result.model.irVersion >= 7, c.name);
    const names = new Set(result.model.graph.node.map((n) => n.name));
    for (const n of c.model.graph.node) assert.ok(names.has(n.name), `${c.name}: node '${n.name}' kept`);
    if (c.expectOps) assert.deepEqual(result.model.graph.node.map((n) => n.opType), c.expectOps, c.name);
    const again = decodeModel(encodeModel(result.model));
    assert.equal(again.graph.node.length, result.model.graph.node.length);
    assert.deepEqual(c.model.opsetImport[0].version < 13 ? c.model.opsetImport[0].version : -1, result.fromOpset, 'input not modified');
  }
});

test('Clip/Slice/Pad/axes/TopK attributes become constant inputs with the same values', () => {
  const cases = upgradeCases();
  const clip = upgradeToOpset13(cases.find((c) => c.name.startsWith('Clip-6 min/max'))!.model).model;
  const c = clip.graph.node[0];
  assert.equal(c.attribute.length, 0);
  assert.deepEqual(constant(clip, c.input[1]), [-0.5]);
  assert.deepEqual(constant(clip, c.input[2]), [0.75]);

  const maxOnly = upgradeToOpset13(cases.find((x) => x.name.startsWith('Clip-6 with only max'))!.model).model.graph.node[0];
  assert.deepEqual(maxOnly.input.slice(0, 2), ['x', ''], 'an absent min stays an empty input');

  const slice = upgradeToOpset13(cases.find((x) => x.name.startsWith('Slice-1'))!.model).model;
  const [s1, s2] = slice.graph.node;
  assert.deepEqual(constant(slice, s1.input[1]), [1, 0]);
  assert.deepEqual(constant(slice, s1.input[2]), [3, -1]);
  assert.deepEqual(constant(slice, s1.input[3]), [1, 3]);
  assert.equal(s2.input.length, 3, 'Slice without axes gets no axes input');
  assert.equal(new Graph(slice.graph).constantTensor(s2.input[2])!.int64Data![2], 9223372036854775807n, 'INT64_MAX ends survive exactly');

  const pad = upgradeToOpset13(cases.find((x) => x.name.startsWith('Pad-2'))!.model).model;
  assert.deepEqual(constant(pad, pad.graph.node[0].input[1]), [0, 0, 1, 2, 0, 0, 2, 1]);
  assert.deepEqual(constant(pad, pad.graph.node[0].input[2]), [0.25]);
  assert.equal(pad.graph.node[1].input.length, 2, 'value 0 needs no constant_value input');
  assert.equal(stringAttr(pad.graph.node[1], 'mode'), 'reflect');

  const axes = upgradeToOpset13(cases.find((x) => x.name.startsWith('Unsqueeze/Squeeze'))!.model).model;
  const [unsq, sq, rsum, split] = axes.graph.node;
  assert.deepEqual(constant(axes, unsq.input[1]), [0, 3]);
  assert.deepEqual(constant(axes, sq.input[1]), [0]);
  assert.deepEqual(constant(axes, rsum.input[1]), [2]);
  assert.equal(rsum.attribute.find((a) => a.name === 'keepdims')?.i, 0n, 'keepdims kept');
  assert.deepEqual(constant(axes, split.input[1]), [1, 2]);
});

test('Upsample and Resize-10 become Resize-13 with asymmetric coordinates and floor rounding', () => {
  const cases = upgradeCases();
  const up = upgradeToOpset13(cases.find((x) => x.name.startsWith('Upsample-9'))!.model).model;
  const [nearest, linear] = up.graph.node;
  assert.equal(nearest.opType, 'Resize');
  assert.deepEqual(nearest.input, ['x', '', 's1']);
  assert.equal(stringAttr(nearest, 'coordinate_transformation_mode'), 'asymmetric');
  assert.equal(stringAttr(nearest, 'nearest_mode'), 'floor');
  assert.equal(stringAttr(linear, 'mode'), 'linear');
  assert.equal(stringAttr(linear, 'nearest_mode'), undefined);
  const up7 = upgradeToOpset13(cases.find((x) => x.name.startsWith('Upsample-7'))!.model).model;
  assert.deepEqual(constant(up7, up7.graph.node[0].input[2]), [1, 1, 2, 2], 'scales attribute → input');
  const down = upgradeToOpset13(cases.find((x) => x.name.startsWith('Resize-10 nearest downsample by 0.6'))!.model).model;
  assert.equal(stringAttr(down.graph.node[0], 'nearest_mode'), 'ceil', 'pre-11 nearest rounds up when downsampling');

  const tf = upgradeToOpset13(cases.find((x) => x.name.startsWith('Resize-11'))!.model).model;
  assert.equal(stringAttr(tf.graph.node[0], 'coordinate_transformation_mode'), 'half_pixel');
  assert.equal(stringAttr(tf.graph.node[0], 'nearest_mode'), 'round_prefer_ceil');
  assert.equal(stringAttr(tf.graph.node[1], 'nearest_mode'), 'ceil');
  assert.equal(tf.graph.node[1].input[2], '', 'empty scales next to sizes becomes an absent input');
});

test('Softmax: the axis stays when provably last, else the pre-13 2-D coercion is spelled out', () => {
  const cases = upgradeCases();
  const last = upgradeToOpset13(cases.find((x) => x.name.startsWith('Softmax on the last axis'))!.model);
  assert.equal(last.model.graph.node[1].attribute.find((a) => a.name === 'axis')?.i, 3n);
  assert.ok(!last.changes.some((c) => /Flatten/.test(c)));
  const coerced = upgradeToOpset13(cases.find((x) => x.name.startsWith('Softmax axis=1'))!.model);
  const [shape, flatten, softmax, reshape] = coerced.model.graph.node;
  assert.equal(flatten.attribute[0].i, 1n);
  assert.equal(softmax.attribute.find((a) => a.name === 'axis')?.i, -1n);
  assert.deepEqual(reshape.input, [softmax.output[0], shape.output[0]]);
  assert.equal(reshape.output[0], 'y', 'the original output name is produced by the last node');
  assert.equal(softmax.name, 'Softmax_y', 'the op keeps its node name');
  assert.ok(coerced.changes.some((c) => /Softmax node 'Softmax_y'.*rank 4/.test(c)));
});

test('refusals name the node: nearest scales needing both roundings, dynamic nearest scales, spatial BN, used Dropout-7 mask, unknown ops, opset < 7', () => {
  expectRefusal(
    buildModel(10, [node('Resize', ['x', 's'], ['y'], [attr('mode', 'nearest')], 'resize_3')], [info('x', [1, 1, 8, 8])], [info('y')], [floatInit('s', [1, 1, 0.75, 1.5])]),
    /Resize node 'resize_3'.*0\.75, 1\.5.*no single/,
  );
  expectRefusal(
    buildModel(9, [node('Upsample', ['x', 's'], ['y'], [attr('mode', 'nearest')], 'up_dyn')], [info('x', [1, 1, 8, 8]), info('s', [4])], [info('y')]),
    /Upsample node 'up_dyn'.*non-constant scales/,
  );
  expectRefusal(
    buildModel(8, [node('BatchNormalization', ['x', 'g', 'b', 'm', 'v'], ['y'], [attr('spatial', 0)], 'bn_per_activation')], [info('x', [1, 2])], [info('y')], ['g', 'b', 'm', 'v'].map((n) => floatInit(n, [1, 1]))),
    /BatchNormalization node 'bn_per_activation'.*spatial=0/,
  );
  expectRefusal(
    buildModel(9, [node('Dropout', ['x'], ['d', 'mask'], [floatAttr('ratio', 0.5)], 'drop'), node('Add', ['d', 'mask'], ['y'])], [info('x', [2])], [info('y')]),
    /Dropout node 'drop'.*mask/,
  );
  expectRefusal(buildModel(9, [node('ImageScaler', ['x'], ['y'], [floatAttr('scale', 2)], 'scaler')], [info('x', [1, 3, 2, 2])], [info('y')]), /ImageScaler node 'scaler'.*no rule/);
  expectRefusal(buildModel(6, [node('Relu', ['x'], ['y'])], [info('x', [1])], [info('y')]), /opset 6/);
});

test('models at opset 13 or later come back unchanged; other domains are left alone', () => {
  const model = buildModel(13, [node('Relu', ['x'], ['y'])], [info('x', [1])], [info('y')]);
  const result = upgradeToOpset13(model);
  assert.equal(result.model, model);
  assert.deepEqual(result.changes, []);
  const custom = buildModel(11, [{ ...node('FusedGemm', ['x', 'x'], ['y']), domain: 'com.microsoft' }], [info('x', [2, 2])], [info('y')]);
  custom.opsetImport.push({ domain: 'com.microsoft', version: 1 });
  const upgraded = upgradeToOpset13(custom).model;
  assert.equal(upgraded.graph.node[0].opType, 'FusedGemm');
  assert.deepEqual(upgraded.opsetImport, [{ domain: '', version: 13 }, { domain: 'com.microsoft', version: 1 }]);
});
