/**
 * Screenshots of the TensorRT view, light and dark, into scratch/screens/trt-*.png (gitignored). The demo host
 * answers `trtImport` with a real import (test/renderer/fixtures/trt-fixture.ts) of the shared TensorRT files, made
 * here at screenshot time. A second demo acts as a machine with TensorRT whose builds ran on a TensorRT engine
 * (trt-<theme>-backend-*.png: start screen, overview, fused layers, "Show this build's engine").
 * Not a test: a way to look at the UI. `node --import tsx test/renderer/take-trt-screenshots.ts [light|dark]`
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { buildRenderer, launchChromium, openDemoPage, serveRenderer } from '../../scripts/paint-bench';
import { fixtureDemoData } from './fixtures/build-view-fixture';
import { trtFixture } from './fixtures/trt-fixture';

const out = path.resolve('scratch/screens');
mkdirSync(out, { recursive: true });
buildRenderer();
const demo = { ...fixtureDemoData({ layers: 200 }), trtImport: trtFixture({ withPlan: true }) };
const { server, url } = await serveRenderer(JSON.stringify(demo));
/** Demo of a machine with TensorRT 10.16.1: every build ran on an engine that fused the fixture's uncompared layers away. */
const fusedCount = demo.builds[0].view.layers.filter((r) => r.mse === null && r.cosineSimilarity === null).length;
const trtDemo = {
  ...demo,
  startup: { ...demo.startup, autoOpen: demo.startup.autoOpen ? { ...demo.startup.autoOpen, backend: 'tensorrt' as const } : null },
  builds: demo.builds.map((b) => ({ ...b, view: { ...b.view, settings: { ...b.view.settings, emulation: 'TensorRT strongly typed engine (Q/DQ + float16)', backend: { name: 'tensorrt' as const, version: '10.16.1', layersWithoutOutput: fusedCount } } } })),
  tensorRt: { available: true, version: '10.16.1', addonFile: 'native/build/Release/pwb_trt.node', code: null, reason: null },
  trtBuildArtifacts: trtFixture({ withPlan: true }),
};
const trtServer = await serveRenderer(JSON.stringify(trtDemo));
const browser = await launchChromium();
const themes = process.argv[2] ? [process.argv[2]] : ['light', 'dark'];

const open = (theme: string, params: string): Promise<Page> => openDemoPage(browser, url, theme, params);

async function shot(page: Page, name: string, fullPage = false) {
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(out, `trt-${name}.png`), fullPage });
  console.log(`trt-${name}.png`);
}

try {
  for (const theme of themes) {
    const page = await open(theme, 'view=trt');
    await page.waitForSelector('.trt-import');
    await shot(page, `${theme}-empty`);
    await page.getByLabel('Files or folders, one per line').fill('/data/trt/nvidia-trt-cookbook-trtexec-trt10.16/result-02.log\n/data/trt/nvidia-trex-pytorch-resnet18-a100');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.waitForSelector('.trt-summary', { timeout: 10_000 });
    await shot(page, `${theme}-tactics`);
    // The kept combination of node_conv2d_1 + node_relu_1 has 374 candidates (a virtualized table).
    await page.getByLabel('Filter layers by name').fill('conv2d_1');
    await page.locator('.content').evaluate((el) => el.scrollTo(0, 560));
    await shot(page, `${theme}-tactics-filtered`);
    await page.getByRole('tab', { name: 'Layer timing' }).click();
    await page.getByLabel('Engine', { exact: true }).selectOption({ index: 1 });
    await page.locator('.content').evaluate((el) => el.scrollTo(0, 330));
    await shot(page, `${theme}-timing`);
    await page.getByRole('tab', { name: 'Precision vs plan' }).click();
    await page.locator('.content').evaluate((el) => el.scrollTo(0, 330));
    await shot(page, `${theme}-precision`);
    await page.getByRole('tab', { name: 'Engine diff' }).click();
    await page.locator('.content').evaluate((el) => el.scrollTo(0, 330));
    await shot(page, `${theme}-diff`);
    await page.close();

    const start = await openDemoPage(browser, trtServer.url, theme, 'autoopen=0');
    await start.waitForSelector('.backend-choice');
    await start.getByLabel('TensorRT 10.16.1 — real engine on this GPU').check();
    await shot(start, `${theme}-backend-start`);
    await start.close();
    const overview = await openDemoPage(browser, trtServer.url, theme, 'view=overview');
    await overview.waitForSelector('.backend-row');
    await shot(overview, `${theme}-backend-overview`);
    await overview.getByRole('tab', { name: 'Layers' }).click();
    await overview.waitForSelector('.lt-row');
    await overview.getByRole('columnheader', { name: '#' }).click();
    await overview.locator('.lt-body').evaluate((el) => el.scrollTo(0, 40 * 28));
    await shot(overview, `${theme}-backend-fused-rows`);
    await overview.getByRole('tab', { name: 'TensorRT' }).click();
    await overview.waitForSelector('.trt-status button');
    await shot(overview, `${theme}-backend-engine-offer`);
    await overview.getByRole('button', { name: "Show this build's engine" }).click();
    await overview.waitForSelector('.trt-origin', { timeout: 10_000 });
    await shot(overview, `${theme}-backend-engine`);
    await overview.close();
  }
} finally {
  await browser.close();
  server.close();
  trtServer.server.close();
}
