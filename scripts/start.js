#!/usr/bin/env node
// `npm start`: builds the renderer and the Electron bundles, then launches the desktop app. Where the Electron
// binary is unavailable, says so and starts browser mode with the bundled example instead (`pwb serve
// --open-example`), printing its URL. A browser is opened only when PWB_OPEN_BROWSER=1.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const run = (args) => spawnSync(npm, args, { cwd: root, stdio: 'inherit' }).status === 0;

if (!run(['run', '--silent', 'build:renderer'])) console.error('start: `npm run build:renderer` failed; the page will say the renderer is missing');
if (!run(['run', '--silent', 'build:electron'])) console.error('start: `npm run build:electron` failed');

let electronBinary = null;
try {
  electronBinary = createRequire(import.meta.url)('electron');
} catch (error) {
  console.error(`start: Electron cannot run here (${String(error.message).split('\n')[0]}).`);
  console.error('start: starting browser mode with the bundled example instead.');
}
const [command, args] = electronBinary ? [electronBinary, [root, ...process.argv.slice(2)]] : [process.execPath, [path.join(root, 'bin', 'pwb.js'), 'serve', '--open-example', ...process.argv.slice(2)]];
const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
