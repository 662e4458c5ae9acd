/** app/trt parsers on small inline texts: each format, and malformed input → WorkbenchError with a position. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isWorkbenchError } from '../../../app/errors';
import { detectTrtArtifact } from '../../../app/trt/detect';
import { parseLayerInfoJson } from '../../../app/trt/layer-info';
import { parseOnelineLayerLine, parseTextLayerLine } from '../../../app/trt/layer-text';
import { parseTrtArtifact } from '../../../app/trt/parse-artifact';
import { parseProfileJson } from '../../../app/trt/profile-json';
import { dataTypeOf } from '../../../app/trt/realized-precision';
import { checkText } from '../../../app/trt/trt-errors';
import { parseTrtexecLog } from '../../../app/trt/trtexec-log';

function expectCode(run: () => unknown, code: string, mention?: RegExp): void {
  try {
    run();
  } catch (error) {
    assert.ok(isWorkbenchError(error), `expected a WorkbenchError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.equal(error.area, code.startsWith('CACHE_') ? 'calibration' : 'trt');
    if (mention) assert.match(error.message, mention);
    return;
  }
  assert.fail(`expected ${code}, got no error`);
}

const LOG_10 = [
  '&&&& RUNNING TensorRT.trtexec [TensorRT v101601] [b11] # trtexec --onnx=m.onnx --fp16 --verbose',
  '[07/07/2026-02:10:59] [W] something odd',
  '[07/07/2026-02:11:00] [V] [TRT] =============== Computing costs for a + b',
  '[07/07/2026-02:11:00] [V] [TRT] *************** Autotuning format combination: Float(1,1) -> Float(1,1) ***************',
  '[07/07/2026-02:11:00] [V] [TRT] --------------- Timing Runner: a + b (CaskConvolution[0x80000009])',
  '[07/07/2026-02:11:00] [V] [TRT] Tactic Name: k1 Tactic: 0x01 Time: 0.5',
  '[07/07/2026-02:11:00] [V] [TRT] Tactic Name: k2 Tactic: 0x02 Time: 0.25',
  '[07/07/2026-02:11:00] [V] [TRT] a + b (CaskConvolution[0x80000009]) profiling completed in 0.1 seconds. Fastest Tactic: 0x02 Time: 0.25',
  '[07/07/2026-02:11:00] [V] [TRT] >>>>>>>>>>>>>>> Chose Runner Type: CaskConvolution Tactic: 0x02',
  '[07/07/2026-02:11:00] [E] [TRT] a real error',
  '[07/07/2026-02:11:01] [I] [TRT] Engine generation completed in 1.5 seconds.',
  '[07/07/2026-02:11:01] [V] [TRT] Engine Layer Information:',
  'Layer(CaskConvolution): a + b, Tactic: 0x02, x (Half[1,3,8,8]) -> y (Half[1,4,8,8])',
  '[07/07/2026-02:11:02] [I] === Performance summary ===',
  '[07/07/2026-02:11:02] [I] Throughput: 100.5 qps',
  '[07/07/2026-02:11:02] [I] Latency: min = 1 ms, max = 3 ms, mean = 2 ms, median = 2 ms, percentile(99%) = 2.9 ms',
  '&&&& PASSED TensorRT.trtexec [TensorRT v101601] [b11] # trtexec --onnx=m.onnx --fp16 --verbose',
  '',
].join('\n');

test('trtexec 10.x log: tactics with times, chosen tactic, diagnostics with lines, version, engine layers, performance', () => {
  const log = parseTrtexecLog('b.log', LOG_10);
  assert.equal(log.trtVersion, '10.16.1');
  assert.equal(log.status, 'PASSED');
  assert.equal(log.lineCount, 17);
  assert.deepEqual(log.diagnostics, [
    { line: 2, severity: 'warning', message: 'something odd' },
    { line: 10, severity: 'error', message: 'a real error' },
  ]);
  assert.equal(log.tactics.length, 1);
  const [combination] = log.tactics[0].combinations;
  assert.deepEqual(combination.candidates.map((c) => [c.tacticName, c.tactic, c.timeMs, c.runner]), [
    ['k1', '0x01', 0.5, 'CaskConvolution[0x80000009]'],
    ['k2', '0x02', 0.25, 'CaskConvolution[0x80000009]'],
  ]);
  assert.deepEqual(combination.chosen, { runner: 'CaskConvolution', tactic: '0x02', timeMs: 0.25, tacticName: 'k2' });
  assert.equal(log.tactics[0].selected?.tactic, '0x02');
  assert.equal(log.tactics[0].inFinalEngine, true);
  assert.equal(log.builderPasses, 1);
  assert.equal(log.engineLayers.length, 1);
  assert.equal(log.engineLayers[0].precision, 'fp16');
  assert.deepEqual(log.engineLayers[0].outputs[0].dims, [1, 4, 8, 8]);
  assert.equal(log.performance?.throughputQps, 100.5);
  assert.deepEqual(log.performance?.latency, { minMs: 1, maxMs: 3, meanMs: 2, medianMs: 2, percentilesMs: { '99': 2.9 } });
});

test('trtexec 8.x log: empty "Computing costs for", Set Tactic Name, Fastest Tactic, decimal TRT 7 tactics', () => {
  const log = parseTrtexecLog('b.log', [
    '[08/17/2022-07:51:00] [V] [TRT] =============== Computing costs for ',
    '[08/17/2022-07:51:00] [V] [TRT] *************** Autotuning format combination: Float(784,784,28,1) -> Float(25088,784,28,1) ***************',
    '[08/17/2022-07:51:00] [V] [TRT] --------------- Timing Runner: Conv-1 + ReLU-2 (CaskConvolution)',
    '[08/17/2022-07:51:00] [V] [TRT] Conv-1 + ReLU-2 Set Tactic Name: maxwell_a Tactic: 0x0ebe499388e08286',
    '[08/17/2022-07:51:00] [V] [TRT] Tactic: 0x0ebe499388e08286 Time: 0.0102553',
    '[08/17/2022-07:51:00] [V] [TRT] Tactic: 0x0000000000000001 Time: inf',
    '[08/17/2022-07:51:00] [V] [TRT] Fastest Tactic: 0x0ebe499388e08286 Time: 0.0102553',
    '[08/17/2022-07:51:00] [V] [TRT] >>>>>>>>>>>>>>> Chose Runner Type: CaskConvolution Tactic: 0x0ebe499388e08286',
    '[TensorRT] VERBOSE: =============== Computing costs for old',
    '[TensorRT] VERBOSE: Tactic: 1002 time 0.129024',
    '[TensorRT] VERBOSE: Fastest Tactic: 1002 Time: 0.129024',
  ].join('\n'));
  assert.equal(log.tactics[0].name, 'Conv-1 + ReLU-2');
  assert.deepEqual(log.tactics[0].combinations[0].candidates, [
    { tactic: '0x0ebe499388e08286', timeMs: 0.0102553, runner: 'CaskConvolution', tacticName: 'maxwell_a' },
    { tactic: '0x0000000000000001', timeMs: null, runner: 'CaskConvolution' },
  ]);
  assert.equal(log.tactics[0].selected?.tacticName, 'maxwell_a');
  assert.equal(log.tactics[1].name, 'old');
  assert.deepEqual(log.tactics[1].combinations[0].fastest, { tactic: '1002', timeMs: 0.129024 });
});

test('newer autotuner table (Autotuning op / Sorted table / selected tactic)', () => {
  const log = parseTrtexecLog('b.log', [
    '[V] [TRT] Autotuning op matMul1(key: 0x1814870c44ff0f85): [ONNX Layer: node_linear]',
    '[V] [TRT] Sorted table of all evaluated tactics:',
    '[V] [TRT] tactic_id, cost(in ms), cost/fastest_cost, prediction_correlation, kernel_name, tactic_hash, tunable_parameter',
    '[V] [TRT]    3, 0.0112640, 1.00000, 0.50673, sm80_gemm_a, 0x665ded9abbf88,',
    '[V] [TRT]    5, 0.0118784, 1.05455, 0.51157, sm80_gemm_b, 0x393e4ef8ad243,',
    '[V] [TRT] The selected tactic is (tactic hash, cost(in ms)):0x665ded9abbf88,  0.011264',
  ].join('\n'));
  assert.equal(log.tactics[0].name, 'matMul1');
  assert.deepEqual(log.tactics[0].metadataNodes, ['node_linear']);
  assert.equal(log.tactics[0].combinations[0].candidates.length, 2);
  assert.deepEqual(log.tactics[0].combinations[0].chosen, { tactic: '0x665ded9abbf88', timeMs: 0.011264, tacticName: 'sm80_gemm_a' });
});

test('layer text lines: names with ", " (PWN), Metadata with \\u001e, 8.x one-line tensors', () => {
  const text = parseTextLayerLine(0, 'Name: PWN(PWN(/Sub), PWN(/Div)), LayerType: PointWiseV2, Inputs: [ { Name: image, Location: Device, Dimensions: [1,3,8,8], Format/Datatype: Row major linear FP32 }], Outputs: [ { Name: t, Location: Device, Dimensions: [1,3,8,8], Format/Datatype: Channel major FP16 format where channel % 8 == 0 }], TacticValue: 0x0000000000000007, StreamId: 0, Metadata: [ONNX Layer: /Sub]\u001e[ONNX Layer: /Div]');
  assert.equal(text?.name, 'PWN(PWN(/Sub), PWN(/Div))');
  assert.deepEqual(text?.metadataNodes, ['/Sub', '/Div']);
  assert.equal(text?.inputs[0].dataType, 'fp32');
  assert.equal(text?.outputs[0].dataType, 'fp16');
  assert.equal(text?.precision, 'fp32');
  const old = parseOnelineLayerLine(3, 'Layer(LogSoftmaxTopK): Softmax-14 + ArgMax-15, Tactic: 0x00000000000003e9, tensor-13[Float(-2,10)] -> (Unnamed Layer* 28) [TopK]_output_1[Float(-2,1)], (Unnamed Layer* 28) [TopK]_output_2[Int32(-2,1)]');
  assert.equal(old?.name, 'Softmax-14 + ArgMax-15');
  assert.deepEqual(old?.outputs.map((o) => [o.name, o.dataType]), [['(Unnamed Layer* 28) [TopK]_output_1', 'fp32'], ['(Unnamed Layer* 28) [TopK]_output_2', 'int32']]);
});

test('data types from Format/Datatype spellings', () => {
  assert.equal(dataTypeOf('Thirty-two wide channel vectorized row major Int8 format'), 'int8');
  assert.equal(dataTypeOf('Half'), 'fp16');
  assert.equal(dataTypeOf('Float'), 'fp32');
  assert.equal(dataTypeOf('BFloat16'), 'bf16');
  assert.equal(dataTypeOf('FP8'), 'fp8');
  assert.equal(dataTypeOf('UInt8'), 'uint8');
  assert.equal(dataTypeOf('Int64'), 'int64');
  assert.equal(dataTypeOf('something new'), 'unknown');
});

test('layer info JSON: TensorRT 11-style split Format and Datatype, names-only, embedded in a log', () => {
  const split = parseLayerInfoJson('l.json', JSON.stringify({ Layers: [{ Name: 'conv', LayerType: 'CaskConvolution', Inputs: [{ Name: 'x', Dimensions: [1, 2], Format: 'Row major linear', Datatype: 'Int8' }], Outputs: [], Weights: { Type: 'Int8', Count: 4 } }] }));
  assert.equal(split.layers[0].inputs[0].dataType, 'int8');
  assert.equal(split.layers[0].precision, 'int8');
  const names = parseLayerInfoJson('l.json', '{"Layers": ["a + b", "Reformatting CopyNode for Input Tensor 0 to c"], "Bindings": ["x"]}');
  assert.equal(names.verbosity, 'names-only');
  assert.deepEqual(names.bindings, ['x']);
  const embedded = parseLayerInfoJson('l.log', 'some header\nmore\n{"Layers": [{"Name": "n", "LayerType": "Shuffle"}]}\ntrailer without braces\n');
  assert.equal(embedded.embeddedAtLine, 3);
  assert.equal(embedded.layers[0].name, 'n');
});

test('profile JSON with an unescaped quote in a layer name is recovered line by line', () => {
  const text = '[\n  { "count" : 10 }\n, { "name" : "a "quoted" layer", "timeMs" : 5, "averageMs" : 0.5, "medianMs" : 0.5, "percentage" : 50 }\n, { "name" : "b", "timeMs" : 5, "averageMs" : 0.5, "medianMs" : 0.5, "percentage" : 50 }\n]\n';
  const profile = parseProfileJson('p.json', text);
  assert.equal(profile.recoveredFromInvalidJson, true);
  assert.equal(profile.iterations, 10);
  assert.deepEqual(profile.layers.map((l) => l.name), ['a "quoted" layer', 'b']);
  assert.equal(profile.totalAverageMs, 1);
});

test('malformed and hostile inputs fail with WorkbenchError codes naming file and position', () => {
  expectCode(() => parseTrtArtifact('e.json', ''), 'TRT_EMPTY', /e\.json/);
  expectCode(() => parseTrtArtifact('x.engine', 'ftrt\0\0\0binary'), 'TRT_BINARY', /x\.engine.*NUL/);
  expectCode(() => parseTrtArtifact('notes.txt', 'hello world\nthis is prose\n'), 'TRT_UNKNOWN_KIND', /notes\.txt/);
  expectCode(() => parseTrtArtifact('deep.json', '{"Layers": ' + '['.repeat(100000) + ']'.repeat(100000) + '}'), 'TRT_JSON_TOO_DEEP', /deep\.json.*line 1/);
  expectCode(() => parseTrtArtifact('bad.json', '{"Layers": [\n{"Name": "a",\n "LayerType": }]}'), 'TRT_JSON_MALFORMED', /bad\.json: invalid JSON at line 3/);
  expectCode(() => parseTrtArtifact('s.json', '{"Layers": [{"Name": "a", "Inputs": [{"Name": "x", "Dimensions": ["1"]}]}]}'), 'TRT_JSON_SCHEMA', /\$\.Layers\[0\]\.Inputs\[0\]\.Dimensions\[0\]: expected a finite number/);
  expectCode(() => parseTrtArtifact('s.json', '{"Layers": 5}'), 'TRT_JSON_SCHEMA', /\$\.Layers: expected an array/);
  expectCode(() => parseTrtArtifact('p.json', '[{"count": 1}, {"name": "a", "timeMs": "x", "averageMs": 1}]'), 'TRT_JSON_SCHEMA', /\$\[1\]\.timeMs/);
  expectCode(() => parseTrtArtifact('t.timing.json', '[{"startEnqMs": 1, "latencyMs": null, "computeMs": 1}]'), 'TRT_JSON_SCHEMA', /\$\[0\]\.latencyMs/);
  expectCode(() => parseTrtArtifact('c.cache', 'TRT-8501-EntropyCalibration2\ninput: zz\n'), 'CACHE_MALFORMED', /line 2/);
  // The 512 MiB bound itself is above V8's longest string; the check is exercised with a smaller bound.
  expectCode(() => checkText('huge.log', 'x'.repeat(2 * 1048576), 1048576), 'TRT_TOO_LARGE', /huge\.log: is 2\.0 MiB; refusing files over 1\.0 MiB/);
  // Hostile structure inside a log must not throw anything but a WorkbenchError (or parse).
  for (const text of ['Layer(X): , Tactic: 0x, ->', 'Name: , LayerType: , Inputs: [ [ [', '=============== Computing costs for \n>>>>>>>>>>>>>>> Chose Runner Type: X Tactic: 0x1', '[V] [TRT] Engine Layer Information:\nLayer(((((']) {
    try {
      parseTrtArtifact('h.log', `&&&& RUNNING TensorRT.trtexec [TensorRT v8401] # trtexec\n${text}\n`);
    } catch (error) {
      assert.ok(isWorkbenchError(error), String(error));
    }
  }
});

test('detection by content first, then name', () => {
  assert.equal(detectTrtArtifact('x.log', '{"Layers": []}').kind, 'layer-info-json');
  assert.equal(detectTrtArtifact('x.profile', '[\n  { "count" : 3 }\n]').kind, 'profile-json');
  assert.equal(detectTrtArtifact('x.json', '[{"startEnqMs": 1, "latencyMs": 2}]').kind, 'times-json');
  assert.equal(detectTrtArtifact('x.txt', 'TRT-8501-EntropyCalibration2\na: 3f000000\n').kind, 'calibration-cache');
  assert.equal(detectTrtArtifact('calibration.cache', 'data 2.64\nconv 1.5\n').kind, 'calibration-cache');
  assert.equal(detectTrtArtifact('r.log', '[I] RUNNING | Command: /usr/bin/polygraphy run m.onnx\n').kind, 'polygraphy-log');
  assert.equal(detectTrtArtifact('i.log', 'Layers:\nName: a, LayerType: Shuffle, Inputs: [], Outputs: []\n').kind, 'inspector-log');
  assert.equal(detectTrtArtifact('b.txt', LOG_10).kind, 'trtexec-log');
});
