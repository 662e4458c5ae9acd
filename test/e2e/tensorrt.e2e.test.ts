/**
 * End to end, the TensorRT parts of the UI in headless Chromium against `pwb serve` (engine in its own process):
 *   1. this machine as it is (no TensorRT): the start screen and the TensorRT view say TensorRT is unavailable and
 *      why, and the TensorRT backend and the engine export cannot be chosen;
 *   2. an engine host started on the FAKE addon (PWB_TRT_ADDON=test/helpers/fake-trt-addon.ts: its "engine" runs
 *      the engine graph on ONNX Runtime and fuses Conv+Relu like TensorRT — NOT TensorRT): choose the TensorRT
 *      backend, analyse, see fused layers, show this build's engine, export model.engine.
 * This tests the glue from the UI down to the addon interface; no real engine is built anywhere here.
 * Screenshots: out/e2e/trt-*.png.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { repoRoot } from '../helpers/paths';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.join(repoRoot, 'out', 'e2e');
const MODEL = path.join(repoRoot, 'fixtures', 'models', 'example-convnet.onnx');
const IMAGES = path.join(repoRoot, 'fixtures', 'example', 'images');
const FAKE_ADDON = path.join(repoRoot, 'test', 'helpers', 'fake-trt-addon.ts');
const skip = !existsSync(CHROMIUM) ? `no Chromium at ${CHROMIUM} (.ci/run installs it)` : false;
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const servers: ChildProcess[] = [];
const scratch: string[] = [];

async function serve(env: Record<string, string>): Promise<string> {
  const configDir = mkdtempSync(path.join(os.tmpdir(), 'pwb-e2e-trt-config-'));
  scratch.push(configDir);
  const server = spawn(process.execPath, [path.join(repoRoot, 'bin/pwb.js'), 'serve', MODEL, '--port', '0'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PWB_CONFIG_DIR: configDir, ...env } });
  servers.push(server);
  return new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`pwb serve printed no URL: ${text}`)), 30_000);
    server.stdout!.on('data', (chunk) => {
      text += chunk;
      const match = /open (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    server.on('exit', (code) => reject(new Error(`pwb serve exited (${code}): ${text}`)));
  });
}

before(() => {
  if (skip) return;
  const build = spawnSync(process.execPath, [path.join(repoRoot, 'scripts/build-renderer.js')], { encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  mkdirSync(SHOTS, { recursive: true });
});

after(() => {
  for (const server of servers) server.kill('SIGTERM');
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

async function openView(page: import('playwright-core').Page, name: string): Promise<void> {
  await page.getByRole('link', { name }).or(page.getByRole('button', { name, exact: true })).or(page.getByRole('tab', { name })).first().click();
}

test('without TensorRT: the UI says so and why; the TensorRT backend and the engine export cannot be chosen', { skip, timeout: 180_000 }, async () => {
  // PWB_TRT_ADDON at a file that does not exist: the same answer CI gets with no addon built, on any machine.
  const url = await serve({ PWB_TRT_ADDON: path.join(os.tmpdir(), 'no-such-addon', 'pwb_trt_10.node') });
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url);
    const trtChoice = page.getByRole('radio', { name: /TensorRT — real engine on this GPU/ });
    await trtChoice.waitFor();
    assert.equal(await trtChoice.isDisabled(), true);
    assert.equal(await page.getByRole('radio', { name: /ONNX Runtime/ }).isChecked(), true);
    await page.getByText(/TensorRT unavailable here: .*pwb_trt_10\.node: cannot be loaded/).first().waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'trt-1-start-unavailable.png') });

    await page.getByPlaceholder('/data/calib_images').fill(IMAGES);
    await page.getByLabel('Max samples').first().fill('8');
    await page.getByRole('button', { name: 'Analyse' }).click();
    await page.locator('option', { hasText: 'build #1' }).waitFor({ state: 'attached', timeout: 120_000 });
    await openView(page, 'TensorRT');
    await page.getByText(/TensorRT is not available on this machine/).waitFor();
    assert.equal(await page.getByRole('button', { name: "Show this build's engine" }).count(), 0, 'no engine for an ONNX Runtime build');
    await page.screenshot({ path: path.join(SHOTS, 'trt-2-view-unavailable.png') });
    await openView(page, 'Export');
    const engineOption = page.getByRole('checkbox', { name: /TensorRT engine \(model\.engine\)/ });
    await engineOption.waitFor();
    assert.equal(await engineOption.isDisabled(), true);
  } finally {
    await browser.close();
  }
});

test('fake TensorRT addon: TensorRT backend → fused layers → this build\'s engine → export model.engine', { skip, timeout: 180_000 }, async () => {
  const url = await serve({ PWB_TRT_ADDON: FAKE_ADDON });
  const exportDir = mkdtempSync(path.join(os.tmpdir(), 'pwb-e2e-trt-export-'));
  scratch.push(exportDir);
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const pageErrors: string[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(url);
    const trtChoice = page.getByRole('radio', { name: /TensorRT 10\.16\.1 — real engine on this GPU/ });
    await trtChoice.waitFor();
    await trtChoice.check();
    await page.getByPlaceholder('/data/calib_images').fill(IMAGES);
    await page.getByLabel('Max samples').first().fill('8');
    await page.screenshot({ path: path.join(SHOTS, 'trt-3-start-fake-addon.png') });
    await page.getByRole('button', { name: 'Analyse' }).click();
    await page.locator('option', { hasText: 'build #1' }).waitFor({ state: 'attached', timeout: 120_000 });

    // Overview: where it ran, and the layers TensorRT fused (four convs and the residual add fuse with their ReLU).
    const body = () => page.locator('body').innerText();
    await page.getByText(/TensorRT 10\.16\.1 engine/).first().waitFor();
    assert.match(await body(), /5 layers fused inside engine layers/);
    await page.screenshot({ path: path.join(SHOTS, 'trt-4-overview.png') });

    await openView(page, 'Layers');
    await page.locator('.layer-table [role="row"]').nth(1).waitFor();
    const fusedCells = await page.locator('.layer-table [role="row"]').filter({ hasText: 'fused' }).count();
    assert.equal(fusedCells, 5, 'five rows read "fused"');
    await page.screenshot({ path: path.join(SHOTS, 'trt-5-layers.png') });

    // The build's engine in the TensorRT view: its layers mapped to the model.
    await openView(page, 'TensorRT');
    await page.getByText(/TensorRT 10\.16\.1 \(addon fake-trt-addon\.ts\)/).waitFor();
    await page.getByRole('button', { name: "Show this build's engine" }).click();
    await page.getByText('3 files imported · 1 engine').waitFor({ timeout: 60_000 });
    await page.getByRole('tab', { name: 'Layer timing' }).click();
    await page.getByText('conv_1 + block1_relu').first().waitFor();
    await page.screenshot({ path: path.join(SHOTS, 'trt-6-build-engine.png') });

    // Export with the engine.
    await openView(page, 'Export');
    const dialog = page.getByRole('region', { name: 'Export' });
    await dialog.getByPlaceholder('export/resnet50-int8').fill(exportDir);
    await dialog.getByRole('checkbox', { name: /TensorRT engine \(model\.engine\)/ }).check();
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    await dialog.getByText('Written to').waitFor({ timeout: 60_000 });
    await page.screenshot({ path: path.join(SHOTS, 'trt-7-exported.png') });
    const engine = path.join(exportDir, 'model.engine');
    assert.ok(existsSync(engine), 'model.engine written');
    // The fake's engine file is the ONNX it was built from: the exported strongly typed Q/DQ model.
    assert.deepEqual(readFileSync(engine), readFileSync(path.join(exportDir, 'example-convnet.qdq.onnx')));
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
  }
});
