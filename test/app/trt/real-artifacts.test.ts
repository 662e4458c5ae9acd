/**
 * Every file in ../shared/data/trt parsed, with figures checked by reading the files (grep / python):
 * trtexec 10.16 and 8.4 build logs, layer-info JSON (TREx A100 ResNet18 FP32/FP16/QAT, cookbook .log, DETR
 * names-only), profiles (new and old format), exportTimes, inspector text, TREx metadata, caches, Polygraphy.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { importTrtArtifacts } from '../../../app/trt/import';
import { parseTrtArtifact } from '../../../app/trt/parse-artifact';
import type { TrtArtifact } from '../../../app/trt/types';
import { sharedData } from '../../helpers/paths';

const TRT = path.join(sharedData, 'trt');
const read = (relative: string) => readFileSync(path.join(TRT, relative), 'utf8');
const parse = (relative: string): TrtArtifact => parseTrtArtifact(relative, read(relative));
const close = (actual: number | null | undefined, expected: number, what: string) => assert.ok(actual !== undefined && actual !== null && Math.abs(actual - expected) < 1e-9, `${what}: ${actual} ≠ ${expected}`);

function allFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((f) => (statSync(path.join(dir, f)).isDirectory() ? allFiles(path.join(dir, f)) : [path.join(dir, f)]));
}

test('every file in shared/data/trt is detected and parsed', () => {
  const kinds: Record<string, number> = {};
  for (const file of allFiles(TRT)) {
    const artifact = parseTrtArtifact(path.relative(TRT, file), readFileSync(file, 'utf8'));
    kinds[artifact.kind] = (kinds[artifact.kind] ?? 0) + 1;
  }
  assert.deepEqual(kinds, {
    'calibration-cache': 5,
    'layer-info-json': 5,
    'profile-json': 7,
    'trex-metadata-json': 9,
    'times-json': 3,
    'polygraphy-log': 12,
    'inspector-log': 1,
    'trtexec-log': 7,
  });
});

test('TRT 10.16 verbose build log (result-02.log): 3 builder passes, tactics and the final one-line layer list', () => {
  const a = parse('nvidia-trt-cookbook-trtexec-trt10.16/result-02.log');
  assert.equal(a.kind, 'trtexec-log');
  if (a.kind !== 'trtexec-log') return;
  const log = a.log;
  assert.equal(log.trtVersion, '10.16.1');
  assert.equal(log.lineCount, 4713);
  assert.equal(log.precisionFlags, 'FP32+FP16');
  assert.equal(log.warningCount, 10);
  assert.equal(log.errorCount, 0);
  assert.deepEqual(log.diagnostics[1], { line: 315, severity: 'warning', message: 'ModelImporter.cpp:994: Make sure output z has Int64 binding.' });
  assert.equal(log.builderPasses, 3);
  // 23 "Computing costs for" lines + 11 " (foreignNode) Autotuning op" tables (Myelin ops inside ForeignNodes).
  assert.equal(log.tactics.length, 34);
  const chosen = log.tactics.flatMap((t) => t.combinations.filter((c) => c.chosen));
  // 41 "Chose Runner Type" lines + the first (fastest) row of each of the 11 sorted Myelin tables.
  assert.equal(chosen.filter((c) => !c.chosen!.cached).length, 52);
  assert.equal(chosen.filter((c) => c.chosen!.cached).length, 25); // "got cached result" lines inside layer blocks (awk; 78 more are reformat timings)
  // 1070 "Tactic Name: … Time:" lines + 66 plain "Tactic: … Time:" lines inside layer blocks (awk); the other 225
  // plain ones time reformats and are not layer candidates; plus 1787 rows of the Myelin ops' sorted tables.
  assert.equal(log.tactics.reduce((s, t) => s + t.combinations.reduce((c, x) => c + x.candidates.length, 0), 0), 1136 + 1787);
  const first = log.tactics[0];
  assert.equal(first.name, 'node_conv2d + node_relu');
  assert.equal(first.combinations[0].formats, 'Float(784,784,28,1) -> Float(25088,784,28,1)');
  assert.equal(first.combinations[0].candidates.length, 28);
  assert.deepEqual(first.combinations[0].candidates[0], { tactic: '0x967f94e9db2001a8', timeMs: 0.00615314, runner: 'CaskConvolution[0x80000009]', tacticName: 'sm80_xmma_fprop_implicit_gemm_f32f32_f32f32_f32_nchwkcrs_nchw_tilesize64x64x8_stage3_warpsize1x4x1_g1_ffma_t1r5s5_aligna4_alignc4' });
  assert.deepEqual(first.combinations[0].fastest, { tactic: '0x5b8bf1b8028629d9', timeMs: 0.00534603 });
  assert.deepEqual(first.combinations[0].chosen, { runner: 'CaskConvolution', tactic: '0x5b8bf1b8028629d9', timeMs: 0.00534603, tacticName: 'sm80_xmma_fprop_implicit_gemm_f32f32_f32f32_f32_nchwkcrs_nchw_tilesize32x32x8_stage3_warpsize1x2x1_g1_ffma_t1r5s5_aligna4_alignc4' });
  // Second pass: the Myelin region carries its metadata on a "ForeignNode … metadata:" line.
  const foreign = log.tactics.find((t) => t.name === '{ForeignNode[node_conv2d...node_relu]}');
  assert.deepEqual(foreign?.metadataNodes, ['node_conv2d', 'node_relu']);
  assert.equal(foreign?.pass, 1);
  // Passes 1 and 2 reuse pass 0's timings ("got cached result"); the latest block that chose the engine's tactic
  // for node_max_pool2d is in pass 2.
  const pool = log.tactics.filter((t) => t.name === 'node_max_pool2d' && t.inFinalEngine);
  assert.deepEqual(pool.map((t) => [t.pass, t.selected?.tactic, t.selected?.timeMs]), [[2, '0xdd39499496c9cc38', 0.00294885]]);
  assert.equal(log.engineLayerSource, 'oneline');
  assert.deepEqual(log.engineLayers.map((l) => [l.layerType, l.precision]), [['Myelin', 'fp32'], ['CaskPooling', 'fp32'], ['Reformat', 'fp16'], ['Myelin', 'fp16'], ['CaskPooling', 'fp16'], ['Myelin', 'fp16']]);
  assert.deepEqual(log.engineLayers[5].outputs.map((o) => [o.name, o.dataType, o.dims]), [['y', 'fp32', [-1, 10]], ['z', 'int64', [-1]]]);
});

test('TRT 8.4 build logs (FP16 and FP32): Set Tactic Name lines, chosen tactics, performance summary', () => {
  const a = parse('nvidia-trt-cookbook-trtexec-trt8.4/result-FP16.log');
  if (a.kind !== 'trtexec-log') return assert.fail(a.kind);
  const log = a.log;
  assert.equal(log.trtVersion, '8.4.1');
  assert.equal(log.tactics.length, 10);
  const conv = log.tactics[0];
  assert.equal(conv.name, 'Conv-1 + ReLU-2');
  assert.deepEqual(conv.combinations[0].chosen, { runner: 'CaskConvolution', tactic: '0x632674f65e3422ae', timeMs: 0.00713448, tacticName: 'maxwell_scudnn_128x32_relu_small_nn_v0' });
  assert.deepEqual(conv.combinations[2].chosen, { runner: 'CudnnConvolution', tactic: '0x0000000000000001', timeMs: 0.0149943 });
  assert.equal(conv.selected?.tactic, '0x632674f65e3422ae'); // the tactic of "Layer(CaskConvolution): Conv-1 + ReLU-2"
  assert.equal(log.engineLayers.length, 12);
  assert.deepEqual(log.engineLayers[10].outputs.map((o) => o.dataType), ['fp32', 'int32']);
  assert.equal(log.performance?.throughputQps, 6106.55);
  assert.equal(log.performance?.latency?.meanMs, 0.169435);
  assert.equal(log.performance?.latency?.percentilesMs['99'], 0.433105);
  assert.equal(log.performance?.gpuCompute?.medianMs, 0.154663);
  assert.equal(log.performance?.totalHostWalltimeS, 3.00055);
  const fp32 = parse('nvidia-trt-cookbook-trtexec-trt8.4/result-FP32.log');
  if (fp32.kind !== 'trtexec-log') return assert.fail(fp32.kind);
  assert.equal(fp32.log.precisionFlags, 'FP32');
  assert.equal(fp32.log.performance?.throughputQps, 6170.89);
  assert.equal(fp32.log.tactics[0].combinations[0].chosen?.timeMs, 0.00706787);
});

test('TRT 10.16 run logs: --dumpLayerInfo text (result-04), --dumpProfile table (result-05), perf only (result-01/03)', () => {
  const dump = parse('nvidia-trt-cookbook-trtexec-trt10.16/result-04.log');
  if (dump.kind !== 'trtexec-log') return assert.fail(dump.kind);
  assert.equal(dump.log.engineLayerSource, 'dump-layer-info');
  assert.equal(dump.log.engineLayers.length, 9);
  assert.deepEqual(dump.log.engineLayers[0].metadataNodes, ['node_conv2d', 'node_relu']);
  assert.equal(dump.log.engineLayers[2].tacticValue, '0xf26d5b1bbc7d3ee9');
  const profile = parse('nvidia-trt-cookbook-trtexec-trt10.16/result-05.log');
  if (profile.kind !== 'trtexec-log') return assert.fail(profile.kind);
  assert.equal(profile.log.profile?.iterations, 18362);
  assert.equal(profile.log.profile?.layers.length, 15);
  assert.deepEqual(profile.log.profile?.layers[1], { name: 'node_conv2d_myl0_1', totalMs: 193.5, averageMs: 0.0105, medianMs: 0.0098, percentage: 12.7 });
  close(profile.log.profile?.totalAverageMs, 0.0833, 'sum of Avg.(ms)');
  const run = parse('nvidia-trt-cookbook-trtexec-trt10.16/result-03.log');
  if (run.kind !== 'trtexec-log') return assert.fail(run.kind);
  assert.equal(run.log.performance?.throughputQps, 24896.9);
  assert.equal(run.log.performance?.latency?.percentilesMs['90'], 0.0388489);
});

test('layer info JSON: TREx ResNet18 FP32 / FP16 / QAT precision mix, cookbook .log with embedded JSON, DETR names-only', () => {
  const mix = (relative: string) => {
    const a = parse(relative);
    if (a.kind !== 'layer-info-json') return assert.fail(a.kind);
    const m: Record<string, number> = {};
    for (const l of a.layerInfo.layers) m[l.precision] = (m[l.precision] ?? 0) + 1;
    return { count: a.layerInfo.layers.length, m, layers: a.layerInfo.layers };
  };
  assert.deepEqual(mix('nvidia-trex-pytorch-resnet18-a100/fp32/resnet.onnx.engine.graph.json').m, { fp32: 32 });
  assert.deepEqual(mix('nvidia-trex-pytorch-resnet18-a100/fp16/resnet.onnx.engine.graph.json').m, { fp16: 35, fp32: 1 });
  const qat = mix('nvidia-trex-pytorch-resnet18-a100/qat/resnet-qat.onnx.engine.graph.json');
  assert.equal(qat.count, 37);
  assert.deepEqual(qat.m, { fp32: 3, int8: 22, fp16: 12 });
  assert.deepEqual([qat.layers[1].name, qat.layers[1].weightsType, qat.layers[1].tacticName, qat.layers[1].precision], ['conv1.weight + QuantizeLinear_7 + Conv_9', 'Int8', 'ampere_fp32_icudnn_int8x4_128x64_relu_medium_nn_v1', 'int8']);
  assert.equal(qat.layers.filter((l) => l.origin === 'QDQ').length, 10);
  const cookbook = parse('nvidia-trt-cookbook-trtexec-trt10.16/model-trained-exportLayerInfo.log');
  if (cookbook.kind !== 'layer-info-json') return assert.fail(cookbook.kind);
  assert.equal(cookbook.layerInfo.layers.length, 9);
  assert.deepEqual(cookbook.layerInfo.bindings, ['x', 'y', 'z']);
  // Metadata separators: \u001e in the first layer, \u001f in __myl_DivMulMaxr_myl4_3.
  assert.deepEqual(cookbook.layerInfo.layers[0].metadataNodes, ['node_conv2d', 'node_relu']);
  assert.deepEqual(cookbook.layerInfo.layers[7].metadataNodes, ['node_softmax', 'node_argmax']);
  const detr = parse('farabimahmud-detr-resnet50-int8/detr-layer-info.json');
  if (detr.kind !== 'layer-info-json') return assert.fail(detr.kind);
  assert.equal(detr.layerInfo.verbosity, 'names-only');
  assert.equal(detr.layerInfo.layers.length, 840);
  assert.equal(detr.layerInfo.layers[10].name, 'PWN(PWN(/Sub), PWN(/Div))');
});

test('profiles: TREx new format, DETR INT8, and the older googlenet .profile files (GPU and DLA)', () => {
  const expectProfile = (relative: string, rows: number, iterations: number, total: number, format: string) => {
    const a = parse(relative);
    if (a.kind !== 'profile-json') return assert.fail(a.kind);
    assert.equal(a.profile.layers.length, rows, relative);
    assert.equal(a.profile.iterations, iterations, relative);
    assert.ok(Math.abs(a.profile.totalAverageMs - total) < 1e-9, `${relative}: ${a.profile.totalAverageMs}`);
    assert.equal(a.profile.format, format);
    return a.profile;
  };
  const fp32 = expectProfile('nvidia-trex-pytorch-resnet18-a100/fp32/resnet.onnx.engine.profile.json', 32, 1, 2.123776, 'trtexec-json');
  assert.deepEqual(fp32.layers[0], { name: 'Conv_0 + Relu_1', totalMs: 0.52224, averageMs: 0.52224, medianMs: 0.52224, percentage: 24.5902 });
  expectProfile('nvidia-trex-pytorch-resnet18-a100/fp16/resnet.onnx.engine.profile.json', 36, 1, 1.016832, 'trtexec-json');
  expectProfile('nvidia-trex-pytorch-resnet18-a100/qat/resnet-qat.onnx.engine.profile.json', 37, 1, 1.09568, 'trtexec-json');
  expectProfile('farabimahmud-detr-resnet50-int8/detr-profile.json', 840, 641, 4.16160691, 'trtexec-json');
  const gpu = expectProfile('hax-conn-googlenet-orin-profiles/googlenet_gpu_mark_at_-1.profile', 85, 12483, 1.93999821, 'trtexec-json-legacy');
  assert.deepEqual(gpu.layers[0], { name: 'conv1/7x7_s2 + conv1/relu_7x7 input reformatter 0', totalMs: 273.944, averageMs: 0.0219454, percentage: 1.13121 });
  expectProfile('hax-conn-googlenet-orin-profiles/googlenet_gpu_transition_at_53.profile', 41, 11803, 2.55304865, 'trtexec-json-legacy');
  const dla = expectProfile('hax-conn-googlenet-orin-profiles/googlenet_dla_mark_at_-1.profile', 6, 11313, 3.55301781, 'trtexec-json-legacy');
  assert.equal(dla.layers[0].name, 'data to nvm');
});

test('exportTimes, TREx metadata, inspector text, calibration caches, Polygraphy logs', () => {
  const times = parse('nvidia-trex-pytorch-resnet18-a100/fp32/resnet.onnx.engine.timing.json');
  if (times.kind !== 'times-json') return assert.fail(times.kind);
  assert.equal(times.times.inferences, 1600);
  const fp16Times = parse('nvidia-trex-pytorch-resnet18-a100/fp16/resnet.onnx.engine.timing.json');
  assert.equal(fp16Times.kind === 'times-json' && fp16Times.times.inferences, 3698);
  const meta = parse('nvidia-trex-pytorch-resnet18-a100/fp16/resnet.onnx.engine.profile.metadata.json');
  if (meta.kind !== 'trex-metadata-json') return assert.fail(meta.kind);
  assert.equal(meta.trex.performance?.throughputQps, 1155.36);
  assert.equal(meta.trex.performance?.latency?.meanMs, 0.86277);
  const device = parse('nvidia-trex-pytorch-resnet18-a100/qat/resnet-qat.onnx.engine.metadata.json');
  assert.deepEqual(device.kind === 'trex-metadata-json' && device.trex.device, { name: 'NVIDIA A100 80GB PCIe', computeCapability: '8.0' });
  const build = parse('nvidia-trex-pytorch-resnet18-a100/qat/resnet-qat.onnx.engine.build.metadata.json');
  assert.equal(build.kind === 'trex-metadata-json' && build.trex.precisionFlags, 'FP32+FP16+INT8');
  const inspector = parse('nvidia-trt-cookbook-trtexec-trt10.16/engine-inspector-log-main.py.log');
  if (inspector.kind !== 'inspector-log') return assert.fail(inspector.kind);
  assert.equal(inspector.inspector.layers.length, 26);
  assert.equal(inspector.inspector.layers.filter((l) => l.profileIndex === 1).length, 13);
  assert.deepEqual(inspector.inspector.bindings, ['x', 'y', 'z']);
  assert.equal(inspector.inspector.layers[2].outputs[0].format, 'Channel major FP16 format where channel % 8 == 0');
  assert.equal(inspector.inspector.layers[2].precision, 'fp16');
  assert.equal(inspector.inspector.diagnostics.length, 2);
  const caches: [string, number, string | undefined][] = [
    ['calib-caches/jtorres258-yolov8n_trt101401_entropy2.cache', 249, '101401'],
    ['calib-caches/nt4sth-vgg16-cifar10_trt8400_minmax.cache', 67, '8400'],
    ['calib-caches/nvidia-cookbook-plugin_trt8204_entropy2.cache', 3, '8204'],
    ['calib-caches/shiyongming-resnet50v2-7_ort-trt-ep-calibration-table.txt', 175, undefined],
    ['calib-caches/zxm97-retinaface-mnet025-lp_trt8501_entropy2.cache', 126, '8501'],
  ];
  for (const [file, entries, version] of caches) {
    const c = parse(file);
    if (c.kind !== 'calibration-cache') return assert.fail(c.kind);
    assert.equal(c.cache.entries.length, entries, file);
    assert.equal(c.cache.trtVersion, version, file);
  }
  const poly = parse('nvidia-trt-cookbook-polygraphy/run-result-04.log');
  if (poly.kind !== 'polygraphy-log') return assert.fail(poly.kind);
  assert.equal(poly.polygraphy.trtVersion, '10.16.2.5');
  assert.equal(poly.polygraphy.comparisons.length, 12);
  assert.deepEqual(poly.polygraphy.comparisons[0], { output: 'conv2d', line: 115, maxAbsError: 0, maxRelError: 0, passed: true });
  const failed = parse('nvidia-trt-cookbook-polygraphy/run-result-08.log');
  if (failed.kind !== 'polygraphy-log') return assert.fail(failed.kind);
  assert.deepEqual(failed.polygraphy.commands.map((c) => c.status), ['PASSED', 'FAILED']);
});

test('importTrtArtifacts on the TREx set: engines grouped by stem, FP32/FP16/QAT diff with times', () => {
  const dir = 'nvidia-trex-pytorch-resnet18-a100';
  const files = allFiles(path.join(TRT, dir)).map((f) => ({ name: path.relative(TRT, f), text: readFileSync(f, 'utf8') }));
  const result = importTrtArtifacts(files);
  assert.equal(result.artifacts.length, 18);
  assert.deepEqual(result.engines.map((e) => [e.label, e.layers.length, e.coverage.mapped]), [
    ['fp16/resnet.onnx.engine', 36, 36],
    ['fp32/resnet.onnx.engine', 32, 32],
    ['qat/resnet-qat.onnx.engine', 37, 37],
  ]);
  const fp32 = result.engines[1];
  assert.deepEqual(fp32.coverage.byMethod, { 'fused-part': 17, 'exact-name': 7, reformat: 8 });
  close(fp32.layers[0].share, 0.52224 / 2.123776, 'Conv_0 share');
  assert.equal(result.diffs.length, 1);
  const diff = result.diffs[0];
  assert.deepEqual(diff.labels, ['fp32/resnet.onnx.engine', 'fp16/resnet.onnx.engine', 'qat/resnet-qat.onnx.engine']);
  assert.equal(diff.rows.length, 23); // 21 convolution layers, the max pool, the global average pool and the gemm
  assert.deepEqual(diff.rows[0].cells.map((c) => [c?.layer, c?.precision, c?.averageMs]), [
    ['Conv_0 + Relu_1', 'fp32', 0.52224],
    ['Conv_0 + Relu_1', 'fp16', 0.111616],
    ['conv1.weight + QuantizeLinear_7 + Conv_9', 'int8', 0.201728],
  ]);
  assert.deepEqual(diff.overhead.map((o) => o.layers), [9, 13, 14]);
  [2.123776, 1.016832, 1.09568].forEach((t, i) => close(diff.totalsMs[i], t, `total ${i}`));
});
