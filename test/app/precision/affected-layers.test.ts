import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { decodeModel } from '../../../app/onnx/decode';
import { Graph } from '../../../app/model/graph';
import { discoverLayers } from '../../../app/precision/layers';
import { affectedLayers, changedLayers } from '../../../app/precision/affected-layers';
import { fixtureModel } from '../../helpers/paths';

const proto = decodeModel(new Uint8Array(readFileSync(fixtureModel('outlier-convnet.onnx'))));
const graph = new Graph(proto.graph!);
const layers = discoverLayers(graph);
const ids = layers.map((l) => l.id);

test('changedLayers: precision or amax differences, and layers present on one side only', () => {
  const a = new Map([['x', { precision: 'int8', amax: [1] }], ['y', { precision: 'int8', amax: [2] }], ['z', { precision: 'fp16', amax: [] }]]);
  const b = new Map([['x', { precision: 'int8', amax: [1] }], ['y', { precision: 'int8', amax: [2.5] }], ['w', { precision: 'int8', amax: [1] }]]);
  assert.deepEqual([...changedLayers(a, b)].sort(), ['w', 'y', 'z']);
  assert.equal(changedLayers(a, a).size, 0);
});

test('affectedLayers: the changed layer and everything downstream, nothing upstream', () => {
  // outlier-convnet: conv0 → pool → conv1 → conv2 → conv3 → add(conv1 branch, conv3) → conv4 → gap → gemm
  assert.deepEqual(ids, ['conv_0|Conv#0', 'stem_pool|MaxPool#0', 'conv_1|Conv#1', 'conv_2|Conv#2', 'conv_3|Conv#3', 'residual_add|Add#0', 'conv_4|Conv#4', 'global_pool|GlobalAveragePool#0', 'fc_5|Gemm#0']);
  const fromConv3 = affectedLayers(graph, layers, new Set(['conv_3|Conv#3']))!;
  assert.deepEqual([...fromConv3].sort(), ['conv_3|Conv#3', 'conv_4|Conv#4', 'fc_5|Gemm#0', 'global_pool|GlobalAveragePool#0', 'residual_add|Add#0'].sort());
  const fromLast = affectedLayers(graph, layers, new Set(['fc_5|Gemm#0']))!;
  assert.deepEqual([...fromLast], ['fc_5|Gemm#0']);
  assert.equal(affectedLayers(graph, layers, new Set())!.size, 0);
});

test('affectedLayers: a layer sharing a quantized input with a changed layer is affected (shared Q/DQ)', () => {
  // conv_2 and residual_add both read block1_relu's output.
  const conv2 = layers.find((l) => l.id === 'conv_2|Conv#2')!;
  const add = layers.find((l) => l.id === 'residual_add|Add#0')!;
  assert.ok(add.activationInputs.some((t) => conv2.activationInputs.includes(t)), 'fixture: the Add and conv_2 share an input');
  const affected = affectedLayers(graph, layers, new Set(['residual_add|Add#0']))!;
  assert.ok(affected.has('conv_2|Conv#2'));
});

test('affectedLayers: models with subgraph layers are rebuilt in full', () => {
  const nested = layers.map((l, i) => (i === 0 ? { ...l, graphPath: 'If_0/then_branch' } : l));
  assert.equal(affectedLayers(graph, nested, new Set([ids[8]])), null);
});
