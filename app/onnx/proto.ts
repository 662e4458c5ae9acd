/**
 * Plain-object mirror of the ONNX protobuf messages the workbench reads and writes (onnx.proto, IR v3–v11).
 * Field names follow the schema in camelCase. int64 values that can legitimately exceed 2^53 (attribute ints,
 * int64 tensor data: e.g. Slice ends of INT64_MAX) stay bigint; dims are numbers (checked on decode).
 * `unknownFields` holds the raw bytes of fields this mirror does not model, so re-encoding keeps them.
 */
export interface StringStringEntry {
  key: string;
  value: string;
}

export interface OperatorSetId {
  domain: string;
  version: number;
}

export interface TensorProto {
  name: string;
  dims: number[];
  dataType: number;
  /** A view into the model file's bytes; never mutate it (it aliases the file buffer). */
  rawData?: Uint8Array;
  floatData?: Float32Array;
  int32Data?: number[];
  int64Data?: bigint[];
  doubleData?: number[];
  uint64Data?: bigint[];
  stringData?: Uint8Array[];
  externalData?: StringStringEntry[];
  /** 0 = DEFAULT (data in this message), 1 = EXTERNAL. */
  dataLocation?: number;
  docString?: string;
  unknownFields?: Uint8Array[];
}

export interface Dimension {
  dimValue?: number;
  dimParam?: string;
  denotation?: string;
}

export interface TensorTypeProto {
  elemType: number;
  /** Absent shape = unknown rank. */
  shape?: Dimension[];
}

export interface TypeProto {
  tensorType?: TensorTypeProto;
  sequenceElemType?: TypeProto;
  optionalElemType?: TypeProto;
  denotation?: string;
  unknownFields?: Uint8Array[];
}

export interface ValueInfoProto {
  name: string;
  type?: TypeProto;
  docString?: string;
  unknownFields?: Uint8Array[];
}

export const AttributeType = {
  UNDEFINED: 0,
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
  SPARSE_TENSOR: 11,
  SPARSE_TENSORS: 12,
  TYPE_PROTO: 13,
  TYPE_PROTOS: 14,
} as const;

export interface AttributeProto {
  name: string;
  type: number;
  f?: number;
  i?: bigint;
  s?: Uint8Array;
  t?: TensorProto;
  g?: GraphProto;
  floats?: number[];
  ints?: bigint[];
  strings?: Uint8Array[];
  tensors?: TensorProto[];
  graphs?: GraphProto[];
  refAttrName?: string;
  docString?: string;
  unknownFields?: Uint8Array[];
}

export interface NodeProto {
  input: string[];
  output: string[];
  name: string;
  opType: string;
  domain: string;
  attribute: AttributeProto[];
  docString?: string;
  overload?: string;
  unknownFields?: Uint8Array[];
}

export interface GraphProto {
  name: string;
  node: NodeProto[];
  initializer: TensorProto[];
  input: ValueInfoProto[];
  output: ValueInfoProto[];
  valueInfo: ValueInfoProto[];
  docString?: string;
  unknownFields?: Uint8Array[];
}

export interface ModelProto {
  irVersion: number;
  opsetImport: OperatorSetId[];
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: number;
  docString: string;
  graph: GraphProto;
  metadataProps: StringStringEntry[];
  unknownFields?: Uint8Array[];
}
