/** The zod request schemas shared by Electron main, the WebSocket server, the supervisor and the engine host. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SERVICE_METHODS } from '../../../app/contract/service';
import { SHELL_METHODS } from '../../../app/contract/wire-protocol';
import { parseClientEnvelope, parseServiceParams, parseShellParams, SERVICE_SCHEMAS, SHELL_SCHEMAS } from '../../../main/host/payload-schemas';

const plan = { schema: 'pwb.precision-plan', version: 1, defaultPrecision: 'int8', calibrator: 'entropy', layers: { conv1: { precision: 'fp16' } } };
const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return (error as { code: string }).code;
  }
  return 'OK';
};

test('every service and shell method has a schema', () => {
  assert.deepEqual(Object.keys(SERVICE_SCHEMAS).sort(), [...SERVICE_METHODS].sort());
  assert.deepEqual(Object.keys(SHELL_SCHEMAS).sort(), [...SHELL_METHODS].sort());
});

test('valid requests of every shape pass and come back as fresh objects', () => {
  const valid: [string, unknown][] = [
    ['inspectModel', { modelPath: '/m.onnx' }],
    ['openSession', { modelPath: '/m.onnx', precision: 'int8', calibration: { kind: 'random', count: 64, seed: 1 } }],
    ['openSession', { modelPath: '/m.onnx', precision: 'fp16', calibration: { kind: 'images', dir: '/imgs', limit: 10, preprocess: { resize: 224 } }, evaluation: { kind: 'npz', path: '/e.npz' }, calibrator: 'max', inputShapes: { x: [1, 3, 224, 224] }, labelOffset: 1, plan }],
    ['build', { sessionId: 's' }],
    ['build', { sessionId: 's', plan }],
    ['applyPlanChange', { sessionId: 's', change: { kind: 'pin', layerIds: ['a', 'b'], precision: 'fp32' } }],
    ['applyPlanChange', { sessionId: 's', change: { kind: 'unpin', layerIds: ['a'] } }],
    ['applyPlanChange', { sessionId: 's', change: { kind: 'replace', plan } }],
    ['getBuild', { sessionId: 's', buildId: 1 }],
    ['report', { sessionId: 's', buildId: 1 }],
    ['layerDetail', { sessionId: 's', buildId: 1, layerId: 'conv1' }],
    ['heatmap', { sessionId: 's', buildId: 1, columns: 32 }],
    ['graph', { sessionId: 's' }],
    ['history', { sessionId: 's' }],
    ['diff', { sessionId: 's', fromBuildId: 1, toBuildId: 2 }],
    ['sensitivity', { sessionId: 's', samples: 8, target: 'cosine>=0.999', compareSearches: true }],
    ['previewSample', { modelPath: '/m.onnx', data: { kind: 'npy', path: '/x.npy' }, index: 0 }],
    ['exportBuild', { sessionId: 's', buildId: 1, outDir: '/out', force: true, kinds: ['qdq-onnx'] }],
    ['closeSession', { sessionId: 's' }],
  ];
  for (const [method, params] of valid) {
    const parsed = parseServiceParams(method, params);
    assert.deepEqual(parsed, params, method);
    assert.notEqual(parsed, params);
  }
});

test('hostile and malformed requests are refused with BAD_PARAMS / UNKNOWN_METHOD', () => {
  const bad: [string, unknown][] = [
    ['inspectModel', null],
    ['inspectModel', 'x'],
    ['inspectModel', {}],
    ['inspectModel', { modelPath: 42 }],
    ['inspectModel', { modelPath: '' }],
    ['inspectModel', { modelPath: 'a'.repeat(5000) }],
    ['inspectModel', { modelPath: '/m\0.onnx' }],
    ['inspectModel', { modelPath: '/m.onnx', extra: 1 }],
    ['openSession', { modelPath: '/m.onnx', precision: 'int4' }],
    ['openSession', { modelPath: '/m.onnx', precision: 'int8', calibration: { kind: 'random', count: 1e9, seed: 1 } }],
    ['openSession', { modelPath: '/m.onnx', precision: 'int8', calibration: { kind: 'shell', cmd: 'rm' } }],
    ['openSession', { modelPath: '/m.onnx', precision: 'int8', inputShapes: JSON.parse('{"__proto__": [1]}') }],
    ['openSession', { modelPath: '/m.onnx', precision: 'int8', inputShapes: { x: [1.5] } }],
    ['build', { sessionId: 's', plan: { ...plan, version: 2 } }],
    ['build', { sessionId: 's', plan: { ...plan, layers: { a: { activationAmax: -1 } } } }],
    ['applyPlanChange', { sessionId: 's', change: { kind: 'pin', layerIds: [], precision: 'fp16' } }],
    ['applyPlanChange', { sessionId: 's', change: { kind: 'pin', layerIds: new Array(100_001).fill('a'), precision: 'fp16' } }],
    ['getBuild', { sessionId: 's', buildId: -1 }],
    ['getBuild', { sessionId: 's', buildId: '1' }],
    ['heatmap', { sessionId: 's', buildId: 1, columns: 10_000 }],
    ['exportBuild', { sessionId: 's', buildId: 1, outDir: '/o', kinds: new Array(40).fill('x') }],
  ];
  for (const [method, params] of bad) assert.equal(code(() => parseServiceParams(method, params)), 'BAD_PARAMS', `${method} ${JSON.stringify(params)?.slice(0, 80)}`);
  for (const method of ['__proto__', 'constructor', 'toString', 'rm', '', 42, null]) assert.equal(code(() => parseServiceParams(method, {})), 'UNKNOWN_METHOD', String(method));
  assert.equal(code(() => parseShellParams('openPath', { path: '/x.onnx' })), 'OK');
  assert.equal(code(() => parseShellParams('openPath', { path: ['/x'] })), 'BAD_PARAMS');
  assert.equal(code(() => parseShellParams('recentFiles', { all: true })), 'BAD_PARAMS');
  assert.equal(code(() => parseShellParams('exec' as 'openPath', {})), 'UNKNOWN_METHOD');
});

test('client envelopes: call and cancel only, integer ids', () => {
  assert.deepEqual(parseClientEnvelope({ type: 'call', id: 1, method: 'graph', params: { sessionId: 's' } }), { type: 'call', id: 1, method: 'graph', params: { sessionId: 's' } });
  assert.deepEqual(parseClientEnvelope({ type: 'cancel', id: 7 }), { type: 'cancel', id: 7 });
  for (const bad of [null, [], { type: 'call', id: 1.5, method: 'graph', params: {} }, { type: 'eval', id: 1 }, { type: 'cancel', id: -1 }, { type: 'cancel', id: 1, extra: 1 }]) {
    assert.equal(code(() => parseClientEnvelope(bad)), 'BAD_MESSAGE', JSON.stringify(bad));
  }
});
