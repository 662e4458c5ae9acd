import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { decodeImage } from '../../../main/data/image-decode';
import { centerCrop, resizeBilinear, rgbToGray, shorterSideSize, type Image8 } from '../../../main/data/image-resize';
import { sharedImage } from './data-test-helpers';

// A 5×4 RGB image, value (x·61 + y·37 + c·101 + x·y·13) mod 256, and what Pillow 9.4 makes of it:
// np.asarray(Image.fromarray(src).resize((w, h), Image.BILINEAR)).flatten()
const SOURCE: Image8 = {
  width: 5,
  height: 4,
  channels: 3,
  data: Uint8Array.from([
    0, 101, 202, 61, 162, 7, 122, 223, 68, 183, 28, 129, 244, 89, 190, 37, 138, 239, 111, 212, 57, 185, 30, 131, 3, 104, 205, 77, 178, 23, 74, 175,
    20, 161, 6, 107, 248, 93, 194, 79, 180, 25, 166, 11, 112, 111, 212, 57, 211, 56, 157, 55, 156, 1, 155, 0, 101, 255, 100, 201,
  ]),
};
const PILLOW: Record<string, number[]> = {
  '3x2': [57, 142, 128, 134, 122, 105, 131, 101, 124, 123, 131, 90, 148, 95, 102, 153, 81, 114],
  '8x6': [
    0, 101, 202, 27, 128, 117, 65, 166, 11, 103, 204, 49, 141, 162, 87, 179, 40, 125, 217, 62, 163, 244, 89, 190, 19, 120, 221, 48, 149, 138, 91, 184,
    37, 133, 146, 79, 135, 108, 121, 97, 70, 163, 131, 104, 133, 161, 134, 107, 43, 144, 202, 76, 158, 142, 124, 169, 70, 172, 83, 118, 139, 64, 152,
    27, 112, 173, 59, 136, 98, 92, 150, 38, 68, 169, 57, 105, 113, 75, 158, 43, 104, 211, 70, 157, 184, 109, 143, 77, 162, 63, 114, 95, 79, 151, 39,
    97, 93, 194, 39, 134, 123, 80, 184, 37, 130, 163, 96, 109, 141, 114, 87, 120, 93, 66, 170, 71, 116, 211, 56, 157, 111, 212, 57, 155, 144, 101, 201,
    62, 147, 104, 125, 50, 86, 107, 32, 149, 10, 95, 211, 56, 157, 255, 100, 201,
  ],
  '2x4': [61, 150, 88, 183, 98, 129, 99, 142, 138, 73, 116, 124, 149, 87, 95, 149, 99, 95, 141, 126, 87, 167, 70, 113],
  '5x1': [56, 157, 130, 136, 109, 82, 163, 115, 109, 94, 89, 115, 175, 95, 121],
};

test('bilinear resize matches Pillow byte for byte (downscale with antialiasing, upscale, one axis only)', () => {
  for (const [size, expected] of Object.entries(PILLOW)) {
    const [width, height] = size.split('x').map(Number);
    const result = resizeBilinear(SOURCE, width, height);
    assert.equal(result.width, width);
    assert.equal(result.height, height);
    assert.deepEqual([...result.data], expected, `resize to ${size}`);
  }
});

test('resize to the same size returns the image unchanged', () => {
  assert.equal(resizeBilinear(SOURCE, 5, 4), SOURCE);
  assert.throws(() => resizeBilinear(SOURCE, 0, 4), RangeError);
});

test('gray conversion matches PIL convert("L")', () => {
  assert.deepEqual([...rgbToGray(SOURCE).data], [82, 114, 175, 86, 147, 119, 164, 88, 85, 130, 127, 64, 151, 132, 69, 164, 114, 108, 58, 158]);
});

test('torchvision Resize(256) + CenterCrop(224) on a real photo equals Pillow + torchvision exactly', () => {
  const path = sharedImage('calib/n01440764_tench.JPEG');
  const decoded = decodeImage(readFileSync(path), path);
  const size = shorterSideSize(decoded.width, decoded.height, 256);
  assert.deepEqual(size, { width: 341, height: 256 }); // int(256 · 500 / 375) = 341
  const cropped = centerCrop(resizeBilinear({ ...decoded, channels: 3 }, size.width, size.height), 224, 224);
  // Pillow 9.4 on the same decoded RGB bytes: im.resize((341, 256), BILINEAR).crop((58, 16, 282, 240))
  assert.equal(createHash('sha256').update(cropped.data).digest('hex'), 'd35d35ac4c4bc0790630d660c76d627f7531607a6a05342cabb7268fc7368eed');
});

test('shorter-side sizes truncate the long side like torchvision', () => {
  assert.deepEqual(shorterSideSize(500, 375, 256), { width: 341, height: 256 });
  assert.deepEqual(shorterSideSize(375, 500, 256), { width: 256, height: 341 });
  assert.deepEqual(shorterSideSize(300, 300, 256), { width: 256, height: 256 });
});

test('center crop uses Python rounding for the offsets and zero-pads when the crop is larger', () => {
  const row = (width: number, height: number): Image8 => ({
    width,
    height,
    channels: 1,
    data: Uint8Array.from({ length: width * height }, (_, i) => i + 1),
  });
  // (5 − 2) / 2 = 1.5 → round-half-even 2; (4 − 1) / 2 = 1.5 → 2
  assert.deepEqual([...centerCrop(row(5, 1), 2, 1).data], [3, 4]);
  // (6 − 1) / 2 = 2.5 → 2
  assert.deepEqual([...centerCrop(row(6, 1), 1, 1).data], [3]);
  // 4×4 → middle 2×2
  assert.deepEqual([...centerCrop(row(4, 4), 2, 2).data], [6, 7, 10, 11]);
  // 2×1 into 5×1: left pad (5 − 2) // 2 = 1
  assert.deepEqual([...centerCrop(row(2, 1), 5, 1).data], [0, 1, 2, 0, 0]);
});
