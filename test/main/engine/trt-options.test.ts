import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkbenchError } from '../../../app/errors';
import type { TrtFeatures } from '../../../native/index';
import { modelInputsOf, normalizeBuildOptions, normalizeProfiles, shellQuote, trtexecCommand } from '../../../main/engine/trt-options';

const trt10: TrtFeatures = { legacyPrecision: true, unfusedDebugTensors: true, libraryTacticSources: true, weakTyping: true };
const trt11: TrtFeatures = { legacyPrecision: false, unfusedDebugTensors: true, libraryTacticSources: false, weakTyping: false };
const dynamicImage = [{ name: 'images', dims: ['batch', 3, 'h', 'w'] as (number | string | undefined)[] }];
const staticImage = [{ name: 'x', dims: [1, 3, 8, 8] }];

const code = (c: string) => (error: unknown) => error instanceof WorkbenchError && error.code === c && error.area === 'trt';

test('static models need no profile; dynamic inputs need a range in every profile', () => {
  assert.deepEqual(normalizeProfiles(staticImage, {}), []);
  assert.throws(() => normalizeProfiles(dynamicImage, {}), (e: unknown) => code('TRT_INVALID_OPTIONS')(e) && /'images' \[batch,3,h,w\]/.test((e as Error).message));
  const [profile] = normalizeProfiles(dynamicImage, { shapes: { images: { min: [1, 3, 32, 32], opt: [4, 3, 640, 640], max: [8, 3, 960, 960] } } });
  assert.deepEqual(profile, [{ input: 'images', min: [1, 3, 32, 32], opt: [4, 3, 640, 640], max: [8, 3, 960, 960] }]);
  const [fixed] = normalizeProfiles(dynamicImage, { shapes: { images: [2, 3, 64, 64] } });
  assert.deepEqual(fixed[0].min, fixed[0].max);
});

test('profiles are checked against the model: names, ranks, fixed dims, ordering', () => {
  const bad = (shapes: Record<string, unknown>) => () => normalizeProfiles(dynamicImage, { shapes: shapes as never });
  assert.throws(bad({ image: [1, 3, 8, 8] }), /does not have \(inputs: images\)/);
  assert.throws(bad({ images: [1, 3, 8] }), /rank 3 does not match input 'images' of rank 4/);
  assert.throws(bad({ images: [1, 4, 8, 8] }), /dim 1 is 4 but the model fixes it to 3/);
  assert.throws(bad({ images: { min: [2, 3, 8, 8], opt: [1, 3, 8, 8], max: [4, 3, 8, 8] } }), /min <= opt <= max, got 2, 1, 4/);
  assert.throws(bad({ images: [1.5, 3, 8, 8] }), /non-negative integers/);
  assert.throws(() => normalizeProfiles(dynamicImage, { shapes: { images: [1, 3, 8, 8] }, profiles: [] }), /either shapes .* or profiles/);
  assert.throws(() => normalizeProfiles([...dynamicImage, { name: 'scale', dims: [undefined] }], { profiles: [{ images: [1, 3, 8, 8] }] }), /no shape for dynamic input 'scale'/);
});

test('normalizeBuildOptions maps units and defaults and rejects out-of-range values', () => {
  const { addon, warnings } = normalizeBuildOptions({ workspaceMiB: 512, optimizationLevel: 5, logLevel: 'verbose' }, staticImage, trt10);
  assert.equal(addon.workspaceBytes, 512 * 1024 * 1024);
  assert.equal(addon.optimizationLevel, 5);
  assert.equal(addon.logSeverity, 4);
  assert.equal(addon.stronglyTyped, true);
  assert.equal(addon.detailedProfiling, true);
  assert.deepEqual(warnings, []);
  assert.equal(normalizeBuildOptions({}, staticImage, trt10).addon.logSeverity, 2);
  assert.throws(() => normalizeBuildOptions({ optimizationLevel: 6 }, staticImage, trt10), code('TRT_INVALID_OPTIONS'));
  assert.throws(() => normalizeBuildOptions({ workspaceMiB: -1 }, staticImage, trt10), code('TRT_INVALID_OPTIONS'));
});

test('TensorRT 10 vs 11: legacy precision, weak typing and library tactic sources', () => {
  const legacy = { stronglyTyped: false, legacyPrecision: { fp16: true, layerPrecisions: { '/conv1/Conv': 'fp32' as const } } };
  const on10 = normalizeBuildOptions(legacy, staticImage, trt10);
  assert.equal(on10.addon.stronglyTyped, false);
  assert.match(on10.warnings[0], /deprecated since TensorRT 10\.12/);
  assert.throws(() => normalizeBuildOptions(legacy, staticImage, trt11), code('TRT_OPTION_UNSUPPORTED'));
  assert.throws(() => normalizeBuildOptions({ legacyPrecision: { int8: true } }, staticImage, trt10), /needs stronglyTyped: false/);
  assert.throws(() => normalizeBuildOptions({ stronglyTyped: false }, staticImage, trt11), code('TRT_OPTION_UNSUPPORTED'));
  assert.deepEqual(normalizeBuildOptions({ tacticSources: { disable: ['CUDNN'] } }, staticImage, trt10).addon.disableTacticSources, ['cudnn']);
  assert.throws(() => normalizeBuildOptions({ tacticSources: { disable: ['cudnn'] } }, staticImage, trt11), code('TRT_OPTION_UNSUPPORTED'));
  assert.deepEqual(normalizeBuildOptions({ tacticSources: { enable: ['jit_convolutions'] } }, staticImage, trt11).addon.enableTacticSources, ['jit_convolutions']);
});

test('debug tensors and extra outputs: unfused needs 10.12+, markOutput is flagged as changing the engine', () => {
  assert.equal(normalizeBuildOptions({ debugTensors: 'unfused' }, staticImage, trt10).addon.markUnfusedDebugTensors, true);
  assert.throws(() => normalizeBuildOptions({ debugTensors: 'unfused' }, staticImage, { ...trt10, unfusedDebugTensors: false }), code('TRT_OPTION_UNSUPPORTED'));
  const marked = normalizeBuildOptions({ debugTensors: ['/relu/Relu_output_0'], extraOutputs: ['/conv/Conv_output_0'] }, staticImage, trt10);
  assert.deepEqual(marked.addon.debugTensors, ['/relu/Relu_output_0']);
  assert.deepEqual(marked.addon.extraOutputs, ['/conv/Conv_output_0']);
  assert.equal(marked.warnings.length, 2);
  assert.ok(marked.warnings.some((w) => /markOutput, which breaks layer fusion/.test(w)));
});

test('trtexecCommand gives the equivalent trtexec flags', () => {
  const { addon } = normalizeBuildOptions(
    {
      workspaceMiB: 1024,
      optimizationLevel: 4,
      shapes: { images: { min: [1, 3, 32, 32], opt: [4, 3, 640, 640], max: [8, 3, 960, 960] } },
      tacticSources: { enable: ['cublas'], disable: ['cudnn'] },
      debugTensors: 'unfused',
      extraOutputs: ['a b'],
      logLevel: 'verbose',
    },
    dynamicImage,
    trt10,
  );
  const cmd = trtexecCommand('model.onnx', addon, { tensorRtMajor: 10, timingCacheFile: 'cache.bin', saveEngine: 'model.plan' });
  assert.deepEqual(cmd.args, [
    '--onnx=model.onnx',
    '--stronglyTyped',
    '--memPoolSize=workspace:1024M',
    '--builderOptimizationLevel=4',
    '--minShapes=images:1x3x32x32',
    '--optShapes=images:4x3x640x640',
    '--maxShapes=images:8x3x960x960',
    '--timingCacheFile=cache.bin',
    '--tacticSources=+CUBLAS,-CUDNN',
    '--profilingVerbosity=detailed',
    '--verbose',
    '--markUnfusedTensorsAsDebugTensors',
    '--saveEngine=model.plan',
  ]);
  assert.match(cmd.notCovered[0], /markOutput.*a b/);
  assert.ok(cmd.command.startsWith('trtexec --onnx=model.onnx --stronglyTyped'));
  // 11.x is always strongly typed: no --stronglyTyped.
  assert.ok(!trtexecCommand('m.onnx', normalizeBuildOptions({}, staticImage, trt11).addon, { tensorRtMajor: 11 }).args.includes('--stronglyTyped'));
  const legacy = normalizeBuildOptions({ stronglyTyped: false, legacyPrecision: { fp16: true, int8: true, constraints: 'obey', layerPrecisions: { '/fc/Gemm': 'fp32' }, dynamicRanges: { x: 1 } } }, staticImage, trt10);
  const legacyCmd = trtexecCommand('m.onnx', legacy.addon, { tensorRtMajor: 10 });
  for (const flag of ['--fp16', '--int8', '--precisionConstraints=obey', '--layerPrecisions=/fc/Gemm:fp32']) assert.ok(legacyCmd.args.includes(flag), flag);
  assert.ok(!legacyCmd.args.includes('--stronglyTyped'));
  assert.match(legacyCmd.notCovered.join(), /calibration cache/);
});

test('shellQuote and modelInputsOf', () => {
  assert.equal(shellQuote('--onnx=a/b.onnx'), '--onnx=a/b.onnx');
  assert.equal(shellQuote("it's here"), `'it'\\''s here'`);
  const inputs = modelInputsOf({
    input: [
      { name: 'x', type: { tensorType: { shape: [{ dimParam: 'N' }, { dimValue: 3 }, {}] } } },
      { name: 'w', type: { tensorType: { shape: [{ dimValue: 3 }] } } },
    ],
    initializer: [{ name: 'w' }],
  });
  assert.deepEqual(inputs, [{ name: 'x', dims: ['N', 3, undefined] }]);
});

test('tf32: false clears TF32 (addon noTF32, trtexec --noTF32); the default leaves TensorRT\'s TF32 on', () => {
  const off = normalizeBuildOptions({ tf32: false }, staticImage, trt10).addon;
  assert.equal(off.noTF32, true);
  assert.ok(trtexecCommand('m.onnx', off, { tensorRtMajor: 10 }).args.includes('--noTF32'));
  const on = normalizeBuildOptions({}, staticImage, trt10).addon;
  assert.equal(on.noTF32, undefined);
  assert.ok(!trtexecCommand('m.onnx', on, { tensorRtMajor: 10 }).args.includes('--noTF32'));
});
