/** ModelProto encoding; the inverse of decode.ts (unknown fields are written back as they were read). */
import { ProtoWriter, WireType } from './wire';
import type {
  AttributeProto,
  Dimension,
  GraphProto,
  ModelProto,
  NodeProto,
  StringStringEntry,
  TensorProto,
  TypeProto,
  ValueInfoProto,
} from './proto';

function writeUnknown(w: ProtoWriter, target: { unknownFields?: Uint8Array[] }): void {
  for (const bytes of target.unknownFields ?? []) w.raw(bytes);
}

function writeEntry(w: ProtoWriter, e: StringStringEntry): void {
  w.stringField(1, e.key);
  w.stringField(2, e.value);
}

export function writeTensor(w: ProtoWriter, t: TensorProto): void {
  if (t.dims.length > 0) {
    w.messageField(1, (s) => t.dims.forEach((d) => s.varint(d)));
  }
  w.varintField(2, t.dataType);
  if (t.floatData && t.floatData.length > 0) {
    // Typed arrays are little-endian on every platform Node and Electron run on, as protobuf fixed32 is.
    w.bytesField(4, new Uint8Array(t.floatData.buffer, t.floatData.byteOffset, t.floatData.byteLength));
  }
  if (t.int32Data && t.int32Data.length > 0) w.messageField(5, (s) => t.int32Data!.forEach((v) => s.varint(v)));
  for (const s of t.stringData ?? []) w.bytesField(6, s);
  if (t.int64Data && t.int64Data.length > 0) w.messageField(7, (s) => t.int64Data!.forEach((v) => s.varintBig(v)));
  w.stringField(8, t.name);
  if (t.rawData) w.bytesField(9, t.rawData);
  if (t.doubleData && t.doubleData.length > 0) w.messageField(10, (s) => t.doubleData!.forEach((v) => s.float64(v)));
  if (t.uint64Data && t.uint64Data.length > 0) w.messageField(11, (s) => t.uint64Data!.forEach((v) => s.varintBig(v)));
  w.stringIfDefined(12, t.docString);
  for (const e of t.externalData ?? []) w.messageField(13, (s) => writeEntry(s, e));
  if (t.dataLocation !== undefined) {
    // Written even when 0 (DEFAULT) so an explicit field survives a round trip.
    w.tag(14, WireType.varint);
    w.varint(t.dataLocation);
  }
  writeUnknown(w, t);
}

function writeDimension(w: ProtoWriter, d: Dimension): void {
  if (d.dimValue !== undefined) {
    w.tag(1, WireType.varint);
    w.varint(d.dimValue);
  }
  w.stringField(2, d.dimParam);
  w.stringField(3, d.denotation);
}

function writeType(w: ProtoWriter, t: TypeProto): void {
  if (t.tensorType) {
    const tt = t.tensorType;
    w.messageField(1, (s) => {
      s.varintField(1, tt.elemType);
      if (tt.shape) s.messageField(2, (sh) => tt.shape!.forEach((d) => sh.messageField(1, (x) => writeDimension(x, d))));
    });
  }
  if (t.sequenceElemType) w.messageField(4, (s) => s.messageField(1, (x) => writeType(x, t.sequenceElemType!)));
  w.stringField(6, t.denotation);
  if (t.optionalElemType) w.messageField(9, (s) => s.messageField(1, (x) => writeType(x, t.optionalElemType!)));
  writeUnknown(w, t);
}

function writeValueInfo(w: ProtoWriter, v: ValueInfoProto): void {
  w.stringField(1, v.name);
  if (v.type) w.messageField(2, (s) => writeType(s, v.type!));
  w.stringIfDefined(3, v.docString);
  writeUnknown(w, v);
}

function writeAttribute(w: ProtoWriter, a: AttributeProto): void {
  w.stringField(1, a.name);
  if (a.f !== undefined) {
    w.tag(2, WireType.fixed32);
    w.float32(a.f);
  }
  if (a.i !== undefined) {
    w.tag(3, WireType.varint);
    w.varintBig(a.i);
  }
  if (a.s !== undefined) w.bytesField(4, a.s);
  if (a.t) w.messageField(5, (s) => writeTensor(s, a.t!));
  if (a.g) w.messageField(6, (s) => writeGraph(s, a.g!));
  if (a.floats && a.floats.length > 0) w.messageField(7, (s) => a.floats!.forEach((v) => s.float32(v)));
  if (a.ints && a.ints.length > 0) w.messageField(8, (s) => a.ints!.forEach((v) => s.varintBig(v)));
  for (const s of a.strings ?? []) w.bytesField(9, s);
  for (const t of a.tensors ?? []) w.messageField(10, (s) => writeTensor(s, t));
  for (const g of a.graphs ?? []) w.messageField(11, (s) => writeGraph(s, g));
  w.stringIfDefined(13, a.docString);
  w.varintField(20, a.type);
  w.stringField(21, a.refAttrName);
  writeUnknown(w, a);
}

function writeNode(w: ProtoWriter, n: NodeProto): void {
  for (const i of n.input) w.stringAlways(1, i);
  for (const o of n.output) w.stringAlways(2, o);
  w.stringField(3, n.name);
  w.stringField(4, n.opType);
  for (const a of n.attribute) w.messageField(5, (s) => writeAttribute(s, a));
  w.stringIfDefined(6, n.docString);
  w.stringField(7, n.domain);
  w.stringField(8, n.overload);
  writeUnknown(w, n);
}

export function writeGraph(w: ProtoWriter, g: GraphProto): void {
  for (const n of g.node) w.messageField(1, (s) => writeNode(s, n));
  w.stringField(2, g.name);
  for (const t of g.initializer) w.messageField(5, (s) => writeTensor(s, t));
  w.stringIfDefined(10, g.docString);
  for (const v of g.input) w.messageField(11, (s) => writeValueInfo(s, v));
  for (const v of g.output) w.messageField(12, (s) => writeValueInfo(s, v));
  for (const v of g.valueInfo) w.messageField(13, (s) => writeValueInfo(s, v));
  writeUnknown(w, g);
}

function writeModel(w: ProtoWriter, m: ModelProto): void {
  w.varintField(1, m.irVersion);
  w.stringField(2, m.producerName);
  w.stringField(3, m.producerVersion);
  w.stringField(4, m.domain);
  w.varintField(5, m.modelVersion);
  w.stringIfDefined(6, m.docString);
  w.messageField(7, (s) => writeGraph(s, m.graph));
  for (const o of m.opsetImport) {
    w.messageField(8, (s) => {
      s.stringField(1, o.domain);
      s.tag(2, WireType.varint);
      s.varint(o.version);
    });
  }
  for (const e of m.metadataProps) w.messageField(14, (s) => writeEntry(s, e));
  writeUnknown(w, m);
}

/** Encodes to chunks (large initializers are referenced, not copied); concatenate or writev them. */
export function encodeModelChunks(model: ModelProto): Uint8Array[] {
  const w = new ProtoWriter();
  writeModel(w, model);
  return w.finishChunks();
}

export function encodeModel(model: ModelProto): Uint8Array {
  const w = new ProtoWriter();
  writeModel(w, model);
  return w.finish();
}
