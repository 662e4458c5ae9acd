/**
 * Protocol-buffer wire format, just what ONNX needs. Hand-written rather than generated because the workbench
 * needs four things generated code does not give together: byte fields returned as views into the model
 * buffer (initializers are never copied wholesale), unknown fields kept so that re-encoding a model loses
 * nothing a newer ONNX added, a nesting-depth limit (hostile models nest subgraphs thousands deep), and errors
 * that say at which byte offset a file is truncated or malformed.
 */
import { WorkbenchError } from '../errors';

export const WireType = { varint: 0, fixed64: 1, bytes: 2, startGroup: 3, endGroup: 4, fixed32: 5 } as const;

export class ProtoReader {
  readonly buf: Uint8Array;
  pos: number;
  readonly end: number;
  private readonly view: DataView;

  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  fail(what: string): never {
    throw new WorkbenchError('onnx', 'ONNX_MALFORMED', `${what} at byte ${this.pos}`);
  }

  /** Reads a varint as a JS number; exact up to 2^53, larger values lose low bits (use varintBig for int64). */
  varint(): number {
    let result = 0;
    let shift = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('truncated varint');
      const byte = this.buf[this.pos++];
      result += (byte & 0x7f) * shift;
      if (byte < 0x80) return result;
      shift *= 128;
    }
    return this.fail('varint longer than 10 bytes');
  }

  /** Reads a varint as a signed 64-bit bigint (two's complement, as protobuf int64). */
  varintBig(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) this.fail('truncated varint');
      const byte = this.buf[this.pos++];
      result |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return BigInt.asIntN(64, result);
      shift += 7n;
    }
    return this.fail('varint longer than 10 bytes');
  }

  /** int64 field read as a number; values beyond ±2^53 are rejected where a number is required. */
  int64Number(field: string): number {
    const value = this.varintBig();
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      this.fail(`${field} value ${value} is outside the range this tool handles`);
    }
    return Number(value);
  }

  /** int32 / enum: protobuf encodes negative int32 as a 10-byte varint. */
  int32(): number {
    return Number(BigInt.asIntN(32, this.varintBig()));
  }

  fixed32Float(): number {
    if (this.pos + 4 > this.end) this.fail('truncated float');
    const value = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return value;
  }

  fixed64Double(): number {
    if (this.pos + 8 > this.end) this.fail('truncated double');
    const value = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }

  /** A length-delimited field as a view into the buffer (no copy). */
  bytes(): Uint8Array {
    const length = this.varint();
    if (length > this.end - this.pos) this.fail(`length ${length} runs past the end of its message (truncated file?)`);
    const view = this.buf.subarray(this.pos, this.pos + length);
    this.pos += length;
    return view;
  }

  string(): string {
    return utf8Decoder.decode(this.bytes());
  }

  /** Sub-reader over a length-delimited field. */
  sub(): ProtoReader {
    const bytes = this.bytes();
    return new ProtoReader(this.buf, bytes.byteOffset - this.buf.byteOffset, bytes.byteOffset - this.buf.byteOffset + bytes.length);
  }

  tag(): { field: number; wire: number } {
    const key = this.varint();
    const field = Math.floor(key / 8);
    if (field === 0) this.fail('field number 0');
    return { field, wire: key & 7 };
  }

  /** Skips a field and returns its raw bytes (tag included) so unknown fields survive a round trip. */
  skip(wire: number, tagStart: number): Uint8Array {
    switch (wire) {
      case WireType.varint:
        this.varint();
        break;
      case WireType.fixed64:
        if (this.pos + 8 > this.end) this.fail('truncated fixed64');
        this.pos += 8;
        break;
      case WireType.bytes:
        this.bytes();
        break;
      case WireType.fixed32:
        if (this.pos + 4 > this.end) this.fail('truncated fixed32');
        this.pos += 4;
        break;
      default:
        this.fail(`unsupported wire type ${wire}`);
    }
    return this.buf.subarray(tagStart, this.pos);
  }

  /** Repeated numeric field that may be packed (wire type 2) or not. */
  packedOrSingle(wire: number, readOne: (r: ProtoReader) => void): void {
    if (wire === WireType.bytes) {
      const sub = this.sub();
      while (!sub.done) readOne(sub);
    } else {
      readOne(this);
    }
  }
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: false });
const utf8Encoder = new TextEncoder();

/**
 * Writes protobuf into a list of chunks. Large byte fields are referenced, not copied, until `finish()`
 * concatenates once (or a caller writes the chunks out with writev).
 */
export class ProtoWriter {
  private chunks: Uint8Array[] = [];
  private scratch = new Uint8Array(256);
  private scratchPos = 0;
  private totalLength = 0;

  get length(): number {
    return this.totalLength + this.scratchPos;
  }

  private ensure(n: number): void {
    if (this.scratchPos + n > this.scratch.length) {
      this.flushScratch();
      if (n > this.scratch.length) this.scratch = new Uint8Array(Math.max(n, 256));
    }
  }

  private flushScratch(): void {
    if (this.scratchPos > 0) {
      this.chunks.push(this.scratch.slice(0, this.scratchPos));
      this.totalLength += this.scratchPos;
      this.scratchPos = 0;
    }
  }

  private pushChunk(chunk: Uint8Array): void {
    this.flushScratch();
    this.chunks.push(chunk);
    this.totalLength += chunk.length;
  }

  varint(value: number): void {
    if (value < 0) {
      this.varintBig(BigInt(value));
      return;
    }
    this.ensure(10);
    while (value >= 128) {
      this.scratch[this.scratchPos++] = (value % 128) | 0x80;
      value = Math.floor(value / 128);
    }
    this.scratch[this.scratchPos++] = value;
  }

  varintBig(value: bigint): void {
    let v = BigInt.asUintN(64, value);
    this.ensure(10);
    while (v >= 128n) {
      this.scratch[this.scratchPos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.scratch[this.scratchPos++] = Number(v);
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  float32(value: number): void {
    this.ensure(4);
    new DataView(this.scratch.buffer).setFloat32(this.scratchPos, value, true);
    this.scratchPos += 4;
  }

  float64(value: number): void {
    this.ensure(8);
    new DataView(this.scratch.buffer).setFloat64(this.scratchPos, value, true);
    this.scratchPos += 8;
  }

  bytesField(field: number, bytes: Uint8Array): void {
    this.tag(field, WireType.bytes);
    this.varint(bytes.length);
    if (bytes.length > 64) this.pushChunk(bytes);
    else {
      this.ensure(bytes.length);
      this.scratch.set(bytes, this.scratchPos);
      this.scratchPos += bytes.length;
    }
  }

  stringField(field: number, value: string | undefined): void {
    if (value === undefined || value === '') return;
    this.bytesField(field, utf8Encoder.encode(value));
  }

  /** Writes when defined, even when empty (an explicit empty field survives a round trip). */
  stringIfDefined(field: number, value: string | undefined): void {
    if (value !== undefined) this.bytesField(field, utf8Encoder.encode(value));
  }

  /** Always writes, even when empty (repeated string entries must keep their position). */
  stringAlways(field: number, value: string): void {
    this.bytesField(field, utf8Encoder.encode(value));
  }

  varintField(field: number, value: number | undefined): void {
    if (value === undefined || value === 0) return;
    this.tag(field, WireType.varint);
    this.varint(value);
  }

  messageField(field: number, write: (w: ProtoWriter) => void): void {
    const sub = new ProtoWriter();
    write(sub);
    sub.flushScratch();
    this.tag(field, WireType.bytes);
    this.varint(sub.totalLength);
    for (const chunk of sub.chunks) this.pushChunk(chunk);
  }

  raw(bytes: Uint8Array): void {
    this.pushChunk(bytes);
  }

  /** The encoded chunks, in order; their concatenation is the message. */
  finishChunks(): Uint8Array[] {
    this.flushScratch();
    return this.chunks;
  }

  finish(): Uint8Array {
    const chunks = this.finishChunks();
    const out = new Uint8Array(this.totalLength);
    let offset = 0;
    for (const chunk of chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
}
