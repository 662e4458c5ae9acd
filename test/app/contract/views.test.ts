import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AnalysisReport, LayerReport } from '../../../app/contract/report';
import { heatmapData, layerRow, roundForWire, sensitivityIndex } from '../../../app/contract/views';

function layer(id: string, perChannel: (number | null)[], extra: Partial<LayerReport> = {}): LayerReport {
  return {
    id, name: id, opType: 'Conv', role: 'conv', graphPath: '', precision: 'int8', output: `${id}_out`, outputDims: [1, perChannel.length, 4, 4],
    activations: [
      { tensor: 'a', amax: 3, scale: 3 / 127, source: 'calibration', calibrationMin: 0, calibrationMax: 3, histogram: null, saturationRate: 0.01 },
      { tensor: 'b', amax: 7.123456789, scale: 7 / 127, source: 'calibration', calibrationMin: 0, calibrationMax: 7, histogram: null, saturationRate: 0.25 },
    ],
    weight: null,
    metrics: perChannel.length === 0 ? null : {
      cosineSimilarity: 0.99, sqnrDb: null, mse: 0, maxAbsError: 0, meanAbsError: 0, p99AbsError: 0, relL2Error: 0,
      referenceNanCount: 0, referenceInfCount: 0, candidateNanCount: 2, candidateInfCount: 1, elementCount: 16, sampleCount: 1,
      perChannel: { axis: 1, relL2Error: perChannel, mse: perChannel.map(() => 0), bucketed: false },
      outputHistograms: { binEdges: [0, 1], reference: [1], candidate: [1] },
    },
    ...extra,
  } as LayerReport;
}

test('roundForWire keeps 5 significant digits and turns non-finite values into null', () => {
  assert.equal(roundForWire(0.123456789), 0.12346);
  assert.equal(roundForWire(123456.7), 123460);
  assert.equal(roundForWire(Infinity), null);
  assert.equal(roundForWire(NaN), null);
  assert.equal(roundForWire(0), 0);
});

test('layerRow: worst saturation and largest amax of the inputs, non-finite count, sensitivity rank', () => {
  const ranking = sensitivityIndex({ ranking: [{ id: 'x', isolated: { cosineSimilarity: 0.5, sqnrDb: 3, top1Agreement: null }, allButThis: null }, { id: 'y', isolated: { cosineSimilarity: 0.9, sqnrDb: 9, top1Agreement: null }, allButThis: null }] } as never);
  const row = layerRow(layer('y', [0.1, 0.2]), 4, ranking);
  assert.equal(row.saturationRate, 0.25);
  assert.equal(row.amax, 7.1235);
  assert.equal(row.nonFiniteCount, 3);
  assert.equal(row.sensitivityRank, 2);
  assert.equal(row.isolatedSqnrDb, 9);
  assert.equal(row.channels, 2);
  assert.equal(row.index, 4);
  assert.equal(layerRow(layer('z', []), 0, ranking).cosineSimilarity, null);
});

test('heatmap buckets channels to at most the column cap, each bucket holding its worst channel', () => {
  const wide = Array.from({ length: 256 }, (_, c) => (c === 100 ? 5 : c / 1000));
  const report = { layers: [layer('a', wide), layer('b', [0.5, null, 0.25]), layer('c', [])] } as unknown as AnalysisReport;
  const map = heatmapData(report, 64);
  assert.equal(map.columns, 64);
  assert.equal(map.values.length, 3 * 64);
  // 256 channels in 64 buckets of 4: channel 100 falls in bucket 25.
  assert.equal(map.values[25], 5);
  assert.equal(map.values[26], 0.107);
  // 3 channels: 3 buckets, the null channel stays null, the rest of the row is empty.
  assert.deepEqual(map.values.slice(64, 68), [0.5, null, 0.25, null]);
  assert.ok(map.values.slice(128).every((v) => v === null));
  // The colour scale stops at the 99th percentile, not at the single outlier.
  assert.ok(map.scaleMax < 5 && map.scaleMax > 0.2, `scaleMax ${map.scaleMax}`);
  assert.equal(heatmapData(report, 1000).columns, 64, 'the cap holds whatever the caller asks');
});
