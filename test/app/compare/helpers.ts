/** Test helpers for app/compare: deterministic random data and tolerant comparisons. */
import assert from 'node:assert/strict';

/** mulberry32: small, fast, deterministic. Returns floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal via Box–Muller. */
export function gaussian(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** |actual − expected| ≤ relative·|expected| (+ absolute), with equal non-finite values accepted. */
export function assertClose(actual: number, expected: number, relative = 1e-12, absolute = 0, what = ''): void {
  if (!Number.isFinite(expected) || !Number.isFinite(actual)) {
    assert.ok(Object.is(actual, expected) || (Number.isNaN(actual) && Number.isNaN(expected)), `${what}: ${actual} !== ${expected}`);
    return;
  }
  const tolerance = relative * Math.abs(expected) + absolute;
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not within ${tolerance} of ${expected}`);
}

export function concatFloat32(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Asserts that `fn` throws a WorkbenchError with this area and code. */
export function assertWorkbenchError(fn: () => unknown, code: string, area = 'compare'): void {
  assert.throws(fn, (error: unknown) => {
    const e = error as { name?: string; code?: string; area?: string };
    assert.equal(e.name, 'WorkbenchError');
    assert.equal(e.code, code);
    assert.equal(e.area, area);
    return true;
  });
}
