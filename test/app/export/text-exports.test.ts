/**
 * The text exports: the TensorRT calibration cache (round trip through the parser, exact float32 scales), the
 * trtexec script (snapshot), the ModelOpt exclusion lists and the --what parsing.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { float32ToHex, parseCalibrationCache } from '../../../app/calibration/calibration-cache';
import { calibrationCacheFromActivations, trtVersionInteger } from '../../../app/export/calibration-cache-export';
import { modeloptScript, nodesToExclude, nodesToExcludeText, type ExcludeLayer } from '../../../app/export/exclude-list';
import { exportFileNames, parseExportKinds } from '../../../app/export/export-artifacts';
import { pythonRegexLiteral, shellQuote } from '../../../app/export/shell';
import { trtexecScript, type TrtexecScriptInput } from '../../../app/export/trtexec-script';
import { isWorkbenchError } from '../../../app/errors';

test('the calibration cache round-trips: header, names and bit-exact float32 scales', () => {
  const activations = [
    { graphPath: '', tensor: 'images', amax: 255.06, scale: Math.fround(255.06 / 127) },
    { graphPath: '', tensor: '/conv1/Conv_output_0', amax: 1, scale: Math.fround(1 / 127) },
    { graphPath: '', tensor: 'x:0', amax: 3.25, scale: Math.fround(3.25 / 127) },
    { graphPath: 'If_0/then_branch', tensor: 'x:0', amax: 3.25, scale: Math.fround(3.25 / 127) },
  ];
  const cache = calibrationCacheFromActivations(activations, '10.16.1');
  assert.equal(cache.entries, 3, 'one line per tensor name');
  assert.deepEqual(cache.conflicts, []);
  assert.ok(cache.text.startsWith(`TRT-101601-EntropyCalibration2\nimages: ${float32ToHex(255.06 / 127)}\n/conv1/Conv_output_0: 3c010204\n`), cache.text);
  const parsed = parseCalibrationCache(cache.text, { strict: true });
  assert.deepEqual(parsed.warnings, []);
  assert.equal(parsed.trtVersion, '101601');
  assert.equal(parsed.algorithm, 'EntropyCalibration2');
  assert.deepEqual(parsed.entries.map((e) => [e.tensor, e.scale]), activations.slice(0, 3).map((a) => [a.tensor, a.scale]));
  const conflicting = calibrationCacheFromActivations([...activations, { graphPath: '', tensor: 'images', amax: 300, scale: Math.fround(300 / 127) }]);
  assert.deepEqual(conflicting.conflicts, ['images']);
  assert.equal(parseCalibrationCache(conflicting.text).entries[0].scale, Math.fround(300 / 127), 'the larger scale wins');
});

test('TensorRT versions for the cache header; TensorRT 11 has no caches', () => {
  assert.equal(trtVersionInteger('10.16.1'), 101601);
  assert.equal(trtVersionInteger('10.3'), 100300);
  assert.equal(trtVersionInteger('8.6.1'), 8601);
  assert.equal(trtVersionInteger('101401'), 101401);
  for (const bad of ['11.1', '110100', 'ten', '10.100.1', '7.2.2']) {
    assert.throws(() => trtVersionInteger(bad), (e: unknown) => isWorkbenchError(e) && e.code === 'FLAG_INVALID', bad);
  }
});

const SCRIPT_INPUT: TrtexecScriptInput = {
  modelLabel: 'net.onnx',
  stronglyTypedFile: 'net.mixed.onnx',
  stronglyTypedKind: 'mixed',
  floatModelPath: '/models/my net.onnx',
  cacheFile: 'net.calibration.cache',
  outputPrefix: 'net',
  inputs: [
    { name: 'images', dims: [1, 3, 64, 96], dynamic: true },
    { name: 'scale:0', dims: [1, 2], dynamic: false },
  ],
  layers: [
    { trtName: '/stem/Conv', precision: 'int8' },
    { trtName: 'head:conv', precision: 'fp32' },
    { trtName: 'node_of_y', precision: 'fp16' },
  ],
  notWritten: [],
  provenance: ['Report r.json (2026-01-02T03:04:05.000Z), calibrator entropy.'],
};

test('trtexec script snapshot: 11, 10 strongly typed, 10 implicit with pinned layers and dynamic shapes', () => {
  const expected = `#!/bin/sh
# TensorRT builds of net.onnx exactly as Precision Workbench analysed it.
# Report r.json (2026-01-02T03:04:05.000Z), calibrator entropy.
# Plan: 1 int8, 1 fp16, 1 fp32 layers. Analysed input shapes: images 1x3x64x96 (dynamic in the model), scale:0 1x2.
# The optimization profile is fixed at the analysed shapes (the calibration saw only these); widen
# --minShapes/--maxShapes for other sizes and re-check accuracy at them.
#
# Usage: sh trtexec.sh 11            TensorRT 11 (strongly typed; precision lives in the graph)
#        sh trtexec.sh 10            TensorRT 10, strongly typed explicit quantization (builds what was analysed)
#        sh trtexec.sh 10-implicit   TensorRT 10, implicit INT8/FP16 from builder flags (deprecated; approximate)
# TRTEXEC=/path/to/trtexec overrides the binary. Each build writes the engine, its layer information
# (*.layers.json: engine layers with their ONNX nodes in "Metadata") and a per-layer profile (*.profile.json).
set -e
cd "$(dirname "$0")"
TRTEXEC="\${TRTEXEC:-trtexec}"
case "\${1:-}" in
  11)
    # TensorRT 11 has no --int8/--fp16, no calibrators and no per-layer precision: every network is strongly
    # typed. INT8 comes from the Q/DQ pairs, FP16 from the float16 tensors and Casts of net.mixed.onnx.
    "$TRTEXEC" --onnx=net.mixed.onnx --stronglyTyped --minShapes=images:1x3x64x96 --optShapes=images:1x3x64x96 \\
      --maxShapes=images:1x3x64x96 --shapes=images:1x3x64x96 --saveEngine=net.trt11.engine \\
      --profilingVerbosity=detailed --exportLayerInfo=net.trt11.layers.json --exportProfile=net.trt11.profile.json \\
      --separateProfileRun
    ;;
  10)
    # TensorRT 10, strongly typed (--stronglyTyped, 10.0+): the same graph as for 11, built exactly as analysed.
    # Weakly typed alternative on 10.x (deprecated since 10.12): drop --stronglyTyped, add --int8 (Q/DQ graphs
    # need it) and --fp16 — TensorRT may then also run layers the plan keeps in FP32 in FP16.
    "$TRTEXEC" --onnx=net.mixed.onnx --stronglyTyped --minShapes=images:1x3x64x96 --optShapes=images:1x3x64x96 \\
      --maxShapes=images:1x3x64x96 --shapes=images:1x3x64x96 --saveEngine=net.trt10.engine \\
      --profilingVerbosity=detailed --exportLayerInfo=net.trt10.layers.json --exportProfile=net.trt10.profile.json \\
      --separateProfileRun
    ;;
  10-implicit)
    # TensorRT 10 implicit quantization (deprecated since 10.1, removed in 11) on the original FP32 model:
    # INT8 ranges from net.calibration.cache (the analysed scales), non-INT8 layers pinned with --layerPrecisions.
    # Approximate: TensorRT chooses its own fusions, and implicit INT8 needs a range for every tensor an INT8
    # layer reads or writes; the cache holds the analysed layer inputs only, so a layer whose output has no range
    # (e.g. Conv → Sigmoid) falls back to FP16/FP32. Prefer "10" to build what was analysed.
    "$TRTEXEC" '--onnx=/models/my net.onnx' --int8 --calib=net.calibration.cache --fp16 --precisionConstraints=obey \\
      '--layerPrecisions='\\''head:conv'\\'':fp32,node_of_y:fp16' --minShapes=images:1x3x64x96 \\
      --optShapes=images:1x3x64x96 --maxShapes=images:1x3x64x96 --shapes=images:1x3x64x96 \\
      --saveEngine=net.trt10-implicit.engine --profilingVerbosity=detailed \\
      --exportLayerInfo=net.trt10-implicit.layers.json --exportProfile=net.trt10-implicit.profile.json \\
      --separateProfileRun
    ;;
  *)
    echo "usage: sh trtexec.sh 11 | 10 | 10-implicit" >&2
    exit 2
    ;;
esac
`;
  assert.equal(trtexecScript(SCRIPT_INPUT), expected);
});

test('trtexec script: static models get no shape flags; INT8-only plans pin nothing; unwritten files are named', () => {
  const script = trtexecScript({
    ...SCRIPT_INPUT,
    stronglyTypedFile: 'net.qdq.onnx',
    stronglyTypedKind: 'qdq',
    inputs: [{ name: 'images', dims: [1, 3, 416, 416], dynamic: false }],
    layers: [{ trtName: 'a', precision: 'int8' }],
    notWritten: ['net.qdq.onnx'],
  });
  assert.ok(!/Shapes=|--shapes/.test(script), 'no shape flags for static inputs');
  assert.ok(/rejects them for static models/.test(script));
  const implicit = script.slice(script.indexOf('10-implicit)'));
  assert.ok(!/--layerPrecisions|--fp16/.test(implicit.slice(implicit.indexOf('"$TRTEXEC"'))), 'nothing to pin and no FP16 in an all-INT8 plan');
  assert.ok(/# Note: net\.qdq\.onnx is referenced below but was not written/.test(script));
  assert.ok(/"\$TRTEXEC" --onnx=net\.qdq\.onnx --stronglyTyped --saveEngine=net\.trt11\.engine/.test(script));
});

const LAYERS: ExcludeLayer[] = [
  { name: 'backbone/conv.1', output: 'a', precision: 'int8', graphPath: '' },
  { name: 'head(conv)+bias', output: 'b', precision: 'fp16', graphPath: '' },
  { name: '', output: 'c_out', precision: 'fp32', graphPath: '' },
  { name: 'neck conv', output: 'd', precision: 'fp32', graphPath: '' },
];

test('nodes_to_exclude: names kept above INT8 (or above FP16 in FP16 plans), unnamed nodes reported', () => {
  assert.equal(nodesToExcludeText(LAYERS), 'head(conv)+bias\nneck conv\n');
  const fp16Plan = LAYERS.map((l) => ({ ...l, precision: l.precision === 'int8' ? ('fp16' as const) : l.precision }));
  const { names, unnamed, above } = nodesToExclude(fp16Plan);
  assert.equal(above, 'fp16');
  assert.deepEqual(names, ['neck conv']);
  assert.deepEqual(unnamed.map((l) => l.output), ['c_out']);
  const script = modeloptScript({ layers: LAYERS, floatModelPath: '/m/net.onnx', cacheFile: 'net.calibration.cache', outputPrefix: 'net' }).replace(/ \\\n  /g, ' ');
  assert.ok(script.includes(`--nodes_to_exclude '^head\\(conv\\)\\+bias$' '^neck\\ conv$'`), script);
  assert.ok(script.includes('--calibration_cache_path=net.calibration.cache'));
  assert.ok(script.includes(`python -m modelopt.onnx.autocast --onnx_path=/m/net.onnx --low_precision_type=fp16 --output_path=net.modelopt.fp16.onnx --nodes_to_exclude '^neck\\ conv$'`), script);
  assert.ok(/1 excluded layers have no node name.*'c_out'/.test(script));
});

test('shell and regex quoting', () => {
  assert.equal(shellQuote('--onnx=a/b.onnx'), '--onnx=a/b.onnx');
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  assert.equal(shellQuote(''), `''`);
  assert.equal(pythonRegexLiteral('a.b[0]*'), '^a\\.b\\[0\\]\\*$');
});

test('--what parsing and file names', () => {
  assert.deepEqual(parseExportKinds('qdq, cache,qdq'), ['qdq', 'cache']);
  assert.throws(() => parseExportKinds('qdq,engine'), (e: unknown) => isWorkbenchError(e) && /'engine' is not one of/.test(e.message));
  assert.throws(() => parseExportKinds(','), (e: unknown) => isWorkbenchError(e) && e.code === 'FLAG_INVALID');
  assert.deepEqual(exportFileNames('yolox_nano.onnx').qdq, ['yolox_nano.qdq.onnx']);
  assert.deepEqual(exportFileNames('Model.ONNX').cache, ['Model.calibration.cache']);
});
