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
  console.error('start: (its binary is downloaded by electron\'s install script: `node node_modules/electron/install.js` where the network allows)');
  console.error('start: starting browser mode instead — open the URL below in a browser.');
}
// With no arguments both modes open the bundled example (already analysed); `npm start -- MODEL` opens a model.
const extra = process.argv.length > 2 ? process.argv.slice(2) : ['--open-example'];
const [command, args] = electronBinary ? [electronBinary, [root, ...extra]] : [process.execPath, [path.join(root, 'bin', 'pwb.js'), 'serve', ...extra]];
const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
