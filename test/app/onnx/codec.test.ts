import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { dataTypeName } from '../../../app/onnx/data-types';
import { decodeModel } from '../../../app/onnx/decode';
import { encodeModel } from '../../../app/onnx/encode';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../../../app/onnx/float16';
import type { GraphProto, ModelProto } from '../../../app/onnx/proto';
import { ProtoWriter } from '../../../app/onnx/wire';
import { sharedData } from '../../helpers/paths';

/** A structural fingerprint of a decoded model: everything except byte views compared by value. */
function fingerprint(model: ModelProto): string {
  return JSON.stringify(model, (_key, value) => {
    if (value instanceof Uint8Array) return `bytes:${value.length}:${Buffer.from(value).toString('base64').slice(0, 64)}`;
    if (value instanceof Float32Array) return Array.from(value);
    if (typeof value === 'bigint') return `${value}n`;
    return value;
  });
}

test('every shared model survives decode → encode → decode unchanged', () => {
  const dir = path.join(sharedData, 'models');
  const files = readdirSync(dir).filter((f) => f.endsWith('.onnx'));
  assert.ok(files.length >= 10);
  for (const file of files) {
    const bytes = new Uint8Array(readFileSync(path.join(dir, file)));
    const model = decodeModel(bytes, file);
    const again = decodeModel(encodeModel(model), file);
    assert.equal(fingerprint(again), fingerprint(model), file);
    assert.ok(model.graph.node.length > 0, file);
  }
});

test('initializer raw_data is a view into the file buffer, not a copy', () => {
  const bytes = new Uint8Array(readFileSync(path.join(sharedData, 'models/yolox_nano.onnx')));
  const model = decodeModel(bytes);
  const init = model.graph.initializer.find((t) => t.rawData && t.rawData.length > 1000)!;
  assert.equal(init.rawData!.buffer, bytes.buffer);
});

test('unknown fields are kept through a round trip', () => {
  const w = new ProtoWriter();
  w.varintField(1, 8); // ir_version
  w.messageField(7, (g) => {
    g.stringField(2, 'g');
    g.stringField(99, 'a field from the future'); // unknown to this decoder
  });
  w.stringField(77, 'model-level unknown');
  const bytes = w.finish();
  const model = decodeModel(bytes);
  assert.equal(model.graph.unknownFields?.length, 1);
  assert.equal(model.unknownFields?.length, 1);
  const again = decodeModel(encodeModel(model));
  assert.deepEqual(Buffer.from(again.graph.unknownFields![0]), Buffer.from(model.graph.unknownFields![0]));
  assert.deepEqual(Buffer.from(again.unknownFields![0]), Buffer.from(model.unknownFields![0]));
});

test('int64 attribute values beyond 2^53 (Slice ends = INT64_MAX) are exact', () => {
  const graph: GraphProto = {
    name: 'g',
    node: [{ input: ['x'], output: ['y'], name: 'slice', opType: 'Slice', domain: '', attribute: [{ name: 'ends', type: 7, ints: [9223372036854775807n, -1n] }] }],
    initializer: [],
    input: [],
    output: [],
    valueInfo: [],
  };
  const model: ModelProto = { irVersion: 7, opsetImport: [{ domain: '', version: 9 }], producerName: '', producerVersion: '', domain: '', modelVersion: 0, docString: '', graph, metadataProps: [] };
  const again = decodeModel(encodeModel(model));
  assert.deepEqual(again.graph.node[0].attribute[0].ints, [9223372036854775807n, -1n]);
});

test('truncated, empty and non-ONNX inputs fail with specific codes', () => {
  const bytes = new Uint8Array(readFileSync(path.join(sharedData, 'models/yolox_nano.onnx')));
  assert.throws(() => decodeModel(bytes.subarray(0, bytes.length - 1000), 'cut.onnx'), (e: any) => e.code === 'ONNX_MALFORMED' && /cut\.onnx/.test(e.message) && /byte/.test(e.message));
  assert.throws(() => decodeModel(new TextEncoder().encode('{"not": "onnx"}'), 'x.json'), (e: any) => e.code === 'ONNX_MALFORMED' || e.code === 'ONNX_NOT_A_MODEL');
  assert.throws(() => decodeModel(new Uint8Array([0x08, 0x07]), 'tiny.onnx'), (e: any) => e.code === 'ONNX_NOT_A_MODEL');
});

test('deeply nested subgraphs are refused, not a stack overflow', () => {
  let inner = (w: ProtoWriter) => w.stringField(2, 'leaf');
  for (let depth = 0; depth < 200; depth++) {
    const child = inner;
    inner = (w: ProtoWriter) =>
      w.messageField(1, (n) => {
        n.stringField(4, 'If');
        n.messageField(5, (a) => {
          a.stringField(1, 'then_branch');
          a.messageField(6, child);
          a.varintField(20, 5);
        });
      });
  }
  const w = new ProtoWriter();
  w.varintField(1, 8);
  w.messageField(7, inner);
  assert.throws(() => decodeModel(w.finish(), 'deep.onnx'), (e: any) => e.code === 'ONNX_TOO_DEEP');
});

test('every ONNX data type has its name, including float8, int4, float4 and int2', () => {
  const expected: Record<number, string> = { 1: 'float32', 10: 'float16', 16: 'bfloat16', 17: 'float8e4m3fn', 18: 'float8e4m3fnuz', 19: 'float8e5m2', 20: 'float8e5m2fnuz', 21: 'uint4', 22: 'int4', 23: 'float4e2m1', 24: 'float8e8m0', 25: 'uint2', 26: 'int2' };
  for (const [id, name] of Object.entries(expected)) assert.equal(dataTypeName(Number(id)), name);
  assert.equal(dataTypeName(99), 'unknown(99)');
});

test('float16 conversion rounds to nearest even and handles overflow, subnormals and NaN', () => {
  assert.equal(float32ToFloat16Bits(1), 0x3c00);
  assert.equal(float32ToFloat16Bits(65504), 0x7bff);
  assert.equal(float32ToFloat16Bits(65520), 0x7c00); // rounds up to Inf
  assert.equal(float32ToFloat16Bits(65519), 0x7bff);
  assert.equal(float16BitsToFloat32(0x0001), 2 ** -24); // smallest subnormal
  assert.equal(float32ToFloat16Bits(2 ** -25), 0); // ties to even → 0
  assert.equal(float32ToFloat16Bits(3 * 2 ** -25), 2); // 1.5 ulp → 2 ulp (even)
  assert.equal(float32ToFloat16Bits(1 + 2 ** -11), 0x3c00); // halfway between 1 and 1+2^-10 → even (1)
  assert.ok(Number.isNaN(float16BitsToFloat32(float32ToFloat16Bits(NaN))));
});
