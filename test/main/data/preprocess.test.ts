import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import type { RgbImage } from '../../../main/data/image-decode';
import {
  IMAGENET_MEAN,
  IMAGENET_STD,
  loadPreprocessSpecFile,
  preprocessImage,
  resolvePreprocessSpec,
  type PartialPreprocessSpec,
} from '../../../main/data/preprocess';
import type { InputDataType, ModelInputSpec } from '../../../main/data/types';
import { hasCode, withTempDir } from './data-test-helpers';

/** 2×2 RGB: p0 = (0, 128, 255), p1 = (10, 20, 30), p2 = (255, 0, 64), p3 = (1, 2, 3), row-major. */
const TINY: RgbImage = { width: 2, height: 2, format: 'png', data: Uint8Array.from([0, 128, 255, 10, 20, 30, 255, 0, 64, 1, 2, 3]) };
const input = (dataType: InputDataType, dims: number[], name = 'x'): ModelInputSpec => ({ name, dataType, dims });
const NO_GEOMETRY: PartialPreprocessSpec = { resize: null, centerCrop: null };
const bits32 = (values: ArrayLike<number>) => Array.from(new Uint32Array(Float32Array.from(values).buffer), (v) => '0x' + v.toString(16));

test('float32 NCHW with mean/std reproduces numpy/PyTorch float32 arithmetic bit for bit', () => {
  const spec = resolvePreprocessSpec({ ...NO_GEOMETRY, scale: 'unit', mean: [0.5, 0.25, 0.125], std: [0.5, 2, 4] }, input('float32', [1, 3, 2, 2]));
  const tensor = preprocessImage(TINY, spec);
  assert.equal(tensor.dataType, 'float32');
  assert.deepEqual(tensor.dims, [1, 3, 2, 2]);
  assert.ok(tensor.data instanceof Float32Array);
  // ((np.float32 pixels / 255) − mean) / std in float32, planes R, G, B
  assert.deepEqual(bits32(tensor.data as Float32Array), [
    '0xbf800000', '0xbf6bebec', '0x3f800000', '0xbf7dfdfe',
    '0x3e010102', '0xbdafafb0', '0xbe000000', '0xbdf7f7f8',
    '0x3e600000', '0xbaf0f0f0', '0x3d010102', '0xbce7e7e8',
  ]);
});

test('NHWC interleaves the same values per pixel', () => {
  const nchw = preprocessImage(TINY, resolvePreprocessSpec({ ...NO_GEOMETRY, mean: [0.5, 0.25, 0.125], std: [0.5, 2, 4] }, input('float32', [1, 3, 2, 2])));
  const nhwc = preprocessImage(TINY, resolvePreprocessSpec({ ...NO_GEOMETRY, mean: [0.5, 0.25, 0.125], std: [0.5, 2, 4] }, input('float32', [1, 2, 2, 3])));
  assert.deepEqual(nhwc.dims, [1, 2, 2, 3]);
  for (let p = 0; p < 4; p++) for (let c = 0; c < 3; c++) assert.equal(nhwc.data[p * 3 + c], nchw.data[c * 4 + p]);
});

test('uint8 inputs get raw pixels; BGR swaps the channels; mean/std apply to MODEL channels', () => {
  const rgb = preprocessImage(TINY, resolvePreprocessSpec(NO_GEOMETRY, input('uint8', [1, 2, 2, 3])));
  assert.ok(rgb.data instanceof Uint8Array);
  assert.deepEqual([...rgb.data], [0, 128, 255, 10, 20, 30, 255, 0, 64, 1, 2, 3]);
  const bgr = preprocessImage(TINY, resolvePreprocessSpec({ ...NO_GEOMETRY, channelOrder: 'BGR' }, input('uint8', [1, 2, 2, 3])));
  assert.deepEqual([...bgr.data], [255, 128, 0, 30, 20, 10, 64, 0, 255, 3, 2, 1]);
  // Caffe style: BGR, byte scale, mean given in B, G, R order (model channel order)
  const caffe = preprocessImage(
    TINY,
    resolvePreprocessSpec({ ...NO_GEOMETRY, channelOrder: 'BGR', scale: 'byte', mean: [100, 10, 1] }, input('float32', [1, 3, 2, 2])),
  );
  // plane 0 = B − 100, plane 1 = G − 10, plane 2 = R − 1
  assert.deepEqual([...caffe.data], [155, -70, -36, -97, 118, 10, -10, -8, -1, 9, 254, 0]);
});

test('int8 inputs default to pixel − 128; values are rounded and clamped', () => {
  const tensor = preprocessImage(TINY, resolvePreprocessSpec(NO_GEOMETRY, input('int8', [1, 3, 2, 2])));
  assert.ok(tensor.data instanceof Int8Array);
  assert.deepEqual([...tensor.data], [-128, -118, 127, -127, 0, -108, -128, -126, 127, -98, -64, -125]);
  const clamped = preprocessImage(TINY, resolvePreprocessSpec({ ...NO_GEOMETRY, mean: [0], std: [0.5] }, input('int8', [1, 3, 2, 2])));
  assert.deepEqual([...clamped.data], [0, 20, 127, 2, 127, 40, 0, 4, 127, 60, 127, 6]);
});

test('float16 inputs get IEEE half bits; float64 inputs are computed in double', () => {
  const half = preprocessImage(TINY, resolvePreprocessSpec({ ...NO_GEOMETRY, scale: 'byte' }, input('float16', [1, 3, 2, 2])));
  assert.ok(half.data instanceof Uint16Array);
  assert.deepEqual([...half.data].map((v) => '0x' + v.toString(16)), ['0x0', '0x4900', '0x5bf8', '0x3c00', '0x5800', '0x4d00', '0x0', '0x4000', '0x5bf8', '0x4f80', '0x5400', '0x4200']);
  const double = preprocessImage(TINY, resolvePreprocessSpec(NO_GEOMETRY, input('float64', [1, 3, 2, 2])));
  assert.ok(double.data instanceof Float64Array);
  const expected = [0, 1, 2].flatMap((c) => [0, 1, 2, 3].map((p) => (TINY.data[p * 3 + c] / 255 - IMAGENET_MEAN[c]) / IMAGENET_STD[c]));
  assert.deepEqual([...double.data], expected);
  assert.equal(double.data[0], -2.1179039301310043);
});

test('1-channel inputs get PIL luma, pixels/255 by default', () => {
  const gray = preprocessImage(TINY, resolvePreprocessSpec(NO_GEOMETRY, input('float32', [1, 1, 2, 2])));
  assert.deepEqual(bits32(gray.data as Float32Array), ['0x3ed0d0d1', '0x3d909091', '0x3ea8a8a9', '0x3c008081']); // L = 104, 18, 84, 2
});

test('center crop without resize takes the middle of a 4×4 image', () => {
  const data = new Uint8Array(4 * 4 * 3);
  for (let p = 0; p < 16; p++) data.set([p, p + 100, p + 200], p * 3);
  const image: RgbImage = { width: 4, height: 4, format: 'png', data };
  const tensor = preprocessImage(image, resolvePreprocessSpec({ resize: null }, input('uint8', [1, 3, 2, 2])));
  assert.deepEqual([...tensor.data], [5, 6, 9, 10, 105, 106, 109, 110, 205, 206, 209, 210]);
});

test('an image that ends up at the wrong size is refused with INPUT_SHAPE_MISMATCH naming the file', () => {
  const spec = resolvePreprocessSpec(NO_GEOMETRY, input('float32', [1, 3, 4, 4]));
  assert.throws(() => preprocessImage(TINY, spec, 'tiny.png'), hasCode('INPUT_SHAPE_MISMATCH', /tiny\.png.*2×2.*4×4/));
});

test('a shorter-side resize of an extremely elongated image is refused instead of allocating gigabytes', () => {
  const strip: RgbImage = { width: 60000, height: 1, format: 'png', data: new Uint8Array(60000 * 3) };
  const spec = resolvePreprocessSpec(undefined, input('float32', [1, 3, 224, 224]));
  assert.throws(() => preprocessImage(strip, spec, 'strip.png'), hasCode('IMAGE_TOO_LARGE', /strip\.png.*15360000×256/));
});

test('defaults: torchvision ImageNet pipeline for float inputs, raw bytes for uint8, pixel − 128 for int8', () => {
  const imagenet = resolvePreprocessSpec(undefined, input('float32', [1, 3, 224, 224]));
  assert.deepEqual(
    { resize: imagenet.resize, centerCrop: imagenet.centerCrop, mean: imagenet.mean, std: imagenet.std, scale: imagenet.scale, order: imagenet.channelOrder, layout: imagenet.layout },
    { resize: { shorterSide: 256 }, centerCrop: { width: 224, height: 224 }, mean: IMAGENET_MEAN, std: IMAGENET_STD, scale: 'unit', order: 'RGB', layout: 'NCHW' },
  );
  const nhwc = resolvePreprocessSpec({}, input('float32', [1, 299, 299, 3]));
  assert.equal(nhwc.layout, 'NHWC');
  assert.deepEqual(nhwc.resize, { shorterSide: 341 }); // floor(299 · 256 / 224)
  assert.deepEqual(nhwc.target, { inputName: 'x', dataType: 'float32', dims: [1, 299, 299, 3], width: 299, height: 299, channels: 3 });
  const described = resolvePreprocessSpec({ scale: 'unit' }, input('float32', [1, 3, 224, 224]));
  assert.deepEqual([described.mean, described.std], [[0, 0, 0], [1, 1, 1]]);
  const bytes = resolvePreprocessSpec({}, input('uint8', [1, 224, 224, 3]));
  assert.deepEqual([bytes.scale, bytes.mean, bytes.std], ['byte', [0, 0, 0], [1, 1, 1]]);
  assert.deepEqual(resolvePreprocessSpec({}, input('int8', [1, 3, 224, 224])).mean, [128, 128, 128]);
  assert.deepEqual(resolvePreprocessSpec({}, input('float32', [3, 32, 32])).target.channels, 3);
});

test('inconsistent specs and non-image inputs are refused with clear codes', () => {
  const rgb224 = input('float32', [1, 3, 224, 224]);
  assert.throws(() => resolvePreprocessSpec({ centerCrop: { width: 256, height: 256 } }, rgb224), hasCode('PREPROCESS_SPEC_INVALID', /256×256.*224×224/));
  assert.throws(() => resolvePreprocessSpec({ scale: 'unit' }, input('uint8', [1, 3, 8, 8])), hasCode('PREPROCESS_SPEC_INVALID', /'byte'/));
  assert.throws(() => resolvePreprocessSpec({ mean: [0.5, 0.5] }, rgb224), hasCode('PREPROCESS_SPEC_INVALID', /mean has 2 values/));
  assert.throws(() => resolvePreprocessSpec({ std: [1, 0, 1] }, rgb224), hasCode('PREPROCESS_SPEC_INVALID', /std\[1\] is 0/));
  assert.throws(() => resolvePreprocessSpec({ resize: { width: 300, height: 300 }, centerCrop: null }, rgb224), hasCode('PREPROCESS_SPEC_INVALID'));
  assert.throws(() => resolvePreprocessSpec({ chanelOrder: 'BGR' } as PartialPreprocessSpec, rgb224), hasCode('PREPROCESS_SPEC_INVALID', /unknown field "chanelOrder"/));
  assert.throws(() => resolvePreprocessSpec({ layout: 'NHWC' }, rgb224), hasCode('INPUT_NOT_IMAGE'));
  assert.throws(() => resolvePreprocessSpec({}, input('float32', [2, 3, 224, 224])), hasCode('INPUT_NOT_IMAGE', /batch dimension is 2/));
  assert.throws(() => resolvePreprocessSpec({}, input('float32', [1, 5, 7, 9])), hasCode('INPUT_NOT_IMAGE'));
  assert.throws(() => resolvePreprocessSpec({}, input('float32', [1, 128])), hasCode('INPUT_NOT_IMAGE'));
  assert.throws(() => resolvePreprocessSpec({}, input('int64', [1, 3, 224, 224], 'ids')), hasCode('INPUT_DTYPE_MISMATCH', /'ids' is int64/));
});

test('loadPreprocessSpecFile reads and validates every field', async () => {
  await withTempDir(async (dir) => {
    const write = async (name: string, text: string) => {
      const path = join(dir, name);
      await writeFile(path, text);
      return path;
    };
    const good = await write(
      'caffe.json',
      '\uFEFF' + JSON.stringify({ resize: { width: 256, height: 256 }, centerCrop: { width: 224, height: 224 }, mean: [103.94, 116.78, 123.68], std: null, scale: 'byte', channelOrder: 'BGR', layout: 'NCHW' }),
    );
    assert.deepEqual(await loadPreprocessSpecFile(good), {
      resize: { width: 256, height: 256 },
      centerCrop: { width: 224, height: 224 },
      mean: [103.94, 116.78, 123.68],
      std: null,
      scale: 'byte',
      channelOrder: 'BGR',
      layout: 'NCHW',
    });
    assert.deepEqual(await loadPreprocessSpecFile(await write('short.json', '{"resize": {"shorterSide": 232}}')), { resize: { shorterSide: 232 } });
    const cases: [string, string, string, RegExp][] = [
      ['syntax.json', '{"scale": "unit",}', 'PREPROCESS_SPEC_UNREADABLE', /not valid JSON/],
      ['array.json', '[1, 2]', 'PREPROCESS_SPEC_INVALID', /JSON object/],
      ['unknown.json', '{"normalize": true}', 'PREPROCESS_SPEC_INVALID', /unknown field "normalize"/],
      ['proto.json', '{"__proto__": {"scale": "byte"}}', 'PREPROCESS_SPEC_INVALID', /unknown field "__proto__"/],
      ['scale.json', '{"scale": "0-1"}', 'PREPROCESS_SPEC_INVALID', /scale must be one of/],
      ['order.json', '{"channelOrder": "rgb"}', 'PREPROCESS_SPEC_INVALID', /channelOrder/],
      ['layout.json', '{"layout": "CHW"}', 'PREPROCESS_SPEC_INVALID', /layout/],
      ['resize.json', '{"resize": {"shorterSide": 256, "width": 224}}', 'PREPROCESS_SPEC_INVALID', /resize must be/],
      ['side.json', '{"resize": {"shorterSide": 25.5}}', 'PREPROCESS_SPEC_INVALID', /shorterSide must be an integer/],
      ['huge.json', '{"centerCrop": {"width": 224000, "height": 224}}', 'PREPROCESS_SPEC_INVALID', /centerCrop.width/],
      ['mean.json', '{"mean": [0.5, "0.4", 0.3]}', 'PREPROCESS_SPEC_INVALID', /mean\[1\]/],
      ['std.json', '{"std": [0.2, 0, 0.2]}', 'PREPROCESS_SPEC_INVALID', /std\[1\] is 0/],
      ['empty-mean.json', '{"mean": []}', 'PREPROCESS_SPEC_INVALID', /mean must be an array/],
    ];
    for (const [name, text, code, pattern] of cases) {
      const path = await write(name, text);
      await assert.rejects(loadPreprocessSpecFile(path), hasCode(code, pattern), name);
    }
    await assert.rejects(loadPreprocessSpecFile(join(dir, 'missing.json')), hasCode('PREPROCESS_SPEC_UNREADABLE', /missing\.json/));
    await assert.rejects(loadPreprocessSpecFile(await write('big.json', ' '.repeat(70_000))), hasCode('PREPROCESS_SPEC_UNREADABLE', /small JSON/));
  });
});
