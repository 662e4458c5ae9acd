import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Graph } from '../../../app/model/graph';
import { decodeModel } from '../../../app/onnx/decode';
import { discoverLayers, layerId, resolveLayerId } from '../../../app/precision/layers';
import { outlierConvNet } from '../../../fixtures/models';
import { sharedModel } from '../../helpers/paths';

const fixture = () => {
  const model = decodeModel(outlierConvNet());
  return { model, graph: new Graph(model.graph) };
};

test('the fixture CNN has the layers TensorRT would run in INT8, with roles and weight axes', () => {
  const { graph } = fixture();
  const layers = discoverLayers(graph);
  assert.deepEqual(
    layers.map((l) => `${l.opType}:${l.role}`),
    ['Conv:weighted', 'MaxPool:pooling', 'Conv:weighted', 'Conv:weighted', 'Conv:weighted', 'Add:residual-add', 'Conv:weighted', 'GlobalAveragePool:pooling', 'Gemm:weighted'],
  );
  const gemm = layers.find((l) => l.opType === 'Gemm')!;
  assert.equal(gemm.weight!.channelAxis, 0, 'Gemm with transB=1 has output channels on axis 0');
  assert.deepEqual(gemm.weight!.dims, [10, 64]);
  const add = layers.find((l) => l.opType === 'Add')!;
  assert.equal(add.activationInputs.length, 2);
  assert.equal(layers[0].id, 'conv_0|Conv#0');
  // Flatten, Relu and bias-only adds are not layers.
  assert.ok(!layers.some((l) => l.opType === 'Relu' || l.opType === 'Flatten'));
});

test('layer ids resolve after renames and reordering', () => {
  const { graph } = fixture();
  const layers = discoverLayers(graph);
  assert.equal(resolveLayerId('conv_2|Conv#2', layers)?.name, 'conv_2');
  assert.equal(resolveLayerId('conv_2|Conv#7', layers)?.name, 'conv_2', 'name + op type wins when the ordinal moved');
  assert.equal(resolveLayerId('|Conv#3', layers)?.name, 'conv_3', 'op type + ordinal when names were stripped');
  assert.equal(resolveLayerId('nothing|Conv#99', layers), undefined);
  assert.equal(layerId('a', 'MatMul', 4), 'a|MatMul#4');
});

test('layers inside If subgraphs are discovered with their subgraph path (silero VAD)', () => {
  const model = decodeModel(new Uint8Array(readFileSync(sharedModel('silero_vad_v4_legacy.onnx'))));
  const graph = new Graph(model.graph);
  const layers = discoverLayers(graph);
  assert.equal(graph.nodes.length, 2);
  assert.ok(layers.length >= 40, `found ${layers.length}`);
  assert.ok(layers.every((l) => l.graphPath !== ''));
  assert.ok(new Set(layers.map((l) => l.graphPath.split('/')[1])).has('then_branch'));
  assert.equal(new Set(layers.map((l) => l.id)).size, layers.length, 'ids are unique');
});

test('MatMul layers: constant weights per output column, two activations quantize both (SVTR)', () => {
  const model = decodeModel(new Uint8Array(readFileSync(sharedModel('ppocrv4_rec_svtr.onnx'))));
  const layers = discoverLayers(new Graph(model.graph));
  const matmuls = layers.filter((l) => l.opType === 'MatMul');
  assert.ok(matmuls.some((l) => l.role === 'activation-matmul'), 'attention QK^T / AV matmuls');
  const weighted = matmuls.find((l) => l.role === 'weighted')!;
  assert.equal(weighted.weight!.channelAxis, weighted.weight!.dims.length - 1);
});
