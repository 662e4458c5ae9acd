/**
 * Screenshots of every view with the 2,000-layer demo data, light and dark, into scratch/screens/ (gitignored).
 * Not a test: a way to look at the UI. `node --import tsx test/renderer/take-screenshots.ts [light|dark]`
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { buildRenderer, launchChromium, openDemoPage, serveRenderer } from '../../scripts/paint-bench';
import { fixtureDemoData } from './fixtures/build-view-fixture';

const out = path.resolve('scratch/screens');
mkdirSync(out, { recursive: true });
buildRenderer();
const demo = fixtureDemoData({ layers: 2000 });
const worst = [...demo.builds[0].view.layers].filter((r) => r.role === 'weighted' && r.sqnrDb !== null).sort((a, b) => a.sqnrDb! - b.sqnrDb!)[0];
const { server, url } = await serveRenderer(JSON.stringify(demo));
const browser = await launchChromium();
const themes = process.argv[2] ? [process.argv[2]] : ['light', 'dark'];

const open = (theme: string, params: string): Promise<Page> => openDemoPage(browser, url, theme, params);

async function shot(page: Page, name: string) {
  await page.waitForTimeout(400);
  await page.screenshot({ path: path.join(out, `${name}.png`) });
  console.log(`${name}.png`);
}

try {
  for (const theme of themes) {
    let page = await open(theme, 'autoopen=0');
    await page.getByPlaceholder('/models/resnet50.onnx').fill('/models/vision/backbone-2k.onnx');
    await page.getByPlaceholder('/data/calib_images').fill('/data/calib');
    await page.getByRole('button', { name: 'Preview a sample' }).click();
    await page.waitForSelector('.sample-preview');
    await shot(page, `${theme}-start`);
    await page.getByRole('button', { name: 'Analyse' }).click();
    await page.waitForSelector('.job-bar');
    await shot(page, `${theme}-analysing`);
    await page.waitForSelector('.overview', { timeout: 10_000 });
    await shot(page, `${theme}-overview`);
    await page.close();

    page = await open(theme, 'view=layers');
    await page.waitForSelector('.lt-row');
    await page.locator('.lt-row').nth(1).click();
    await page.locator('.lt-row').nth(3).click({ modifiers: ['Shift'] });
    await page.getByRole('button', { name: 'Pin worst' }).click();
    await shot(page, `${theme}-layers`);
    await page.close();

    page = await open(theme, `view=layers&detail=${encodeURIComponent(worst.id)}`);
    await page.waitForSelector('.detail-panel .recharts-surface');
    await shot(page, `${theme}-detail`);
    await page.close();

    page = await open(theme, 'view=heatmap');
    await page.waitForSelector('.heatmap-canvas');
    const box = (await page.locator('.heatmap-canvas').boundingBox())!;
    await page.mouse.move(box.x + 420, box.y + 160);
    for (let i = 0; i < 8; i++) await page.mouse.wheel(0, -250);
    await page.mouse.move(box.x + 420, box.y + 170);
    await shot(page, `${theme}-heatmap`);
    await page.close();

    page = await open(theme, 'view=graph');
    await page.waitForSelector('.graph-box canvas', { timeout: 60_000 });
    await shot(page, `${theme}-graph`);
    await page.close();

    page = await open(theme, 'view=layers');
    await page.waitForSelector('.lt-row');
    await page.getByLabel('How many layers to pin').fill('8');
    await page.getByRole('button', { name: 'Pin worst' }).click();
    await page.getByRole('button', { name: 'Rebuild' }).click();
    await page.waitForSelector('.job-bar', { state: 'detached' });
    await page.getByRole('tab', { name: 'History' }).click();
    await page.getByRole('button', { name: 'Compare A → B' }).click();
    await page.waitForSelector('.build-diff');
    await shot(page, `${theme}-history-diff`);
    await page.getByRole('tab', { name: 'Export' }).click();
    await page.getByPlaceholder('export/resnet50-int8').fill('out/export/backbone-int8');
    await page.getByRole('button', { name: 'Export', exact: true }).click();
    await page.waitForSelector('.export-result');
    await shot(page, `${theme}-export`);
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
