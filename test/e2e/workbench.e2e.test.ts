/**
 * End to end: the real UI in headless Chromium against browser mode (`pwb serve`, engine in its own process) on a
 * real model from ../shared/data: open → analyse → sort by error → open the worst layer → pin it → rebuild → the
 * final metric improves → export a Q/DQ model that ONNX Runtime loads. Screenshots of each step are kept in
 * out/e2e/ (look at them).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { OrtRunner } from '../../main/engine/ort-runner';
import { repoRoot, sharedData, sharedModel } from '../helpers/paths';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = path.join(repoRoot, 'out', 'e2e');
const MODEL = sharedModel('mobilenet_v2_0.35_128_tfflowers_fp32.onnx');
const CALIBRATION = path.join(sharedData, 'images', 'calib');

let server: ChildProcess | undefined;
/** Autosaves go here, not into the user's config folder. */
let configDir = '';
let url = '';
const skip = !existsSync(CHROMIUM) ? `no Chromium at ${CHROMIUM} (.ci/run installs it)` : false;

before(async () => {
  if (skip) return;
  const build = spawnSync(process.execPath, [path.join(repoRoot, 'scripts/build-renderer.js')], { encoding: 'utf8' });
  assert.equal(build.status, 0, build.stderr);
  configDir = mkdtempSync(path.join(os.tmpdir(), 'pwb-e2e-config-'));
  server = spawn(process.execPath, [path.join(repoRoot, 'bin/pwb.js'), 'serve', MODEL, '--port', '0'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PWB_CONFIG_DIR: configDir } });
  url = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`pwb serve printed no URL: ${text}`)), 30_000);
    server!.stdout!.on('data', (chunk) => {
      text += chunk;
      const match = /open (http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(text);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    server!.on('exit', (code) => reject(new Error(`pwb serve exited (${code}): ${text}`)));
  });
  mkdirSync(SHOTS, { recursive: true });
});

after(() => {
  server?.kill('SIGTERM');
  if (configDir) rmSync(configDir, { recursive: true, force: true });
});

/** The final output's SQNR (dB) the top bar shows for the current build. */
async function topBarSqnr(page: import('playwright-core').Page): Promise<number> {
  const text = await page.locator('header, .top-bar').first().innerText();
  const match = /out cos [\d.]+ · (-?[\d.]+) dB/.exec(text);
  assert.ok(match, `no final metric in the top bar: ${text}`);
  return Number(match[1]);
}

test('open → analyse → sort → worst layer → pin → rebuild improves → export Q/DQ', { skip, timeout: 240_000 }, async () => {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const exportDir = mkdtempSync(path.join(os.tmpdir(), 'pwb-e2e-export-'));
  const pageErrors: string[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(url);

    // Open: the model path comes from `pwb serve MODEL`; choose the data, analyse (entropy calibration: with it the
    // worst layer of this model, a 1×1 conv whose ReLU6 input the KL threshold clips, is worth pinning: ≈ 12 → 15 dB).
    const modelField = page.getByPlaceholder('/models/resnet50.onnx');
    await modelField.waitFor();
    assert.equal(await modelField.inputValue(), MODEL);
    assert.equal(await page.getByLabel('Calibrator').inputValue(), 'entropy', 'TensorRT entropy calibration by default');
    await page.getByPlaceholder('/data/calib_images').fill(CALIBRATION);
    await page.getByLabel('Max samples').first().fill('16');
    await page.screenshot({ path: path.join(SHOTS, '1-start.png') });
    await page.getByRole('button', { name: 'Analyse' }).click();
    await page.locator('option', { hasText: 'build #1' }).waitFor({ state: 'attached', timeout: 120_000 });
    const before = await topBarSqnr(page);
    await page.screenshot({ path: path.join(SHOTS, '2-overview.png') });

    // Sort by error: SQNR ascending (worst first).
    await page.getByRole('link', { name: 'Layers' }).or(page.getByRole('button', { name: 'Layers' })).or(page.getByRole('tab', { name: 'Layers' })).first().click();
    const sqnrHeader = page.getByRole('columnheader', { name: /SQNR/ }).first();
    await sqnrHeader.waitFor();
    for (let i = 0; i < 3 && (await sqnrHeader.getAttribute('aria-sort')) !== 'ascending'; i++) await sqnrHeader.click();
    assert.equal(await sqnrHeader.getAttribute('aria-sort'), 'ascending');
    const firstRow = page.locator('.layer-table [role="row"]').nth(1);
    const worstName = (await firstRow.locator('.lt-name button').innerText()).trim();
    await page.screenshot({ path: path.join(SHOTS, '3-layers-sorted.png') });

    // Open the worst layer, pin it to FP16 in its detail panel, rebuild.
    await firstRow.locator('.lt-name button').click();
    const detail = page.getByRole('complementary', { name: 'Layer detail' });
    await detail.waitFor();
    assert.ok((await detail.innerText()).includes(worstName));
    await page.screenshot({ path: path.join(SHOTS, '4-worst-layer.png') });
    await detail.getByRole('radiogroup', { name: 'Precision' }).getByRole('radio', { name: 'FP16' }).click();
    await page.getByRole('button', { name: 'Rebuild' }).click();
    await page.locator('option', { hasText: 'build #2' }).waitFor({ state: 'attached', timeout: 120_000 });
    await page.locator('.job-bar, [role="progressbar"]').first().waitFor({ state: 'detached', timeout: 60_000 });
    const after = await topBarSqnr(page);
    await page.screenshot({ path: path.join(SHOTS, '5-rebuilt.png') });
    assert.ok(after > before, `final SQNR ${before} dB → ${after} dB after pinning ${worstName}`);

    // Export the Q/DQ model of the rebuilt plan.
    await page.getByRole('link', { name: 'Export' }).or(page.getByRole('button', { name: 'Export' })).or(page.getByRole('tab', { name: 'Export' })).first().click();
    const dialog = page.getByRole('region', { name: 'Export' });
    await dialog.getByPlaceholder('export/resnet50-int8').fill(exportDir);
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    await dialog.getByText('Written to').waitFor({ timeout: 60_000 });
    await page.screenshot({ path: path.join(SHOTS, '6-exported.png') });
    const qdq = path.join(exportDir, 'mobilenet_v2_0.35_128_tfflowers_fp32.qdq.onnx');
    assert.ok(existsSync(qdq), `exported ${qdq}`);
    const runner = await OrtRunner.create(new Uint8Array(readFileSync(qdq)), 'exported Q/DQ');
    await runner.release();
    const plan = JSON.parse(readFileSync(path.join(exportDir, 'plan.json'), 'utf8'));
    assert.ok(Object.values(plan.layers).some((e) => (e as { precision?: string }).precision === 'fp16'), 'the exported plan carries the pin');
    assert.deepEqual(pageErrors, []);
  } finally {
    await browser.close();
    rmSync(exportDir, { recursive: true, force: true });
  }
});

/** Engine host processes among the children of `pid` (the server may also have e.g. an esbuild service child). */
function childPids(pid: number): number[] {
  const out = spawnSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout;
  return out
    .split('\n')
    .filter((line) => line.includes('host-entry'))
    .map((line) => Number(line.trim().split(/\s+/)[0]))
    .filter((n) => n > 0);
}

test('SIGKILL of the engine host mid-analysis: the UI shows the typed crash, the host restarts, reopening works', { skip, timeout: 240_000 }, async () => {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url);
    // The first test's builds were autosaved: the start screen offers to restore them.
    await page.getByText(/Autosaved project of this model: 2 builds, plan with 1 pinned layer/).waitFor({ timeout: 15_000 });
    await page.getByPlaceholder('/data/calib_images').fill(CALIBRATION);
    await page.getByLabel('Max samples').first().fill('200');
    const hostsBefore = childPids(server!.pid!);
    assert.equal(hostsBefore.length, 1, `one engine host process (${hostsBefore.join(', ')})`);
    await page.getByRole('button', { name: 'Analyse' }).click();
    await page.waitForTimeout(1500);
    process.kill(hostsBefore[0], 'SIGKILL');
    const banner = page.getByText(/The engine stopped \(killed by SIGKILL\)/).first();
    await banner.waitFor({ timeout: 30_000 });
    const text = await page.locator('body').innerText();
    assert.match(text, /SIGKILL|killed/i, 'the crash reason is shown');
    await page.screenshot({ path: path.join(SHOTS, '7-host-crashed.png') });
    // A new host is up; the same analysis runs to the end on it.
    for (let i = 0; i < 50 && childPids(server!.pid!).filter((p) => p !== hostsBefore[0]).length === 0; i++) await page.waitForTimeout(200);
    assert.equal(childPids(server!.pid!).filter((p) => p !== hostsBefore[0]).length, 1, 'the engine host was restarted');
    await page.getByLabel('Max samples').first().fill('8');
    await page.getByRole('button', { name: 'Analyse' }).click();
    await page.locator('option', { hasText: 'build #1' }).waitFor({ state: 'attached', timeout: 120_000 });
    await page.screenshot({ path: path.join(SHOTS, '8-after-restart.png') });
  } finally {
    await browser.close();
  }
});
