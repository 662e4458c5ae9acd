/**
 * Static shape inference against ONNX Runtime on real models: every node output of the main graph is captured
 * in one run and its actual dims compared with the inferred shape. Unknown (null) is allowed; a non-null shape
 * that differs from ONNX Runtime's is a bug. Prints per-model figures (tensors and bytes inferred exactly).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { withCapturedOutputs } from '../../../app/model/capture';
import { Graph } from '../../../app/model/graph';
import { inferShapes } from '../../../app/model/shape-inference';
import { decodeModel } from '../../../app/onnx/decode';
import { seededRandom } from '../../../fixtures/onnx-builder';
import { OrtRunner } from '../../../main/engine/ort-runner';
import { sharedModel } from '../../helpers/paths';

const MODELS: { file: string; input: string; dims: number[] }[] = [
  { file: 'ppocrv4_det.onnx', input: 'x', dims: [1, 3, 640, 640] },
  // Not square and not the exported size: upsampling and the Shape-driven reshapes must still line up.
  { file: 'ppocrv4_det.onnx', input: 'x', dims: [1, 3, 352, 480] },
  { file: 'yolox_nano.onnx', input: 'images', dims: [1, 3, 416, 416] },
  { file: 'mobilenet_v2_0.35_128_tfflowers_fp32.onnx', input: 'input_1', dims: [1, 3, 128, 128] },
  { file: 'retinaface_mnet025_licenseplate.onnx', input: 'input', dims: [1, 3, 640, 640] },
];

const count = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);

for (const { file, input, dims } of MODELS) {
  test(`inferred shapes match ONNX Runtime on ${file} ${JSON.stringify(dims)}`, async () => {
    const model = decodeModel(readFileSync(sharedModel(file)), file);
    const graph = new Graph(model.graph);
    const shapes = inferShapes(graph, { [input]: dims });
    // The same model without value_info and without declared output shapes: every shape must be computed.
    const bare = new Graph({ ...model.graph, valueInfo: [], output: model.graph.output.map((o) => ({ name: o.name })) });
    const computedShapes = inferShapes(bare, { [input]: dims });

    const tensors = [...new Set(graph.nodes.flatMap((n) => n.outputs.filter((o) => o !== '')))];
    const captured = withCapturedOutputs(model, tensors.map((tensor) => ({ graphPath: '', tensor })));
    // The capture helper declares added outputs as float; let ONNX Runtime infer the real type instead
    // (Shape, Gather… outputs are int64).
    const declared = new Set(model.graph.output.map((o) => o.name));
    captured.model.graph.output = captured.model.graph.output.map((o) => (declared.has(o.name) ? o : { name: o.name }));
    const runner = await OrtRunner.create(captured.model, file, { optimization: 'extended' });
    let actual;
    try {
      const random = seededRandom(1);
      const data = Float32Array.from({ length: count(dims) }, () => random());
      actual = await runner.run({ [input]: { dataType: 'float32', dims, data } }, tensors.map((t) => captured.outputs.get(t)!));
    } finally {
      await runner.release();
    }

    const compare = (inferredShapes: Map<string, number[] | null>) => {
      let exact = 0;
      let exactBytes = 0;
      let totalBytes = 0;
      const wrong: string[] = [];
      const unknownOps = new Map<string, number>();
      for (const tensor of tensors) {
        const out = actual.get(captured.outputs.get(tensor)!);
        assert.ok(out, `ONNX Runtime returned '${tensor}'`);
        const bytes = count(out.dims) * 4;
        totalBytes += bytes;
        const inferred = inferredShapes.get(tensor);
        if (inferred === null || inferred === undefined) {
          const op = graph.nodes[graph.values.get(tensor)!.producer!].opType;
          unknownOps.set(op, (unknownOps.get(op) ?? 0) + 1);
          continue;
        }
        if (JSON.stringify(inferred) !== JSON.stringify(out.dims)) {
          wrong.push(`${tensor}: inferred ${JSON.stringify(inferred)}, ONNX Runtime ${JSON.stringify(out.dims)}`);
          continue;
        }
        exact++;
        exactBytes += bytes;
      }
      const tensorShare = exact / tensors.length;
      const byteShare = exactBytes / totalBytes;
      const summary =
        `${exact}/${tensors.length} tensors exact (${(100 * tensorShare).toFixed(1)} %), ` +
        `${(100 * byteShare).toFixed(2)} % of ${(totalBytes / 2 ** 20).toFixed(1)} MiB exact, ${wrong.length} wrong` +
        (unknownOps.size > 0 ? `; unknown by op: ${JSON.stringify(Object.fromEntries(unknownOps))}` : '');
      return { tensorShare, byteShare, wrong, summary };
    };
    const { tensorShare, byteShare, wrong, summary } = compare(shapes);
    const bareResult = compare(computedShapes);
    console.log(`${file} ${JSON.stringify(dims)}: ${summary}`);
    console.log(`${file} ${JSON.stringify(dims)} without value_info: ${bareResult.summary}`);
    assert.deepEqual(bareResult.wrong, [], 'no computed shape may differ from what ONNX Runtime produces');
    assert.deepEqual(wrong, [], 'no inferred shape may differ from what ONNX Runtime produces');
    assert.ok(tensorShare >= 0.95, `${file}: ${(100 * tensorShare).toFixed(1)} % of tensors inferred exactly (want ≥ 95 %)`);
    assert.ok(byteShare >= 0.98, `${file}: ${(100 * byteShare).toFixed(2)} % of bytes inferred exactly (want ≥ 98 %)`);
  });
}
