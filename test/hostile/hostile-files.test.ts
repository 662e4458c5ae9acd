/**
 * Every file in fixtures/hostile/manifest.json, opened through the real entry point (`pwb` main() in-process):
 * exit code 2, stderr names the expected code as `[CODE]`, nothing written (--out does not exist afterwards, the
 * hostile file and any file the command would rewrite are byte-identical). "No error" fails as much as a wrong one.
 * Symlinks, hardlinks and FIFOs are made here in a temp folder (git does not keep them), with a secret outside the
 * model folder that must never be read.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import type { HostileEntry } from '../../fixtures/hostile/generate';
import { main } from '../../main/cli/pwb';
import { fixtureModel, repoRoot } from '../helpers/paths';

const hostileRoot = path.join(repoRoot, 'fixtures/hostile');
const manifest = JSON.parse(readFileSync(path.join(hostileRoot, 'manifest.json'), 'utf8')) as { counts: Record<string, number>; entries: HostileEntry[] };
const scratch = mkdtempSync(path.join(os.tmpdir(), 'pwb-hostile-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, { write: (s: string) => (out += s) }, { write: (s: string) => (err += s) });
  return { code, out, err };
}

/** Files under `dir` with their bytes (to prove nothing was written). */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const visit = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.isFile()) files.set(path.relative(dir, full), readFileSync(full).toString('base64'));
      else files.set(path.relative(dir, full), entry.isSymbolicLink() ? 'symlink' : 'special');
    }
  };
  visit(dir);
  return files;
}

/** Places the entry's file where the command will read it; returns {file} and the folder to watch. */
function prepare(entry: HostileEntry, index: number): { file: string; watch: string } {
  const source = path.join(hostileRoot, entry.file);
  if (!entry.setup && !entry.copy) return { file: source, watch: path.dirname(source) };
  const caseDir = path.join(scratch, `case-${index}`);
  const modelDir = path.join(caseDir, 'model');
  const outside = path.join(caseDir, 'outside');
  mkdirSync(modelDir, { recursive: true });
  mkdirSync(outside, { recursive: true });
  writeFileSync(path.join(outside, 'secret.bin'), new Uint8Array(new Float32Array(16).fill(42).buffer));
  const file = path.join(modelDir, path.basename(entry.file));
  copyFileSync(source, file);
  switch (entry.setup) {
    case 'symlink-outside':
      symlinkSync(path.join(outside, 'secret.bin'), path.join(modelDir, 'link.bin'));
      break;
    case 'parent-symlink-outside':
      writeFileSync(path.join(outside, 'w.bin'), new Uint8Array(64));
      symlinkSync(outside, path.join(modelDir, 'sub'));
      break;
    case 'hardlink-outside':
      linkSync(path.join(outside, 'secret.bin'), path.join(modelDir, 'hard.bin'));
      break;
    case 'fifo':
      execFileSync('mkfifo', [path.join(modelDir, 'pipe.bin')]);
      break;
  }
  return { file, watch: caseDir };
}

describe('hostile files (fixtures/hostile/manifest.json)', () => {
  test('the manifest covers sections A–E with known commands and codes', () => {
    assert.ok(manifest.entries.length >= 100, `${manifest.entries.length} entries`);
    for (const section of ['A', 'B', 'C', 'D', 'E']) assert.ok((manifest.counts[section] ?? 0) > 0, `section ${section}`);
    for (const entry of manifest.entries) {
      assert.match(entry.expectedCode, /^[A-Z][A-Z0-9_]+$/, entry.file);
      assert.ok(['inspect', 'analyze', 'pin', 'export', 'trt-import'].includes(entry.command[0]), entry.file);
      assert.ok(existsSync(path.join(hostileRoot, entry.file)), `${entry.file} exists`);
    }
  });

  manifest.entries.forEach((entry, index) => {
    test(`${entry.section}${entry.items.join('/')} ${entry.file}: ${entry.what} → [${entry.expectedCode}]`, { timeout: 60_000 }, async () => {
      const { file, watch } = prepare(entry, index);
      const out = path.join(scratch, `out-${index}`);
      const args = entry.command.map((a) =>
        a.replaceAll('{file}', file).replaceAll('{dir}', path.dirname(file)).replaceAll('{model}', fixtureModel('outlier-convnet.onnx')).replaceAll('{out}', out),
      );
      const before = snapshot(watch);
      const result = await run(args);
      assert.equal(result.code, 2, `exit code (expected 2 with [${entry.expectedCode}]); stderr: ${result.err.slice(0, 2000)} stdout: ${result.out.slice(0, 300)}`);
      assert.ok(result.err.includes(`[${entry.expectedCode}]`), `expected [${entry.expectedCode}] in: ${result.err.slice(0, 2000)}`);
      assert.equal(result.err.trim().split('\n').length, 1, `one message: ${result.err.slice(0, 2000)}`);
      assert.doesNotMatch(result.err, /42\.0|secret contents/, 'no outside data echoed');
      assert.equal(existsSync(out), false, '--out was not created');
      assert.deepEqual(snapshot(watch), before, 'nothing written or changed next to the input');
    });
  });
});

describe('external data through the model folder: the same checks hold when the model is opened for analysis', () => {
  test('symlink, parent symlink and hardlink are refused by analyze too (before any session is created)', async () => {
    for (const setup of ['symlink-outside', 'parent-symlink-outside', 'hardlink-outside'] as const) {
      const entry = manifest.entries.find((e) => e.setup === setup)!;
      const { file } = prepare(entry, 10_000 + manifest.entries.indexOf(entry));
      const out = path.join(scratch, `analyze-${setup}`);
      const result = await run(['analyze', file, '--random', '2', '--out', out, '-q']);
      assert.equal(result.code, 2, result.err);
      assert.match(result.err, /\[EXTERNAL_DATA_OUTSIDE_MODEL_DIR\]/);
      assert.equal(existsSync(out), false);
    }
  });

});
