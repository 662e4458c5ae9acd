import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_SETUP, requestFromForm, type SetupForm } from '../../renderer/src/state/setup-form';
import { formatBytes, formatCosine, formatDb, formatDeltaDb, formatDims, formatMs, formatNumber, formatPercent } from '../../renderer/src/format/units';

const form = (change: Partial<SetupForm>): SetupForm => ({ ...DEFAULT_SETUP, modelPath: '/m.onnx', calibration: { ...DEFAULT_SETUP.calibration, path: '/calib' }, ...change });

describe('setup form → OpenSessionRequest', () => {
  test('images with inferred preprocessing: no preprocess object, limit as a number', () => {
    const { request, problems } = requestFromForm(form({}));
    assert.deepEqual(problems, []);
    assert.deepEqual(request, { modelPath: '/m.onnx', precision: 'int8', calibrator: 'entropy', calibration: { kind: 'images', dir: '/calib', limit: 64 } });
  });

  test('explicit preprocessing becomes the engine preprocess fields', () => {
    const { request } = requestFromForm(form({ preprocess: { ...DEFAULT_SETUP.preprocess, auto: false, resizeMode: 'shorter', shorterSide: '256', crop: '224x224', mean: '0.485, 0.456, 0.406', std: '0.229 0.224 0.225', channelOrder: 'BGR', scale: 'byte', layout: 'NHWC' } }));
    assert.deepEqual(request!.calibration, {
      kind: 'images', dir: '/calib', limit: 64,
      preprocess: { scale: 'byte', channelOrder: 'BGR', layout: 'NHWC', resize: { shorterSide: 256 }, centerCrop: { width: 224, height: 224 }, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
    });
  });

  test('random and npz sources, separate evaluation data with labels', () => {
    const { request } = requestFromForm(form({ calibration: { ...DEFAULT_SETUP.calibration, kind: 'random', count: '16', seed: '3' }, evalSameAsCalibration: false, evaluation: { ...DEFAULT_SETUP.evaluation, kind: 'npz', path: '/e.npz', limit: '' } }));
    assert.deepEqual(request!.calibration, { kind: 'random', count: 16, seed: 3 });
    assert.deepEqual(request!.evaluation, { kind: 'npz', path: '/e.npz' });
  });

  test('problems are listed and no request is made', () => {
    const { request, problems } = requestFromForm({ ...DEFAULT_SETUP, calibration: { ...DEFAULT_SETUP.calibration, limit: '-3' }, preprocess: { ...DEFAULT_SETUP.preprocess, auto: false, crop: '22', std: '1, 0' } });
    assert.equal(request, null);
    assert.deepEqual(problems, ['Model: give the path of an .onnx file', 'Calibration data: give a folder of images']);
    const more = requestFromForm(form({ calibration: { ...DEFAULT_SETUP.calibration, path: '/c', limit: '-3' }, preprocess: { ...DEFAULT_SETUP.preprocess, auto: false, crop: '22', std: '1, 0' } }));
    assert.deepEqual(more.problems, ['Calibration data: sample limit must be a whole number above 0 (got "-3")', 'Center crop: expected WIDTHxHEIGHT, e.g. 224x224', 'Std: a zero would divide by zero']);
  });
});

describe('units', () => {
  test('every number prints with its unit, and missing values as a dash', () => {
    assert.equal(formatDb(31.26), '31.3 dB');
    assert.equal(formatDb(null), '–');
    assert.equal(formatDb(null, { exact: true }), 'exact');
    assert.equal(formatDb(142.4), '142 dB');
    assert.equal(formatPercent(0.0851), '8.5 %');
    assert.equal(formatPercent(0.00001, 2), '<0.01 %');
    assert.equal(formatPercent(0), '0.0 %');
    assert.equal(formatCosine(0.996381), '0.99638');
    assert.equal(formatCosine(0.9), '0.9000');
    assert.equal(formatMs(8.25), '8.3 ms');
    assert.equal(formatMs(412), '412 ms');
    assert.equal(formatMs(8431), '8.43 s');
    assert.equal(formatMs(125_000), '2 min 5 s');
    assert.equal(formatBytes(9_412_331), '9.0 MB');
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatNumber(0.000012), '1.200e-5');
    assert.equal(formatNumber(1234.5678), '1235');
    assert.equal(formatNumber(Number.NaN), '–');
    assert.equal(formatDims([1, 3, null, 'w']), '[1×3×?×w]');
    assert.equal(formatDeltaDb(-1), '−1.0 dB');
    assert.equal(formatDeltaDb(3.21), '+3.2 dB');
  });
});
