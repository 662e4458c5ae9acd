/**
 * Mutation fuzzer for the parsers of untrusted files: `npm run fuzz -- --iterations N --seed S [--ort M]`.
 *
 * Seeds: the real models in ../shared/data/models (+ fixtures/models), the TensorRT artifacts in ../shared/data/trt,
 * and a few .npy / plan / report files built here. Mutations: bit flips, byte insert/delete, truncation, protobuf
 * field-tag swaps, length-varint corruption, and (for models) external-data locations pointing outside the model's
 * folder. Every mutant goes through the pure parser in-process (decodeModel + Graph for models, detect/import for
 * TensorRT files, parseCalibrationCache, parseNpy, parsePlan, parseAnalysisReport). Success or a WorkbenchError is
 * fine; anything else is counted as `untyped` (a bug). `--ort M` model mutants are also written to a temp folder and
 * opened in a CHILD process (loadModel — the real loader with external-data confinement — then ONNX Runtime session
 * creation): a native crash there is counted as `crashes`, a child that does not answer in --timeout ms as `hangs`;
 * neither stops the run. Escapes: the child spies on node:fs reads and on /proc/self/maps (ONNX Runtime maps
 * external data) and reports any path outside the mutant's folder; a canary file sits beside the folder.
 *
 * Prints one summary line: `fuzz iterations=N typed=… accepted=… untyped=… crashes=… hangs=… escapes=…`.
 * Reproduce a run with the printed seed. Exit code 1 when untyped, escapes or main-process crashes are non-zero.
 */
import { fork, type ChildProcess } from 'node:child_process';
import fs, { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCalibrationCache } from '../app/calibration/calibration-cache';
import { isWorkbenchError } from '../app/errors';
import { parseAnalysisReport } from '../app/export/export-plan';
import { Graph } from '../app/model/graph';
import { decodeModel } from '../app/onnx/decode';
import { encodeModel } from '../app/onnx/encode';
import { parsePlan } from '../app/precision/plan';
import { detectTrtArtifact } from '../app/trt/detect';
import { importTrtArtifacts } from '../app/trt/import';
import { parseNpy } from '../main/data/npy-format';
import { seededRandom as prng } from '../fixtures/onnx-builder';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..');
const sharedData = path.resolve(repoRoot, '../shared/data');
const CANARY = 'PWB-FUZZ-CANARY-';

export interface FuzzOptions {
  iterations: number;
  seed: number;
  /** Model mutants also opened by ONNX Runtime in a child process. */
  ortSessions: number;
  /** Per child request (ms). */
  timeoutMs: number;
  /** Per in-process parse: slower counts as a hang (parsers are synchronous; it cannot be interrupted). */
  slowMs: number;
  log?: (line: string) => void;
}

export interface FuzzResult {
  iterations: number;
  seed: number;
  typed: number;
  typedByCode: Record<string, number>;
  accepted: number;
  untyped: number;
  untypedExamples: string[];
  ortSessions: number;
  ortTyped: number;
  ortAccepted: number;
  crashes: number;
  hangs: number;
  escapes: number;
  escapeExamples: string[];
  byKind: Record<string, number>;
  seconds: number;
}


type Kind = 'model' | 'trt' | 'cache' | 'npy' | 'plan' | 'report';
interface Seed {
  kind: Kind;
  name: string;
  bytes: Uint8Array;
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const visit = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) visit(full);
      else if (e.isFile()) out.push(full);
    }
  };
  visit(dir);
  return out;
}

function npySeed(): Uint8Array {
  let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3, 4), }";
  header += ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const data = new Float32Array(24).map((_, i) => i / 7);
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 0xff, header.length >> 8]);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer), 10 + header.length);
  return out;
}

export function loadSeeds(): Seed[] {
  const seeds: Seed[] = [];
  for (const dir of [path.join(sharedData, 'models'), path.join(repoRoot, 'fixtures/models')]) {
    for (const file of listFiles(dir).filter((f) => f.endsWith('.onnx'))) seeds.push({ kind: 'model', name: path.relative(path.dirname(repoRoot), file), bytes: new Uint8Array(readFileSync(file)) });
  }
  for (const file of listFiles(path.join(sharedData, 'trt'))) {
    if (statSync(file).size > 2 * 1024 * 1024) continue;
    const kind: Kind = /calib-caches/.test(file) ? 'cache' : 'trt';
    seeds.push({ kind, name: path.relative(path.dirname(repoRoot), file), bytes: new Uint8Array(readFileSync(file)) });
  }
  const enc = (s: string) => new TextEncoder().encode(s);
  seeds.push({ kind: 'npy', name: 'generated.npy', bytes: npySeed() });
  seeds.push({ kind: 'plan', name: 'plan.json', bytes: enc(JSON.stringify({ schema: 'pwb.precision-plan', version: 1, defaultPrecision: 'int8', calibrator: 'entropy', layers: { 'conv_0|Conv#0': { precision: 'fp16' }, b: { activationAmax: 3.5, calibrator: 'max' } } }, null, 1)) });
  seeds.push({
    kind: 'report',
    name: 'report.json',
    bytes: enc(JSON.stringify({ schema: 'pwb.analysis-report', version: 1, plan: { schema: 'pwb.precision-plan', version: 1, defaultPrecision: 'int8', calibrator: 'entropy', layers: {} }, settings: { inputShapes: { input: [1, 3, 32, 32] } }, layers: [{ id: 'a', name: 'a', graphPath: '', opType: 'Conv', precision: 'int8', activations: [{ tensor: 'input', amax: 2.5 }] }], outputs: [] }, null, 1)),
  });
  return seeds;
}

// ───────────── mutations ─────────────

function readVarintAt(b: Uint8Array, pos: number): { value: number; length: number } | null {
  let value = 0;
  let shift = 1;
  for (let i = 0; i < 10 && pos + i < b.length; i++) {
    value += (b[pos + i] & 0x7f) * shift;
    if (b[pos + i] < 0x80) return { value, length: i + 1 };
    shift *= 128;
  }
  return null;
}

function writeVarint(value: number): number[] {
  const out: number[] = [];
  while (value >= 128) {
    out.push((value % 128) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
  return out;
}

function splice(b: Uint8Array, at: number, remove: number, insert: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(b.length - remove + insert.length);
  out.set(b.subarray(0, at), 0);
  out.set(insert, at);
  out.set(b.subarray(at + remove), at + insert.length);
  return out;
}

/** A position that looks like a length-delimited protobuf field (tag with wire type 2 followed by a sane length). */
function findLengthField(b: Uint8Array, random: () => number): number | null {
  for (let attempt = 0; attempt < 64; attempt++) {
    const p = Math.floor(random() * Math.max(1, b.length - 2));
    if ((b[p] & 7) === 2 && b[p] >> 3 > 0 && b[p] < 0x80) {
      const len = readVarintAt(b, p + 1);
      if (len && len.value <= b.length - p) return p;
    }
  }
  return null;
}

export const MUTATIONS = ['bitflip', 'insert', 'delete', 'truncate', 'tag-swap', 'length-corrupt', 'repeat-flip'] as const;
type Mutation = (typeof MUTATIONS)[number];

function mutate(bytes: Uint8Array, random: () => number, kind: Mutation): Uint8Array {
  const n = bytes.length;
  const at = () => Math.floor(random() * Math.max(1, n));
  switch (kind) {
    case 'bitflip': {
      const out = bytes.slice();
      if (n > 0) out[at()] ^= 1 << Math.floor(random() * 8);
      return out;
    }
    case 'repeat-flip': {
      const out = bytes.slice();
      const count = 1 + Math.floor(random() * 16);
      for (let i = 0; i < count && n > 0; i++) out[at()] = Math.floor(random() * 256);
      return out;
    }
    case 'insert': {
      const len = 1 + Math.floor(random() * 8);
      return splice(bytes, at(), 0, Array.from({ length: len }, () => Math.floor(random() * 256)));
    }
    case 'delete':
      return n === 0 ? bytes : splice(bytes, at(), Math.min(n, 1 + Math.floor(random() * 8)), []);
    case 'truncate':
      return bytes.subarray(0, Math.floor(random() * n));
    case 'tag-swap': {
      // Rewrite a tag-looking byte with another field number and/or wire type.
      const out = bytes.slice();
      const p = findLengthField(bytes, random) ?? at();
      if (n > 0) out[p] = (((1 + Math.floor(random() * 15)) << 3) | Math.floor(random() * 6)) & 0x7f;
      return out;
    }
    case 'length-corrupt': {
      const p = findLengthField(bytes, random);
      if (p === null) return mutate(bytes, random, 'bitflip');
      const old = readVarintAt(bytes, p + 1)!;
      const choices = [0, old.value + 1, Math.max(0, old.value - 1), old.value * 2 + 7, 0x7fffffff, 2 ** 40, Math.floor(random() * 2 ** 20)];
      return splice(bytes, p + 1, old.length, writeVarint(choices[Math.floor(random() * choices.length)]));
    }
  }
}

/** Structure-aware: a decodable model whose first initializer(s) now point at external data outside the folder. */
const ESCAPE_LOCATIONS = (outsideDir: string) => [
  '../outside/canary.bin',
  'sub/../../outside/canary.bin',
  path.join(outsideDir, 'canary.bin'),
  '..\\outside\\canary.bin',
  'link-to-canary.bin',
  'linked-dir/canary.bin',
  '\\\\localhost\\share\\canary.bin',
];

function escapeMutant(bytes: Uint8Array, random: () => number, outsideDir: string, sparse: boolean): Uint8Array | null {
  let proto;
  try {
    proto = decodeModel(bytes);
  } catch {
    return null;
  }
  const inits = proto.graph.initializer;
  if (inits.length === 0) return null;
  const locations = ESCAPE_LOCATIONS(outsideDir);
  const location = locations[Math.floor(random() * locations.length)];
  const target = inits[Math.floor(random() * inits.length)];
  const entries = [{ key: 'location', value: location }, { key: 'offset', value: '0' }, { key: 'length', value: '64' }];
  if (sparse) {
    // The same location in a sparse_initializer (a field the decoder keeps as unknown bytes).
    const w = new TextEncoder();
    const entry = (k: string, v: string) => [0x6a, ...writeVarint(4 + k.length + v.length), 0x0a, k.length, ...w.encode(k), 0x12, v.length, ...w.encode(v)];
    const tensor = [0x42, 1, 0x73, 0x08, 16, 0x10, 1, 0x70, 1, ...entries.flatMap((e) => entry(e.key, e.value))];
    const sparseMsg = [0x0a, ...writeVarint(tensor.length), ...tensor, 0x1a, 2, 4, 4];
    (proto.graph.unknownFields ??= []).push(Uint8Array.from([0x7a, ...writeVarint(sparseMsg.length), ...sparseMsg]));
  } else {
    target.rawData = undefined;
    target.floatData = undefined;
    target.dataLocation = 1;
    target.externalData = entries;
  }
  return encodeModel(proto);
}

// ───────────── in-process parse ─────────────

function parseInProcess(kind: Kind, name: string, bytes: Uint8Array): void {
  const text = () => new TextDecoder('utf-8').decode(bytes);
  switch (kind) {
    case 'model': {
      const proto = decodeModel(bytes, name);
      new Graph(proto.graph);
      return;
    }
    case 'trt': {
      detectTrtArtifact(name, text());
      importTrtArtifacts([{ name, text: text() }]);
      return;
    }
    case 'cache':
      parseCalibrationCache(text(), { file: name });
      importTrtArtifacts([{ name, text: text() }]);
      return;
    case 'npy':
      parseNpy(bytes, name);
      return;
    case 'plan':
      parsePlan(JSON.parse(text()), name);
      return;
    case 'report':
      parseAnalysisReport(JSON.parse(text()), name);
      return;
  }
}

// ───────────── child process (ONNX Runtime) ─────────────

interface ChildRequest {
  id: number;
  file: string;
}
interface ChildReply {
  id: number;
  outcome: 'accepted' | 'typed' | 'untyped';
  code?: string;
  message?: string;
  /** Paths outside the mutant's folder that were read or mapped. */
  escapes: string[];
}

async function childMain(): Promise<void> {
  const { loadModel } = await import('../main/io/model-file');
  const { OrtRunner } = await import('../main/engine/ort-runner');
  let reads: string[] = [];
  const spy = <T extends (...args: never[]) => unknown>(obj: Record<string, unknown>, key: string) => {
    const original = obj[key] as T;
    obj[key] = (...args: unknown[]) => {
      if (typeof args[0] === 'string' || args[0] instanceof URL) reads.push(String(args[0]));
      return (original as unknown as (...a: unknown[]) => unknown).apply(obj, args);
    };
  };
  for (const key of ['readFile', 'open', 'realpath', 'stat']) spy(fs.promises as unknown as Record<string, unknown>, key);
  for (const key of ['readFileSync', 'openSync']) spy(fs as unknown as Record<string, unknown>, key);
  process.on('message', async (request: ChildRequest) => {
    reads = [];
    const folder = path.dirname(request.file);
    const reply: ChildReply = { id: request.id, outcome: 'accepted', escapes: [] };
    try {
      const loaded = await loadModel(request.file);
      const runner = await OrtRunner.create(loaded.proto, request.file, { threads: 1 } as never);
      const maps = readFileSync('/proc/self/maps', 'utf8');
      if (maps.includes('canary')) reply.escapes.push('mapped: ' + maps.split('\n').filter((l) => l.includes('canary'))[0]);
      await runner.release();
    } catch (error) {
      if (isWorkbenchError(error)) {
        reply.outcome = 'typed';
        reply.code = error.code;
      } else {
        reply.outcome = 'untyped';
        reply.message = String((error as Error)?.stack ?? error).slice(0, 500);
      }
    }
    // Reads of the model folder itself (realpath/stat of the folder, the model, files inside) are fine.
    for (const p of reads) {
      const resolved = path.resolve(p);
      if (resolved !== folder && !resolved.startsWith(folder + path.sep) && resolved.includes('canary')) reply.escapes.push('read: ' + resolved);
    }
    if (readFileSync('/proc/self/maps', 'utf8').includes('canary.bin')) reply.escapes.push('still mapped after release');
    process.send!(reply);
  });
  process.send!({ ready: true });
}

class OrtChild {
  private child: ChildProcess | null = null;
  private nextId = 1;

  private async spawn(): Promise<ChildProcess> {
    const child = fork(fileURLToPath(import.meta.url), ['--child'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (m: { ready?: boolean }) => {
        if (m?.ready) {
          child.off('message', onMessage);
          resolve();
        }
      };
      child.on('message', onMessage);
      child.once('exit', (code, signal) => reject(new Error(`fuzz child exited during start-up (${signal ?? code})`)));
    });
    child.removeAllListeners('exit');
    this.child = child;
    return child;
  }

  /** 'crash' / 'hang' when the child died or did not answer; the next request gets a fresh child. */
  async open(file: string, timeoutMs: number): Promise<ChildReply | 'crash' | 'hang'> {
    const child = this.child ?? (await this.spawn());
    const id = this.nextId++;
    return new Promise((resolve) => {
      const done = (result: ChildReply | 'crash' | 'hang') => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(result);
      };
      const onMessage = (m: ChildReply) => {
        if (m?.id === id) done(m);
      };
      const onExit = () => {
        this.child = null;
        done('crash');
      };
      const timer = setTimeout(() => {
        child.off('exit', onExit);
        child.kill('SIGKILL');
        this.child = null;
        done('hang');
      }, timeoutMs);
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.send({ id, file } satisfies ChildRequest);
    });
  }

  stop(): void {
    this.child?.kill('SIGKILL');
    this.child = null;
  }
}

// ───────────── driver ─────────────

export async function runFuzz(options: FuzzOptions): Promise<FuzzResult> {
  const started = performance.now();
  const log = options.log ?? (() => {});
  const random = prng(options.seed);
  const seeds = loadSeeds();
  const models = seeds.filter((s) => s.kind === 'model');
  const others = seeds.filter((s) => s.kind !== 'model');
  const result: FuzzResult = {
    iterations: 0, seed: options.seed, typed: 0, typedByCode: {}, accepted: 0, untyped: 0, untypedExamples: [],
    ortSessions: 0, ortTyped: 0, ortAccepted: 0, crashes: 0, hangs: 0, escapes: 0, escapeExamples: [], byKind: {}, seconds: 0,
  };
  const work = mkdtempSync(path.join(os.tmpdir(), 'pwb-fuzz-'));
  const modelDir = path.join(work, 'model');
  const outsideDir = path.join(work, 'outside');
  mkdirSync(modelDir);
  mkdirSync(outsideDir);
  mkdirSync(path.join(modelDir, 'sub'));
  const canary = new Uint8Array(64);
  canary.set(new TextEncoder().encode(CANARY.repeat(4)).subarray(0, 64));
  writeFileSync(path.join(outsideDir, 'canary.bin'), canary);
  symlinkSync(path.join(outsideDir, 'canary.bin'), path.join(modelDir, 'link-to-canary.bin'));
  symlinkSync(outsideDir, path.join(modelDir, 'linked-dir'));
  const child = options.ortSessions > 0 ? new OrtChild() : null;
  // Spread ORT sessions evenly over the model iterations.
  const ortEvery = Math.max(1, Math.floor((options.iterations * 0.63) / Math.max(1, options.ortSessions)));
  let modelIterations = 0;
  let escapeSessions = 0;
  try {
    for (let i = 0; i < options.iterations; i++) {
      const isModel = random() < 0.7;
      const seed = isModel ? models[Math.floor(random() * models.length)] : others[Math.floor(random() * others.length)];
      let mutant: Uint8Array;
      let label: string;
      const escape = isModel && random() < 0.1;
      if (escape) {
        const sparse = random() < 0.3;
        mutant = escapeMutant(seed.bytes, random, outsideDir, sparse) ?? seed.bytes;
        label = sparse ? 'escape-sparse' : 'escape';
        if (random() < 0.3) mutant = mutate(mutant, random, MUTATIONS[Math.floor(random() * MUTATIONS.length)]);
      } else {
        label = MUTATIONS[Math.floor(random() * MUTATIONS.length)];
        mutant = mutate(seed.bytes, random, label as Mutation);
        if (random() < 0.2) mutant = mutate(mutant, random, MUTATIONS[Math.floor(random() * MUTATIONS.length)]);
      }
      result.iterations++;
      result.byKind[seed.kind] = (result.byKind[seed.kind] ?? 0) + 1;
      const t0 = performance.now();
      try {
        parseInProcess(seed.kind, seed.name, mutant);
        result.accepted++;
      } catch (error) {
        if (isWorkbenchError(error)) {
          result.typed++;
          result.typedByCode[error.code] = (result.typedByCode[error.code] ?? 0) + 1;
        } else if (error instanceof SyntaxError && (seed.kind === 'plan' || seed.kind === 'report')) {
          // JSON.parse of a mutated file: the CLI wraps this as PLAN_INVALID / REPORT_INVALID before the parser runs.
          result.typed++;
          result.typedByCode['JSON_SYNTAX'] = (result.typedByCode['JSON_SYNTAX'] ?? 0) + 1;
        } else {
          result.untyped++;
          if (result.untypedExamples.length < 10) result.untypedExamples.push(`iteration ${i} ${seed.name} (${label}): ${String((error as Error)?.stack ?? error).split('\n').slice(0, 3).join(' | ')}`);
        }
      }
      if (performance.now() - t0 > options.slowMs) {
        result.hangs++;
        log(`slow: iteration ${i} ${seed.name} (${label}) took ${Math.round(performance.now() - t0)} ms`);
      }
      if (!isModel || !child) continue;
      modelIterations++;
      if (result.ortSessions >= options.ortSessions) continue;
      // About a third of the child sessions go to escape mutants, the rest are spread over the byte mutants.
      if (escape ? escapeSessions >= Math.ceil(options.ortSessions / 3) : modelIterations % ortEvery !== 0) continue;
      if (escape) escapeSessions++;
      const file = path.join(modelDir, `mutant-${i}.onnx`);
      writeFileSync(file, mutant);
      const reply = await child.open(file, options.timeoutMs);
      rmSync(file, { force: true });
      result.ortSessions++;
      if (reply === 'crash') {
        result.crashes++;
        log(`child crash: iteration ${i} ${seed.name} (${label})`);
      } else if (reply === 'hang') {
        result.hangs++;
        log(`child hang: iteration ${i} ${seed.name} (${label})`);
      } else {
        if (reply.outcome === 'accepted') result.ortAccepted++;
        else if (reply.outcome === 'typed') {
          result.ortTyped++;
          const key = `child:${reply.code}`;
          result.typedByCode[key] = (result.typedByCode[key] ?? 0) + 1;
        } else {
          result.untyped++;
          if (result.untypedExamples.length < 10) result.untypedExamples.push(`child iteration ${i} ${seed.name} (${label}): ${reply.message}`);
        }
        if (reply.escapes.length > 0) {
          result.escapes++;
          if (result.escapeExamples.length < 10) result.escapeExamples.push(`iteration ${i} ${seed.name} (${label}): ${reply.escapes.join('; ')}`);
        }
      }
    }
  } finally {
    child?.stop();
    rmSync(work, { recursive: true, force: true });
  }
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

export function summaryLine(r: FuzzResult): string {
  return `fuzz iterations=${r.iterations} typed=${r.typed} accepted=${r.accepted} untyped=${r.untyped} crashes=${r.crashes} hangs=${r.hangs} escapes=${r.escapes} ort-sessions=${r.ortSessions} seed=${r.seed} seconds=${r.seconds.toFixed(1)}`;
}

async function cli(): Promise<void> {
  const args = process.argv.slice(2);
  const flag = (name: string, fallback: number) => {
    const i = args.indexOf(`--${name}`);
    if (i < 0) return fallback;
    const value = Number(args[i + 1]);
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${name} ${args[i + 1]}: expected a non-negative integer`);
    return value;
  };
  const options: FuzzOptions = {
    iterations: flag('iterations', 1000),
    seed: flag('seed', Date.now() % 2 ** 31),
    ortSessions: flag('ort', 20),
    timeoutMs: flag('timeout', 20_000),
    slowMs: flag('slow', 5000),
    log: (line) => process.stderr.write(line + '\n'),
  };
  process.stderr.write(`fuzz: seed ${options.seed}, ${options.iterations} iterations, ${options.ortSessions} ONNX Runtime child sessions\n`);
  const result = await runFuzz(options);
  process.stderr.write(`typed by code: ${JSON.stringify(result.typedByCode)}\nby kind: ${JSON.stringify(result.byKind)}\nchild sessions: ${result.ortSessions} (${result.ortAccepted} accepted, ${result.ortTyped} typed)\n`);
  for (const e of result.untypedExamples) process.stderr.write(`UNTYPED ${e}\n`);
  for (const e of result.escapeExamples) process.stderr.write(`ESCAPE ${e}\n`);
  process.stdout.write(summaryLine(result) + '\n');
  process.exitCode = result.untyped > 0 || result.escapes > 0 ? 1 : 0;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain && process.argv.includes('--child')) void childMain();
else if (isMain) void cli();
