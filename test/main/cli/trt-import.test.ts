/** `pwb trt-import`, run in-process: summaries of real artifacts, --json, --model/--plan check, exit 2 on bad files. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { DataType, GraphBuilder, encode, seededRandom, valueInfo } from '../../../fixtures/onnx-builder';
import { distinctColumnLabels } from '../../../main/cli/commands/trt-import';
import { main } from '../../../main/cli/pwb';
import type { TrtImportResult } from '../../../app/trt/types';
import { sharedData } from '../../helpers/paths';

const TRT = path.join(sharedData, 'trt');

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { write: (s: string) => (out += s) }, { write: (s: string) => (err += s) });
  return { code, out, err };
}

test('a TRT 10.16 build log and the TREx ResNet18 folder: kinds, versions, slowest layers, mapping, diff', async () => {
  const result = await run(['trt-import', path.join(TRT, 'nvidia-trt-cookbook-trtexec-trt10.16/result-02.log'), path.join(TRT, 'nvidia-trex-pytorch-resnet18-a100')]);
  assert.equal(result.code, 0, result.err);
  assert.match(result.out, /result-02\.log\n {2}trtexec log, TensorRT 10\.16\.1\n {2}layers: 6 \(fp16 4, fp32 2\)/);
  assert.match(result.out, /tactics: 32 of 34 layer searches chose a tactic; 2923 candidates timed/);
  assert.match(result.out, /warnings: 10, errors: 0\n {4}line 2 warning: Weakly-typed networks have been deprecated/);
  assert.match(result.out, /fp32\/resnet\.onnx\.engine\.profile\.json\n {2}layer profile \(--exportProfile\)\n {2}layers: 32\n {2}total time: 2\.124 ms per inference/);
  assert.match(result.out, /Conv_0 \+ Relu_1 +0\.5222 ms +24\.6%/);
  assert.match(result.out, /mapping: 32 of 32 engine layers mapped/);
  assert.match(result.out, /Diff: fp32\/resnet\.onnx\.engine vs fp16\/resnet\.onnx\.engine vs qat\/resnet-qat\.onnx\.engine/);
  assert.match(result.out, /Conv_0 \+ Relu_1 +fp32 0\.5222 ms +fp16 0\.1116 ms +int8 0\.2017 ms +op-and-shape/);
  assert.equal(result.err, '');
});

test('--json prints the whole TrtImportResult', async () => {
  const result = await run(['trt-import', '--json', path.join(TRT, 'farabimahmud-detr-resnet50-int8')]);
  assert.equal(result.code, 0, result.err);
  const json = JSON.parse(result.out) as TrtImportResult;
  assert.equal(json.schema, 'pwb.trt-import');
  assert.deepEqual(json.summaries.map((s) => [s.kind, s.layerCount]), [['layer-info-json', 840], ['profile-json', 840]]);
  assert.equal(json.engines.length, 1);
  assert.equal(json.engines[0].layers.length, 840);
  assert.ok(Math.abs(json.engines[0].totalTimeMs! - 4.16160691) < 1e-9);
});

test('--model and --plan: engine layers mapped to the model, FP32 where INT8 was asked is flagged', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pwb-trt-import-'));
  const b = new GraphBuilder(seededRandom(3));
  const conv = b.conv('x', 3, 4, 3).replace(/_out$/, '');
  const relu = b.node('Relu', [`${conv}_out`], {}, 'relu_a');
  const flatten = b.node('Flatten', [relu], {}, 'flatten_b');
  const fc = b.gemm(flatten, 4 * 8 * 8, 10).replace(/_out$/, '');
  assert.deepEqual([conv, fc], ['conv_0', 'fc_1']);
  writeFileSync(path.join(dir, 'm.onnx'), encode(b.model([valueInfo('x', DataType.FLOAT, [1, 3, 8, 8])], [valueInfo('fc_1_out', DataType.FLOAT, [1, 10])])));
  writeFileSync(path.join(dir, 'plan.json'), JSON.stringify({ schema: 'pwb.precision-plan', version: 1, defaultPrecision: 'int8', calibrator: 'entropy', layers: {} }));
  const t = (name: string, type: string) => ({ Name: name, 'Format/Datatype': type });
  writeFileSync(path.join(dir, 'm.engine.graph.json'), JSON.stringify({ Layers: [
    { Name: 'conv_0 + relu_a', LayerType: 'CaskConvolution', Inputs: [t('x', 'Int8')], Outputs: [t('relu_a_out', 'Int8')], Weights: { Type: 'Int8', Count: 108 } },
    { Name: 'Reformatting CopyNode for Input Tensor 0 to flatten_b + fc_1', LayerType: 'Reformat', Origin: 'REFORMAT', Inputs: [t('relu_a_out', 'Int8')], Outputs: [t('r', 'Float')] },
    { Name: 'flatten_b + fc_1', LayerType: 'CaskGemm', Inputs: [t('r', 'Float')], Outputs: [t('fc_1_out', 'Float')], Weights: { Type: 'Float', Count: 2560 } },
  ] }));
  const result = await run(['trt-import', path.join(dir, 'm.engine.graph.json'), '--model', path.join(dir, 'm.onnx'), '--plan', path.join(dir, 'plan.json')]);
  assert.equal(result.code, 0, result.err);
  assert.match(result.out, /mapping: 3 of 3 engine layers mapped \(by fused name parts 2, by reformat copies \(→ the layer they feed\) 1\)/);
  assert.match(result.out, /4 of 4 ONNX nodes are covered by some engine layer/);
  assert.match(result.out, /plan check: 2 planned layers, 1 as planned, 1 FP32 where INT8 was asked/);
  assert.match(result.out, /FP32 where INT8 was asked: fc_1\|Gemm#0 {2}← flatten_b \+ fc_1 \(fp32\)/);
  const noModel = await run(['trt-import', path.join(dir, 'm.engine.graph.json'), '--plan', path.join(dir, 'plan.json')]);
  assert.equal(noModel.code, 2);
  assert.match(noModel.err, /--plan needs --model/);
});

test('bad files: exit 2 with one message naming the file', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pwb-trt-import-bad-'));
  writeFileSync(path.join(dir, 'broken.graph.json'), '{"Layers": [\n  {"Name": "a",\n');
  writeFileSync(path.join(dir, 'notes.txt'), 'just some notes\n');
  writeFileSync(path.join(dir, 'model.engine'), new Uint8Array([0x66, 0x74, 0x72, 0x74, 0, 0, 0, 1]));
  const cases: [string, RegExp][] = [
    [path.join(dir, 'broken.graph.json'), /\[TRT_JSON_MALFORMED\].*broken\.graph\.json: invalid JSON at line 3/],
    [path.join(dir, 'notes.txt'), /\[TRT_UNKNOWN_KIND\].*notes\.txt/],
    [path.join(dir, 'model.engine'), /\[TRT_BINARY\].*model\.engine/],
    [path.join(dir, 'missing.log'), /\[FILE_NOT_FOUND\].*missing\.log/],
  ];
  for (const [file, message] of cases) {
    const result = await run(['trt-import', path.join(TRT, 'calib-caches/nvidia-cookbook-plugin_trt8204_entropy2.cache'), file]);
    assert.equal(result.code, 2, `${file}: ${result.err}`);
    assert.match(result.err, message);
    assert.equal(result.err.trim().split('\n').length, 1, 'one message');
    assert.equal(result.out, '', 'nothing printed for a failed import');
  }
  const none = await run(['trt-import']);
  assert.equal(none.code, 2);
  assert.match(none.err, /expected one or more FILE or DIR paths/);
});

test('a log saved by Windows PowerShell (UTF-16LE with a byte order mark, CRLF) reads like the UTF-8 original', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pwb-trt-import-utf16-'));
  const text = [
    '&&&& RUNNING TensorRT.trtexec [TensorRT v100200] # D:\\TensorRT-10.2.0.19\\bin\\trtexec.exe --loadEngine=m.engine --dumpProfile',
    '[07/30/2024-15:30:36] [I] === Profile (20 iterations ) ===',
    '[07/30/2024-15:30:36] [I]    Time(ms)     Avg.(ms)   Median(ms)   Time(%)   Layer',
    '[07/30/2024-15:30:36] [I]       20.00       1.0000       1.0000      80.0   conv',
    '[07/30/2024-15:30:36] [I]        5.00       0.2500       0.2500      20.0   pool',
    '[07/30/2024-15:30:36] [I]       25.00       1.2500       1.2500     100.0   Total',
    '&&&& PASSED TensorRT.trtexec [TensorRT v100200] # D:\\TensorRT-10.2.0.19\\bin\\trtexec.exe --loadEngine=m.engine --dumpProfile',
    '',
  ].join('\r\n');
  writeFileSync(path.join(dir, 'utf16.log'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
  writeFileSync(path.join(dir, 'utf16-nobom.log'), Buffer.from(text, 'utf16le'));
  for (const name of ['utf16.log', 'utf16-nobom.log']) {
    const result = await run(['trt-import', path.join(dir, name)]);
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /trtexec log, TensorRT 10\.2\.0\n {2}total time: 1\.25 ms per inference/);
    assert.match(result.out, /conv +1 ms +80\.0%/);
  }
});

test('diff columns stay distinguishable when labels are cut', () => {
  assert.deepEqual(distinctColumnLabels(['fp32/resnet.onnx.engine', 'fp16/resnet.onnx.engine'], 28), { short: ['fp32/resnet.onnx.engine', 'fp16/resnet.onnx.engine'] });
  const long = ['tensorflow/resnet/RTX-3090/fp32/resnet.onnx.engine', 'tensorflow/resnet/RTX-3090/fp16/resnet.onnx.engine'];
  // The middle cut gives 'tensorflow/res…t.onnx.engine' twice: the start is cut instead.
  assert.deepEqual(distinctColumnLabels(long, 28).short, ['…090/fp32/resnet.onnx.engine', '…090/fp16/resnet.onnx.engine']);
  const same = distinctColumnLabels(['abcdefgh-one-zz/b.engine', 'abcdefgh-two-zz/b.engine'], 12);
  assert.deepEqual(same.short, ['#1', '#2']);
  assert.deepEqual(same.legend, ['#1 = abcdefgh-one-zz/b.engine', '#2 = abcdefgh-two-zz/b.engine']);
});

test('--model that is not the engine\'s network: says so instead of only counting unmatched layers', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pwb-trt-import-othermodel-'));
  const b = new GraphBuilder(seededRandom(5));
  const conv = b.conv('x', 3, 4, 3);
  writeFileSync(path.join(dir, 'm.onnx'), encode(b.model([valueInfo('x', DataType.FLOAT, [1, 3, 8, 8])], [valueInfo(conv, DataType.FLOAT, [1, 4, 8, 8])])));
  writeFileSync(path.join(dir, 'other.graph.json'), JSON.stringify({ Layers: ['Conv_17 + Relu_18', 'MaxPool_19'] }));
  const result = await run(['trt-import', path.join(dir, 'other.graph.json'), '--model', path.join(dir, 'm.onnx')]);
  assert.equal(result.code, 0, result.err);
  assert.match(result.out, /mapping: 0 of 2 engine layers mapped; 2 unmatched\n {4}0 of 1 ONNX nodes are covered by some engine layer\n {4}no engine layer name matches a node or tensor of the model: was the engine built from this model\?/);
});

test('a folder walk skips engines and models unread, and lists (not fails on) other files that are not artifacts', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pwb-trt-import-folder-'));
  writeFileSync(path.join(dir, 'model.engine'), new Uint8Array([0x66, 0x74, 0x72, 0x74, 0, 0, 0, 1]));
  writeFileSync(path.join(dir, 'model.onnx'), new Uint8Array([8, 7, 0, 0]));
  writeFileSync(path.join(dir, 'notes.txt'), 'just some notes\n');
  writeFileSync(path.join(dir, 'model.graph.json'), JSON.stringify({ Layers: ['conv + relu'] }));
  const result = await run(['trt-import', dir]);
  assert.equal(result.code, 0, result.err);
  assert.match(result.out, /model\.graph\.json\n {2}layer info \(--exportLayerInfo\)\n {2}layers: 1/);
  assert.match(result.out, /Skipped 1 file found in the folders given \(unreadable or not a TensorRT artifact\):\n {2}\S*notes\.txt: not a TensorRT artifact this version reads \(first line 'just some notes'\) \[TRT_UNKNOWN_KIND\]/);
  assert.doesNotMatch(result.out, /model\.engine|model\.onnx/);
  const json = JSON.parse((await run(['trt-import', '--json', dir])).out) as TrtImportResult;
  assert.deepEqual(json.failures.map((f) => [path.basename(f.file), f.code]), [['notes.txt', 'TRT_UNKNOWN_KIND']]);
});
