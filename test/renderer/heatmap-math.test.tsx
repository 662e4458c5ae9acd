import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { AnalysisReport } from '../../app/contract/report';
import { heatmapData } from '../../app/contract/views';
import { cellAt, channelRange, clampView, fillCells, FIT_VIEW, maxZoom, panBy, RAMP, rampColor, rampGradient, visibleRows, zoomAt, type HeatmapGeometry } from '../../renderer/src/canvas/heatmap-math';

const g: HeatmapGeometry = { width: 640, height: 400, rows: 2000, columns: 64 };

describe('colour ramp', () => {
  test('0 → first stop, scaleMax and above → last stop, midpoint → middle stop', () => {
    assert.deepEqual(rampColor(0, 0.2), RAMP[0]);
    assert.deepEqual(rampColor(0.2, 0.2), RAMP[4]);
    assert.deepEqual(rampColor(5, 0.2), RAMP[4], 'values above scaleMax saturate');
    assert.deepEqual(rampColor(0.1, 0.2), RAMP[2]);
    assert.deepEqual(rampColor(-1, 0.2), RAMP[0]);
    assert.deepEqual(rampColor(Number.NaN, 0.2), RAMP[0]);
  });

  test('interpolates between stops and is monotone in green (viridis)', () => {
    let previous = -1;
    for (let i = 0; i <= 20; i++) {
      const [, green] = rampColor(i / 20, 1);
      assert.ok(green >= previous);
      previous = green;
    }
    assert.match(rampGradient(), /^linear-gradient\(to right, rgb\(68, 1, 84\) 0%, .* rgb\(253, 231, 37\) 100%\)$/);
  });

  test('fillCells writes one RGBA pixel per cell and the empty colour for null', () => {
    const out = new Uint8ClampedArray(2 * 2 * 4);
    fillCells([0, null, 1, 0.5], 2, 2, 1, [9, 9, 9], out);
    assert.deepEqual([...out.slice(0, 4)], [...RAMP[0], 255]);
    assert.deepEqual([...out.slice(4, 8)], [9, 9, 9, 255]);
    assert.deepEqual([...out.slice(8, 12)], [...RAMP[4], 255]);
  });
});

describe('zoom and pan', () => {
  test('fit view maps the whole matrix onto the viewport', () => {
    assert.deepEqual(cellAt(FIT_VIEW, 0, 0, g), { row: 0, column: 0 });
    assert.deepEqual(cellAt(FIT_VIEW, 639.9, 399.9, g), { row: 1999, column: 63 });
    assert.equal(cellAt(FIT_VIEW, -1, 10, g), null);
    assert.equal(cellAt(FIT_VIEW, 10, 400, g), null);
  });

  test('zooming keeps the cell under the pointer fixed', () => {
    const before = cellAt(FIT_VIEW, 300, 123, g)!;
    const zoomed = zoomAt(FIT_VIEW, 1, 8, 300, 123, g);
    assert.equal(zoomed.zoomX, 1, 'the wheel zooms the layer axis only');
    assert.ok(zoomed.zoomY === 8);
    assert.deepEqual(cellAt(zoomed, 300, 123, g), before);
    const again = zoomAt(zoomed, 2, 3, 50, 390, g);
    const under = cellAt(zoomed, 50, 390, g);
    assert.deepEqual(cellAt(again, 50, 390, g), under);
  });

  test('zoom is clamped: never below fit, columns at most 48 px, at least ~12 rows visible', () => {
    assert.deepEqual(zoomAt(FIT_VIEW, 0.1, 0.1, 100, 100, g), FIT_VIEW);
    const deep = zoomAt(FIT_VIEW, 1e6, 1e6, 100, 100, g);
    const limits = maxZoom(g);
    assert.equal(deep.zoomX, limits.x);
    assert.equal(deep.zoomY, limits.y);
    assert.equal((g.width / g.columns) * deep.zoomX, 48);
    const rows = visibleRows(deep, g);
    assert.ok(rows.last - rows.first >= 12 && rows.last - rows.first <= 13);
  });

  test('panning stops at the matrix edges', () => {
    const zoomed = zoomAt(FIT_VIEW, 2, 4, 0, 0, g);
    assert.deepEqual(panBy(zoomed, 500, 500, g), { ...zoomed, offsetX: 0, offsetY: 0 });
    const far = panBy(zoomed, -1e6, -1e6, g);
    assert.equal(far.offsetY, g.height - g.height * zoomed.zoomY);
    assert.deepEqual(cellAt(far, g.width - 0.1, g.height - 0.1, g), { row: 1999, column: 63 });
    assert.deepEqual(clampView({ zoomX: 0.5, zoomY: 0.5, offsetX: 10, offsetY: 10 }, g), FIT_VIEW);
  });
});

describe('channel buckets', () => {
  test('channelRange matches heatmapData bucketing (worst channel per bucket)', () => {
    const perChannel = Array.from({ length: 100 }, (_, c) => c / 1000);
    const report = { layers: [{ id: 'a', metrics: { perChannel: { relL2Error: perChannel } } }, { id: 'b', metrics: { perChannel: { relL2Error: [0.5, 0.25] } } }] } as unknown as AnalysisReport;
    const data = heatmapData(report, 64);
    assert.equal(data.columns, 64);
    for (let column = 0; column < 64; column++) {
      const range = channelRange(column, 100, 64)!;
      assert.equal(data.values[column], perChannel[range.last], `bucket ${column} holds its worst (last) channel`);
    }
    assert.deepEqual(channelRange(0, 2, 64), { first: 0, last: 0 });
    assert.deepEqual(channelRange(1, 2, 64), { first: 1, last: 1 });
    assert.equal(channelRange(2, 2, 64), null);
    assert.equal(data.values[64 + 2], null);
    assert.deepEqual(channelRange(63, 1000, 64), { first: 984, last: 999 });
  });
});
