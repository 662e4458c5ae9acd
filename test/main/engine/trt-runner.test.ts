/**
 * TrtRunner's glue, with a fake addon (no TensorRT or GPU here): option flow into build(), timing cache file I/O,
 * feed conversion, output/debug-tensor routing, profiling aggregation, engine export, error wrapping. What the real
 * addon does on a GPU is not tested here.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { WorkbenchError } from '../../../app/errors';
import type { ModelProto } from '../../../app/onnx/proto';
import type { OrtRunner } from '../../../main/engine/ort-runner';
import type { ModelRunner } from '../../../main/engine/runner';
import { TrtRunner } from '../../../main/engine/trt-runner';
import { type TensorRt, type TrtAddonBuildOptions, type TrtEngine, type TrtRunRequest, openTensorRt } from '../../../native/index';

// Type-level: both runners satisfy the interface the passes can program against.
type Assert<T extends true> = T;
export type OrtRunnerIsModelRunner = Assert<OrtRunner extends ModelRunner ? true : false>;
export type TrtRunnerIsModelRunner = Assert<TrtRunner extends ModelRunner ? true : false>;

const scratch = mkdtempSync(path.join(os.tmpdir(), 'pwb-trt-runner-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const model: ModelProto = {
  irVersion: 8,
  opsetImport: [{ domain: '', version: 17 }],
  producerName: 'test',
  producerVersion: '',
  domain: '',
  modelVersion: 0,
  docString: '',
  graph: {
    name: 'g',
    node: [],
    initializer: [],
    input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: [{ dimParam: 'N' }, { dimValue: 2 }] } } }],
    output: [{ name: 'y', type: { tensorType: { elemType: 1, shape: [{ dimParam: 'N' }, { dimValue: 2 }] } } }],
    valueInfo: [],
  },
  metadataProps: [],
};

function fakeTensorRt(record: { builds: TrtAddonBuildOptions[]; runs: TrtRunRequest[]; released: number }): TensorRt {
  const engine: TrtEngine = {
    ioTensors: () => [
      { name: 'x', mode: 'input', dataType: 'float16', shape: [-1, 2] },
      { name: 'y', mode: 'output', dataType: 'float32', shape: [-1, 2] },
    ],
    layerCount: () => 2,
    inspect: async (shapes) => JSON.stringify({ Layers: [], shapes }),
    run: async (request) => {
      record.runs.push(request);
      const n = request.inputs[0].dims[0];
      return {
        outputs: [{ name: 'y', dataType: 'float32', dims: [n, 2], data: new Float32Array(n * 2).fill(7).buffer }],
        debugTensors: request.captureDebugTensors
          ? [
              { name: '/relu/Relu_output_0', dataType: 'float32', dims: [1], data: new Float32Array([3]).buffer },
              { name: 'big', dataType: 'float32', dims: [1e9], data: new ArrayBuffer(0), skipped: 'debug tensor byte limit reached' },
            ]
          : [],
        layerTimes: request.profile ? [{ name: 'conv', ms: 1 }, { name: 'relu', ms: 0.5 }, { name: 'conv', ms: 3 }, { name: 'relu', ms: 0.5 }] : [],
      };
    },
    release: () => {
      record.released++;
    },
  };
  return {
    addonFile: 'fake.node',
    headerVersion: { major: 10, minor: 16, patch: 1, build: 11 },
    features: { legacyPrecision: true, unfusedDebugTensors: true, libraryTacticSources: true, weakTyping: true },
    library: { libraryVersion: 101601, libraryMajor: 10, libraryMinor: 16, libraryPatch: 1, libraryBuild: 11, parserVersion: 100, inferLibrary: 'libnvinfer.so.10', parserLibrary: 'libnvonnxparser.so.10' },
    build: async (onnx, options, onLog) => {
      assert.ok(onnx.length > 0);
      record.builds.push(options);
      onLog?.(2, 'a warning');
      onLog?.(4, 'a verbose line');
      return { plan: new Uint8Array([1, 2, 3]), timingCache: options.returnTimingCache ? new Uint8Array([9, 9]) : undefined, notes: ['could not mark x'], networkLayers: 2, buildMilliseconds: 5 };
    },
    deserialize: async (plan) => {
      assert.deepEqual([...plan], [1, 2, 3]);
      return engine;
    },
  };
}

test('TrtRunner builds with normalized options, runs, captures debug tensors, profiles and exports', async () => {
  const record = { builds: [] as TrtAddonBuildOptions[], runs: [] as TrtRunRequest[], released: 0 };
  const cacheFile = path.join(scratch, 'timing.cache');
  writeFileSync(cacheFile, new Uint8Array([5]));
  const lines: string[] = [];
  const runner = await TrtRunner.create(model, 'tiny', {
    tensorRt: fakeTensorRt(record),
    shapes: { x: { min: [1, 2], opt: [4, 2], max: [8, 2] } },
    debugTensors: 'unfused',
    timingCacheFile: cacheFile,
    logLevel: 'verbose',
    onLog: (line) => lines.push(`${line.level}:${line.message}`),
  });
  const build = record.builds[0];
  assert.deepEqual(build.profiles, [[{ input: 'x', min: [1, 2], opt: [4, 2], max: [8, 2] }]]);
  assert.equal(build.markUnfusedDebugTensors, true);
  assert.equal(build.logSeverity, 4);
  assert.deepEqual([...build.timingCache!], [5]);
  assert.equal(build.returnTimingCache, true);
  assert.deepEqual([...readFileSync(cacheFile)], [9, 9], 'updated timing cache written back');
  assert.deepEqual(lines, ['warning:a warning', 'verbose:a verbose line']);
  assert.deepEqual(runner.build?.log.length, 2);
  assert.deepEqual(runner.warnings, ['could not mark x']);
  assert.deepEqual(runner.inputNames, ['x']);
  assert.deepEqual(runner.outputNames, ['y']);

  // Engine outputs plus an intermediate tensor (from the debug tensors); unknown names are absent, as with OrtRunner.
  const feeds = { x: { dataType: 'float32' as const, dims: [1, 2], data: new Float32Array([1, 2]) } };
  const out = await runner.run(feeds, ['y', '/relu/Relu_output_0', 'fused-away']);
  assert.deepEqual([...out.keys()], ['y', '/relu/Relu_output_0']);
  assert.deepEqual([...out.get('y')!.data], [7, 7]);
  assert.equal(record.runs[0].captureDebugTensors, true);
  assert.equal(record.runs[0].inputs[0].dataType, 'float16', 'converted to the engine input type');
  assert.ok(record.runs[0].inputs[0].data instanceof Uint16Array);

  // Outputs only: no debug capture requested.
  await runner.run(feeds, ['y']);
  assert.equal(record.runs[1].captureDebugTensors, false);

  const detailed = await runner.runDetailed(feeds, { captureDebugTensors: true });
  assert.equal(detailed.skippedDebugTensors.get('big'), 'debug tensor byte limit reached');
  assert.equal(detailed.debugTensors.get('/relu/Relu_output_0')?.dataType, 'float32');

  const profile = await runner.profileLayers(feeds, 2);
  assert.equal(record.runs.at(-1)!.iterations, 2);
  assert.equal(profile.iterations, 2);
  assert.deepEqual(profile.layers.map((l) => [l.name, l.timeMs]), [['conv', 4], ['relu', 1]]);

  assert.equal(await runner.inspect({ x: [1, 2] }), JSON.stringify({ Layers: [], shapes: { x: [1, 2] } }));
  const cmd = runner.trtexec('tiny.onnx', 'tiny.plan')!;
  assert.ok(cmd.args.includes('--minShapes=x:1x2') && cmd.args.includes(`--timingCacheFile=${cacheFile}`) && cmd.args.includes('--markUnfusedTensorsAsDebugTensors'));

  const engineFile = path.join(scratch, 'tiny.plan');
  await runner.exportEngine(engineFile);
  assert.deepEqual([...readFileSync(engineFile)], [1, 2, 3]);

  await runner.release();
  await runner.release();
  assert.equal(record.released, 1);
  await assert.rejects(runner.run(feeds, ['y']), (e: unknown) => e instanceof WorkbenchError && e.code === 'TRT_ENGINE_RELEASED');
});

test('TrtRunner validates before building and reports a missing feed', async () => {
  const record = { builds: [] as TrtAddonBuildOptions[], runs: [] as TrtRunRequest[], released: 0 };
  const tensorRt = fakeTensorRt(record);
  await assert.rejects(TrtRunner.create(model, 'tiny', { tensorRt }), (e: unknown) => e instanceof WorkbenchError && e.code === 'TRT_INVALID_OPTIONS' && /'x'/.test(e.message));
  assert.equal(record.builds.length, 0, 'nothing is built with invalid options');
  const runner = await TrtRunner.fromEngine(new Uint8Array([1, 2, 3]), 'engine', { tensorRt });
  assert.equal(runner.trtexec('m.onnx'), undefined, 'no build options known for a loaded engine');
  await assert.rejects(runner.run({}, ['y']), (e: unknown) => e instanceof WorkbenchError && e.code === 'TRT_INPUT_MISMATCH');
});

test('openTensorRt wraps addon errors as WorkbenchError and tries the next addon on TENSORRT_UNAVAILABLE', async () => {
  const coded = (code: string, message: string) => Object.assign(new Error(message), { code });
  const make = (major: number, loadError?: Error) => ({
    headerVersion: { major, minor: 0, patch: 0, build: 0 },
    features: { legacyPrecision: major < 11, unfusedDebugTensors: true, libraryTacticSources: major < 11, weakTyping: major < 11 },
    sonames: { infer: `libnvinfer.so.${major}`, parser: `libnvonnxparser.so.${major}` },
    load: async () => {
      if (loadError) throw loadError;
      return { libraryVersion: major * 10000, libraryMajor: major, libraryMinor: 0, libraryPatch: 0, libraryBuild: 0, parserVersion: 100, inferLibrary: 'x', parserLibrary: 'y' };
    },
    build: async () => {
      throw coded('TRT_PARSE_FAILED', 'The ONNX parser rejected the model');
    },
    deserialize: async () => {
      throw coded('TRT_DESERIALIZE_FAILED', 'version mismatch');
    },
  });
  const modules: Record<string, unknown> = {
    '/b/pwb_trt_11.node': make(11, coded('TENSORRT_UNAVAILABLE', 'libnvinfer.so.11 missing')),
    '/b/pwb_trt_10.node': make(10),
  };
  const opened: string[] = [];
  const requireAddon = (file: string) => (opened.push(file), modules[file]);
  const trt = await openTensorRt({ addonPath: '/b/pwb_trt_11.node', requireAddon, libraryDirs: [] }).catch((e: unknown) => e);
  assert.ok(trt instanceof WorkbenchError && trt.code === 'TENSORRT_UNAVAILABLE' && /libnvinfer\.so\.11 missing/.test(trt.message));

  const dir = mkdtempSync(path.join(scratch, 'build-'));
  for (const name of ['pwb_trt_10.node', 'pwb_trt_11.node', 'other.node']) writeFileSync(path.join(dir, name), '');
  const byDir: Record<string, unknown> = { [path.join(dir, 'pwb_trt_11.node')]: modules['/b/pwb_trt_11.node'], [path.join(dir, 'pwb_trt_10.node')]: modules['/b/pwb_trt_10.node'] };
  opened.length = 0;
  const tensorRt = await openTensorRt({ buildDir: dir, requireAddon: (file) => (opened.push(file), byDir[file]), libraryDirs: [] });
  assert.deepEqual(opened.map((f) => path.basename(f)), ['pwb_trt_11.node', 'pwb_trt_10.node'], 'newest major first');
  assert.equal(tensorRt.library.libraryMajor, 10);
  await assert.rejects(tensorRt.build(new Uint8Array(1), {}), (e: unknown) => e instanceof WorkbenchError && e.area === 'trt' && e.code === 'TRT_PARSE_FAILED');
  await assert.rejects(tensorRt.deserialize(new Uint8Array(1)), (e: unknown) => e instanceof WorkbenchError && e.code === 'TRT_DESERIALIZE_FAILED');
});
