#!/usr/bin/env node
// `npm run build:electron`: bundles Electron main, the preload and the engine host with esbuild into
// dist-electron/{main,preload,host}.cjs
// (+ metrics-worker-entry.mjs, the engine's worker thread). Native code stays external: electron, onnxruntime-node, the TensorRT addon.
import { build } from 'esbuild';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const external = ['electron', 'onnxruntime-node', '*.node', './native/*', '../native/*'];
const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: true, external, logLevel: 'warning', absWorkingDir: root };

await Promise.all([
  build({ ...common, entryPoints: ['main/electron/main.ts'], outfile: 'dist-electron/main.cjs' }),
  build({ ...common, entryPoints: ['main/preload/preload.ts'], outfile: 'dist-electron/preload.cjs', external: ['electron'] }),
  // The engine finds its metrics worker next to itself (new URL('./metrics-worker-entry.mjs', import.meta.url)):
  // give the CJS bundle an import.meta.url, and bundle the worker (no tsx at run time) under that name.
  build({
    ...common,
    entryPoints: ['main/host/host-entry.ts'],
    outfile: 'dist-electron/host.cjs',
    define: { 'import.meta.url': '__pwbImportMetaUrl' },
    banner: { js: 'const __pwbImportMetaUrl = require("node:url").pathToFileURL(__filename).href;' },
  }),
  build({
    ...common,
    format: 'esm',
    entryPoints: ['main/engine/metrics-worker.ts'],
    outfile: 'dist-electron/metrics-worker-entry.mjs',
    banner: { js: 'import { createRequire as __pwbCreateRequire } from "node:module"; const require = __pwbCreateRequire(import.meta.url);' },
  }),
]);
console.log('build:electron: dist-electron/main.cjs, preload.cjs, host.cjs, metrics-worker-entry.mjs');
