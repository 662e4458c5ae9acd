/**
 * Recomputes a report's final-output metrics for an exported model: FP32 model and exported model on ONNX Runtime
 * over the same samples, pooled with the same accumulator the analysis uses. Modes:
 *   'as-analysed'   OrtRunner with the analysis' options ('extended') on models whose layer outputs (and the
 *                   reduced model's quantized inputs) are also graph outputs, as the analysis runs them;
 *   'unoptimized'   the plain files, OrtRunner's session options but no graph optimization (ONNX semantics);
 *   'plain-default' the plain files with OrtRunner's defaults (ORT level 'all'), as a user would run them.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { LayerErrorAccumulator } from '../../app/compare/layer-error-accumulator';
import type { AnalysisReport } from '../../app/contract/report';
import { withCapturedOutputs } from '../../app/model/capture';
import { Graph } from '../../app/model/graph';
import { decodeModel } from '../../app/onnx/decode';
import { encodeModel } from '../../app/onnx/encode';
import type { ModelProto } from '../../app/onnx/proto';
import { discoverLayers } from '../../app/precision/layers';
import { openSampleSource, type SampleSourceOptions } from '../../main/data/sample-sources';
import type { TensorData } from '../../main/data/types';
import { outputChannelAxis } from '../../main/engine/comparison-pass';
import { resolveInputSpecs } from '../../main/engine/input-specs';
import { OrtRunner } from '../../main/engine/ort-runner';

export type RunMode = 'as-analysed' | 'unoptimized' | 'plain-default';

interface Runner {
  run(feeds: Record<string, TensorData>, fetch: string[]): Promise<Map<string, { dims: number[]; data: Float32Array }>>;
  release(): Promise<void>;
}

/** OrtRunner's session options with graph optimization off (OrtRunner itself offers 'all' and 'extended'). */
async function unoptimizedRunner(model: ModelProto): Promise<Runner> {
  const session = await ort.InferenceSession.create(encodeModel(model), {
    graphOptimizationLevel: 'disabled',
    executionMode: 'sequential',
    logSeverityLevel: 3,
    extra: { session: { disable_quant_qdq: '1' } },
  });
  return {
    async run(feeds, fetch) {
      const inputs = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new ort.Tensor(t.dataType as ort.Tensor.Type, t.data as ort.Tensor.DataType, t.dims)]));
      const result = await session.run(inputs, fetch);
      return new Map(fetch.map((name) => [name, { dims: result[name].dims.map(Number), data: result[name].data as Float32Array }]));
    },
    release: () => session.release(),
  };
}

async function runner(model: ModelProto, label: string, mode: RunMode): Promise<Runner> {
  if (mode === 'unoptimized') return unoptimizedRunner(model);
  return OrtRunner.create(model, label, mode === 'as-analysed' ? { optimization: 'extended' } : {});
}

export interface Reproduced {
  name: string;
  cosineSimilarity: number;
  sqnrDb: number;
  mse: number;
}

export async function recomputeOutputMetrics(modelPath: string, exportedPath: string, report: AnalysisReport, data: SampleSourceOptions, mode: RunMode): Promise<Reproduced[]> {
  let reference = decodeModel(new Uint8Array(readFileSync(modelPath)));
  let candidate = decodeModel(new Uint8Array(readFileSync(exportedPath)));
  const graph = new Graph(reference.graph);
  const outputs = graph.outputs().map((o) => o.name);
  if (mode === 'as-analysed') {
    const layerOutputs = discoverLayers(graph).map((l) => ({ graphPath: l.graphPath, tensor: l.output }));
    const quantizedInputs = report.layers.flatMap((l) => l.activations.map((a) => ({ graphPath: l.graphPath, tensor: a.tensor })));
    reference = withCapturedOutputs(reference, layerOutputs).model;
    candidate = withCapturedOutputs(candidate, [...layerOutputs, ...quantizedInputs]).model;
  }
  const fp32 = await runner(reference, 'FP32', mode);
  const exported = await runner(candidate, 'exported', mode);
  const accumulators = new Map<string, LayerErrorAccumulator>();
  try {
    const source = await openSampleSource(data, resolveInputSpecs(graph, report.settings.inputShapes));
    for await (const sample of source.samples()) {
      const r = await fp32.run(sample.feeds, outputs);
      const c = await exported.run(sample.feeds, outputs);
      for (const name of outputs) {
        const ref = r.get(name)!;
        let acc = accumulators.get(name);
        if (!acc) accumulators.set(name, (acc = new LayerErrorAccumulator({ channelAxis: outputChannelAxis(undefined, ref.dims) })));
        acc.update(ref.data, c.get(name)!.data, ref.dims);
      }
    }
  } finally {
    await fp32.release();
    await exported.release();
  }
  return outputs.map((name) => {
    const m = accumulators.get(name)!.result();
    return { name, cosineSimilarity: m.cosineSimilarity, sqnrDb: m.sqnrDb, mse: m.mse };
  });
}

