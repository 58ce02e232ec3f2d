// The app's table in real headless Chromium (Debian's, driven by playwright-core): the first rows of
// a 10M-row frame, the very last row after scrolling to the bottom, sorting by one and two keys
// against a naive selection of the smallest rows, a reload from the URL restoring the view, the row
// detail panel, hiding and resizing a column, and image thumbnails. Screenshots go to
// test/e2e/artifacts/.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect } from 'vitest';
import { column, columnFromArrow, DataFrame } from '../../src/index.js';
import { type RunningApp, serveApp } from '../../src/node/server/index.js';
import { needs } from '../helpers/references.js';
import { artifact, ensureUiBuilt, launchChromium } from './browser.js';
import { expectedTexts, flag, group, name, score, shownRows, waitLoaded } from './table-page.js';

const ROWS = 10_000_000;

function validity(n: number, isNull: (i: number) => boolean): { bitmap: Uint8Array; nulls: number } {
  const bitmap = new Uint8Array(Math.ceil(n / 8));
  let nulls = 0;
  for (let i = 0; i < n; i++) {
    if (isNull(i)) nulls++;
    else bitmap[i >> 3] |= 1 << (i & 7);
  }
  return { bitmap, nulls };
}

/** The 10M-row frame, built straight from Arrow buffers (a JS array of 10M strings would take long). */
function bigFrame(): DataFrame {
  const ids = new Int32Array(ROWS);
  const groups = new Int32Array(ROWS);
  const scores = new Float64Array(ROWS);
  const offsets = new Int32Array(ROWS + 1);
  const bytes = new Uint8Array(ROWS * 9);
  const flags = new Uint8Array(Math.ceil(ROWS / 8));
  let at = 0;
  for (let i = 0; i < ROWS; i++) {
    ids[i] = i;
    groups[i] = group(i);
    scores[i] = score(i);
    const s = name(i);
    if (s !== null) for (let k = 0; k < s.length; k++) bytes[at++] = s.charCodeAt(k);
    offsets[i + 1] = at;
    if (flag(i) === true) flags[i >> 3] |= 1 << (i & 7);
  }
  const names = validity(ROWS, (i) => name(i) === null);
  const flagValidity = validity(ROWS, (i) => flag(i) === null);
  const vector = (data: arrow.Data) => columnFromArrow(arrow.makeVector(data));
  return new DataFrame({
    id: vector(arrow.makeData({ type: new arrow.Int32(), length: ROWS, data: ids })),
    group: vector(arrow.makeData({ type: new arrow.Int32(), length: ROWS, data: groups })),
    score: vector(arrow.makeData({ type: new arrow.Float64(), length: ROWS, data: scores })),
    name: vector(
      arrow.makeData({
        type: new arrow.Utf8(),
        length: ROWS,
        nullCount: names.nulls,
        nullBitmap: names.bitmap,
        valueOffsets: offsets,
        data: bytes.subarray(0, at),
      }),
    ),
    flag: vector(
      arrow.makeData({
        type: new arrow.Bool(),
        length: ROWS,
        nullCount: flagValidity.nulls,
        nullBitmap: flagValidity.bitmap,
        data: flags,
      }),
    ),
  });
}

/**
 * The first `k` rows in the order of `less` (ties by row number: a stable sort), by a plain scan
 * that keeps the k smallest in a sorted array: the naive reference of the server's sort.
 */
function naiveFirst(k: number, less: (a: number, b: number) => boolean): number[] {
  const best: number[] = [];
  for (let i = 0; i < ROWS; i++) {
    if (best.length === k && !less(i, best[k - 1])) continue;
    let j = best.length < k ? best.length : k - 1;
    if (best.length < k) best.push(i);
    while (j > 0 && less(i, best[j - 1])) {
      best[j] = best[j - 1];
      j--;
    }
    best[j] = i;
  }
  return best;
}

const chromium = needs('chromium');

chromium.describe('the table in Chromium', () => {
  let browser: Browser;
  let running: RunningApp;
  let page: Page;
  const imageRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-'));

  beforeAll(async () => {
    const [b] = await Promise.all([launchChromium(), ensureUiBuilt()]);
    browser = b;
    running = await serveApp(bigFrame(), {
      token: 'e2e-secret',
      thumbnailDir: path.join(imageRoot, 'thumbs'),
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    page.on('pageerror', (e) => console.error('page error:', e));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
    fs.rmSync(imageRoot, { recursive: true, force: true });
  });

  chromium.it('shows the first rows with their values, nulls marked, and the row count', async () => {
    await page.goto(running.url);
    await waitLoaded(page, 10);
    const rows = await shownRows(page, 10);
    expect(rows.map((r) => r.row)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const r of rows) expect(r.texts, `row ${r.row}`).toEqual(expectedTexts(r.row));
    expect(await page.textContent('[data-testid="row-count"]')).toBe('10,000,000 rows');
    const heads = await page.$$eval('.header .head', (hs) =>
      hs.map((h) => h.textContent?.replace(/\s+/g, ' ').trim()),
    );
    expect(heads).toEqual([
      '#',
      'id int32 ▾',
      'group int32 ▾',
      'score float64 ▾',
      'name string ▾',
      'flag bool ▾',
    ]);
    await page.screenshot({ path: artifact('table-top') });
  });

  chromium.it(
    'scrolls to the very last row of 10M, cancelling the fetches of rows scrolled past',
    async () => {
      // Windows of the middle rows answer slowly: scrolled past before they arrive, they are aborted.
      const isMiddle = (url: string) => {
        const start = Number(new URL(url).searchParams.get('start'));
        return start >= 4_000_000 && start < 6_000_000;
      };
      await page.route('**/api/rows?*', async (route) => {
        if (isMiddle(route.request().url())) await new Promise((r) => setTimeout(r, 1500));
        await route.continue().catch(() => {}); // aborted by the page meanwhile
      });
      const aborted: string[] = [];
      page.on('requestfailed', (request) => {
        if (isMiddle(request.url())) aborted.push(request.failure()?.errorText ?? '');
      });
      const middleAsked = page.waitForRequest((request) => isMiddle(request.url()));
      await page.$eval('[data-testid="scroller"]', (s) => s.scrollTo(0, s.scrollHeight / 2));
      await middleAsked;
      await page.$eval('[data-testid="scroller"]', (s) => s.scrollTo(0, s.scrollHeight));
      await page.waitForSelector(`.body .row[data-row="${ROWS - 1}"]`, { timeout: 10_000 });
      await waitLoaded(page, 1);
      const rows = await shownRows(page, 100);
      const last = rows[rows.length - 1];
      expect(last.row).toBe(ROWS - 1);
      expect(last.texts).toEqual(expectedTexts(ROWS - 1));
      for (const r of rows) expect(r.texts, `row ${r.row}`).toEqual(expectedTexts(r.row));
      // Fully in sight: its bottom is at or above the scroller's.
      const [rowBox, scrollerBox] = await Promise.all([
        page.locator(`.body .row[data-row="${ROWS - 1}"]`).boundingBox(),
        page.locator('[data-testid="scroller"]').boundingBox(),
      ]);
      expect(rowBox!.y + rowBox!.height).toBeLessThanOrEqual(scrollerBox!.y + scrollerBox!.height + 1);
      expect(await page.$eval('[data-testid="scroller"]', (s) => s.scrollHeight)).toBeLessThan(33_000_000);
      await page.screenshot({ path: artifact('table-bottom') });
      await expect.poll(() => aborted.length).toBeGreaterThan(0);
      expect(aborted.every((e) => e === 'net::ERR_ABORTED')).toBe(true);
      await page.unrouteAll({ behavior: 'ignoreErrors' });
    },
  );

  chromium.it('sorts by a click and adds a key by shift-click, as a naive sort does', async () => {
    const k = 12;
    await page.click('.head[data-col="group"]');
    await page.waitForFunction(() => window.location.hash.includes('sort=group'));
    await waitLoaded(page, k);
    const byGroup = naiveFirst(k, (a, b) => group(a) < group(b));
    expect((await shownRows(page, k)).map((r) => r.texts)).toEqual(byGroup.map(expectedTexts));

    await page.click('.head[data-col="score"]', { modifiers: ['Shift'] });
    await page.waitForFunction(() => window.location.hash.includes('sort=group,score'));
    await waitLoaded(page, k);
    const byGroupScore = naiveFirst(
      k,
      (a, b) => group(a) < group(b) || (group(a) === group(b) && score(a) < score(b)),
    );
    expect((await shownRows(page, k)).map((r) => r.texts)).toEqual(byGroupScore.map(expectedTexts));
    expect(await page.textContent('.head[data-col="group"] [data-sort-mark]')).toBe('▲1');
    expect(await page.textContent('.head[data-col="score"] [data-sort-mark]')).toBe('▲2');

    // Shift-click on a key already there turns it around.
    await page.click('.head[data-col="score"]', { modifiers: ['Shift'] });
    await page.waitForFunction(() => window.location.hash.includes('sort=group,-score'));
    await waitLoaded(page, k);
    const byGroupScoreDown = naiveFirst(
      k,
      (a, b) => group(a) < group(b) || (group(a) === group(b) && score(a) > score(b)),
    );
    expect((await shownRows(page, k)).map((r) => r.texts)).toEqual(byGroupScoreDown.map(expectedTexts));
    await page.screenshot({ path: artifact('table-sorted') });
  });

  chromium.it(
    'restores the sorted view, scroll position, selection and hidden columns from the URL',
    async () => {
      // Scroll a few hundred rows down, select a row, hide a column.
      await page.$eval('[data-testid="scroller"]', (s) => s.scrollTo(0, 480));
      await page.waitForFunction(() => /row=\d+/.test(window.location.hash));
      await waitLoaded(page, 5);
      const before = await shownRows(page, 5);
      await page.click(`.body .row[data-row="${before[2].row}"] [data-col="id"]`);
      await page.waitForSelector('[data-testid="detail"]');
      const selectedId = before[2].texts.id;
      await page.waitForFunction((id) => window.location.hash.includes(`sel=${id}`), selectedId);
      await page.hover('.head[data-col="flag"]');
      await page.click('[data-menu="flag"]');
      await page.click('[data-hide="flag"]');
      await page.waitForFunction(() => window.location.hash.includes('hide=flag'));
      const url = page.url();
      expect(url).toContain('token=e2e-secret');

      await page.reload();
      await waitLoaded(page, 5);
      expect(page.url()).toBe(url);
      const after = await shownRows(page, 5);
      expect(after.map((r) => r.row)).toEqual(before.map((r) => r.row));
      expect(after.map((r) => r.texts.id)).toEqual(before.map((r) => r.texts.id));
      expect(await page.$$('.head[data-col="flag"]')).toHaveLength(0);
      expect(await page.textContent('.head[data-col="score"] [data-sort-mark]')).toBe('▼2');
      // The detail panel shows the selected row's full values, the hidden column's too.
      const i = Number(selectedId);
      await page.waitForFunction(
        () => document.querySelector('[data-detail-col="id"]')?.textContent?.trim() !== '',
      );
      const detail = await page.$$eval('[data-detail-col]', (dds) =>
        Object.fromEntries(dds.map((d) => [d.getAttribute('data-detail-col'), d.textContent?.trim()])),
      );
      expect(detail).toEqual(expectedTexts(i));
      expect(await page.$eval('.row.selected [data-col="id"]', (c) => c.textContent?.trim())).toBe(
        selectedId,
      );
      await page.screenshot({ path: artifact('table-reloaded') });
    },
  );

  chromium.it('resizes a column by dragging its header edge', async () => {
    const head = page.locator('.head[data-col="name"]');
    const before = (await head.boundingBox())!;
    const handle = (await page.locator('[data-resize="name"]').boundingBox())!;
    await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
    await page.mouse.down();
    await page.mouse.move(handle.x + handle.width / 2 + 80, handle.y + handle.height / 2, { steps: 4 });
    await page.mouse.up();
    const after = (await head.boundingBox())!;
    expect(after.width).toBeCloseTo(before.width + 80, 0);
    const cell = (await page.locator('.body .row [data-col="name"]').first().boundingBox())!;
    expect(cell.width).toBeCloseTo(after.width, 0);
  });

  chromium.it('draws only the columns in sight, and dates, timestamps and int64 as such', async () => {
    const rows = 50;
    const columns: Record<string, ReturnType<typeof columnFromArrow>> = {
      day: column(
        Int32Array.from({ length: rows }, (_, i) => (i === 1 ? -1 : 19000 + i)),
        'date',
      ),
      at: column(
        Float64Array.from({ length: rows }, (_, i) => 1_700_000_000_123 + i * 1000),
        'timestamp',
      ),
      big: column(
        BigInt64Array.from({ length: rows }, (_, i) => 2n ** 62n + BigInt(i)),
        'int64',
      ),
    };
    for (let c = 0; c < 300; c++)
      columns[`c${c}`] = column(
        Int32Array.from({ length: rows }, (_, i) => i * 1000 + c),
        'int32',
      );
    const wide = await serveApp(new DataFrame(columns));
    try {
      await page.goto(wide.url);
      await waitLoaded(page, 3);
      const heads = await page.$$eval('.header .head[data-col]', (hs) =>
        hs.map((h) => h.getAttribute('data-col')),
      );
      expect(heads.length).toBeLessThan(30);
      expect(heads.slice(0, 4)).toEqual(['day', 'at', 'big', 'c0']);
      const cell = (row: number, col: string) =>
        page.$eval(`.body .row[data-row="${row}"] [data-col="${col}"]`, (c) => c.textContent?.trim());
      // The references: Python's datetime (1970-01-01 + 19000 days, + 1700000000123 ms).
      expect(await cell(0, 'day')).toBe('2022-01-08');
      expect(await cell(1, 'day')).toBe('1969-12-31');
      expect(await cell(0, 'at')).toBe('2023-11-14 22:13:20.123Z');
      expect(await cell(2, 'big')).toBe('4611686018427387906');
      await page.$eval('[data-testid="scroller"]', (s) => s.scrollTo(s.scrollWidth, 0));
      await page.waitForSelector('.header .head[data-col="c299"]');
      expect(await page.$$('.header .head[data-col="day"]')).toHaveLength(0);
      await waitLoaded(page, 3);
      expect(await cell(2, 'c299')).toBe(String(2 * 1000 + 299));
      await page.screenshot({ path: artifact('wide-scrolled-right') });
    } finally {
      await wide.close();
    }
  });

  chromium.it('shows image thumbnails of an image folder and zooms one on a click', async () => {
    const folder = path.join(imageRoot, 'images');
    const colours = { red: [220, 40, 40], green: [40, 180, 60] } as const;
    for (const [label, rgb] of Object.entries(colours)) {
      fs.mkdirSync(path.join(folder, label), { recursive: true });
      for (let k = 0; k < 3; k++) {
        await sharp({
          create: {
            width: 64 + 16 * k,
            height: 48,
            channels: 3,
            background: { r: rgb[0], g: rgb[1], b: rgb[2] },
          },
        })
          .png()
          .toFile(path.join(folder, label, `${label}-${k}.png`));
      }
    }
    const images = await serveApp(folder, { thumbnailDir: path.join(imageRoot, 'thumbs2') });
    try {
      await page.goto(images.url);
      await page.waitForFunction(
        () => {
          const imgs = [...document.querySelectorAll<HTMLImageElement>('.body .cell.image img')];
          return imgs.length === 6 && imgs.every((img) => img.complete && img.naturalWidth > 0);
        },
        undefined,
        { timeout: 20_000 },
      );
      await page.screenshot({ path: artifact('images') });
      await page.click('.body .row[data-row="1"] .cell.image img');
      await page.waitForFunction(() => {
        const img = document.querySelector<HTMLImageElement>('[data-testid="zoom"] img');
        return img?.complete === true && img.naturalWidth > 0;
      });
      expect(
        await page.$eval('[data-testid="zoom"] img', (img) => (img as HTMLImageElement).naturalWidth),
      ).toBeGreaterThan(0);
      await page.screenshot({ path: artifact('image-zoom') });
      await page.keyboard.press('Escape');
      await page.waitForSelector('[data-testid="zoom"]', { state: 'detached' });
    } finally {
      await images.close();
    }
  });
});
