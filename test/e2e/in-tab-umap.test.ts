// While the tab lays out a large embedding with UMAP (50k rows × 64-d), the table stays responsive:
// UMAP runs in a Web Worker of its own (started by the tab's API worker), so showing the table,
// sorting it and scrolling it are answered within a bound meanwhile; the sorted rows equal a naive
// sort of the values the file was written from (apache-arrow writes the file). Prints the times.
// Screenshots go to test/e2e/artifacts/.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { exportStaticApp } from '../../src/node/server/static-export.js';
import { mulberry32 } from '../helpers/random.js';
import { needs } from '../helpers/references.js';
import { artifact, ensureUiBuilt, launchChromium, UI_DIST } from './browser.js';
import { chooseSource, staticServer } from './in-tab-page.js';
import { waitDrawn } from './map-page.js';
import { shownRows, waitLoaded } from './table-page.js';

const N = 50_000;
const DIMS = 64;
const CENTERS = 12;
/** A generous bound: before UMAP had a worker of its own, these waited for its whole first phase. */
const BOUND_MS = 2000;

const score = (i: number) => ((i * 7919) % 100_003) / 8;

/** Rows around a dozen random centres in 64-d. */
function embedding(): Float32Array {
  const random = mulberry32(3);
  const centers = Float32Array.from({ length: CENTERS * DIMS }, () => 4 * random());
  const emb = new Float32Array(N * DIMS);
  for (let i = 0; i < N; i++) {
    const c = i % CENTERS;
    for (let d = 0; d < DIMS; d++) emb[i * DIMS + d] = centers[c * DIMS + d] + random() - 0.5;
  }
  return emb;
}

/** ms from `act` to the table's top rows showing the rows `ids` (a long wait: to measure it when slow). */
async function timeToIds(page: Page, act: () => Promise<unknown>, ids: readonly number[]): Promise<number> {
  const t0 = Date.now();
  await act();
  await page.waitForFunction(
    (want) => {
      const rows = [...document.querySelectorAll('.body .row')]
        .sort((a, b) => Number(a.getAttribute('data-row')) - Number(b.getAttribute('data-row')))
        .slice(0, want.length);
      return rows.map((r) => Number(r.querySelector('[data-col="id"]')?.textContent)).join() === want.join();
    },
    ids,
    { timeout: 300_000 },
  );
  return Date.now() - t0;
}

const chromium = needs('chromium');

chromium.describe('the tab while it lays out a large embedding with UMAP', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-in-tab-umap-'));
  const site = path.join(dir, 'site');
  const file = path.join(dir, 'umap-50k.arrow');
  let browser: Browser;
  let site_: { url: string; close(): Promise<void> };
  let page: Page;

  beforeAll(async () => {
    const [b] = await Promise.all([launchChromium(), ensureUiBuilt()]);
    browser = b;
    const values = embedding();
    const emb = arrow.makeVector(
      arrow.makeData({
        type: new arrow.FixedSizeList(DIMS, new arrow.Field('item', new arrow.Float32())),
        length: N,
        nullCount: 0,
        child: arrow.makeData({ type: new arrow.Float32(), length: values.length, data: values }),
      }),
    );
    const table = new arrow.Table({
      id: arrow.vectorFromArray(Int32Array.from({ length: N }, (_, i) => i)),
      score: arrow.vectorFromArray(Float64Array.from({ length: N }, (_, i) => score(i))),
      emb,
    });
    fs.writeFileSync(file, arrow.tableToIPC(table, 'file'));
    exportStaticApp(site, UI_DIST);
    site_ = await staticServer(site);
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    page.on('pageerror', (e) => console.error('page error:', e));
    await page.goto(site_.url);
    await chooseSource(page, 'file', file, 'umap-50k.arrow', 60_000);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await site_?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  chromium.it(
    'shows, sorts and scrolls the table within 2 s while UMAP runs',
    async () => {
      await page.click('[data-testid="switch-map"]');
      await waitDrawn(page);
      await page.click('[data-testid="map-umap"]');
      await page.waitForSelector('[data-testid="map-progress"]', { timeout: 30_000 });
      // Well into the layout's first phase (the nearest-neighbour graph) before the table asks.
      await page.waitForTimeout(1000);

      const naive = Array.from({ length: N }, (_, i) => i).sort((a, b) => score(a) - score(b) || a - b);
      const show = await timeToIds(
        page,
        () => page.click('[data-testid="switch-table"]'),
        Array.from({ length: 10 }, (_, i) => i),
      );
      const sort = await timeToIds(page, () => page.click('.head[data-col="score"]'), naive.slice(0, 10));
      await page.waitForFunction(() => window.location.hash.includes('sort=score'));
      const t0 = Date.now();
      await page.$eval('[data-testid="scroller"]', (s) => s.scrollTo(0, s.scrollHeight / 2));
      await waitLoaded(page, 10, false, 300_000);
      const scroll = Date.now() - t0;
      console.log(
        `in-tab UMAP of ${N.toLocaleString('en-US')} × ${DIMS} running: table shown in ${show} ms, sorted in ${sort} ms, scrolled in ${scroll} ms`,
      );
      const middle = (await shownRows(page, 10, ['id'])).map((r) => [r.row, Number(r.texts.id)]);
      expect(middle[0][0]).toBeGreaterThan(N / 3);
      expect(middle).toEqual(middle.map(([row]) => [row, naive[row]]));
      await page.screenshot({ path: artifact('in-tab-umap-table-meanwhile') });

      // The layout is still on its way: back on the map, its progress shows.
      await page.click('[data-testid="switch-map"]');
      await page.waitForSelector('[data-testid="map-progress"]', { timeout: 10_000 });
      expect(await page.textContent('[data-testid="map-progress"]')).toMatch(/Computing the UMAP layout/);
      await page.screenshot({ path: artifact('in-tab-umap-progress') });
      expect(show).toBeLessThan(BOUND_MS);
      expect(sort).toBeLessThan(BOUND_MS);
      expect(scroll).toBeLessThan(BOUND_MS);
    },
    600_000,
  );
});
