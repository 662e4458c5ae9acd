/**
 * Screenshots of the TensorRT view, light and dark, into scratch/screens/trt-*.png (gitignored). The demo host
 * answers `trtImport` with a real import (test/renderer/fixtures/trt-fixture.ts) of the shared TensorRT files, made
 * here at screenshot time. A second demo acts as a machine with TensorRT whose builds ran on a TensorRT engine
 * (trt-<theme>-backend-*.png: start screen, overview with the wider-than-planned count, the layer table's engine
 * columns and its fused rows, a layer's TensorRT block, "Show this build's engine").
 * Not a test: a way to look at the UI. `node --import tsx test/renderer/take-trt-screenshots.ts [light|dark]`
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { buildRenderer, launchChromium, openDemoPage, serveRenderer } from '../../scripts/paint-bench';
import { fixtureDemoData, fixtureTensorRtDemoData, fixtureWiderLayers } from './fixtures/build-view-fixture';
import { trtFixture } from './fixtures/trt-fixture';

const out = path.resolve('scratch/screens');
mkdirSync(out, { recursive: true });
buildRenderer();
const demo = { ...fixtureDemoData({ layers: 200 }), trtImport: trtFixture({ withPlan: true }) };
const { server, url } = await serveRenderer(JSON.stringify(demo));
/**
 * Demo of a machine with TensorRT 10.16.1: every build ran on an engine that fused the fixture's uncompared layers
 * away, linked each layer to its engine layer, and ran three layers wider than planned (fixtureWiderLayers).
 */
const trtDemo = {
  ...fixtureTensorRtDemoData({ layers: 200 }),
  trtImport: demo.trtImport,
  tensorRt: { available: true, version: '10.16.1', addonFile: 'native/build/Release/pwb_trt.node', code: null, reason: null },
  trtBuildArtifacts: trtFixture({ withPlan: true }),
};
/** A layer that ran FP32 where INT8 was asked (its detail is in the demo data). */
const widerLayer = [...fixtureWiderLayers(trtDemo.builds[0].view)].find(([, p]) => p === 'fp32')![0];
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
    // The overview's "3 layers ran wider than planned" opens the table filtered to them.
    await overview.locator('.wider-note button').click();
    await overview.waitForSelector('.lt-row');
    await shot(overview, `${theme}-backend-wider-filter`);
    await overview.locator('.chip.wider').click();
    await overview.getByRole('columnheader', { name: 'Ran as' }).click();
    await shot(overview, `${theme}-backend-layers`);
    await overview.locator('.lt-body').evaluate((el) => el.scrollTo(el.scrollWidth, 0));
    await shot(overview, `${theme}-backend-engine-columns`);
    await overview.locator('.lt-body').evaluate((el) => el.scrollTo(0, 0));
    await overview.locator(`.lt-row[data-layer-id="${widerLayer}"]`).dblclick();
    await overview.waitForSelector('.engine-block');
    await shot(overview, `${theme}-backend-detail`);
    await overview.getByRole('button', { name: 'Close detail' }).click();
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
