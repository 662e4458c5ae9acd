#!/usr/bin/env node
// `pwb-desktop [MODEL]`: launches Electron on the built main (dist-electron/main.cjs; `npm run build:electron`).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const mainBundle = path.join(root, 'dist-electron', 'main.cjs');
if (!existsSync(mainBundle)) {
  console.error('pwb-desktop: dist-electron/main.cjs is missing — run `npm run build:electron` (and `npm run build:renderer`) first');
  process.exit(2);
}
let electronBinary;
try {
  electronBinary = createRequire(import.meta.url)('electron');
} catch (error) {
  console.error(`pwb-desktop: the Electron binary is not available here (${error.message.split('\n')[0]}).`);
  console.error('pwb-desktop: use browser mode instead: `pwb serve MODEL` (or `npm start`, which falls back to it).');
  process.exit(2);
}
const args = [root, ...process.argv.slice(2).map((a) => (a.startsWith('-') ? a : path.resolve(a)))];
const child = spawn(electronBinary, args, { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
