/** @jsxRuntime automatic */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderToString } from 'react-dom/server';
import type { TrtexecLog } from '../../app/trt/types';
import { CandidateTable, TacticDetail, TacticLogViewer } from '../../renderer/src/components/TacticLogViewer';
import { EngineDiffTable, LayerTimingTable, PrecisionVsPlan } from '../../renderer/src/components/TrtEngineViews';
import { parsePaths, TrtPanel, TrtSummaryCard } from '../../renderer/src/components/TrtPanel';
import { formatLayerTime, formatRatio } from '../../renderer/src/format/units';
import { availableSections, candidateRows, filterTactics, sortTimingRows, speedup, tacticLogs, workbenchLayerIndex } from '../../renderer/src/state/trt-logic';
import { trtFixture } from './fixtures/trt-fixture';

const result = trtFixture();
const planned = trtFixture({ withPlan: true });
const log: TrtexecLog = tacticLogs(result)[0].log;
const [cookbook, fp32, fp16, qat] = result.engines;
const noop = () => undefined;

/** Text content of rendered markup (tags stripped, entities for the few characters React escapes). */
function text(html: string): string {
  return html.replace(/<!-- -->/g, '').replace(/<[^>]+>/g, ' ').replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/\s+/g, ' ');
}

const bodyRows = (html: string) => (html.match(/<tbody>([\s\S]*?)<\/tbody>/)?.[1].match(/<tr(?![^>]*class="pad")[^>]*>/g) ?? []).length;

describe('the fixture is a real import of the shared TensorRT files', () => {
  test('cookbook log: 4,713 lines, 34 tactic searches (incl. Myelin autotuning ops), 2,923 candidates; ResNet-18: 3 engines and one diff', () => {
    assert.equal(log.lineCount, 4713);
    assert.equal(log.tactics.length, 34);
    assert.equal(result.summaries[0].tacticCandidates, 2923);
    assert.deepEqual(result.engines.map((e) => e.layers.length), [6, 32, 36, 37]);
    assert.equal(result.diffs.length, 1);
    assert.equal(result.failures[0].code, 'TRT_JSON_MALFORMED');
    assert.deepEqual(availableSections(result), ['tactics', 'timing', 'precision', 'diff']);
  });
});

describe('TrtSummaryCard', () => {
  const html = text(renderToString(<TrtSummaryCard result={result} />));
  test('counts, the failure with file + code + message', () => {
    assert.match(html, /7 files imported · 4 engines · 1 comparison · 1 failed/);
    assert.match(html, /TRT_JSON_MALFORMED \S*\/broken\/truncated\.profile\.json ?: invalid JSON at line 1, column 39: Unterminated string/);
  });
  test('per-file rows: kind, TRT version, layers, tactics, warnings; profile total time in ms', () => {
    assert.match(html, /nvidia-trt-cookbook-trtexec-trt10\.16\/result-02\.log trtexec-log 10\.16\.1 6 FP16 4 FP32 2 – 32\/34 · 2,923 cand\. 10 0/);
    assert.match(html, /fp32\/resnet\.onnx\.engine\.profile\.json profile-json – 32 – 2\.124 ms/);
    assert.match(html, /qat\/resnet-qat\.onnx\.engine\.graph\.json layer-info-json – 37 INT8 22 FP16 12 FP32 3/);
  });
});

describe('TacticLogViewer (trtexec --verbose, TensorRT 10.16)', () => {
  const html = renderToString(<TacticLogViewer file={tacticLogs(result)[0].file} log={log} />);
  const body = text(html);
  test('log facts and the list of 34 tactic searches', () => {
    assert.match(body, /4,713 lines · TensorRT 10\.16\.1 · FP32\+FP16 · 3 builder passes · 34 tactic searches \(32 with a chosen tactic\) · 2,923 candidates/);
    assert.match(body, /34 of 34/);
    assert.equal((html.match(/data-tactic-key=/g) ?? []).length, 34);
  });
  test('the first layer: its chosen tactic and time, the kept combination open with its 32 candidates sorted by time', () => {
    assert.match(body, /node_conv2d \+ node_relu line 555 · builder pass 1 · 10 format combinations/);
    assert.match(body, /Chosen tactic 0x98e92db98836b738 · CaskConvolution · 5\.22 µs/);
    assert.match(body, /sm80_xmma_fprop_implicit_gemm_indexed_wo_smem_f16f16_f16f16_f16_nhwckrsc_nhwc_tilesize128x16x64/);
    assert.match(body, /Half\(784,1:2,28,1\) -> Half\(12544,1:2,448,16\) 32 candidates · chosen 5\.22 µs kept/);
    // Only the kept combination is expanded: one candidate table of 32 rows, the chosen (and fastest) first.
    const table = html.slice(html.indexOf('aria-label="Candidates"'));
    assert.equal(bodyRows(table), 32);
    assert.match(text(table), /^[^#]*# Tactic Time vs fastest Runner Kernel 1 0x98e92db98836b738 chosen 5\.22 µs ×1\.00 CaskConvolution\[0x80000009\] \S+ 2 0xece74e31d6ab911a 5\.26 µs ×1\.01 /);
    assert.match(table, /<tr class="chosen" aria-selected="true">/);
    assert.equal((table.match(/class="chosen"/g) ?? []).length, 1);
  });
  test('warnings with line numbers', () => {
    assert.match(body, /Warnings and errors: 10 warnings , 0 errors/);
    assert.match(body, /315 warning ModelImporter\.cpp:994: Make sure output z has Int64 binding\./);
    assert.match(body, /320 warning Could not read cache from: model-trained\.TimingCache/);
  });
  test('filter by layer name: "max_pool" keeps the 6 pooling searches (2 layers × 3 passes)', () => {
    assert.equal(filterTactics(log.tactics, { text: 'MAX_POOL', pass: null }).length, 6);
    assert.equal(filterTactics(log.tactics, { text: 'max_pool', pass: 2 }).length, 2);
    const filtered = text(renderToString(<TacticLogViewer file="x.log" log={log} initialFilter="max_pool" />));
    assert.match(filtered, /6 of 34/);
    assert.match(filtered, /Chosen tactic 0xdd39499496c9cc38 · CaskPooling · 2\.95 µs/);
  });
  test('a timing-cache pass shows the cached choice without candidates', () => {
    const cached = log.tactics.find((t) => t.pass === 2 && t.name === 'node_max_pool2d')!;
    assert.match(text(renderToString(<TacticDetail tactics={cached} />)), /timing cache .*Chosen from the timing cache: 0xdd39499496c9cc38 at 2\.95 µs/);
  });
  test('374 candidates: ratios to the fastest, and only the visible rows in the DOM (virtualized)', () => {
    const big = log.tactics[0].combinations.find((c) => c.candidates.length === 374)!;
    const rows = candidateRows(big);
    assert.equal(rows[0].ratio, 1);
    assert.equal(rows[0].tactic, '0xa5a46bfbd719d757');
    assert.ok(rows.every((r, i) => i === 0 || r.timeMs === null || r.timeMs >= rows[i - 1].timeMs!));
    assert.equal(rows.filter((r) => r.chosen).length, 1);
    const html374 = renderToString(<CandidateTable rows={rows} />);
    assert.match(html374, /aria-rowcount="374"/);
    const rendered = bodyRows(html374);
    assert.ok(rendered > 5 && rendered < 40, `rendered ${rendered} of 374 rows`);
    assert.match(text(html374), /0xa5a46bfbd719d757 chosen 6\.18 µs ×1\.00/);
  });
});

describe('LayerTimingTable (ResNet-18 FP32, A100 profile)', () => {
  const html = text(renderToString(<LayerTimingTable engine={fp32} />));
  test('total, layer count, slowest layer first with its share', () => {
    assert.match(html, /2\.124 ms total per inference 32 engine layers \(32 timed\)/);
    assert.match(html, /Avg time ▼ Share of total Tactic 1 Conv_0 \+ Relu_1 CaskConvolution FP32 0\.522 ms 24\.6 % ampere_scudnn_128x64_relu_xregs_large_nn_v1/);
  });
  test('top-N and sorting', () => {
    assert.equal(bodyRows(renderToString(<LayerTimingTable engine={fp32} initialTopN={10} />)), 10);
    assert.match(text(renderToString(<LayerTimingTable engine={fp32} initialTopN={10} />)), /Top 10 of 32 layers; the top 10 take 67\.8 % of the total/);
    const byName = sortTimingRows(fp32.layers, { key: 'name', direction: 'asc' });
    assert.equal(byName[0].name, 'Conv_0 + Relu_1');
    const byIndex = sortTimingRows(fp16.layers, { key: 'index', direction: 'asc' });
    assert.equal(byIndex[0].name, 'Reformatting CopyNode for Input Tensor 0 to Conv_0 + Relu_1');
  });
});

describe('PrecisionVsPlan', () => {
  test('without a plan: realized precision, match methods, coverage, and how to get a plan check', () => {
    const html = text(renderToString(<PrecisionVsPlan engine={qat} workbenchLayers={new Map()} sessionOpen={false} />));
    assert.match(html, /37 \/ 37 \(100 %\) engine layers mapped to ONNX nodes \(parsed names, no model to check\)/);
    assert.match(html, /exact name 13 fused part 21 reformat 3/);
    assert.match(html, /No plan check: open the model on the Start screen/);
    assert.match(html, /conv1\.weight \+ QuantizeLinear_7 \+ Conv_9 INT8 fused part conv1\.weight , QuantizeLinear_7 , Conv_9/);
  });
  test('with the plan (every Conv and Gemm INT8) on the FP32 engine: 21 layers planned INT8 run in FP32, workbench layers clickable', () => {
    const engine = planned.engines[1];
    const layers = workbenchLayerIndex(engine, [{ id: 'layer:Conv_0', name: 'Conv_0' }]);
    assert.equal(layers.get('Conv_0'), 'layer:Conv_0');
    const html = renderToString(<PrecisionVsPlan engine={engine} workbenchLayers={layers} onOpenLayer={noop} sessionOpen />);
    const body = text(html);
    assert.match(body, /32 \/ 32 \(100 %\) engine layers mapped to ONNX nodes \(checked against the model\)/);
    assert.match(body, /Plan check of 21 planned layers: 0 as planned · 21 higher precision/);
    assert.match(body, /21 layers planned INT8 run in FP32/);
    assert.match(body, /Conv_0 → Conv_0 \+ Relu_1 FP32/);
    assert.match(html, /<button type="button" class="link" title="Open workbench layer layer:Conv_0">Conv_0<\/button>/);
    // 20 Convs + the FC Gemm run in 22 engine layers (Gemm_48 and reshape_after_Gemm_48): every one is highlighted.
    const flaggedLayers = new Set(engine.planCheck!.fp32WhereInt8.flatMap((r) => r.realized.map((x) => x.engineLayer)));
    assert.equal(flaggedLayers.size, 22);
    assert.equal((html.match(/<tr class="flagged">/g) ?? []).length, 22, 'every engine layer running a planned-INT8 Conv in FP32 is highlighted');
  });
  test('FP16 engine under the same plan: no FP32-where-INT8, 21 other higher-precision layers', () => {
    const body = text(renderToString(<PrecisionVsPlan engine={planned.engines[2]} workbenchLayers={new Map()} sessionOpen />));
    assert.match(body, /No layer planned INT8 runs in FP32\. 21 other layers run in a higher precision than planned/);
  });
});

describe('EngineDiffTable (ResNet-18 FP32 / FP16 / QAT)', () => {
  const html = text(renderToString(<EngineDiffTable diff={result.diffs[0]} />));
  test('matched layers with time, precision and speed-up per engine', () => {
    assert.match(html, /23 matched layers · reference: fp32\/resnet\.onnx\.engine/);
    assert.match(html, /Conv_0 \+ Relu_1 op \+ shape FP32 0\.522 ms FP16 0\.112 ms ×4\.68 INT8 0\.202 ms ×2\.59/);
    assert.match(html, /MaxPool_2 op \+ shape FP32 93\.2 µs FP16 62\.5 µs ×1\.49 FP32 95\.2 µs ×0\.98/);
  });
  test('engine totals and their speed-up', () => {
    assert.match(html, /Engine total 2\.124 ms 1\.017 ms ×2\.09 1\.096 ms ×1\.94/);
    assert.equal(speedup(fp32.totalTimeMs, fp16.totalTimeMs)!.toFixed(3), '2.089');
  });
});

describe('TrtPanel', () => {
  test('with a result: summary, section tabs, the first section (tactic log); a session named', () => {
    const html = text(renderToString(<TrtPanel result={result} loading={false} error={null} sessionModel="resnet18.onnx" initialPaths={['/a/x.log', '/a/y']} onImport={noop} pickFile={async () => null} />));
    assert.match(html, /Browse… Import/);
    assert.match(html, /Engine layers are mapped to resnet18\.onnx and checked against its current precision plan/);
    assert.match(html, /Tactic log Layer timing Precision vs plan Engine diff/);
    assert.match(html, /Chosen tactic 0x98e92db98836b738/);
    assert.ok(html.includes('/a/x.log /a/y'), 'the last paths pre-fill the field');
  });
  test('sections by name; the engine picker lists every engine', () => {
    const html = text(renderToString(<TrtPanel result={result} loading={false} error={null} sessionModel={null} onImport={noop} initialSection="timing" initialEngine={3} />));
    assert.match(html, /1\.096 ms total per inference 37 engine layers/);
    assert.ok(result.engines.every((e) => html.includes(e.label)));
    assert.ok(cookbook.label.endsWith('result-02'));
  });
  test('loading and error states', () => {
    assert.match(text(renderToString(<TrtPanel result={null} loading error={null} sessionModel={null} onImport={noop} />)), /Loading TensorRT artifacts…/);
    const failed = text(renderToString(<TrtPanel result={null} loading={false} error={{ code: 'TRT_PATH_NOT_FOUND', message: "'/x' does not exist", during: 'Importing TensorRT artifacts' }} sessionModel={null} onImport={noop} />));
    assert.match(failed, /TRT_PATH_NOT_FOUND Importing TensorRT artifacts: '\/x' does not exist/);
  });
  test('paths: one per line, blanks dropped', () => {
    assert.deepEqual(parsePaths(' /a/b.log \n\n/c/d\r\n'), ['/a/b.log', '/c/d']);
  });
});

describe('units of the TensorRT view', () => {
  test('µs below 0.1 ms, ms above; ratios', () => {
    assert.equal(formatLayerTime(0.00521567), '5.22 µs');
    assert.equal(formatLayerTime(0.093184), '93.2 µs');
    assert.equal(formatLayerTime(0.52224), '0.522 ms');
    assert.equal(formatLayerTime(2.1237760000000008), '2.124 ms');
    assert.equal(formatLayerTime(undefined), '–');
    assert.equal(formatRatio(4.679), '×4.68');
    assert.equal(formatRatio(12.34), '×12.3');
  });
});
