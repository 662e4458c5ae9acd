/** @jsxRuntime automatic */
/**
 * TensorRT builds in the UI, per layer: the engine layer computing it, the precision TensorRT realized ("Ran as") vs
 * the plan, and the engine layer's time — in the layer table (columns only for TensorRT builds), its filter, the
 * overview's count, the layer detail's TensorRT block, and the demo host's TensorRT builds.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderToString } from 'react-dom/server';
import type { BuildSummary } from '../../app/contract/service';
import type { LayerRow } from '../../app/contract/views';
import { LayerDetailPanel } from '../../renderer/src/components/LayerDetailPanel';
import { LayerTable } from '../../renderer/src/components/LayerTable';
import { Overview } from '../../renderer/src/components/Overview';
import { TableFilterBar } from '../../renderer/src/components/TableFilterBar';
import { LAYER_COLUMNS, layerColumns, minTableWidth } from '../../renderer/src/format/layer-columns';
import type { DemoData } from '../../renderer/src/host/demo-data';
import { showWiderThanPlanned } from '../../renderer/src/state/actions';
import { enginePrecisionLabel, ranWiderThanPlanned, widerThanPlannedCount, widerThanPlannedTooltip } from '../../renderer/src/state/backend-logic';
import { EMPTY_SELECTION } from '../../renderer/src/state/selection-logic';
import { useWorkbench } from '../../renderer/src/state/store';
import { DEFAULT_SORT, EMPTY_FILTER, filterRows, nextSort, sortRows, type SortSpec } from '../../renderer/src/state/table-logic';
import { fixtureDemoData, fixtureLayerDetail, fixtureTensorRtDemoData, fixtureWiderLayers } from './fixtures/build-view-fixture';
import { demoClient } from './fixtures/fake-clients';

const noop = () => undefined;
const trtDemo = fixtureTensorRtDemoData({ layers: 200 });
const trtBuild = trtDemo.builds[0];
const trtRows = trtBuild.view.layers;
const ortBuild = fixtureDemoData({ layers: 200 }).builds[0];
const wider = fixtureWiderLayers(trtBuild.view);
const INT8_FP32 = 'INT8 was asked; TensorRT ran this layer in FP32 (no INT8 kernel / Q/DQ placement)';

function text(html: string): string {
  return html.replace(/<!-- -->/g, '').replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/\s+/g, ' ');
}

const unescape = (s: string) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

function table(rows: readonly LayerRow[], engineColumns: boolean, sort: SortSpec = DEFAULT_SORT): string {
  return renderToString(<LayerTable rows={rows} sort={sort} onSort={noop} selection={EMPTY_SELECTION} onSelection={noop} staged={{}} onStage={noop} onOpen={noop} openLayerId={null} initialHeight={600} fusedOutputs={engineColumns} engineColumns={engineColumns} />);
}

/** The rendered rows, each as its id and its opening-to-closing markup. */
function renderedRows(html: string): { id: string; html: string }[] {
  const starts = [...html.matchAll(/<div role="row" aria-selected="[^"]*" data-layer-id="([^"]+)"/g)];
  return starts.map((m, i) => ({ id: unescape(m[1]), html: html.slice(m.index, starts[i + 1]?.index ?? html.length) }));
}

/** Text of the detail panel, where node paths are split for wrapping (`/<wbr/>` in bare spans). */
const detailText = (html: string) => text(html.replace(/<wbr\/>|<span>|<\/span>/g, ''));

const headers = (html: string) => [...html.matchAll(/role="columnheader"[^>]*>([^<]*)/g)].map((m) => m[1].trim()).filter(Boolean);

describe('plan vs realized: ranWiderThanPlanned', () => {
  const row = (precision: LayerRow['precision'], enginePrecision: string | null, engineLayer: string | null = 'conv_1 + relu_1') => ({ precision, enginePrecision, engineLayer });
  test('wider than asked is flagged: fp16/bf16/fp32 where int8 was asked, fp32 where fp16 was asked', () => {
    for (const [planned, realized] of [['int8', 'fp32'], ['int8', 'fp16'], ['int8', 'bf16'], ['fp16', 'fp32']] as const) {
      assert.equal(ranWiderThanPlanned(row(planned, realized)), true, `${planned} → ${realized}`);
    }
  });
  test('as planned, narrower, unknown, non-float types, reformat copies and rows without an engine layer are not', () => {
    const cases: [LayerRow['precision'], string | null, string?][] = [
      ['int8', 'int8'], ['fp16', 'fp16'], ['fp32', 'fp32'], ['fp32', 'fp16'], ['fp32', 'int8'], ['fp16', 'int8'], ['fp16', 'bf16'], ['int8', 'fp8'], ['int8', 'uint8'],
      ['int8', 'unknown'], ['int8', 'int32'], ['int8', 'int64'], ['int8', 'bool'], ['int8', null], ['int8', ''],
      ['int8', 'fp32', 'Reformatting CopyNode for Input Tensor 0 to conv_1'],
    ];
    for (const [planned, realized, layer] of cases) assert.equal(ranWiderThanPlanned(row(planned, realized, layer)), false, `${planned} → ${realized} (${layer ?? 'conv'})`);
  });
  test("the inspector's own spellings count like TrtDataType ('Float', 'Half', 'Int8')", () => {
    assert.equal(ranWiderThanPlanned(row('int8', 'Float')), true);
    assert.equal(ranWiderThanPlanned(row('int8', 'Half')), true);
    assert.equal(ranWiderThanPlanned(row('int8', 'Int8')), false);
    assert.equal(enginePrecisionLabel('Half'), 'FP16');
    assert.equal(enginePrecisionLabel('unknown'), '?');
    assert.equal(enginePrecisionLabel(null), '–');
  });
  test('the warning says what was asked and what ran', () => {
    assert.equal(widerThanPlannedTooltip(row('int8', 'fp32')), INT8_FP32);
    assert.equal(widerThanPlannedTooltip(row('int8', 'fp16')), 'INT8 was asked; TensorRT ran this layer in FP16 (no INT8 kernel / Q/DQ placement)');
    assert.match(widerThanPlannedTooltip(row('fp16', 'fp32'))!, /^FP16 was asked; TensorRT ran this layer in FP32 \(/);
    assert.equal(widerThanPlannedTooltip(row('int8', 'int8')), null);
  });
  test('counts: the TensorRT demo build has its three, an ONNX Runtime build none', () => {
    assert.equal(wider.size, 3);
    assert.equal(widerThanPlannedCount(trtRows), 3);
    assert.deepEqual(new Set(trtRows.filter(ranWiderThanPlanned).map((r) => r.id)), new Set(wider.keys()));
    assert.equal(widerThanPlannedCount(ortBuild.view.layers), 0);
  });
});

describe('layer table: engine columns', () => {
  test('three extra columns only for TensorRT builds, "Ran as" right after the plan precision', () => {
    assert.equal(layerColumns(false), LAYER_COLUMNS);
    const keys = layerColumns(true).map((c) => c.key);
    assert.deepEqual(keys.slice(keys.indexOf('precision'), keys.indexOf('precision') + 2), ['precision', 'enginePrecision']);
    assert.deepEqual(keys.slice(-2), ['engineLayer', 'engineMs']);
    assert.equal(keys.length, LAYER_COLUMNS.length + 3);
    assert.ok(minTableWidth(layerColumns(true)) > minTableWidth(LAYER_COLUMNS) + 300, 'the table scrolls sideways instead of squeezing columns');

    const ort = table(ortBuild.view.layers, false);
    assert.ok(!headers(ort).some((h) => /Ran as|Engine/.test(h)), headers(ort).join(','));
    assert.doesNotMatch(ort, /ran-as|lt-engine/);
    const trt = table(trtRows, true);
    const h = headers(trt);
    assert.deepEqual(h.slice(h.indexOf('Precision'), h.indexOf('Precision') + 2), ['Precision', 'Ran as']);
    assert.deepEqual(h.slice(-2), ['Engine layer', 'Engine ms']);
  });

  test('cells: realized precision as a badge, the engine layer clipped with its full name in the title, its time', () => {
    const rows = renderedRows(table(trtRows, true));
    assert.ok(rows.length > 10);
    const fused = rows.find((r) => (trtRows.find((x) => x.id === r.id)!.engineLayer ?? '').includes(' + '))!;
    const row = trtRows.find((r) => r.id === fused.id)!;
    assert.ok(unescape(fused.html).includes(`class="lt-engine" title="${row.engineLayer}"><span class="clip">${row.engineLayer}</span>`));
    assert.match(fused.html, /<span class="badge p-int8">INT8<\/span>/);
    const ms = /(\d+(?:\.\d+)?) µs<\/span>/.exec(fused.html);
    assert.ok(ms, 'engine time in µs');
    assert.equal(Number(ms![1]), Number((row.engineMs! * 1000).toPrecision(3)));
  });

  test('a layer that ran wider than planned gets a warning mark with the tooltip; as-planned rows none', () => {
    const sort = nextSort(DEFAULT_SORT, 'enginePrecision');
    const rows = renderedRows(table(sortRows(trtRows, sort), true, sort));
    const marked = rows.filter((r) => r.html.includes('class="wider-mark"'));
    assert.deepEqual(new Set(marked.map((r) => r.id)), new Set(wider.keys()), 'exactly the three, sorted first');
    assert.deepEqual(rows.slice(0, 3).map((r) => r.id).sort(), [...wider.keys()].sort());
    const fp32 = marked.find((r) => wider.get(r.id) === 'fp32')!;
    assert.ok(unescape(fp32.html).includes(`<span class="ran-as wider" title="${INT8_FP32}"><span class="badge p-fp32">FP32</span>`));
    assert.ok(rows.slice(3).every((r) => !r.html.includes('wider')));
  });

  test('sorting: "Ran as" puts wider-than-planned first, rows without an engine layer last; engine ms and engine layer sort', () => {
    const rows = trtRows.map((r, i) => (i === 5 ? { ...r, engineLayer: null, enginePrecision: null, engineMs: null } : r));
    const byRanAs = sortRows(rows, nextSort(DEFAULT_SORT, 'enginePrecision'));
    assert.deepEqual(byRanAs.slice(0, 3).map((r) => r.id).sort(), [...wider.keys()].sort());
    assert.equal(byRanAs.at(-1)!.index, 5);
    const slowest = sortRows(rows, nextSort(DEFAULT_SORT, 'engineMs'));
    assert.equal(slowest[0].engineMs, Math.max(...rows.map((r) => r.engineMs ?? 0)), 'slowest first');
    const byName = sortRows(rows, { key: 'engineLayer', direction: 'asc' });
    assert.ok(byName[0].engineLayer!.localeCompare(byName[1].engineLayer!) <= 0);
    assert.ok(byName.at(-2)!.engineLayer!.localeCompare(byName.at(-3)!.engineLayer!) >= 0);
  });

  test('fused rows keep "fused" in their metric cells and still name their engine layer', () => {
    const fusedRows = trtRows.filter((r) => r.mse === null && r.cosineSimilarity === null);
    assert.equal(fusedRows.length, 2);
    const html = table(fusedRows, true);
    assert.equal((html.match(/class="num fused"/g) ?? []).length, 2 * 6);
    for (const r of fusedRows) assert.ok(unescape(html).includes(`<span class="clip">${r.engineLayer}</span>`));
  });
});

describe('filter: only layers that ran wider than planned', () => {
  test('filterRows keeps exactly them, against the built precision (a staged change does not hide them)', () => {
    const filter = { ...EMPTY_FILTER, widerThanPlanned: true };
    assert.deepEqual(new Set(filterRows(trtRows, filter).map((r) => r.id)), new Set(wider.keys()));
    const stagedFp32 = Object.fromEntries([...wider.keys()].map((id) => [id, 'fp32' as const]));
    assert.equal(filterRows(trtRows, filter, (r) => stagedFp32[r.id] ?? r.precision).length, 3);
    assert.equal(filterRows(ortBuild.view.layers, filter).length, 0);
    assert.equal(filterRows(trtRows, EMPTY_FILTER).length, trtRows.length);
  });

  test('the filter bar offers the toggle with the count for TensorRT builds only, and keeps it while it is on', () => {
    const bar = (widerCount: number | null, on = false) => renderToString(<TableFilterBar filter={{ ...EMPTY_FILTER, widerThanPlanned: on }} opTypes={[]} shown={3} total={200} onChange={noop} widerCount={widerCount} />);
    assert.match(text(bar(3)), /⚠ 3 layers ran wider than planned/);
    assert.match(bar(3), /class="chip wider" aria-pressed="false"/);
    assert.match(bar(3, true), /class="chip wider on" aria-pressed="true"/);
    assert.doesNotMatch(bar(null), /wider/);
    assert.doesNotMatch(bar(0), /wider/);
    assert.match(text(bar(0, true)), /0 layers ran wider than planned/);
  });

  test('the overview link opens the layer table filtered to them', () => {
    useWorkbench.setState({ view: 'overview', filter: { ...EMPTY_FILTER, text: 'conv', opTypes: ['Conv'] } });
    showWiderThanPlanned();
    assert.equal(useWorkbench.getState().view, 'layers');
    assert.deepEqual(useWorkbench.getState().filter, { ...EMPTY_FILTER, widerThanPlanned: true });
  });
});

describe('overview: count next to "Ran on"', () => {
  test('TensorRT build: "3 layers ran wider than planned", a link when the table can be filtered', () => {
    const plain = text(renderToString(<Overview build={trtBuild} />));
    assert.match(plain, /Ran on TensorRT 10\.16\.1 engine 2 layers fused inside engine layers \(no output to compare\) ⚠ 3 layers ran wider than planned Precision INT8/);
    const linked = renderToString(<Overview build={trtBuild} onShowWider={noop} />);
    assert.match(linked, /<button type="button" class="link warn">3 layers ran wider than planned<\/button>/);
  });
  test('none wider: said so; ONNX Runtime builds: nothing', () => {
    const asPlanned: BuildSummary = { ...trtBuild, view: { ...trtBuild.view, layers: trtRows.map((r) => ({ ...r, enginePrecision: r.precision })) } };
    const html = text(renderToString(<Overview build={asPlanned} onShowWider={noop} />));
    assert.match(html, /No layer ran wider than planned/);
    assert.doesNotMatch(html, /\d layers? ran wider/);
    const ort = text(renderToString(<Overview build={ortBuild} onShowWider={noop} />));
    assert.doesNotMatch(ort, /wider/);
    const ortWithStrayFields: BuildSummary = { ...ortBuild, view: { ...ortBuild.view, layers: trtRows } };
    assert.doesNotMatch(text(renderToString(<Overview build={ortWithStrayFields} />)), /wider/, 'only TensorRT builds are checked');
  });
});

describe('layer detail: TensorRT block', () => {
  const fp32Id = [...wider].find(([, p]) => p === 'fp32')![0];
  const row = trtRows.find((r) => r.id === fp32Id)!;
  const detail = trtDemo.details[fp32Id];
  const props = { layerId: row.id, row, loading: false, error: undefined, precision: row.precision, heatmapScaleMax: 0.2, onStage: noop, onOpenLayer: noop, onClose: noop, onRetry: noop };

  test('engine layer, fusion, realized precision with the mismatch warning, average time', () => {
    assert.ok(detail.layer.engine, 'the demo detail carries its engine link');
    const html = renderToString(<LayerDetailPanel {...props} detail={detail} tensorRt />);
    const body = detailText(html);
    assert.match(body, new RegExp(`TensorRT Engine layer ${row.engineLayer!.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} Fusion not fused \\(this node only\\) Ran as FP32 ⚠ planned INT8 ${INT8_FP32.replace(/[()/]/g, '\\$&')} Average time 3\\.1 µs per inference`));
    assert.ok(unescape(html).includes(`title="${INT8_FP32}"`));
  });

  test('a fused engine layer: how many ONNX nodes it computes; its parts one per line', () => {
    const conv = trtRows.find((r) => r.opType === 'Conv' && r.enginePrecision === 'int8' && trtDemo.details[r.id])!;
    const d = trtDemo.details[conv.id];
    assert.equal(d.layer.engine!.fusedNodes, 2);
    const html = renderToString(<LayerDetailPanel {...props} layerId={conv.id} row={conv} detail={d} tensorRt />);
    assert.match(text(html), /Fusion fused with 1 other ONNX node \(2 in this engine layer\) Ran as INT8 planned INT8 Average time/);
    const codes = [...html.matchAll(/<code>(.*?)<\/code>/g)].map((m) => m[1].replace(/<[^>]+>/g, ''));
    assert.deepEqual(codes.filter((c) => c.endsWith('/Conv +') || c.endsWith('/Relu')), conv.engineLayer!.replace(' + ', ' +\n').split('\n'));
    assert.doesNotMatch(html, /wider-mark/);
    const three = { ...d, layer: { ...d.layer, engine: { ...d.layer.engine!, fusedNodes: 3 } } };
    assert.match(text(renderToString(<LayerDetailPanel {...props} layerId={conv.id} row={conv} detail={three} tensorRt />)), /fused with 2 other ONNX nodes \(3 in this engine layer\)/);
  });

  test('before the detail loads: from the row (fusion unknown); no engine layer: said so', () => {
    const loading = text(renderToString(<LayerDetailPanel {...props} detail={undefined} loading tensorRt />));
    assert.match(loading, /TensorRT Engine layer .* Fusion – Ran as FP32 ⚠ planned INT8/);
    const none = { ...row, engineLayer: null, enginePrecision: null, engineMs: null };
    const unmapped = text(renderToString(<LayerDetailPanel {...props} row={none} detail={{ ...detail, layer: { ...detail.layer, engine: null } }} tensorRt />));
    assert.match(unmapped, /TensorRT No engine layer maps to this layer/);
  });

  test('ONNX Runtime builds: no TensorRT block', () => {
    const ortRow = ortBuild.view.layers.find((r) => r.id === fp32Id)!;
    const html = text(renderToString(<LayerDetailPanel {...props} row={ortRow} detail={fixtureLayerDetail(ortBuild.view, fp32Id)} />));
    assert.doesNotMatch(html, /TensorRT|Engine layer|Ran as/);
  });
});

describe('demo host: TensorRT builds', () => {
  test('the canned build carries the engine links; a pinned layer runs as pinned, a no-kernel layer stays wider', async () => {
    const data: DemoData = { ...trtDemo, builds: [trtBuild] };
    const c = demoClient(data);
    await c.openSession({ modelPath: '/m.onnx', precision: 'int8', backend: 'tensorrt' });
    const first = await c.build({ sessionId: 'demo-session' });
    assert.equal(widerThanPlannedCount(first.view.layers), 3);
    const [fp32Id, fp16Id] = [[...wider].find(([, p]) => p === 'fp32')![0], [...wider].find(([, p]) => p === 'fp16')![0]];
    const asPlanned = trtRows.find((r) => r.opType === 'Conv' && r.enginePrecision === 'int8')!.id;
    const pins = { [fp32Id]: { precision: 'fp16' as const }, [fp16Id]: { precision: 'fp16' as const }, [asPlanned]: { precision: 'fp16' as const } };
    const next = await c.applyPlanChange({ sessionId: 'demo-session', change: { kind: 'replace', plan: { ...first.plan, layers: pins } } });
    const byId = new Map(next.view.layers.map((r) => [r.id, r]));
    assert.equal(byId.get(asPlanned)!.enginePrecision, 'fp16');
    assert.equal(byId.get(fp16Id)!.enginePrecision, 'fp16');
    assert.equal(byId.get(fp32Id)!.enginePrecision, 'fp32', 'still no kernel: FP32 where FP16 was asked');
    assert.equal(widerThanPlannedCount(next.view.layers), 2);
    const detail = await c.layerDetail({ sessionId: 'demo-session', buildId: next.buildId, layerId: fp32Id });
    assert.equal(detail.layer.engine?.precision, 'fp32');
    assert.equal(detail.layer.precision, 'fp16');
  });
});
