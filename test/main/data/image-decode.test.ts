import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { deflateSync } from 'node:zlib';
import { decodeImage, readImageFile } from '../../../main/data/image-decode';
import { buildPng, hasCode, ihdr, pngChunk, sharedImage, withTempDir } from './data-test-helpers';

const TENCH = sharedImage('calib/n01440764_tench.JPEG');
/** One of the 1-channel (grayscale) JPEGs among the calibration images. */
const GRAY_JPEG = sharedImage('calib/n03388043_fountain.JPEG');
const LP_PNG = sharedImage('lp/test1.png');

test('decodes a colour JPEG to interleaved RGB', () => {
  const image = decodeImage(readFileSync(TENCH), TENCH);
  assert.equal(image.format, 'jpeg');
  assert.equal(image.width, 500);
  assert.equal(image.height, 375);
  assert.equal(image.data.length, 500 * 375 * 3);
  let differing = 0;
  for (let i = 0; i < image.data.length; i += 3) if (image.data[i] !== image.data[i + 1] || image.data[i + 1] !== image.data[i + 2]) differing++;
  assert.ok(differing > 1000, 'a colour photo has pixels whose channels differ');
});

test('decodes a grayscale (1-component) JPEG and replicates it to R = G = B', () => {
  const bytes = readFileSync(GRAY_JPEG);
  assert.equal(bytes[bytes.indexOf(Buffer.from([0xff, 0xc0])) + 9], 1, 'fixture is a 1-component JPEG');
  const image = decodeImage(bytes, GRAY_JPEG);
  assert.equal(image.width, 500);
  assert.equal(image.height, 371);
  const seen = new Set<number>();
  for (let i = 0; i < image.data.length; i += 3) {
    assert.equal(image.data[i], image.data[i + 1]);
    assert.equal(image.data[i], image.data[i + 2]);
    seen.add(image.data[i]);
  }
  assert.ok(seen.size > 50, 'a real photo has many gray levels');
});

test('decodes the licence-plate PNG exactly as Pillow does (same RGB bytes)', () => {
  const image = decodeImage(readFileSync(LP_PNG), LP_PNG);
  assert.equal(image.format, 'png');
  assert.equal(image.width, 1046);
  assert.equal(image.height, 961);
  assert.deepEqual([...image.data.subarray(0, 3)], [181, 178, 181]);
  // sha256 of np.asarray(Image.open('test1.png').convert('RGB')).tobytes(), Pillow 9.4
  assert.equal(createHash('sha256').update(image.data).digest('hex'), 'bbb07474ad811990ac320f7b9f0333741ae054f62a947285c155f59ec0fe9fcc');
});

test('truncated JPEGs are refused with IMAGE_UNREADABLE, never decoded to a partly grey picture', () => {
  const bytes = readFileSync(TENCH);
  for (const keep of [bytes.length - 2, bytes.length - 1000, Math.floor(bytes.length / 2), 600]) {
    assert.throws(() => decodeImage(bytes.subarray(0, keep), 'cut.jpg'), hasCode('IMAGE_UNREADABLE', /cut\.jpg/));
    if (keep === bytes.length - 2) continue; // that cut only removed the end-of-image marker
    // cut, then an end-of-image marker appended (as some broken downloads are)
    const patched = Buffer.concat([bytes.subarray(0, keep), Buffer.from([0xff, 0xd9])]);
    assert.throws(() => decodeImage(patched, 'cut.jpg'), hasCode('IMAGE_UNREADABLE', /cut\.jpg/));
  }
});

test('a JPEG with corrupt entropy-coded data is refused with IMAGE_UNREADABLE', () => {
  const bytes = Buffer.from(readFileSync(TENCH));
  for (let i = 4000; i < 4400; i++) bytes[i] = (i * 7) & 0xff;
  assert.throws(() => decodeImage(bytes, 'corrupt.jpg'), hasCode('IMAGE_UNREADABLE', /corrupt\.jpg/));
});

test('non-images and unsupported formats are named', () => {
  assert.throws(() => decodeImage(new Uint8Array(0), 'empty.jpg'), hasCode('IMAGE_UNSUPPORTED_FORMAT', /empty file/));
  assert.throws(() => decodeImage(Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1'), 'a.png'), hasCode('IMAGE_UNSUPPORTED_FORMAT', /GIF/));
  assert.throws(() => decodeImage(Buffer.from('<!DOCTYPE html><html>'), 'b.jpg'), hasCode('IMAGE_UNSUPPORTED_FORMAT', /HTML/));
});

test('format is taken from content, not the extension: a .png holding a JPEG decodes as JPEG', () => {
  const image = decodeImage(readFileSync(TENCH), 'misnamed.png');
  assert.equal(image.format, 'jpeg');
});

test('a JPEG header declaring a pixel bomb is refused before decoding', () => {
  // SOI, SOF0 (precision 8, 30000×30000, 3 components), EOI.
  const sof = [0xff, 0xc0, 0x00, 0x11, 0x08, 0x75, 0x30, 0x75, 0x30, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
  const bytes = Uint8Array.from([0xff, 0xd8, ...sof, 0xff, 0xd9]);
  assert.throws(() => decodeImage(bytes, 'bomb.jpg'), hasCode('IMAGE_TOO_LARGE', /30000×30000/));
  // and the limit is configurable: the real 500×375 photo is too large for a 0.1 MP budget
  assert.throws(() => decodeImage(readFileSync(TENCH), TENCH, { maxImagePixels: 100_000 }), hasCode('IMAGE_TOO_LARGE'));
});

test('a PNG header declaring a pixel bomb is refused before inflating', () => {
  const bytes = buildPng(ihdr(20000, 20000, 8, 2), new Uint8Array(0), [], deflateSync(new Uint8Array(16)));
  assert.throws(() => decodeImage(bytes, 'bomb.png'), hasCode('IMAGE_TOO_LARGE', /20000×20000/));
});

test('an interlaced PNG whose data inflates beyond its declared size is refused', () => {
  const bytes = buildPng(ihdr(2, 2, 8, 2, 1), new Uint8Array(0), [], deflateSync(new Uint8Array(5_000_000)));
  assert.throws(() => decodeImage(bytes, 'idat-bomb.png'), hasCode('IMAGE_UNREADABLE', /idat-bomb\.png/));
});

test('PNG colour types: gray, gray+alpha, RGBA, palette, 1-bit gray and 16-bit become 8-bit RGB (alpha dropped)', () => {
  const decode = (bytes: Uint8Array) => [...decodeImage(bytes, 'x.png').data];
  assert.deepEqual(decode(buildPng(ihdr(2, 1, 8, 0), Uint8Array.from([0, 10, 200]))), [10, 10, 10, 200, 200, 200]);
  assert.deepEqual(decode(buildPng(ihdr(2, 1, 8, 4), Uint8Array.from([0, 10, 255, 200, 0]))), [10, 10, 10, 200, 200, 200]);
  assert.deepEqual(decode(buildPng(ihdr(2, 1, 8, 6), Uint8Array.from([0, 1, 2, 3, 0, 4, 5, 6, 255]))), [1, 2, 3, 4, 5, 6]);
  const palette = pngChunk('PLTE', Uint8Array.from([255, 0, 0, 0, 255, 0]));
  assert.deepEqual(decode(buildPng(ihdr(2, 1, 8, 3), Uint8Array.from([0, 1, 0]), [palette])), [0, 255, 0, 255, 0, 0]);
  assert.deepEqual(decode(buildPng(ihdr(4, 1, 1, 0), Uint8Array.from([0, 0b1011_0000]))), [255, 255, 255, 0, 0, 0, 255, 255, 255, 255, 255, 255]);
  // 16-bit: round(v · 255 / 65535): 0x1234 → 18, 0xFFFF → 255, 0x0080 → 0
  assert.deepEqual(decode(buildPng(ihdr(1, 1, 16, 2), Uint8Array.from([0, 0x12, 0x34, 0xff, 0xff, 0x00, 0x80]))), [18, 255, 0]);
});

test('PNG transparency (tRNS) on an RGB image keeps the pixel colour, as PIL convert("RGB") does', () => {
  const trns = pngChunk('tRNS', Uint8Array.from([0, 1, 0, 2, 0, 3]));
  const image = decodeImage(buildPng(ihdr(2, 1, 8, 2), Uint8Array.from([0, 1, 2, 3, 9, 9, 9]), [trns]), 't.png');
  assert.deepEqual([...image.data], [1, 2, 3, 9, 9, 9]);
});

test('an Adam7-interlaced PNG decodes to the right pixels', () => {
  // 2×2: pass 1 has pixel (0,0), pass 6 pixel (1,0), pass 7 row 1 = pixels (0,1), (1,1).
  const scanlines = Uint8Array.from([0, 10, 11, 12, 0, 20, 21, 22, 0, 30, 31, 32, 40, 41, 42]);
  const image = decodeImage(buildPng(ihdr(2, 2, 8, 2, 1), scanlines), 'i.png');
  assert.deepEqual([...image.data], [10, 11, 12, 20, 21, 22, 30, 31, 32, 40, 41, 42]);
});

test('corrupt or truncated PNGs are refused; bytes after IEND are ignored', () => {
  const good = buildPng(ihdr(2, 1, 8, 0), Uint8Array.from([0, 10, 200]));
  assert.deepEqual([...decodeImage(Buffer.concat([good, Buffer.from('trailing junk')]), 'j.png').data], [10, 10, 10, 200, 200, 200]);
  const badCrc = Buffer.from(good);
  badCrc[good.length - 14] ^= 0xff; // last byte of the IDAT CRC
  assert.throws(() => decodeImage(badCrc, 'crc.png'), hasCode('IMAGE_UNREADABLE', /crc\.png/));
  const png = readFileSync(LP_PNG);
  assert.throws(() => decodeImage(png.subarray(0, png.length - 100), 'cut.png'), hasCode('IMAGE_UNREADABLE', /truncated/));
  assert.throws(() => decodeImage(png.subarray(0, 20), 'cut.png'), hasCode('IMAGE_UNREADABLE'));
});

test('readImageFile refuses files above the byte limit before reading them', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'big.jpg');
    await writeFile(path, readFileSync(TENCH));
    await assert.rejects(readImageFile(path, { maxImageFileBytes: 1000 }), hasCode('IMAGE_TOO_LARGE', /big\.jpg/));
    const image = await readImageFile(path);
    assert.equal(image.width, 500);
    await assert.rejects(readImageFile(join(dir, 'missing.jpg')), hasCode('IMAGE_UNREADABLE', /missing\.jpg/));
  });
});
