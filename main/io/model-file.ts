/**
 * Reading a model from disk: protobuf decode, external data resolved relative to the model's folder and
 * confined to it (no absolute paths, no '..', no symlink that leads outside), the graph IR and its layers.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { WorkbenchError } from '../../app/errors';
import { Graph } from '../../app/model/graph';
import { decodeModel } from '../../app/onnx/decode';
import type { GraphProto, ModelProto, TensorProto } from '../../app/onnx/proto';
import { discoverLayers, type Layer } from '../../app/precision/layers';
import { importQuantizedModel, type QuantizedImport } from '../../app/precision/quantized-import';

export interface LoadedModel {
  path: string;
  bytes: Uint8Array;
  proto: ModelProto;
  graph: Graph;
  layers: Layer[];
}

function* tensorsOf(graph: GraphProto): Generator<TensorProto> {
  yield* graph.initializer;
  for (const node of graph.node) {
    for (const attr of node.attribute) {
      if (attr.t) yield attr.t;
      if (attr.tensors) yield* attr.tensors;
      if (attr.g) yield* tensorsOf(attr.g);
      for (const g of attr.graphs ?? []) yield* tensorsOf(g);
    }
  }
}

function isInside(folder: string, candidate: string): boolean {
  const relative = path.relative(folder, candidate);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

/** Loads external data into each tensor's rawData (views into one buffer per data file). */
async function resolveExternalData(proto: ModelProto, modelPath: string): Promise<void> {
  const modelDir = await fs.realpath(path.dirname(modelPath));
  const files = new Map<string, Uint8Array>();
  for (const tensor of tensorsOf(proto.graph)) {
    if (tensor.dataLocation !== 1) continue;
    const entries = new Map((tensor.externalData ?? []).map((e) => [e.key, e.value]));
    const location = entries.get('location');
    const fail = (code: string, what: string): never => {
      throw new WorkbenchError('onnx', code, `${modelPath}: external data of tensor '${tensor.name}': ${what}`, { file: modelPath });
    };
    if (!location) fail('EXTERNAL_DATA_INVALID', 'no "location" entry');
    if (path.isAbsolute(location!) || /^[a-zA-Z]:[\\/]/.test(location!) || location!.split(/[\\/]/).includes('..')) {
      fail('EXTERNAL_DATA_OUTSIDE_MODEL_DIR', `location '${location}' is not a plain path inside the model's folder; refusing to read it`);
    }
    const joined = path.join(modelDir, location!);
    let real: string;
    try {
      real = await fs.realpath(joined);
    } catch {
      return fail('EXTERNAL_DATA_MISSING', `file '${location}' does not exist next to the model (looked for ${joined})`);
    }
    if (!isInside(modelDir, real)) fail('EXTERNAL_DATA_OUTSIDE_MODEL_DIR', `'${location}' resolves outside the model's folder (to ${real}); refusing to read it`);
    let data = files.get(real);
    if (!data) {
      const stat = await fs.stat(real);
      if (!stat.isFile()) fail('EXTERNAL_DATA_INVALID', `'${location}' is not a regular file`);
      if (stat.nlink > 1) fail('EXTERNAL_DATA_OUTSIDE_MODEL_DIR', `'${location}' is a hard link (link count ${stat.nlink}); refusing to read it`);
      data = new Uint8Array(await fs.readFile(real));
      files.set(real, data);
    }
    const offset = Number(entries.get('offset') ?? 0);
    const length = entries.has('length') ? Number(entries.get('length')) : data.length - offset;
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > data.length) {
      fail('EXTERNAL_DATA_OUT_OF_RANGE', `offset ${entries.get('offset') ?? 0} + length ${entries.get('length') ?? '(rest)'} runs past the end of '${location}' (${data.length} bytes)`);
    }
    tensor.rawData = data.subarray(offset, offset + length);
    tensor.dataLocation = 0;
    tensor.externalData = undefined;
  }
}

export async function loadModel(modelPath: string): Promise<LoadedModel> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await fs.readFile(modelPath));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new WorkbenchError('io', code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'FILE_UNREADABLE', `${modelPath}: cannot read the model (${code ?? String(error)})`, { file: modelPath });
  }
  if (bytes.length === 0) throw new WorkbenchError('onnx', 'ONNX_NOT_A_MODEL', `${modelPath}: the file is empty`, { file: modelPath });
  const proto = decodeModel(bytes, modelPath);
  await resolveExternalData(proto, modelPath);
  let graph: Graph;
  try {
    graph = new Graph(proto.graph);
  } catch (error) {
    if (error instanceof WorkbenchError) throw new WorkbenchError(error.area, error.code, `${modelPath}: ${error.message}`, { file: modelPath });
    throw error;
  }
  return { path: modelPath, bytes, proto, graph, layers: discoverLayers(graph) };
}

export interface AnalysisModel extends LoadedModel {
  /** Set when the file is a quantized model (Q/DQ or dynamic int8): proto/graph/layers are then its float twin. */
  quantized?: QuantizedImport;
}

/**
 * The model an analysis works on: the file itself when it is a float model; for an already-quantized model its
 * float twin (quantization removed, scales kept in `quantized`), so "which Q/DQ pair hurts" is an analysis of
 * the twin under the original's plan.
 */
export async function loadAnalysisModel(modelPath: string): Promise<AnalysisModel> {
  const loaded = await loadModel(modelPath);
  const imported = importQuantizedModel(loaded.proto, loaded.graph);
  if (imported.kind === 'float') return loaded;
  const graph = new Graph(imported.floatTwin.graph);
  return { ...loaded, proto: imported.floatTwin, graph, layers: discoverLayers(graph), quantized: imported };
}
