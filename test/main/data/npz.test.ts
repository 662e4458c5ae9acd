import assert from 'node:assert/strict';
import { test } from 'node:test';
import { zipSync, type Zippable } from 'fflate';
import { WorkbenchError } from '../../../app/errors';
import { listNpzEntries, parseNpz } from '../../../main/data/npy';
import { hasCode, npyBytes } from './data-test-helpers';

const f32 = (values: number[], shape: number[]) => npyBytes({ descr: '<f4', shape, data: Float32Array.from(values) });
const zeros = (bytes: number) => npyBytes({ descr: '|u1', shape: [bytes], data: new Uint8Array(bytes) });

/** Offsets of every zip record with this signature (central 0x02014b50, local 0x04034b50). */
function recordOffsets(zip: Uint8Array, signature: number): number[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const offsets: number[] = [];
  for (let i = 0; i + 4 <= zip.length; i++) if (view.getUint32(i, true) === signature) offsets.push(i);
  return offsets;
}
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** Patches a 16/32-bit field of the n-th central directory entry (and optionally its local header). */
function patch(zip: Uint8Array, entry: number, field: { central: number; local?: number; size: 2 | 4; value: number }): Uint8Array {
  const copy = Uint8Array.from(zip);
  const view = new DataView(copy.buffer);
  const set = (offset: number) => (field.size === 2 ? view.setUint16(offset, field.value, true) : view.setUint32(offset, field.value, true));
  set(recordOffsets(copy, CENTRAL)[entry] + field.central);
  if (field.local !== undefined) set(recordOffsets(copy, LOCAL)[entry] + field.local);
  return copy;
}
const UNCOMPRESSED_SIZE = { central: 24, local: 22, size: 4 as const };

test('reads stored and deflated members; names are keys, non-.npy members ignored', () => {
  const files: Zippable = {
    'x.npy': [f32([1, 2, 3, 4, 5, 6], [2, 3]), { level: 0 }],
    'dir/y.npy': [npyBytes({ descr: '<i8', shape: [2], data: BigInt64Array.from([7n, -8n]) }), { level: 6 }],
    '../../evil.npy': [f32([9], [1]), { level: 6 }],
    'readme.txt': [new TextEncoder().encode('not an array'), { level: 6 }],
  };
  const zip = zipSync(files);
  const view = new DataView(zip.buffer);
  assert.deepEqual(recordOffsets(zip, CENTRAL).map((offset) => view.getUint16(offset + 10, true)), [0, 8, 8, 8], 'stored + deflated members');
  const arrays = parseNpz(zip, 'a.npz');
  assert.deepEqual([...arrays.keys()], ['x', 'dir/y', '../../evil']);
  assert.deepEqual(arrays.get('x')!.dims, [2, 3]);
  assert.deepEqual([...arrays.get('x')!.data], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual([...arrays.get('dir/y')!.data], [7n, -8n]);
  assert.deepEqual(listNpzEntries(zip, 'a.npz'), [
    { name: 'x.npy', key: 'x' },
    { name: 'dir/y.npy', key: 'dir/y' },
    { name: '../../evil.npy', key: '../../evil' },
  ]);
  // only wanted members are extracted
  assert.deepEqual([...parseNpz(zip, 'a.npz', undefined, (key) => key === 'x').keys()], ['x']);
});

test('a member declaring a huge uncompressed size is refused before inflating (zip bomb)', () => {
  const zip = zipSync({ 'x.npy': [f32([1, 2], [2]), { level: 6 }] });
  const bomb = patch(zip, 0, { ...UNCOMPRESSED_SIZE, value: 0xfffffff0 });
  const started = process.hrtime.bigint();
  assert.throws(() => parseNpz(bomb, 'bomb.npz'), hasCode('NPZ_TOO_LARGE', /'x\.npy' declares 4\.0 GiB.*zip bomb/));
  assert.ok(process.hrtime.bigint() - started < 1_000_000_000n, 'refused without inflating');
});

test('per-member and total declared-size limits, and the entry-count limit', () => {
  const zip = zipSync({ 'a.npy': [zeros(600_000), { level: 9 }], 'b.npy': [zeros(600_000), { level: 9 }] });
  assert.ok(zip.length < 10_000, 'highly compressible');
  assert.throws(() => parseNpz(zip, 'z.npz', { maxNpzEntryBytes: 500_000 }), hasCode('NPZ_TOO_LARGE', /per-member limit/));
  assert.throws(() => parseNpz(zip, 'z.npz', { maxNpzTotalBytes: 1_000_000 }), hasCode('NPZ_TOO_LARGE', /in total/));
  assert.equal(parseNpz(zip, 'z.npz').get('a')!.data.length, 600_000);
  const many: Zippable = {};
  for (let i = 0; i < 5; i++) many[`m${i}.npy`] = f32([i], [1]);
  assert.throws(() => parseNpz(zipSync(many), 'many.npz', { maxNpzEntries: 4 }), hasCode('NPZ_TOO_LARGE', /5 members/));
});

test('a member that inflates to more than it declares is stopped (size lie)', () => {
  const zip = zipSync({ 'a.npy': [zeros(4_000_000), { level: 9 }] });
  const lie = patch(zip, 0, { ...UNCOMPRESSED_SIZE, value: 1000 });
  assert.throws(() => parseNpz(lie, 'lie.npz'), hasCode('NPZ_TOO_LARGE', /more than the 1000 bytes it declares/));
  const short = patch(zip, 0, { ...UNCOMPRESSED_SIZE, value: 5_000_000 });
  assert.throws(() => parseNpz(short, 'short.npz'), hasCode('NPZ_MALFORMED', /inflates to 4000128 bytes but declares 5000000/));
});

test('corruption, encryption, unknown methods and duplicate names are refused', () => {
  const stored = zipSync({ 'a.npy': [f32([1, 2, 3], [3]), { level: 0 }], 'b.npy': [f32([4], [1]), { level: 0 }] });
  const flipped = Uint8Array.from(stored);
  flipped[recordOffsets(stored, LOCAL)[0] + 30 + 'a.npy'.length + 130] ^= 0x55; // a data byte of a.npy
  assert.throws(() => parseNpz(flipped, 'crc.npz'), hasCode('NPZ_MALFORMED', /CRC-32/));
  assert.equal(parseNpz(flipped, 'crc.npz', undefined, (key) => key === 'b').size, 1, 'unwanted members are not read');
  assert.throws(() => parseNpz(patch(stored, 0, { central: 8, size: 2, value: 1 }), 'enc.npz'), hasCode('NPZ_UNSUPPORTED', /encrypted/));
  assert.throws(() => parseNpz(patch(stored, 0, { central: 10, size: 2, value: 12 }), 'bz.npz'), hasCode('NPZ_UNSUPPORTED', /method 12/));
  const duplicate = Uint8Array.from(stored);
  duplicate[recordOffsets(stored, CENTRAL)[1] + 46] = 'a'.charCodeAt(0); // central name 'b.npy' → 'a.npy'
  assert.throws(() => parseNpz(duplicate, 'dup.npz'), hasCode('NPZ_MALFORMED', /two members named 'a\.npy'/));
  assert.throws(() => parseNpz(stored.subarray(0, stored.length - 10), 'cut.npz'), hasCode('NPZ_MALFORMED', /end-of-central-directory/));
  assert.throws(() => parseNpz(Buffer.from('definitely not a zip file at all'), 'junk.npz'), hasCode('NPZ_MALFORMED'));
  assert.throws(() => parseNpz(f32([1], [1]), 'x.npz'), hasCode('NPZ_MALFORMED', /single \.npy array/));
  const deflated = zipSync({ 'a.npy': [zeros(10_000), { level: 6 }] });
  const broken = Uint8Array.from(deflated);
  const dataStart = recordOffsets(deflated, LOCAL)[0] + 30 + 'a.npy'.length;
  broken.fill(0xff, dataStart, dataStart + 8);
  assert.throws(() => parseNpz(broken, 'inflate.npz'), hasCode('NPZ_MALFORMED', /inflate\.npz/));
});

test('errors inside a member keep their code and name the archive', () => {
  const zip = zipSync({ 'x.npy': npyBytes({ descr: '|O', shape: [1], data: Buffer.from('\x80\x04K\x01.', 'latin1') }) });
  assert.throws(
    () => parseNpz(zip, 'pickled.npz'),
    (error: unknown) => {
      assert.ok(error instanceof WorkbenchError);
      assert.equal(error.code, 'NPY_PICKLE_REFUSED');
      assert.equal(error.file, 'pickled.npz');
      assert.match(error.message, /pickled\.npz: x\.npy/);
      return true;
    },
  );
});
