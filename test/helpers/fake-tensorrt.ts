/**
 * A stand-in for the native TensorRT addon, for glue tests on machines without TensorRT (all of ours). It is NOT
 * TensorRT: build() records the ONNX bytes and options and "serializes" the ONNX itself; the engine runs that ONNX
 * on ONNX Runtime CPU. To exercise what the workbench does with real engines it imitates their shape:
 *   - a node whose output only feeds one Relu is fused with it ("conv_1 + relu_1"), so its output is no debug
 *     tensor (as TensorRT fuses Conv+ReLU), and Q/DQ nodes are folded into their consumers' layers;
 *   - inspect() returns TensorRT 10 --exportLayerInfo JSON with "[ONNX Layer: …]" metadata;
 *   - profiling reports one time per engine layer per iteration, as IProfiler does.
 */
import { decodeModel } from '../../app/onnx/decode';
import type { ModelProto, NodeProto } from '../../app/onnx/proto';
import { cloneModelStructure } from '../../app/model/capture';
import { DataType } from '../../app/onnx/data-types';
import { OrtRunner } from '../../main/engine/ort-runner';
import type { TensorRt, TrtAddonBuildOptions, TrtEngine, TrtHostTensor, TrtRunRequest } from '../../native/index';

export interface FakeTensorRtRecord {
  builds: { options: TrtAddonBuildOptions; model: ModelProto }[];
  runs: TrtRunRequest[];
  released: number;
}

interface EngineLayer {
  name: string;
  nodes: NodeProto[];
  /** Output tensor of the layer (the last node's first output). */
  output: string;
}

function engineLayers(model: ModelProto): { layers: EngineLayer[]; fusedTensors: Set<string> } {
  const nodes = model.graph.node;
  const consumers = new Map<string, NodeProto[]>();
  for (const node of nodes) for (const input of node.input) if (input) consumers.set(input, [...(consumers.get(input) ?? []), node]);
  const graphOutputs = new Set(model.graph.output.map((o) => o.name));
  const fusedTensors = new Set<string>();
  const taken = new Set<NodeProto>();
  const layers: EngineLayer[] = [];
  const isQdq = (n: NodeProto) => n.opType === 'QuantizeLinear' || n.opType === 'DequantizeLinear';
  for (const node of nodes) {
    if (taken.has(node)) continue;
    if (isQdq(node)) {
      // Q/DQ become part of the layers that read them: no engine layer, no debug tensor.
      fusedTensors.add(node.output[0]);
      continue;
    }
    const group = [node];
    const next = consumers.get(node.output[0]) ?? [];
    if (next.length === 1 && next[0].opType === 'Relu' && !graphOutputs.has(node.output[0])) {
      group.push(next[0]);
      taken.add(next[0]);
      fusedTensors.add(node.output[0]);
    }
    layers.push({ name: group.map((n) => n.name).join(' + '), nodes: group, output: group.at(-1)!.output[0] });
  }
  return { layers, fusedTensors };
}

function layerInfoJson(model: ModelProto, layers: EngineLayer[]): string {
  return JSON.stringify({
    Layers: layers.map((l) => ({
      Name: l.name,
      LayerType: l.nodes[0].opType === 'Conv' ? 'CaskConvolution' : l.nodes[0].opType === 'Gemm' ? 'CaskGemmConvolution' : 'PointWiseV2',
      Inputs: l.nodes[0].input.filter(Boolean).slice(0, 1).map((name) => ({ Name: name, Location: 'Device', Dimensions: [1], 'Format/Datatype': 'Int8 NC/32HW32' })),
      Outputs: [{ Name: l.output, Location: 'Device', Dimensions: [1], 'Format/Datatype': 'Float' }],
      TacticName: 'fake_tactic',
      TacticValue: '0x0000000000000001',
      StreamId: 0,
      Metadata: l.nodes.map((n) => `[ONNX Layer: ${n.name}]`).join('\u001e'),
    })),
    Bindings: [...model.graph.input.map((i) => i.name), ...model.graph.output.map((o) => o.name)],
  });
}

/** Float16 tensors of the strongly typed graph: float16 initializers, Cast(to=FLOAT16) outputs and what FP16 layers compute from them. */
function float16Tensors(model: ModelProto): Set<string> {
  const fp16 = new Set(model.graph.initializer.filter((t) => t.dataType === DataType.FLOAT16).map((t) => t.name));
  for (const node of model.graph.node) {
    const to = node.attribute.find((a) => a.name === 'to')?.i;
    const isFp16 = node.opType === 'Cast' ? Number(to) === DataType.FLOAT16 : node.input.some((i) => fp16.has(i));
    if (isFp16) for (const output of node.output) fp16.add(output);
  }
  return fp16;
}

/** The model with `tensors` added as graph outputs of their own type (withCapturedOutputs assumes float32). */
function withDebugOutputs(model: ModelProto, tensors: readonly string[]): { model: ModelProto; outputs: Map<string, string> } {
  const fp16 = float16Tensors(model);
  const copy = cloneModelStructure(model);
  for (const tensor of tensors) copy.graph.output.push({ name: tensor, type: { tensorType: { elemType: fp16.has(tensor) ? DataType.FLOAT16 : DataType.FLOAT } } });
  return { model: copy, outputs: new Map(tensors.map((t) => [t, t])) };
}

function fakeEngine(model: ModelProto, record: FakeTensorRtRecord): TrtEngine {
  const { layers, fusedTensors } = engineLayers(model);
  const initializers = new Set(model.graph.initializer.map((t) => t.name));
  const outputs = model.graph.output.map((o) => o.name);
  const debugNames = model.graph.node.flatMap((n) => n.output).filter((t) => t && !fusedTensors.has(t) && !initializers.has(t) && !outputs.includes(t));
  const captured = withDebugOutputs(model, debugNames);
  let runner: Promise<OrtRunner> | undefined;
  return {
    ioTensors: () => [
      ...model.graph.input.map((i) => ({ name: i.name, mode: 'input' as const, dataType: 'float32' as const, shape: [-1] })),
      ...outputs.map((name) => ({ name, mode: 'output' as const, dataType: 'float32' as const, shape: [-1] })),
    ],
    layerCount: () => layers.length,
    inspect: async () => layerInfoJson(model, layers),
    run: async (request) => {
      record.runs.push(request);
      runner ??= OrtRunner.create(captured.model, 'fake TensorRT engine', {});
      const feeds = Object.fromEntries(request.inputs.map((i) => [i.name, { dataType: 'float32' as const, dims: i.dims, data: i.data as Float32Array }]));
      const fetch = [...outputs, ...(request.captureDebugTensors ? debugNames.map((t) => captured.outputs.get(t)!) : [])];
      const result = await (await runner).run(feeds, fetch);
      const host = (name: string, from: string): TrtHostTensor => {
        const t = result.get(from)!;
        return { name, dataType: 'float32', dims: t.dims, data: t.data.slice().buffer };
      };
      const iterations = request.iterations ?? 1;
      return {
        outputs: outputs.map((name) => host(name, name)),
        debugTensors: request.captureDebugTensors ? debugNames.map((t) => host(t, captured.outputs.get(t)!)) : [],
        layerTimes: request.profile ? Array.from({ length: iterations }, () => layers.map((l, i) => ({ name: l.name, ms: 0.01 * (i + 1) }))).flat() : [],
      };
    },
    release: () => {
      record.released++;
      void runner?.then((r) => r.release(), () => undefined);
    },
  };
}

export function fakeTensorRt(record: FakeTensorRtRecord, options: { unfusedDebugTensors?: boolean } = {}): TensorRt {
  return {
    addonFile: 'fake-addon.node',
    headerVersion: { major: 10, minor: 16, patch: 1, build: 11 },
    features: { legacyPrecision: true, unfusedDebugTensors: options.unfusedDebugTensors ?? true, libraryTacticSources: true, weakTyping: true },
    library: { libraryVersion: 101601, libraryMajor: 10, libraryMinor: 16, libraryPatch: 1, libraryBuild: 11, parserVersion: 100, inferLibrary: 'libnvinfer.so.10', parserLibrary: 'libnvonnxparser.so.10' },
    build: async (onnx, buildOptions, onLog) => {
      const model = decodeModel(onnx, 'fake build input');
      record.builds.push({ options: buildOptions, model });
      onLog?.(3, '[MemUsageChange] Init CUDA: CPU +0, GPU +0, now: CPU 0, GPU 0 (MiB)');
      onLog?.(2, 'fake addon: this is not TensorRT');
      return { plan: onnx.slice(), notes: [], networkLayers: model.graph.node.length, buildMilliseconds: 1 };
    },
    deserialize: async (plan) => fakeEngine(decodeModel(plan, 'fake engine'), record),
  };
}
