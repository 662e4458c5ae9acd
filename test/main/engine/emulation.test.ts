/**
 * The emulated variants are exactly what their definition says: INT8 = per-tensor symmetric activations and
 * per-channel symmetric weights, dequantized and computed in float; FP16 = inputs, weights, bias and output
 * rounded to float16. Checked against an independent JS computation on ONNX Runtime's output.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Graph } from '../../../app/model/graph';
import { decodeModel } from '../../../app/onnx/decode';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../../../app/onnx/float16';
import { discoverLayers } from '../../../app/precision/layers';
import { materializePlan } from '../../../app/precision/materialize';
import { defaultPlan, resolvePlan } from '../../../app/precision/plan';
import { DataType, GraphBuilder, encode, seededRandom, valueInfo } from '../../../fixtures/onnx-builder';
import { OrtRunner } from '../../../main/engine/ort-runner';

const K = 24;
const N = 7;

function gemmModel(opset: number) {
  const b = new GraphBuilder(seededRandom(7));
  b.gemm('x', K, N);
  b.nodes[0].output = ['y'];
  const bytes = encode(b.model([valueInfo('x', DataType.FLOAT, [3, K])], [valueInfo('y', DataType.FLOAT, [3, N])], opset));
  const model = decodeModel(bytes);
  const graph = new Graph(model.graph);
  const weights = Float32Array.from(b.initializers[0].rawData ? new Float32Array(b.initializers[0].rawData.slice().buffer) : []);
  const bias = new Float32Array(b.initializers[1].rawData!.slice().buffer);
  return { model, graph, weights, bias };
}

const roundHalfEven = (v: number) => {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};
const f16 = (v: number) => float16BitsToFloat32(float32ToFloat16Bits(v));

function input(): Float32Array {
  const random = seededRandom(99);
  const x = new Float32Array(3 * K);
  for (let i = 0; i < x.length; i++) x[i] = (random() - 0.5) * 6;
  x[5] = 9; // beyond amax: saturates
  return x;
}

for (const opset of [11, 13]) {
  test(`INT8 Q/DQ Gemm on ONNX Runtime equals fake-quant arithmetic (opset ${opset})`, async () => {
    const { model, graph, weights, bias } = gemmModel(opset);
    const layers = discoverLayers(graph);
    const amax = 2.5;
    const m = materializePlan(model, graph, resolvePlan(defaultPlan('int8'), layers).resolved, () => amax);
    assert.equal(m.qdqDomain, opset >= 13 ? 'ai.onnx' : 'com.microsoft');
    const runner = await OrtRunner.create(m.model, 'gemm-int8');
    const x = input();
    const out = (await runner.run({ x: { dataType: 'float32', dims: [3, K], data: x } }, ['y'])).get('y')!;
    await runner.release();
    const s = Math.fround(amax / 127);
    const xq = x.map((v) => Math.max(-128, Math.min(127, roundHalfEven(Math.fround(v / s)))) * s);
    for (let row = 0; row < 3; row++) {
      for (let n = 0; n < N; n++) {
        let wmax = 0;
        for (let k = 0; k < K; k++) wmax = Math.max(wmax, Math.abs(weights[n * K + k]));
        const ws = Math.fround(wmax / 127);
        let acc = bias[n];
        for (let k = 0; k < K; k++) acc += xq[row * K + k] * Math.fround(Math.max(-127, Math.min(127, roundHalfEven(Math.fround(weights[n * K + k] / ws)))) * ws);
        assert.ok(Math.abs(out.data[row * N + n] - acc) < 1e-4 * Math.max(1, Math.abs(acc)), `row ${row} col ${n}: ${out.data[row * N + n]} vs ${acc}`);
      }
    }
    // And it is not the FP32 result: the saturated input must have changed row 0.
    const fp32 = await OrtRunner.create(model, 'gemm-fp32');
    const ref = (await fp32.run({ x: { dataType: 'float32', dims: [3, K], data: x } }, ['y'])).get('y')!;
    await fp32.release();
    assert.ok(Math.abs(ref.data[0] - out.data[0]) > 1e-3);
  });
}

test('FP16 emulation rounds input, weights, bias and output to float16', async () => {
  const { model, graph, weights, bias } = gemmModel(13);
  const m = materializePlan(model, graph, resolvePlan(defaultPlan('fp16'), discoverLayers(graph)).resolved, () => undefined);
  const runner = await OrtRunner.create(m.model, 'gemm-fp16');
  const x = input().map((v) => v * 1.0001);
  const out = (await runner.run({ x: { dataType: 'float32', dims: [3, K], data: x } }, ['y'])).get('y')!;
  await runner.release();
  for (let row = 0; row < 3; row++) {
    for (let n = 0; n < N; n++) {
      let acc = f16(bias[n]);
      for (let k = 0; k < K; k++) acc += f16(x[row * K + k]) * f16(weights[n * K + k]);
      assert.ok(Math.abs(out.data[row * N + n] - f16(acc)) <= Math.abs(f16(acc)) * 2 ** -10 + 1e-6, `row ${row} col ${n}`);
      assert.equal(out.data[row * N + n], f16(out.data[row * N + n]), 'output is a float16 value');
    }
  }
});

test('pre-dequantized weights and the switchable graph compute bit-identical numbers', async () => {
  const { model, graph } = gemmModel(13);
  const layers = discoverLayers(graph);
  const resolved = resolvePlan(defaultPlan('int8'), layers).resolved;
  const x = input();
  const run = async (m: typeof model, extra: Record<string, { dataType: 'bool'; dims: number[]; data: Uint8Array }> = {}) => {
    const runner = await OrtRunner.create(m, 'variant');
    const out = (await runner.run({ x: { dataType: 'float32', dims: [3, K], data: x }, ...extra }, ['y'])).get('y')!.data.slice();
    await runner.release();
    return out;
  };
  const int8 = await run(materializePlan(model, graph, resolved, () => 2.5).model);
  const floatWeights = await run(materializePlan(model, graph, resolved, () => 2.5, { weights: 'dequantized-float' }).model);
  assert.deepEqual(floatWeights, int8);
  const switchable = materializePlan(model, graph, resolved, () => 2.5, { switchable: true, weights: 'dequantized-float' });
  const [switchName] = [...switchable.switches.values()];
  const on = await run(switchable.model, { [switchName]: { dataType: 'bool', dims: [], data: new Uint8Array([1]) } });
  const off = await run(switchable.model, { [switchName]: { dataType: 'bool', dims: [], data: new Uint8Array([0]) } });
  assert.deepEqual(on, int8);
  assert.deepEqual(off, await run(model));
  // FP16, switchable: on = the FP16 emulation, off = FP32.
  const fp16Resolved = resolvePlan(defaultPlan('fp16'), layers).resolved;
  const fp16 = await run(materializePlan(model, graph, fp16Resolved, () => undefined).model);
  const sw16 = materializePlan(model, graph, fp16Resolved, () => undefined, { switchable: true });
  const [sw16Name] = [...sw16.switches.values()];
  assert.deepEqual(await run(sw16.model, { [sw16Name]: { dataType: 'bool', dims: [], data: new Uint8Array([1]) } }), fp16);
  assert.deepEqual(await run(sw16.model, { [sw16Name]: { dataType: 'bool', dims: [], data: new Uint8Array([0]) } }), await run(model));
});
