// The embedding map in real headless Chromium (software WebGL) on the demo dataset: the PCA layout
// drawn (coloured pixels on the canvas, not a blank one), coloured by label with a legend whose
// counts are the frame's own, a lasso drawn with the mouse, whose polygon (read back from the URL)
// selects exactly the rows a naive ray casting over the layout finds, and the table then showing
// only those rows. Screenshots go to test/e2e/artifacts/.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect } from 'vitest';
import { buildDemoDataset, type DemoDataset } from '../../src/cli/demo-dataset.js';
import { DataFrame, TensorColumn } from '../../src/index.js';
import { type RunningApp, serveApp } from '../../src/node/server/index.js';
import { needs } from '../helpers/references.js';
import { artifact, ensureUiBuilt, launchChromium } from './browser.js';
import { drawLasso, naiveInside, waitDrawn } from './map-page.js';

const IMAGES = 80;
/** Rows of the large map: past the point budget, so it is drawn as density cells. */
const BIG = 200_000;

/** Pixels of a PNG that are not (near) white, and how many distinct coarse colours they have. */
async function inkOf(png: Buffer): Promise<{ ink: number; colours: number }> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  let ink = 0;
  const colours = new Set<number>();
  for (let i = 0; i < info.width * info.height; i++) {
    const [r, g, b] = [data[3 * i], data[3 * i + 1], data[3 * i + 2]];
    if (r > 235 && g > 235 && b > 235) continue;
    ink++;
    colours.add(((r >> 5) << 6) | ((g >> 5) << 3) | (b >> 5));
  }
  return { ink, colours: colours.size };
}

/** The centre of the first point found on a canvas screenshot (scanning rows for a coloured pixel). */
async function somePoint(png: Buffer): Promise<{ x: number; y: number }> {
  const { data, info } = await sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  for (let y = 0; y < info.height; y++)
    for (let x = 0; x < info.width; x++) {
      const i = 3 * (y * info.width + x);
      if (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200) return { x, y: y + 3 };
    }
  throw new Error('no point on the canvas');
}

const chromium = needs('chromium');

chromium.describe('the embedding map in Chromium', () => {
  let browser: Browser;
  let running: RunningApp;
  let page: Page;
  let demo: DemoDataset;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-map-e2e-'));

  beforeAll(async () => {
    const [b, built] = await Promise.all([launchChromium(), buildDemoDataset(root, IMAGES), ensureUiBuilt()]);
    browser = b;
    demo = built;
    running = await serveApp(demo.dataset, { mediaRoots: [demo.media] });
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    page.on('pageerror', (e) => console.error('page error:', e));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  chromium.it(
    'draws the PCA layout of the embeddings and colours it by label',
    async () => {
      await page.goto(running.url);
      await page.click('[data-testid="switch-map"]');
      await page.waitForFunction(() => window.location.hash.includes('view=map'));
      await waitDrawn(page, 30_000);
      expect(await page.textContent('[data-testid="map-count"]')).toBe(`${IMAGES} points`);
      const canvas = await page.$('[data-testid="map-canvas"]');
      const plain = await inkOf(await canvas!.screenshot());
      await page.screenshot({ path: artifact('map-pca') });
      // IMAGES points of several pixels each: far more than a blank canvas's none.
      expect(plain.ink).toBeGreaterThan(IMAGES * 4);

      await page.selectOption('[data-testid="map-color"]', 'label');
      await page.waitForFunction(() => window.location.hash.includes('color=label'));
      await page.waitForSelector('[data-testid="map-legend"] .legend-item');
      await waitDrawn(page, 30_000);
      const labels = demo.frame.column('label').toArray() as string[];
      const expected = [...new Set(labels)].sort().map((l) => `${l} ${labels.filter((x) => x === l).length}`);
      const legend = await page.$$eval('[data-testid="map-legend"] .legend-item', (items) =>
        items.map((i) => i.textContent?.trim().replace(/\s+/g, ' ')),
      );
      expect(legend).toEqual(expected);
      const coloured = await inkOf(await canvas!.screenshot());
      await page.screenshot({ path: artifact('map-by-label') });
      expect(coloured.ink).toBeGreaterThan(IMAGES * 4);
      // One colour per label (and their anti-aliased edges): more than the single blue.
      expect(coloured.colours).toBeGreaterThan(plain.colours);

      // Hovering a point shows its row, fetched then.
      const box = await canvas!.boundingBox();
      const point = await somePoint(await canvas!.screenshot());
      await page.mouse.move(box!.x + point.x, box!.y + point.y);
      await page.waitForSelector('[data-testid="map-hover"] [data-cell="id"]', { timeout: 10_000 });
      const row = Number(
        (await page.textContent('[data-testid="map-hover"] [data-hover-row]'))?.replace(/\D/g, ''),
      );
      const ids = demo.frame.column('id').toArray() as number[];
      const labelShown = await page.textContent('[data-testid="map-hover"] [data-cell="label"]');
      expect(await page.textContent('[data-testid="map-hover"] [data-cell="id"]')).toBe(String(ids[row]));
      expect(labelShown).toBe(labels[row]);
      await page.screenshot({ path: artifact('map-hover') });
      await page.mouse.move(box!.x + 2, box!.y + 2);
    },
    60_000,
  );

  chromium.it(
    'turns a lasso drawn with the mouse into a polygon filter: the table shows exactly the rows inside',
    async () => {
      await drawLasso(page);
      await page.screenshot({ path: artifact('map-lasso') });

      const hash = new URLSearchParams((await page.evaluate(() => window.location.hash)).slice(1));
      expect(hash.get('lasso')).toBe('embedding.map.pca');
      const numbers = (hash.get('poly') as string).split(',').map(Number);
      const polygon = Array.from({ length: numbers.length / 2 }, (_, i) => [
        numbers[2 * i],
        numbers[2 * i + 1],
      ]);
      expect(polygon.length).toBeGreaterThanOrEqual(3);
      // The layout as the server sends it, and the rows inside by a naive ray casting.
      const response = await fetch(new URL('api/map/embedding?method=pca', running.url));
      const xy = new Float32Array(await response.arrayBuffer());
      const inside = Array.from({ length: IMAGES }, (_, i) => i).filter((i) =>
        naiveInside(xy[2 * i], xy[2 * i + 1], polygon),
      );
      expect(inside.length).toBeGreaterThan(0);
      expect(inside.length).toBeLessThan(IMAGES);
      expect(Number(await page.textContent('[data-testid="map-selected"]'))).toBe(inside.length);

      // The gallery shows the same rows.
      await page.click('[data-testid="map-show-gallery"]');
      await page.waitForFunction(
        ([n, total]) =>
          document.querySelector('[data-testid="row-count"]')?.textContent === `${n} of ${total} rows`,
        [inside.length, IMAGES],
      );
      await page.click('[data-testid="switch-map"]');
      await waitDrawn(page, 30_000);
      await page.click('[data-testid="map-show-table"]');
      await page.waitForSelector('[data-testid="row-count"]');
      await page.waitForFunction(
        ([n, total]) =>
          document.querySelector('[data-testid="row-count"]')?.textContent === `${n} of ${total} rows`,
        [inside.length, IMAGES],
      );
      await page.waitForFunction(() => document.querySelector('.body .row .pending') === null);
      const ids = await page.$$eval('.body .row [data-col="id"]', (cells) =>
        cells.map((c) => Number(c.textContent)),
      );
      expect(ids.length).toBeGreaterThan(0);
      const ids0 = demo.frame.column('id').toArray() as number[];
      for (const id of ids) expect(inside).toContain(ids0.indexOf(id));
      expect(ids).toEqual(inside.slice(0, ids.length).map((i) => ids0[i]));
      await page.screenshot({ path: artifact('map-lasso-table') });
      // The selection shows in the filter bar like a rule, and goes with its ×.
      await page.click('[data-testid="filter-region"] .remove');
      await page.waitForFunction(
        () => document.querySelector('[data-testid="row-count"]')?.textContent === '80 rows',
      );
      await page.waitForFunction(() => !window.location.hash.includes('poly='));
    },
    60_000,
  );

  chromium.it(
    'draws a map past the point budget as density cells, and a lasso over it filters as a naive ray casting',
    async () => {
      const emb = new Float32Array(BIG * 4);
      for (let i = 0; i < BIG; i++)
        for (let j = 0; j < 4; j++)
          emb[i * 4 + j] = Math.sin((i % 7) * 2.1 + j) * 4 + Math.sin(i * 12.9898 + j * 78.233);
      const big = await serveApp(
        new DataFrame({ id: Int32Array.from({ length: BIG }, (_, i) => i), emb: new TensorColumn(emb, [4]) }),
      );
      try {
        const bigPage = await browser.newPage({ viewport: { width: 1280, height: 720 } });
        await bigPage.goto(`${big.url}#view=map`);
        await waitDrawn(bigPage, 30_000);
        const canvas = await bigPage.$('[data-testid="map-canvas"]');
        expect((await inkOf(await canvas!.screenshot())).ink).toBeGreaterThan(2000);
        await bigPage.screenshot({ path: artifact('map-big') });
        await bigPage.click('[data-testid="map-lasso"]');
        const box = (await canvas!.boundingBox())!;
        const [cx, cy, rx, ry] = [
          box.x + box.width / 2,
          box.y + box.height / 2,
          box.width * 0.3,
          box.height * 0.3,
        ];
        await bigPage.mouse.move(cx + rx, cy);
        await bigPage.mouse.down();
        for (let k = 1; k <= 32; k++) {
          const a = (2 * Math.PI * k) / 32;
          await bigPage.mouse.move(cx + rx * Math.cos(a), cy + ry * Math.sin(a), { steps: 2 });
        }
        await bigPage.mouse.up();
        await bigPage.waitForFunction(() =>
          /\d/.test(document.querySelector('[data-testid="map-selected"]')?.textContent ?? ''),
        );
        const hash = new URLSearchParams((await bigPage.evaluate(() => window.location.hash)).slice(1));
        const numbers = (hash.get('poly') as string).split(',').map(Number);
        const polygon = Array.from({ length: numbers.length / 2 }, (_, i) => [
          numbers[2 * i],
          numbers[2 * i + 1],
        ]);
        const xy = new Float32Array(
          await (await fetch(new URL('api/map/emb?method=pca', big.url))).arrayBuffer(),
        );
        let inside = 0;
        for (let i = 0; i < BIG; i++) if (naiveInside(xy[2 * i], xy[2 * i + 1], polygon)) inside++;
        expect(inside).toBeGreaterThan(0);
        const shown = (await bigPage.textContent('[data-testid="map-selected"]')) as string;
        expect(Number(shown.replace(/,/g, ''))).toBe(inside);
        await bigPage.screenshot({ path: artifact('map-big-lasso') });
        await bigPage.close();
      } finally {
        await big.close();
      }
    },
    90_000,
  );

  chromium.it(
    'computes a UMAP layout on the server, showing its progress, and draws it',
    async () => {
      await page.click('[data-testid="switch-map"]');
      await waitDrawn(page, 30_000);
      await page.click('[data-testid="map-umap"]');
      await page.waitForFunction(() => window.location.hash.includes('layout=umap'));
      await waitDrawn(page, 30_000);
      const canvas = await page.$('[data-testid="map-canvas"]');
      expect((await inkOf(await canvas!.screenshot())).ink).toBeGreaterThan(IMAGES * 4);
      await page.screenshot({ path: artifact('map-umap') });
    },
    60_000,
  );
});
