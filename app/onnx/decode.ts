/**
 * ModelProto decoding. Byte fields (raw_data, strings) are views into the input buffer: the caller must keep
 * that buffer alive and unmodified while the model is in use.
 */
import { WorkbenchError } from '../errors';
import { ProtoReader, WireType } from './wire';
import type {
  AttributeProto,
  Dimension,
  GraphProto,
  ModelProto,
  NodeProto,
  OperatorSetId,
  StringStringEntry,
  TensorProto,
  TensorTypeProto,
  TypeProto,
  ValueInfoProto,
} from './proto';

/** Subgraphs nest through attributes; real models stay under ~10 levels. */
export const MAX_GRAPH_DEPTH = 64;

function keepUnknown(target: { unknownFields?: Uint8Array[] }, bytes: Uint8Array): void {
  (target.unknownFields ??= []).push(bytes);
}

function decodeStringEntry(r: ProtoReader): StringStringEntry {
  const entry: StringStringEntry = { key: '', value: '' };
  while (!r.done) {
    const start = r.pos;
    const { field, wire } = r.tag();
    if (field === 1 && wire === WireType.bytes) entry.key = r.string();
    else if (field === 2 && wire === WireType.bytes) entry.value = r.string();
    else r.skip(wire, start);
  }
  return entry;
}

function decodeOpset(r: ProtoReader): OperatorSetId {
  const opset: OperatorSetId = { domain: '', version: 0 };
  while (!r.done) {
    const start = r.pos;
    const { field, wire } = r.tag();
    if (field === 1 && wire === WireType.bytes) opset.domain = r.string();
    else if (field === 2 && wire === WireType.varint) opset.version = r.int64Number('opset version');
    else r.skip(wire, start);
  }
  return opset;
}

export function decodeTensor(r: ProtoReader): TensorProto {
  const tensor: TensorProto = { name: '', dims: [], dataType: 0 };
  let floats: number[] | undefined;
  while (!r.done) {
    const start = r.pos;
    const { field, wire } = r.tag();
    switch (field) {
      case 1:
        r.packedOrSingle(wire, (s) => tensor.dims.push(s.int64Number('tensor dim')));
        break;
      case 2:
        tensor.dataType = r.int32();
        break;
      case 4:
        floats ??= [];
        r.packedOrSingle(wire, (s) => floats!.push(s.fixed32Float()));
        break;
      case 5:
        tensor.int32Data ??= [];
        r.packedOrSingle(wire, (s) => tensor.int32Data!.push(s.int32()));
        break;
      case 6:
        (tensor.stringData ??= []).push(r.bytes());
        break;
      case 7:
        tensor.int64Data ??= [];
        r.packedOrSingle(wire, (s) => tensor.int64Data!.push(s.varintBig()));
        break;
      case 8:
        tensor.name = r.string();
        break;
      case 9:
        tensor.rawData = r.bytes();
        break;
      case 10:
        tensor.doubleData ??= [];
        r.packedOrSingle(wire, (s) => tensor.doubleData!.push(s.fixed64Double()));
        break;
      case 11:
        tensor.uint64Data ??= [];
        r.packedOrSingle(wire, (s) => tensor.uint64Data!.push(BigInt.asUintN(64, s.varintBig())));
        break;
      case 12:
        tensor.docString = r.string();
        break;
      case 13:
        (tensor.externalData ??= []).push(decodeStringEntry(r.sub()));
        break;
      case 14:
        tensor.dataLocation = r.int32();
        break;
      default:
        keepUnknown(tensor, r.skip(wire, start));
    }
  }
  if (floats) tensor.floatData = Float32Array.from(floats);
  return tensor;
}

function decodeDimension(r: ProtoReader): Dimension {
  const dim: Dimension = {};
  while (!r.done) {
    const start = r.pos;
    const { field, wire } = r.tag();
    if (field === 1 && wire === WireType.varint) dim.dimValue = r.int64Number('dim_value');
    else if (field === 2 && wire === WireType.bytes) dim.dimParam = r.string();
    else if (field === 3 && wire === WireType.bytes) dim.denotation = r.string();
    else r.skip(wire, start);
  }
  return dim;
}

function decodeTensorType(r: ProtoReader): TensorTypeProto {
  const type: TensorTypeProto = { elemType: 0 };
  while (!r.done) {
    const start = r.pos;
    const { field, wire } = r.tag();
    if (field === 1 && wire === WireType.varint) type.elemType = r.int32();
    else if (field === 2 && wire === WireType.bytes) {
      const shape: Dimension[] = [];
      const s = r.sub();
      while (!s.done) {
        const st = s.pos;
        const t = s.tag();
        if (t.field === 1 && t.wire === WireType.bytes) shape.push(decodeDimension(s.sub()));
        else s.skip(t.wire, st);
      }
      type.shape = shape;
    } else r.skip(wire, start);
  }
  return type;
}

function decodeElemType(r: ProtoReader, depth: number): TypeProto | undefined {
  let elem: TypeProto | undefined;
  while (!r.done) {
    const start = r.pos;
    const { field, wire } = r.tag();
    if (field === 1 && wire === WireType.bytes) elem = decodeType(r.sub(), depth + 1);
    else r.skip(wire, start);
  }
  return elem;
}

function decodeType(r: ProtoReader, depth = 0): TypeProto {
  if (depth > MAX_GRAPH_DEPTH) r.fail('type nesting deeper than ' + MAX_GRAPH_DEPTH);
  const type: TypeProto = {};
  while (!r.done) {
    const start = r.pos;
    const { field, wire } = r.tag();
    if (field === 1 && wire === WireType.bytes) type.tensorType = decodeTensorType(r.sub());
    else if (field === 4 && wire === WireType.bytes) type.sequenceElemType = decodeElemType(r.sub(), depth);
    else if (field === 9 && wire === WireType.bytes) type.optionalElemType = decodeElemType(r.sub(), depth);
    else if (field === 6 && wire === WireType.bytes) type.denotation = r.string();
    else keepUnknown(type, r.skip(wire, start));
  }
  return type;
}

function decodeValueInfo(r: ProtoReader): ValueInfoProto {
  const info: ValueInfoProto = { name: '' };
  while (!r.done) {
    const start = r.pos;
    const { field, wire } = r.tag();
    if (field === 1 && wire === WireType.bytes) info.name = r.string();
    else if (field === 2 && wire === WireType.bytes) info.type = decodeType(r.sub());
    else if (field === 3 && wire === WireType.bytes) info.docString = r.string();
    else keepUnknown(info, r.skip(wire, start));
  }
  return info;
}

function decodeAttribute(r: ProtoReader, depth: number): AttributeProto {
  const attr: AttributeProto = { name: '', type: 0 };
  while (!r.done) {
    const start = r.pos;
    const { field, wire } = r.tag();
    switch (field) {
      case 1:
        attr.name = r.string();
        break;
      case 2:
        attr.f = r.fixed32Float();
        break;
      case 3:
        attr.i = r.varintBig();
        break;
      case 4:
        attr.s = r.bytes();
        break;
      case 5:
        attr.t = decodeTensor(r.sub());
        break;
      case 6:
        attr.g = decodeGraph(r.sub(), depth + 1);
        break;
      case 7:
        attr.floats ??= [];
        r.packedOrSingle(wire, (s) => attr.floats!.push(s.fixed32Float()));
        break;
      case 8:
        attr.ints ??= [];
        r.packedOrSingle(wire, (s) => attr.ints!.push(s.varintBig()));
        break;
      case 9:
        (attr.strings ??= []).push(r.bytes());
        break;
      case 10:
        (attr.tensors ??= []).push(decodeTensor(r.sub()));
        break;
      case 11:
        (attr.graphs ??= []).push(decodeGraph(r.sub(), depth + 1));
        break;
      case 13:
        attr.docString = r.string();
        break;
      case 20:
        attr.type = r.int32();
        break;
      case 21:
        attr.refAttrName = r.string();
        break;
      default:
        keepUnknown(attr, r.skip(wire, start));
    }
  }
  return attr;
}

function decodeNode(r: ProtoReader, depth: number): NodeProto {
  const node: NodeProto = { input: [], output: [], name: '', opType: '', domain: '', attribute: [] };
  while (!r.done) {
    const start = r.pos;
    const { field, wire } = r.tag();
    switch (field) {
      case 1:
        node.input.push(r.string());
        break;
      case 2:
        node.output.push(r.string());
        break;
      case 3:
        node.name = r.string();
        break;
      case 4:
        node.opType = r.string();
        break;
      case 5:
        node.attribute.push(decodeAttribute(r.sub(), depth));
        break;
      case 6:
        node.docString = r.string();
        break;
      case 7:
        node.domain = r.string();
        break;
      case 8:
        node.overload = r.string();
        break;
      default:
        keepUnknown(node, r.skip(wire, start));
    }
  }
  return node;
}

export function decodeGraph(r: ProtoReader, depth = 0): GraphProto {
  if (depth > MAX_GRAPH_DEPTH) {
    throw new WorkbenchError('onnx', 'ONNX_TOO_DEEP', `subgraphs nest deeper than ${MAX_GRAPH_DEPTH} levels; refusing to read further`);
  }
  const graph: GraphProto = { name: '', node: [], initializer: [], input: [], output: [], valueInfo: [] };
  while (!r.done) {
    const start = r.pos;
    const { field, wire } = r.tag();
    switch (field) {
      case 1:
        graph.node.push(decodeNode(r.sub(), depth));
        break;
      case 2:
        graph.name = r.string();
        break;
      case 5:
        graph.initializer.push(decodeTensor(r.sub()));
        break;
      case 10:
        graph.docString = r.string();
        break;
      case 11:
        graph.input.push(decodeValueInfo(r.sub()));
        break;
      case 12:
        graph.output.push(decodeValueInfo(r.sub()));
        break;
      case 13:
        graph.valueInfo.push(decodeValueInfo(r.sub()));
        break;
      default:
        keepUnknown(graph, r.skip(wire, start));
    }
  }
  return graph;
}

/**
 * Decodes an ONNX ModelProto. Throws WorkbenchError ONNX_MALFORMED / ONNX_NOT_A_MODEL / ONNX_TOO_DEEP;
 * `fileLabel` is used in messages.
 */
export function decodeModel(bytes: Uint8Array, fileLabel = 'model'): ModelProto {
  const model: ModelProto = {
    irVersion: 0,
    opsetImport: [],
    producerName: '',
    producerVersion: '',
    domain: '',
    modelVersion: 0,
    docString: '',
    graph: { name: '', node: [], initializer: [], input: [], output: [], valueInfo: [] },
    metadataProps: [],
  };
  let sawGraph = false;
  const r = new ProtoReader(bytes);
  try {
    while (!r.done) {
      const start = r.pos;
      const { field, wire } = r.tag();
      switch (field) {
        case 1:
          model.irVersion = r.int64Number('ir_version');
          break;
        case 2:
          model.producerName = r.string();
          break;
        case 3:
          model.producerVersion = r.string();
          break;
        case 4:
          model.domain = r.string();
          break;
        case 5:
          model.modelVersion = r.int64Number('model_version');
          break;
        case 6:
          model.docString = r.string();
          break;
        case 7:
          if (wire !== WireType.bytes) r.fail('graph field has the wrong wire type');
          model.graph = decodeGraph(r.sub());
          sawGraph = true;
          break;
        case 8:
          model.opsetImport.push(decodeOpset(r.sub()));
          break;
        case 14:
          model.metadataProps.push(decodeStringEntry(r.sub()));
          break;
        default:
          keepUnknown(model, r.skip(wire, start));
      }
    }
  } catch (error) {
    if (error instanceof WorkbenchError) {
      throw new WorkbenchError(error.area, error.code, `${fileLabel}: not a readable ONNX model (${error.message})`, {
        file: fileLabel,
        cause: error,
      });
    }
    if (error instanceof RangeError) {
      throw new WorkbenchError('onnx', 'ONNX_TOO_DEEP', `${fileLabel}: nesting too deep to read (${error.message})`, { file: fileLabel });
    }
    throw error;
  }
  if (!sawGraph || model.irVersion === 0) {
    throw new WorkbenchError(
      'onnx',
      'ONNX_NOT_A_MODEL',
      `${fileLabel}: not an ONNX model (no ${!sawGraph ? 'graph' : 'ir_version'} field found)`,
      { file: fileLabel },
    );
  }
  return model;
}
