// Search by an uploaded image, and the filter bar in the gallery, in real headless Chromium over the
// demo dataset (a few images; MobileNetV2 embeddings whose encoder the dataset records). Picking a
// demo image's file (setInputFiles) or dropping it on the page shows the query image and the ranked
// rows: the image's own row first with cosine ≈ 1, and the ranking and scores of the reference, a
// naive cosine here between the stored embeddings and the encoder's vector of the file. The URL
// keeps the search's column only, so a reload returns to the gallery with a note. The gallery's
// filter bar filters the tiles (checked against a naive filter of the labels), and the table and a
// reload keep that filter and its count. Screenshots go to test/e2e/artifacts/.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { buildDemoDataset } from '../../src/cli/demo-dataset.js';
import { read } from '../../src/index.js';
import { mobileNetV2Encoder } from '../../src/node/models/index.js';
import { type RunningApp, serveApp } from '../../src/node/server/index.js';
import { needs } from '../helpers/references.js';
import { artifact, ensureUiBuilt, launchChromium } from './browser.js';

const IMAGES = 12;
const D = 1280;

/** Naive cosine of `q` against each stored row, best first (ties by row number). */
function naiveRanking(stored: Float32Array, q: Float32Array): { row: number; score: number }[] {
  const out: { row: number; score: number }[] = [];
  for (let i = 0; i < stored.length / D; i++) {
    let dot = 0;
    let vv = 0;
    let qq = 0;
    for (let j = 0; j < D; j++) {
      dot += stored[i * D + j] * q[j];
      vv += stored[i * D + j] ** 2;
      qq += q[j] ** 2;
    }
    out.push({ row: i, score: dot / Math.sqrt(vv * qq) });
  }
  return out.sort((a, b) => b.score - a.score || a.row - b.row);
}

async function waitCount(page: Page, text: string): Promise<void> {
  await page.waitForFunction(
    (t) => document.querySelector('[data-testid="row-count"]')?.textContent === t,
    text,
    { timeout: 20_000 },
  );
}

/** Wait until every image in `selector` has loaded. */
async function imagesLoaded(page: Page, selector: string): Promise<void> {
  await page.waitForFunction(
    (s) => {
      const imgs = [...document.querySelectorAll<HTMLImageElement>(s)];
      return imgs.length > 0 && imgs.every((img) => img.complete && img.naturalWidth > 0);
    },
    selector,
    { timeout: 20_000 },
  );
}

/** The ranked results shown: rank, frame row and score of each. */
function shownResults(page: Page): Promise<{ rank: number; row: number; score: number }[]> {
  return page.$$eval('.results [data-rank]', (ts) =>
    ts.map((t) => ({
      rank: Number(t.getAttribute('data-rank')),
      row: Number(t.getAttribute('data-row')),
      score: Number(t.getAttribute('data-score')),
    })),
  );
}

const chromium = needs('chromium');

chromium.describe('search by an uploaded image, and the gallery filter, in Chromium', () => {
  let browser: Browser;
  let running: RunningApp;
  let page: Page;
  let files: string[];
  let labels: string[];
  let stored: Float32Array;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-upload-'));

  beforeAll(async () => {
    const [b, demo] = await Promise.all([launchChromium(), buildDemoDataset(root, IMAGES), ensureUiBuilt()]);
    browser = b;
    const frame = await read(demo.dataset);
    files = frame
      .column('image_file')
      .toArray()
      .map((f) => path.join(demo.media, f as string));
    labels = frame.column('label').toArray() as string[];
    stored = Float32Array.from(
      frame
        .column('embedding')
        .toArray()
        .flatMap((v) => [...(v as Float32Array)]),
    );
    running = await serveApp(demo.dataset, {
      mediaRoots: [demo.media],
      thumbnailDir: path.join(root, 'thumbs'),
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    page.on('pageerror', (e) => console.error('page error:', e));
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  /** The results match the reference ranking of `file`'s vector, its own row `row` first. */
  async function expectResultsFor(file: string, row: number): Promise<void> {
    await page.waitForSelector('.results .tile[data-rank]', { timeout: 30_000 });
    const encoder = mobileNetV2Encoder();
    const expected = naiveRanking(stored, await encoder.encode([fs.readFileSync(file)]));
    await encoder.dispose?.();
    const found = await shownResults(page);
    expect(found.map((f) => f.rank)).toEqual(expected.map((_, i) => i));
    expect(found.map((f) => f.row)).toEqual(expected.map((e) => e.row));
    for (let i = 0; i < found.length; i++) expect(found[i].score).toBeCloseTo(expected[i].score, 4);
    expect(found[0].row).toBe(row);
    expect(found[0].score).toBeCloseTo(1, 4);
    expect(await page.textContent('[data-testid="query-name"]')).toBe(path.basename(file));
    await imagesLoaded(page, '.results .tile img, [data-testid="query-image"]');
  }

  chromium.it(
    'finds the rows most similar to a picked image file, its own row first',
    async () => {
      await page.goto(`${running.url}#view=gallery`);
      await imagesLoaded(page, '[data-testid="gallery"] .tile img');
      const row = 4;
      await page.setInputFiles('[data-testid="image-search-input"]', files[row]);
      await expectResultsFor(files[row], row);
      await page.waitForFunction(() => window.location.hash.includes('similar=upload&by=embedding'));
      expect(await page.textContent('[data-testid="similar-method"]')).toBe('exact search');
      await page.screenshot({ path: artifact('upload-search') });

      // The image cannot be in the link: a reload shows the gallery again, and says why.
      await page.reload();
      await imagesLoaded(page, '[data-testid="gallery"] .tile img');
      await page.waitForFunction(() => !window.location.hash.includes('similar='));
      expect(page.url()).toContain('view=gallery');
      expect(await page.textContent('[data-testid="notice"]')).toMatch(/not kept in the link/);
      expect(await page.$('[data-testid="similar"]')).toBeNull();
      await page.screenshot({ path: artifact('upload-search-reloaded') });
    },
    60_000,
  );

  chromium.it(
    'takes an image dropped on the page, and back returns to the gallery',
    async () => {
      const row = 9;
      const bytes = fs.readFileSync(files[row]).toString('base64');
      const transfer = await page.evaluateHandle(
        ([b64, name]) => {
          const data = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          const dt = new DataTransfer();
          dt.items.add(new File([data], name, { type: 'image/png' }));
          return dt;
        },
        [bytes, path.basename(files[row])] as const,
      );
      await page.dispatchEvent('body', 'dragenter', { dataTransfer: transfer });
      await page.waitForSelector('[data-testid="image-drop-zone"]');
      await page.screenshot({ path: artifact('upload-search-drop-zone') });
      await page.dispatchEvent('body', 'drop', { dataTransfer: transfer });
      expect(await page.$('[data-testid="image-drop-zone"]')).toBeNull();
      await expectResultsFor(files[row], row);
      await page.click('[data-testid="similar-back"]');
      await imagesLoaded(page, '[data-testid="gallery"] .tile img');
      expect(page.url()).not.toContain('similar=');
    },
    60_000,
  );

  chromium.it('filters the gallery with the filter bar; the table and a reload keep the filter', async () => {
    await page.goto(`${running.url}#view=gallery`);
    await waitCount(page, `${IMAGES} rows`);
    await page.click('[data-testid="add-rule"]');
    await page.selectOption('[data-rule="0"] [data-field="column"]', 'label');
    await page.selectOption('[data-rule="0"] [data-field="op"]', '==');
    await page.fill('[data-rule="0"] [data-field="value"]', 'circle');
    const circles = labels.flatMap((l, i) => (l === 'circle' ? [i] : []));
    const count = `${circles.length} of ${IMAGES} rows`;
    await waitCount(page, count);
    await imagesLoaded(page, '[data-testid="gallery"] .tile img');
    const tiles = await page.$$eval('[data-testid="gallery"] .tile', (ts) =>
      ts.map((t) => Number(t.getAttribute('data-row'))).sort((a, b) => a - b),
    );
    expect(tiles).toEqual(circles);
    await page.waitForFunction(() => window.location.hash.includes('filter='));
    await page.screenshot({ path: artifact('gallery-filter') });

    // The table shows the same filter and count.
    await page.click('[data-testid="switch-table"]');
    await waitCount(page, count);
    expect(await page.inputValue('[data-rule="0"] [data-field="column"]')).toBe('label');
    expect(await page.inputValue('[data-rule="0"] [data-field="value"]')).toBe('circle');
    // The gutter shows each row's frame row number.
    await page.waitForFunction(
      (n) =>
        [...document.querySelectorAll('.body .row .gutter')].filter((g) => g.textContent !== '').length === n,
      circles.length,
    );
    const rows = await page.$$eval('.body .row .gutter', (gs) =>
      gs.map((g) => Number(g.textContent)).sort((a, b) => a - b),
    );
    expect(rows).toEqual(circles);

    // Back to the gallery, then a reload: still filtered.
    await page.click('[data-testid="switch-gallery"]');
    await waitCount(page, count);
    await page.reload();
    await waitCount(page, count);
    expect(await page.inputValue('[data-rule="0"] [data-field="value"]')).toBe('circle');
    expect(page.url()).toContain('view=gallery');
  });
});
