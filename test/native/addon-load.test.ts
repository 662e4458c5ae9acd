/**
 * Loads the built TensorRT addon(s) in plain Node and checks how they behave where TensorRT is absent. Skips (with the
 * reason) when `npm run build:native` has not produced an addon — it needs TensorRT headers.
 * The stub-library test compiles two tiny C libraries that export TensorRT's C entry points (no TensorRT code) to
 * check the loader's success path and its version gate; it needs a C compiler.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { WorkbenchError } from '../../app/errors';
import { type TrtAddonModule, findAddonFiles, openTensorRt } from '../../native/index';

const addons = findAddonFiles();
const notBuilt = addons.length === 0 ? 'no native/build/pwb_trt_*.node: run `npm run build:native` with TensorRT headers (TENSORRT_INCLUDE/TENSORRT_ROOT)' : false;
const require = createRequire(import.meta.url);
const hasTensorRt = (major: number) => spawnSync('sh', ['-c', `ldconfig -p | grep -q 'libnvinfer.so.${major} '`]).status === 0;

test('the loader reports TENSORRT_UNAVAILABLE when no addon is built', async () => {
  const empty = mkdtempSync(path.join(os.tmpdir(), 'pwb-no-addon-'));
  try {
    await assert.rejects(openTensorRt({ buildDir: empty, env: {} }), (error: unknown) => {
      assert.ok(error instanceof WorkbenchError);
      assert.equal(error.code, 'TENSORRT_UNAVAILABLE');
      assert.equal(error.area, 'trt');
      assert.match(error.message, /not built/);
      assert.match(error.message, /npm run build:native/);
      return true;
    });
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});

for (const file of addons.length ? addons : ['(none)']) {
  test(`addon ${path.basename(file)} loads in Node and reports TENSORRT_UNAVAILABLE without TensorRT`, { skip: notBuilt }, async (t) => {
    const addon = require(file) as TrtAddonModule;
    const major = addon.headerVersion.major;
    assert.match(path.basename(file), new RegExp(`pwb_trt_${major}\\.node$`));
    assert.equal(addon.sonames.infer, `libnvinfer.so.${major}`);
    assert.equal(addon.features.legacyPrecision, major < 11);
    if (hasTensorRt(major)) {
      t.skip(`libnvinfer.so.${major} is installed here; the unavailable path cannot be shown`);
      return;
    }
    await assert.rejects(addon.load(['/nonexistent/tensorrt/lib']), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'TENSORRT_UNAVAILABLE');
      assert.match(error.message, new RegExp(`libnvinfer\\.so\\.${major}`));
      assert.match(error.message, /\/nonexistent\/tensorrt\/lib\/libnvinfer/);
      assert.match(error.message, /TENSORRT_ROOT/);
      assert.match(error.message, /LD_LIBRARY_PATH/);
      return true;
    });
    // Anything that needs TensorRT before load() succeeded says so with the same code.
    await assert.rejects(addon.build(new Uint8Array(8), {}), (error: Error & { code?: string }) => error.code === 'TENSORRT_UNAVAILABLE');
    await assert.rejects(addon.deserialize(new Uint8Array(8)), (error: Error & { code?: string }) => error.code === 'TENSORRT_UNAVAILABLE');
    // Bad arguments are rejected on the JS thread with their own code.
    assert.throws(() => addon.build(42 as unknown as Uint8Array, {}), (error: Error & { code?: string }) => error.code === 'TRT_INVALID_OPTIONS');
  });
}

test('openTensorRt turns the addon failure into a WorkbenchError listing every attempt', { skip: notBuilt }, async (t) => {
  if (addons.some((file) => hasTensorRt((require(file) as TrtAddonModule).headerVersion.major))) {
    t.skip('TensorRT is installed here');
    return;
  }
  await assert.rejects(openTensorRt({ env: { TENSORRT_ROOT: '/nonexistent/trt' } }), (error: unknown) => {
    assert.ok(error instanceof WorkbenchError);
    assert.equal(error.code, 'TENSORRT_UNAVAILABLE');
    for (const file of addons) assert.ok(error.message.includes(path.basename(file)), `mentions ${path.basename(file)}`);
    assert.match(error.message, /\/nonexistent\/trt\/lib\/libnvinfer/);
    return true;
  });
});

function compileStubs(dir: string, major: number, minor: number): boolean {
  const infer = `
    int getInferLibMajorVersion(void) { return ${major}; }
    int getInferLibMinorVersion(void) { return ${minor}; }
    int getInferLibPatchVersion(void) { return 0; }
    int getInferLibBuildVersion(void) { return 1; }
    int getInferLibVersion(void) { return ${major * 10000 + minor * 100}; }
    void* createInferBuilder_INTERNAL(void* l, int v) { (void)l; (void)v; return 0; }
    void* createInferRuntime_INTERNAL(void* l, int v) { (void)l; (void)v; return 0; }`;
  const parser = `
    void* createNvOnnxParser_INTERNAL(void* n, void* l, int v) { (void)n; (void)l; (void)v; return 0; }
    int getNvOnnxParserVersion(void) { return 100; }`;
  writeFileSync(path.join(dir, 'infer.c'), infer);
  writeFileSync(path.join(dir, 'parser.c'), parser);
  const cc = (src: string, out: string) => spawnSync('cc', ['-shared', '-fPIC', '-o', path.join(dir, out), path.join(dir, src)]).status === 0;
  return cc('infer.c', `libnvinfer.so.${major}`) && cc('parser.c', `libnvonnxparser.so.${major}`);
}

const hasCc = spawnSync('cc', ['--version']).status === 0;

test('with stand-in TensorRT libraries the addon loads them, gates the version, then needs a GPU', { skip: notBuilt || (!hasCc && 'no C compiler (cc) to build stand-in libraries') }, () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'pwb-trt-stub-'));
  try {
    for (const file of addons) {
      const addon = require(file) as TrtAddonModule;
      const { major, minor } = addon.headerVersion;
      const good = path.join(root, `${major}-good`);
      const old = path.join(root, `${major}-old`);
      mkdirSync(good);
      mkdirSync(old);
      assert.ok(compileStubs(good, major, minor), 'stub libraries compile');
      assert.ok(compileStubs(old, major, Math.max(minor - 1, 0)) || minor === 0);
      // A fresh process per case: a successful load is kept for the life of the process.
      const script = (dir: string) => `
        const a = require(${JSON.stringify(file)});
        a.load([${JSON.stringify(dir)}]).then(
          (info) => a.build(new Uint8Array(8), {}).then(() => console.log(JSON.stringify({ info })), (e) => console.log(JSON.stringify({ info, build: e.code }))),
          (e) => console.log(JSON.stringify({ load: e.code, message: e.message })));`;
      const ok = spawnSync(process.execPath, ['-e', script(good)], { encoding: 'utf8' });
      const result = JSON.parse(ok.stdout);
      assert.equal(result.info.libraryMajor, major);
      assert.equal(result.info.libraryMinor, minor);
      assert.equal(result.info.inferLibrary, path.join(good, `libnvinfer.so.${major}`));
      assert.equal(result.info.parserVersion, 100);
      // No GPU driver here: the build stops at CUDA, before calling the (stand-in) builder factory.
      if (spawnSync('sh', ['-c', "ldconfig -p | grep -q 'libcuda.so.1 '"]).status !== 0) assert.equal(result.build, 'TRT_CUDA_UNAVAILABLE');
      if (minor > 0) {
        const tooOld = JSON.parse(spawnSync(process.execPath, ['-e', script(old)], { encoding: 'utf8' }).stdout);
        assert.equal(tooOld.load, 'TENSORRT_UNAVAILABLE');
        assert.match(tooOld.message, new RegExp(`TensorRT ${major}\\.${minor - 1}\\.0 found.*needs ${major}\\.x with x >= ${minor}`));
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
