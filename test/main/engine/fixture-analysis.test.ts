/**
 * The bundled example does what it is for: INT8 visibly hurts the layer fed by the outlier channel, FP16 does
 * not, and the report ranks that layer among the worst.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rankLayers } from '../../../main/cli/commands/analyze';
import { analyzeModel } from '../../../main/engine/analyze';
import { fixtureModel } from '../../helpers/paths';

const options = { modelPath: fixtureModel('outlier-convnet.onnx'), calibration: { kind: 'random' as const, count: 16, seed: 1 } };

test('INT8 hurts the layer after the outlier channel; FP16 hurts nothing', async () => {
  const int8 = await analyzeModel({ ...options, precision: 'int8', calibrator: 'max' });
  const byName = new Map(int8.layers.map((l) => [l.name, l]));
  const first = byName.get('conv_0')!.metrics!.sqnrDb!;
  const afterOutlier = byName.get('conv_2')!.metrics!.sqnrDb!;
  assert.ok(first - afterOutlier > 15, `conv_0 ${first.toFixed(1)} dB vs conv_2 ${afterOutlier.toFixed(1)} dB`);
  // With max calibration the outlier sets the range of conv_2's input; its per-channel view shows the damage
  // spread over the channels that are not the outlier.
  const input = byName.get('conv_2')!.activations[0];
  assert.ok(input.amax > 10 * byName.get('conv_1')!.activations[0].amax, 'the outlier channel dominates the range');
  assert.ok(rankLayers(int8.layers).slice(0, 4).some((l) => l.name === 'conv_2'), 'ranked among the worst');

  const fp16 = await analyzeModel({ ...options, precision: 'fp16' });
  for (const layer of fp16.layers) assert.ok(layer.metrics!.sqnrDb === null || layer.metrics!.sqnrDb > 40, `${layer.id}: ${layer.metrics!.sqnrDb}`);
  assert.ok(fp16.outputs[0].metrics!.cosineSimilarity! > int8.outputs[0].metrics!.cosineSimilarity!);
});

test('the same data gives the same report numbers (deterministic)', async () => {
  const a = await analyzeModel({ ...options, precision: 'int8' });
  const b = await analyzeModel({ ...options, precision: 'int8' });
  assert.deepEqual(
    a.layers.map((l) => [l.id, l.metrics!.sqnrDb, l.activations.map((x) => x.amax)]),
    b.layers.map((l) => [l.id, l.metrics!.sqnrDb, l.activations.map((x) => x.amax)]),
  );
});

test('FP32 references from the on-disk store give the same numbers as rerunning FP32; over budget it falls back', async () => {
  const summary = (r: Awaited<ReturnType<typeof analyzeModel>>) => [r.outputs[0].metrics, r.layers.map((l) => [l.id, l.metrics, l.activations])];
  const rerun = await analyzeModel({ ...options, precision: 'int8' });
  const stored = await analyzeModel({ ...options, precision: 'int8', recordReferences: true });
  assert.deepEqual(summary(stored), summary(rerun));
  assert.ok(stored.timingsMs.breakdown.referenceStore > 0, 'the store was used');
  const tiny = await analyzeModel({ ...options, precision: 'int8', recordReferences: true, referenceBudgetBytes: 1000 });
  assert.ok(tiny.warnings.some((w) => /over the .* budget/.test(w)), tiny.warnings.join('\n'));
  assert.deepEqual(summary(tiny), summary(rerun));
});
