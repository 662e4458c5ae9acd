/**
 * Reading a model from disk: protobuf decode, external data resolved relative to the model's folder and
 * confined to it (no absolute paths, no '..', no symlink that leads outside), the graph IR and its layers.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { WorkbenchError } from '../../app/errors';
import { Graph } from '../../app/model/graph';
import { byteSize, DataType, dataTypeInfo } from '../../app/onnx/data-types';
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

/** StringStringEntry { key: "location" } as it appears on the wire inside a TensorProto's external_data. */
const LOCATION_KEY = Uint8Array.from([0x0a, 0x08, ...new TextEncoder().encode('location')]);

function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = haystack.indexOf(needle[0]); i >= 0 && i <= haystack.length - needle.length; i = haystack.indexOf(needle[0], i + 1)) {
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/**
 * Fields the decoder does not model (sparse_initializer, sparse attributes, model-local functions, training_info) are
 * kept as raw bytes and re-encoded for ONNX Runtime, which resolves their external data against the process's
 * working directory (not the model's folder) when it is given bytes. This loader does not resolve those sites, so a
 * model with an external-data location anywhere in them is refused rather than handed on.
 */
function refuseUnresolvedExternalData(proto: ModelProto, modelPath: string): void {
  const blobs: Uint8Array[] = [...(proto.unknownFields ?? [])];
  const visitTensor = (t: TensorProto) => blobs.push(...(t.unknownFields ?? []));
  const visitGraph = (g: GraphProto) => {
    blobs.push(...(g.unknownFields ?? []));
    g.initializer.forEach(visitTensor);
    for (const node of g.node) {
      blobs.push(...(node.unknownFields ?? []));
      for (const attr of node.attribute) {
        blobs.push(...(attr.unknownFields ?? []));
        if (attr.t) visitTensor(attr.t);
        attr.tensors?.forEach(visitTensor);
        if (attr.g) visitGraph(attr.g);
        attr.graphs?.forEach(visitGraph);
      }
    }
  };
  visitGraph(proto.graph);
  if (blobs.some((b) => containsBytes(b, LOCATION_KEY))) {
    throw new WorkbenchError(
      'onnx',
      'EXTERNAL_DATA_UNSUPPORTED_SITE',
      `${modelPath}: external data is referenced from a part of the model this version does not read (a sparse initializer, sparse attribute, model-local function or training info); refusing to hand it to ONNX Runtime. Re-save the model with that data stored inline.`,
      { file: modelPath },
    );
  }
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
    // Leading '/' or '\\' (UNC, device paths) and drive letters ('C:\\x', 'C:x') are refused on every platform: a model
    // made on Windows must fail closed on Linux too, and never make Windows authenticate to a remote host.
    if (path.isAbsolute(location!) || /^[\\/]|^[a-zA-Z]:/.test(location!) || location!.split(/[\\/]/).includes('..')) {
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

/**
 * The ONNX checker's tensor rules, on every tensor site this loader reads, so a lying tensor is refused here with its
 * name instead of reaching ONNX Runtime (whose loaders have had out-of-bounds reads on exactly these): dims
 * non-negative with a representable element count, a known data type, raw_data exactly nelem × itemsize, typed value
 * lists exactly nelem long.
 */
function checkTensorData(proto: ModelProto, modelPath: string): void {
  for (const tensor of tensorsOf(proto.graph)) {
    const fail = (what: string): never => {
      throw new WorkbenchError('onnx', 'TENSOR_DATA_INVALID', `${modelPath}: tensor '${tensor.name}': ${what}`, { file: modelPath });
    };
    let count = 1;
    for (const d of tensor.dims) {
      if (!Number.isSafeInteger(d) || d < 0) fail(`invalid dim ${d} in [${tensor.dims.join(',')}]`);
      count *= d;
    }
    if (!Number.isSafeInteger(count)) fail(`dims [${tensor.dims.join(',')}] hold more elements than this tool can address`);
    const info = dataTypeInfo(tensor.dataType);
    if (tensor.dataType === 0 || info.name.startsWith('unknown')) fail(`data type ${tensor.dataType} is not an ONNX tensor type`);
    if (tensor.rawData) {
      if (tensor.dataType === DataType.STRING) fail('string tensors cannot use raw_data');
      const expected = byteSize(tensor.dataType, count);
      if (info.bits > 0 && tensor.rawData.byteLength !== expected) {
        fail(`raw_data has ${tensor.rawData.byteLength} bytes, but dims [${tensor.dims.join(',')}] of ${info.name} need ${expected}`);
      }
      continue;
    }
    const typed: Partial<Record<number, { length: number } | undefined>> = {
      [DataType.FLOAT]: tensor.floatData,
      [DataType.DOUBLE]: tensor.doubleData,
      [DataType.INT64]: tensor.int64Data,
      [DataType.UINT64]: tensor.uint64Data,
      [DataType.UINT32]: tensor.uint64Data,
      [DataType.INT32]: tensor.int32Data,
      [DataType.STRING]: tensor.stringData,
    };
    const values = typed[tensor.dataType];
    if (values && values.length !== count) fail(`holds ${values.length} values but dims [${tensor.dims.join(',')}] need ${count}`);
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
  refuseUnresolvedExternalData(proto, modelPath);
  await resolveExternalData(proto, modelPath);
  checkTensorData(proto, modelPath);
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
