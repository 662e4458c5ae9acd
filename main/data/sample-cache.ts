/**
 * A sample source that decodes once and replays from a temporary file: the calibration pass and the comparison
 * pass usually read the same data, and decoding + resizing a JPEG costs as much as a small model's inference.
 * Memory stays at one sample (the file is written and read a sample at a time); the file is deleted by
 * dispose() and holds only preprocessed input tensors.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InputDataType, Sample, SampleSource, TensorData } from './types';

const ARRAY_TYPES: Record<InputDataType, { new (buffer: ArrayBuffer, offset: number, length: number): TensorData['data']; BYTES_PER_ELEMENT: number }> = {
  float32: Float32Array,
  float16: Uint16Array,
  float64: Float64Array,
  uint8: Uint8Array,
  int8: Int8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  bool: Uint8Array,
} as unknown as Record<InputDataType, { new (buffer: ArrayBuffer, offset: number, length: number): TensorData['data']; BYTES_PER_ELEMENT: number }>;

interface Entry {
  offset: number;
  id: string;
  label?: number;
  feeds: { name: string; dataType: InputDataType; dims: number[]; byteLength: number }[];
}

export class ReplayableSampleSource implements SampleSource {
  private readonly entries: Entry[] = [];
  private file?: { dir: string; path: string; fd: number; size: number };
  private recorded = false;

  constructor(private readonly inner: SampleSource) {}

  /** True once one full pass has been recorded; samples() then replays. */
  get isRecorded(): boolean {
    return this.recorded;
  }

  get count(): number {
    return this.inner.count;
  }

  get description(): string {
    return this.inner.description;
  }

  samples(): AsyncIterable<Sample> {
    return this.recorded ? this.replay() : this.record();
  }

  private async *record(): AsyncGenerator<Sample> {
    this.dispose(); // a pass abandoned before the end is recorded again from the start
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pwb-samples-'));
    const file = path.join(dir, 'samples.bin');
    this.file = { dir, path: file, fd: openSync(file, 'w+', 0o600), size: 0 };
    this.entries.length = 0;
    for await (const sample of this.inner.samples()) {
      const entry: Entry = { offset: this.file.size, id: sample.id, label: sample.label, feeds: [] };
      for (const [name, tensor] of Object.entries(sample.feeds)) {
        const bytes = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
        writeSync(this.file.fd, bytes, 0, bytes.length, this.file.size);
        this.file.size += bytes.length;
        entry.feeds.push({ name, dataType: tensor.dataType, dims: tensor.dims, byteLength: bytes.length });
      }
      this.entries.push(entry);
      yield sample;
    }
    this.recorded = true;
  }

  private async *replay(): AsyncGenerator<Sample> {
    for (const entry of this.entries) {
      let offset = entry.offset;
      const feeds: Record<string, TensorData> = {};
      for (const feed of entry.feeds) {
        const buffer = new ArrayBuffer(feed.byteLength);
        readSync(this.file!.fd, new Uint8Array(buffer), 0, feed.byteLength, offset);
        offset += feed.byteLength;
        const type = ARRAY_TYPES[feed.dataType];
        feeds[feed.name] = { dataType: feed.dataType, dims: feed.dims, data: new type(buffer, 0, feed.byteLength / type.BYTES_PER_ELEMENT) };
      }
      yield { id: entry.id, label: entry.label, feeds };
    }
  }

  dispose(): void {
    if (!this.file) return;
    closeSync(this.file.fd);
    rmSync(this.file.dir, { recursive: true, force: true });
    this.file = undefined;
  }
}
