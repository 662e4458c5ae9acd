/**
 * The opset-13 upgrade computes the same function as the original on ONNX Runtime: every rewrite rule on a small
 * model at its old opset, and the real pre-13 models in ../shared/data (opset 9 and 11) on seeded inputs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { upgradeToOpset13 } from '../../../app/onnx/opset-upgrade';
import type { ModelProto } from '../../../app/onnx/proto';
import type { TensorData } from '../../../main/data/types';
import { OrtRunner } from '../../../main/engine/ort-runner';
import { loadModel } from '../../../main/io/model-file';
import { sharedModel } from '../../helpers/paths';
import { upgradeCases } from '../../helpers/old-opset-models';

function seededFloats(count: number, seed: number, spread = 2): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 2 * spread;
  }
  return out;
}

async function outputs(model: ModelProto, feeds: Record<string, TensorData>, label: string): Promise<Map<string, Float32Array>> {
  const runner = await OrtRunner.create(model, label, { optimization: 'extended' });
  try {
    const result = await runner.run(feeds, runner.outputNames);
    return new Map([...result].map(([name, value]) => [name, value.data]));
  } finally {
    await runner.release();
  }
}

async function maxAbsDifference(original: ModelProto, upgraded: ModelProto, feeds: Record<string, TensorData>, label: string): Promise<number> {
  const a = await outputs(original, feeds, `${label} (original)`);
  const b = await outputs(upgraded, feeds, `${label} (opset 13)`);
  assert.deepEqual([...b.keys()].sort(), [...a.keys()].sort(), `${label}: same outputs`);
  let max = 0;
  for (const [name, values] of a) {
    const other = b.get(name)!;
    assert.equal(other.length, values.length, `${label}: output '${name}' has the same size`);
    for (let i = 0; i < values.length; i++) {
      if (Number.isNaN(values[i]) && Number.isNaN(other[i])) continue;
      max = Math.max(max, Math.abs(values[i] - other[i]));
    }
  }
  return max;
}

for (const c of upgradeCases()) {
  test(`upgrade keeps results on ONNX Runtime: ${c.name}`, async () => {
    const feeds: Record<string, TensorData> = {};
    let seed = 11;
    for (const [name, dims] of Object.entries(c.feeds)) feeds[name] = { dataType: 'float32', dims, data: seededFloats(dims.reduce((a, b) => a * b, 1), seed++) };
    const upgraded = upgradeToOpset13(c.model);
    const diff = await maxAbsDifference(c.model, upgraded.model, feeds, c.name);
    assert.ok(diff <= 1e-6, `${c.name}: max |original − upgraded| = ${diff}`);
  });
}

const REAL_MODELS: { file: string; opset: number; input: string; dims: number[]; spread: number }[] = [
  { file: 'ppocrv4_det.onnx', opset: 11, input: 'x', dims: [1, 3, 160, 224], spread: 2 },
  { file: 'ppocrv4_rec_svtr.onnx', opset: 9, input: 'x', dims: [1, 3, 48, 320], spread: 1 },
  { file: 'yolox_nano.onnx', opset: 11, input: 'images', dims: [1, 3, 416, 416], spread: 128 },
  { file: 'retinaface_mnet025_licenseplate.onnx', opset: 11, input: 'input', dims: [1, 3, 640, 640], spread: 2 },
  { file: 'ppocr_mobile_v2_cls.onnx', opset: 9, input: 'x', dims: [1, 3, 48, 192], spread: 1 },
];

for (const m of REAL_MODELS) {
  test(`real model ${m.file} (opset ${m.opset}) gives the same outputs after the upgrade to 13`, async () => {
    const { proto } = await loadModel(sharedModel(m.file));
    const upgraded = upgradeToOpset13(proto);
    assert.equal(upgraded.fromOpset, m.opset);
    let worst = 0;
    for (const seed of [1, 2]) {
      const feeds = { [m.input]: { dataType: 'float32' as const, dims: m.dims, data: seededFloats(m.dims.reduce((a, b) => a * b, 1), seed, m.spread) } };
      worst = Math.max(worst, await maxAbsDifference(proto, upgraded.model, feeds, m.file));
    }
    console.log(`${m.file}: opset ${upgraded.fromOpset} → 13, ${upgraded.changes.length} nodes rewritten, max |Δ| over 2 inputs = ${worst}`);
    assert.ok(worst <= 1e-5, `${m.file}: max |original − upgraded| = ${worst}`);
  });
}
