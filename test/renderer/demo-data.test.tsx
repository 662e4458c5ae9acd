import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { fromElkLayout, toElkGraph } from '../../renderer/src/canvas/graph-layout';
import { nodeAt, nodeFills, PRECISION_COLORS, textOn } from '../../renderer/src/canvas/graph-paint';
import type { DemoData } from '../../renderer/src/host/demo-data';
import { diffCounts, interestingDiffRows } from '../../renderer/src/state/diff-logic';
import { bytesPerLayer, fixtureDemoData, fixtureGraph } from './fixtures/build-view-fixture';

describe('fixtures', () => {
  test('the fixture is a valid DemoData and deterministic', () => {
    const a: DemoData = fixtureDemoData({ layers: 300 });
    const b = fixtureDemoData({ layers: 300 });
    assert.equal(JSON.stringify(a), JSON.stringify(b));
    assert.equal(a.builds[0].view.layers.length, 300);
    assert.equal(a.heatmaps['1'].values.length, 300 * 64);
  });

  test('bytes per layer of the 2,000-layer view stay bounded (LayerRow + heatmap row)', () => {
    const data = fixtureDemoData({ layers: 2000 });
    const perLayer = bytesPerLayer(data.builds[0].view, data.heatmaps['1']);
    assert.ok(perLayer > 300 && perLayer < 2000, `${perLayer} bytes per layer`);
  });
});

describe('graph layout input and paint helpers', () => {
  test('toElkGraph keeps every node and drops self-loops, duplicates and dangling edges', () => {
    const graph = { nodes: [0, 1, 2].map((id) => ({ id, name: `n${id}`, opType: id === 1 ? 'Relu' : 'Conv', layerId: id === 1 ? null : `L${id}`, graphPath: '' })), edges: [{ from: 0, to: 1, tensor: 'a' }, { from: 0, to: 1, tensor: 'b' }, { from: 1, to: 1, tensor: 'c' }, { from: 1, to: 7, tensor: 'd' }, { from: 1, to: 2, tensor: 'e' }], inputs: [], outputs: [] };
    const elk = toElkGraph(graph);
    assert.equal(elk.children!.length, 3);
    assert.deepEqual(elk.edges!.map((e) => [e.sources[0], e.targets[0]]), [['n0', 'n1'], ['n1', 'n2']]);
    const layout = fromElkLayout({ id: 'root', width: 100, height: 90, children: [{ id: 'n0', x: 0, y: 0, width: 80, height: 26 }, { id: 'n2', x: 10, y: 60, width: 80, height: 26 }], edges: [{ id: 'e0', sources: ['n0'], targets: ['n2'], sections: [{ id: 's', startPoint: { x: 40, y: 26 }, endPoint: { x: 50, y: 60 }, bendPoints: [{ x: 45, y: 40 }] }] }] } as never);
    assert.deepEqual(layout.edges[0].points, [40, 26, 45, 40, 50, 60]);
    assert.equal(nodeAt(layout, 20, 70)!.index, 2);
    assert.equal(nodeAt(layout, 95, 5), null);
  });

  test('the fixture graph lays out with elkjs (bundled build, in-process for the test)', async () => {
    const { default: ELK } = await import('elkjs/lib/elk.bundled.js');
    const data = fixtureDemoData({ layers: 60 });
    const graph = fixtureGraph(data.builds[0].view);
    const layout = fromElkLayout(await new ELK().layout(toElkGraph(graph)));
    assert.equal(layout.nodes.length, graph.nodes.length);
    assert.ok(layout.edges.length >= graph.nodes.length - 1);
    assert.ok(layout.height > layout.width, 'top-down layout of a chain is tall');
  });

  test('nodes are coloured by metric or precision; non-layers stay outlines', () => {
    const data = fixtureDemoData({ layers: 40 });
    const view = data.builds[0].view;
    const graph = fixtureGraph(view);
    const byPrecision = nodeFills(graph, view.layers, 'precision', { [view.layers[0].id]: 'fp16' });
    assert.equal(byPrecision[0], PRECISION_COLORS.fp16);
    assert.equal(byPrecision.filter((f) => f === null).length, graph.nodes.filter((n) => !n.layerId).length);
    const bySqnr = nodeFills(graph, view.layers, 'sqnrDb');
    assert.ok(bySqnr.every((f) => f === null || f.startsWith('rgb(') || f === '#9aa1ab'));
    assert.equal(textOn('rgb(253, 231, 37)', '#000'), '#111');
    assert.equal(textOn('#443355', '#000'), '#fff');
    assert.equal(textOn(null, '#abc'), '#abc');
  });
});

describe('build diff rows', () => {
  test('changed precision first, then by |ΔSQNR|; counts ignore noise', () => {
    const mk = (id: string, before: string, after: string, delta: number | null) => ({ id, precisionBefore: before, precisionAfter: after, sqnrDbBefore: 10, sqnrDbAfter: delta === null ? null : 10 + delta, sqnrDeltaDb: delta, cosineBefore: null, cosineAfter: null });
    const diff = { layers: [mk('a', 'int8', 'int8', 0.01), mk('b', 'int8', 'int8', -4), mk('c', 'int8', 'fp16', 2), mk('d', 'int8', 'int8', 6), mk('e', 'int8', 'int8', null)], outputs: [], top1AgreementBefore: null, top1AgreementAfter: null, changedPrecision: ['c'] };
    assert.deepEqual(interestingDiffRows(diff).rows.map((r) => r.id), ['c', 'd', 'b']);
    assert.deepEqual(interestingDiffRows(diff, 1), { rows: [diff.layers[2]], hidden: 2 });
    assert.deepEqual(diffCounts(diff), { improved: 2, worsened: 1, changedPrecision: 1 });
  });
});
