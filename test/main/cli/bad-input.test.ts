/**
 * Bad input: `pwb analyze` exits 2 with one message naming the file and the problem, and writes nothing
 * (an existing report.json stays byte-identical).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { float32Tensor } from '../../../app/onnx/tensor-data';
import { outlierConvNet } from '../../../fixtures/models';
import { DataType, GraphBuilder, encode, seededRandom, valueInfo } from '../../../fixtures/onnx-builder';
import { main } from '../../../main/cli/pwb';
import { fixtureModel, sharedModel } from '../../helpers/paths';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { write: (s: string) => (out += s) }, { write: (s: string) => (err += s) });
  return { code, out, err };
}

function tempDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'pwb-bad-input-'));
}

/** Runs analyze into an out dir that already holds a report, and checks the exit code, the message and that nothing changed. */
async function expectRefused(args: string[], code: string, mention: RegExp): Promise<void> {
  const out = tempDir();
  const sentinel = '{"previous": true}';
  writeFileSync(path.join(out, 'report.json'), sentinel);
  const result = await run(['analyze', ...args, '--out', out, '-q']);
  assert.equal(result.code, 2, `exit code for ${code}: ${result.err}`);
  assert.match(result.err, new RegExp(`\\[${code}\\]`), result.err);
  assert.match(result.err, mention);
  assert.equal(result.err.trim().split('\n').length, 1, 'one message');
  assert.equal(readFileSync(path.join(out, 'report.json'), 'utf8'), sentinel, 'previous report untouched');
  assert.deepEqual(readdirSync(out), ['report.json'], 'no partial output');
}

function externalDataModel(location: string): Uint8Array {
  const b = new GraphBuilder(seededRandom(1));
  b.initializers.push({ name: 'w', dims: [4, 4], dataType: DataType.FLOAT, dataLocation: 1, externalData: [{ key: 'location', value: location }, { key: 'offset', value: '0' }, { key: 'length', value: '64' }] });
  b.node('MatMul', ['x', 'w'], {}, 'mm', ['y']);
  return encode(b.model([valueInfo('x', DataType.FLOAT, [1, 4])], [valueInfo('y', DataType.FLOAT, [1, 4])]));
}

test('not an ONNX file, and a truncated one', async () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'notes.onnx'), 'this is a text file, not a model\n');
  await expectRefused([path.join(dir, 'notes.onnx'), '--random', '2'], 'ONNX_(MALFORMED|NOT_A_MODEL)', /notes\.onnx/);
  const bytes = readFileSync(sharedModel('yolox_nano.onnx'));
  writeFileSync(path.join(dir, 'cut.onnx'), bytes.subarray(0, Math.floor(bytes.length / 2)));
  await expectRefused([path.join(dir, 'cut.onnx'), '--random', '2'], 'ONNX_MALFORMED', /cut\.onnx.*truncated|cut\.onnx.*past the end/);
  await expectRefused([path.join(dir, 'missing.onnx'), '--random', '2'], 'FILE_NOT_FOUND', /missing\.onnx/);
});

test('external data: missing, escaping with .., absolute, or through a symlink', async () => {
  const outside = tempDir();
  writeFileSync(path.join(outside, 'secret.bin'), new Uint8Array(64));
  const dir = tempDir();
  writeFileSync(path.join(dir, 'missing.onnx'), externalDataModel('weights.bin'));
  await expectRefused([path.join(dir, 'missing.onnx'), '--random', '2'], 'EXTERNAL_DATA_MISSING', /weights\.bin/);
  writeFileSync(path.join(dir, 'dotdot.onnx'), externalDataModel(`../${path.basename(outside)}/secret.bin`));
  await expectRefused([path.join(dir, 'dotdot.onnx'), '--random', '2'], 'EXTERNAL_DATA_OUTSIDE_MODEL_DIR', /secret\.bin/);
  writeFileSync(path.join(dir, 'absolute.onnx'), externalDataModel(path.join(outside, 'secret.bin')));
  await expectRefused([path.join(dir, 'absolute.onnx'), '--random', '2'], 'EXTERNAL_DATA_OUTSIDE_MODEL_DIR', /secret\.bin/);
  symlinkSync(path.join(outside, 'secret.bin'), path.join(dir, 'link.bin'));
  writeFileSync(path.join(dir, 'symlink.onnx'), externalDataModel('link.bin'));
  await expectRefused([path.join(dir, 'symlink.onnx'), '--random', '2'], 'EXTERNAL_DATA_OUTSIDE_MODEL_DIR', /link\.bin/);
});

test('external data inside the model folder is read', async () => {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'weights.bin'), new Uint8Array(new Float32Array(16).fill(0.5).buffer));
  writeFileSync(path.join(dir, 'ok.onnx'), externalDataModel('weights.bin'));
  const out = path.join(tempDir(), 'report');
  const result = await run(['analyze', path.join(dir, 'ok.onnx'), '--random', '2', '--out', out, '-q']);
  assert.equal(result.code, 0, result.err);
  assert.ok(existsSync(path.join(out, 'report.json')));
});

test('an op or opset ONNX Runtime cannot run', async () => {
  const dir = tempDir();
  const b = new GraphBuilder(seededRandom(2));
  b.constant('w', [4, 4], new Float32Array(16).fill(1));
  const h = b.node('MatMul', ['x', 'w'], {}, 'mm');
  b.node('NoSuchOperator', [h], {}, 'mystery', ['y']);
  writeFileSync(path.join(dir, 'unknown-op.onnx'), encode(b.model([valueInfo('x', DataType.FLOAT, [1, 4])], [valueInfo('y', DataType.FLOAT, [1, 4])])));
  await expectRefused([path.join(dir, 'unknown-op.onnx'), '--random', '2'], 'RUNTIME_[A-Z_]+', /unknown-op\.onnx.*NoSuchOperator/);
  const c = new GraphBuilder(seededRandom(3));
  c.constant('w', [4, 4], new Float32Array(16).fill(1));
  c.node('MatMul', ['x', 'w'], {}, 'mm', ['y']);
  writeFileSync(path.join(dir, 'future-opset.onnx'), encode(c.model([valueInfo('x', DataType.FLOAT, [1, 4])], [valueInfo('y', DataType.FLOAT, [1, 4])], 999)));
  await expectRefused([path.join(dir, 'future-opset.onnx'), '--random', '2'], 'RUNTIME_[A-Z_]+', /future-opset\.onnx.*(opset|999)/i);
});

test('data problems: wrong input shape, unreadable image, empty folder, pickled .npy', async () => {
  const model = fixtureModel('outlier-convnet.onnx');
  const dir = tempDir();
  // .npy with shape [1,3,16,16] for an input of [1,3,32,32]
  const header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 16, 16), }";
  const padded = header + ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const npy = Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY'), Buffer.from([1, 0]), Buffer.from(new Uint16Array([padded.length]).buffer), Buffer.from(padded, 'latin1'), Buffer.from(new Float32Array(3 * 16 * 16).buffer)]);
  writeFileSync(path.join(dir, 'small.npy'), npy);
  await expectRefused([model, '--calib-data', path.join(dir, 'small.npy')], 'INPUT_SHAPE_MISMATCH', /small\.npy/);

  const images = path.join(dir, 'images');
  mkdirSync(images);
  writeFileSync(path.join(images, 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1]));
  await expectRefused([model, '--calib-data', images], 'IMAGE_UNREADABLE', /broken\.jpg/);

  const empty = path.join(dir, 'empty');
  mkdirSync(empty);
  await expectRefused([model, '--calib-data', empty], 'DATA_FOLDER_EMPTY', /empty/);

  const pickleHeader = "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }";
  const pickled = pickleHeader + ' '.repeat(64 - ((10 + pickleHeader.length + 1) % 64)) + '\n';
  writeFileSync(path.join(dir, 'pickled.npy'), Buffer.concat([Buffer.from([0x93]), Buffer.from('NUMPY'), Buffer.from([1, 0]), Buffer.from(new Uint16Array([pickled.length]).buffer), Buffer.from(pickled, 'latin1'), Buffer.from([0x80, 0x04, 0x95])]));
  await expectRefused([model, '--calib-data', path.join(dir, 'pickled.npy')], 'NPY_PICKLE_REFUSED', /pickled\.npy/);
});

test('bad flags exit 2 without touching anything', async () => {
  const model = fixtureModel('outlier-convnet.onnx');
  await expectRefused([model, '--random', '2', '--precision', 'int4'], 'FLAG_INVALID', /int4/);
  await expectRefused([model, '--random', '2', '--calibrator', 'magic'], 'FLAG_INVALID', /magic/);
  await expectRefused([model, '--random', '2', '--fail-if', 'vibes>1'], 'FAIL_IF_INVALID', /vibes/);
  await expectRefused([model, '--random', '2', '--input-shape', 'input:1x3x32'], 'INPUT_SHAPE_MISMATCH', /rank/);
  const r = await run(['analyze', model, '--random', '2']);
  assert.equal(r.code, 2);
  assert.match(r.err, /--out/);
});

test('--fail-if exits 1 when the final output misses the threshold, 0 when it meets it', async () => {
  const model = fixtureModel('outlier-convnet.onnx');
  const out = tempDir();
  const fail = await run(['analyze', model, '--random', '4', '--out', out, '-q', '--fail-if', 'cosine<0.9999']);
  assert.equal(fail.code, 1, fail.err);
  assert.match(fail.err, /fail-if: cosine<0\.9999 \(value 0\.\d+\)/);
  assert.ok(existsSync(path.join(out, 'report.json')), 'the report is still written');
  const pass = await run(['analyze', model, '--random', '4', '--out', out, '-q', '--fail-if', 'cosine<0.5']);
  assert.equal(pass.code, 0, pass.err);
});

test('the fixture model is self-describing (inspect)', async () => {
  const r = await run(['inspect', fixtureModel('outlier-convnet.onnx')]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /Reduced-precision layers: 9/);
  assert.match(r.out, /input: float32 \[batch, 3, 32, 32\]/);
  void float32Tensor;
});

test('analyze --backend: tensorrt without TensorRT exits 2 before reading data and writes nothing; unknown backends are refused', async () => {
  const out = tempDir();
  const result = await run(['analyze', fixtureModel('example-convnet.onnx'), '--out', out, '--random', '2', '--backend', 'tensorrt', '--quiet']);
  assert.equal(result.code, 2, result.err);
  assert.match(result.err, /\[TENSORRT_UNAVAILABLE\]/);
  assert.deepEqual(readdirSync(out), []);
  const unknown = await run(['analyze', fixtureModel('example-convnet.onnx'), '--out', out, '--random', '2', '--backend', 'cuda']);
  assert.equal(unknown.code, 2);
  assert.match(unknown.err, /--backend 'cuda': expected onnxruntime or tensorrt/);
});
