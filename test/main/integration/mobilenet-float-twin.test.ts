/**
 * MobileNetV2 (ImageNet, INT8 Q/DQ from TFLite): derive its float twin by removing the Q/DQ pairs, then analyse
 * the twin's INT8 emulation on the 300 ImageNet eval images with labels. Prints the INT8 top-1 agreement with
 * FP32 and both accuracies.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { Graph } from '../../../app/model/graph';
import { decodeModel } from '../../../app/onnx/decode';
import { encodeModel } from '../../../app/onnx/encode';
import { deriveFloatTwin } from '../../../app/precision/float-twin';
import { analyzeModel } from '../../../main/engine/analyze';
import { sharedData, sharedModel } from '../../helpers/paths';

test('float twin of mobilenet_v2_1.0_224_int8_qdq: INT8 top-1 agreement with FP32 on ImageNet eval', async () => {
  const quantized = decodeModel(new Uint8Array(readFileSync(sharedModel('mobilenet_v2_1.0_224_int8_qdq.onnx'))));
  const twin = deriveFloatTwin(quantized, new Graph(quantized.graph));
  const ops = new Map<string, number>();
  for (const n of twin.model.graph.node) ops.set(n.opType, (ops.get(n.opType) ?? 0) + 1);
  assert.equal(ops.get('QuantizeLinear') ?? 0, 0, 'no activation quantization left');
  assert.equal(ops.get('DequantizeLinear'), 1, 'only the uint8 input conversion stays');
  assert.equal(ops.get('Conv'), 52);
  assert.ok(twin.removedPairs >= 100 && twin.foldedConstants >= 100, `${twin.removedPairs} pairs, ${twin.foldedConstants} constants`);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'pwb-twin-'));
  const twinPath = path.join(dir, 'mobilenet_v2_float_twin.onnx');
  writeFileSync(twinPath, encodeModel(twin.model));
  const report = await analyzeModel({
    modelPath: twinPath,
    precision: 'int8',
    calibration: { kind: 'images', dir: path.join(sharedData, 'images/calib'), limit: 64 },
    evaluation: { kind: 'images', dir: path.join(sharedData, 'images/eval'), labels: path.join(sharedData, 'labels/eval_labels.tsv') },
  });
  const c = report.classification!;
  assert.ok(c, 'a [N,1000] output is analysed as a classifier');
  assert.equal(c.rows, 300);
  assert.equal(c.accuracy!.labelledRows, 300);
  // The quantized original scores 82.7 % top-1 on these images (MANIFEST); its float twin must be a working model.
  assert.ok(c.accuracy!.reference > 0.75, `FP32 twin accuracy ${c.accuracy!.reference}`);
  assert.ok(c.top1Agreement > 0.5 && c.top1Agreement <= 1);
  assert.equal(report.layers.filter((l) => l.metrics).length, report.layers.length);
  console.log(
    `mobilenet_v2 float twin, INT8 (entropy, 64 calib images) vs FP32 on 300 ImageNet eval images: top-1 agreement ${(c.top1Agreement * 100).toFixed(1)} %, ` +
      `top-5 agreement ${(c.top5Agreement * 100).toFixed(1)} %; accuracy FP32 ${(c.accuracy!.reference * 100).toFixed(1)} %, INT8 ${(c.accuracy!.candidate * 100).toFixed(1)} %; ` +
      `output cosine ${report.outputs[0].metrics!.cosineSimilarity?.toFixed(4)}`,
  );
});
