/** scripts/build-native.js without TensorRT: a clear skip message and exit 0; bad explicit paths fail; version parsing. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../scripts/build-native.js', import.meta.url));
const scratch = mkdtempSync(path.join(os.tmpdir(), 'pwb-build-native-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The environment minus anything that points at TensorRT, with the standard locations replaced by `standard`. */
function run(env: Record<string, string>, args: string[] = []) {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^TENSORRT_|^PWB_TRT_/.test(key))) as Record<string, string>;
  return spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', env: { ...base, ...env } });
}

test('without TensorRT headers it prints a skip message naming what to set and exits 0', () => {
  const empty = path.join(scratch, 'empty');
  mkdirSync(empty);
  const result = run({ PWB_TRT_STANDARD_INCLUDES: empty });
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /build:native skipped: no TensorRT headers found/);
  assert.match(result.stdout, /NvInfer\.h/);
  assert.ok(result.stdout.includes(empty), 'lists the searched directory');
  assert.match(result.stdout, /TENSORRT_ROOT/);
  assert.match(result.stdout, /TENSORRT_INCLUDE/);
});

test('the default search covers the standard TensorRT locations', () => {
  const result = run({});
  if (result.stdout.includes('skipped')) {
    for (const dir of ['/usr/include/x86_64-linux-gnu', '/usr/local/tensorrt/include', '/opt/tensorrt/include']) assert.ok(result.stdout.includes(dir), dir);
  }
  assert.equal(result.status === 0 || result.status === 1, true);
});

test('an explicit TENSORRT_INCLUDE without the headers is an error, not a skip', () => {
  const result = run({ TENSORRT_INCLUDE: path.join(scratch, 'missing') });
  assert.equal(result.status, 1);
  assert.match(result.stderr, /TENSORRT_INCLUDE points at .*missing.*NvInfer\.h/);
});

test('NV_TENSORRT_MAJOR/MINOR/PATCH are read through the macro indirection of 10.16+/11.x headers', () => {
  const include = path.join(scratch, 'fake-include');
  mkdirSync(include);
  writeFileSync(path.join(include, 'NvInfer.h'), '');
  writeFileSync(path.join(include, 'NvOnnxParser.h'), '');
  writeFileSync(
    path.join(include, 'NvInferVersion.h'),
    '#ifndef NV_INFER_VERSION_H\n#define NV_INFER_VERSION_H\n\n#define TRT_MAJOR_ENTERPRISE 11\n#define TRT_MINOR_ENTERPRISE 1\n#define TRT_PATCH_ENTERPRISE 0\n#define TRT_BUILD_ENTERPRISE 106\n' +
      '#define NV_TENSORRT_MAJOR TRT_MAJOR_ENTERPRISE //!< TensorRT major version.\n#define NV_TENSORRT_MINOR TRT_MINOR_ENTERPRISE\n#define NV_TENSORRT_PATCH TRT_PATCH_ENTERPRISE\n#define NV_TENSORRT_BUILD TRT_BUILD_ENTERPRISE\n#endif\n',
  );
  const result = run({ TENSORRT_ROOT: scratch, TENSORRT_INCLUDE: include }, ['--print-config']);
  assert.equal(result.status, 0, result.stderr);
  const config = JSON.parse(result.stdout);
  assert.deepEqual(config.tensorrtVersion, { major: 11, minor: 1, patch: 0, build: 106 });
  assert.equal(config.tensorrtIncludeSource, 'TENSORRT_INCLUDE');
  assert.match(config.output, /native\/build\/pwb_trt_11\.node$/);
});
