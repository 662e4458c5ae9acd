/**
 * The service contract end to end on the bundled example: open, build, pin the worst layer, rebuild (FP32 from
 * the reference store, no recalibration), diff and history.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { LocalWorkbenchService } from '../../../main/engine/workbench-service';
import { fixtureModel, sharedData } from '../../helpers/paths';

test('open → build → pin the worst layer → rebuild improves the output; diff and history agree', async () => {
  const service = new LocalWorkbenchService();
  const session = await service.openSession({ modelPath: fixtureModel('outlier-convnet.onnx'), precision: 'int8', calibration: { kind: 'random', count: 12, seed: 3 }, calibrator: 'max' });
  try {
    assert.equal(session.storedReferences, true);
    const { summary: first, report: firstReport } = await service.buildRecord({ sessionId: session.sessionId });
    assert.equal(first.diff, null);
    const worst = [...firstReport.layers].sort((a, b) => (a.metrics!.sqnrDb ?? 1e9) - (b.metrics!.sqnrDb ?? 1e9))[0];
    const second = await service.applyPlanChange({ sessionId: session.sessionId, change: { kind: 'pin', layerIds: [worst.id], precision: 'fp16' } });
    assert.deepEqual(second.diff!.changedPrecision, [worst.id]);
    assert.equal(second.view.layers.find((l) => l.id === worst.id)!.precision, 'fp16');
    const before = first.view.outputs[0].metrics!.sqnrDb!;
    const after = second.view.outputs[0].metrics!.sqnrDb!;
    assert.ok(after > before, `output SQNR ${before.toFixed(2)} → ${after.toFixed(2)} dB`);
    assert.equal((await service.report({ sessionId: session.sessionId, buildId: second.buildId })).timingsMs.breakdown.fp32Inference, 0, 'the rebuild ran no FP32 inference');
    // Layers upstream of the pin are untouched by it.
    const firstLayer = second.diff!.layers[0];
    assert.equal(firstLayer.sqnrDeltaDb, 0);
    const history = await service.history({ sessionId: session.sessionId });
    assert.deepEqual(history.builds.map((b) => b.buildId), [1, 2]);
    const diff = await service.diff({ sessionId: session.sessionId, fromBuildId: 1, toBuildId: 2 });
    assert.deepEqual(diff.changedPrecision, [worst.id]);
    // Unpinning returns exactly to the first build's numbers.
    const third = await service.applyPlanChange({ sessionId: session.sessionId, change: { kind: 'unpin', layerIds: [worst.id] } });
    assert.equal(third.view.outputs[0].metrics!.sqnrDb, before);
    const sensitivity = await service.sensitivity({ sessionId: session.sessionId, samples: 4, target: 'cosine>=0.9999', compareSearches: true });
    assert.equal(sensitivity.ranking.length, firstReport.layers.length);
    // Later views carry the isolated ranking in their rows.
    const again = await service.getBuild({ sessionId: session.sessionId, buildId: 3 });
    const ranked = again.view.layers.filter((l) => l.sensitivityRank !== null);
    assert.equal(ranked.length, firstReport.layers.length);
    assert.equal(again.view.layers.find((l) => l.sensitivityRank === 1)!.id, sensitivity.ranking[0].id);
    const greedy = sensitivity.comparisons.find((c) => c.method === 'greedy')!;
    assert.ok(sensitivity.suggestion!.met && greedy.met);
    assert.ok(sensitivity.suggestion!.pins.length <= greedy.pins.length, `ours ${sensitivity.suggestion!.pins.length} pins vs greedy ${greedy.pins.length}`);
  } finally {
    await service.closeSession({ sessionId: session.sessionId });
  }
});

test('views: rows, heatmap, layer detail, graph, preview and export of a build stay bounded and consistent', async () => {
  const service = new LocalWorkbenchService();
  const modelPath = fixtureModel('outlier-convnet.onnx');
  const overview = await service.inspectModel({ modelPath });
  const session = await service.openSession({ modelPath, precision: 'int8', calibration: { kind: 'random', count: 6, seed: 5 }, calibrator: 'max' });
  const outDir = await mkdtemp(path.join(os.tmpdir(), 'pwb-service-export-'));
  try {
    assert.deepEqual(session.overview.layers.map((l) => l.id), overview.layers.map((l) => l.id));
    const { summary, report } = await service.buildRecord({ sessionId: session.sessionId });
    assert.equal(summary.view.layers.length, report.layers.length);
    for (const [i, row] of summary.view.layers.entries()) {
      const layer = report.layers[i];
      assert.equal(row.id, layer.id);
      assert.equal(row.channels, layer.metrics!.perChannel.relL2Error.length);
      assert.ok(Math.abs(row.mse! - layer.metrics!.mse) <= 1e-4 * layer.metrics!.mse, `${row.id}: mse rounded to 5 digits`);
    }
    const rowBytes = JSON.stringify(summary.view.layers).length / summary.view.layers.length;
    assert.ok(rowBytes < 800, `a layer row is ${rowBytes.toFixed(0)} bytes on the wire`);

    const heatmap = await service.heatmap({ sessionId: session.sessionId, buildId: summary.buildId });
    assert.equal(heatmap.values.length, heatmap.layerIds.length * heatmap.columns);
    assert.ok(heatmap.columns <= 64);
    // A bucket holds its worst channel: the row maximum equals the layer's worst per-channel error.
    const row0 = heatmap.values.slice(0, heatmap.columns).filter((v): v is number => v !== null);
    const worst0 = Math.max(...report.layers[0].metrics!.perChannel.relL2Error.map((v) => v ?? -1));
    assert.ok(Math.abs(Math.max(...row0) - worst0) <= 1e-4 * worst0);

    const detail = await service.layerDetail({ sessionId: session.sessionId, buildId: summary.buildId, layerId: report.layers[1].id });
    assert.equal(detail.layer.id, report.layers[1].id);
    assert.ok(detail.producers.length >= 1 && detail.consumers.length >= 1, 'a middle layer has producers and consumers');
    await assert.rejects(service.layerDetail({ sessionId: session.sessionId, buildId: summary.buildId, layerId: 'nope|Conv#9' }), /LAYER_NOT_FOUND|not in build/);

    const graph = await service.graph({ sessionId: session.sessionId });
    assert.equal(graph.nodes.filter((n) => n.layerId !== null).length, report.layers.length);
    assert.ok(graph.edges.every((e) => e.from < graph.nodes.length && e.to < graph.nodes.length));

    const preview = await service.previewSample({ modelPath, data: { kind: 'random', count: 3, seed: 1 }, index: 2 });
    assert.equal(preview.sampleCount, 3);
    const image = preview.inputs[0].image!;
    assert.equal(Buffer.from(image.rgbaBase64, 'base64').length, image.width * image.height * 4);
    await assert.rejects(service.previewSample({ modelPath, data: { kind: 'random', count: 3, seed: 1 }, index: 3 }), /SAMPLE_INDEX_INVALID|does not exist/);

    const exported = await service.exportBuild({ sessionId: session.sessionId, buildId: summary.buildId, outDir, kinds: ['qdq', 'plan'] });
    assert.deepEqual(exported.files.map((f) => f.kind).sort(), ['plan', 'qdq']);
    // A second export without force refuses and leaves the files as they were.
    const before = await readFile(exported.files[0].path);
    await assert.rejects(service.exportBuild({ sessionId: session.sessionId, buildId: summary.buildId, outDir, kinds: ['qdq', 'plan'] }), /already exist/);
    assert.deepEqual(await readFile(exported.files[0].path), before);
  } finally {
    await service.closeSession({ sessionId: session.sessionId });
    await rm(outDir, { recursive: true, force: true });
  }
  await assert.rejects(service.heatmap({ sessionId: session.sessionId, buildId: 1 }), /SESSION_NOT_FOUND|no open session/);
});

test('trtImport reads real TensorRT artifacts through the service and lists unreadable files instead of failing', async () => {
  const service = new LocalWorkbenchService();
  const folder = path.join(sharedData, 'trt/nvidia-trex-pytorch-resnet18-a100');
  const result = await service.trtImport({ paths: [folder] });
  assert.equal(result.schema, 'pwb.trt-import');
  assert.ok(result.summaries.length >= 9, `${result.summaries.length} artifacts`);
  assert.ok(result.diffs.length >= 1, 'the fp32/fp16/qat engines of one network are diffed');
  await assert.rejects(service.trtImport({ paths: [path.join(folder, 'does-not-exist.json')] }), /FILE_NOT_FOUND|cannot read/);
});
