// The table's tensor sparklines from previews in real headless Chromium: a 512-d float32 column's
// row windows are asked for with `preview=64` (64 [min, max] pairs per row, not 512 values), the
// sparklines still draw across their width and keep a single-value spike at their top, and the
// row detail, which fetches the full values, shows the row's true max (a loop over the values).
// Screenshot: test/e2e/artifacts/tensor-preview.png.

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { DataFrame, TensorColumn } from '../../src/index.js';
import { type RunningApp, serveApp } from '../../src/node/server/index.js';
import { needs } from '../helpers/references.js';
import { artifact, ensureUiBuilt, launchChromium } from './browser.js';

const ROWS = 30;
const DIM = 512;
const SPIKE = 301;
const value = (i: number, k: number) => Math.fround(Math.sin(i / 4 + k / 9) + (k === SPIKE ? 6 : 0));

/** Per sparkline canvas: its width, how many pixel columns have ink, and the topmost inked row. */
function sparklines(page: Page) {
  return page.$$eval('.cell[data-col="vec"] canvas', (canvases) =>
    canvases.map((c) => {
      const canvas = c as HTMLCanvasElement;
      const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      const inked = new Set<number>();
      let top = canvas.height;
      for (let y = 0; y < canvas.height; y++)
        for (let x = 0; x < canvas.width; x++)
          if (px[(y * canvas.width + x) * 4 + 3] > 60) {
            inked.add(x);
            top = Math.min(top, y);
          }
      return { width: canvas.width, height: canvas.height, inked: inked.size, top };
    }),
  );
}

const chromium = needs('chromium');

chromium.describe('tensor previews in Chromium', () => {
  let browser: Browser;
  let served: RunningApp;
  let page: Page;
  const windows: string[] = [];

  beforeAll(async () => {
    const [b] = await Promise.all([launchChromium(), ensureUiBuilt()]);
    browser = b;
    const data = new Float32Array(ROWS * DIM);
    for (let i = 0; i < ROWS; i++) for (let k = 0; k < DIM; k++) data[i * DIM + k] = value(i, k);
    served = await serveApp(
      new DataFrame({
        id: Int32Array.from({ length: ROWS }, (_, i) => i),
        vec: new TensorColumn(data, [DIM]),
      }),
    );
    page = await browser.newPage({ viewport: { width: 1100, height: 600 } });
    page.on('pageerror', (e) => console.error('page error:', e));
    page.on('request', (r) => {
      if (r.url().includes('/api/rows?')) windows.push(r.url());
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  chromium.it('draws sparklines from 64-bucket previews; the row detail has the full values', async () => {
    await page.goto(served.url);
    await page.waitForSelector('.body .row[data-row="0"] canvas[data-tensor-plot="sparkline"]', {
      timeout: 20_000,
    });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    expect(windows.length).toBeGreaterThan(0);
    for (const url of windows) expect(new URL(url).searchParams.get('preview'), url).toBe('64');
    expect(await page.textContent('.body .row[data-row="0"] .cell[data-col="vec"]')).toContain('512 float32');

    const lines = await sparklines(page);
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines) {
      expect(l.inked).toBeGreaterThan(l.width * 0.8);
      // The spike is each row's max: drawn at the top (the line's padding, and its width, below it).
      expect(l.top).toBeLessThan(l.height * 0.15);
    }
    await page.screenshot({ path: artifact('tensor-preview') });

    windows.length = 0;
    const row = 3;
    await page.click(`.body .row[data-row="${row}"] .cell[data-col="id"]`);
    await page.waitForSelector('[data-testid="detail"] [data-detail-col="vec"] [data-tensor-stats] b');
    const stats = await page.$$eval(
      '[data-testid="detail"] [data-detail-col="vec"] [data-tensor-stats] b',
      (bs) => bs.map((b) => Number(b.textContent)),
    );
    const values = Array.from({ length: DIM }, (_, k) => value(row, k));
    expect(stats[0]).toBeCloseTo(Math.min(...values), 3);
    expect(stats[1]).toBeCloseTo(Math.max(...values), 3);
    const mean = values.reduce((a, b) => a + b, 0) / DIM;
    expect(Math.abs(stats[2] - mean)).toBeLessThan(Math.abs(mean) * 1e-3 + 1e-4);
    const detailWindows = windows.filter((u) => new URL(u).searchParams.get('end') === String(row + 1));
    expect(detailWindows.length).toBeGreaterThan(0);
    for (const url of detailWindows) expect(new URL(url).searchParams.has('preview'), url).toBe(false);
  });
});
