/**
 * FP32 reference tensors spilled to a temporary file, one sample after another, so the comparison pass (and
 * every rebuild after a plan change) reads them back instead of running the FP32 model again. Memory holds one
 * sample; the disk budget caps the file (when the first sample shows the run would exceed it, the store turns
 * itself off and callers recompute FP32 instead). The file holds only model activations and is deleted by
 * dispose().
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statfsSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { RunnerOutput } from './ort-runner';

interface Entry {
  offset: number;
  length: number; // floats
  dims: number[];
}

/** Default budget: half of the free space of the temp folder, at most 32 GiB. */
export function defaultReferenceBudget(): number {
  try {
    const stats = statfsSync(os.tmpdir());
    return Math.min(32 * 2 ** 30, (stats.bavail * stats.bsize) / 2);
  } catch {
    return 4 * 2 ** 30;
  }
}

export class ReferenceStore {
  private readonly samples: Map<string, Entry>[] = [];
  private file?: { dir: string; fd: number; size: number };
  private disabledReason?: string;

  constructor(
    private readonly expectedSamples: number,
    private readonly budgetBytes = defaultReferenceBudget(),
  ) {}

  /** False once the store gave up (over budget); `reason` says why. */
  get enabled(): boolean {
    return this.disabledReason === undefined;
  }

  get reason(): string | undefined {
    return this.disabledReason;
  }

  get sampleCount(): number {
    return this.samples.length;
  }

  get bytesWritten(): number {
    return this.file?.size ?? 0;
  }

  /** Records one sample's tensors (in the order given); returns false when the store is (now) disabled. */
  record(tensors: ReadonlyMap<string, RunnerOutput>): boolean {
    if (!this.enabled) return false;
    let bytes = 0;
    for (const t of tensors.values()) bytes += t.data.byteLength;
    if (this.samples.length === 0 && bytes * this.expectedSamples > this.budgetBytes) {
      this.disable(`FP32 references would take ${(bytes * this.expectedSamples / 2 ** 30).toFixed(1)} GiB on disk, over the ${(this.budgetBytes / 2 ** 30).toFixed(1)} GiB budget`);
      return false;
    }
    if (!this.file) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'pwb-reference-'));
      this.file = { dir, fd: openSync(path.join(dir, 'fp32.bin'), 'w+', 0o600), size: 0 };
    }
    const entries = new Map<string, Entry>();
    try {
      for (const [key, t] of tensors) {
        const view = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
        let written = 0;
        while (written < view.length) written += writeSync(this.file.fd, view, written, view.length - written, this.file.size + written);
        entries.set(key, { offset: this.file.size, length: t.data.length, dims: t.dims });
        this.file.size += view.length;
      }
    } catch (error) {
      this.disable(`cannot write FP32 references (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
      return false;
    }
    this.samples.push(entries);
    return true;
  }

  /** The tensors of sample `index` (only `keys` when given), each in its own buffer (transferable to a worker). */
  read(index: number, keys?: ReadonlySet<string>): Map<string, RunnerOutput> {
    const out = new Map<string, RunnerOutput>();
    const entries = this.samples[index];
    if (!entries || !this.file) return out;
    for (const [key, entry] of entries) {
      if (keys && !keys.has(key)) continue;
      const data = new Float32Array(entry.length);
      const view = new Uint8Array(data.buffer);
      let read = 0;
      while (read < view.length) read += readSync(this.file.fd, view, read, view.length - read, entry.offset + read);
      out.set(key, { dims: entry.dims, data });
    }
    return out;
  }

  private disable(reason: string): void {
    this.disabledReason = reason;
    this.release();
    this.samples.length = 0;
  }

  private release(): void {
    if (!this.file) return;
    closeSync(this.file.fd);
    rmSync(this.file.dir, { recursive: true, force: true });
    this.file = undefined;
  }

  dispose(): void {
    this.release();
    this.samples.length = 0;
  }
}
