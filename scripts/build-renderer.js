#!/usr/bin/env node
// `npm run build:renderer`: bundles renderer/src/main.tsx → renderer/dist/app.js (+ app.css), copies index.html and
// elkjs's worker (graph layout runs in it). Minified, with source maps. `--watch` rebuilds on change.
import { build, context } from 'esbuild';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'renderer', 'dist');
const require = createRequire(import.meta.url);
const elkWorker = path.join(path.dirname(require.resolve('elkjs/package.json')), 'lib', 'elk-worker.min.js');

const options = {
  entryPoints: { app: path.join(root, 'renderer', 'src', 'main.tsx') },
  outdir: out,
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'iife',
  platform: 'browser',
  target: ['chrome120'],
  jsx: 'automatic',
  legalComments: 'linked',
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
  metafile: true,
};

function copyStatic() {
  copyFileSync(path.join(root, 'renderer', 'index.html'), path.join(out, 'index.html'));
  copyFileSync(elkWorker, path.join(out, 'elk-worker.min.js'));
}

const started = Date.now();
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
if (process.argv.includes('--watch')) {
  const ctx = await context({ ...options, plugins: [{ name: 'copy-static', setup: (b) => b.onEnd(copyStatic) }] });
  await ctx.watch();
  console.log(`watching; output in ${path.relative(root, out)}/`);
} else {
  const result = await build(options);
  copyStatic();
  const bytes = Object.entries(result.metafile.outputs)
    .filter(([file]) => !file.endsWith('.map'))
    .map(([file, o]) => `${path.basename(file)} ${(o.bytes / 1024).toFixed(0)} KB`);
  console.log(`renderer built in ${Date.now() - started} ms: ${bytes.join(', ')} → ${path.relative(root, out)}/`);
}
