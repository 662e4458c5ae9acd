/**
 * The exported models: the Q/DQ model is materializePlan's graph (ai.onnx, per-channel int8 weights, scales =
 * amax/127) minus the float weights nothing reads; pre-13 models are upgraded first; the mixed model has real
 * float16 FP16 layers with Casts at their boundaries and the same INT8 part.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isWorkbenchError } from '../../../app/errors';
import { buildExportArtifacts } from '../../../app/export/export-artifacts';
import { buildMixedPrecisionModel } from '../../../app/export/fp16-export';
import { buildQdqModel, prepareExport } from '../../../app/export/qdq-export';
import { pruneUnusedInitializers } from '../../../app/export/prune';
import { Graph } from '../../../app/model/graph';
import { DataType } from '../../../app/onnx/data-types';
import { decodeModel } from '../../../app/onnx/decode';
import { encodeModel } from '../../../app/onnx/encode';
import { float16BitsToFloat32 } from '../../../app/onnx/float16';
import type { ModelProto, NodeProto } from '../../../app/onnx/proto';
import { tensorToFloat32 } from '../../../app/onnx/tensor-data';
import { materializePlan } from '../../../app/precision/materialize';
import { outlierConvNet } from '../../../fixtures/models';
import { syntheticReport } from '../../helpers/synthetic-report';

const fixture = (opset = 13): ModelProto => {
  const model = decodeModel(outlierConvNet());
  return { ...model, opsetImport: [{ domain: '', version: opset }] };
};

const amaxOf = (tensor: string) => 0.5 + (tensor.length % 5);

test('the Q/DQ export is materializePlan(ai.onnx) with unread float weights removed', () => {
  const model = fixture();
  const report = syntheticReport(model, { amaxOf });
  const base = prepareExport(model, report);
  assert.equal(base.upgrade, null, 'opset 13 needs no upgrade');
  const qdq = buildQdqModel(base);
  const direct = materializePlan(base.model, base.graph, base.plan.resolved, base.plan.amaxOf, { qdqDomain: 'ai.onnx' });
  assert.deepEqual(qdq.model.graph.node, direct.model.graph.node, 'same nodes as the analysis transform');
  assert.equal(qdq.removedInitializers, 6, 'the 6 float weight tensors of the INT8 Conv/Gemm layers are gone');
  const names = new Set(qdq.model.graph.initializer.map((t) => t.name));
  for (const w of base.layers.filter((l) => l.weight)) assert.ok(!names.has(w.weight!.tensor), `float '${w.weight!.tensor}' removed`);
  const qdqNodes = qdq.model.graph.node.filter((n) => n.opType === 'QuantizeLinear' || n.opType === 'DequantizeLinear');
  assert.ok(qdqNodes.length > 0 && qdqNodes.every((n) => n.domain === ''), 'standard ai.onnx domain');
  for (const a of qdq.materialized.activations) assert.equal(a.scale, Math.fround(amaxOf(a.tensor) / 127));
  const graph = new Graph(qdq.model.graph);
  const conv = graph.nodes.find((n) => n.name === 'conv_0')!;
  const dq = graph.nodes[graph.values.get(conv.inputs[1])!.producer!];
  assert.equal(dq.opType, 'DequantizeLinear');
  assert.equal(dq.proto.attribute.find((a) => a.name === 'axis')?.i, 0n, 'per-channel on the output-channel axis');
  assert.equal(graph.constantTensor(dq.inputs[0])!.dataType, DataType.INT8);
  assert.equal(graph.constantTensor(dq.inputs[1])!.dims[0], 16, 'one scale per output channel');
  assert.equal(decodeModel(encodeModel(qdq.model)).graph.node.length, qdq.model.graph.node.length);
});

test('an opset-11 model is upgraded to 13 before per-channel Q/DQ; FP16-only plans keep their opset', () => {
  const model = fixture(11);
  const base = prepareExport(model, syntheticReport(model, { amaxOf }));
  assert.equal(base.upgrade?.fromOpset, 11);
  const qdq = buildQdqModel(base);
  assert.equal(qdq.model.opsetImport.find((o) => o.domain === '')?.version, 13);
  assert.ok(!qdq.model.opsetImport.some((o) => o.domain === 'com.microsoft'));
  const fp16 = prepareExport(model, syntheticReport(model, { precisionOf: () => 'fp16' }));
  assert.equal(fp16.upgrade, null);
});

test('pruning keeps initializers read by subgraphs and graph inputs', () => {
  const model = fixture();
  const withExtra: ModelProto = {
    ...model,
    graph: {
      ...model.graph,
      initializer: [...model.graph.initializer, { name: 'unused', dims: [1], dataType: 1, floatData: new Float32Array([1]) }, { name: 'overridable', dims: [1], dataType: 1, floatData: new Float32Array([1]) }],
      input: [...model.graph.input, { name: 'overridable', type: { tensorType: { elemType: 1, shape: [{ dimValue: 1 }] } } }],
    },
  };
  const { model: pruned, removed } = pruneUnusedInitializers(withExtra);
  assert.equal(removed, 1);
  assert.ok(pruned.graph.initializer.some((t) => t.name === 'overridable'));
  assert.ok(!pruned.graph.initializer.some((t) => t.name === 'unused'));
});

function producerOf(graph: Graph, tensor: string): NodeProto | undefined {
  const index = graph.values.get(tensor)?.producer;
  return index === undefined ? undefined : graph.nodes[index].proto;
}

test('the mixed export runs FP16 layers in float16 with Casts at the boundary and keeps the INT8 part', () => {
  const model = fixture();
  const precisions = ['int8', 'fp16', 'int8', 'fp16', 'fp32', 'fp16', 'int8', 'int8', 'fp16'] as const;
  const report = syntheticReport(model, { precisionOf: (_, i) => precisions[i], amaxOf });
  const base = prepareExport(model, report);
  const mixed = buildMixedPrecisionModel(base);
  const graph = new Graph(mixed.model.graph);
  assert.equal(mixed.fp16Layers, 4);
  for (const layer of base.layers.filter((_, i) => precisions[i] === 'fp16')) {
    const original = base.graph.nodes[layer.nodeIndex];
    const node = graph.nodes.find((n) => n.name === original.name && n.opType === original.opType)!;
    for (const input of node.inputs.filter(Boolean)) {
      const constant = graph.constantTensor(input);
      if (constant) {
        assert.equal(constant.dataType, DataType.FLOAT16, `${layer.id}: constant '${input}' is float16`);
        const source = tensorToFloat32(base.graph.constantTensor(original.inputs[node.inputs.indexOf(input)])!);
        const bits = new Uint16Array(constant.rawData!.slice().buffer);
        assert.equal(float16BitsToFloat32(bits[0]), Math.fround(float16BitsToFloat32(bits[0])));
        assert.ok(Math.abs(float16BitsToFloat32(bits[0]) - source[0]) <= Math.abs(source[0]) * 2 ** -11 + 2 ** -24, 'rounded to nearest float16');
      } else {
        const cast = producerOf(graph, input)!;
        assert.equal(cast.opType, 'Cast', `${layer.id}: activation input through a Cast`);
        assert.equal(cast.attribute[0].i, BigInt(DataType.FLOAT16));
      }
    }
    const consumers = graph.values.get(node.outputs[0])!.consumers.map((i) => graph.nodes[i].proto);
    assert.equal(consumers.length, 1);
    assert.equal(consumers[0].opType, 'Cast');
    assert.equal(consumers[0].attribute[0].i, BigInt(DataType.FLOAT));
    assert.equal(consumers[0].output[0], layer.output, 'the layer output name is float32 again after the Cast');
  }
  // INT8 part identical to the Q/DQ export of the same plan with FP16 layers treated as FP32.
  const qdqNodes = (m: ModelProto) => m.graph.node.filter((n) => n.opType.endsWith('QuantizeLinear')).map((n) => `${n.opType}:${n.input.join(',')}`);
  const asFp32 = { ...base, plan: { ...base.plan, resolved: base.plan.resolved.map((r) => (r.precision === 'fp16' ? { ...r, precision: 'fp32' as const } : r)) } };
  assert.deepEqual(qdqNodes(mixed.model), qdqNodes(buildQdqModel(asFp32).model));
  // A tensor read by several FP16 layers is cast once.
  const castInputs = mixed.model.graph.node.filter((n) => n.opType === 'Cast' && n.attribute[0].i === BigInt(DataType.FLOAT16)).map((n) => n.input[0]);
  assert.equal(new Set(castInputs).size, castInputs.length, 'one Cast per tensor');
});

test('a pre-13 model the upgrade cannot convert: ONNX exports refused naming the node, the rest still exports', () => {
  const model = fixture(11);
  const withUnknown: ModelProto = {
    ...model,
    graph: {
      ...model.graph,
      node: model.graph.node.map((n) => (n.name === 'residual_relu' ? { ...n, opType: 'MysteryActivation' } : n)),
    },
  };
  const report = syntheticReport(withUnknown, { amaxOf });
  const input = { model: withUnknown, modelFileName: 'net.onnx', modelPath: '/m/net.onnx', report, reportBytes: new Uint8Array(), reportFile: 'r.json' };
  assert.throws(
    () => buildExportArtifacts(input),
    (e: unknown) => isWorkbenchError(e) && e.code === 'OPSET_UPGRADE_UNSUPPORTED' && /MysteryActivation node 'residual_relu'.*--what cache,trtexec,exclude,plan,report/.test(e.message),
  );
  const partial = buildExportArtifacts({ ...input, what: ['cache', 'trtexec', 'plan'] });
  assert.deepEqual(partial.files.map((f) => f.name), ['net.calibration.cache', 'trtexec.sh', 'plan.json']);
  const cache = partial.files[0].data as string;
  const tensors = new Set(report.layers.flatMap((l) => l.activations.map((a) => a.tensor)));
  assert.equal(cache.split('\n').length - 2, tensors.size, 'one scale per quantized tensor');
});
