/**
 * The service contract end to end on the bundled example: open, build, pin the worst layer, rebuild (FP32 from
 * the reference store, no recalibration), diff and history.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LocalWorkbenchService } from '../../../main/engine/workbench-service';
import { fixtureModel } from '../../helpers/paths';

test('open → build → pin the worst layer → rebuild improves the output; diff and history agree', async () => {
  const service = new LocalWorkbenchService();
  const session = await service.openSession({ modelPath: fixtureModel('outlier-convnet.onnx'), precision: 'int8', calibration: { kind: 'random', count: 12, seed: 3 }, calibrator: 'max' });
  try {
    assert.equal(session.storedReferences, true);
    const first = await service.build({ sessionId: session.sessionId });
    assert.equal(first.diff, null);
    const worst = [...first.report.layers].sort((a, b) => (a.metrics!.sqnrDb ?? 1e9) - (b.metrics!.sqnrDb ?? 1e9))[0];
    const second = await service.applyPlanChange({ sessionId: session.sessionId, change: { kind: 'pin', layerIds: [worst.id], precision: 'fp16' } });
    assert.deepEqual(second.diff!.changedPrecision, [worst.id]);
    assert.equal(second.report.layers.find((l) => l.id === worst.id)!.precision, 'fp16');
    const before = first.report.outputs[0].metrics!.sqnrDb!;
    const after = second.report.outputs[0].metrics!.sqnrDb!;
    assert.ok(after > before, `output SQNR ${before.toFixed(2)} → ${after.toFixed(2)} dB`);
    assert.equal(second.report.timingsMs.breakdown.fp32Inference, 0, 'the rebuild ran no FP32 inference');
    // Layers upstream of the pin are untouched by it.
    const firstLayer = second.diff!.layers[0];
    assert.equal(firstLayer.sqnrDeltaDb, 0);
    const history = await service.history({ sessionId: session.sessionId });
    assert.deepEqual(history.builds.map((b) => b.buildId), [1, 2]);
    const diff = await service.diff({ sessionId: session.sessionId, fromBuildId: 1, toBuildId: 2 });
    assert.deepEqual(diff.changedPrecision, [worst.id]);
    // Unpinning returns exactly to the first build's numbers.
    const third = await service.applyPlanChange({ sessionId: session.sessionId, change: { kind: 'unpin', layerIds: [worst.id] } });
    assert.equal(third.report.outputs[0].metrics!.sqnrDb, before);
    const sensitivity = await service.sensitivity({ sessionId: session.sessionId, samples: 4, target: 'cosine>=0.9999', compareSearches: true });
    assert.equal(sensitivity.ranking.length, first.report.layers.length);
    const greedy = sensitivity.comparisons.find((c) => c.method === 'greedy')!;
    assert.ok(sensitivity.suggestion!.met && greedy.met);
    assert.ok(sensitivity.suggestion!.pins.length <= greedy.pins.length, `ours ${sensitivity.suggestion!.pins.length} pins vs greedy ${greedy.pins.length}`);
  } finally {
    await service.closeSession({ sessionId: session.sessionId });
  }
});
