/** `pwb serve`: the first stdout line is the URL with its token; /api/startup reflects MODEL and data flags. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { serveCommand, startupFromFlags } from '../../../main/server/serve-command';
import { fixtureModel } from '../../helpers/paths';

test('pwb serve MODEL prints the URL first and serves /api/startup with the model', async () => {
  let stdout = '';
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const modelPath = fixtureModel('outlier-convnet.onnx');
  const run = serveCommand(modelPath, { random: '8' }, { write: (s: string) => (stdout += s) }, { write: () => true }, stopped);
  while (!stdout.includes('\n')) await new Promise((r) => setTimeout(r, 20));
  const match = /^pwb serve: open (http:\/\/127\.0\.0\.1:(\d+))\/\?token=([0-9a-f]{64})\n/.exec(stdout);
  assert.ok(match, stdout);
  const startup = await (await fetch(`${match[1]}/api/startup?token=${match[3]}`)).json();
  assert.deepEqual(startup, { modelPath, autoOpen: { modelPath, precision: 'int8', calibration: { kind: 'random', count: 8, seed: 1 } } });
  stop();
  assert.equal(await run, 0);
});

test('startup from flags: no model → nothing; model without data → overview only; npz data', () => {
  assert.deepEqual(startupFromFlags(undefined, {}), { modelPath: null, autoOpen: null });
  assert.deepEqual(startupFromFlags('/m.onnx', {}), { modelPath: '/m.onnx', autoOpen: null });
  assert.deepEqual(startupFromFlags('/m.onnx', { 'calib-data': '/d/x.npz', precision: 'fp16' })?.autoOpen, { modelPath: '/m.onnx', precision: 'fp16', calibration: { kind: 'npz', path: '/d/x.npz' } });
  assert.throws(() => startupFromFlags('/m.onnx', { random: 'lots' }), /--random/);
});
