/**
 * Data safety of every save (projects, plans, reports, exports): a writer killed mid-save never leaves a torn
 * file, a full disk fails with DISK_FULL and the previous file intact, and "do not overwrite" cannot race.
 */
import assert from 'node:assert/strict';
import { execFileSync, fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { writeFileAtomic } from '../../../main/io/atomic-write';
import { repoRoot } from '../../helpers/paths';

test('SIGKILL during a save loop never leaves a torn file (30 kills)', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pwb-kill-save-'));
  const target = path.join(dir, 'project.json');
  const size = 4 * 1024 * 1024;
  writeFileSync(target, new Uint8Array(size).fill(0x41));
  let torn = 0;
  const kills = 30;
  try {
    for (let i = 0; i < kills; i++) {
      const child = fork(path.join(repoRoot, 'test/helpers/atomic-writer-child.ts'), [target, String(size)], { execArgv: ['--import', 'tsx'], stdio: 'ignore' });
      await new Promise<void>((resolve) => child.once('message', () => resolve()));
      await new Promise((r) => setTimeout(r, 5 + ((i * 37) % 60)));
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const bytes = readFileSync(target);
      const first = bytes[0];
      if (bytes.length !== size || (first !== 0x41 && first !== 0x42) || bytes.some((b) => b !== first)) torn++;
    }
    assert.equal(torn, 0, `${torn} torn files after ${kills} kills`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a full disk (ENOSPC) fails with DISK_FULL, keeps the previous file and leaves no temp file', async (t) => {
  const mount = mkdtempSync(path.join(os.tmpdir(), 'pwb-tinyfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mount], { stdio: 'ignore' });
  } catch {
    rmSync(mount, { recursive: true, force: true });
    t.skip('cannot mount a small tmpfs here (needs root): the ENOSPC case is not exercised');
    return;
  }
  try {
    const target = path.join(mount, 'plan.json');
    const previous = new Uint8Array(16 * 1024).fill(0x50);
    writeFileSync(target, previous);
    await assert.rejects(writeFileAtomic(target, new Uint8Array(256 * 1024).fill(1)), (error: { code?: string; message?: string }) => {
      assert.equal(error.code, 'DISK_FULL');
      assert.match(error.message!, /previous file, if any, is unchanged/);
      return true;
    });
    assert.deepEqual(new Uint8Array(readFileSync(target)), previous);
    assert.deepEqual(readdirSync(mount), ['plan.json'], 'no temp file left behind');
  } finally {
    execFileSync('umount', [mount], { stdio: 'ignore' });
    rmSync(mount, { recursive: true, force: true });
  }
});

test('overwrite: false refuses an existing file without touching it, and creates a missing one', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pwb-no-overwrite-'));
  try {
    const target = path.join(dir, 'report.json');
    writeFileSync(target, 'old');
    await assert.rejects(writeFileAtomic(target, 'new', { overwrite: false }), /FILE_EXISTS|already exists/);
    assert.equal(readFileSync(target, 'utf8'), 'old');
    const fresh = path.join(dir, 'sub', 'x.json');
    mkdirSync(path.dirname(fresh));
    await writeFileAtomic(fresh, 'x', { overwrite: false });
    assert.equal(readFileSync(fresh, 'utf8'), 'x');
    assert.deepEqual(readdirSync(dir).sort(), ['report.json', 'sub']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
