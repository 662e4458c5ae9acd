/**
 * Quantized models in, on the real models of ../shared/data: the two Q/DQ MobileNets (int8 per-tensor from TFLite,
 * uint8 with fused ReLU6 and a uint8 softmax output) and the two onnxruntime quantize_dynamic models (MobileNetV2,
 * YOLOv8n). For each: the float twin has no quantization left between float layers, its scales are the original's
 * exactly, it runs on ONNX Runtime, its first layer reproduces the original's exactly where the original's input
 * quantization is lossless, and it classifies (detects) like the quantized original. Prints the measured
 * accuracies; PWB_QUANTIZED_EVAL_IMAGES sets how many eval images (default 100, of 300).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { withCapturedOutputs } from '../../../app/model/capture';
import { Graph } from '../../../app/model/graph';
import { decodeModel } from '../../../app/onnx/decode';
import { encodeModel } from '../../../app/onnx/encode';
import type { ModelProto } from '../../../app/onnx/proto';
import { tensorToFloat32 } from '../../../app/onnx/tensor-data';
import { discoverLayers } from '../../../app/precision/layers';
import { parsePlan } from '../../../app/precision/plan';
import { importQuantizedModel, planFromImport, type QuantizedImport } from '../../../app/precision/quantized-import';
import type { PartialPreprocessSpec } from '../../../main/data/preprocess';
import { openSampleSource } from '../../../main/data/sample-sources';
import type { InputDataType } from '../../../main/data/types';
import { OrtRunner } from '../../../main/engine/ort-runner';
import { sharedData, sharedModel } from '../../helpers/paths';

const EVAL_IMAGES = Number(process.env.PWB_QUANTIZED_EVAL_IMAGES ?? 100);

interface Case {
  file: string;
  kind: QuantizedImport['kind'];
  input: { dataType: InputDataType; dims: number[] };
  /** ImageNet class = argmax − offset (1001-class models have the background at 0). */
  labelOffset?: number;
  preprocess?: PartialPreprocessSpec;
  /** First layer output: the original computes it exactly in float (lossless input quantization). */
  firstLayerExact?: string;
}

const CLASSIFIERS: Case[] = [
  // uint8 NHWC 0..255, shorter side 256 → crop 224 (the defaults for a uint8 image input).
  { file: 'mobilenet_v2_1.0_224_int8_qdq.onnx', kind: 'qdq', input: { dataType: 'uint8', dims: [1, 224, 224, 3] } },
  // uint8 NHWC, shorter side 146 → crop 128; 1001 classes.
  { file: 'mobilenet_v1_0.5_128_uint8_qdq.onnx', kind: 'qdq', input: { dataType: 'uint8', dims: [1, 128, 128, 3] }, labelOffset: 1 },
  // torchvision: /255, ImageNet mean/std (the defaults for a float image input).
  { file: 'mobilenet_v2_imagenet_dynamic_int8.onnx', kind: 'dynamic-int8', input: { dataType: 'float32', dims: [1, 3, 224, 224] } },
];
const YOLO: Case = {
  file: 'yolov8n_dynamic_int8.onnx',
  kind: 'dynamic-int8',
  input: { dataType: 'float32', dims: [1, 3, 640, 640] },
  preprocess: { scale: 'unit', mean: null, std: null, resize: { width: 640, height: 640 } },
  // Pixels/255 quantize losslessly with DynamicQuantizeLinear (scale 1/255, zero point 0 on a full-range image).
  firstLayerExact: '/model.0/conv/Conv_output_0',
};

const load = (file: string) => decodeModel(new Uint8Array(readFileSync(sharedModel(file))));
const STATIC = new Set(['QuantizeLinear', 'DequantizeLinear']);
const DYNAMIC = new Set(['DynamicQuantizeLinear', 'ConvInteger', 'MatMulInteger']);
const MOVEMENT = new Set(['Transpose', 'Reshape', 'Squeeze', 'Unsqueeze', 'Flatten', 'Identity']);

/** No quantization between float layers: no Q, no integer op, and every DequantizeLinear converts a graph input. */
function assertNoQuantizationLeft(twin: ModelProto) {
  const g = new Graph(twin.graph);
  for (const node of g.nodes) {
    assert.ok(!DYNAMIC.has(node.opType), `${node.opType} '${node.name}' is left in the twin`);
    assert.notEqual(node.opType, 'QuantizeLinear', `QuantizeLinear '${node.name}' is left in the twin`);
    if (node.opType !== 'DequantizeLinear') continue;
    let name = node.inputs[0];
    for (let producer = g.values.get(name)?.producer; producer !== undefined && MOVEMENT.has(g.nodes[producer].opType); producer = g.values.get(name)?.producer) {
      name = g.nodes[producer].inputs[0];
    }
    assert.ok(g.values.get(name)?.isGraphInput, `DequantizeLinear '${node.name}' does not convert a graph input`);
  }
  for (const o of twin.graph.output) assert.equal(o.type?.tensorType?.elemType, 1, `output '${o.name}' is float32`);
}

/** Every QuantizeLinear / input DequantizeLinear of the original is recorded with exactly its scale and zero point. */
function assertScalesExact(original: ModelProto, imported: QuantizedImport) {
  const g = new Graph(original.graph);
  let checked = 0;
  for (const node of g.nodes) {
    if (!STATIC.has(node.opType)) continue;
    const scale = g.constantTensor(node.inputs[1]);
    const zeroPoint = node.inputs[2] ? g.constantTensor(node.inputs[2]) : undefined;
    if (node.opType === 'DequantizeLinear' && g.constantTensor(node.inputs[0])) continue; // a weight: folded
    const records = imported.activations.filter((a) => a.node === node.name);
    if (node.opType === 'DequantizeLinear') {
      // Activation DequantizeLinears belong to their QuantizeLinear; only the input conversion has its own record.
      if (records.length === 0) continue;
      assert.ok(records.every((r) => r.role === 'input'));
    }
    assert.ok(records.length > 0, `${node.opType} '${node.name}' has no recorded activation`);
    for (const r of records) {
      assert.equal(r.scale, tensorToFloat32(scale!)[0], `scale of '${node.name}'`);
      assert.equal(r.zeroPoint, zeroPoint ? tensorToFloat32(zeroPoint)[0] : 0, `zero point of '${node.name}'`);
      assert.equal(r.quantizedType, zeroPoint?.dataType === 3 ? 'int8' : 'uint8');
    }
    checked++;
  }
  return checked;
}

function checkImport(c: Case) {
  const original = load(c.file);
  const imported = importQuantizedModel(original, new Graph(original.graph));
  assert.equal(imported.kind, c.kind);
  assertNoQuantizationLeft(imported.floatTwin);
  const twin = decodeModel(encodeModel(imported.floatTwin));
  const layers = discoverLayers(new Graph(twin.graph));
  assert.deepEqual(Object.keys(imported.layerPrecisions), layers.map((l) => l.id), 'precisions for exactly the twin layers');
  const plan = parsePlan(JSON.parse(JSON.stringify(planFromImport(imported, layers))), c.file);
  const int8 = layers.filter((l) => imported.layerPrecisions[l.id] === 'int8');
  assert.equal(Object.keys(plan.layers).length, int8.length);
  return { original, imported, layers, plan, int8 };
}

test('mobilenet_v2_1.0_224_int8_qdq: Q/DQ removed, scales exact, every layer int8 with its amax', () => {
  const { original, imported, layers, plan, int8 } = checkImport(CLASSIFIERS[0]);
  assert.equal(imported.summary.qdqPairsRemoved, 104);
  assert.equal(imported.summary.constantsFolded, 123);
  assert.equal(int8.length, layers.length, 'the original ran every layer in int8');
  assert.ok(Object.values(plan.layers).every((e) => e.activationAmax! > 0));
  const checked = assertScalesExact(original, imported);
  assert.equal(checked, 105, '104 QuantizeLinear + the input conversion');
  const first = imported.activations.find((a) => a.node === 'tfl.quantize')!;
  assert.equal(first.quantizedFrom, 'serving_default_input_1:0_dequant', 'the first conv reads it through the NHWC→NCHW Transpose');
  assert.equal(imported.floatTwin.graph.node.filter((n) => n.opType === 'DequantizeLinear').length, 1);
});

test('mobilenet_v1_0.5_128_uint8_qdq: fused ReLU6 made explicit, uint8 softmax output becomes float', () => {
  const { original, imported, layers, int8 } = checkImport(CLASSIFIERS[1]);
  assert.equal(int8.length, layers.length);
  assert.equal(assertScalesExact(original, imported), 31, '30 QuantizeLinear + the input conversion');
  assert.equal(imported.floatTwin.graph.node.filter((n) => n.opType === 'Clip').length, 27, 'the 27 ReLU6 TFLite fused into uint8 [0, 6]');
  const output = imported.activations.find((a) => a.role === 'output')!;
  assert.equal(output.tensor, 'MobilenetV1/Predictions/Reshape_1_prequant');
  assert.equal(output.scale, 1 / 256);
  assert.deepEqual(imported.floatTwin.graph.output.map((o) => o.name), ['MobilenetV1/Predictions/Reshape_1']);
});

test('dynamic-int8 models: integer ops become float Conv/MatMul named as the float model, int8 without static ranges', () => {
  for (const c of [CLASSIFIERS[2], YOLO]) {
    const { imported, plan, int8 } = checkImport(c);
    assert.equal(imported.activations.length, 0);
    assert.equal(int8.length, imported.summary.integerOps, `${c.file}: every ConvInteger/MatMulInteger is an int8 layer`);
    assert.ok(Object.values(plan.layers).every((e) => e.precision === 'int8' && e.activationAmax === undefined), 'calibrated in the analysis');
    assert.equal(imported.weights.length, imported.summary.integerOps);
    assert.ok(imported.notes.some((n) => /per-inference/.test(n)));
  }
  const yolo = checkImport(YOLO);
  assert.equal(yolo.imported.summary.integerOps, 64);
  assert.equal(yolo.imported.summary.dynamicQuantizeNodes, 59);
  const conv0 = yolo.imported.floatTwin.graph.node.find((n) => n.name === '/model.0/conv/Conv')!;
  assert.deepEqual(conv0.input, ['images', 'model.0.conv.weight', 'model.0.conv.bias'], 'the names of the float YOLOv8n (and its TensorRT calibration cache)');
});

/** Runs the original and the twin side by side on the eval images; returns top-1 of both and their agreement. */
async function classify(c: Case, limit: number) {
  const original = load(c.file);
  const imported = importQuantizedModel(original, new Graph(original.graph));
  const inputName = original.graph.input[0].name;
  const outputName = original.graph.output[0].name;
  const reference = await OrtRunner.create(original, `${c.file} (quantized)`);
  const twin = await OrtRunner.create(imported.floatTwin, `${c.file} (float twin)`);
  try {
    const source = await openSampleSource(
      { kind: 'images', dir: path.join(sharedData, 'images/eval'), labels: path.join(sharedData, 'labels/eval_labels.tsv'), limit, preprocess: c.preprocess },
      [{ name: inputName, ...c.input }],
    );
    const argmax = (values: Float32Array) => values.reduce((best, v, i) => (v > values[best] ? i : best), 0);
    let n = 0;
    let originalCorrect = 0;
    let twinCorrect = 0;
    let agree = 0;
    for await (const sample of source.samples()) {
      const a = argmax((await reference.run(sample.feeds, [outputName])).get(outputName)!.data) - (c.labelOffset ?? 0);
      const b = argmax((await twin.run(sample.feeds, [outputName])).get(outputName)!.data) - (c.labelOffset ?? 0);
      n++;
      if (a === sample.label) originalCorrect++;
      if (b === sample.label) twinCorrect++;
      if (a === b) agree++;
    }
    return { n, original: originalCorrect / n, twin: twinCorrect / n, agreement: agree / n };
  } finally {
    await reference.release();
    await twin.release();
  }
}

for (const c of CLASSIFIERS) {
  test(`${c.file}: the float twin classifies ImageNet like the quantized original`, async () => {
    const r = await classify(c, EVAL_IMAGES);
    console.log(
      `${c.file} on ${r.n} ImageNet eval images: top-1 quantized original ${(r.original * 100).toFixed(1)} %, float twin ${(r.twin * 100).toFixed(1)} %, ` +
        `top-1 agreement ${(r.agreement * 100).toFixed(1)} %`,
    );
    assert.equal(r.n, Math.min(EVAL_IMAGES, 300));
    assert.ok(r.original > 0.5, 'the original is read and fed correctly');
    assert.ok(Math.abs(r.twin - r.original) <= 0.05, `twin ${r.twin} vs original ${r.original}`);
    assert.ok(r.agreement >= 0.85, `agreement ${r.agreement}`);
  });
}

test('Q/DQ twins: the first layer reproduces the original exactly (lossless uint8 input, same float weights)', async () => {
  const firstConvs: Record<string, string> = {
    'mobilenet_v2_1.0_224_int8_qdq.onnx': 'model_1/Conv1_relu/Relu6;model_1/Conv1/BiasAdd;model_1/block_5_project/Conv2D;model_1/Conv1/Conv2D;Conv1/kernel_1_prequant',
    'mobilenet_v1_0.5_128_uint8_qdq.onnx': 'MobilenetV1/MobilenetV1/Conv2d_0/Relu6_prequant',
  };
  for (const c of CLASSIFIERS.slice(0, 2)) {
    const diff = await firstLayerDiff({ ...c, firstLayerExact: firstConvs[c.file] }, 'images/eval', 2);
    assert.ok(diff.maxAbs <= 1e-5 * diff.maxRef, `${c.file}: first conv differs by ${diff.maxAbs} (of ${diff.maxRef})`);
  }
});

async function firstLayerDiff(c: Case, folder: string, limit?: number) {
  const original = load(c.file);
  const imported = importQuantizedModel(original, new Graph(original.graph));
  const request = [{ graphPath: '', tensor: c.firstLayerExact! }];
  const a = withCapturedOutputs(original, request);
  const b = withCapturedOutputs(imported.floatTwin, request);
  const reference = await OrtRunner.create(a.model, `${c.file} (quantized)`);
  const twin = await OrtRunner.create(b.model, `${c.file} (float twin)`);
  const source = await openSampleSource({ kind: 'images', dir: path.join(sharedData, folder), limit, preprocess: c.preprocess }, [{ name: original.graph.input[0].name, ...c.input }]);
  let maxAbs = 0;
  let maxRef = 0;
  try {
    for await (const sample of source.samples()) {
      const x = (await reference.run(sample.feeds, [a.outputs.get(c.firstLayerExact!) ?? c.firstLayerExact!])).values().next().value!.data;
      const y = (await twin.run(sample.feeds, [b.outputs.get(c.firstLayerExact!) ?? c.firstLayerExact!])).values().next().value!.data;
      assert.equal(x.length, y.length);
      for (let i = 0; i < x.length; i++) {
        maxAbs = Math.max(maxAbs, Math.abs(x[i] - y[i]));
        maxRef = Math.max(maxRef, Math.abs(x[i]));
      }
    }
  } finally {
    await reference.release();
    await twin.release();
  }
  return { maxAbs, maxRef };
}

test('yolov8n_dynamic_int8: the float twin detects like the original on COCO images', async () => {
  const original = load(YOLO.file);
  const imported = importQuantizedModel(original, new Graph(original.graph));
  const reference = await OrtRunner.create(original, `${YOLO.file} (quantized)`);
  const twin = await OrtRunner.create(imported.floatTwin, `${YOLO.file} (float twin)`);
  try {
    const source = await openSampleSource({ kind: 'images', dir: path.join(sharedData, 'images/coco'), preprocess: YOLO.preprocess }, [{ name: 'images', ...YOLO.input }]);
    let images = 0;
    for await (const sample of source.samples()) {
      images++;
      const a = (await reference.run(sample.feeds, ['output0'])).get('output0')!;
      const b = (await twin.run(sample.feeds, ['output0'])).get('output0')!;
      assert.deepEqual(b.dims, [1, 84, 8400]);
      const [, channels, anchors] = a.dims;
      let maxAbs = 0;
      let maxRef = 0;
      let maxScoreDiff = 0;
      let maxConfidentBoxDiff = 0;
      let diff2 = 0;
      let ref2 = 0;
      let confident = 0;
      const best = (o: Float32Array) => {
        let top = { anchor: 0, cls: 0, score: -1 };
        for (let c = 4; c < channels; c++) for (let i = 0; i < anchors; i++) if (o[c * anchors + i] > top.score) top = { anchor: i, cls: c - 4, score: o[c * anchors + i] };
        return top;
      };
      for (let i = 0; i < anchors; i++) {
        let score = 0;
        for (let c = 4; c < channels; c++) score = Math.max(score, a.data[c * anchors + i]);
        if (score >= 0.25) confident++;
        for (let c = 0; c < channels; c++) {
          const x = a.data[c * anchors + i];
          const d = Math.abs(x - b.data[c * anchors + i]);
          maxAbs = Math.max(maxAbs, d);
          maxRef = Math.max(maxRef, Math.abs(x));
          diff2 += d * d;
          ref2 += x * x;
          if (c >= 4) maxScoreDiff = Math.max(maxScoreDiff, d);
          else if (score >= 0.25) maxConfidentBoxDiff = Math.max(maxConfidentBoxDiff, d);
        }
      }
      const relL2 = Math.sqrt(diff2 / ref2);
      const [topA, topB] = [best(a.data), best(b.data)];
      console.log(
        `${YOLO.file} on ${sample.id}: output max abs diff ${maxAbs.toFixed(2)} (of max |output| ${maxRef.toFixed(1)}, relative ${(maxAbs / maxRef).toExponential(2)}), ` +
          `rel-L2 ${relL2.toExponential(2)}; class scores max abs diff ${maxScoreDiff.toFixed(4)}; boxes of the ${confident} anchors scoring ≥ 0.25: max abs diff ${maxConfidentBoxDiff.toFixed(2)} px; ` +
          `top detection class ${topA.cls} ${topA.score.toFixed(3)} → ${topB.cls} ${topB.score.toFixed(3)}`,
      );
      assert.ok(relL2 < 0.03, `rel-L2 ${relL2}`);
      assert.ok(maxScoreDiff < 0.2, `class score diff ${maxScoreDiff}`);
      assert.ok(maxConfidentBoxDiff < 16, `confident box diff ${maxConfidentBoxDiff}`);
      assert.equal(topB.cls, topA.cls);
      assert.ok(Math.abs(topA.score - topB.score) < 0.05);
    }
    assert.equal(images, 2);
  } finally {
    await reference.release();
    await twin.release();
  }
  const first = await firstLayerDiff(YOLO, 'images/coco');
  assert.ok(first.maxAbs <= 1e-5 * first.maxRef, `first conv differs by ${first.maxAbs} (of ${first.maxRef})`);
});
