import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { LayerRow } from '../../app/contract/views';
import { badness, badnessColor, countByOpTypeAndPrecision, DEFAULT_SORT, EMPTY_FILTER, filterRows, metricScale, nextSort, sortRows, worstLayers } from '../../renderer/src/state/table-logic';
import { planWithStaged, precisionCounts, stage } from '../../renderer/src/state/plan-logic';
import { fixtureBuildView } from './fixtures/build-view-fixture';

const view = fixtureBuildView({ layers: 2000 });
const rows = view.layers;

function row(partial: Partial<LayerRow> & { id: string; index: number }): LayerRow {
  return { ...rows[0], name: partial.id, ...partial };
}

describe('sortRows', () => {
  test('default sort puts the worst SQNR first and never-compared layers last', () => {
    const sorted = sortRows(rows, DEFAULT_SORT);
    const measured = rows.filter((r) => r.sqnrDb !== null).map((r) => r.sqnrDb!).sort((a, b) => a - b);
    assert.equal(sorted[0].sqnrDb, measured[0]);
    for (let i = 1; i < sorted.length; i++) {
      const a = sorted[i - 1];
      const b = sorted[i];
      const av = a.sqnrDb ?? (a.mse === 0 ? Infinity : null);
      const bv = b.sqnrDb ?? (b.mse === 0 ? Infinity : null);
      if (av !== null && bv !== null) assert.ok(av <= bv, `row ${i} out of order`);
      if (av === null) assert.equal(bv, null, 'a missing value is followed only by missing values');
    }
    const exact = sorted.findIndex((r) => r.sqnrDb === null && r.mse === 0);
    const missing = sorted.findIndex((r) => r.mse === null);
    assert.ok(exact > 0 && missing > exact, 'exact matches sort as +∞ dB, before unmeasured layers');
  });

  test('descending keeps missing values last and ties in model order', () => {
    const data = [row({ id: 'a', index: 0, sqnrDb: 10 }), row({ id: 'b', index: 1, sqnrDb: null, mse: null }), row({ id: 'c', index: 2, sqnrDb: 30 }), row({ id: 'd', index: 3, sqnrDb: 10 })];
    assert.deepEqual(sortRows(data, { key: 'sqnrDb', direction: 'desc' }).map((r) => r.id), ['c', 'a', 'd', 'b']);
    assert.deepEqual(sortRows(data, { key: 'sqnrDb', direction: 'asc' }).map((r) => r.id), ['a', 'd', 'c', 'b']);
  });

  test('sorts names as text and precision by int8 < fp16 < fp32 (staged precision counts)', () => {
    const data = [row({ id: 'b', index: 0, precision: 'fp32' }), row({ id: 'a', index: 1, precision: 'int8' }), row({ id: 'c', index: 2, precision: 'int8' })];
    assert.deepEqual(sortRows(data, { key: 'name', direction: 'asc' }).map((r) => r.id), ['a', 'b', 'c']);
    const staged: Record<string, 'fp16'> = { c: 'fp16' };
    assert.deepEqual(sortRows(data, { key: 'precision', direction: 'asc' }, (r) => staged[r.id] ?? r.precision).map((r) => r.id), ['a', 'c', 'b']);
  });

  test('a new column sorts worst first; the same column flips', () => {
    assert.deepEqual(nextSort(DEFAULT_SORT, 'relL2Error'), { key: 'relL2Error', direction: 'desc' });
    assert.deepEqual(nextSort(DEFAULT_SORT, 'cosineSimilarity'), { key: 'cosineSimilarity', direction: 'asc' });
    assert.deepEqual(nextSort(DEFAULT_SORT, 'sqnrDb'), { key: 'sqnrDb', direction: 'desc' });
    assert.deepEqual(nextSort({ key: 'name', direction: 'asc' }, 'name'), { key: 'name', direction: 'desc' });
  });

  test('2,000 rows sort in well under a frame budget', () => {
    const started = performance.now();
    for (let i = 0; i < 10; i++) sortRows(rows, { key: i % 2 ? 'sqnrDb' : 'relL2Error', direction: 'asc' });
    assert.ok((performance.now() - started) / 10 < 50);
  });
});

describe('filterRows', () => {
  test('text matches name, id, op type and output tensor, case-insensitively', () => {
    const hits = filterRows(rows, { ...EMPTY_FILTER, text: 'DWCONV' });
    assert.ok(hits.length > 0 && hits.every((r) => r.name.includes('dwconv')));
    assert.equal(filterRows(rows, { ...EMPTY_FILTER, text: rows[5].output }).length >= 1, true);
  });

  test('op type and precision filters combine (precision = staged precision)', () => {
    const convs = filterRows(rows, { ...EMPTY_FILTER, opTypes: ['Conv'] });
    assert.ok(convs.length > 0 && convs.every((r) => r.opType === 'Conv'));
    const staged: Record<string, 'fp16'> = { [convs[0].id]: 'fp16', [convs[1].id]: 'fp16' };
    const fp16 = filterRows(rows, { ...EMPTY_FILTER, opTypes: ['Conv'], precisions: ['fp16'] }, (r) => staged[r.id] ?? r.precision);
    assert.deepEqual(fp16.map((r) => r.id), [convs[0].id, convs[1].id]);
  });
});

describe('colour scale', () => {
  test('worst value → badness 1, best → 0, in both metric directions', () => {
    const sqnr = metricScale(rows, 'sqnrDb')!;
    const sorted = sortRows(rows, DEFAULT_SORT);
    assert.equal(badness(sqnr, sorted[0]), 1);
    const best = sortRows(rows.filter((r) => r.sqnrDb !== null), { key: 'sqnrDb', direction: 'desc' })[0];
    assert.equal(badness(sqnr, best), 0);
    const exact = rows.find((r) => r.sqnrDb === null && r.mse === 0)!;
    assert.equal(badness(sqnr, exact), 0, 'an exact match is the best possible');
    const rel = metricScale(rows, 'relL2Error')!;
    const worstRel = sortRows(rows, { key: 'relL2Error', direction: 'desc' })[0];
    assert.equal(badness(rel, worstRel), 1);
    assert.equal(metricScale(rows, 'name'), null);
  });

  test('tint grows with badness and is absent for the best', () => {
    assert.equal(badnessColor(0), undefined);
    assert.equal(badnessColor(null), undefined);
    assert.equal(badnessColor(1), 'rgba(230, 80, 40, 0.60)');
    assert.ok(Number(/([\d.]+)\)$/.exec(badnessColor(0.5)!)![1]) < 0.6);
  });
});

describe('plans and counts', () => {
  test('worstLayers picks the lowest SQNR among layers still in the reduced precision', () => {
    const worst = worstLayers(rows, 5, 'int8');
    const expected = sortRows(rows.filter((r) => r.sqnrDb !== null), DEFAULT_SORT).slice(0, 5).map((r) => r.id);
    assert.deepEqual(worst, expected);
    const staged = Object.fromEntries(worst.slice(0, 2).map((id) => [id, 'fp16' as const]));
    assert.deepEqual(worstLayers(rows, 3, 'int8', (r) => staged[r.id] ?? r.precision), expected.slice(2, 5));
  });

  test('staging to the built precision un-stages; planWithStaged pins without touching other entries', () => {
    const map = new Map(rows.map((r) => [r.id, r]));
    let staged = stage({}, map, [rows[0].id, rows[1].id], 'fp16');
    assert.deepEqual(Object.keys(staged), [rows[0].id, rows[1].id]);
    staged = stage(staged, map, [rows[0].id], 'int8');
    assert.deepEqual(staged, { [rows[1].id]: 'fp16' });
    const plan = planWithStaged({ ...view.plan, layers: { x: { activationAmax: 3 } } }, { x: 'fp32', [rows[1].id]: 'fp16' });
    assert.deepEqual(plan.layers, { x: { activationAmax: 3, precision: 'fp32' }, [rows[1].id]: { precision: 'fp16' } });
    assert.deepEqual(precisionCounts(rows.slice(0, 3), { [rows[1].id]: 'fp16' }), { int8: 2, fp16: 1, fp32: 0 });
  });

  test('op type × precision counts add up to the layer count', () => {
    const table = countByOpTypeAndPrecision(rows);
    assert.equal(table.reduce((n, r) => n + r.total, 0), rows.length);
    assert.equal(table[0].opType, 'Conv');
  });
});
