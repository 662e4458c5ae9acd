#!/usr/bin/env node
// `npm test`: every test file under test/ (or the folders given) through node's test runner with tsx, then one
// summary line CI reads: "N passed, N failed". Exit code is non-zero when anything failed.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync, statSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const roots = process.argv.slice(2).length ? process.argv.slice(2) : ['test'];
const files = [];
const walk = (p) => {
  if (statSync(p).isDirectory()) for (const name of readdirSync(p).sort()) walk(path.join(p, name));
  else if (/\.test\.(ts|tsx|mts)$/.test(p)) files.push(p);
};
roots.forEach(walk);
if (files.length === 0) {
  console.log('no test files found');
  console.log('0 passed, 1 failed');
  process.exit(1);
}
const tapDir = mkdtempSync(path.join(os.tmpdir(), 'pwb-tests-'));
const tapFile = path.join(tapDir, 'results.tap');
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tapFile}`, ...files],
  { stdio: 'inherit', env: { ...process.env, FORCE_COLOR: '0' } },
);
let passed = 0;
let failed = 0;
try {
  const tap = readFileSync(tapFile, 'utf8');
  passed = Number(/^# pass (\d+)/m.exec(tap)?.[1] ?? 0);
  failed = Number(/^# fail (\d+)/m.exec(tap)?.[1] ?? 0) + Number(/^# cancelled (\d+)/m.exec(tap)?.[1] ?? 0);
} catch {
  failed = 1;
}
rmSync(tapDir, { recursive: true, force: true });
if (result.status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
