import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { zipSync } from 'fflate';
import { readImageFile } from '../../../main/data/image-decode';
import { preprocessImage, resolvePreprocessSpec } from '../../../main/data/preprocess';
import { openSampleSource, type SampleSourceOptions } from '../../../main/data/sample-sources';
import type { ModelInputSpec, Sample, SampleSource } from '../../../main/data/types';
import { SHARED_DATA, hasCode, npyBytes, sharedImage, withTempDir } from './data-test-helpers';

const RGB224: ModelInputSpec = { name: 'input', dataType: 'float32', dims: [1, 3, 224, 224] };
const CALIB = sharedImage('calib');
const TENCH = sharedImage('calib/n01440764_tench.JPEG');

async function collect(source: SampleSource): Promise<Sample[]> {
  const samples: Sample[] = [];
  for await (const sample of source.samples()) samples.push(sample);
  return samples;
}
const f32 = (values: number[], shape: number[]) => npyBytes({ descr: '<f4', shape, data: Float32Array.from(values) });

test('image folder → preprocessed float32 NCHW tensors, files sorted by name, limit respected', async () => {
  const source = await openSampleSource({ kind: 'images', dir: CALIB, limit: 3 }, [RGB224]);
  assert.equal(source.count, 3);
  assert.match(source.description, /3 images .* input 'input' float32\[1, 3, 224, 224\].*resize shorter side to 256.*center crop 224×224.*RGB.*NCHW/);
  const samples = await collect(source);
  assert.deepEqual(
    samples.map((s) => s.id),
    ['n01440764_tench.JPEG', 'n01484850_great_white_shark.JPEG', 'n01494475_hammerhead.JPEG'],
  );
  const first = samples[0].feeds.input;
  assert.equal(first.dataType, 'float32');
  assert.deepEqual(first.dims, [1, 3, 224, 224]);
  assert.equal(first.data.length, 3 * 224 * 224);
  assert.ok((first.data as Float32Array).every((v) => Number.isFinite(v) && v > -2.2 && v < 2.7), 'ImageNet-normalised range');
  const direct = preprocessImage(await readImageFile(TENCH), resolvePreprocessSpec(undefined, RGB224));
  assert.deepEqual(first.data, direct.data);
  assert.equal(samples[0].label, undefined);
});

test('image samples stream: nothing is decoded at open, each file is read when the iterator reaches it', async () => {
  await withTempDir(async (dir) => {
    const tench = await readFile(TENCH);
    await writeFile(join(dir, 'a.jpg'), tench);
    await writeFile(join(dir, 'b.jpg'), tench.subarray(0, 5000)); // truncated
    const source = await openSampleSource({ kind: 'images', dir, preprocess: { resize: { width: 32, height: 32 } } }, [
      { name: 'x', dataType: 'uint8', dims: [1, 32, 32, 3] },
    ]);
    assert.equal(source.count, 2);
    // replaced after open: the new bytes are what the iterator decodes
    await writeFile(join(dir, 'a.jpg'), await readFile(sharedImage('calib/n03388043_fountain.JPEG')));
    const iterator = source.samples()[Symbol.asyncIterator]();
    const first = await iterator.next();
    assert.equal(first.done, false);
    const tensor = first.value!.feeds.x;
    assert.equal(tensor.dataType, 'uint8');
    assert.deepEqual(tensor.dims, [1, 32, 32, 3]);
    const data = tensor.data as Uint8Array;
    for (let i = 0; i < data.length; i += 3) assert.ok(data[i] === data[i + 1] && data[i] === data[i + 2], 'grayscale replacement was decoded');
    await assert.rejects(iterator.next(), hasCode('IMAGE_UNREADABLE', /b\.jpg/));
  });
});

test('empty folders and folders without images are DATA_FOLDER_EMPTY; hidden and non-image files are skipped', async () => {
  await withTempDir(async (dir) => {
    await assert.rejects(openSampleSource({ kind: 'images', dir }, [RGB224]), hasCode('DATA_FOLDER_EMPTY', /folder is empty/));
    await writeFile(join(dir, 'notes.txt'), 'x');
    await writeFile(join(dir, '.DS_Store'), 'x');
    await writeFile(join(dir, '._photo.jpg'), 'AppleDouble');
    await mkdir(join(dir, 'folder.jpg'));
    await assert.rejects(openSampleSource({ kind: 'images', dir }, [RGB224]), hasCode('DATA_FOLDER_EMPTY', /found only .*1 \.txt/));
    await copyFile(TENCH, join(dir, 'real.JPG'));
    const source = await openSampleSource({ kind: 'images', dir }, [RGB224]);
    assert.equal(source.count, 1);
    assert.match(source.description, /skipped/);
    assert.deepEqual((await collect(source)).map((s) => s.id), ['real.JPG']);
  });
  await assert.rejects(openSampleSource({ kind: 'images', dir: '/nonexistent/folder' }, [RGB224]), hasCode('DATA_PATH_NOT_FOUND'));
});

test('a preprocessing spec file is applied, with explicit fields overriding it', async () => {
  await withTempDir(async (dir) => {
    const specFile = join(dir, 'spec.json');
    await writeFile(specFile, JSON.stringify({ resize: { width: 16, height: 16 }, centerCrop: null, scale: 'byte', channelOrder: 'BGR' }));
    const input: ModelInputSpec = { name: 'x', dataType: 'float32', dims: [1, 3, 16, 16] };
    const source = await openSampleSource({ kind: 'images', dir: TENCH, preprocessFile: specFile, preprocess: { channelOrder: 'RGB', mean: undefined } }, [input]);
    assert.match(source.description, /resize to 16×16.*RGB, pixels 0–255, mean \[0, 0, 0\], std \[1, 1, 1\]/);
    const [sample] = await collect(source);
    const expected = preprocessImage(await readImageFile(TENCH), resolvePreprocessSpec({ resize: { width: 16, height: 16 }, centerCrop: null, scale: 'byte' }, input));
    assert.deepEqual(sample.feeds.x.data, expected.data);
    await writeFile(specFile, '{"scale": "percent"}');
    await assert.rejects(openSampleSource({ kind: 'images', dir: TENCH, preprocessFile: specFile }, [input]), hasCode('PREPROCESS_SPEC_INVALID', /spec\.json/));
  });
});

test('labels from eval_labels.tsv are attached by file name', async () => {
  const source = await openSampleSource(
    { kind: 'images', dir: sharedImage('eval'), labels: `${SHARED_DATA}/labels/eval_labels.tsv`, limit: 4, preprocess: { resize: { width: 224, height: 224 } } },
    [RGB224],
  );
  assert.match(source.description, /column class_index\) for 4 of 4/);
  const samples = await collect(source);
  assert.deepEqual(
    samples.map((s) => [s.id, s.label]),
    [
      ['n01491361_tiger_shark.JPEG', 3],
      ['n01498041_stingray.JPEG', 6],
      ['n01530575_brambling.JPEG', 10],
      ['n01558993_robin.JPEG', 15],
    ],
  );
  await withTempDir(async (dir) => {
    const labels = join(dir, 'other.tsv');
    await writeFile(labels, 'somewhere_else.jpg\t1\n');
    await assert.rejects(openSampleSource({ kind: 'images', dir: CALIB, labels }, [RGB224]), hasCode('LABELS_NO_MATCH', /none of the 200 images/));
  });
});

test('multi-input models: image sources refuse unless zero-filling is asked for', async () => {
  const image: ModelInputSpec = { name: 'image', dataType: 'float32', dims: [1, 3, 64, 64] };
  const scale: ModelInputSpec = { name: 'scale_factor', dataType: 'float32', dims: [1, 2] };
  await assert.rejects(openSampleSource({ kind: 'images', dir: TENCH }, [image, scale]), hasCode('IMAGE_SOURCE_MULTI_INPUT', /'scale_factor'.*npz/));
  const source = await openSampleSource({ kind: 'images', dir: TENCH, otherInputs: 'zeros' }, [scale, image]);
  assert.match(source.description, /'scale_factor' zero-filled/);
  const [sample] = await collect(source);
  assert.deepEqual(Object.keys(sample.feeds).sort(), ['image', 'scale_factor']);
  assert.deepEqual([...sample.feeds.scale_factor.data], [0, 0]);
  assert.deepEqual(sample.feeds.image.dims, [1, 3, 64, 64]);
  await assert.rejects(
    openSampleSource({ kind: 'images', dir: TENCH, otherInputs: 'zeros' }, [image, { ...image, name: 'image2' }]),
    hasCode('IMAGE_SOURCE_MULTI_INPUT', /2 of them look like an image/),
  );
});

test('a single .npy holding a batch is split into samples for a batch-1 input', async () => {
  await withTempDir(async (dir) => {
    const input: ModelInputSpec = { name: 'x', dataType: 'float32', dims: [1, 3] };
    const path = join(dir, 'batch.npy');
    await writeFile(path, f32([0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32], [4, 3]));
    const source = await openSampleSource({ kind: 'npy', path }, [input]);
    assert.equal(source.count, 4);
    const samples = await collect(source);
    assert.deepEqual(samples.map((s) => s.id), ['batch.npy#0', 'batch.npy#1', 'batch.npy#2', 'batch.npy#3']);
    assert.deepEqual(samples.map((s) => [...s.feeds.x.data]), [[0, 1, 2], [10, 11, 12], [20, 21, 22], [30, 31, 32]]);
    assert.deepEqual(samples[2].feeds.x.dims, [1, 3]);
    assert.equal((await openSampleSource({ kind: 'npy', path, limit: 2 }, [input])).count, 2);
  });
});

test('shape and dtype mismatches name the file, the input, what was expected and what was got', async () => {
  await withTempDir(async (dir) => {
    const input: ModelInputSpec = { name: 'pixels', dataType: 'float32', dims: [1, 3, 4, 4] };
    const write = async (name: string, bytes: Uint8Array) => {
      await writeFile(join(dir, name), bytes);
      return join(dir, name);
    };
    const f64 = await write('f64.npy', npyBytes({ descr: '<f8', shape: [1, 3, 4, 4], data: new Float64Array(48) }));
    await assert.rejects(
      openSampleSource({ kind: 'npy', path: f64 }, [input]),
      hasCode('INPUT_DTYPE_MISMATCH', /f64\.npy.*'pixels' expects float32 but the array is float64.*astype\(np\.float32\)/),
    );
    const noBatch = await write('nobatch.npy', f32(new Array(48).fill(0), [3, 4, 4]));
    await assert.rejects(
      openSampleSource({ kind: 'npy', path: noBatch }, [input]),
      hasCode('INPUT_SHAPE_MISMATCH', /nobatch\.npy.*'pixels' expects shape \[1, 3, 4, 4\] but the array has shape \[3, 4, 4\].*batch dimension/),
    );
    const nhwc = await write('nhwc.npy', f32(new Array(48).fill(0), [1, 4, 4, 3]));
    await assert.rejects(openSampleSource({ kind: 'npy', path: nhwc }, [input]), hasCode('INPUT_SHAPE_MISMATCH', /NHWC data for an NCHW input/));
    const ragged = await write('ragged.npy', f32(new Array(40).fill(0), [1, 10, 4]));
    await assert.rejects(openSampleSource({ kind: 'npy', path: ragged }, [input]), hasCode('INPUT_SHAPE_MISMATCH', /\[1, 10, 4\]/));
  });
});

test('a folder of .npy files streams one sample per file, in name order', async () => {
  await withTempDir(async (dir) => {
    const input: ModelInputSpec = { name: 'x', dataType: 'float32', dims: [1, 2] };
    await writeFile(join(dir, 'b.npy'), f32([3, 4], [1, 2]));
    await writeFile(join(dir, 'a.npy'), f32([1, 2], [1, 2]));
    await writeFile(join(dir, 'c.npy'), Buffer.from('\x80\x04K\x01.', 'latin1')); // a pickle, read last
    await writeFile(join(dir, 'ignored.txt'), 'x');
    const source = await openSampleSource({ kind: 'npy', path: dir }, [input]);
    assert.equal(source.count, 3);
    const iterator = source.samples()[Symbol.asyncIterator]();
    assert.deepEqual([...(await iterator.next()).value!.feeds.x.data], [1, 2]);
    assert.deepEqual([...(await iterator.next()).value!.feeds.x.data], [3, 4]);
    await assert.rejects(iterator.next(), hasCode('NPY_PICKLE_REFUSED', /c\.npy/));
  });
  await withTempDir(async (dir) => {
    await writeFile(join(dir, 'two.npy'), f32([1, 2, 3, 4], [2, 2]));
    const source = await openSampleSource({ kind: 'npy', path: dir }, [{ name: 'x', dataType: 'float32', dims: [1, 2] }]);
    await assert.rejects(collect(source), hasCode('INPUT_SHAPE_MISMATCH', /each file holds exactly one sample/));
    await assert.rejects(openSampleSource({ kind: 'npz', path: dir }, [{ name: 'x', dataType: 'float32', dims: [1, 2] }]), hasCode('DATA_FOLDER_EMPTY', /\.npz/));
  });
});

test('.npz: one array per input by name, labels from a "label" array, batches split, positional arr_N', async () => {
  const image: ModelInputSpec = { name: 'image', dataType: 'float32', dims: [1, 2] };
  const mask: ModelInputSpec = { name: 'mask', dataType: 'uint8', dims: [1, 1] };
  const u8 = (values: number[], shape: number[]) => npyBytes({ descr: '|u1', shape, data: Uint8Array.from(values) });
  await withTempDir(async (dir) => {
    await writeFile(join(dir, 's0.npz'), zipSync({ 'image.npy': f32([1, 2], [1, 2]), 'mask.npy': u8([1], [1, 1]), 'label.npy': npyBytes({ descr: '<i8', shape: [1], data: BigInt64Array.from([7n]) }) }));
    await writeFile(join(dir, 's1.npz'), zipSync({ 'mask.npy': [u8([0], [1, 1]), { level: 0 }], 'image.npy': f32([3, 4], [1, 2]) }));
    const source = await openSampleSource({ kind: 'npz', path: dir }, [image, mask]);
    const samples = await collect(source);
    assert.deepEqual(samples.map((s) => [s.id, s.label, [...s.feeds.image.data], [...s.feeds.mask.data]]), [
      ['s0.npz', 7, [1, 2], [1]],
      ['s1.npz', undefined, [3, 4], [0]],
    ]);

    const batched = join(dir, 'batched.npz');
    await writeFile(batched, zipSync({ 'image.npy': f32([1, 2, 3, 4, 5, 6], [3, 2]), 'mask.npy': u8([1, 0, 1], [3, 1]), 'labels.npy': npyBytes({ descr: '<i4', shape: [3], data: Int32Array.from([4, 5, 6]) }) }));
    const split = await collect(await openSampleSource({ kind: 'npz', path: batched }, [image, mask]));
    assert.deepEqual(split.map((s) => [s.id, s.label, [...s.feeds.image.data], [...s.feeds.mask.data]]), [
      ['batched.npz#0', 4, [1, 2], [1]],
      ['batched.npz#1', 5, [3, 4], [0]],
      ['batched.npz#2', 6, [5, 6], [1]],
    ]);

    const positional = join(dir, 'positional.npz');
    await writeFile(positional, zipSync({ 'arr_0.npy': f32([9, 8], [1, 2]), 'arr_1.npy': u8([1], [1, 1]) }));
    const [sample] = await collect(await openSampleSource({ kind: 'npz', path: positional }, [image, mask]));
    assert.deepEqual([[...sample.feeds.image.data], [...sample.feeds.mask.data]], [[9, 8], [1]]);

    const missing = join(dir, 'missing.npz');
    await writeFile(missing, zipSync({ 'image.npy': f32([1, 2], [1, 2]), 'msk.npy': u8([1], [1, 1]) }));
    await assert.rejects(openSampleSource({ kind: 'npz', path: missing }, [image, mask]), hasCode('NPZ_MISSING_INPUT', /missing\.npz.*'mask'.*it holds: image, msk/));

    const uneven = join(dir, 'uneven.npz');
    await writeFile(uneven, zipSync({ 'image.npy': f32([1, 2, 3, 4], [2, 2]), 'mask.npy': u8([1, 0, 1], [3, 1]) }));
    await assert.rejects(openSampleSource({ kind: 'npz', path: uneven }, [image, mask]), hasCode('INPUT_SHAPE_MISMATCH', /different numbers of samples/));

    await assert.rejects(openSampleSource({ kind: 'npy', path: dir }, [image, mask]), hasCode('NPY_NEEDS_SINGLE_INPUT'));
    const single = join(dir, 'single.npy');
    await writeFile(single, f32([1, 2], [1, 2]));
    await assert.rejects(openSampleSource({ kind: 'npy', path: single }, [image, mask]), hasCode('NPY_NEEDS_SINGLE_INPUT', /single\.npy/));
  });
});

test('random samples are reproducible per seed and per sample index', async () => {
  const inputs: ModelInputSpec[] = [
    { name: 'x', dataType: 'float32', dims: [1, 3, 64, 64] },
    { name: 'img', dataType: 'uint8', dims: [1, 8, 8, 3] },
    { name: 'h', dataType: 'float16', dims: [4] },
  ];
  const options = (seed: number, count: number, extra: { distribution?: 'normal' | 'uniform' } = {}): SampleSourceOptions => ({ kind: 'random', seed, count, ...extra });
  const a = await collect(await openSampleSource(options(42, 3), inputs));
  const b = await collect(await openSampleSource(options(42, 3), inputs));
  const c = await collect(await openSampleSource(options(43, 3), inputs));
  const longer = await collect(await openSampleSource(options(42, 5), inputs));
  assert.deepEqual(a.map((s) => s.id), ['random-0', 'random-1', 'random-2']);
  for (let i = 0; i < 3; i++) {
    for (const name of ['x', 'img', 'h']) {
      assert.deepEqual(a[i].feeds[name].data, b[i].feeds[name].data, `same seed, sample ${i}, ${name}`);
      assert.deepEqual(a[i].feeds[name].data, longer[i].feeds[name].data, 'independent of count');
    }
    assert.notDeepEqual(a[i].feeds.x.data, c[i].feeds.x.data, 'another seed differs');
  }
  assert.notDeepEqual(a[0].feeds.x.data, a[1].feeds.x.data, 'samples differ');
  const limited = await collect(await openSampleSource({ kind: 'random', seed: 42, count: 5, limit: 2 }, inputs));
  assert.equal(limited.length, 2);
  assert.deepEqual(limited[1].feeds.x.data, a[1].feeds.x.data);
  const values = a[0].feeds.x.data as Float32Array;
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length;
  assert.ok(Math.abs(mean) < 0.02 && Math.abs(variance - 1) < 0.03, `standard normal: mean ${mean}, variance ${variance}`);
  const bytes = a[0].feeds.img.data as Uint8Array;
  assert.ok(bytes instanceof Uint8Array && Math.min(...bytes) < 20 && Math.max(...bytes) > 235, 'uint8 images uniform 0..255');
  const uniform = (await collect(await openSampleSource(options(1, 1, { distribution: 'uniform' }), inputs)))[0].feeds.x.data as Float32Array;
  assert.ok(uniform.every((v) => v >= 0 && v < 1) && Math.abs(uniform.reduce((s, v) => s + v, 0) / uniform.length - 0.5) < 0.01);
});

test('random data refuses integer inputs without a range, and validates options', async () => {
  const ids: ModelInputSpec = { name: 'input_ids', dataType: 'int64', dims: [1, 16] };
  await assert.rejects(openSampleSource({ kind: 'random', seed: 1, count: 2 }, [ids]), hasCode('RANDOM_INPUT_UNSUPPORTED', /'input_ids'.*intRange/));
  const [sample] = await collect(await openSampleSource({ kind: 'random', seed: 1, count: 1, intRange: [0, 999] }, [ids]));
  const tokens = sample.feeds.input_ids.data as BigInt64Array;
  assert.ok(tokens instanceof BigInt64Array && tokens.every((v) => v >= 0n && v <= 999n));
  await assert.rejects(openSampleSource({ kind: 'random', seed: 1, count: 0 }, [ids]), hasCode('DATA_OPTIONS_INVALID', /count/));
  await assert.rejects(openSampleSource({ kind: 'random', seed: 1, count: 1, intRange: [0, 300] }, [{ ...ids, dataType: 'uint8' }]), hasCode('DATA_OPTIONS_INVALID', /intRange/));
  await assert.rejects(openSampleSource({ kind: 'images', dir: CALIB, limit: 0 }, [RGB224]), hasCode('DATA_OPTIONS_INVALID', /limit/));
  await assert.rejects(openSampleSource({ kind: 'video' } as unknown as SampleSourceOptions, [RGB224]), hasCode('DATA_OPTIONS_INVALID', /video/));
});
