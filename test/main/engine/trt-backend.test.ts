/**
 * The TensorRT backend's glue, end to end through the workbench service, with a FAKE addon (test/helpers/
 * fake-tensorrt.ts: runs the engine's ONNX on ONNX Runtime and fuses Conv+Relu like TensorRT). What real TensorRT
 * computes on a GPU is not tested here — no TensorRT exists on this machine.
 *
 * Checked: the strongly typed graph the backend hands to TensorRT computes, for INT8, what the emulation computes
 * (same layers, same numbers); layers TensorRT fused have no metrics and are counted; build options; the build's
 * artifacts parse and map like imported files; rebuilds compare every layer; the engine export writes only with
 * TensorRT and never over an existing file; and without TensorRT everything says TENSORRT_UNAVAILABLE.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseProject } from '../../../app/contract/project';
import { WorkbenchError } from '../../../app/errors';
import { LocalWorkbenchService } from '../../../main/engine/workbench-service';
import { tensorRtStatus } from '../../../main/engine/trt-backend';
import { fakeTensorRt, type FakeTensorRtRecord } from '../../helpers/fake-tensorrt';
import { fixtureModel } from '../../helpers/paths';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'pwb-trt-backend-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const modelPath = fixtureModel('example-convnet.onnx');
const images = path.join(path.dirname(path.dirname(modelPath)), 'example', 'images');
const open = { modelPath, precision: 'int8' as const, calibration: { kind: 'images' as const, dir: images, limit: 12 }, calibrator: 'entropy' as const };
const unavailable = () => Promise.reject(new WorkbenchError('trt', 'TENSORRT_UNAVAILABLE', 'The TensorRT addon is not built (test)'));

test('TensorRT backend: the engine graph matches the emulation on unfused layers; fused layers have no metrics; artifacts map to the model', async () => {
  const record: FakeTensorRtRecord = { builds: [], runs: [], released: 0 };
  const service = new LocalWorkbenchService({ openTensorRt: async () => fakeTensorRt(record) });
  const emulation = await service.openSession(open);
  const engine = await service.openSession({ ...open, backend: 'tensorrt' });
  try {
    const { report: ort } = await service.buildRecord({ sessionId: emulation.sessionId });
    const { report: trt, summary } = await service.buildRecord({ sessionId: engine.sessionId });
    assert.equal(ort.settings.backend?.name, 'onnxruntime');
    assert.deepEqual(trt.settings.backend, { name: 'tensorrt', version: '10.16.1', layersWithoutOutput: 5, fp32Reference: 'onnxruntime' });
    assert.equal(summary.view.settings.backend?.name, 'tensorrt', 'the view carries the backend');
    assert.match(trt.settings.emulation, /TensorRT 10\.16\.1 engine, strongly typed/);

    // What TensorRT was asked to build: strongly typed, unfused debug tensors, static profile, verbose log.
    const [build] = record.builds;
    assert.equal(build.options.stronglyTyped, true);
    assert.equal(build.options.markUnfusedDebugTensors, true);
    assert.equal(build.options.logSeverity, 4);
    assert.equal(build.options.noTF32, true, 'FP32 layers in full FP32');
    assert.deepEqual(build.options.profiles, [[{ input: 'input', min: [1, 3, 32, 32], opt: [1, 3, 32, 32], max: [1, 3, 32, 32] }]]);
    const ops = build.model.graph.node.map((n) => n.opType);
    assert.ok(ops.includes('QuantizeLinear') && ops.includes('DequantizeLinear'), 'INT8 as ai.onnx Q/DQ');
    assert.ok(build.model.graph.node.filter((n) => n.opType === 'DequantizeLinear').some((n) => build.model.graph.initializer.some((t) => t.name === n.input[0] && t.dataType === 3)), 'int8 weight initializers behind DequantizeLinear');
    assert.ok(!build.model.graph.output.some((o) => o.name !== 'logits'), 'no layer output was added as an engine output (that would change fusion)');

    // Fused with their Relu (no output of their own): four convs and the residual add. conv_3 (1×1 projection,
    // feeds the add), the pools and the Gemm keep theirs and match the emulation.
    const fused = new Set(['conv_0|Conv#0', 'conv_1|Conv#1', 'conv_2|Conv#2', 'conv_4|Conv#4', 'residual_add|Add#0']);
    let compared = 0;
    for (const layer of trt.layers) {
      const reference = ort.layers.find((l) => l.id === layer.id)!;
      if (fused.has(layer.id)) {
        assert.equal(layer.metrics, null, `${layer.id} is fused inside an engine layer`);
        continue;
      }
      assert.ok(layer.metrics && reference.metrics, layer.id);
      const [a, b] = [layer.metrics.sqnrDb!, reference.metrics.sqnrDb!];
      assert.ok(Math.abs(a - b) < 1e-3, `${layer.id}: engine graph ${a} dB vs emulation ${b} dB`);
      compared++;
    }
    assert.equal(compared, 4);
    // Every layer names the engine layer computing it, fused or not, with TensorRT's precision and time.
    const conv1 = trt.layers.find((l) => l.id === 'conv_1|Conv#1')!;
    assert.equal(conv1.engine?.name, 'conv_1 + block1_relu');
    assert.equal(conv1.engine?.fusedNodes, 2);
    assert.ok(conv1.engine!.averageMs! > 0);
    assert.equal(trt.layers.find((l) => l.id === 'fc_5|Gemm#0')!.engine?.name, 'fc_5');
    assert.ok(trt.layers.every((l) => l.engine && l.engine.precision !== undefined), 'all layers linked');
    assert.equal(ort.layers[0].engine, undefined, 'ONNX Runtime builds have no engine links');
    assert.equal(summary.view.layers.find((l) => l.id === 'conv_1|Conv#1')!.engineLayer, 'conv_1 + block1_relu');
    assert.ok(Math.abs(trt.outputs[0].metrics!.sqnrDb! - ort.outputs[0].metrics!.sqnrDb!) < 1e-3, 'same output SQNR');
    assert.equal(trt.classification!.top1Agreement, ort.classification!.top1Agreement);

    // The build's artifacts: log, layer JSON and profile, parsed and mapped like imported files.
    const artifacts = await service.trtBuildArtifacts({ sessionId: engine.sessionId, buildId: summary.buildId });
    assert.deepEqual(artifacts.failures, []);
    assert.equal(artifacts.engines.length, 1);
    const [engineReport] = artifacts.engines;
    assert.ok(engineReport.layers.length >= 8, `${engineReport.layers.length} engine layers`);
    assert.ok(engineReport.layers.some((l) => l.name === 'conv_1 + block1_relu'), 'fused engine layer listed');
    assert.deepEqual(engineReport.mapping.find((m) => m.engineLayer === 'conv_1 + block1_relu')?.onnxNodes, ['conv_1', 'block1_relu'], 'mapped to its ONNX nodes');
    assert.equal(engineReport.coverage.mapped, engineReport.coverage.engineLayers, 'every engine layer mapped');
    assert.ok(engineReport.layers.every((l) => (l.averageMs ?? 0) > 0), 'per-layer timing from the profile');
    assert.ok(artifacts.artifacts.some((a) => a.kind === 'trtexec-log'), 'build log read as a trtexec log');
    await assert.rejects(service.trtBuildArtifacts({ sessionId: emulation.sessionId, buildId: 1 }), (e: unknown) => e instanceof WorkbenchError && e.code === 'NOT_A_TENSORRT_BUILD');

    // A rebuild is a new engine: every layer is compared again (no reuse), and the engine is released.
    const pinned = await service.applyPlanChange({ sessionId: engine.sessionId, change: { kind: 'pin', layerIds: ['fc_5|Gemm#0'], precision: 'fp32' } });
    assert.equal(record.builds.length, 2);
    const rebuilt = await service.report({ sessionId: engine.sessionId, buildId: pinned.buildId });
    assert.equal(rebuilt.layers.filter((l) => l.metrics !== null).length, 4);
    assert.equal(record.released, 2, 'both engines released after their builds');

    // FP16 layers run in real float16 in the engine graph (Cast in, float16 weights, Cast out) and agree with the
    // emulation's rounding (here ONNX Runtime computes the float16 Conv; a GPU may accumulate differently).
    const fp16 = { kind: 'pin' as const, layerIds: ['conv_3|Conv#3'], precision: 'fp16' as const };
    const [viaEngine, viaEmulation] = [await service.applyPlanChange({ sessionId: engine.sessionId, change: fp16 }), await service.applyPlanChange({ sessionId: emulation.sessionId, change: { kind: 'replace', plan: (await service.getBuild({ sessionId: engine.sessionId, buildId: 3 })).plan } })];
    const typed = record.builds.at(-1)!.model;
    assert.ok(typed.graph.initializer.some((t) => t.dataType === 10), 'float16 weights in the engine graph');
    const row = (v: typeof viaEngine) => v.view.layers.find((l) => l.id === 'conv_3|Conv#3')!;
    assert.equal(row(viaEngine).precision, 'fp16');
    assert.ok(Math.abs(row(viaEngine).sqnrDb! - row(viaEmulation).sqnrDb!) < 0.05, `conv_3 FP16: engine graph ${row(viaEngine).sqnrDb} dB vs emulation ${row(viaEmulation).sqnrDb} dB`);
  } finally {
    await service.closeSession({ sessionId: emulation.sessionId });
    await service.closeSession({ sessionId: engine.sessionId });
  }
});

test('TensorRT before 10.12: the compared outputs are marked as debug tensors, with a warning', async () => {
  const record: FakeTensorRtRecord = { builds: [], runs: [], released: 0 };
  const service = new LocalWorkbenchService({ openTensorRt: async () => fakeTensorRt(record, { unfusedDebugTensors: false }) });
  const session = await service.openSession({ ...open, backend: 'tensorrt', calibration: { ...open.calibration, limit: 4 } });
  try {
    const { report } = await service.buildRecord({ sessionId: session.sessionId });
    assert.deepEqual(new Set(record.builds[0].options.debugTensors), new Set(report.layers.map((l) => l.output)));
    assert.ok(report.warnings.some((w) => /no unfused debug tensors \(10\.12\+\)/.test(w)));
  } finally {
    await service.closeSession({ sessionId: session.sessionId });
  }
});

test('engine export: written with TensorRT, refused over an existing engine, nothing written without TensorRT', async () => {
  const record: FakeTensorRtRecord = { builds: [], runs: [], released: 0 };
  const service = new LocalWorkbenchService({ openTensorRt: async () => fakeTensorRt(record) });
  const session = await service.openSession({ ...open, calibration: { ...open.calibration, limit: 4 } });
  try {
    const built = await service.build({ sessionId: session.sessionId });
    const outDir = path.join(scratch, 'export');
    const exported = await service.exportBuild({ sessionId: session.sessionId, buildId: built.buildId, outDir, engine: true });
    const engineFile = exported.files.find((f) => f.kind === 'engine');
    assert.equal(engineFile && path.basename(engineFile.path), 'model.engine');
    // All-INT8 plan: no FP16 layers, so the engine is built from the Q/DQ export (the fake's "engine" is that ONNX).
    const qdqOnnx = exported.files.find((f) => f.kind === 'qdq' && f.path.endsWith('.onnx'))!;
    assert.deepEqual(readFileSync(engineFile!.path), readFileSync(qdqOnnx.path), 'built from the strongly typed export');
    assert.deepEqual(record.builds.at(-1)!.options.profiles, [[{ input: 'input', min: [1, 3, 32, 32], opt: [1, 3, 32, 32], max: [1, 3, 32, 32] }]], 'profiled for the analysed shape');
    assert.equal(record.builds.at(-1)!.options.stronglyTyped, true);

    // An existing engine is not replaced without force, and nothing else is written either.
    const existing = path.join(scratch, 'existing');
    await service.exportBuild({ sessionId: session.sessionId, buildId: built.buildId, outDir: existing, kinds: ['plan'] });
    writeFileSync(path.join(existing, 'model.engine'), 'user engine');
    rmSync(path.join(existing, 'plan.json'), { force: true });
    const before = readdirSync(existing).sort();
    await assert.rejects(service.exportBuild({ sessionId: session.sessionId, buildId: built.buildId, outDir: existing, kinds: ['qdq', 'plan'], engine: true }), (e: unknown) => e instanceof WorkbenchError && e.code === 'FILE_EXISTS' && /model\.engine/.test(e.message));
    assert.deepEqual(readdirSync(existing).sort(), before, 'nothing written');
    assert.equal(readFileSync(path.join(existing, 'model.engine'), 'utf8'), 'user engine');
    await assert.rejects(service.exportBuild({ sessionId: session.sessionId, buildId: built.buildId, outDir: path.join(scratch, 'no-onnx'), kinds: ['plan'], engine: true }), (e: unknown) => e instanceof WorkbenchError && e.code === 'FLAG_INVALID');
    assert.equal(existsSync(path.join(scratch, 'no-onnx')), false);

    // Without TensorRT: the same request fails before anything is written.
    const without = new LocalWorkbenchService({ openTensorRt: unavailable });
    const other = await without.openSession({ ...open, calibration: { ...open.calibration, limit: 4 } });
    const build = await without.build({ sessionId: other.sessionId });
    const target = path.join(scratch, 'without');
    await assert.rejects(without.exportBuild({ sessionId: other.sessionId, buildId: build.buildId, outDir: target, engine: true }), (e: unknown) => e instanceof WorkbenchError && e.code === 'TENSORRT_UNAVAILABLE');
    assert.equal(existsSync(target), false, 'no folder, no files');
    await without.closeSession({ sessionId: other.sessionId });
  } finally {
    await service.closeSession({ sessionId: session.sessionId });
  }
});

test('without TensorRT: status says why, a TensorRT session fails at once, projects check the backend', async () => {
  const service = new LocalWorkbenchService({ openTensorRt: unavailable });
  assert.deepEqual(await service.tensorRtStatus({}), { available: false, version: null, addonFile: null, code: 'TENSORRT_UNAVAILABLE', reason: 'The TensorRT addon is not built (test)' });
  const started = performance.now();
  await assert.rejects(service.openSession({ ...open, backend: 'tensorrt' }), (e: unknown) => e instanceof WorkbenchError && e.code === 'TENSORRT_UNAVAILABLE');
  assert.ok(performance.now() - started < 2000, 'refused before loading or calibrating');

  // This machine, for real: no addon is built (CI) or no libnvinfer is installed.
  const real = await tensorRtStatus();
  assert.equal(real.available, false);
  assert.equal(real.code, 'TENSORRT_UNAVAILABLE');
  assert.match(real.reason!, /TensorRT/);

  const available = await new LocalWorkbenchService({ openTensorRt: async () => fakeTensorRt({ builds: [], runs: [], released: 0 }) }).tensorRtStatus({});
  assert.equal(available.available, true);
  assert.equal(available.version, '10.16.1');

  const project = (backend: unknown) => ({ schema: 'pwb.project', version: 1, savedAt: '2026-11-21T00:00:00Z', open: { ...open, backend }, plan: null, builds: [], ui: {} });
  assert.equal(parseProject(project('tensorrt'), 'p.json').open.backend, 'tensorrt');
  assert.throws(() => parseProject(project('cuda'), 'p.json'), /open\.backend/);
});

test('pwb analyze --backend tensorrt (fake addon): summary names the backend, lists fused layers with their engine layer, writes the engine artifacts', async () => {
  const { main } = await import('../../../main/cli/pwb');
  const out = path.join(scratch, 'cli');
  let stdout = '';
  const previous = process.env.PWB_TRT_ADDON;
  process.env.PWB_TRT_ADDON = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'helpers', 'fake-trt-addon.ts');
  try {
    const code = await main(['analyze', modelPath, '--calib-data', images, '--calib-samples', '4', '--backend', 'tensorrt', '--out', out, '--quiet'], { write: (s: string) => (stdout += s) }, { write: () => undefined });
    assert.equal(code, 0, stdout);
  } finally {
    if (previous === undefined) delete process.env.PWB_TRT_ADDON;
    else process.env.PWB_TRT_ADDON = previous;
  }
  assert.match(stdout, /ran as a TensorRT 10\.16\.1 engine \(strongly typed\); FP32 reference: ONNX Runtime; 5 layers fused inside engine layers/);
  assert.match(stdout, /conv_1\|Conv#1 {2}→ {2}conv_1 \+ block1_relu/);
  assert.deepEqual(readdirSync(path.join(out, 'tensorrt')).sort(), ['build-1.engine.graph.json', 'build-1.engine.log', 'build-1.engine.profile.json']);
});

test('FP32 TensorRT reference: engine against engine (FP32 engine built once), and the TensorRT view diffs the two engines', async () => {
  const record: FakeTensorRtRecord = { builds: [], runs: [], released: 0 };
  const service = new LocalWorkbenchService({ openTensorRt: async () => fakeTensorRt(record) });
  const ortReference = await service.openSession({ ...open, backend: 'tensorrt' });
  const engineReference = await service.openSession({ ...open, backend: 'tensorrt', fp32Reference: 'tensorrt' });
  try {
    const { report: a } = await service.buildRecord({ sessionId: ortReference.sessionId });
    const before = record.builds.length;
    const { report: b, summary } = await service.buildRecord({ sessionId: engineReference.sessionId });
    assert.equal(record.builds.length - before, 2, 'the reduced engine and the FP32 engine');
    const fp32Build = record.builds.at(-1)!.model;
    assert.ok(!fp32Build.graph.node.some((n) => n.opType === 'QuantizeLinear'), 'the FP32 engine is built from the float model');
    assert.equal(b.settings.backend?.fp32Reference, 'tensorrt');
    assert.match(b.settings.emulation, /FP32 reference: an FP32 TensorRT engine/);
    // The fake's FP32 engine computes what ONNX Runtime FP32 computes: same numbers as the ONNX Runtime reference.
    for (const layer of b.layers) {
      const other = a.layers.find((l) => l.id === layer.id)!;
      assert.equal(layer.metrics === null, other.metrics === null, layer.id);
      if (layer.metrics) assert.ok(Math.abs(layer.metrics.sqnrDb! - other.metrics!.sqnrDb!) < 1e-3, `${layer.id}: ${layer.metrics.sqnrDb} vs ${other.metrics!.sqnrDb}`);
    }
    const artifacts = await service.trtBuildArtifacts({ sessionId: engineReference.sessionId, buildId: summary.buildId });
    assert.equal(artifacts.engines.length, 2);
    assert.equal(artifacts.diffs.length, 1, 'FP32 engine vs this build');
    // A rebuild reuses the FP32 engine.
    const count = record.builds.length;
    await service.applyPlanChange({ sessionId: engineReference.sessionId, change: { kind: 'pin', layerIds: ['conv_3|Conv#3'], precision: 'fp16' } });
    assert.equal(record.builds.length - count, 1, 'only the reduced engine is rebuilt');
    await assert.rejects(service.openSession({ ...open, fp32Reference: 'tensorrt' }), (e: unknown) => e instanceof WorkbenchError && e.code === 'FLAG_INVALID');
  } finally {
    await service.closeSession({ sessionId: ortReference.sessionId });
    await service.closeSession({ sessionId: engineReference.sessionId });
  }
});
