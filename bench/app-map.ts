// The app's embedding map in headless Chromium (Debian's, software WebGL): for N points (default
// 100k and 1M; a 16-d embedding in 12 clusters, coloured by a 12-value label), the time from opening
// the map to the points drawn (the layout already computed on the server: shipped as float32 and
// drawn), the frame time while zooming (the mean interval between animation frames during a burst of
// wheel events), and the server's time to filter by a lasso polygon (`in polygon`, through inject).
// Screenshots: test/e2e/artifacts/map-bench-N(-zoomed).png.
// `npm run bench -- app-map [--rows 100000,1000000] [--quick]`
import type { Page } from 'playwright-core';
import { DataFrame, TensorColumn } from '../src/index.js';
import { launchChromium } from '../src/node/browser.js';
import { serveApp } from '../src/node/server/index.js';
import { artifact, ensureUiBuilt } from '../test/e2e/browser.js';
import { countsOption } from './lib/args.js';
import { load, machine } from './lib/results.js';

const DIMS = 16;
const CLUSTERS = 12;

function frame(rows: number): DataFrame {
  const emb = new Float32Array(rows * DIMS);
  let s = 1;
  const random = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647 - 0.5;
  };
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < DIMS; j++)
      emb[i * DIMS + j] = Math.sin((i % CLUSTERS) * 1.9 + j * 0.7) * 3 + random();
  return new DataFrame({
    label: Array.from({ length: rows }, (_, i) => `c${i % CLUSTERS}`),
    emb: new TensorColumn(emb, [DIMS]),
  });
}

/** Mean and p95 of the intervals between animation frames during `wheels` wheel events over the canvas. */
async function frameTimes(page: Page, wheels: number): Promise<{ mean: number; p95: number }> {
  const box = await (await page.$('[data-testid="map-canvas"]'))!.boundingBox();
  await page.mouse.move(box!.x + box!.width / 2, box!.y + box!.height / 2);
  // A string, not a function: tsx would wrap a function's inner names in a helper the page lacks.
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__recording = true;
    const tick = (t) => {
      window.__frames.push(t);
      if (window.__recording) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  })()`);
  for (let k = 0; k < wheels; k++) await page.mouse.wheel(0, k < wheels / 2 ? -60 : 60);
  const stamps = (await page.evaluate(
    '(() => { window.__recording = false; return window.__frames; })()',
  )) as number[];
  const gaps = stamps.slice(1).map((t, i) => t - stamps[i]);
  gaps.sort((a, b) => a - b);
  const mean = gaps.reduce((a, b) => a + b, 0) / Math.max(1, gaps.length);
  return { mean, p95: gaps[Math.min(gaps.length - 1, Math.floor(0.95 * gaps.length))] ?? Number.NaN };
}

export async function main(args: string[]): Promise<void> {
  const sizes = args.includes('--quick') ? [20_000] : countsOption(args, '--rows', [100_000, 1_000_000]);
  await ensureUiBuilt();
  const browser = await launchChromium();
  const f = (x: number) => `${x.toFixed(0)} ms`;
  console.log('embedding map in headless Chromium (software WebGL), 1280×720');
  console.log(
    '| points | PCA on the server | opened to drawn (layout cached) | frame while zooming, mean / p95 | lasso filter (server) |',
  );
  console.log('|---|---|---|---|---|');
  try {
    for (const rows of sizes) {
      const running = await serveApp(frame(rows));
      let t = performance.now();
      const layout = await running.app.inject({ url: '/api/map/emb?method=pca' });
      if (layout.statusCode !== 200) throw new Error(layout.body);
      const pca = performance.now() - t;
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      t = performance.now();
      await page.goto(`${running.url}#view=map&map=emb&color=label`);
      await page.waitForSelector('[data-testid="map-canvas"][data-drawn="true"]', { timeout: 120_000 });
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
      const opened = performance.now() - t;
      await page.screenshot({ path: artifact(`map-bench-${rows}`) });
      const frames = await frameTimes(page, 30);
      // Zoomed in on a cluster's edge: the points themselves, once the view settled.
      await page.mouse.move(293, 275); // a cluster, in the 1280×720 page of this data
      for (let k = 0; k < 12; k++) await page.mouse.wheel(0, -100);
      await page.waitForTimeout(800);
      await page.screenshot({ path: artifact(`map-bench-${rows}-zoomed`) });
      // A lasso of 64 vertices around a third of the layout.
      const xy = new Float32Array(new Uint8Array(layout.rawPayload).buffer);
      let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
      for (let k = 0; k < rows; k++) {
        minX = Math.min(minX, xy[2 * k]);
        maxX = Math.max(maxX, xy[2 * k]);
        minY = Math.min(minY, xy[2 * k + 1]);
        maxY = Math.max(maxY, xy[2 * k + 1]);
      }
      const polygon = Array.from({ length: 64 }, (_, k) => {
        const a = (2 * Math.PI * k) / 64;
        return [
          minX + (maxX - minX) * (0.35 + 0.3 * Math.cos(a)),
          minY + (maxY - minY) * (0.5 + 0.3 * Math.sin(a)),
        ];
      });
      t = performance.now();
      const view = await running.app.inject({
        method: 'POST',
        url: '/api/views',
        payload: { filter: { column: 'emb.map.pca', op: 'in polygon', value: polygon } },
      });
      const lasso = performance.now() - t;
      if (view.statusCode !== 201) throw new Error(view.body);
      console.log(
        `| ${rows.toLocaleString('en-US')} | ${f(pca)} | ${f(opened)} | ${f(frames.mean)} / ${f(frames.p95)} | ${f(lasso)} (${view.json().rows.toLocaleString('en-US')} rows) |`,
      );
      await page.close();
      await running.close();
    }
  } finally {
    await browser.close();
  }
  console.log(`machine: ${machine()}; load average ${load()}`);
}
