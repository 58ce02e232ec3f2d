// The app's gallery and "find similar" in real headless Chromium: an image folder frame with an
// embedding column (each image's mean colour, so the nearest neighbours are known by a naive scan),
// tiles with loaded thumbnails and chosen captions, only the tiles in sight drawn, the last tile of
// 100k rows after scrolling to the end, a search from a row's detail panel against a naive cosine
// k-NN with its scores, and a reload restoring gallery and search. Screenshots go to
// test/e2e/artifacts/.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect } from 'vitest';
import { DataFrame, imageColumn, TensorColumn } from '../../src/index.js';
import { type RunningApp, serveApp } from '../../src/node/server/index.js';
import { needs } from '../helpers/references.js';
import { artifact, ensureUiBuilt, launchChromium } from './browser.js';

const IMAGES = 40;
const BIG_ROWS = 100_000;
/** What the app asks the server for (Similar.svelte's K). */
const K = 24;

/** Image i's colour: spread over the cube by a fixed formula, so the colours are distinct. */
function colour(i: number): [number, number, number] {
  return [(i * 97 + 30) % 256, (i * 57 + 200) % 256, (i * 151 + 90) % 256];
}
const label = (i: number) => `img ${i}`;
const file = (i: number) => `c${i}.png`;

/** Embedding of image i: its mean colour (the images are solid), as float32 like the column holds. */
function embedding(i: number): Float32Array {
  return Float32Array.from(colour(i), (v) => v / 255);
}

/** The naive reference: cosine similarity to every row, best first (ties by row number). */
function naiveNearest(query: number, k: number): { row: number; score: number }[] {
  const q = embedding(query);
  const norm = (v: Float32Array) => Math.hypot(...v);
  const all = Array.from({ length: IMAGES }, (_, i) => {
    const v = embedding(i);
    const dot = v[0] * q[0] + v[1] * q[1] + v[2] * q[2];
    return { row: i, score: dot / (norm(v) * norm(q)) };
  });
  return all.sort((a, b) => b.score - a.score || a.row - b.row).slice(0, k);
}

/** Wait until every drawn tile's thumbnail has loaded. */
async function tilesLoaded(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      const imgs = [...document.querySelectorAll<HTMLImageElement>('.tile .thumb img')];
      return imgs.length > 0 && imgs.every((img) => img.complete && img.naturalWidth > 0);
    },
    undefined,
    { timeout: 20_000 },
  );
}

/** The drawn tiles: their gallery position, frame row and caption texts by column. */
function shownTiles(page: Page): Promise<{ item: number; row: number; captions: Record<string, string> }[]> {
  return page.$$eval('[data-testid="gallery"] .tile', (tiles) =>
    tiles
      .map((t) => ({
        item: Number(t.getAttribute('data-item')),
        row: Number(t.getAttribute('data-row')),
        captions: Object.fromEntries(
          [...t.querySelectorAll('[data-caption-col]')].map((c) => [
            c.getAttribute('data-caption-col'),
            c.textContent?.trim() ?? '',
          ]),
        ),
      }))
      .sort((a, b) => a.item - b.item),
  );
}

const chromium = needs('chromium');

chromium.describe('the gallery and find similar in Chromium', () => {
  let browser: Browser;
  let small: RunningApp;
  let big: RunningApp;
  let page: Page;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-gallery-'));
  const folder = path.join(root, 'images');

  beforeAll(async () => {
    fs.mkdirSync(folder, { recursive: true });
    const made = Array.from({ length: IMAGES }, (_, i) => {
      const [r, g, b] = colour(i);
      return sharp({ create: { width: 48 + (i % 3) * 16, height: 48, channels: 3, background: { r, g, b } } })
        .png()
        .toFile(path.join(folder, file(i)));
    });
    const [b] = await Promise.all([launchChromium(), ensureUiBuilt(), ...made]);
    browser = b;
    const vectors = new Float32Array(IMAGES * 3);
    for (let i = 0; i < IMAGES; i++) vectors.set(embedding(i), i * 3);
    const files = Array.from({ length: IMAGES }, (_, i) => file(i));
    small = await serveApp(
      new DataFrame({
        label: Array.from({ length: IMAGES }, (_, i) => label(i)),
        file: files,
        image: imageColumn(files, { baseDir: folder }),
        emb: new TensorColumn(vectors, [3]),
      }),
      { mediaRoots: [folder], thumbnailDir: path.join(root, 'thumbs') },
    );
    // 100k rows over the same few files.
    const bigFiles = Array.from({ length: BIG_ROWS }, (_, i) => file(i % 6));
    big = await serveApp(
      new DataFrame({
        label: Array.from({ length: BIG_ROWS }, (_, i) => label(i)),
        image: imageColumn(bigFiles, { baseDir: folder }),
      }),
      { mediaRoots: [folder], thumbnailDir: path.join(root, 'thumbs') },
    );
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    page.on('pageerror', (e) => console.error('page error:', e));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await small?.close();
    await big?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  chromium.it(
    'switches to the gallery: only the tiles in sight, thumbnails loaded, captions chosen',
    async () => {
      const thumbnails = new Set<string>();
      page.on('request', (r) => {
        if (r.url().includes('/api/thumbnails/')) thumbnails.add(new URL(r.url()).pathname);
      });
      await page.goto(small.url);
      await page.click('[data-testid="switch-gallery"]');
      await page.waitForFunction(() => window.location.hash.includes('view=gallery'));
      await tilesLoaded(page);
      expect(await page.$eval('[data-testid="gallery-image"]', (s) => (s as HTMLSelectElement).value)).toBe(
        'image',
      );
      let tiles = await shownTiles(page);
      // Virtualised: not all 40 are drawn, and only the drawn ones asked for a thumbnail.
      expect(tiles.length).toBeGreaterThan(4);
      expect(tiles.length).toBeLessThan(IMAGES);
      expect(tiles.map((t) => t.item)).toEqual(tiles.map((_, i) => i));
      for (const t of tiles) expect(t.captions).toEqual({ label: label(t.item) });
      expect(thumbnails.size).toBe(tiles.length);

      // A second caption column, from the caption menu; the URL remembers both.
      await page.click('[data-testid="gallery-captions"]');
      await page.check('[data-caption="file"]');
      await page.waitForFunction(() => window.location.hash.includes('cap=label,file'));
      await page.waitForFunction(() => document.querySelector('.tile .pending') === null);
      tiles = await shownTiles(page);
      for (const t of tiles) expect(t.captions).toEqual({ label: label(t.item), file: file(t.item) });
      await page.click('[data-testid="gallery-captions"]');
      await page.screenshot({ path: artifact('gallery') });
    },
  );

  chromium.it(
    'finds the rows most similar to a row, ranked as a naive cosine k-NN with its scores',
    async () => {
      const query = 7;
      await page.click(`.tile[data-row="${query}"]`);
      await page.waitForSelector('[data-testid="detail"]');
      await page.click('[data-similar="emb"]');
      await page.waitForSelector('.results .tile[data-rank]');
      await page.waitForFunction((q) => window.location.hash.includes(`similar=${q}&by=emb`), query);
      expect(await page.textContent('[data-testid="similar-method"]')).toBe('exact search');
      const expected = naiveNearest(query, K);
      const check = async () => {
        const found = await page.$$eval('.results .tile[data-rank]', (ts) =>
          ts.map((t) => ({
            rank: Number(t.getAttribute('data-rank')),
            row: Number(t.getAttribute('data-row')),
            score: Number(t.getAttribute('data-score')),
          })),
        );
        expect(found.map((f) => f.rank)).toEqual(expected.map((_, i) => i));
        expect(found.map((f) => f.row)).toEqual(expected.map((e) => e.row));
        for (let i = 0; i < K; i++) expect(found[i].score).toBeCloseTo(expected[i].score, 5);
        await page.waitForFunction(() =>
          [...document.querySelectorAll('.results [data-caption-col="label"]')].every(
            (c) => c.textContent !== '',
          ),
        );
        const captions = await page.$$eval('.results [data-caption-col="label"]', (cs) =>
          cs.map((c) => c.textContent),
        );
        expect(captions).toEqual(expected.map((e) => label(e.row)));
        await tilesLoaded(page);
      };
      await check();
      await page.screenshot({ path: artifact('gallery-similar') });

      // A reload shows the same search; back returns to the gallery with its captions.
      const url = page.url();
      await page.reload();
      await page.waitForSelector('.results .tile[data-rank]');
      expect(page.url()).toBe(url);
      await check();
      await page.click('[data-testid="similar-back"]');
      await tilesLoaded(page);
      expect(page.url()).not.toContain('similar=');
      const tiles = await shownTiles(page);
      expect(tiles[0].captions).toEqual({ label: label(tiles[0].item), file: file(tiles[0].item) });
    },
  );

  chromium.it('finds similar rows from the table too, ranked in a table', async () => {
    await page.click('[data-testid="switch-table"]');
    await page.waitForSelector('.body .row[data-row]');
    // A row in sight (the table opens where the gallery was); positions are frame rows (no sort).
    const query =
      Math.min(
        ...(await page.$$eval('.body .row', (rs) => rs.map((r) => Number(r.getAttribute('data-row'))))),
      ) + 1;
    await page.click(`.body .row[data-row="${query}"] [data-col="label"]`);
    await page.click('[data-similar="emb"]');
    await page.waitForSelector('.results tr[data-rank]');
    const found = await page.$$eval('.results tr[data-rank]', (trs) =>
      trs.map((t) => ({
        row: Number(t.getAttribute('data-row')),
        score: Number(t.getAttribute('data-score')),
      })),
    );
    const expected = naiveNearest(query, K);
    expect(found.map((f) => f.row)).toEqual(expected.map((e) => e.row));
    for (let i = 0; i < K; i++) expect(found[i].score).toBeCloseTo(expected[i].score, 5);
    await page.screenshot({ path: artifact('table-similar') });
    await page.click('[data-testid="similar-back"]');
    await page.waitForSelector('[data-testid="detail"]');
    expect(page.url()).not.toContain('view=gallery');
  });

  chromium.it("shows the table's sorted view as tiles in its order", async () => {
    await page.goto(`${small.url}#view=gallery&sort=-label`);
    await tilesLoaded(page);
    await page.waitForFunction(() => document.querySelector('.tile .pending') === null);
    const tiles = await shownTiles(page);
    const byLabelDown = Array.from({ length: IMAGES }, (_, i) => i).sort((a, b) =>
      label(a) < label(b) ? 1 : label(a) > label(b) ? -1 : a - b,
    );
    expect(tiles.map((t) => t.row)).toEqual(byLabelDown.slice(0, tiles.length));
    for (const t of tiles) expect(t.captions).toEqual({ label: label(t.row) });
    // The thumbnails are the sorted rows' own images.
    const srcs = await page.$$eval('[data-testid="gallery"] .tile img', (imgs) =>
      imgs.map((img) => new URL((img as HTMLImageElement).src).pathname),
    );
    expect(srcs.sort()).toEqual(tiles.map((t) => `/api/thumbnails/image/${t.row}`).sort());
  });

  chromium.it('scrolls to the last tile of 100k rows, and a reload keeps the place', async () => {
    await page.goto(`${big.url}#view=gallery`);
    await tilesLoaded(page);
    await page.$eval('[data-testid="gallery"]', (s) => s.scrollTo(0, s.scrollHeight));
    const last = `[data-testid="gallery"] .tile[data-item="${BIG_ROWS - 1}"]`;
    await page.waitForSelector(last, { timeout: 10_000 });
    await page.waitForFunction(() => document.querySelector('.tile .pending') === null);
    await tilesLoaded(page);
    const tiles = await shownTiles(page);
    expect(tiles.length).toBeLessThan(100);
    for (const t of tiles) expect(t.captions).toEqual({ label: label(t.item) });
    expect(tiles[tiles.length - 1].item).toBe(BIG_ROWS - 1);
    const [tileBox, scrollerBox] = await Promise.all([
      page.locator(last).boundingBox(),
      page.locator('[data-testid="gallery"]').boundingBox(),
    ]);
    expect(tileBox!.y + tileBox!.height).toBeLessThanOrEqual(scrollerBox!.y + scrollerBox!.height + 1);
    await page.screenshot({ path: artifact('gallery-bottom') });

    await page.waitForFunction(() => /row=\d+/.test(window.location.hash));
    const first = tiles[0].item;
    await page.reload();
    await tilesLoaded(page);
    const again = await shownTiles(page);
    expect(again[0].item).toBe(first);
  });
});
