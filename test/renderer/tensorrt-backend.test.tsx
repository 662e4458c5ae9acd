/** @jsxRuntime automatic */
/**
 * The TensorRT backend in the UI: the start screen's backend choice, export's engine option, the TensorRT view's
 * status line and "Show this build's engine", where a build ran (overview, layer table), the store's TensorRT status,
 * and the demo host's answers for the two new service methods.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderToString } from 'react-dom/server';
import { SERVICE_METHODS, type BuildSummary, type TensorRtStatus } from '../../app/contract/service';
import { ClientCallError } from '../../renderer/src/client/client-error';
import { WorkbenchClient } from '../../renderer/src/client/workbench-client';
import { BackendChoice } from '../../renderer/src/components/BackendChoice';
import { ExportDialog } from '../../renderer/src/components/ExportDialog';
import { LayerTable } from '../../renderer/src/components/LayerTable';
import { Overview } from '../../renderer/src/components/Overview';
import { StartScreen } from '../../renderer/src/components/StartScreen';
import { TrtPanel } from '../../renderer/src/components/TrtPanel';
import { DEMO_TENSORRT_STATUS, type DemoData } from '../../renderer/src/host/demo-data';
import { analyse, boot, showBuildEngine } from '../../renderer/src/state/actions';
import { backendLabel, clipText, fusedLayersNote, REASON_MAX_CHARS, tensorRtEngineOf, tensorRtStatusText } from '../../renderer/src/state/backend-logic';
import { exportRequest } from '../../renderer/src/state/export-logic';
import { EMPTY_SELECTION } from '../../renderer/src/state/selection-logic';
import { DEFAULT_SETUP, requestFromForm, type SetupForm } from '../../renderer/src/state/setup-form';
import { useWorkbench } from '../../renderer/src/state/store';
import { DEFAULT_SORT } from '../../renderer/src/state/table-logic';
import { fixtureDemoData } from './fixtures/build-view-fixture';
import { trtFixture } from './fixtures/trt-fixture';
import { FakeTransport, demoClient } from './fixtures/fake-clients';

const AVAILABLE: TensorRtStatus = { available: true, version: '10.16.1', addonFile: '/opt/pwb/native/build/Release/pwb_trt.node', code: null, reason: null };
const UNAVAILABLE: TensorRtStatus = { available: false, version: null, addonFile: null, code: 'TENSORRT_UNAVAILABLE', reason: 'libnvinfer.so.10: cannot open shared object file: No such file or directory' };
const noop = () => undefined;

const demo = fixtureDemoData({ layers: 300 });
const ortBuild = demo.builds[0];
/** The same build as if it ran on a TensorRT 10.16.1 engine that fused 3 layer outputs away (the fixture's 3 rows without metrics). */
const trtBuild: BuildSummary = {
  ...ortBuild,
  view: { ...ortBuild.view, settings: { ...ortBuild.view.settings, emulation: 'TensorRT strongly typed engine', backend: { name: 'tensorrt', version: '10.16.1', layersWithoutOutput: 3 } } },
};
const rowsWithoutOutput = ortBuild.view.layers.filter((r) => r.mse === null && r.cosineSimilarity === null);

function text(html: string): string {
  return html.replace(/<!-- -->/g, '').replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/\s+/g, ' ');
}

/** The opening tag of the first <input> whose attributes match `attribute`. */
function inputTag(html: string, attribute: string): string {
  const tag = [...html.matchAll(/<input[^>]*>/g)].map((m) => m[0]).find((t) => t.includes(attribute));
  assert.ok(tag, `no <input> with ${attribute}`);
  return tag;
}

const isDisabled = (tag: string) => /\sdisabled=""/.test(tag);

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('backend choice on the start screen', () => {
  test('TensorRT unavailable: its option is disabled and a muted line gives the reason', () => {
    const html = renderToString(<BackendChoice value="onnxruntime" tensorRt={UNAVAILABLE} onChange={noop} />);
    assert.ok(isDisabled(inputTag(html, 'value="tensorrt"')), 'the TensorRT radio is disabled');
    assert.ok(!isDisabled(inputTag(html, 'value="onnxruntime"')));
    assert.match(inputTag(html, 'value="onnxruntime"'), /checked=""/);
    const body = text(html);
    assert.match(body, /Backend ONNX Runtime — INT8\/FP16 emulation \(any machine\) TensorRT — real engine on this GPU/);
    assert.match(body, /TensorRT unavailable here: libnvinfer\.so\.10: cannot open shared object file: No such file or directory/);
  });

  test('TensorRT available: its option names the version and can be chosen; no reason line', () => {
    const html = renderToString(<BackendChoice value="tensorrt" tensorRt={AVAILABLE} onChange={noop} />);
    const trt = inputTag(html, 'value="tensorrt"');
    assert.ok(!isDisabled(trt));
    assert.match(trt, /checked=""/);
    assert.match(text(html), /TensorRT 10\.16\.1 — real engine on this GPU/);
    assert.doesNotMatch(text(html), /unavailable/);
  });

  test('a very long reason is clipped inline and kept whole in the tooltip', () => {
    const reason = `dlopen failed: ${'/usr/lib/x86_64-linux-gnu/libnvinfer_plugin.so.10 '.repeat(12)}missing`;
    const html = renderToString(<BackendChoice value="onnxruntime" tensorRt={{ ...UNAVAILABLE, code: 'TRT_CUDA_UNAVAILABLE', reason }} onChange={noop} />);
    const shown = /TensorRT unavailable here: ([^<]*)</.exec(html.replace(/<!-- -->/g, ''))![1];
    assert.equal(shown.length, REASON_MAX_CHARS);
    assert.ok(shown.endsWith('…'));
    assert.ok(html.includes(`title="TRT_CUDA_UNAVAILABLE: ${reason}"`), 'full reason with its code in the title');
  });

  test('before the engine answers, TensorRT is not offered yet', () => {
    const html = renderToString(<BackendChoice value="onnxruntime" tensorRt={null} onChange={noop} />);
    assert.ok(isDisabled(inputTag(html, 'value="tensorrt"')));
    assert.match(text(html), /Checking whether TensorRT is available here…/);
  });

  test('the start screen shows the choice (store not answered yet: checking)', () => {
    const html = text(renderToString(<StartScreen shell={null} />));
    assert.match(html, /Backend ONNX Runtime — INT8\/FP16 emulation \(any machine\) TensorRT — real engine on this GPU Checking whether TensorRT/);
  });
});

describe('setup form → OpenSessionRequest backend', () => {
  const form = (change: Partial<SetupForm>): SetupForm => ({ ...DEFAULT_SETUP, modelPath: '/m.onnx', calibration: { ...DEFAULT_SETUP.calibration, path: '/calib' }, ...change });
  test('ONNX Runtime: no backend field (requests stay as before)', () => {
    const { request } = requestFromForm(form({}), AVAILABLE);
    assert.deepEqual(request, { modelPath: '/m.onnx', precision: 'int8', calibrator: 'entropy', calibration: { kind: 'images', dir: '/calib', limit: 64 } });
    assert.ok(!('backend' in request!));
  });
  test("TensorRT: backend 'tensorrt' in the request", () => {
    const { request, problems } = requestFromForm(form({ backend: 'tensorrt' }), AVAILABLE);
    assert.deepEqual(problems, []);
    assert.equal(request!.backend, 'tensorrt');
  });
  test('FP32 TensorRT reference: only with the TensorRT backend, and only when chosen', () => {
    assert.equal(requestFromForm(form({ backend: 'tensorrt', fp32Reference: 'tensorrt' }), AVAILABLE).request!.fp32Reference, 'tensorrt');
    assert.ok(!('fp32Reference' in requestFromForm(form({ backend: 'tensorrt' }), AVAILABLE).request!));
    assert.ok(!('fp32Reference' in requestFromForm(form({ backend: 'onnxruntime', fp32Reference: 'tensorrt' }), AVAILABLE).request!), 'ignored for ONNX Runtime');
    const withTrt = text(renderToString(<BackendChoice value="tensorrt" tensorRt={AVAILABLE} onChange={noop} fp32Reference="onnxruntime" onFp32ReferenceChange={noop} />));
    assert.match(withTrt, /Compare with an FP32 TensorRT engine/);
    const withOrt = text(renderToString(<BackendChoice value="onnxruntime" tensorRt={AVAILABLE} onChange={noop} fp32Reference="onnxruntime" onFp32ReferenceChange={noop} />));
    assert.doesNotMatch(withOrt, /Compare with an FP32 TensorRT engine/);
  });
  test('TensorRT where it is unavailable: a problem, no request', () => {
    const { request, problems } = requestFromForm(form({ backend: 'tensorrt' }), UNAVAILABLE);
    assert.equal(request, null);
    assert.deepEqual(problems, ['Backend: TensorRT is not available here (libnvinfer.so.10: cannot open shared object file: No such file or directory); choose ONNX Runtime']);
  });
});

describe('export: TensorRT engine option', () => {
  const render = (tensorRt: TensorRtStatus | null) => renderToString(<ExportDialog sessionId="s" buildId={2} shell={null} busy={false} run={async () => ({ outDir: '', files: [], warnings: [] })} tensorRt={tensorRt} />);
  const firstKindCheckbox = (html: string) => inputTag(html, 'type="checkbox"');
  const engineInput = (html: string) => {
    const at = html.indexOf('TensorRT engine (model.engine)');
    assert.ok(at > 0, 'the engine option is shown');
    const before = html.slice(0, at);
    return before.slice(before.lastIndexOf('<input'));
  };
  test('unavailable: disabled, with the reason; the artifact kinds stay as they were', () => {
    const html = render(UNAVAILABLE);
    assert.ok(isDisabled(engineInput(html)));
    assert.match(text(html), /TensorRT engine \(model\.engine\) — built with the TensorRT installed here TensorRT unavailable here: libnvinfer\.so\.10/);
    assert.equal((html.match(/type="checkbox"/g) ?? []).length, 7 + 1 + 1, '7 kinds + engine + overwrite');
    assert.ok(!isDisabled(firstKindCheckbox(html)), 'the kind checkboxes are enabled');
    assert.match(text(html), /Q\/DQ ONNX .* report\.json/);
  });
  test('available: enabled, no reason line', () => {
    const html = render(AVAILABLE);
    assert.ok(!isDisabled(engineInput(html)));
    assert.doesNotMatch(text(html), /unavailable/);
  });
  test('the request: engine:true only when ticked and TensorRT is available; kinds in list order', () => {
    const choices = { sessionId: 's', buildId: 2, outDir: ' out/x ', force: false, kinds: new Set(['plan', 'qdq'] as const), engine: true };
    assert.deepEqual(exportRequest(choices, AVAILABLE), { sessionId: 's', buildId: 2, outDir: 'out/x', force: false, kinds: ['qdq', 'plan'], engine: true });
    assert.ok(!('engine' in exportRequest({ ...choices, engine: false }, AVAILABLE)));
    assert.ok(!('engine' in exportRequest(choices, UNAVAILABLE)));
    assert.ok(!('engine' in exportRequest(choices, null)));
  });
});

describe('TensorRT view: status line and the build engine', () => {
  const panel = (props: Partial<Parameters<typeof TrtPanel>[0]>) => text(renderToString(<TrtPanel result={null} loading={false} error={null} sessionModel="backbone-2k.onnx" onImport={noop} {...props} />));
  test('available: version and addon file', () => {
    assert.match(panel({ tensorRt: AVAILABLE }), /^ ?TensorRT 10\.16\.1 \(addon pwb_trt\.node\) TensorRT artifacts/);
    assert.deepEqual(tensorRtStatusText(AVAILABLE), { text: 'TensorRT 10.16.1 (addon pwb_trt.node)', title: AVAILABLE.addonFile });
  });
  test('unavailable: the reason and what still works', () => {
    assert.match(panel({ tensorRt: UNAVAILABLE }), /TensorRT is not available on this machine \(libnvinfer\.so\.10: cannot open shared object file: No such file or directory\)\. You can still import logs, layer-info\/profile JSON and caches produced elsewhere\./);
  });
  test("\"Show this build's engine\" only for builds that ran on TensorRT", () => {
    assert.equal(tensorRtEngineOf(ortBuild), null);
    const explicitOrt = { ...ortBuild, view: { ...ortBuild.view, settings: { ...ortBuild.view.settings, backend: { name: 'onnxruntime' as const, version: '1.30.0' } } } };
    assert.equal(tensorRtEngineOf(explicitOrt), null);
    assert.equal(tensorRtEngineOf(null), null);
    assert.deepEqual(tensorRtEngineOf(trtBuild), { buildId: 1, version: '10.16.1' });
    assert.doesNotMatch(panel({ tensorRt: AVAILABLE, buildEngine: null }), /Show this build's engine/);
    const offered = renderToString(<TrtPanel result={null} loading={false} error={null} sessionModel="m.onnx" onImport={noop} tensorRt={AVAILABLE} buildEngine={{ buildId: 1, version: '10.16.1', onShow: noop }} />);
    assert.match(text(offered), /TensorRT 10\.16\.1 \(addon pwb_trt\.node\) Show this build's engine/);
    assert.match(offered, /title="Build #1 ran on a TensorRT 10\.16\.1 engine/);
    const whileLoading = renderToString(<TrtPanel result={null} loading error={null} sessionModel="m.onnx" onImport={noop} tensorRt={AVAILABLE} buildEngine={{ buildId: 1, version: '10.16.1', onShow: noop }} />);
    assert.match(whileLoading, /<button type="button" disabled=""[^>]*>Show this build(&#x27;|')s engine/);
  });
  test("a build engine result is labelled as such above the summary", () => {
    const html = panel({ result: trtFixture(), resultOrigin: 'Engine of build #1, built here by TensorRT' });
    assert.match(html, /Engine of build #1, built here by TensorRT \d+ files? imported/);
  });
});

describe('where a build ran', () => {
  test('overview: ONNX Runtime emulation (also for reports without a backend field)', () => {
    assert.equal(ortBuild.view.settings.backend, undefined);
    const html = text(renderToString(<Overview build={ortBuild} />));
    assert.match(html, /Ran on ONNX Runtime emulation Precision INT8/);
    assert.doesNotMatch(html, /fused/);
  });
  test('overview: the TensorRT engine and its fused layers', () => {
    const html = text(renderToString(<Overview build={trtBuild} />));
    assert.match(html, /Ran on TensorRT 10\.16\.1 engine 3 layers fused inside engine layers \(no output to compare\) Precision INT8/);
    assert.equal(fusedLayersNote({ backend: { name: 'tensorrt', version: '10.16.1', layersWithoutOutput: 0 } }), null);
    assert.equal(fusedLayersNote({ backend: { name: 'tensorrt', version: '10.16.1', layersWithoutOutput: 1 } }), '1 layer fused inside engine layers (no output to compare)');
    assert.equal(backendLabel({ backend: { name: 'onnxruntime', version: '1.30.0' } }), 'ONNX Runtime emulation');
  });
  test('layer table: rows without output read "fused" with a tooltip, only for TensorRT builds', () => {
    assert.equal(rowsWithoutOutput.length, 3);
    const table = (fusedOutputs: boolean) =>
      renderToString(<LayerTable rows={rowsWithoutOutput} sort={DEFAULT_SORT} onSort={noop} selection={EMPTY_SELECTION} onSelection={noop} staged={{}} onStage={noop} onOpen={noop} openLayerId={null} initialHeight={400} fusedOutputs={fusedOutputs} />);
    const trt = table(true);
    assert.equal((trt.match(/class="num fused" title="TensorRT fused this layer(&#x27;|')s output away inside an engine layer/g) ?? []).length, 3 * 6, '6 output-metric cells per row');
    assert.equal((text(trt).match(/ fused /g) ?? []).length, 3, '"fused" under SQNR, a dash in the other metric cells');
    const ort = table(false);
    assert.doesNotMatch(ort, /fused/);
    const linked = renderToString(<LayerTable rows={[{ ...rowsWithoutOutput[0], engineLayer: 'conv_50 + relu_50', enginePrecision: 'Int8', engineMs: 0.01 }]} sort={DEFAULT_SORT} onSort={noop} selection={EMPTY_SELECTION} onSelection={noop} staged={{}} onStage={noop} onOpen={noop} openLayerId={null} fusedOutputs />);
    assert.match(linked, /Computed inside engine layer &quot;conv_50 \+ relu_50&quot;\./);
  });
  test('clipText keeps short text and collapses whitespace', () => {
    assert.equal(clipText('  a\n  b  '), 'a b');
    assert.equal(clipText('abcdef', 4), 'abc…');
  });
});

describe('store and actions', () => {
  const transport = new FakeTransport();
  const client = new WorkbenchClient(transport);
  const host = { kind: 'browser' as const, label: 'test', transport, shell: null, startup: async () => ({ modelPath: null, autoOpen: null }) };

  test('boot asks tensorRtStatus once and keeps the answer', async () => {
    await boot(host, client);
    const calls = transport.sent.filter((m) => m.type === 'call' && m.method === 'tensorRtStatus');
    assert.equal(calls.length, 1);
    assert.deepEqual(transport.last('tensorRtStatus').params, {});
    assert.equal(useWorkbench.getState().tensorRt, null);
    transport.deliver({ type: 'result', id: transport.last('tensorRtStatus').id, value: AVAILABLE });
    await tick();
    assert.deepEqual(useWorkbench.getState().tensorRt, AVAILABLE);
  });

  test('a failing tensorRtStatus call counts as unavailable, its message the reason', async () => {
    const other = new FakeTransport();
    await boot({ ...host, transport: other }, new WorkbenchClient(other));
    other.deliver({ type: 'error', id: other.last('tensorRtStatus').id, error: { area: 'transport', code: 'HOST_CRASHED', message: 'The engine stopped while this call was running.' } });
    await tick();
    assert.deepEqual(useWorkbench.getState().tensorRt, { available: false, version: null, addonFile: null, code: 'HOST_CRASHED', reason: 'The engine stopped while this call was running.' });
    // Back to the first client for the next tests.
    await boot(host, client);
  });

  test("the start screen's TensorRT choice reaches openSession as backend:'tensorrt'", async () => {
    const { request } = requestFromForm({ ...DEFAULT_SETUP, modelPath: '/m.onnx', backend: 'tensorrt', calibration: { ...DEFAULT_SETUP.calibration, kind: 'random', count: '8', seed: '1' } }, AVAILABLE);
    const done = analyse(request!);
    const open = transport.last('openSession');
    assert.deepEqual(open.params, { modelPath: '/m.onnx', precision: 'int8', backend: 'tensorrt', calibrator: 'entropy', calibration: { kind: 'random', count: 8, seed: 1 } });
    transport.deliver({ type: 'error', id: open.id, error: { area: 'trt', code: 'TENSORRT_UNAVAILABLE', message: 'no GPU' } });
    assert.equal(await done, false);
    assert.deepEqual(useWorkbench.getState().openRequest?.backend, 'tensorrt', 'kept for reopen and the project file');
  });

  test("showBuildEngine calls trtBuildArtifacts for the current build and shows the result; NOT_A_TENSORRT_BUILD is the view's error", async () => {
    useWorkbench.setState({ session: { ...demo.session, sessionId: 's9' }, builds: { 4: { ...trtBuild, buildId: 4 } }, currentBuildId: 4 });
    const shown = showBuildEngine();
    const call = transport.last('trtBuildArtifacts');
    assert.deepEqual(call.params, { sessionId: 's9', buildId: 4 });
    assert.equal(useWorkbench.getState().jobs.at(-1)?.method, 'trtBuildArtifacts');
    const result = trtFixture();
    transport.deliver({ type: 'result', id: call.id, value: result });
    await shown;
    assert.equal(useWorkbench.getState().trt?.buildId, 4);
    assert.equal(useWorkbench.getState().trt?.result.engines.length, result.engines.length);
    assert.equal(useWorkbench.getState().jobs.length, 0);

    const failing = showBuildEngine();
    transport.deliver({ type: 'error', id: transport.last('trtBuildArtifacts').id, error: { area: 'trt', code: 'NOT_A_TENSORRT_BUILD', message: 'build 4 ran on ONNX Runtime' } });
    await failing;
    assert.equal(useWorkbench.getState().resourceErrors.trt?.code, 'NOT_A_TENSORRT_BUILD');
    assert.equal(useWorkbench.getState().resourceErrors.trt?.during, 'Reading the TensorRT engine of build #4');
  });

  test('the client has a typed method for every service method, sending its own name', () => {
    const fake = new FakeTransport();
    const typed = new WorkbenchClient(fake) as unknown as Record<string, (params: unknown) => Promise<unknown>>;
    for (const method of SERVICE_METHODS) {
      assert.equal(typeof typed[method], 'function', `WorkbenchClient.${method}`);
      typed[method]({}).catch(noop);
      assert.equal((fake.sent.at(-1) as { method: string }).method, method);
    }
  });
});

describe('demo host', () => {
  test('tensorRtStatus: unavailable, marked as demo', async () => {
    const status = await demoClient(demo).tensorRtStatus({});
    assert.deepEqual(status, DEMO_TENSORRT_STATUS);
    assert.equal(status.available, false);
    assert.equal(status.code, 'TENSORRT_UNAVAILABLE');
    assert.match(status.reason!, /^libnvinfer\.so\.10: cannot open shared object file.*demo mode/);
  });

  test('trtBuildArtifacts: NOT_A_TENSORRT_BUILD for an ONNX Runtime build; the canned engine for a TensorRT one', async () => {
    const c = demoClient(demo);
    await c.openSession({ modelPath: '/m.onnx', precision: 'int8' });
    await c.build({ sessionId: 'demo-session' });
    await assert.rejects(c.trtBuildArtifacts({ sessionId: 'demo-session', buildId: 1 }), (e: unknown) => e instanceof ClientCallError && e.code === 'NOT_A_TENSORRT_BUILD' && /ran on ONNX Runtime/.test(e.message));

    const artifacts = trtFixture();
    const trtDemo: DemoData = { ...demo, builds: [trtBuild], trtBuildArtifacts: artifacts };
    const t = demoClient(trtDemo);
    await t.openSession({ modelPath: '/m.onnx', precision: 'int8', backend: 'tensorrt' });
    await t.build({ sessionId: 'demo-session' });
    assert.equal((await t.trtBuildArtifacts({ sessionId: 'demo-session', buildId: 1 })).engines.length, artifacts.engines.length);
  });

  test('exportBuild with engine:true fails like the engine where TensorRT is missing; without it, files as before', async () => {
    const c = demoClient(demo);
    await c.openSession({ modelPath: '/m.onnx', precision: 'int8' });
    await c.build({ sessionId: 'demo-session' });
    await assert.rejects(c.exportBuild({ sessionId: 'demo-session', buildId: 1, outDir: 'out', kinds: ['qdq'], engine: true }), (e: unknown) => e instanceof ClientCallError && e.code === 'TENSORRT_UNAVAILABLE');
    const written = await c.exportBuild({ sessionId: 'demo-session', buildId: 1, outDir: 'out', kinds: ['qdq', 'plan'] });
    assert.deepEqual(written.files.map((f) => f.path), ['out/model.qdq.onnx', 'out/plan.json']);
    const withTrt = demoClient({ ...demo, tensorRt: AVAILABLE });
    await withTrt.openSession({ modelPath: '/m.onnx', precision: 'int8' });
    await withTrt.build({ sessionId: 'demo-session' });
    const engine = await withTrt.exportBuild({ sessionId: 'demo-session', buildId: 1, outDir: 'out', kinds: ['qdq'], engine: true });
    assert.deepEqual(engine.files.map((f) => f.kind), ['qdq', 'engine']);
  });
});
