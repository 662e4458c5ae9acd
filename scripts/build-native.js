#!/usr/bin/env node
// `npm run build:native`: compiles native/src/*.cpp into native/build/pwb_trt_<major>.node with g++ against the
// TensorRT headers it finds, the CUDA toolkit headers and Node's own headers. TensorRT and CUDA are NOT linked: the
// addon dlopens libnvinfer/libnvonnxparser/libcuda at run time (native/README.md). Where no TensorRT headers are
// found the script prints why and exits 0, so machines without TensorRT simply have no addon.
//
// Environment:
//   TENSORRT_INCLUDE   directory holding NvInfer.h/NvInferVersion.h/NvOnnxParser.h (wins over everything else)
//   TENSORRT_ROOT      TensorRT installation; <root>/include is searched
//   CUDA_HOME          CUDA toolkit; <home>/include must hold cuda_runtime_api.h and cuda.h (default /usr/local/cuda)
//   CXX                compiler (default g++)
// Flags:
//   --print-config     print the resolved configuration as JSON and exit without compiling
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = path.join(root, 'native', 'src');
const buildDir = path.join(root, 'native', 'build');
const STANDARD_TRT_INCLUDES = ['/usr/include/x86_64-linux-gnu', '/usr/include/aarch64-linux-gnu', '/usr/local/tensorrt/include', '/opt/tensorrt/include', '/usr/include'];
const TRT_HEADERS = ['NvInfer.h', 'NvInferVersion.h', 'NvOnnxParser.h'];

/** Reads `#define NAME VALUE` lines and resolves NV_TENSORRT_* through macro indirection (11.x defines them via TRT_*_ENTERPRISE). */
export function readTensorRtVersion(includeDir) {
  const text = readFileSync(path.join(includeDir, 'NvInferVersion.h'), 'utf8');
  const defines = new Map();
  for (const match of text.matchAll(/^[ \t]*#[ \t]*define[ \t]+(\w+)[ \t]+([^\s/]+)/gm)) defines.set(match[1], match[2]);
  const resolve = (name) => {
    let value = defines.get(name);
    for (let hops = 0; value !== undefined && !/^\d+$/.test(value) && hops < 8; hops++) value = defines.get(value);
    return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
  };
  const version = { major: resolve('NV_TENSORRT_MAJOR'), minor: resolve('NV_TENSORRT_MINOR'), patch: resolve('NV_TENSORRT_PATCH'), build: resolve('NV_TENSORRT_BUILD') };
  if (version.major === undefined || version.minor === undefined || version.patch === undefined) {
    throw new Error(`${path.join(includeDir, 'NvInferVersion.h')} does not define NV_TENSORRT_MAJOR/MINOR/PATCH`);
  }
  return version;
}

function hasAll(dir, files) {
  return files.every((file) => existsSync(path.join(dir, file)));
}

/** Where the TensorRT headers are: { dir, source } or { dir: undefined, searched: [...] }. */
function findTensorRtInclude(env) {
  if (env.TENSORRT_INCLUDE) return { dir: env.TENSORRT_INCLUDE, source: 'TENSORRT_INCLUDE', explicit: true };
  if (env.TENSORRT_ROOT) return { dir: path.join(env.TENSORRT_ROOT, 'include'), source: 'TENSORRT_ROOT', explicit: true };
  // PWB_TRT_STANDARD_INCLUDES (path list) replaces the standard locations; tests use it to get a machine-independent skip.
  const standard = env.PWB_TRT_STANDARD_INCLUDES !== undefined ? env.PWB_TRT_STANDARD_INCLUDES.split(path.delimiter).filter(Boolean) : STANDARD_TRT_INCLUDES;
  for (const dir of standard) if (hasAll(dir, TRT_HEADERS)) return { dir, source: 'standard path' };
  return { dir: undefined, searched: standard };
}

function findCudaInclude(env) {
  const candidates = [env.CUDA_HOME && path.join(env.CUDA_HOME, 'include'), env.CUDA_PATH && path.join(env.CUDA_PATH, 'include'), '/usr/local/cuda/include', '/usr/include'].filter(Boolean);
  return { dir: candidates.find((dir) => hasAll(dir, ['cuda_runtime_api.h', 'cuda.h'])), searched: candidates };
}

function findNodeInclude() {
  const candidates = [
    path.resolve(path.dirname(process.execPath), '..', 'include', 'node'),
    '/usr/include/node',
    '/usr/local/include/node',
    path.join(os.homedir(), '.cache', 'node-gyp', process.versions.node, 'include', 'node'),
  ];
  return { dir: candidates.find((dir) => existsSync(path.join(dir, 'node_api.h'))), searched: candidates };
}

function findNodeAddonApi() {
  try {
    const require = createRequire(path.join(root, 'package.json'));
    const dir = path.dirname(require.resolve('node-addon-api/package.json'));
    return existsSync(path.join(dir, 'napi.h')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

function skip(message) {
  console.log(`build:native skipped: ${message}`);
  console.log('The TensorRT addon is optional; without it the workbench uses ONNX Runtime only and TensorRT features report TENSORRT_UNAVAILABLE.');
  process.exit(0);
}

function fail(message) {
  console.error(`build:native failed: ${message}`);
  process.exit(1);
}

function compile(cxx, args) {
  return new Promise((resolve) => {
    const child = spawn(cxx, args, { stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', (error) => resolve({ code: 127, stderr: `${cxx}: ${error.message}\n` }));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

async function runPool(tasks, width) {
  const results = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(width, tasks.length)) }, worker));
  return results;
}

async function main() {
  const env = process.env;
  const trt = findTensorRtInclude(env);
  if (!trt.dir) {
    skip(
      `no TensorRT headers found (looked for ${TRT_HEADERS.join(', ')} in ${trt.searched.join(', ')}). ` +
        'Set TENSORRT_ROOT=<TensorRT install dir> or TENSORRT_INCLUDE=<dir with NvInfer.h> and run `npm run build:native` again.',
    );
  }
  if (!hasAll(trt.dir, TRT_HEADERS)) {
    fail(`${trt.source} points at ${trt.dir}, which does not contain ${TRT_HEADERS.filter((f) => !existsSync(path.join(trt.dir, f))).join(', ')}.`);
  }
  const version = readTensorRtVersion(trt.dir);
  const versionText = `${version.major}.${version.minor}.${version.patch}${version.build !== undefined ? `.${version.build}` : ''}`;
  const cuda = findCudaInclude(env);
  const node = findNodeInclude();
  const addonApi = findNodeAddonApi();
  const cxx = env.CXX || 'g++';
  const output = path.join(buildDir, `pwb_trt_${version.major}.node`);
  const config = { tensorrtInclude: trt.dir, tensorrtIncludeSource: trt.source, tensorrtVersion: version, cudaInclude: cuda.dir, nodeInclude: node.dir, nodeAddonApi: addonApi, cxx, output };
  if (process.argv.includes('--print-config')) {
    console.log(JSON.stringify(config, null, 2));
    return;
  }
  console.log(`TensorRT headers: ${trt.dir} (${trt.source}), NvInferVersion.h says ${versionText}`);
  if (!cuda.dir) skip(`no CUDA toolkit headers (cuda_runtime_api.h, cuda.h) in ${cuda.searched.join(', ')}; set CUDA_HOME. TensorRT's headers include cuda_runtime_api.h.`);
  if (!node.dir) skip(`no Node headers (node_api.h) in ${node.searched.join(', ')}.`);
  if (!addonApi) fail('node-addon-api is not installed (it is a devDependency; run npm install).');
  console.log(`CUDA headers: ${cuda.dir}; Node headers: ${node.dir}; compiler: ${cxx}`);

  const objectDir = path.join(buildDir, `obj-trt${version.major}`);
  mkdirSync(objectDir, { recursive: true });
  const sources = readdirSync(sourceDir).filter((f) => f.endsWith('.cpp')).sort();
  const flags = [
    '-std=c++17', '-O2', '-fPIC', '-fvisibility=hidden', '-fexceptions', '-Wall', '-Wextra',
    '-DNAPI_VERSION=8', '-DNAPI_CPP_EXCEPTIONS', '-DNODE_API_NO_EXTERNAL_BUFFERS_ALLOWED',
    // -isystem: the headers' own deprecation warnings are not ours (tensorrt.md §1).
    '-isystem', trt.dir, '-isystem', cuda.dir, '-isystem', node.dir, '-isystem', addonApi,
  ];
  const results = await runPool(
    sources.map((file) => () => compile(cxx, [...flags, '-c', path.join(sourceDir, file), '-o', path.join(objectDir, file.replace(/\.cpp$/, '.o'))])),
    os.cpus().length,
  );
  let warnings = 0;
  let failed = false;
  results.forEach((result, i) => {
    if (result.stderr) process.stderr.write(result.stderr);
    warnings += (result.stderr.match(/\bwarning:/g) ?? []).length;
    if (result.code !== 0) {
      failed = true;
      console.error(`compile failed: ${sources[i]}`);
    }
  });
  if (failed) fail(`compilation against TensorRT ${versionText} headers failed (${warnings} warnings).`);
  // No -lnvinfer, no -lcudart: TensorRT and CUDA are opened with dlopen. napi_* symbols stay undefined on purpose
  // (the host process provides them), so no -z defs.
  const objects = sources.map((file) => path.join(objectDir, file.replace(/\.cpp$/, '.o')));
  const link = await compile(cxx, ['-shared', '-fPIC', '-o', output, ...objects, '-ldl', '-pthread']);
  if (link.stderr) process.stderr.write(link.stderr);
  warnings += (link.stderr.match(/\bwarning:/g) ?? []).length;
  if (link.code !== 0) fail('linking failed.');

  const nm = spawnSync('nm', ['-D', '--undefined-only', output], { encoding: 'utf8' });
  if (nm.status === 0) {
    const foreign = nm.stdout.split('\n').filter((line) => /nvinfer|nvonnx|_INTERNAL|\bcu[A-Z]|cuda/i.test(line));
    if (foreign.length) fail(`the addon references TensorRT/CUDA symbols at link time, which must not happen:\n${foreign.join('\n')}`);
  }
  writeFileSync(
    path.join(buildDir, `pwb_trt_${version.major}.json`),
    `${JSON.stringify({ tensorrtVersion: version, tensorrtInclude: trt.dir, cudaInclude: cuda.dir, node: process.versions.node, cxx, builtAt: new Date().toISOString() }, null, 2)}\n`,
  );
  console.log(`built ${path.relative(root, output)} against TensorRT ${versionText} headers: ${sources.length} sources, ${warnings} warnings; no TensorRT or CUDA library linked.`);
}

main().catch((error) => fail(error instanceof Error ? error.message : String(error)));
