/**
 * Incremental rebuilds: after a pin, only the pinned layer and its descendants are captured and compared; the
 * other layers keep the previous build's metrics. The result must match a full build of the same plan.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AnalysisSession } from '../../../main/engine/analyze';
import { defaultPlan } from '../../../app/precision/plan';
import { pinLayers } from '../../../app/precision/plan-edit';
import { fixtureModel } from '../../helpers/paths';

const options = { modelPath: fixtureModel('outlier-convnet.onnx'), precision: 'int8' as const, calibration: { kind: 'random' as const, count: 6, seed: 11 }, calibrator: 'max' as const, keepForRebuilds: true };

test('a rebuild after one pin reuses upstream layers and matches a full build of the same plan', async () => {
  const incremental = await AnalysisSession.open(options);
  const full = await AnalysisSession.open(options);
  try {
    const first = await incremental.build(defaultPlan('int8', 'max'));
    assert.equal(first.reusedLayers, 0);
    const layers = first.report.layers;
    const pinned = layers[3];
    const plan = pinLayers(defaultPlan('int8', 'max'), [pinned.id], 'fp16');
    const rebuilt = await incremental.build(plan);
    const fresh = await full.build(plan);
    assert.equal(fresh.reusedLayers, 0);
    // The pinned layer is the 4th of a chain with one residual branch: the three before it are reused.
    assert.ok(rebuilt.reusedLayers! >= 3, `reused ${rebuilt.reusedLayers} layers`);
    assert.ok(rebuilt.reusedLayers! < layers.length);
    for (const [i, layer] of rebuilt.report.layers.entries()) {
      const expected = fresh.report.layers[i];
      assert.equal(layer.id, expected.id);
      assert.equal(layer.precision, expected.precision);
      const a = layer.metrics!.mse;
      const b = expected.metrics!.mse;
      assert.ok(Math.abs(a - b) <= 1e-5 * Math.max(a, b) + 1e-12, `${layer.id}: mse ${a} (incremental) vs ${b} (full)`);
      assert.deepEqual(layer.activations.map((x) => x.saturationRate), expected.activations.map((x) => x.saturationRate), `${layer.id}: saturation`);
    }
    assert.equal(rebuilt.report.outputs[0].metrics!.sqnrDb, fresh.report.outputs[0].metrics!.sqnrDb);
    assert.deepEqual(rebuilt.report.classification, fresh.report.classification);
    // Unpinning goes back to the first build's numbers exactly.
    const back = await incremental.build(defaultPlan('int8', 'max'));
    assert.equal(back.report.outputs[0].metrics!.sqnrDb, first.report.outputs[0].metrics!.sqnrDb);
  } finally {
    incremental.dispose();
    full.dispose();
  }
});
