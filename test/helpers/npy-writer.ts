/** Writes .npy / .npz bytes for tests (what numpy.save / numpy.savez produce, for the dtypes tests need). */
import { zipSync } from 'fflate';

const DESCR: Record<string, string> = { float32: '<f4', int64: '<i8', uint8: '|u1', int32: '<i4' };

export function npyBytes(dtype: keyof typeof DESCR, dims: number[], data: Float32Array | BigInt64Array | Uint8Array | Int32Array): Uint8Array {
  const shape = dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
  let header = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': ${shape}, }`;
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), 10 + header.length);
  return out;
}

export function npzBytes(arrays: Record<string, Uint8Array>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(arrays).map(([k, v]) => [`${k}.npy`, v])), { level: 0 });
}
