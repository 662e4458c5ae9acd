/**
 * Formats met in third-party TensorRT artifacts the parsers were not first written against (TensorRT 7–10 logs from
 * Jetson/DLA builds, DeepStream and Python loggers, Polygraphy's engine inspection, other TREx exports). Each test is
 * a small hand-made snippet with the structure of the real output.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectTrtArtifact } from '../../../app/trt/detect';
import { engineStem, importTrtArtifacts } from '../../../app/trt/import';
import { isSyntheticName, parseLayerName } from '../../../app/trt/layer-name';
import { mapEngine } from '../../../app/trt/mapping';
import { parsePolygraphyLog } from '../../../app/trt/polygraphy-log';
import { parseTrtArtifact } from '../../../app/trt/parse-artifact';
import { summarizeArtifact } from '../../../app/trt/artifact-summary';
import { parseTrtexecLog } from '../../../app/trt/trtexec-log';
import type { OnnxSide } from '../../../app/trt/types';

const lines = (...l: string[]) => l.join('\n') + '\n';

test('--dumpProfile of TensorRT 7.x–8.4: name first, right-aligned, no median; a paste without its heading still reads', () => {
  const log = parseTrtexecLog('dla.log', lines(
    '[07/06/2023-17:19:08] [I]                               Layer   Time (ms)   Avg. Time (ms)   Time %',
    '[07/06/2023-17:19:08] [I]                       images to nvm       33.99           0.0852      1.1',
    '[07/06/2023-17:19:08] [I]  {ForeignNode[Conv_0...Concat_198]}        3.38           0.0085      0.1',
    '[07/06/2023-17:19:08] [I]                     head_3 from nvm     3069.55           7.6931     98.4',
    '[07/06/2023-17:19:08] [I]                               Total     3106.92           7.7868    100.0',
    '[07/06/2023-17:19:08] [I] ',
  ));
  assert.deepEqual(log.profile?.layers.map((l) => [l.name, l.totalMs, l.averageMs, l.medianMs, l.percentage]), [
    ['images to nvm', 33.99, 0.0852, undefined, 1.1],
    ['{ForeignNode[Conv_0...Concat_198]}', 3.38, 0.0085, undefined, 0.1],
    ['head_3 from nvm', 3069.55, 7.6931, undefined, 98.4],
  ]);
  assert.equal(log.profile?.iterations, undefined);
  assert.ok(Math.abs(log.profile!.totalAverageMs - 7.7868) < 1e-9);
});

test('--dumpProfile of TensorRT 8.5: name first with a Median column; 8.6+ numbers first', () => {
  const old = parseTrtexecLog('85.log', lines(
    '[10/21/2025-15:16:16] [I] === Profile (309 iterations ) ===',
    '[10/21/2025-15:16:16] [I]                                Layer   Time (ms)   Avg. Time (ms)   Median Time (ms)   Time %',
    '[10/21/2025-15:16:16] [I]                 [HostToDeviceCopy 0]       16.77           0.0543             0.0285      0.5',
    '[10/21/2025-15:16:16] [I]  conv1 + PWN(re_lu_clip)       28.84           0.0933             0.0895      0.9',
    '[10/21/2025-15:16:16] [I]                                Total     3068.65           9.9309             9.1586    100.0',
  ));
  assert.equal(old.profile?.iterations, 309);
  assert.deepEqual(old.profile?.layers.map((l) => [l.name, l.averageMs, l.medianMs]), [['[HostToDeviceCopy 0]', 0.0543, 0.0285], ['conv1 + PWN(re_lu_clip)', 0.0933, 0.0895]]);
  const current = parseTrtexecLog('10.log', lines(
    '[05/08/2024-14:05:14] [I] === Profile (2094 iterations ) ===',
    '[05/08/2024-14:05:14] [I]    Time(ms)     Avg.(ms)   Median(ms)   Time(%)   Layer',
    '[05/08/2024-14:05:14] [I]       47.82       0.0228       0.0225       1.6   a + b',
    '[05/08/2024-14:05:14] [I]       14.02       0.0067       0.0069       0.5   pool 1',
  ));
  assert.equal(current.profile?.iterations, 2094);
  assert.deepEqual(current.profile?.layers.map((l) => [l.name, l.totalMs, l.medianMs]), [['a + b', 47.82, 0.0225], ['pool 1', 14.02, 0.0069]]);
});

test('other TensorRT loggers are read as logs: Python, TensorRT 7, DeepStream, jetson-inference, no timestamps, pasted trtexec lines', () => {
  const cases: [string, string, string | undefined][] = [
    ['py.log', '[TensorRT-Cookbook] Version: 1.0.0\n[07/07/2026-06:12:03] [TRT] [I] [MemUsageChange] Init CUDA\n', 'TensorRT Python logger'],
    ['t7.log', '[TensorRT] VERBOSE: After concat removal: 29 layers\n', 'TensorRT ≤ 7 Python logger'],
    ['ds.log', 'WARNING: [TRT]: DLA supports only 8 subgraphs per DLA core. Switching to GPU for layer conv_6\n', 'DeepStream nvinfer'],
    ['ji.log', '[TRT]    TensorRT version 8.5.1\n[TRT]    loading NVIDIA plugins...\n', 'jetson-inference'],
    ['w.log', "[W] [TRT] Layer 'x' (CONSTANT): Unsupported on DLA. Switching this layer's device type to GPU.\n", 'timestamp-less TensorRT logger'],
    ['paste.log', '[05/08/2024-14:05:14] [I] === Profile (2094 iterations ) ===\n', undefined],
  ];
  for (const [name, text, logger] of cases) {
    assert.equal(detectTrtArtifact(name, text).kind, 'trtexec-log', name);
    const artifact = parseTrtArtifact(name, text);
    assert.equal(artifact.kind === 'trtexec-log' ? artifact.log.logger : 'not a log', logger, name);
  }
  const ds = parseTrtexecLog('ds.log', cases[2][1]);
  assert.deepEqual(ds.diagnostics.map((d) => d.severity), ['warning']);
  assert.equal(parseTrtexecLog('ji.log', cases[3][1]).trtVersion, '8.5.1');
  // A Python script's inspector printout without any build stays an inspector log.
  const inspector = '[07/07/2026-06:09:15] [TRT] [W] Make sure output z has Int64 binding.\nLayers:\nName: conv, LayerType: CaskConvolution, Inputs: [], Outputs: [], TacticValue: 0x1\n';
  assert.equal(detectTrtArtifact('i.log', inspector).kind, 'inspector-log');
  // A log preceded by a screenful of the script's own output is still found.
  assert.equal(detectTrtArtifact('long.log', `${'Exporting model...\n'.repeat(400)}[09/23/2025-01:35:15] [TRT] [I] [MemUsageChange] Init CUDA\n`).kind, 'trtexec-log');
});

test('Python-logger logs: version from the builder library soname, export banner', () => {
  assert.equal(parseTrtexecLog('a.log', '[07/07/2026-06:12:03] [TRT] [V] Loaded shared library libnvinfer_builder_resource_sm90.so.10.16.2\n').trtVersion, '10.16.2');
  assert.equal(parseTrtexecLog('b.log', 'TensorRT: starting export with TensorRT 8.2.0.6...\n[09/23/2025-01:35:15] [TRT] [I] x\n').trtVersion, '8.2.0.6');
  assert.equal(parseTrtexecLog('c.log', '&&&& RUNNING TensorRT.trtexec [TensorRT v8502] # trtexec\n[10/21/2025-15:16:09] [V] [TRT] Trying to load shared library libnvinfer_builder_resource.so.9.9.9\n').trtVersion, '8.5.2');
});

test('Engine Layer Information whose every line carries the logger prefix (TensorRT 7 Python logger, DeepStream)', () => {
  const log = parseTrtexecLog('t7.log', lines(
    '[TensorRT] VERBOSE: Engine Layer Information:',
    '[TensorRT] VERBOSE: Layer(FusedConvActDirect): (Unnamed Layer* 0) [Convolution] + (Unnamed Layer* 1) [Activation], Tactic: 141, data[Float(1,32,32)] -> (Unnamed Layer* 1) [Activation]_output[Float(6,28,28)]',
    '[TensorRT] VERBOSE: Layer(PoolingTiled): (Unnamed Layer* 2) [Pooling], Tactic: 7405838, (Unnamed Layer* 1) [Activation]_output[Float(6,28,28)] -> (Unnamed Layer* 2) [Pooling]_output[Float(6,14,14)]',
    '[TensorRT] INFO: Detected 1 inputs and 1 output network tensors.',
  ));
  assert.equal(log.engineLayerSource, 'oneline');
  assert.deepEqual(log.engineLayers.map((l) => [l.layerType, l.tacticValue, l.outputs[0].dims]), [['FusedConvActDirect', '141', [6, 28, 28]], ['PoolingTiled', '7405838', [6, 14, 14]]]);
});

test('builder device lists stand in for the layer list: 8.2+ tagged lines (with and without type), ≤ 8.0 comma lists', () => {
  const tagged = parseTrtexecLog('dla.log', lines(
    '[02/19/2022-05:35:26] [I] [TRT] ---------- Layers Running on DLA ---------- ',
    '[02/19/2022-05:35:26] [I] [TRT] [DlaLayer] {ForeignNode[conv1_1...pool5]}',
    '[02/19/2022-05:35:26] [I] [TRT] ---------- Layers Running on GPU ----------',
    '[02/19/2022-05:35:26] [I] [TRT] [GpuLayer] SHUFFLE: shuffle_between_pool5_and_fc6 ',
    '[02/19/2022-05:35:26] [I] [TRT] [GpuLayer] Conv_49 || Conv_66',
    '[02/19/2022-05:35:26] [I] [TRT] [MemUsageChange] Init cuBLAS/cuBLASLt: CPU +0, GPU +0',
  ));
  assert.equal(tagged.engineLayerSource, 'device-lists');
  assert.deepEqual(tagged.engineLayers.map((l) => [l.name, l.device, l.layerType]), [
    ['{ForeignNode[conv1_1...pool5]}', 'DLA', undefined],
    ['shuffle_between_pool5_and_fc6', 'GPU', 'SHUFFLE'],
    ['Conv_49 || Conv_66', 'GPU', undefined],
  ]);
  const summary = summarizeArtifact({ kind: 'trtexec-log', file: 'dla.log', log: tagged });
  assert.equal(summary.layerCount, 3);
  assert.ok(summary.notes.includes('1 layer on DLA, 2 on GPU'), summary.notes.join('; '));
  const old = parseTrtexecLog('ds.log', lines(
    'INFO: [TRT]: --------------- Layers running on DLA: ',
    'INFO: [TRT]: {conv_1,batch_norm_1}, {conv_2}, ',
    'INFO: [TRT]: --------------- Layers running on GPU: ',
    'INFO: [TRT]: conv1 + activation_1/Relu, block_1a_conv_2, conv2d_cov/Sigmoid, ',
    'INFO: [TRT]: Detected 1 inputs and 2 output network tensors.',
  ));
  assert.deepEqual(old.engineLayers.map((l) => [l.name, l.device]), [
    ['{conv_1,batch_norm_1}', 'DLA'], ['{conv_2}', 'DLA'], ['conv1 + activation_1/Relu', 'GPU'], ['block_1a_conv_2', 'GPU'], ['conv2d_cov/Sigmoid', 'GPU'],
  ]);
  // A real layer list wins over the device lists.
  const both = parseTrtexecLog('b.log', lines(
    '[V] [TRT] ---------- Layers Running on GPU ----------',
    '[V] [TRT] [GpuLayer] CONVOLUTION: a',
    '[V] [TRT] Engine Layer Information:',
    'Layer(CaskConvolution): a, Tactic: 0x1, x (Half[1,3]) -> y (Half[1,4])',
  ));
  assert.equal(both.engineLayerSource, 'oneline');
});

test('Myelin sub-log " (foreignNode) Autotuning op …": sorted tables without a selected line, then the ForeignNode resumes', () => {
  const log = parseTrtexecLog('m.log', lines(
    '[V] [TRT] =============== Computing costs for {ForeignNode[gemm1.weight...cast]}',
    '[V] [TRT] *************** Autotuning format combination: Float(3136,49,7,1) -> Float(10,1) ***************',
    '[V] [TRT] --------------- Timing Runner: {ForeignNode[gemm1.weight...cast]} (Myelin[0x80000023])',
    '[V] [TRT]  (foreignNode) Autotuning op node_linear: [ONNX Layer: node_linear][ONNX Layer: node_relu_2]',
    '[V] [TRT]  (foreignNode) Sorted table of all evaluated tactics:',
    '[V] [TRT]  (foreignNode) tactic_id, cost(in ms), cost/fastest_cost, prediction_correlation, kernel_name, tactic_hash, tunable_parameter',
    '[V] [TRT]  (foreignNode)    2, 0.0127232, 1.00000, 0.87676, sm80_gemm_a, 0x2c80ce2f5c4a6,',
    '[V] [TRT]  (foreignNode)    5, 0.0132512, 1.04150, 0.86265, sm80_gemm_b, 0x31806e557c683,',
    '[V] [TRT] Tactic: 0x0000000000000000 Time: 0.0304878',
    '[V] [TRT] >>>>>>>>>>>>>>> Chose Runner Type: Myelin Tactic: 0x0000000000000000',
  ));
  assert.deepEqual(log.tactics.map((t) => t.name), ['{ForeignNode[gemm1.weight...cast]}', 'node_linear']);
  const [foreign, op] = log.tactics;
  assert.deepEqual(op.metadataNodes, ['node_linear', 'node_relu_2']);
  assert.deepEqual(op.combinations[0].candidates.map((c) => c.tactic), ['0x2c80ce2f5c4a6', '0x31806e557c683']);
  assert.deepEqual(op.selected, { formats: '', tactic: '0x2c80ce2f5c4a6', timeMs: 0.0127232, tacticName: 'sm80_gemm_a' });
  assert.deepEqual(foreign.combinations[0].candidates.map((c) => [c.tactic, c.timeMs, c.runner]), [['0x0000000000000000', 0.0304878, 'Myelin[0x80000023]']]);
  assert.equal(foreign.selected?.runner, 'Myelin');
});

test("polygraphy inspect model --show layers attrs: the engine's layers, tensors, tactics, profiles", () => {
  const log = parsePolygraphyLog('inspect.log', lines(
    '[V] Loaded Module: tensorrt | Version: 10.16.2.5 | Path: [x]',
    '[I] ==== TensorRT Engine ====',
    '    Name: Unnamed Network 0 | Explicit Batch Engine',
    '',
    '    ---- 3 Layer(s) ----',
    '    Layer 0    | node_conv2d + node_relu [Op: CaskConvolution]',
    '        {x [dtype=float32, shape=(-1, 1, 28, 28), Format: Float]}',
    '         -> {relu [dtype=float16, shape=(-1, 32, 28, 28), Format: Half]}',
    '        ---- Attributes ----',
    '        Origin = Unknown',
    '        Tactic = 0x5b8bf1b8028629d9',
    '',
    '    Layer 1    | __myl_MaxrSubExp_myl4_3 [Op: kgen]',
    '        {y [dtype=float32, shape=(-1, 10), Format: Float],',
    '         y [dtype=float32, shape=(-1, 10), Format: Float]}',
    '         -> {k [dtype=int32, shape=(-1, 1), Format: Int32]}',
    '        ---- Attributes ----',
    '        Origin = Unknown',
    '        Tactic = __myl_MaxrSubExp_0xf73a9f',
    '',
    '    Layer 2    | node_of_Y [profile 1] [Op: MyelinReformat]',
    '        {X [profile 1] [shape=(1, 2, -1, -1)]}',
    '         -> {Y [profile 1] [shape=(1, 2, -1, -1)]}',
    '[I] Done',
  ));
  const layers = log.engineLayers!;
  assert.equal(log.trtVersion, '10.16.2.5');
  assert.deepEqual(layers.map((l) => [l.name, l.layerType, l.tacticValue, l.tacticName, l.profileIndex]), [
    ['node_conv2d + node_relu', 'CaskConvolution', '0x5b8bf1b8028629d9', undefined, 0],
    ['__myl_MaxrSubExp_myl4_3', 'kgen', undefined, '__myl_MaxrSubExp_0xf73a9f', 0],
    ['node_of_Y [profile 1]', 'MyelinReformat', undefined, undefined, 1],
  ]);
  assert.deepEqual(layers[0].inputs.map((t) => [t.name, t.dataType, t.dims]), [['x', 'fp32', [-1, 1, 28, 28]]]);
  assert.deepEqual(layers[0].outputs.map((t) => [t.name, t.dataType]), [['relu', 'fp16']]);
  assert.equal(layers[0].precision, 'fp32'); // the least precise input, as for every other source
  assert.equal(layers[1].inputs.length, 2);
  assert.deepEqual(layers[2].inputs.map((t) => [t.name, t.dims, t.dataType]), [['X [profile 1]', [1, 2, -1, -1], 'unknown']]);
  const result = importTrtArtifacts([{ name: 'inspect.log', text: lines('[I] ==== TensorRT Engine ====', '    ---- 1 Layer(s) ----', '    Layer 0    | conv [Op: CaskConvolution]', '        {x [dtype=int8, shape=(1, 3), Format: Int8]}', '         -> {y [dtype=int8, shape=(1, 4), Format: Int8]}') }]);
  assert.equal(result.engines.length, 1);
  assert.equal(result.engines[0].files.inspector, 'inspect.log');
  assert.deepEqual(result.summaries[0].precisionMix, { int8: 1 });
  // No "RUNNING | Command" line: no claim that all commands passed.
  assert.ok(!result.summaries[0].notes.some((n) => /polygraphy command/.test(n)), result.summaries[0].notes.join('; '));
});

test('engines are diffed only when they cover each other: ResNet18-like vs ResNet50-like stay apart', () => {
  const conv = (name: string, dims: number[], type = 'Float') => ({ Name: name, LayerType: 'CaskConvolution', Inputs: [{ Name: `${name}_in`, Dimensions: dims, 'Format/Datatype': type }], Outputs: [{ Name: `${name}_out`, Dimensions: dims, 'Format/Datatype': type }] });
  const shapes = [[1, 64, 56, 56], [1, 128, 28, 28], [1, 256, 14, 14]];
  const small = { Layers: shapes.map((d, i) => conv(`s${i}`, d)) };
  const smallFp16 = { Layers: shapes.map((d, i) => conv(`h${i}`, d, 'Half')) };
  const large = { Layers: shapes.flatMap((d, i) => [0, 1, 2].map((k) => conv(`l${i}_${k}`, d))).concat(shapes.map((d, i) => conv(`m${i}`, [d[0], d[1] * 4, d[2], d[3]]))) };
  const result = importTrtArtifacts([
    { name: 'a/r18.graph.json', text: JSON.stringify(small) },
    { name: 'b/r50.graph.json', text: JSON.stringify(large) },
    { name: 'c/r18fp16.graph.json', text: JSON.stringify(smallFp16) },
  ]);
  assert.equal(result.diffs.length, 1);
  assert.deepEqual(result.diffs[0].engines, ['a/r18', 'c/r18fp16']);
});

test('engine stems: files named only by the export ending belong to their folder; x_layer.json pairs with x_profile.json', () => {
  assert.equal(engineStem('runs/a/profile.json'), 'runs/a');
  assert.equal(engineStem('runs/a/layer_info.json'), 'runs/a');
  assert.equal(engineStem('profile.json'), '.');
  assert.equal(engineStem('q/yolov7_qat_layer.json'), 'q/yolov7_qat');
  assert.equal(engineStem('q/yolov7_qat_profile.json'), 'q/yolov7_qat');
  assert.equal(engineStem('q/players.json'), 'q/players');
  assert.equal(engineStem('t/r.onnx.engine.build.log'), 't/r.onnx.engine');
  assert.equal(engineStem('t/r.onnx.engine.profile.log'), 't/r.onnx.engine');
  assert.equal(engineStem('t/rebuild.log'), 't/rebuild');
  const result = importTrtArtifacts([
    { name: 'nb/layer_info.json', text: '{"Layers": ["a", "b"], "Bindings": ["x"]}' },
    { name: 'nb/profile.json', text: '[{ "count" : 2 }, { "name" : "a", "timeMs" : 2, "averageMs" : 1, "medianMs" : 1, "percentage" : 50 }, { "name" : "b", "timeMs" : 2, "averageMs" : 1, "medianMs" : 1, "percentage" : 50 }]' },
  ]);
  assert.equal(result.engines.length, 1);
  assert.equal(result.engines[0].label, 'nb');
  assert.deepEqual(result.engines[0].layers.map((l) => l.averageMs), [1, 1]);
});

test('layer names: horizontal fusion " || ", concat copies "t copy", synthetic helpers are never ONNX nodes', () => {
  assert.deepEqual(parseLayerName('Conv_49 || Conv_66'), { kind: 'parts', dlaRegion: false, parts: [{ name: 'Conv_49', pwn: false }, { name: 'Conv_66', pwn: false }] });
  for (const name of ['[trainStation1]', '[HostToDeviceCopy 0]', 'images to nvm', 'head_3 from nvm', 'images copy finish', '{a,b} output to be reformatted 0 finish']) assert.ok(isSyntheticName(name), name);
  assert.ok(!isSyntheticName('input.12 copy'));
  const onnx: OnnxSide = { nodes: [{ name: 'Concat_18', outputs: ['input.12'] }, { name: 'Conv_49', outputs: ['a'] }, { name: 'Conv_66', outputs: ['b'] }] };
  const layer = (name: string) => ({ index: 0, name, inputs: [], outputs: [], metadataNodes: [], profileIndex: 0, precision: 'unknown' as const });
  const { mapping } = mapEngine([layer('input.12 copy'), layer('Conv_49 || Conv_66'), layer('[trainStation1]')], onnx);
  assert.deepEqual(mapping.map((m) => [m.method, m.onnxNodes]), [['exact-name', ['Concat_18']], ['fused-part', ['Conv_49', 'Conv_66']], ['unmatched', []]]);
  assert.deepEqual(mapEngine([layer('[trainStation1]')]).mapping[0].method, 'unmatched');
});

test('--dumpLayerInfo of an engine built without detailed verbosity: bare names under "Layers:"', () => {
  const log = parseTrtexecLog('n.log', lines(
    '[07/07/2026-02:11:38] [I] Layer Information:',
    '[07/07/2026-02:11:38] [I] Layers:',
    'node_conv2d + node_relu',
    'Reformatting CopyNode for Input Tensor 0 to node_max_pool2d',
    '{ForeignNode[node_linear...node_softmax]}',
    '',
    'Bindings:',
    'x',
    '[07/07/2026-02:11:38] [I] Skipped inference phase since --skipInference is added.',
  ));
  assert.equal(log.engineLayerSource, 'dump-layer-info');
  assert.deepEqual(log.engineLayers.map((l) => l.name), ['node_conv2d + node_relu', 'Reformatting CopyNode for Input Tensor 0 to node_max_pool2d', '{ForeignNode[node_linear...node_softmax]}']);
  assert.ok(summarizeArtifact({ kind: 'trtexec-log', file: 'n.log', log }).notes.some((n) => /names only/.test(n)));
});

test('layer info as a bare JSON array of layer objects; layers_<backend>.json pairs with profile_<backend>.json', () => {
  const layers = [{ Name: 'conv', LayerType: 'CaskConvolution', Inputs: [{ Name: 'x', Dimensions: [1, 3], Format: 'Row major linear', Datatype: 'Half', StrideOrder: [1, 0] }], Outputs: [{ Name: 'y', Dimensions: [1, 4], Format: 'Row major linear', Datatype: 'Half' }], TacticName: 'sm90_k', Metadata: '[ONNX Layer: /conv/Conv]' }];
  assert.equal(detectTrtArtifact('runs/layers_onnx-tensorrt.json', JSON.stringify(layers)).kind, 'layer-info-json');
  assert.equal(engineStem('runs/layers_onnx-tensorrt.json'), 'runs/onnx-tensorrt');
  assert.equal(engineStem('runs/profile_onnx-tensorrt.json'), 'runs/onnx-tensorrt');
  assert.equal(engineStem('runs/layer-info.json'), 'runs');
  const result = importTrtArtifacts([
    { name: 'runs/layers_onnx-tensorrt.json', text: JSON.stringify(layers, null, 2) },
    { name: 'runs/profile_onnx-tensorrt.json', text: '[{ "count" : 4 }, { "name" : "conv", "timeMs" : 2, "averageMs" : 0.5, "medianMs" : 0.5, "percentage" : 100 }]' },
  ]);
  assert.equal(result.engines.length, 1);
  assert.deepEqual(result.engines[0].layers.map((l) => [l.name, l.precision, l.averageMs, l.tacticName]), [['conv', 'fp16', 0.5, 'sm90_k']]);
  assert.deepEqual(result.engines[0].mapping[0].onnxNodes, ['/conv/Conv']);
  // A malformed layer in a bare array names its path from the root.
  assert.throws(() => parseTrtArtifact('bad.json', JSON.stringify([{ Name: 'a', LayerType: 'X', Inputs: 3 }])), /\$\[0\]\.Inputs: expected an array/);
});

test('layer lists pasted with doubled newlines (blank line after the heading and between layers) are read whole', () => {
  const log = parseTrtexecLog('p.log', lines(
    '[01/10/2024-21:55:12] [V] [TRT] Engine Layer Information:',
    '',
    'Layer(Myelin): {ForeignNode[a...b]}, Tactic: 0x0000000000000000,  -> t[Float(2,12600)], u[Float(1,12600)]',
    '',
    'Layer(Reformat): q, Tactic: 0x00000000000003ea, images[Float(1,3,64,96)] -> q_out[Int8(1,3,64,96)]',
    '',
    '[01/10/2024-21:55:13] [I] Layers:',
    '',
    'Name: q, LayerType: Reformat, Inputs: [ { Name: images, Location: Device, Dimensions: [1,3,64,96], Format/Datatype: Row major linear FP32 }], Outputs: [ { Name: q_out, Location: Device, Dimensions: [1,3,64,96], Format/Datatype: Row major Int8 format }], ParameterType: Reformat, Origin: QDQ, TacticValue: 0x00000000000003ea',
    '',
    'Name: c, LayerType: CaskConvolution, Inputs: [ { Name: q_out, Location: Device, Dimensions: [1,3,64,96], Format/Datatype: Row major Int8 format }], Outputs: [ { Name: y, Location: Device, Dimensions: [1,32,32,48], Format/Datatype: Thirty-two wide channel vectorized row major Int8 format }], Weights: {"Type": "Int8", "Count": 864}, TacticName: ampere_first_layer_filter3x3_imma_fwd, TacticValue: 0x9ae0c0d2fb3a01e5',
    '',
    'Bindings:',
  ));
  assert.equal(log.engineLayerSource, 'dump-layer-info');
  assert.deepEqual(log.engineLayers.map((l) => [l.name, l.precision, l.origin]), [['q', 'fp32', 'QDQ'], ['c', 'int8', undefined]]);
  const oneline = parseTrtexecLog('p.log', lines('[V] [TRT] Engine Layer Information:', '', 'Layer(Reformat): q, Tactic: 0x3ea, images[Float(1,3)] -> q_out[Int8(1,3)]', '', 'Layer(NoOp): r, Tactic: 0x0, q_out[Int8(1,3)] -> r_out[Int8(3)]'));
  assert.deepEqual(oneline.engineLayers.map((l) => l.name), ['q', 'r']);
});

test('TensorRT 7.x performance summary (Host Latency / Enqueue Time / GPU Compute sections of short lines)', () => {
  const log = parseTrtexecLog('t7.log', lines(
    '&&&& RUNNING TensorRT.trtexec # ./trtexec --loadEngine=m.trt',
    '[06/12/2022-22:34:00] [I] Average on 10 runs - GPU latency: 1.56245 ms - Host latency: 1.65786 ms (end to end 2.76426 ms, enqueue 0.943042 ms)',
    '[06/12/2022-22:34:00] [I] Host Latency',
    '[06/12/2022-22:34:00] [I] min: 1.64058 ms (end to end 1.66368 ms)',
    '[06/12/2022-22:34:00] [I] max: 6.2915 ms (end to end 7.65552 ms)',
    '[06/12/2022-22:34:00] [I] mean: 1.66069 ms (end to end 3.00909 ms)',
    '[06/12/2022-22:34:00] [I] median: 1.65601 ms (end to end 3.01636 ms)',
    '[06/12/2022-22:34:00] [I] percentile: 1.67065 ms at 99% (end to end 3.03931 ms at 99%)',
    '[06/12/2022-22:34:00] [I] throughput: 602.1 qps',
    '[06/12/2022-22:34:00] [I] walltime: 3.00461 s',
    '[06/12/2022-22:34:00] [I] Enqueue Time',
    '[06/12/2022-22:34:00] [I] min: 0.9 ms',
    '[06/12/2022-22:34:00] [I] max: 1.2 ms',
    '[06/12/2022-22:34:00] [I] median: 0.94 ms',
    '[06/12/2022-22:34:00] [I] GPU Compute',
    '[06/12/2022-22:34:00] [I] min: 1.5 ms',
    '[06/12/2022-22:34:00] [I] max: 6.1 ms',
    '[06/12/2022-22:34:00] [I] mean: 1.56 ms',
    '[06/12/2022-22:34:00] [I] median: 1.55 ms',
    '[06/12/2022-22:34:00] [I] percentile: 1.6 ms at 99%',
    '[06/12/2022-22:34:00] [I] total compute time: 2.9 s',
    '&&&& PASSED TensorRT.trtexec # ./trtexec --loadEngine=m.trt',
  ));
  assert.deepEqual(log.performance, {
    latency: { percentilesMs: { '99': 1.67065 }, minMs: 1.64058, maxMs: 6.2915, meanMs: 1.66069, medianMs: 1.65601 },
    throughputQps: 602.1,
    totalHostWalltimeS: 3.00461,
    enqueue: { percentilesMs: {}, minMs: 0.9, maxMs: 1.2, medianMs: 0.94 },
    gpuCompute: { percentilesMs: { '99': 1.6 }, minMs: 1.5, maxMs: 6.1, meanMs: 1.56, medianMs: 1.55 },
    totalGpuComputeTimeS: 2.9,
  });
  const notes = summarizeArtifact({ kind: 'trtexec-log', file: 't7.log', log }).notes;
  assert.ok(notes.includes('latency: mean 1.661 ms, median 1.656 ms, p99 1.671 ms'), notes.join('; '));
  // "throughput: 0 qps" (explicit batch in 7.x) is not reported as a measurement.
  assert.equal(parseTrtexecLog('z.log', '[I] Host Latency\n[I] min: 1 ms (end to end 2 ms)\n[I] throughput: 0 qps\n').performance?.throughputQps, undefined);
});

test('--exportProfile rows with C++ nan/inf (zero total time) are read as 0 ms instead of failing the file', () => {
  const text = [
    '[',
    '  { "count" : 0 }',
    ', { "name" : "conv", "timeMs" : 0, "averageMs" : -nan, "medianMs" : 0, "percentage" : nan }',
    ', { "name" : "pool", "timeMs" : 0, "averageMs" : inf, "medianMs" : 0, "percentage" : -nan }',
    ']',
  ].join('\n');
  const artifact = parseTrtArtifact('p.profile.json', text);
  if (artifact.kind !== 'profile-json') return assert.fail(artifact.kind);
  assert.deepEqual(artifact.profile.layers, [
    { name: 'conv', totalMs: 0, averageMs: 0, medianMs: 0 },
    { name: 'pool', totalMs: 0, averageMs: 0, medianMs: 0 },
  ]);
  assert.equal(artifact.profile.nonFiniteRows, 2);
  assert.ok(summarizeArtifact(artifact).notes.some((n) => /nan\/inf numbers in 2 rows/.test(n)));
});

test('layer objects printed one by one (getLayerInformation per layer: "--- Layer i ---" separators, or JSON Lines)', () => {
  const layer = (name: string, type: string, dtype: string, meta: string) => JSON.stringify({ Name: name, LayerType: type, Inputs: [{ Name: 'x', Dimensions: [-1, 16], 'Format/Datatype': dtype }], Outputs: [], TacticName: '', StreamId: 0, Metadata: meta }, null, 2);
  const separated = ['--- Layer 0 ---', layer('/fc1/Gemm_myl0_2', 'gemm', 'Int8', '[ONNX Layer: /fc1/Gemm]\u001f[ONNX Layer: /fc1/DequantizeLinear]'), '--- Layer 1 ---', layer('__myl_Cast_myl0_3', 'kgen', 'Float', '')].join('\n');
  assert.equal(detectTrtArtifact('layer_info.json', separated).kind, 'layer-info-json');
  const artifact = parseTrtArtifact('layer_info.json', separated);
  if (artifact.kind !== 'layer-info-json') return assert.fail(artifact.kind);
  assert.deepEqual(artifact.layerInfo.layers.map((l) => [l.name, l.layerType, l.precision, l.metadataNodes]), [
    ['/fc1/Gemm_myl0_2', 'gemm', 'int8', ['/fc1/Gemm', '/fc1/DequantizeLinear']],
    ['__myl_Cast_myl0_3', 'kgen', 'fp32', []],
  ]);
  assert.equal(artifact.layerInfo.embeddedAtLine, 2);
  const jsonl = [JSON.stringify({ Name: 'a', LayerType: 'CaskConvolution', Inputs: [], Outputs: [{ Name: 'y', 'Format/Datatype': 'Half' }] }), JSON.stringify({ Name: 'b', LayerType: 'NoOp', Inputs: [], Outputs: [] })].join('\n');
  const lines2 = parseTrtArtifact('layers.jsonl', jsonl);
  assert.deepEqual(lines2.kind === 'layer-info-json' ? lines2.layerInfo.layers.map((l) => l.name) : lines2.kind, ['a', 'b']);
  // A broken layer object is an error with its line, not silently skipped.
  assert.throws(() => parseTrtArtifact('bad.txt', '--- Layer 0 ---\n{\n  "Name": "a",\n  "LayerType": "X",\n  "Inputs": [,]\n}\n'), /bad\.txt: invalid JSON at line 5/);
});

test('older Polygraphy comparisons: verdicts without the output name, tolerances as "Required tolerances" / "Minimum Required Tolerance"', () => {
  const log = parsePolygraphyLog('old.log', lines(
    '[I] RUNNING | Command: /usr/local/bin/polygraphy run model.onnx --trt --onnxrt',
    "[I] Comparing Output: 'output' (dtype=float32, shape=(1, 1000)) with 'output' (dtype=float32, shape=(1, 1000))",
    '[I]     Required tolerances: [atol=0.0037174] OR [rtol=1e-05, atol=0.0037167] OR [rtol=0.086, atol=1e-05] | Mean Error: Absolute=0.00051, Relative=0.0012',
    '[I]     Runner: trt-runner-N0-01/13/21-10:00:00 | Stats: mean=0.001, min=-3.1 at (0, 12), max=9.1 at (0, 4)',
    '[E]     FAILED | Difference exceeds tolerance (rtol=1e-05, atol=1e-05)',
    "[I] Comparing Output: 'scores' (dtype=float32, shape=(1, 10)) with 'scores' (dtype=float32, shape=(1, 10)) | Tolerance: [abs=1e-05, rel=1e-05] | Checking elemwise error",
    "[I]     Error Metrics: scores",
    '[I]         Minimum Required Tolerance: elemwise error | [abs=2.3842e-07] OR [rel=4.1e-07] (requirements may be lower if both abs/rel tolerances are set)',
    '[I]         PASSED | Difference is within tolerance (rel=1e-05, abs=1e-05)',
    "[E]     FAILED | Mismatched outputs: ['output']",
    '[E] FAILED | Command: /usr/local/bin/polygraphy run model.onnx --trt --onnxrt',
  ));
  assert.deepEqual(log.comparisons.map((c) => [c.output, c.passed, c.maxAbsError, c.maxRelError]), [
    ['output', false, 0.0037174, 0.086],
    ['scores', true, 2.3842e-7, 4.1e-7],
  ]);
  assert.deepEqual(log.commands.map((c) => c.status), ['FAILED']);
});

test('TensorRT 7 tactic search without "Computing costs for" lines: layers are named by their Timing Runner', () => {
  const log = parseTrtexecLog('t7.log', lines(
    '[TensorRT] VERBOSE: *************** Autotuning format combination: Float(1536,3,1) -> Float(1536,3,1) ***************',
    '[TensorRT] VERBOSE: --------------- Timing Runner: Fill_20 (Fill)',
    '[TensorRT] VERBOSE: Tactic: 0 Time: 0.004',
    '[TensorRT] VERBOSE: Fastest Tactic: 0 Time: 0.004',
    '[TensorRT] VERBOSE: >>>>>>>>>>>>>>> Chose Runner Type: Fill Tactic: 0',
    '[TensorRT] VERBOSE: *************** Autotuning Reformat:Float(1536,3,1) -> Half(1536,3,1) ***************',
    '[TensorRT] VERBOSE: --------------- Timing Runner: Optimizer Reformat (Reformat)',
    '[TensorRT] VERBOSE: Tactic: 1002 Time: 0.008192',
    '[TensorRT] VERBOSE: Fastest Tactic: 0 Time: 0.006144',
    '[TensorRT] VERBOSE: *************** Autotuning format combination: Float(1536,3,1) -> Float(3,1) ***************',
    '[TensorRT] VERBOSE: --------------- Timing Runner: Flatten_21 (Shuffle)',
    '[TensorRT] VERBOSE: Tactic: 0 Time: 0.00512',
    '[TensorRT] VERBOSE: Tactic: 1 Time: 0.008192',
    '[TensorRT] VERBOSE: Fastest Tactic: 0 Time: 0.00512',
    '[TensorRT] VERBOSE: >>>>>>>>>>>>>>> Chose Runner Type: Shuffle Tactic: 0',
    '[TensorRT] VERBOSE: *************** Autotuning format combination: Half(1536,3,1) -> Half(3,1) ***************',
    '[TensorRT] VERBOSE: --------------- Timing Runner: Flatten_21 (Shuffle)',
    '[TensorRT] VERBOSE: Tactic: 0 Time: 0.00512',
    '[TensorRT] VERBOSE: >>>>>>>>>>>>>>> Chose Runner Type: Shuffle Tactic: 0',
    '[TensorRT] VERBOSE: *************** Autotuning format combination: Float(3,1) -> Float(3,1) ***************',
    '[TensorRT] VERBOSE: --------------- Timing Runner: LeakyRelu_144 (PointWiseV2)',
    '[TensorRT] VERBOSE: Tactic: -32 time 0.078624',
    '[TensorRT] VERBOSE: Fastest Tactic: -32 Time: 0.078624',
    '[TensorRT] VERBOSE: >>>>>>>>>>>>>>> Chose Runner Type: PointWiseV2 Tactic: -32',
  ));
  assert.deepEqual(log.tactics.map((t) => [t.name, t.combinations.map((c) => c.formats), t.combinations.map((c) => c.candidates.length)]), [
    ['Fill_20', ['Float(1536,3,1) -> Float(1536,3,1)'], [1]],
    ['Flatten_21', ['Float(1536,3,1) -> Float(3,1)', 'Half(1536,3,1) -> Half(3,1)'], [2, 1]],
    ['LeakyRelu_144', ['Float(3,1) -> Float(3,1)'], [1]],
  ]);
  assert.deepEqual(log.tactics[2].selected, { formats: 'Float(3,1) -> Float(3,1)', runner: 'PointWiseV2', tactic: '-32', timeMs: 0.078624 });
});
