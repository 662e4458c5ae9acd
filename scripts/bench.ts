/**
 * `npm run bench`: analysis cost against bare ONNX Runtime inference, measured in the same run.
 *   ratio <model> <analysis time ÷ time of the same number of bare FP32 + INT8 inferences>
 *   rss <model> <samples> <peak MB>            (analysis in a fresh process, for 8 and 32 samples)
 * Bare inference: ORT session defaults, inputs already in memory, the original model for FP32 and the same Q/DQ
 * model the analysis runs (without captured outputs, Q/DQ fusion off, weights pre-dequantized as in the
 * analysis) for INT8. The analysis time includes
 * decoding the images, calibration, both variants, every metric and the report.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { encodeModel } from '../app/onnx/encode';
import { materializePlan } from '../app/precision/materialize';
import { parseTarget } from '../app/precision/pin-search';
import { defaultPlan, resolvePlan } from '../app/precision/plan';
import { AnalysisSession, analyzeModel, type AnalyzeOptions } from '../main/engine/analyze';
import { pinLayers } from '../app/precision/plan-edit';
import { OrtRunner } from '../main/engine/ort-runner';
import { resolveInputSpecs } from '../main/engine/input-specs';
import { openSampleSource } from '../main/data/sample-sources';
import type { Sample } from '../main/data/types';
import { loadModel } from '../main/io/model-file';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const data = path.resolve(root, '../shared/data');

interface BenchCase {
  name: string;
  /** Final-output target for the pin search. */
  target: string;
  options: (samples: number) => AnalyzeOptions;
}

const imagenet = path.join(data, 'images/calib');
export const CASES: BenchCase[] = [
  {
    name: 'ppocrv4_det',
    target: 'cosine>=0.99',
    options: (samples) => ({
      modelPath: path.join(data, 'models/ppocrv4_det.onnx'),
      precision: 'int8',
      inputShapes: { x: [1, 3, 640, 640] },
      calibration: { kind: 'images', dir: imagenet, limit: samples, preprocess: { resize: { width: 640, height: 640 }, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] } },
    }),
  },
  {
    name: 'yolox_nano',
    target: 'cosine>=0.99',
    options: (samples) => ({
      modelPath: path.join(data, 'models/yolox_nano.onnx'),
      precision: 'int8',
      calibration: { kind: 'images', dir: imagenet, limit: samples, preprocess: { scale: 'byte', channelOrder: 'BGR', resize: { width: 416, height: 416 } } },
    }),
  },
];

async function bareInferenceMs(options: AnalyzeOptions): Promise<number> {
  const loaded = await loadModel(options.modelPath);
  const specs = resolveInputSpecs(loaded.graph, options.inputShapes);
  const source = await openSampleSource(options.calibration!, specs);
  const samples: Sample[] = [];
  for await (const s of source.samples()) samples.push(s);
  const { resolved } = resolvePlan(defaultPlan('int8'), loaded.layers);
  // Any positive range gives the same graph and the same amount of work as the calibrated one.
  const int8 = materializePlan(loaded.proto, loaded.graph, resolved, () => 4, { weights: 'dequantized-float' }).model;
  // INT8 keeps its Q/DQ as written (ORT's default QDQ fusion builds an invalid graph for opset < 13 models, see
  // ort-runner.ts); FP32 gets ORT's defaults.
  const sessions = [
    await ort.InferenceSession.create(loaded.bytes, { logSeverityLevel: 3 }),
    await ort.InferenceSession.create(encodeModel(int8), { logSeverityLevel: 3, extra: { session: { disable_quant_qdq: '1' } } }),
  ];
  const feeds = samples.map((s) => Object.fromEntries(Object.entries(s.feeds).map(([k, t]) => [k, new ort.Tensor(t.dataType as ort.Tensor.Type, t.data as ort.Tensor.DataType, t.dims)])));
  for (const session of sessions) await session.run(feeds[0]); // warm-up, not timed (the analysis pays its own)
  const start = performance.now();
  for (const session of sessions) for (const f of feeds) await session.run(f);
  const elapsed = performance.now() - start;
  for (const session of sessions) await session.release();
  return elapsed;
}

async function ratio(c: BenchCase, samples: number): Promise<void> {
  const options = c.options(samples);
  // This VM's speed drifts by up to 2× over minutes: bare inference is timed before and after the analysis and
  // the mean is the denominator.
  const bareBefore = await bareInferenceMs(options);
  const start = performance.now();
  const report = await analyzeModel(options);
  const analysis = performance.now() - start;
  const bareAfter = await bareInferenceMs(options);
  const bare = (bareBefore + bareAfter) / 2;
  console.log(`ratio ${c.name} ${(analysis / bare).toFixed(2)}`);
  console.error(`  ${c.name}: ${samples} samples, analysis ${(analysis / 1000).toFixed(1)} s (calibration ${(report.timingsMs.calibration / 1000).toFixed(1)} s, comparison ${(report.timingsMs.comparison / 1000).toFixed(1)} s), bare FP32+INT8 ${(bareBefore / 1000).toFixed(2)} s before, ${(bareAfter / 1000).toFixed(2)} s after`);
  console.error(`  breakdown (s): ${Object.entries(report.timingsMs.breakdown).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`).join(', ')}`);
}

function peakRss(c: BenchCase, samples: number): void {
  const child = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--rss-child', c.name, String(samples)], { cwd: root, encoding: 'utf8' });
  const match = /maxrss-kb (\d+)/.exec(child.stdout);
  if (!match) {
    console.log(`rss ${c.name} ${samples} failed`);
    console.error(child.stderr.slice(-2000));
    return;
  }
  console.log(`rss ${c.name} ${samples} ${Math.round(Number(match[1]) / 1024)}`);
}

/**
 * rebuild: a session kept for rebuilds; after the first build, pin the worst layer to FP16 and rebuild. The
 * denominator is one pass of the rebuilt reduced-precision model over the same samples, bare (no captures).
 * sensitivity: isolated ranking time ÷ the first full analysis (open + build). search: the pin search to reach
 * the target, against greedy.
 */
async function rebuildAndSearch(c: BenchCase, samples: number, target: string): Promise<void> {
  const options = c.options(samples);
  const start = performance.now();
  const session = await AnalysisSession.open({ ...options, keepForRebuilds: true });
  try {
    const first = await session.build(defaultPlan('int8'));
    const analysisMs = performance.now() - start;
    const worst = [...first.report.layers].filter((l) => l.metrics).sort((a, b) => (a.metrics!.sqnrDb ?? 1e9) - (b.metrics!.sqnrDb ?? 1e9))[0];
    const pinned = pinLayers(defaultPlan('int8'), [worst.id], 'fp16');
    const rebuilt = await session.build(pinned);
    // One bare pass of the rebuilt model over the same inputs.
    const loaded = await loadModel(options.modelPath);
    const specs = resolveInputSpecs(loaded.graph, options.inputShapes);
    const source = await openSampleSource(options.calibration!, specs);
    const inputs: Sample[] = [];
    for await (const s of source.samples()) inputs.push(s);
    const { resolved } = resolvePlan(pinned, loaded.layers);
    const model = materializePlan(loaded.proto, loaded.graph, resolved, () => 4, { weights: 'dequantized-float' }).model;
    const runner = await OrtRunner.create(model, 'bare reduced');
    await runner.run(inputs[0].feeds, loaded.graph.outputs().map((o) => o.name));
    const bareStart = performance.now();
    for (const s of inputs) await runner.run(s.feeds, loaded.graph.outputs().map((o) => o.name));
    const bareMs = performance.now() - bareStart;
    await runner.release();
    console.log(`rebuild ${c.name} ${(rebuilt.timingsMs.total / bareMs).toFixed(2)}`);
    console.error(`  rebuild after pinning ${worst.id}: ${(rebuilt.timingsMs.total / 1000).toFixed(2)} s (materialize ${rebuilt.timingsMs.materialize.toFixed(0)} ms, comparison ${(rebuilt.timingsMs.comparison / 1000).toFixed(2)} s); one bare reduced pass ${(bareMs / 1000).toFixed(2)} s; FP32 references stored: ${session.hasStoredReferences}`);
    // The search compares against greedy, which needs ≈ n·k evaluations: a few samples keep it to minutes.
    const searchSamples = Number(process.env.PWB_BENCH_SEARCH_SAMPLES ?? 4);
    const sensitivity = await session.sensitivity(defaultPlan('int8'), { samples: Math.min(samples, searchSamples), target: parseTarget(target), compareSearches: true });
    console.log(`sensitivity ${c.name} ${(sensitivity.timingsMs.ranking / analysisMs).toFixed(2)}`);
    const greedy = sensitivity.comparisons.find((x) => x.method === 'greedy')!;
    const ours = sensitivity.suggestion!;
    console.log(`search ${c.name} ${ours.evaluations} ${greedy.evaluations} ${ours.pins.length} ${greedy.pins.length}`);
    console.error(`  target ${target} on ${sensitivity.samples} samples: ours ${ours.met ? 'met' : 'NOT met'}, greedy ${greedy.met ? 'met' : 'NOT met'}${greedy.capped ? ' (capped)' : ''}; bisection ${sensitivity.comparisons.find((x) => x.method.startsWith('bisection'))?.pins.length} pins in ${sensitivity.comparisons.find((x) => x.method.startsWith('bisection'))?.evaluations} evaluations; ranking ${(sensitivity.timingsMs.ranking / 1000).toFixed(1)} s vs analysis ${(analysisMs / 1000).toFixed(1)} s`);
  } finally {
    session.dispose();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--rss-child') {
    const c = CASES.find((x) => x.name === args[1])!;
    await analyzeModel(c.options(Number(args[2])));
    console.log(`maxrss-kb ${process.resourceUsage().maxRSS}`);
    return;
  }
  const only = args.filter((a) => !a.startsWith('--'));
  // paint: first paint of the layer table and heatmap for a 2,000-layer build in headless Chromium (renderer).
  if (!process.env.PWB_BENCH_ONLY || process.env.PWB_BENCH_ONLY === 'paint') {
    const { runPaintBench } = await import('./paint-bench');
    const paint = await runPaintBench();
    console.log(`paint ${paint.paintMs.toFixed(0)}`);
    console.log(`bytes-per-layer ${paint.bytesPerLayer}`);
    console.error(`  layer table ${paint.tableMs.toFixed(0)} ms, heatmap ${paint.heatmapMs.toFixed(0)} ms (2,000 layers, median of runs)`);
    if (process.env.PWB_BENCH_ONLY === 'paint') return;
  }
  const samples = Number(process.env.PWB_BENCH_SAMPLES ?? 32);
  for (const c of CASES.filter((x) => only.length === 0 || only.includes(x.name))) {
    // PWB_BENCH_ONLY=rebuild (or ratio, rss) runs one part.
    const part = process.env.PWB_BENCH_ONLY;
    if (!part || part === 'ratio') await ratio(c, samples);
    if (!part || part === 'rss') {
      peakRss(c, 8);
      peakRss(c, 32);
    }
    if (!part || part === 'rebuild') await rebuildAndSearch(c, samples, c.target);
  }
}

if (process.argv[1]?.endsWith("bench.ts")) await main();
