/**
 * `pwb export` end to end on the fixture CNN and a real model: every artifact written and usable (the mixed
 * float16 model runs on ONNX Runtime, the cache round-trips to the report's scales, the scripts parse), atomic
 * replacement only with --force (otherwise exit 2 naming the files, nothing written), and bad input refused.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parseCalibrationCache } from '../../../app/calibration/calibration-cache';
import { LayerErrorAccumulator } from '../../../app/compare/layer-error-accumulator';
import type { AnalysisReport } from '../../../app/contract/report';
import { Graph } from '../../../app/model/graph';
import { DataType } from '../../../app/onnx/data-types';
import { decodeModel } from '../../../app/onnx/decode';
import { encodeModel } from '../../../app/onnx/encode';
import { discoverLayers } from '../../../app/precision/layers';
import { parsePlan, type PrecisionPlan } from '../../../app/precision/plan';
import { outlierConvNet } from '../../../fixtures/models';
import { exportCommand, type ExportFlags } from '../../../main/cli/commands/export';
import { openSampleSource } from '../../../main/data/sample-sources';
import { analyzeModel } from '../../../main/engine/analyze';
import { outputChannelAxis } from '../../../main/engine/comparison-pass';
import { resolveInputSpecs } from '../../../main/engine/input-specs';
import { OrtRunner } from '../../../main/engine/ort-runner';
import { fixtureModel, sharedData, sharedModel } from '../../helpers/paths';

async function run(modelPath: string, flags: ExportFlags): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await exportCommand(modelPath, flags, { write: (s: string) => (out += s) }, { write: (s: string) => (err += s) });
  return { code, out, err };
}

function mixedPlan(modelPath: string, every = 3): PrecisionPlan {
  const layers = discoverLayers(new Graph(decodeModel(new Uint8Array(readFileSync(modelPath))).graph));
  const plan: PrecisionPlan = { schema: 'pwb.precision-plan', version: 1, defaultPrecision: 'int8', calibrator: 'max', layers: {} };
  layers.forEach((l, i) => {
    if (i % every === 1) plan.layers[l.id] = { precision: 'fp16' };
    if (i % every === 2 && i % 2 === 0) plan.layers[l.id] = { precision: 'fp32' };
  });
  return plan;
}

async function analyzedFixture(dir: string, options: { plan?: PrecisionPlan; seed?: number; precision?: 'int8' | 'fp16' } = {}): Promise<{ report: AnalysisReport; reportPath: string }> {
  const report = await analyzeModel({
    modelPath: fixtureModel('outlier-convnet.onnx'),
    precision: options.precision ?? 'int8',
    plan: options.plan,
    calibrator: 'max',
    calibration: { kind: 'random', count: 4, seed: options.seed ?? 1 },
    inputShapes: { input: [2, 3, 32, 32] },
  });
  mkdirSync(dir, { recursive: true });
  const reportPath = path.join(dir, 'report.json');
  writeFileSync(reportPath, JSON.stringify(report));
  return { report, reportPath };
}

function snapshot(dir: string): Map<string, string> {
  if (!existsSync(dir)) return new Map();
  return new Map(readdirSync(dir).map((f) => [f, readFileSync(path.join(dir, f)).toString('base64')]));
}

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'pwb-export-cli-'));
}

test('export writes every artifact of a mixed INT8/FP16/FP32 plan, each usable', async () => {
  const dir = tempDir();
  const modelPath = fixtureModel('outlier-convnet.onnx');
  const { report, reportPath } = await analyzedFixture(path.join(dir, 'analysis'), { plan: mixedPlan(modelPath) });
  const counts = { int8: 0, fp16: 0, fp32: 0 };
  for (const l of report.layers) counts[l.precision]++;
  assert.ok(counts.int8 > 0 && counts.fp16 > 0 && counts.fp32 > 0, JSON.stringify(counts));
  const out = path.join(dir, 'export');
  const result = await run(modelPath, { report: reportPath, out });
  assert.equal(result.code, 0, result.err);
  assert.deepEqual(readdirSync(out).sort(), [
    'modelopt.sh', 'nodes_to_exclude.txt', 'outlier-convnet.calibration.cache', 'outlier-convnet.mixed.onnx', 'outlier-convnet.qdq.onnx', 'plan.json', 'report.json', 'trtexec.sh',
  ]);
  assert.ok(!readdirSync(out).some((f) => f.endsWith('.tmp')), 'no temp files left');

  // report.json is a byte copy; plan.json is the plan as applied.
  assert.deepEqual(readFileSync(path.join(out, 'report.json')), readFileSync(reportPath));
  const plan = parsePlan(JSON.parse(readFileSync(path.join(out, 'plan.json'), 'utf8')));
  assert.equal(plan.defaultPrecision, 'int8');
  assert.equal(Object.values(plan.layers).filter((e) => e.precision === 'fp16').length, counts.fp16);

  // The cache holds exactly the report's INT8 activation scales (float32 bit patterns).
  const cache = parseCalibrationCache(readFileSync(path.join(out, 'outlier-convnet.calibration.cache'), 'utf8'), { strict: true });
  assert.equal(cache.trtVersion, '101601');
  const expected = new Map<string, number>();
  for (const l of report.layers) for (const a of l.activations) expected.set(a.tensor, a.scale);
  assert.deepEqual(new Map(cache.entries.map((e) => [e.tensor, e.scale])), expected);

  // nodes_to_exclude: every layer the plan keeps above INT8.
  const excluded = readFileSync(path.join(out, 'nodes_to_exclude.txt'), 'utf8').trim().split('\n').sort();
  assert.deepEqual(excluded, report.layers.filter((l) => l.precision !== 'int8').map((l) => l.name).sort());

  // Scripts are valid sh; the strongly typed builds use the mixed model.
  for (const script of ['trtexec.sh', 'modelopt.sh']) {
    const check = spawnSync('sh', ['-n', path.join(out, script)]);
    assert.equal(check.status, 0, `${script}: ${check.stderr}`);
  }
  const trtexec = readFileSync(path.join(out, 'trtexec.sh'), 'utf8');
  assert.match(trtexec, /"\$TRTEXEC" --onnx=outlier-convnet\.mixed\.onnx --stronglyTyped --minShapes=input:2x3x32x32/);
  assert.match(trtexec, /--calib=outlier-convnet\.calibration\.cache/);
  const usage = spawnSync('sh', [path.join(out, 'trtexec.sh')]);
  assert.equal(usage.status, 2, 'without a variant the script prints its usage');

  // The mixed model: float16 FP16 layers, runs on ONNX Runtime CPU, close to the report (FP16 compute differs from
  // the float32 emulation only in rounding inside the layers).
  const mixed = decodeModel(new Uint8Array(readFileSync(path.join(out, 'outlier-convnet.mixed.onnx'))));
  assert.ok(mixed.graph.initializer.some((t) => t.dataType === DataType.FLOAT16));
  const fp32 = await OrtRunner.create(decodeModel(new Uint8Array(readFileSync(modelPath))), 'fp32');
  const candidate = await OrtRunner.create(mixed, 'mixed');
  const acc = new LayerErrorAccumulator({ channelAxis: 1 });
  const source = await openSampleSource({ kind: 'random', count: 4, seed: 1 }, resolveInputSpecs(new Graph(mixed.graph), report.settings.inputShapes));
  for await (const sample of source.samples()) {
    const r = (await fp32.run(sample.feeds, ['logits'])).get('logits')!;
    const c = (await candidate.run(sample.feeds, ['logits'])).get('logits')!;
    acc.update(r.data, c.data, r.dims);
  }
  await fp32.release();
  await candidate.release();
  const reported = report.outputs[0].metrics!;
  const m = acc.result();
  console.log(`fixture mixed model on ORT: cosine ${m.cosineSimilarity} (report, float32 emulation: ${reported.cosineSimilarity}), SQNR ${m.sqnrDb} dB (${reported.sqnrDb})`);
  assert.ok(Math.abs(m.cosineSimilarity - reported.cosineSimilarity!) < 1e-3);
});

test('an existing target is replaced only with --force; without it exit 2 names the files and nothing is written', async () => {
  const dir = tempDir();
  const modelPath = fixtureModel('outlier-convnet.onnx');
  const first = await analyzedFixture(path.join(dir, 'a'), { seed: 1 });
  const second = await analyzedFixture(path.join(dir, 'b'), { seed: 2 });
  const out = path.join(dir, 'export');
  assert.equal((await run(modelPath, { report: first.reportPath, out })).code, 0);
  // One target missing, the others present: still nothing may be written.
  const cachePath = path.join(out, 'outlier-convnet.calibration.cache');
  const cacheBefore = readFileSync(cachePath);
  const trtexecPath = path.join(out, 'trtexec.sh');
  const trtexecBefore = readFileSync(trtexecPath);
  rmSync(trtexecPath);
  const before = snapshot(out);
  const refused = await run(modelPath, { report: second.reportPath, out });
  assert.equal(refused.code, 2);
  assert.match(refused.err, /FILE_EXISTS/);
  assert.match(refused.err, /outlier-convnet\.qdq\.onnx/);
  assert.match(refused.err, /outlier-convnet\.calibration\.cache/);
  assert.match(refused.err, /--force/);
  assert.doesNotMatch(refused.err, /trtexec\.sh/, 'the missing file is not named as existing');
  assert.deepEqual(snapshot(out), before, 'nothing written, not even the missing file');
  assert.ok(!existsSync(trtexecPath));

  const forced = await run(modelPath, { report: second.reportPath, out, force: true });
  assert.equal(forced.code, 0, forced.err);
  assert.notDeepEqual(readFileSync(cachePath), cacheBefore, 'the cache now has the second report\'s scales');
  assert.deepEqual(readFileSync(path.join(out, 'report.json')), readFileSync(second.reportPath));
  assert.ok(existsSync(trtexecPath));
  assert.equal(readFileSync(trtexecPath, 'utf8').replace(/\(\d{4}-[^)]*\)/, ''), trtexecBefore.toString('utf8').replace(/\(\d{4}-[^)]*\)/, '').replace(first.reportPath, second.reportPath));
  assert.ok(!readdirSync(out).some((f) => f.endsWith('.tmp')));
});

test('--what writes only the chosen kinds; exporting into the analysis folder keeps its report.json', async () => {
  const dir = tempDir();
  const modelPath = fixtureModel('outlier-convnet.onnx');
  const { reportPath } = await analyzedFixture(dir);
  const out = path.join(dir, 'cache-only');
  const result = await run(modelPath, { report: reportPath, out, what: 'cache,plan' });
  assert.equal(result.code, 0, result.err);
  assert.deepEqual(readdirSync(out).sort(), ['outlier-convnet.calibration.cache', 'plan.json']);
  const before = statSync(reportPath).mtimeMs;
  const into = await run(modelPath, { report: reportPath, out: dir, what: 'report,trtexec' });
  assert.equal(into.code, 0, into.err);
  assert.equal(statSync(reportPath).mtimeMs, before, 'report.json left as it is');
  assert.match(into.err, /already in/);
  const json = await run(modelPath, { report: reportPath, out: path.join(dir, 'j'), what: 'qdq', json: true });
  const summary = JSON.parse(json.out);
  assert.deepEqual(summary.counts, { int8: 9, fp16: 0, fp32: 0 });
  assert.equal(summary.written.length, 1);
});

test('bad input exits 2 with one message and writes nothing', async () => {
  const dir = tempDir();
  const modelPath = fixtureModel('outlier-convnet.onnx');
  const { reportPath } = await analyzedFixture(dir);
  const fp16 = await analyzedFixture(path.join(dir, 'fp16'), { precision: 'fp16' });
  const otherModel = path.join(dir, 'other.onnx');
  const bytes = outlierConvNet();
  const proto = decodeModel(bytes);
  proto.graph.node = proto.graph.node.map((n) => (n.name === 'conv_2' ? { ...n, name: 'renamed_conv' } : n));
  writeFileSync(otherModel, encodeModel(proto));
  writeFileSync(path.join(dir, 'broken.json'), '{"schema": ');
  const cases: { flags: ExportFlags; model?: string; code: RegExp }[] = [
    { flags: { out: 'x' }, code: /FLAG_MISSING.*--report/ },
    { flags: { report: reportPath }, code: /FLAG_MISSING.*--out/ },
    { flags: { report: path.join(dir, 'missing.json'), out: 'x' }, code: /FILE_NOT_FOUND.*missing\.json/ },
    { flags: { report: path.join(dir, 'broken.json'), out: 'x' }, code: /REPORT_INVALID.*broken\.json/ },
    { flags: { report: reportPath, out: 'x' }, model: otherModel, code: /REPORT_MODEL_MISMATCH.*conv_2/ },
    { flags: { report: reportPath, out: 'x', what: 'qdq,engine' }, code: /FLAG_INVALID.*engine/ },
    { flags: { report: reportPath, out: 'x', 'trt-version': '11.1' }, code: /FLAG_INVALID.*TensorRT 11/ },
    { flags: { report: fp16.reportPath, out: 'x', what: 'cache' }, code: /NOTHING_TO_EXPORT/ },
    { flags: { report: reportPath, out: 'x' }, model: path.join(dir, 'nope.onnx'), code: /FILE_NOT_FOUND.*nope\.onnx/ },
  ];
  for (const c of cases) {
    const out = path.join(dir, `out-${cases.indexOf(c)}`);
    const result = await run(c.model ?? modelPath, { ...c.flags, out: c.flags.out ? out : undefined });
    assert.equal(result.code, 2, `${c.code}: ${result.err}`);
    assert.match(result.err, c.code);
    assert.equal(result.err.trim().split('\n').length, 1, 'one message');
    assert.ok(!existsSync(out), `${c.code}: nothing written`);
  }
});

test('real model: MobileNetV2 mixed export runs on ONNX Runtime CPU in float16 and stays close to the analysis', async () => {
  const dir = tempDir();
  const modelPath = sharedModel('mobilenet_v2_0.35_128_tfflowers_fp32.onnx');
  const data = { kind: 'images' as const, dir: path.join(sharedData, 'images/calib'), limit: 6 };
  const report = await analyzeModel({ modelPath, precision: 'int8', plan: mixedPlan(modelPath, 4), calibration: data });
  const reportPath = path.join(dir, 'report.json');
  writeFileSync(reportPath, JSON.stringify(report));
  const out = path.join(dir, 'export');
  const result = await run(modelPath, { report: reportPath, out, what: 'fp16' });
  assert.equal(result.code, 0, result.err);
  const mixed = decodeModel(new Uint8Array(readFileSync(path.join(out, 'mobilenet_v2_0.35_128_tfflowers_fp32.mixed.onnx'))));
  const original = decodeModel(new Uint8Array(readFileSync(modelPath)));
  const fp32 = await OrtRunner.create(original, 'fp32');
  const candidate = await OrtRunner.create(mixed, 'mixed');
  const outputs = ['dense'];
  let acc: LayerErrorAccumulator | undefined;
  for await (const sample of (await openSampleSource(data, resolveInputSpecs(new Graph(original.graph), report.settings.inputShapes))).samples()) {
    const r = (await fp32.run(sample.feeds, outputs)).get('dense')!;
    const c = (await candidate.run(sample.feeds, outputs)).get('dense')!;
    acc ??= new LayerErrorAccumulator({ channelAxis: outputChannelAxis(undefined, r.dims) });
    acc.update(r.data, c.data, r.dims);
  }
  await fp32.release();
  await candidate.release();
  const m = acc!.result();
  const reported = report.outputs[0].metrics!;
  const fp16Layers = report.layers.filter((l) => l.precision === 'fp16').length;
  console.log(`mobilenet_v2 mixed (${fp16Layers} FP16 layers in float16) on ORT CPU: cosine ${m.cosineSimilarity}, SQNR ${m.sqnrDb} dB; report (float32 emulation): cosine ${reported.cosineSimilarity}, SQNR ${reported.sqnrDb} dB`);
  assert.ok(fp16Layers > 10);
  assert.ok(Math.abs(m.sqnrDb - reported.sqnrDb!) < 1, 'within 1 dB of the emulated SQNR');
});

test('--engine without TensorRT: exit 2 with TENSORRT_UNAVAILABLE, and nothing is written', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pwb-export-engine-'));
  try {
    const report = await analyzeModel({ modelPath: fixtureModel('outlier-convnet.onnx'), precision: 'int8', calibration: { kind: 'random', count: 2, seed: 1 }, calibrator: 'max' });
    const reportPath = path.join(dir, 'report.json');
    writeFileSync(reportPath, JSON.stringify(report));
    const out = path.join(dir, 'export');
    const result = await run(fixtureModel('outlier-convnet.onnx'), { report: reportPath, out, engine: true });
    assert.equal(result.code, 2);
    assert.match(result.err, /\[TENSORRT_UNAVAILABLE\]/);
    assert.match(result.err, /TENSORRT_ROOT|build:native/);
    assert.equal(existsSync(out), false, 'no export folder was created');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
