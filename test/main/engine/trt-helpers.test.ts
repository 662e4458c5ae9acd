import assert from 'node:assert/strict';
import { test } from 'node:test';
import { float32ToFloat16Bits } from '../../../app/onnx/float16';
import { aggregateLayerTimes, debugTensorNameFor, isLayerIndexName, splitProfileSuffix, toTrtexecProfileJson } from '../../../main/engine/trt-layers';
import { TRT_LOG_LEVELS, formatTrtexecLine, passesThreshold, trtLogLevelOf, trtSeverityOf } from '../../../main/engine/trt-log';
import { feedToEngineType, hostTensorToFloat32 } from '../../../main/engine/trt-tensors';

test('TensorRT log severities map both ways and format like trtexec', () => {
  assert.deepEqual(TRT_LOG_LEVELS.map(trtSeverityOf), [0, 1, 2, 3, 4]);
  assert.deepEqual([0, 1, 2, 3, 4].map(trtLogLevelOf), ['internal-error', 'error', 'warning', 'info', 'verbose']);
  assert.equal(trtLogLevelOf(9), 'verbose');
  assert.equal(trtLogLevelOf(-1), 'internal-error');
  assert.equal(formatTrtexecLine({ level: 'warning', message: 'x' }), '[W] [TRT] x');
  assert.equal(formatTrtexecLine({ level: 'internal-error', message: 'y' }), '[F] [TRT] y');
  assert.ok(passesThreshold('error', 'warning'));
  assert.ok(!passesThreshold('verbose', 'info'));
});

test('engine layer names: profile suffix, index names, debug tensor lookup', () => {
  assert.deepEqual(splitProfileSuffix('/conv1/Conv + /relu/Relu [profile 2]'), { base: '/conv1/Conv + /relu/Relu', profile: 2 });
  assert.deepEqual(splitProfileSuffix('{ForeignNode[a...b]}'), { base: '{ForeignNode[a...b]}', profile: 0 });
  assert.ok(isLayerIndexName('12'));
  assert.ok(!isLayerIndexName('conv12'));
  const available = new Set(['/relu/Relu_output_0', '__out']);
  assert.equal(debugTensorNameFor('/relu/Relu_output_0', available), '/relu/Relu_output_0');
  assert.equal(debugTensorNameFor('out', available), '__out');
  assert.equal(debugTensorNameFor('/conv/Conv_output_0', available), undefined);
});

test('layer times aggregate per iteration like trtexec --exportProfile', () => {
  const times = [
    { name: 'a', ms: 1 },
    { name: 'b', ms: 3 },
    { name: 'a', ms: 2 },
    { name: 'b', ms: 5 },
    { name: 'a', ms: 3 },
    { name: 'b', ms: 4 },
  ];
  const profile = aggregateLayerTimes(times);
  assert.equal(profile.iterations, 3);
  assert.equal(profile.totalMs, 18);
  assert.deepEqual(profile.layers[0], { name: 'a', timeMs: 6, averageMs: 2, medianMs: 2, percentage: (100 * 6) / 18 });
  assert.equal(profile.layers[1].medianMs, 4);
  const json = JSON.parse(toTrtexecProfileJson(profile));
  assert.deepEqual(json[0], { count: 3 });
  assert.equal(json[2].name, 'b');
  assert.deepEqual(aggregateLayerTimes([]), { iterations: 0, layers: [], totalMs: 0 });
});

test('feeds convert to the engine input type; outputs come back as float32', () => {
  const half = feedToEngineType('x', { dataType: 'float32', dims: [2], data: new Float32Array([1, -2]) }, 'float16') as Uint16Array;
  assert.deepEqual([...half], [float32ToFloat16Bits(1), float32ToFloat16Bits(-2)]);
  const int32 = feedToEngineType('ids', { dataType: 'int64', dims: [2], data: new BigInt64Array([5n, -7n]) }, 'int32');
  assert.deepEqual([...(int32 as Int32Array)], [5, -7]);
  assert.throws(() => feedToEngineType('ids', { dataType: 'int64', dims: [1], data: new BigInt64Array([2n ** 40n]) }, 'int32'), /does not fit/);
  assert.throws(() => feedToEngineType('q', { dataType: 'float32', dims: [1], data: new Float32Array([1]) }, 'int8'), /does not convert/);
  const same = new Float32Array([1]);
  assert.equal(feedToEngineType('x', { dataType: 'float32', dims: [1], data: same }, 'float32'), same);

  const halfOut = hostTensorToFloat32({ name: 'y', dataType: 'float16', dims: [2], data: new Uint16Array([float32ToFloat16Bits(0.5), float32ToFloat16Bits(3)]).buffer });
  assert.deepEqual([...halfOut.data], [0.5, 3]);
  assert.deepEqual(halfOut.dims, [2]);
  assert.deepEqual([...hostTensorToFloat32({ name: 'i', dataType: 'int64', dims: [1], data: new BigInt64Array([9n]).buffer }).data], [9]);
  assert.throws(() => hostTensorToFloat32({ name: 'f', dataType: 'fp8', dims: [1], data: new ArrayBuffer(1) }), /cannot convert/);
});
