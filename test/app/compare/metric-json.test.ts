import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { metricFromJson, metricToJson, toJsonSafe } from '../../../app/compare/metric-json';
import { compareTensors } from '../../../app/compare/metrics';

describe('metric JSON encoding', () => {
  it('maps ±Infinity to ±Number.MAX_VALUE, NaN to null, finite values unchanged', () => {
    assert.equal(metricToJson(Infinity), Number.MAX_VALUE);
    assert.equal(metricToJson(-Infinity), -Number.MAX_VALUE);
    assert.equal(metricToJson(NaN), null);
    assert.equal(metricToJson(13.8), 13.8);
    assert.equal(metricToJson(-0), -0);
  });

  it('round-trips through JSON text losslessly', () => {
    for (const value of [Infinity, -Infinity, NaN, 0, 1e-300, -42.5, 1827.4]) {
      const back = metricFromJson(JSON.parse(JSON.stringify(metricToJson(value))) as number | null);
      assert.ok(Object.is(back, value) || (Number.isNaN(back) && Number.isNaN(value)), `${value} → ${back}`);
    }
  });

  it('keeps the order of sqnr values (an exact match sorts above every finite SQNR)', () => {
    const exact = compareTensors(new Float32Array([1, 2]), new Float32Array([1, 2])).sqnrDb;
    const good = compareTensors(new Float32Array([1, 2]), new Float32Array([1, 2.0001])).sqnrDb;
    assert.equal(exact, Infinity);
    assert.ok((metricToJson(exact) as number) > (metricToJson(good) as number));
  });

  it('toJsonSafe encodes every number of a nested record and leaves other values alone', () => {
    const encoded = toJsonSafe({ a: Infinity, b: [1, NaN, -Infinity], c: { d: 'x', e: true, f: null, g: 2 } });
    assert.deepEqual(encoded, { a: Number.MAX_VALUE, b: [1, null, -Number.MAX_VALUE], c: { d: 'x', e: true, f: null, g: 2 } });
    assert.doesNotThrow(() => JSON.parse(JSON.stringify(encoded)));
  });
});
