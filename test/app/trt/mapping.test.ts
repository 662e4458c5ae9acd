/** Engine layer ↔ ONNX mapping, the plan check and the engine diff on small hand-made inputs. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeEngineLayer } from '../../../app/trt/engine-layer';
import { importTrtArtifacts } from '../../../app/trt/import';
import { parseLayerName } from '../../../app/trt/layer-name';
import { mapEngine } from '../../../app/trt/mapping';
import type { OnnxSide } from '../../../app/trt/types';

const onnx: OnnxSide = {
  nodes: [
    { name: 'Conv_0', opType: 'Conv', outputs: ['c0'] },
    { name: 'Relu_1', opType: 'Relu', outputs: ['r1'] },
    { name: '/Sub', opType: 'Sub', outputs: ['s'] },
    { name: '/Div', opType: 'Div', outputs: ['d'] },
    { name: 'QuantizeLinear_7', opType: 'QuantizeLinear', outputs: ['q7'] },
    { name: '', opType: 'Add', outputs: ['sum'] },
    { name: 'Gemm_48', opType: 'Gemm', outputs: ['g'] },
    { name: 'node_linear', opType: 'MatMul', outputs: ['l'] },
  ],
  layers: [
    { id: 'Conv_0|Conv#0', name: 'Conv_0', opType: 'Conv' },
    { id: 'Gemm_48|Gemm#0', name: 'Gemm_48', opType: 'Gemm' },
    { id: 'node_linear|MatMul#0', name: 'node_linear', opType: 'MatMul' },
  ],
  plannedPrecision: { 'Conv_0|Conv#0': 'int8', 'Gemm_48|Gemm#0': 'int8', 'node_linear|MatMul#0': 'fp16' },
};

const tensor = (name: string, format: string) => ({ Name: name, 'Format/Datatype': format });

test('layer names: fusion, nested PWN, reformat, ForeignNode, DLA region, Myelin kernel, profile suffix', () => {
  assert.deepEqual(parseLayerName('a + PWN(PWN(b), c) + d'), { kind: 'parts', dlaRegion: false, parts: [{ name: 'a', pwn: false }, { name: 'b', pwn: true }, { name: 'c', pwn: true }, { name: 'd', pwn: false }] });
  assert.deepEqual(parseLayerName('Reformatting CopyNode for Output Tensor 0 to a + b [profile 1]'), { kind: 'reformat', target: 'a + b' });
  assert.deepEqual(parseLayerName('conv1/7x7_s2 + conv1/relu_7x7 input reformatter 0'), { kind: 'reformat', target: 'conv1/7x7_s2 + conv1/relu_7x7' });
  assert.deepEqual(parseLayerName('{ForeignNode[x + y...z]}'), { kind: 'foreign-node', first: 'x + y', last: 'z' });
  assert.deepEqual(parseLayerName('{p,q}'), { kind: 'parts', dlaRegion: true, parts: [{ name: 'p', pwn: false }, { name: 'q', pwn: false }] });
  assert.deepEqual(parseLayerName('node_linear [profile 1]_myl11_2'), { kind: 'parts', dlaRegion: false, parts: [{ name: 'node_linear', pwn: false }] });
});

test('each match records how it was made', () => {
  const layers = [
    makeEngineLayer(0, { name: 'myl_kernel', metadata: '[ONNX Layer: Conv_0]\u001f[ONNX Layer: Relu_1 | Local Function: f]' }),
    makeEngineLayer(1, { name: 'Conv_0 + Relu_1' }),
    makeEngineLayer(2, { name: 'PWN(PWN(/Sub), PWN(/Div))' }),
    makeEngineLayer(3, { name: 'Reformatting CopyNode for Input Tensor 0 to Conv_0 + Relu_1' }),
    makeEngineLayer(4, { name: '{ForeignNode[/Sub...QuantizeLinear_7]}' }),
    makeEngineLayer(5, { name: 'node_of_sum' }),
    makeEngineLayer(6, { name: 'reshape_after_Gemm_48' }),
    makeEngineLayer(7, { name: 'q7 + Gemm_48' }),
    makeEngineLayer(8, { name: '(Unnamed Layer* 3) [Shuffle]' }),
    makeEngineLayer(9, { name: 'Gemm_48 [profile 1]' }),
  ];
  const { mapping, coverage } = mapEngine(layers, onnx);
  assert.deepEqual(mapping.map((m) => [m.method, m.onnxNodes]), [
    ['metadata', ['Conv_0', 'Relu_1']],
    ['fused-part', ['Conv_0', 'Relu_1']],
    ['pwn', ['/Sub', '/Div']],
    ['reformat', ['Conv_0', 'Relu_1']],
    ['foreign-node-range', ['/Sub', '/Div', 'QuantizeLinear_7']],
    ['exact-name', ['node_of_sum']],
    ['exact-name', ['Gemm_48']],
    ['fused-part', ['QuantizeLinear_7', 'Gemm_48']],
    ['unmatched', []],
  ]);
  assert.equal(mapping[3].reformatTarget, 'Conv_0 + Relu_1');
  assert.deepEqual(mapping[4].range, { first: '/Sub', last: 'QuantizeLinear_7' });
  assert.deepEqual(coverage, { engineLayers: 9, mapped: 8, byMethod: { metadata: 1, 'fused-part': 2, pwn: 1, reformat: 1, 'foreign-node-range': 1, 'exact-name': 2, unmatched: 1 }, verifiedAgainstOnnx: true, onnxNodes: 8, onnxNodesWithoutLayer: 1 });
});

test('plan check flags FP32 where INT8 was asked, from the layer-info datatypes', () => {
  const json = JSON.stringify({
    Layers: [
      { Name: 'Conv_0 + Relu_1', LayerType: 'CaskConvolution', Inputs: [tensor('x', 'Four wide channel vectorized row major Int8 format')], Outputs: [tensor('r1', 'Row major linear FP32')], Weights: { Type: 'Int8', Count: 9 } },
      { Name: 'Gemm_48', LayerType: 'CaskGemm', Inputs: [tensor('r1', 'Row major linear FP32')], Outputs: [tensor('g', 'Row major linear FP32')], Weights: { Type: 'Float', Count: 9 } },
      { Name: 'node_linear', LayerType: 'gemm', Inputs: [tensor('g', 'Half')], Outputs: [tensor('l', 'Half')] },
    ],
  });
  const result = importTrtArtifacts([{ name: 'm.engine.graph.json', text: json }], onnx);
  const check = result.engines[0].planCheck!;
  assert.deepEqual(check.rows.map((r) => [r.layerId, r.status]), [
    ['Conv_0|Conv#0', 'as-planned'],
    ['Gemm_48|Gemm#0', 'higher-precision'],
    ['node_linear|MatMul#0', 'as-planned'],
  ]);
  assert.deepEqual(check.fp32WhereInt8.map((r) => [r.node, r.realized]), [['Gemm_48', [{ engineLayer: 'Gemm_48', precision: 'fp32' }]]]);
});

test('engine diff aligns by name, and by op + output shape when names differ (QAT export)', () => {
  const layer = (name: string, type: string, format: string, dims: number[]) => ({ Name: name, LayerType: type, Inputs: [{ ...tensor('i', format), Dimensions: dims }], Outputs: [{ ...tensor('o', format), Dimensions: dims }] });
  const fp32 = JSON.stringify({ Layers: [layer('Conv_0', 'CaskConvolution', 'Float', [1, 8]), layer('Pool_1', 'CaskPooling', 'Float', [1, 4])] });
  const fp16 = JSON.stringify({ Layers: [layer('Conv_0', 'CaskConvolution', 'Half', [1, 8]), layer('Reformatting CopyNode for Input Tensor 0 to Pool_1', 'Reformat', 'Half', [1, 8]), layer('Pool_1', 'TiledPooling', 'Half', [1, 4])] });
  const qat = JSON.stringify({ Layers: [layer('w + QuantizeLinear_3 + Conv_4', 'CaskConvolution', 'Int8', [1, 8]), layer('MaxPool_5', 'CudaPooling', 'Int8', [1, 4])] });
  const profile = (rows: [string, number][]) => JSON.stringify([{ count: 2 }, ...rows.map(([name, averageMs]) => ({ name, timeMs: averageMs * 2, averageMs, medianMs: averageMs, percentage: 0 }))]);
  const result = importTrtArtifacts([
    { name: 'fp16/r.engine.graph.json', text: fp16 },
    { name: 'fp32/r.engine.graph.json', text: fp32 },
    { name: 'qat/r.engine.graph.json', text: qat },
    { name: 'fp32/r.engine.profile.json', text: profile([['Conv_0', 0.5], ['Pool_1', 0.25]]) },
  ]);
  assert.equal(result.diffs.length, 1);
  const diff = result.diffs[0];
  assert.deepEqual(diff.labels, ['fp32/r.engine', 'fp16/r.engine', 'qat/r.engine']);
  assert.deepEqual(diff.rows.map((r) => [r.key, r.alignedBy, r.cells.map((c) => c && `${c.layer}:${c.precision}:${c.averageMs ?? ''}`)]), [
    ['Conv_0', 'op-and-shape', ['Conv_0:fp32:0.5', 'Conv_0:fp16:', 'w + QuantizeLinear_3 + Conv_4:int8:']],
    ['Pool_1', 'op-and-shape', ['Pool_1:fp32:0.25', 'Pool_1:fp16:', 'MaxPool_5:int8:']],
  ]);
  assert.deepEqual(diff.overhead.map((o) => o.layers), [0, 1, 0]);
  assert.deepEqual(diff.totalsMs, [0.75, null, null]);
});

test('collect mode keeps going past a bad file', () => {
  const result = importTrtArtifacts([{ name: 'a.json', text: '{' }, { name: 'b.cache', text: 'TRT-8501-EntropyCalibration2\nx: 3f800000\n' }], undefined, { onError: 'collect' });
  assert.deepEqual(result.failures.map((f) => [f.file, f.code]), [['a.json', 'TRT_JSON_MALFORMED']]);
  assert.equal(result.artifacts.length, 1);
  assert.throws(() => importTrtArtifacts([{ name: 'a.json', text: '{' }]), /a\.json: invalid JSON at line 1, column 2/);
});
