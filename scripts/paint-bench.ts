/**
 * Paint benchmark of the renderer: first paint of the layer table and of the heatmap for a 2,000-layer BuildView in
 * headless Chromium. Serves renderer/dist with a tiny static server and the synthetic fixture as /demo.json; the
 * page runs the labelled DEMO host (renderer/src/host/demo-host.ts, `?demo=`), which answers from that file with no
 * latency. paint = the slower of (build received → table rows painted) and (build received → heatmap drawn),
 * median of a few page loads. bytes-per-layer = JSON bytes of one LayerRow + one heatmap row.
 *
 *   node --import tsx scripts/paint-bench.ts      prints "paint <ms>" and "bytes-per-layer <n>"
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { bytesPerLayer, fixtureDemoData } from '../test/renderer/fixtures/build-view-fixture';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'renderer', 'dist');
const LAYERS = 2000;
const RUNS = 5;

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.map': 'application/json', '.json': 'application/json' };

/** Serves renderer/dist on 127.0.0.1 (ephemeral port) plus /demo.json. */
export async function serveRenderer(demoJson: string): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    if (pathname === '/demo.json') {
      response.writeHead(200, { 'content-type': TYPES['.json'], 'cache-control': 'no-store' });
      response.end(demoJson);
      return;
    }
    const file = path.join(dist, pathname === '/' ? 'index.html' : pathname);
    if (!file.startsWith(dist + path.sep) || !existsSync(file)) {
      response.writeHead(404).end('not found');
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A 1440×900 page on the demo host at `url`, page errors printed (screenshot scripts). */
export async function openDemoPage(browser: Browser, url: string, theme: string, params: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  page.on('pageerror', (e) => console.error(`page error: ${e}`));
  page.on('console', (m) => m.type() === 'error' && console.error(`console: ${m.text()}`));
  await page.goto(`${url}/?demo=/demo.json&latency=300&theme=${theme}&${params}`);
  return page;
}

export function buildRenderer(): void {
  const result = spawnSync(process.execPath, [path.join(root, 'scripts', 'build-renderer.js')], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error('renderer build failed');
}

/** ms from 'pwb:build-received' to `mark`, waiting for the mark to appear. */
async function measure(browser: Browser, url: string, mark: string): Promise<number> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  try {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url);
    await page.waitForFunction((m) => performance.getEntriesByName(m).length > 0, mark, { timeout: 30_000 }).catch(() => {
      throw new Error(`no '${mark}' mark within 30 s${errors.length ? `: ${errors.join('; ')}` : ''}`);
    });
    return await page.evaluate((m) => performance.getEntriesByName(m)[0].startTime - performance.getEntriesByName('pwb:build-received')[0].startTime, mark);
  } finally {
    await page.close();
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export async function runPaintBench(): Promise<{ paintMs: number; bytesPerLayer: number; tableMs: number; heatmapMs: number }> {
  buildRenderer();
  const demo = fixtureDemoData({ layers: LAYERS });
  const perLayer = bytesPerLayer(demo.builds[0].view, demo.heatmaps['1']);
  const { server, url } = await serveRenderer(JSON.stringify(demo));
  const browser = await launchChromium();
  try {
    const table: number[] = [];
    const heatmap: number[] = [];
    await measure(browser, `${url}/?demo=/demo.json&latency=0&view=layers&theme=light`, 'pwb:table-painted'); // warm-up (disk cache, JIT)
    for (let i = 0; i < RUNS; i++) {
      table.push(await measure(browser, `${url}/?demo=/demo.json&latency=0&view=layers&theme=light`, 'pwb:table-painted'));
      heatmap.push(await measure(browser, `${url}/?demo=/demo.json&latency=0&view=heatmap&theme=light`, 'pwb:heatmap-painted'));
    }
    const tableMs = median(table);
    const heatmapMs = median(heatmap);
    return { paintMs: Math.max(tableMs, heatmapMs), bytesPerLayer: Math.round(perLayer), tableMs, heatmapMs };
  } finally {
    await browser.close();
    server.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const result = await runPaintBench();
  console.log(`paint ${result.paintMs.toFixed(0)}`);
  console.log(`bytes-per-layer ${result.bytesPerLayer}`);
  console.error(`(${LAYERS} layers, median of ${RUNS}: table ${result.tableMs.toFixed(0)} ms, heatmap ${result.heatmapMs.toFixed(0)} ms, target ≤ 300 ms)`);
}
