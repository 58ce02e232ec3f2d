// The cell views for tensors, objects and computed cells in real headless Chromium: a frame with a
// 1-D tensor (sparklines), a 2-D tensor (heatmaps), an object column (one-line previews, a JSON tree
// in the row detail that expands and pages a long array) and a slow async deferred column (a
// spinner, then the value). The reference: the values' formulas below, applied by hand (the
// previews' texts written out, min/max/mean by a loop, the computed values by the function itself).
// Screenshots go to test/e2e/artifacts/.

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { DataFrame, ObjectColumn, TensorColumn } from '../../src/index.js';
import { type RunningApp, serveApp } from '../../src/node/server/index.js';
import { needs } from '../helpers/references.js';
import { artifact, ensureUiBuilt, launchChromium } from './browser.js';

const ROWS = 300;
const DIM = 96;
const [GRID_ROWS, GRID_COLS] = [12, 16];
const TAGS = 150;
/** How long the computed column's function takes per batch: long enough to see the spinner. */
const DELAY_MS = 700;

const vec = (i: number, k: number) =>
  Math.fround(Math.sin(i / 3 + k / 5) * (1 + k / DIM) + (k === 40 ? 4 : 0));
const grid = (i: number, r: number, c: number) => Math.fround(Math.cos((r - (i % 7)) / 3) * Math.sin(c / 4));
const meta = (i: number) => ({
  label: ['cat', 'dog', 'bird'][i % 3],
  box: [i, i + 1, i + 10, i + 20],
  tags: Array.from({ length: TAGS }, (_, k) => `t${k}`),
  ok: i % 2 === 0,
  note: null,
});
/** The computed columns' functions (applied by hand for the expected texts). */
const score = (id: number) => Math.sqrt(id) * 3 + 0.25;
const risky = (id: number) => {
  if (id % 4 === 1) throw new RangeError(`row ${id} is unlucky`);
  return { half: id / 2, even: id % 2 === 0 };
};
const spectrum = (id: number) => Float32Array.from({ length: 32 }, (_, k) => Math.cos((id + 1) * k * 0.1));

function frame(): DataFrame {
  const vectors = new Float32Array(ROWS * DIM);
  const grids = new Float32Array(ROWS * GRID_ROWS * GRID_COLS);
  for (let i = 0; i < ROWS; i++) {
    for (let k = 0; k < DIM; k++) vectors[i * DIM + k] = vec(i, k);
    for (let r = 0; r < GRID_ROWS; r++)
      for (let c = 0; c < GRID_COLS; c++) grids[(i * GRID_ROWS + r) * GRID_COLS + c] = grid(i, r, c);
  }
  return new DataFrame({
    id: Int32Array.from({ length: ROWS }, (_, i) => i),
    vec: new TensorColumn(vectors, [DIM]),
    grid: new TensorColumn(grids, [GRID_ROWS, GRID_COLS]),
    meta: new ObjectColumn(Array.from({ length: ROWS }, (_, i) => meta(i))),
  })
    .defer(
      'score',
      ['id'],
      (id: number) => new Promise((resolve) => setTimeout(() => resolve(score(id)), DELAY_MS)),
    )
    .defer('risky', ['id'], risky)
    .defer('spectrum', ['id'], spectrum);
}

/** Per canvas of the selector: how many pixels are drawn (alpha > 0) and how many distinct colours. */
function canvasInk(
  page: Page,
  selector: string,
): Promise<{ drawn: number; colours: number; width: number }[]> {
  return page.$$eval(selector, (canvases) =>
    (canvases as HTMLCanvasElement[]).map((c) => {
      const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let drawn = 0;
      const colours = new Set<number>();
      for (let p = 0; p < data.length; p += 4)
        if (data[p + 3] > 0) {
          drawn++;
          colours.add((data[p] << 16) | (data[p + 1] << 8) | data[p + 2]);
        }
      return { drawn, colours: colours.size, width: c.width };
    }),
  );
}

/** Text of the cell of column `col` in the rendered row at position `row`. */
function cellText(page: Page, row: number, col: string): Promise<string> {
  return page.$eval(
    `.body .row[data-row="${row}"] .cell[data-col="${col}"]`,
    (e) => e.textContent?.trim() ?? '',
  );
}

const chromium = needs('chromium');

chromium.describe('tensor, object and computed cells in Chromium', () => {
  let browser: Browser;
  let served: RunningApp;
  let page: Page;
  /** The bodies of the page's POST /api/cells/score requests. */
  const cellRequests: string[] = [];

  beforeAll(async () => {
    const [b] = await Promise.all([launchChromium(), ensureUiBuilt()]);
    browser = b;
    served = await serveApp(frame());
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    page.on('pageerror', (e) => console.error('page error:', e));
    page.on('request', (r) => {
      if (r.url().includes('/api/cells/score')) cellRequests.push(r.postData() ?? '');
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
  });

  chromium.it('draws tensors, previews objects, and computes visible cells with a spinner', async () => {
    await page.goto(served.url);
    await page.waitForSelector('.body .row[data-row="0"] canvas[data-tensor-plot="sparkline"]', {
      timeout: 20_000,
    });
    // The computed cells spin while the server computes them (DELAY_MS), then show their values.
    await page.waitForSelector('.cell[data-col="score"] [data-computing]', { timeout: 5_000 });
    const spinning = await page.$$eval('.cell[data-col="score"] [data-computing]', (s) => s.length);
    expect(spinning).toBeGreaterThan(5);
    await page.screenshot({ path: artifact('cells-computing') });
    await page.waitForFunction(
      () => document.querySelectorAll('.cell[data-col="score"] [data-computing]').length === 0,
      undefined,
      {
        timeout: 20_000,
      },
    );
    const rows = await page.$$eval('.body .row', (rs) => rs.map((r) => Number(r.getAttribute('data-row'))));
    expect(rows.length).toBeGreaterThan(10);
    for (const r of rows.slice(0, 20)) {
      expect(await cellText(page, r, 'score')).toBe(String(score(r)));
      expect(await cellText(page, r, 'meta')).toBe(
        `{label: "${meta(r).label}", box: [4 items], tags: [${TAGS} items], ok: ${r % 2 === 0}, note: null}`,
      );
      expect(await cellText(page, r, 'vec')).toBe(`${DIM} float32`);
      expect(await cellText(page, r, 'grid')).toBe(`${GRID_ROWS}×${GRID_COLS} float32`);
      expect(await cellText(page, r, 'risky')).toBe(
        r % 4 === 1 ? '⚠ RangeError' : `{half: ${r / 2}, even: ${r % 2 === 0}}`,
      );
      expect(await cellText(page, r, 'spectrum')).toBe('32 float32');
    }
    expect(
      await page.$eval('.body .row[data-row="1"] .cell[data-col="risky"] button', (b) =>
        b.getAttribute('title'),
      ),
    ).toBe('row 1 is unlucky (click to try again)');
    const spectra = await canvasInk(page, '.cell[data-col="spectrum"] canvas');
    expect(spectra.length).toBe(rows.length);
    for (const l of spectra) expect(l.drawn).toBeGreaterThan(l.width);
    // The visible rows' cells went in one request (or a few), never one per cell.
    expect(cellRequests.length).toBeLessThanOrEqual(3);
    expect(JSON.parse(cellRequests[0]).rows.length).toBeGreaterThan(10);
    // Scrolled away and back: the first rows come from the page's cache, never asked twice.
    await page.$eval('[data-testid="scroller"]', (s) => s.scrollBy(0, 24 * 60));
    await page.waitForSelector('.body .row[data-row="70"] .cell[data-col="score"] [data-computed-value]', {
      timeout: 20_000,
    });
    await page.$eval('[data-testid="scroller"]', (s) => s.scrollTo(0, 0));
    await page.waitForSelector('.body .row[data-row="0"] .cell[data-col="score"] [data-computed-value]', {
      timeout: 5_000,
    });
    const asked = cellRequests.flatMap((b) => JSON.parse(b).rows as number[]);
    expect(asked.length).toBe(new Set(asked).size);
    // Sparklines and heatmaps are drawn: a line has ink in many columns; a heatmap fills its square in many colours.
    const lines = await canvasInk(page, '.cell[data-col="vec"] canvas');
    const heatmaps = await canvasInk(page, '.cell[data-col="grid"] canvas');
    expect(lines.length).toBe(rows.length);
    for (const l of lines) expect(l.drawn).toBeGreaterThan(l.width);
    for (const h of heatmaps) expect(h.colours).toBeGreaterThan(20);
    await page.screenshot({ path: artifact('cells-table') });
  });

  chromium.it(
    'shows a larger plot with statistics, a JSON tree that expands and pages, and the computed value',
    async () => {
      const row = 4;
      await page.click(`.body .row[data-row="${row}"] .cell[data-col="id"]`);
      await page.waitForSelector('[data-testid="detail"] [data-detail-col="vec"] canvas');
      const detail = '[data-testid="detail"]';
      const [line] = await canvasInk(page, `${detail} [data-detail-col="vec"] canvas`);
      expect(line.drawn).toBeGreaterThan(line.width);
      const [heat] = await canvasInk(page, `${detail} [data-detail-col="grid"] canvas`);
      expect(heat.colours).toBeGreaterThan(50);
      // min / max / mean against a loop over the row's values (float32, as the column holds them).
      const values = Array.from({ length: DIM }, (_, k) => vec(row, k));
      const stats = await page.$$eval(`${detail} [data-detail-col="vec"] [data-tensor-stats] b`, (bs) =>
        bs.map((b) => Number(b.textContent)),
      );
      const mean = values.reduce((a, b) => a + b, 0) / DIM;
      expect(stats[0]).toBeCloseTo(Math.min(...values), 3);
      expect(stats[1]).toBeCloseTo(Math.max(...values), 3);
      expect(Math.abs(stats[2] - mean)).toBeLessThan(Math.abs(mean) * 1e-3 + 1e-4);
      // The values list opens.
      await page.click(`${detail} [data-detail-col="vec"] summary`);
      expect(
        await page.$$eval(`${detail} [data-detail-col="vec"] .tensor-values li`, (li) => li.length),
      ).toBe(DIM);
      await page.$eval(detail, (e) => e.scrollTo(0, 0));
      await page.screenshot({ path: artifact('cells-detail-plots') });

      // The JSON tree: the root open with its keys, leaves styled, "box" and "tags" closed until clicked.
      const tree = `${detail} [data-detail-col="meta"]`;
      const leaves = await page.$$eval(`${tree} .json-leaf`, (ls) =>
        ls.map((l) => l.textContent?.replace(/\s+/g, ' ').trim()),
      );
      expect(leaves).toEqual([`label: "${meta(row).label}"`, `ok: ${row % 2 === 0}`, 'note: null']);
      expect(await page.$eval(`${tree} .json-string`, (e) => getComputedStyle(e).color)).not.toBe(
        await page.$eval(`${tree} .json-null`, (e) => getComputedStyle(e).color),
      );
      const toggles = `${tree} [data-json-depth="1"] > [data-json-toggle]`;
      await page.click(`${toggles} >> nth=0`); // box
      const box = await page.$$eval(`${tree} [data-json-depth="2"] .json-number`, (ns) =>
        ns.map((n) => Number(n.textContent)),
      );
      expect(box).toEqual(meta(row).box);
      await page.click(`${toggles} >> nth=1`); // tags: paged
      const shownTags = () =>
        page.$$eval(`${tree} [data-json-depth="2"] .json-string`, (ss) => ss.map((s) => s.textContent));
      expect(await shownTags()).toEqual(
        meta(row)
          .tags.slice(0, 100)
          .map((t) => JSON.stringify(t)),
      );
      await page.click(`${tree} .json-more`);
      expect(await shownTags()).toEqual(meta(row).tags.map((t) => JSON.stringify(t)));
      // The computed cell: from the page's cache (the table asked for it already).
      expect(
        await page.$eval(`${detail} [data-detail-col="score"] [data-computed-value]`, (e) => e.textContent),
      ).toBe(String(score(row)));
      await page.$eval(`${tree}`, (e) => e.scrollIntoView());
      await page.screenshot({ path: artifact('cells-detail-tree') });
    },
  );
});
