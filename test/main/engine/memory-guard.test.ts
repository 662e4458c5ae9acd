/**
 * The memory guard refuses an analysis whose captured activations exceed the budget before any sample is read,
 * with the numbers and the largest tensors in the message; the estimate matches what ONNX Runtime produces.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { DataType, GraphBuilder, encode, seededRandom, valueInfo } from '../../../fixtures/onnx-builder';
import { main } from '../../../main/cli/pwb';
import { estimateAnalysisMemory, LIVE_COPIES } from '../../../main/engine/memory-guard';
import { loadModel } from '../../../main/io/model-file';
import { sharedModel } from '../../helpers/paths';

/** 1×3×8192×8192 → conv 3→128: one layer output of 32 GiB, far over any default budget here. */
function hugeActivationModel(): Uint8Array {
  const b = new GraphBuilder(seededRandom(5));
  const h = b.node('Relu', [b.conv('input', 3, 128, 3)], {}, 'relu');
  b.nodes[b.nodes.length - 1].output = ['out'];
  void h;
  return encode(b.model([valueInfo('input', DataType.FLOAT, [1, 3, 8192, 8192])], [valueInfo('out', DataType.FLOAT, [1, 128, 8192, 8192])], 13, 'huge'));
}

async function cli(args: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const code = await main(args, { write: () => true }, { write: (s: string) => ((err += s), true) });
  return { code, err };
}

test('a model whose activations exceed the default budget is refused before any data is read; nothing is written', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pwb-memory-'));
  try {
    const model = path.join(dir, 'huge.onnx');
    writeFileSync(model, hugeActivationModel());
    const out = path.join(dir, 'report');
    const rssBefore = process.memoryUsage().rss;
    const { code, err } = await cli(['analyze', model, '--random', '4', '--out', out, '--quiet']);
    assert.equal(code, 2);
    assert.match(err, /\[MEMORY_BUDGET_EXCEEDED\]/);
    assert.match(err, /'out' \[1×128×8192×8192\] 32768 MB/);
    assert.match(err, /--input-shape/);
    assert.equal(existsSync(out), false);
    assert.ok(process.memoryUsage().rss - rssBefore < 512 * 1024 * 1024, 'refused without allocating the activations');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('ppocrv4_det: refused under a 200 MB budget, accepted under the default; the estimate is the real capture size', async () => {
  const modelPath = sharedModel('ppocrv4_det.onnx');
  const { code, err } = await cli(['analyze', modelPath, '--random', '1', '--input-shape', 'x:1x3x640x640', '--memory-budget', '200', '--out', path.join(os.tmpdir(), 'pwb-never-written'), '--quiet']);
  assert.equal(code, 2);
  assert.match(err, /MEMORY_BUDGET_EXCEEDED/);
  const loaded = await loadModel(modelPath);
  const outputs = loaded.layers.map((l) => l.output);
  const estimate = estimateAnalysisMemory(loaded.graph, { x: [1, 3, 640, 640] }, outputs, loaded.bytes.byteLength);
  assert.equal(estimate.unknown.length, 0);
  // 85 layer outputs at 640×640: the reference store measured 133 MB of layer outputs per sample (docs/benchmarks.md).
  assert.ok(estimate.perSampleBytes > 120e6 && estimate.perSampleBytes < 150e6, `${(estimate.perSampleBytes / 1e6).toFixed(1)} MB per sample`);
  assert.equal(estimate.peakBytes, estimate.perSampleBytes * LIVE_COPIES + loaded.bytes.byteLength);
});
