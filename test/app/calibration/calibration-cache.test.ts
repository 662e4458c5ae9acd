import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import {
  decodeTrtVersion,
  float32FromBits,
  float32ToHex,
  matchCacheToModel,
  parseCalibrationCache,
  writeCalibrationCache,
  writeOrtCalibrationTable,
  type CalibrationCache,
} from '../../../app/calibration/calibration-cache';
import { formatPythonFloat, parseOrtTableValue } from '../../../app/calibration/python-float';
import { isWorkbenchError } from '../../../app/errors';

// Tests run from the repo root; the shared data sits next to it (../shared/data).
const CACHE_DIR = path.resolve(process.cwd(), '../shared/data/trt/calib-caches');

const code = (expected: string, message?: RegExp | string) => (e: unknown) =>
  isWorkbenchError(e) && e.code === expected && (message === undefined || (typeof message === 'string' ? e.message === message : message.test(e.message)));

/** float32 from its fields, for decoding hex by hand: (1 + mantissa/2^23) · 2^(exponent − 127). */
const fromFields = (exponent: number, mantissa: number) => (1 + mantissa / 2 ** 23) * 2 ** (exponent - 127);

interface Expectation {
  format: CalibrationCache['format'];
  trtVersion?: string;
  algorithm?: string;
  entries: number;
  spot: { tensor: string; scale: number; amax?: number; why: string };
}

const EXPECTED: Record<string, Expectation> = {
  'jtorres258-yolov8n_trt101401_entropy2.cache': {
    format: 'tensorrt', trtVersion: '101401', algorithm: 'EntropyCalibration2', entries: 249,
    // 'images: 3c02140b' = 0 | 01111000 | 000 0010 0001 0100 0000 1011 → exponent 120, mantissa 0x02140b.
    spot: { tensor: 'images', scale: fromFields(120, 0x02140b), why: 'scale ≈ 0.0079393, amax ≈ 1.0083 for a 0..1 image input' },
  },
  'nt4sth-vgg16-cifar10_trt8400_minmax.cache': {
    format: 'tensorrt', trtVersion: '8400', algorithm: 'MinMaxCalibration', entries: 67,
    // 'input_0: 3cb1a063' = 0 | 01111001 | 011 0001 1010 0000 0110 0011 → exponent 121, mantissa 0x31a063.
    // amax = 2.75373 = (1 − 0.4465)/0.2010, the largest CIFAR-10-normalized blue value: min-max keeps the exact max.
    spot: { tensor: 'input_0', scale: fromFields(121, 0x31a063), amax: (1 - 0.4465) / 0.201, why: 'CIFAR-10 normalization maximum' },
  },
  'nvidia-cookbook-plugin_trt8204_entropy2.cache': {
    format: 'tensorrt', trtVersion: '8204', algorithm: 'EntropyCalibration2', entries: 3,
    // 'inputT0: 3f4014c9' = 0 | 01111110 | 100 0000 0001 0100 1100 1001 → exponent 126, mantissa 0x4014c9 ≈ 0.75032.
    spot: { tensor: 'inputT0', scale: fromFields(126, 0x4014c9), why: 'scale ≈ 0.75032' },
  },
  'zxm97-retinaface-mnet025-lp_trt8501_entropy2.cache': {
    format: 'tensorrt', trtVersion: '8501', algorithm: 'EntropyCalibration2', entries: 126,
    // 'input: 3f9234fa' = 0 | 01111111 | 001 0010 0011 0100 1111 1010 → exponent 127, mantissa 0x1234fa ≈ 1.14224,
    // amax ≈ 145.06 for a BGR input minus mean (104, 117, 123), whose range is [−123, 151]: entropy clipped it.
    spot: { tensor: 'input', scale: fromFields(127, 0x1234fa), why: 'amax ≈ 145.06 < 151' },
  },
  'shiyongming-resnet50v2-7_ort-trt-ep-calibration-table.txt': {
    format: 'ort-trt-ep-table', entries: 175,
    // 'data 2.640000104904175': the value is the dynamic range itself — float32(2.64) = (1 − 0.406)/0.225, the
    // largest ImageNet-normalized input — so scale = amax / 127.
    spot: { tensor: 'data', scale: 2.640000104904175 / 127, amax: Math.fround(2.64), why: 'ImageNet normalization maximum' },
  },
};

test('reads every calibration cache in shared/data/trt/calib-caches: format, header, entry count, a hand-decoded scale', () => {
  const files = readdirSync(CACHE_DIR).sort();
  assert.ok(files.length >= 5, `found ${files.length} files in ${CACHE_DIR}`);
  for (const file of files) {
    const expected = EXPECTED[file];
    assert.ok(expected !== undefined, `no expectations written for ${file}; add them`);
    const cache = parseCalibrationCache(readFileSync(path.join(CACHE_DIR, file), 'utf8'), { file });
    assert.equal(cache.format, expected.format, file);
    assert.equal(cache.trtVersion, expected.trtVersion, file);
    assert.equal(cache.algorithm, expected.algorithm, file);
    assert.equal(cache.entries.length, expected.entries, file);
    assert.deepEqual(cache.warnings, [], file);
    assert.ok(cache.entries.every((e) => e.issue === undefined && e.scale > 0 && Number.isFinite(e.amax)), file);
    const spot = cache.entries.find((e) => e.tensor === expected.spot.tensor);
    assert.ok(spot !== undefined, `${file}: no entry '${expected.spot.tensor}'`);
    assert.equal(spot.scale, expected.spot.scale, `${file}: ${expected.spot.why}`);
    if (cache.format === 'tensorrt') assert.equal(spot.amax, Math.fround(spot.scale * 127), file);
    if (expected.spot.amax !== undefined) assert.ok(Math.abs(spot.amax - expected.spot.amax) < 1e-5, `${file}: amax ${spot.amax}, ${expected.spot.why}`);
  }
});

test('round trip: writing what we read reproduces every shared cache byte for byte', () => {
  for (const file of readdirSync(CACHE_DIR)) {
    const text = readFileSync(path.join(CACHE_DIR, file), 'utf8');
    const cache = parseCalibrationCache(text);
    const written =
      cache.format === 'tensorrt'
        ? writeCalibrationCache({ trtVersion: cache.trtVersion!, algorithm: cache.algorithm!, entries: cache.entries })
        : writeOrtCalibrationTable(cache.entries);
    assert.equal(written, text, file);
  }
});

test('names with colons split at the last ": "; line numbers and TensorRT-internal names are kept', () => {
  const text = ['TRT-100300-EntropyCalibration2', 'x:0: 3f800000', 'a: b: 40000000', '(Unnamed Layer* 8) [Constant]_output: 39137939', ''].join('\n');
  const cache = parseCalibrationCache(text);
  assert.deepEqual(
    cache.entries.map((e) => [e.tensor, e.scale, e.amax, e.line]),
    [
      ['x:0', 1, 127, 2],
      ['a: b', 2, 254, 3],
      ['(Unnamed Layer* 8) [Constant]_output', float32FromBits(0x39137939), Math.fround(float32FromBits(0x39137939) * 127), 4],
    ],
  );
  assert.equal(writeCalibrationCache({ trtVersion: 100300, algorithm: 'EntropyCalibration2', entries: cache.entries }), text);
});

test('malformed lines are CACHE_MALFORMED errors that name the line', () => {
  const good = ['TRT-8501-EntropyCalibration2', 'a: 3f800000', 'b: 3f800000', 'c: 3f800000', 'd: 3f800000', 'e: 3f800000'];
  assert.throws(() => parseCalibrationCache([...good, 'xyz', ''].join('\n')), code('CACHE_MALFORMED', "calibration cache line 7: 'xyz' is not 'tensor: hexfloat'"));
  assert.throws(
    () => parseCalibrationCache([...good, 'xyz'].join('\n'), { file: 'model.cache' }),
    (e) => code('CACHE_MALFORMED', "calibration cache 'model.cache' line 7: 'xyz' is not 'tensor: hexfloat'")(e) && (e as { file?: string }).file === 'model.cache',
  );
  for (const line of ['a: 3f8000000', 'a: 3g800000', 'a:3f800000', ': 3f800000', 'a: ', 'a: 0x3f800000']) {
    assert.throws(() => parseCalibrationCache(`TRT-8501-EntropyCalibration2\n${line}\n`), code('CACHE_MALFORMED', /line 2:/), line);
  }
  assert.throws(() => parseCalibrationCache('TRT-abc-EntropyCalibration2\n'), code('CACHE_MALFORMED', /line 1: .* is not a TensorRT header/));
  assert.throws(() => parseCalibrationCache('TRT-8501-\n'), code('CACHE_MALFORMED', /line 1/));
  assert.throws(() => parseCalibrationCache('data 1.5\nconv 2\nrelu\n'), code('CACHE_MALFORMED', "calibration cache line 3: 'relu' is not 'tensor value'"));
  assert.throws(() => parseCalibrationCache('data 1.5\nconv abc\n'), code('CACHE_MALFORMED', /line 2/));
  // A hostile line is quoted, but shortened.
  assert.throws(() => parseCalibrationCache(`TRT-8501-EntropyCalibration2\n${'z'.repeat(10_000)}\n`), (e) => code('CACHE_MALFORMED')(e) && (e as Error).message.length < 200);
});

test('empty, binary and unknown files get their own codes', () => {
  assert.throws(() => parseCalibrationCache(''), code('CACHE_EMPTY'));
  assert.throws(() => parseCalibrationCache(' \n\n'), code('CACHE_EMPTY'));
  assert.throws(() => parseCalibrationCache('\u0010\u0000\u0000\u0000TrtTable\u0000'), code('CACHE_BINARY', /flatbuffers/));
  assert.throws(() => parseCalibrationCache('hello world!\n'), code('CACHE_UNKNOWN_FORMAT', /line 1/));
  assert.throws(() => parseCalibrationCache('{"images": [0, 1]}\n'), code('CACHE_UNKNOWN_FORMAT'));
});

test('NaN, infinite, negative and zero scales are flagged with line numbers (errors in strict mode)', () => {
  const text = ['TRT-8501-EntropyCalibration2', 'ok: 3f800000', 'nan: 7fc00000', 'inf: 7f800000', 'neg: bf800000', 'negzero: 80000000', 'zero: 00000000', ''].join('\n');
  const cache = parseCalibrationCache(text);
  assert.deepEqual(cache.entries.map((e) => [e.tensor, e.issue]), [
    ['ok', undefined], ['nan', 'nan'], ['inf', 'infinite'], ['neg', 'negative'], ['negzero', 'negative'], ['zero', 'zero'],
  ]);
  assert.deepEqual(cache.warnings.map((w) => [w.code, w.line]), [['BAD_SCALE', 3], ['BAD_SCALE', 4], ['BAD_SCALE', 5], ['BAD_SCALE', 6], ['BAD_SCALE', 7]]);
  assert.match(cache.warnings[0].message, /line 3: tensor 'nan' has a NaN scale/);
  assert.throws(() => parseCalibrationCache(text, { strict: true }), code('CACHE_BAD_SCALE', /line 3: tensor 'nan' has a NaN scale/));
  // ONNX Runtime tables too.
  const table = parseCalibrationCache('a 1.5\nb nan\nc inf\nd -2\ne 0.0\n');
  assert.deepEqual(table.entries.map((e) => e.issue), [undefined, 'nan', 'infinite', 'negative', 'zero']);
  // Refused on write unless explicitly allowed (e.g. to rewrite only the header of a cache as found).
  assert.throws(() => writeCalibrationCache({ trtVersion: 8501, algorithm: 'EntropyCalibration2', entries: cache.entries }), code('CACHE_BAD_SCALE', /tensor 'nan'/));
  assert.equal(writeCalibrationCache({ trtVersion: 8501, algorithm: 'EntropyCalibration2', entries: cache.entries }, { allowBadScales: true }), text);
});

test('tolerated irregularities are warnings: CRLF, BOM, non-canonical hex, duplicates, blank lines, no final newline', () => {
  const cache = parseCalibrationCache('\uFEFFTRT-8501-EntropyCalibration2\r\na: 3F800000\r\n\r\nb: 3f80\r\na: 40000000');
  assert.deepEqual(cache.entries.map((e) => [e.tensor, e.scale, e.line]), [['a', 1, 2], ['b', float32FromBits(0x3f80), 4], ['a', 2, 5]]);
  assert.deepEqual(cache.warnings.map((w) => [w.code, w.line]).sort(), [
    ['BLANK_LINE', 3], ['BYTE_ORDER_MARK', 1], ['CRLF_LINE_ENDINGS', 0], ['DUPLICATE_TENSOR', 5], ['HEX_NOT_CANONICAL', 2], ['HEX_NOT_CANONICAL', 4], ['NO_FINAL_NEWLINE', 5],
  ].sort());
  // Written back in TensorRT's own spelling.
  assert.equal(
    writeCalibrationCache({ trtVersion: cache.trtVersion!, algorithm: cache.algorithm!, entries: cache.entries }),
    'TRT-8501-EntropyCalibration2\na: 3f800000\nb: 00003f80\na: 40000000\n',
  );
});

test('writer: scales rounded to float32, header and names validated', () => {
  assert.equal(
    writeCalibrationCache({ trtVersion: '101601', algorithm: 'EntropyCalibration2', entries: [{ tensor: 'x', scale: 0.1 }, { tensor: 'y', scale: 1 / 127 }] }),
    'TRT-101601-EntropyCalibration2\nx: 3dcccccd\ny: 3c010204\n',
  );
  assert.equal(writeCalibrationCache({ trtVersion: 8600, algorithm: 'MinMaxCalibration', entries: [] }), 'TRT-8600-MinMaxCalibration\n');
  assert.throws(() => writeCalibrationCache({ trtVersion: '10.16.1', algorithm: 'EntropyCalibration2', entries: [] }), code('CACHE_MALFORMED', /version integer/));
  assert.throws(() => writeCalibrationCache({ trtVersion: 8600, algorithm: 'Entropy Calibration', entries: [] }), code('CACHE_MALFORMED'));
  for (const tensor of ['', 'a\nb', 'a\r']) {
    assert.throws(() => writeCalibrationCache({ trtVersion: 8600, algorithm: 'X', entries: [{ tensor, scale: 1 }] }), code('CACHE_BAD_TENSOR_NAME'));
    assert.throws(() => writeOrtCalibrationTable([{ tensor, amax: 1 }]), code('CACHE_BAD_TENSOR_NAME'));
  }
  for (const scale of [NaN, 0, -1, Infinity, 1e-50 /* rounds to float32 0 */]) {
    assert.throws(() => writeCalibrationCache({ trtVersion: 8600, algorithm: 'X', entries: [{ tensor: 't', scale }] }), code('CACHE_BAD_SCALE'), String(scale));
  }
  // ONNX Runtime table uses Python's float repr.
  assert.equal(writeOrtCalibrationTable([{ tensor: 'a', amax: 1 }, { tensor: 'b', amax: 1e-5 }, { tensor: 'c', amax: 2.640000104904175 }]), 'a 1.0\nb 1e-05\nc 2.640000104904175\n');
});

test('float32 hex helpers decode and encode by hand-checked patterns', () => {
  assert.equal(float32FromBits(0x3f800000), 1);
  assert.equal(float32FromBits(0xc0000000), -2);
  assert.equal(float32FromBits(0x00000001), 2 ** -149); // smallest subnormal
  assert.equal(float32ToHex(1), '3f800000');
  assert.equal(float32ToHex(-2), 'c0000000');
  assert.equal(float32ToHex(2 ** -149), '00000001');
  assert.equal(float32ToHex(2.0083382), '4000889d'); // the uint8-image example of reference/tensorrt.md §4.1 (amax 255.06)
});

test('matchCacheToModel reports matches, cache-only names and model tensors without a scale', () => {
  const cache = parseCalibrationCache(['TRT-8501-EntropyCalibration2', 'input: 3c010204', '/conv1/Conv_output_0: 3f9db09c', '(Unnamed Layer* 8) [Constant]_output: 39137939', 'input: 3c010204', ''].join('\n'));
  const result = matchCacheToModel(cache, ['input', '/conv1/Conv_output_0', '/relu/Relu_output_0', 'output', 'input']);
  assert.deepEqual(result, {
    matched: ['input', '/conv1/Conv_output_0'],
    unmatchedInCache: ['(Unnamed Layer* 8) [Constant]_output'],
    modelTensorsWithoutScale: ['/relu/Relu_output_0', 'output'],
  });
  // Exact, case-sensitive names; any iterable works.
  assert.deepEqual(matchCacheToModel(cache, new Set(['INPUT'])).matched, []);
  assert.deepEqual(matchCacheToModel({ entries: [] }, ['a']), { matched: [], unmatchedInCache: [], modelTensorsWithoutScale: ['a'] });
});

test('decodeTrtVersion handles the TensorRT 7/8 and 10 encodings', () => {
  assert.deepEqual(decodeTrtVersion('8501'), { major: 8, minor: 5, patch: 1 });
  assert.deepEqual(decodeTrtVersion('8204'), { major: 8, minor: 2, patch: 4 });
  assert.deepEqual(decodeTrtVersion('7202'), { major: 7, minor: 2, patch: 2 });
  assert.deepEqual(decodeTrtVersion('101401'), { major: 10, minor: 14, patch: 1 });
  assert.deepEqual(decodeTrtVersion(100300), { major: 10, minor: 3, patch: 0 });
  assert.equal(decodeTrtVersion('abc'), undefined);
  assert.equal(decodeTrtVersion(0), undefined);
});

test('Python float text forms', () => {
  const cases: [number, string][] = [
    [1, '1.0'], [100, '100.0'], [0.1, '0.1'], [1e-5, '1e-05'], [0.0001, '0.0001'], [0.00012, '0.00012'],
    [1.5e16, '1.5e+16'], [1e16, '1e+16'], [123456789012345.6, '123456789012345.6'], [-3.25, '-3.25'],
    [5e-324, '5e-324'], [0, '0.0'], [-0, '-0.0'], [NaN, 'nan'], [Infinity, 'inf'], [-Infinity, '-inf'],
    [2.640000104904175, '2.640000104904175'],
  ];
  for (const [value, text] of cases) {
    assert.equal(formatPythonFloat(value), text, String(value));
    assert.ok(Object.is(parseOrtTableValue(text), value), text);
  }
  for (const bad of ['', '1.2.3', '0x10', '1e', 'e5', 'abc', '1,5']) assert.equal(parseOrtTableValue(bad), undefined, bad);
});
