/** @jsxRuntime automatic */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderToString } from 'react-dom/server';
import { BuildDiffView } from '../../renderer/src/components/BuildDiffView';
import { HostCrashBanner } from '../../renderer/src/components/Banners';
import { EmptyState, ErrorState } from '../../renderer/src/components/EmptyState';
import { ExportDialog } from '../../renderer/src/components/ExportDialog';
import { TrtLinkCard } from '../../renderer/src/components/ExportScreen';
import { HeatmapPanel } from '../../renderer/src/components/HeatmapScreen';
import { HistoryTable } from '../../renderer/src/components/HistoryScreen';
import { JobRow } from '../../renderer/src/components/JobBar';
import { LayerDetailPanel } from '../../renderer/src/components/LayerDetailPanel';
import { LayerTable } from '../../renderer/src/components/LayerTable';
import { Overview } from '../../renderer/src/components/Overview';
import { StartScreen } from '../../renderer/src/components/StartScreen';
import { TrtPanel } from '../../renderer/src/components/TrtPanel';
import { formatCosine } from '../../renderer/src/format/units';
import { EMPTY_SELECTION } from '../../renderer/src/state/selection-logic';
import { DEFAULT_SORT, sortRows } from '../../renderer/src/state/table-logic';
import { fixtureDemoData, fixtureLayerDetail } from './fixtures/build-view-fixture';

const demo = fixtureDemoData({ layers: 2000 });
const build = demo.builds[0];
const view = build.view;
const noop = () => undefined;

/** Text content of rendered markup (tags stripped, entities for the few characters React escapes). */
function text(html: string): string {
  return html.replace(/<!-- -->/g, '').replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/\s+/g, ' ');
}

function renderTable(rows = sortRows(view.layers, DEFAULT_SORT), sort = DEFAULT_SORT) {
  return renderToString(
    <LayerTable rows={rows} sort={sort} onSort={noop} selection={EMPTY_SELECTION} onSelection={noop} staged={{}} onStage={noop} onOpen={noop} openLayerId={null} initialHeight={560} />,
  );
}

describe('LayerTable (2,000-layer fixture)', () => {
  const sorted = sortRows(view.layers, DEFAULT_SORT);
  const html = renderTable(sorted);
  const renderedIds = [...html.matchAll(/data-layer-id="([^"]+)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));

  test('renders only the visible window of rows (virtualized), in sorted order', () => {
    assert.ok(renderedIds.length > 15 && renderedIds.length < 60, `rendered ${renderedIds.length} rows`);
    assert.deepEqual(renderedIds, sorted.slice(0, renderedIds.length).map((r) => r.id));
    assert.match(html, /aria-rowcount="2000"/);
  });

  test('the sorted column is marked and carries the colour scale, strongest on the worst row', () => {
    assert.match(html, /aria-sort="ascending"[^>]*>SQNR/);
    const tints = [...html.matchAll(/background:rgba\(230, 80, 40, ([\d.]+)\)/g)].map((m) => Number(m[1]));
    assert.ok(tints.length >= 1);
    assert.equal(tints[0], 0.6, 'the worst row gets the full tint');
    for (let i = 1; i < tints.length; i++) assert.ok(tints[i] <= tints[i - 1], 'tints fall with the sort order');
  });

  test('numbers carry units', () => {
    const first = sorted[0];
    const body = text(html);
    assert.ok(body.includes(`${first.sqnrDb!.toFixed(1)} dB`), 'SQNR in dB');
    assert.match(body, /\d+\.\d{2} %/, 'relative error and saturation in %');
  });

  test('a different sort column moves the tint and the order', () => {
    const byRel = sortRows(view.layers, { key: 'relL2Error', direction: 'desc' });
    const other = renderTable(byRel, { key: 'relL2Error', direction: 'desc' });
    assert.match(other, /aria-sort="descending"[^>]*>Rel\. L2/);
    assert.equal(/data-layer-id="([^"]+)"/.exec(other)![1].replace(/&amp;/g, '&'), byRel[0].id);
  });

  test('no rows → an empty state instead of a table', () => {
    const empty = renderTable([]);
    assert.match(text(empty), /No layers match/);
    assert.doesNotMatch(empty, /role="grid"/);
  });
});

describe('Overview', () => {
  const html = text(renderToString(<Overview build={build} />));
  test('shows final-output metrics with units, agreement and timings', () => {
    const logits = view.outputs[0].metrics!;
    assert.ok(html.includes(`${logits.sqnrDb!.toFixed(1)} dB`));
    assert.ok(html.includes(formatCosine(logits.cosineSimilarity)) && formatCosine(logits.cosineSimilarity) === '0.99638');
    assert.ok(html.includes(`${(view.classification!.top1Agreement * 100).toFixed(1)} % top-1 agreement with FP32`));
    assert.match(html, /9\.02 s \(materialize 412 ms, compare 8\.43 s\)/);
    assert.match(html, /Layers 2,000 · INT8 2,000 · FP16 0 · FP32 0/);
    assert.match(html, /Warnings \(2\)/);
    assert.match(html, /images float32 \[1×3×640×640\]/);
    assert.match(html, /Conv 1,398 1,398/);
  });
  test('without a build: an empty state', () => {
    assert.match(text(renderToString(<Overview build={null} />)), /No build yet/);
  });
});

describe('states and banners', () => {
  test('errors show their code and message', () => {
    const html = text(renderToString(<ErrorState error={{ code: 'MODEL_UNREADABLE', message: "model.onnx: not an ONNX file", during: 'Opening the model' }} />));
    assert.match(html, /MODEL_UNREADABLE Opening the model: model\.onnx: not an ONNX file/);
  });
  test('a host crash says what happened and offers Reopen', () => {
    const html = text(renderToString(<HostCrashBanner message="The engine stopped (killed by SIGKILL) — restarted; reopen the model" canReopen onReopen={noop} onDismiss={noop} />));
    assert.match(html, /The engine stopped \(killed by SIGKILL\) — restarted; reopen the model Reopen/);
  });
  test('jobs show phase, a determinate bar and Cancel', () => {
    const html = renderToString(<JobRow job={{ callId: 4, method: 'build', label: 'Building', progress: { phase: 'compare', done: 3, total: 12 }, startedAt: 0, cancellable: true }} onCancel={noop} />);
    assert.match(html, /aria-valuenow="25"/);
    assert.match(html, /width:25\.0%/);
    assert.match(text(html), /Building compare 3\/12 Cancel/);
  });
  test('empty states render title and body', () => {
    assert.match(text(renderToString(<EmptyState title="Nothing">Do this</EmptyState>)), /Nothing Do this/);
  });
});

describe('LayerDetailPanel', () => {
  const row = sortRows(view.layers.filter((r) => r.role === 'weighted'), DEFAULT_SORT)[0];
  const detail = fixtureLayerDetail(view, row.id);
  const props = { layerId: row.id, row, loading: false, error: undefined, precision: row.precision, heatmapScaleMax: 0.2, onStage: noop, onOpenLayer: noop, onClose: noop, onRetry: noop };

  test('has the output, calibration, per-channel and weight charts (recharts draws their SVG after mount)', () => {
    const html = renderToString(<LayerDetailPanel {...props} detail={detail} />);
    const body = text(html);
    assert.equal((html.match(/class="recharts-wrapper"/g) ?? []).length, 4);
    assert.match(body, /Output values: FP32 vs reduced/);
    assert.match(body, /amax \d/);
    assert.match(body, /saturated \d+\.\d{2} %/);
    assert.match(body, /channel below 1 % of the largest range|channels below 1 % of the largest range/);
    assert.match(body, /Producers \(1\)/);
    assert.match(body, /Consumers \(2\)/);
    assert.ok(body.includes(`${row.sqnrDb!.toFixed(1)} dB`));
  });

  test('staged precision is flagged; loading and error states', () => {
    const staged = text(renderToString(<LayerDetailPanel {...props} detail={undefined} loading precision="fp16" />));
    assert.match(staged, /staged — rebuild to apply/);
    assert.match(staged, /Loading histograms/);
    const failed = text(renderToString(<LayerDetailPanel {...props} detail={undefined} error={{ code: 'NOT_IN_DEMO', message: 'no detail' }} />));
    assert.match(failed, /NOT_IN_DEMO no detail Retry/);
    assert.match(failed, /Not measured yet/);
  });
});

describe('HeatmapPanel', () => {
  test('renders a canvas (not DOM cells) and a legend up to scaleMax', () => {
    const heatmap = demo.heatmaps['1'];
    const html = renderToString(<HeatmapPanel data={heatmap} rows={view.layers} theme="dark" onOpen={noop} />);
    assert.equal((html.match(/<canvas/g) ?? []).length, 1);
    assert.match(text(html), new RegExp(`≥ ${(heatmap.scaleMax * 100).toFixed(2)} %`));
    assert.match(html, /2000 layers × 64 channel buckets/);
    assert.match(html, /linear-gradient/);
  });
});

describe('history and diff', () => {
  test('history lists builds with their plan and worst-output metrics', () => {
    const history = demo.builds.map((b) => ({ buildId: b.buildId, plan: b.plan, timingsMs: b.timingsMs, outputs: b.view.outputs }));
    const html = text(renderToString(<HistoryTable history={history} currentBuildId={2} from={1} to={2} onFrom={noop} onTo={noop} onShow={noop} />));
    assert.match(html, /#1 default INT8/);
    assert.match(html, /#2 \(shown\) default INT8, 8 → FP16/);
    assert.match(html, /\d+\.\d dB/);
  });

  test('the diff lists changed-precision layers first with signed dB deltas', () => {
    const before = demo.builds[0].view;
    const after = demo.builds[1].view;
    const layers = after.layers.map((r, i) => ({
      id: r.id, precisionBefore: before.layers[i].precision, precisionAfter: r.precision, sqnrDbBefore: before.layers[i].sqnrDb, sqnrDbAfter: r.sqnrDb,
      sqnrDeltaDb: r.sqnrDb !== null && before.layers[i].sqnrDb !== null ? r.sqnrDb - before.layers[i].sqnrDb! : null, cosineBefore: before.layers[i].cosineSimilarity, cosineAfter: r.cosineSimilarity,
    }));
    const diff = { layers, outputs: [{ name: 'logits', sqnrDbBefore: 21.4, sqnrDbAfter: 26.5, cosineBefore: 0.996, cosineAfter: 0.999 }], top1AgreementBefore: 0.89, top1AgreementAfter: 0.95, changedPrecision: layers.filter((l) => l.precisionBefore !== l.precisionAfter).map((l) => l.id) };
    const names = new Map(after.layers.map((r) => [r.id, r.name]));
    const body = text(renderToString(<BuildDiffView diff={diff} fromBuildId={1} toBuildId={2} names={names} onOpen={noop} />));
    assert.match(body, /8 layers changed precision/);
    assert.match(body, /\+5\.1 dB/);
    assert.match(body, /top-1 agreement 89\.0 % → 95\.0 %/);
    const firstChanged = body.indexOf('INT8 → FP16');
    assert.ok(firstChanged > 0 && firstChanged < body.indexOf('+3.2 dB'), 'changed-precision rows come before moved ones');
  });
});

describe('export and TensorRT panel', () => {
  test('the export dialog lists written files with sizes', () => {
    const result = { outDir: '/out', files: [{ kind: 'qdq', path: '/out/m.qdq.onnx', bytes: 9_412_331 }, { kind: 'trtexec', path: '/out/trtexec.sh', bytes: 1_904 }], warnings: ['fp16: skipped'] };
    const html = text(renderToString(<ExportDialog sessionId="s" buildId={3} shell={null} busy={false} run={async () => result} initialResult={result} tensorRt={null} />));
    assert.match(html, /Export build #3/);
    assert.match(html, /qdq \/out\/m\.qdq\.onnx 9\.0 MB/);
    assert.match(html, /trtexec \/out\/trtexec\.sh 1\.9 KB/);
    assert.match(html, /fp16: skipped/);
    assert.doesNotMatch(html, /Choose…/, 'no folder dialog in browser mode');
  });
  test('the export screen links to the TensorRT view; the view starts empty and says what to import', () => {
    assert.match(text(renderToString(<TrtLinkCard onOpen={noop} />)), /Built it with TensorRT\? .* Open the TensorRT view →/);
    const empty = text(renderToString(<TrtPanel result={null} loading={false} error={null} sessionModel={null} onImport={noop} />));
    assert.match(empty, /No TensorRT artifacts imported/);
    assert.match(empty, /No model open: layers are mapped by name only/);
    assert.doesNotMatch(empty, /Browse…/, 'no file dialog in browser mode');
  });
});

describe('StartScreen', () => {
  test('browser mode: path fields, no dialogs; every data kind and the preview action', () => {
    const html = text(renderToString(<StartScreen shell={null} />));
    assert.match(html, /ONNX file/);
    assert.doesNotMatch(html, /Open…|Browse…/);
    assert.match(html, /Image folder .npz file .npy file Random/);
    assert.match(html, /Preview a sample Analyse/);
    assert.match(html, /Infer from the model input/);
  });
  test('desktop mode offers Open… and Browse…', () => {
    const shell = { openModelDialog: async () => null, openFolderDialog: async () => null, saveFolderDialog: async () => null, recentFiles: async () => [], openPath: async () => undefined };
    const html = text(renderToString(<StartScreen shell={shell} />));
    assert.match(html, /Open…/);
    assert.match(html, /Browse…/);
  });
});
