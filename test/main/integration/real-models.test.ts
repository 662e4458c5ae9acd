/**
 * The whole pipeline on real third-party models from ../shared/data: every layer compared, final outputs
 * compared, numbers finite and plausible. Small inputs keep CI time reasonable.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { AnalysisReport } from '../../../app/contract/report';
import { analyzeModel } from '../../../main/engine/analyze';
import { sharedData, sharedModel } from '../../helpers/paths';
import { npyBytes, npzBytes } from '../../helpers/npy-writer';

function assertComplete(report: AnalysisReport, expectedLayers: number): void {
  assert.equal(report.layers.length, expectedLayers);
  const compared = report.layers.filter((l) => l.metrics !== null);
  assert.equal(compared.length, expectedLayers, `layers without metrics: ${report.layers.filter((l) => !l.metrics).map((l) => l.id).slice(0, 5)}`);
  for (const layer of compared) {
    const m = layer.metrics!;
    assert.ok(m.elementCount > 0, layer.id);
    assert.ok(m.cosineSimilarity !== null && m.cosineSimilarity > -1.0001 && m.cosineSimilarity < 1.0001, layer.id);
    assert.ok(Number.isFinite(m.mse) && m.mse >= 0, layer.id);
    assert.ok(m.maxAbsError >= m.p99AbsError - 1e-6 * Math.max(1, m.maxAbsError) && m.p99AbsError >= 0, `${layer.id}: p99 ${m.p99AbsError} > max ${m.maxAbsError}`);
    assert.ok(m.meanAbsError <= m.maxAbsError + 1e-9, layer.id);
    if (layer.precision === 'int8') {
      assert.ok(layer.activations.length > 0, `${layer.id} has its calibrated inputs`);
      for (const a of layer.activations) {
        assert.ok(a.amax > 0 && Math.abs(a.scale - Math.fround(a.amax / 127)) <= 1e-6 * a.scale, `${layer.id}: scale = amax/127`);
        assert.ok(a.saturationRate !== null && a.saturationRate >= 0 && a.saturationRate <= 1);
      }
    }
  }
  for (const output of report.outputs) assert.ok(output.metrics, `output ${output.name} compared`);
  JSON.parse(JSON.stringify(report)); // serializable
}

test('ppocrv4_det (opset 11, DBNet): 85 layers INT8 and FP16', async () => {
  const options = {
    modelPath: sharedModel('ppocrv4_det.onnx'),
    inputShapes: { x: [1, 3, 320, 320] },
    calibration: { kind: 'images' as const, dir: path.join(sharedData, 'images/ocr'), preprocess: { resize: { width: 320, height: 320 } } },
  };
  const int8 = await analyzeModel({ ...options, precision: 'int8' });
  assertComplete(int8, 85);
  assert.equal(int8.settings.qdqDomain, 'com.microsoft', 'opset 11 cannot express per-channel Q/DQ in ai.onnx');
  const fp16 = await analyzeModel({ ...options, precision: 'fp16' });
  assertComplete(fp16, 85);
  const out8 = int8.outputs[0].metrics!;
  const out16 = fp16.outputs[0].metrics!;
  assert.ok(out16.sqnrDb === null || out16.sqnrDb > 30, `FP16 output SQNR ${out16.sqnrDb}`);
  assert.ok(out8.sqnrDb !== null && out16.sqnrDb !== null ? out8.sqnrDb < out16.sqnrDb : true, 'INT8 loses more than FP16');
  console.log(`ppocrv4_det: INT8 output SQNR ${out8.sqnrDb?.toFixed(2)} dB, FP16 ${out16.sqnrDb?.toFixed(2)} dB`);
});

test('ppocrv4_rec_svtr (opset 9, CNN + transformer): MatMul layers including attention', async () => {
  const report = await analyzeModel({
    modelPath: sharedModel('ppocrv4_rec_svtr.onnx'),
    precision: 'int8',
    inputShapes: { x: [1, 3, 48, 320] },
    calibration: { kind: 'images', dir: path.join(sharedData, 'images/ocr'), preprocess: { resize: { width: 320, height: 48 }, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] } },
  });
  assertComplete(report, 58);
  const attention = report.layers.filter((l) => l.role === 'activation-matmul');
  assert.ok(attention.length >= 2);
  assert.ok(attention.every((l) => l.activations.length === 2), 'both operands of an attention MatMul are quantized');
  console.log(`ppocrv4_rec_svtr: output cosine ${report.outputs[0].metrics!.cosineSimilarity?.toFixed(4)}`);
});

test('yolox_nano (detector, 0..255 BGR input) on COCO images', async () => {
  const report = await analyzeModel({
    modelPath: sharedModel('yolox_nano.onnx'),
    precision: 'int8',
    calibration: { kind: 'images', dir: path.join(sharedData, 'images/coco'), preprocess: { scale: 'byte', channelOrder: 'BGR', resize: { width: 416, height: 416 } } },
    calibrator: 'percentile',
  });
  assertComplete(report, 123);
  assert.equal(report.settings.calibrator.method, 'percentile');
  assert.equal(report.classification, null, 'a detector is not treated as a classifier');
});

function wavSamples(file: string): Float32Array {
  const bytes = readFileSync(file);
  let offset = 12;
  while (offset < bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    if (id === 'data') {
      const pcm = new Int16Array(bytes.buffer.slice(bytes.byteOffset + offset + 8, bytes.byteOffset + offset + 8 + size));
      return Float32Array.from(pcm, (v) => v / 32768);
    }
    offset += 8 + size;
  }
  throw new Error('no data chunk');
}

test('silero_vad (LSTM inside If subgraphs): layers in subgraphs are calibrated and compared', async () => {
  const audio = wavSamples(path.join(sharedData, 'audio/en_num.wav'));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pwb-silero-'));
  for (let i = 0; i < 6; i++) {
    const chunk = audio.slice(16000 + i * 512, 16000 + (i + 1) * 512);
    writeFileSync(
      path.join(dir, `chunk-${i}.npz`),
      npzBytes({ input: npyBytes('float32', [1, 512], chunk), sr: npyBytes('int64', [], new BigInt64Array([16000n])), h: npyBytes('float32', [2, 1, 64], new Float32Array(128)), c: npyBytes('float32', [2, 1, 64], new Float32Array(128)) }),
    );
  }
  const report = await analyzeModel({
    modelPath: sharedModel('silero_vad_v4_legacy.onnx'),
    precision: 'int8',
    inputShapes: { input: [1, 512], h: [2, 1, 64], c: [2, 1, 64] },
    calibration: { kind: 'npz', path: dir },
    calibrator: 'max',
  });
  assert.equal(report.model.layersInSubgraphs, report.layers.length);
  // At 16 kHz only one branch of each If runs: its layers are compared, the 8 kHz branch's are not.
  const compared = report.layers.filter((l) => l.metrics);
  const skipped = report.layers.filter((l) => !l.metrics);
  assert.ok(compared.length >= 20, `compared ${compared.length}`);
  assert.ok(skipped.length > 0, 'layers of the branch not taken have no metrics');
  assert.ok(skipped.every((l) => l.precision === 'fp32'), 'never-calibrated layers stay FP32 instead of inventing a range');
  assert.ok(report.warnings.some((w) => /never computed/.test(w)));
  for (const layer of compared) assert.ok(layer.metrics!.elementCount > 0 && layer.graphPath !== '');
  assert.ok(report.outputs.every((o) => o.metrics));
  console.log(`silero_vad: ${compared.length} subgraph layers compared, ${skipped.length} in the untaken branch; output cosine ${report.outputs[0].metrics!.cosineSimilarity}`);
});

test('retinaface with its real TensorRT 8.5 calibration cache: scales come from the cache, amax = scale·127', async () => {
  const cachePath = path.join(sharedData, 'trt/calib-caches/zxm97-retinaface-mnet025-lp_trt8501_entropy2.cache');
  const report = await analyzeModel({
    modelPath: sharedModel('retinaface_mnet025_licenseplate.onnx'),
    precision: 'int8',
    calibrationCachePath: cachePath,
    evaluation: { kind: 'images', dir: path.join(sharedData, 'images/lp') },
  });
  const cache = report.settings.calibrationCache!;
  assert.equal(cache.header, 'TRT-8501-EntropyCalibration2');
  assert.equal(cache.entries, 126);
  assert.equal(cache.namingModelTensors, 100, 'MANIFEST: 100 of 126 names are tensors of this model');
  assert.equal(cache.notCovered, 0);
  assert.equal(report.settings.calibrationData.samples, 0, 'no calibration pass was needed');
  // The cache line '/body/stage1/stage1.0/stage1.0.2/LeakyRelu_output_0: 3c682a20' → scale 0.0141702 → amax 1.79962.
  const activation = report.layers.flatMap((l) => l.activations).find((a) => a.tensor === '/body/stage1/stage1.0/stage1.0.2/LeakyRelu_output_0')!;
  assert.equal(activation.source, 'calibration-cache');
  const scale = new DataView(new Uint8Array([0x3c, 0x68, 0x2a, 0x20]).buffer).getFloat32(0, false);
  assert.equal(activation.scale, Math.fround(scale));
  assert.ok(Math.abs(activation.amax - scale * 127) < 1e-5);
  assert.ok(report.layers.every((l) => l.metrics), 'every layer compared');
});
