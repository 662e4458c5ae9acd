import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNpy, readNpyHeader } from '../../../main/data/npy';
import { hasCode, npyBytes } from './data-test-helpers';

test('round trips every supported dtype from hand-written little-endian .npy bytes', () => {
  const cases: [string, ArrayBufferView, string, number[]][] = [
    ['<f4', Float32Array.from([1.5, -2, 3.25, 0]), 'float32', [2, 2]],
    ['<f8', Float64Array.from([Math.PI, -1e300]), 'float64', [2]],
    ['<f2', Uint16Array.from([0x3c00, 0xc000, 0x7bff]), 'float16', [3]],
    ['|u1', Uint8Array.from([0, 7, 255]), 'uint8', [1, 3]],
    ['|i1', Int8Array.from([-128, 0, 127]), 'int8', [3]],
    ['<i2', Int16Array.from([-32768, 5, 32767]), 'int16', [3]],
    ['<u2', Uint16Array.from([0, 65535]), 'uint16', [2]],
    ['<i4', Int32Array.from([-2147483648, 42]), 'int32', [2, 1]],
    ['<i8', BigInt64Array.from([-(2n ** 63n), 2n ** 53n + 1n]), 'int64', [2]],
    ['|b1', Uint8Array.from([1, 0, 0, 1]), 'bool', [2, 2]],
  ];
  for (const [descr, values, dataType, shape] of cases) {
    const tensor = parseNpy(npyBytes({ descr, shape, data: values }), `${descr}.npy`);
    assert.equal(tensor.dataType, dataType, descr);
    assert.deepEqual(tensor.dims, shape, descr);
    assert.equal(tensor.data.constructor, values.constructor === Int8Array && dataType === 'bool' ? Uint8Array : values.constructor, descr);
    assert.deepEqual(Array.from(tensor.data as ArrayLike<number>), Array.from(values as unknown as ArrayLike<number>), descr);
  }
});

test('header versions 2.0 and 3.0 (4-byte header length, UTF-8) and 0-d scalars', () => {
  for (const version of [2, 3] as const) {
    const tensor = parseNpy(npyBytes({ descr: '<f4', shape: [3], data: Float32Array.from([1, 2, 3]), version }), 'v.npy');
    assert.deepEqual([...tensor.data], [1, 2, 3]);
    assert.equal(readNpyHeader(npyBytes({ descr: '<f4', shape: [3], data: new Float32Array(3), version }), 'v.npy').version, `${version}.0`);
  }
  const scalar = parseNpy(npyBytes({ descr: '<f4', shape: [], data: Float32Array.from([7.5]) }), 's.npy');
  assert.deepEqual(scalar.dims, []);
  assert.deepEqual([...scalar.data], [7.5]);
});

test('data starts on a 64-byte boundary as numpy writes it', () => {
  const bytes = npyBytes({ descr: '<f4', shape: [1, 3, 224, 224], data: new Float32Array(3 * 224 * 224) });
  assert.equal(readNpyHeader(bytes, 'a.npy').dataOffset % 64, 0);
});

test('big-endian arrays are byte-swapped to native values', () => {
  const be = Buffer.alloc(12);
  be.writeFloatBE(1.5, 0);
  be.writeFloatBE(-2, 4);
  be.writeFloatBE(1e-3, 8);
  assert.deepEqual([...parseNpy(npyBytes({ descr: '>f4', shape: [3], data: be }), 'be.npy').data], [1.5, -2, Math.fround(1e-3)]);
  const be64 = Buffer.alloc(16);
  be64.writeBigInt64BE(-5n, 0);
  be64.writeBigInt64BE(2n ** 40n, 8);
  assert.deepEqual([...parseNpy(npyBytes({ descr: '>i8', shape: [2], data: be64 }), 'be.npy').data], [-5n, 2n ** 40n]);
  const be16 = Buffer.alloc(4);
  be16.writeInt16BE(-300, 0);
  be16.writeInt16BE(7, 2);
  assert.deepEqual([...parseNpy(npyBytes({ descr: '>i2', shape: [2], data: be16 }), 'be.npy').data], [-300, 7]);
});

test('Fortran-order arrays are transposed to C order (values, not bytes)', () => {
  // a = [[1, 2, 3], [4, 5, 6]] stored column-major: 1 4 2 5 3 6
  const matrix = parseNpy(npyBytes({ descr: '<i4', shape: [2, 3], fortranOrder: true, data: Int32Array.from([1, 4, 2, 5, 3, 6]) }), 'f.npy');
  assert.deepEqual(matrix.dims, [2, 3]);
  assert.deepEqual([...matrix.data], [1, 2, 3, 4, 5, 6]);
  // 3-d: a[i, j, k] = 100i + 10j + k, shape (2, 3, 2), column-major (i fastest, then j, then k)
  const fortran: number[] = [];
  for (let k = 0; k < 2; k++) for (let j = 0; j < 3; j++) for (let i = 0; i < 2; i++) fortran.push(100 * i + 10 * j + k);
  const cube = parseNpy(npyBytes({ descr: '<f8', shape: [2, 3, 2], fortranOrder: true, data: Float64Array.from(fortran) }), 'f3.npy');
  const expected: number[] = [];
  for (let i = 0; i < 2; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 2; k++) expected.push(100 * i + 10 * j + k);
  assert.deepEqual([...cube.data], expected);
});

test('object arrays and pickle files are refused with NPY_PICKLE_REFUSED', () => {
  // what np.save(..., allow_pickle=True) writes for an object array: '|O' header, then a pickle stream
  const pickled = Buffer.from('\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00\x8c\x05posix\x94\x8c\x06system\x94\x93\x94.', 'latin1');
  assert.throws(() => parseNpy(npyBytes({ descr: '|O', shape: [1], data: pickled }), 'obj.npy'), hasCode('NPY_PICKLE_REFUSED', /obj\.npy.*pickle/));
  assert.throws(() => parseNpy(pickled, 'torch.npy'), hasCode('NPY_PICKLE_REFUSED', /torch\.npy is|'torch\.npy' is a Python pickle/));
});

test('unsupported dtypes are refused by name', () => {
  const refused: [string, RegExp][] = [
    ['<U10', /unicode strings/],
    ['|S8', /byte strings/],
    ['|V16', /raw void/],
    ['<M8[ns]', /datetimes/],
    ['<c8', /complex/],
    ['<u4', /dtype '<u4'/],
    ['<f16', /dtype '<f16'/],
  ];
  for (const [descr, pattern] of refused) {
    assert.throws(() => parseNpy(npyBytes({ descr, shape: [1], data: new Uint8Array(16) }), 'd.npy'), hasCode('NPY_UNSUPPORTED_DTYPE', pattern), descr);
  }
  const structured = "{'descr': [('a', '<f4'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }\n";
  assert.throws(() => parseNpy(npyBytes({ descr: '', shape: [], data: new Uint8Array(8), headerText: structured }), 'rec.npy'), hasCode('NPY_UNSUPPORTED_DTYPE', /structured/));
});

test('size lies are caught before allocating: truncated data, trailing data, huge shapes', () => {
  const full = npyBytes({ descr: '<f4', shape: [4], data: new Float32Array(4) });
  assert.throws(() => parseNpy(full.subarray(0, full.length - 1), 't.npy'), hasCode('NPY_MALFORMED', /truncated.*16 bytes.*15/));
  assert.throws(() => parseNpy(Buffer.concat([full, Buffer.from([0])]), 't.npy'), hasCode('NPY_MALFORMED', /trailing data/));
  assert.throws(() => parseNpy(npyBytes({ descr: '<f8', shape: [65536, 65536], data: new Uint8Array(0) }), 'big.npy'), hasCode('NPY_TOO_LARGE', /32\.0 GiB/));
  assert.throws(() => parseNpy(npyBytes({ descr: '<f4', shape: [2 ** 40, 2 ** 20], data: new Uint8Array(0) }), 'big.npy'), hasCode('NPY_MALFORMED', /cannot be represented/));
  assert.throws(() => parseNpy(npyBytes({ descr: '<f4', shape: [99999999999999999999], data: new Uint8Array(0) }), 'big.npy'), hasCode('NPY_MALFORMED', /too large/));
  // a limit can be lowered per call
  assert.throws(() => parseNpy(full, 'small.npy', { maxArrayBytes: 8 }), hasCode('NPY_TOO_LARGE'));
});

test('malformed headers are refused by the strict grammar, never evaluated', () => {
  const withHeader = (headerText: string) => npyBytes({ descr: '', shape: [], data: new Float32Array(1), headerText });
  const bad: [string, RegExp][] = [
    ["{'descr': __import__('os').system('id'), 'fortran_order': False, 'shape': (1,), }\n", /unexpected value/],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'descr': '<f4'}\n", /duplicate key/],
    ["{'descr': '<f4', 'shape': (1,), }\n", /fortran_order/],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'extra': 1}\n", /unexpected key 'extra'/],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", /newline/],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (1,), } junk\n", /unexpected content/],
    ["{'descr': '<f4', 'fortran_order': 0, 'shape': (1,), }\n", /unexpected value/],
    ["{'descr': '<f4', 'fortran_order': False, 'shape': (-1,), }\n", /expected a dimension/],
    ["{'descr': '<f\\x34', 'fortran_order': False, 'shape': (1,), }\n", /escape/],
  ];
  for (const [header, pattern] of bad) assert.throws(() => parseNpy(withHeader(header), 'h.npy'), hasCode('NPY_MALFORMED', pattern), header);
  // Python 2 long literals (written by old numpy) are fine
  assert.deepEqual(parseNpy(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (1L,), }\n"), 'py2.npy').dims, [1]);
});

test('a header longer than the limit is refused before it is decoded', () => {
  const bytes = new Uint8Array(16);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0]);
  new DataView(bytes.buffer).setUint32(8, 0xffffffff, true);
  assert.throws(() => parseNpy(bytes, 'hdr.npy'), hasCode('NPY_MALFORMED', /4294967295-byte .npy header/));
});

test('files that are not .npy are named', () => {
  assert.throws(() => parseNpy(Buffer.from('PK\x03\x04rest', 'latin1'), 'a.npy'), hasCode('NPY_MALFORMED', /zip archive/));
  assert.throws(() => parseNpy(Buffer.from('hello world'), 'a.npy'), hasCode('NPY_MALFORMED', /magic/));
  assert.throws(() => parseNpy(Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1]), 'a.npy'), hasCode('NPY_MALFORMED', /truncated/));
  assert.throws(() => parseNpy(npyBytes({ descr: '<f4', shape: [1], data: new Float32Array(1) }).map((v, i) => (i === 6 ? 9 : v)), 'a.npy'), hasCode('NPY_MALFORMED', /version 9/));
});
