import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataType } from '../../../app/onnx/data-types';
import { tensorToFloat32 } from '../../../app/onnx/tensor-data';
import type { TensorProto } from '../../../app/onnx/proto';

test('float raw_data in a Node Buffer at an unaligned offset converts to the right values (regression)', () => {
  const pool = Buffer.alloc(64, 0x7f);
  const values = new Float32Array([1, 1, 2, 2]);
  Buffer.from(values.buffer).copy(pool, 3);
  const raw = pool.subarray(3, 19); // a Buffer view at byte offset 3: Buffer#slice() would not copy it
  const tensor = { name: 'scales', dims: [4], dataType: DataType.FLOAT, rawData: raw } as unknown as TensorProto;
  assert.deepEqual([...tensorToFloat32(tensor)], [1, 1, 2, 2]);
});
