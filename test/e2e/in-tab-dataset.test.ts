// A Tessera dataset folder opened in the tab, no server: the store writes a dataset (int, float,
// string with nulls, a tensor embedding, an object column and an image column whose PNG files live
// in the folder), the page is given the folder through its folder input, and the table shows what
// `tessera app DIR` shows for the same folder (the app's server, read here in the same browser), its
// scalar cells equal to the formulas the rows were made from; sort, filter and find similar in the
// tab equal a naive sort, filter and cosine k-NN. Screenshots go to test/e2e/artifacts/.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect } from 'vitest';
import { DataFrame, imageColumn, ObjectColumn, TensorColumn, write } from '../../src/index.js';
import { type RunningApp, serveApp } from '../../src/node/server/index.js';
import { exportStaticApp } from '../../src/node/server/static-export.js';
import { needs } from '../helpers/references.js';
import { artifact, ensureUiBuilt, launchChromium, UI_DIST } from './browser.js';
import { chooseSource, staticServer } from './in-tab-page.js';
import { setRule, topRows, waitLoaded } from './table-page.js';

const N = 400;
const rows = Array.from({ length: N }, (_, i) => i);
const score = (i: number) => ((i * 7919) % 1009) / 8;
const name = (i: number) => (i % 9 === 4 ? null : `n${i} ü`);
const meta = (i: number) => ({ k: i % 3, tags: [`t${i % 5}`] });
const vector = (i: number) => [Math.sin(i * 0.37), Math.cos(i * 0.11), ((i * 13) % 17) / 17, 0.5];
const image = (i: number) => `c${i % 6}.png`;
const colour = (c: number) => ({ r: (c * 97 + 30) % 256, g: (c * 57 + 200) % 256, b: (c * 151 + 90) % 256 });
/** The columns the table shows as text (the object column as its JSON). */
const TEXT_COLUMNS = ['id', 'score', 'name', 'meta', 'file'];

const chromium = needs('chromium');

chromium.describe('a dataset folder in the tab', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-in-tab-dataset-'));
  const root = path.join(dir, 'shapes');
  const site = path.join(dir, 'site');
  let browser: Browser;
  let app: RunningApp;
  let server: { url: string; close(): Promise<void> };
  let page: Page;

  beforeAll(async () => {
    const [b] = await Promise.all([launchChromium(), ensureUiBuilt()]);
    browser = b;
    const files = rows.map(image);
    const frame = new DataFrame({
      id: Int32Array.from(rows),
      score: Float64Array.from(rows, score),
      name: rows.map(name),
      emb: new TensorColumn(Float32Array.from(rows.flatMap(vector)), [4]),
      meta: new ObjectColumn(rows.map(meta)),
      file: files,
    });
    const images = path.join(root, 'images');
    await write(frame.withColumn('image', imageColumn(frame.column('file'), { baseDir: images })), root);
    fs.mkdirSync(images);
    await Promise.all(
      Array.from({ length: 6 }, (_, c) =>
        sharp({ create: { width: 40, height: 40, channels: 3, background: colour(c) } })
          .png()
          .toFile(path.join(images, `c${c}.png`)),
      ),
    );
    app = await serveApp(root, { thumbnailDir: path.join(dir, 'thumbs') });
    exportStaticApp(site, UI_DIST);
    server = await staticServer(site);
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    page.on('pageerror', (e) => console.error('page error:', e));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  chromium.it(
    'shows the rows as `tessera app DIR` does, then sorts, filters and finds similar rows',
    async () => {
      await page.goto(app.url);
      await waitLoaded(page, 10, true);
      const served = await topRows(page, 10, TEXT_COLUMNS);
      await page.screenshot({ path: artifact('in-tab-dataset-server') });

      await page.goto(server.url);
      await chooseSource(page, 'folder', root, 'shapes');
      await page.waitForFunction(
        (t) => document.querySelector('[data-testid="row-count"]')?.textContent === t,
        `${N} rows`,
      );
      const shown = await topRows(page, 10, TEXT_COLUMNS);
      expect(shown).toEqual(served);
      for (const [i, texts] of shown.entries()) {
        expect(texts.id).toBe(String(i));
        expect(texts.score).toBe(String(score(i)));
        expect(texts.name).toBe(name(i) ?? 'null');
        expect(texts.file).toBe(image(i));
      }
      // The image column is listed with the others, as a media column.
      expect(await page.$('.head[data-col="image"]')).not.toBeNull();
      await page.screenshot({ path: artifact('in-tab-dataset') });

      await page.click('.head[data-col="score"]');
      await page.click('.head[data-col="score"]'); // descending
      await page.waitForFunction(() => window.location.hash.includes('sort=-score'));
      const byScore = [...rows].sort((a, b) => score(b) - score(a) || a - b);
      expect((await topRows(page, 10, ['id'])).map((t) => Number(t.id))).toEqual(byScore.slice(0, 10));

      await setRule(page, 0, 'score', '>', '100');
      const kept = byScore.filter((i) => score(i) > 100);
      await page.waitForFunction(
        (t) => document.querySelector('[data-testid="row-count"]')?.textContent === t,
        `${kept.length} of ${N} rows`,
      );
      expect((await topRows(page, 10, ['id'])).map((t) => Number(t.id))).toEqual(kept.slice(0, 10));
      await page.screenshot({ path: artifact('in-tab-dataset-sorted-filtered') });

      const query = kept[2];
      await page.click('.body .row[data-row="2"] [data-col="id"]'); // the view's third row
      await page.click('[data-similar="emb"]');
      await page.waitForSelector('.results tr[data-rank]');
      const found = await page.$$eval('.results tr[data-rank]', (trs) =>
        trs.map((t) => ({
          row: Number(t.getAttribute('data-row')),
          score: Number(t.getAttribute('data-score')),
        })),
      );
      const q = Float32Array.from(vector(query));
      const cosine = (i: number) => {
        const v = Float32Array.from(vector(i));
        let dot = 0;
        for (let j = 0; j < 4; j++) dot += v[j] * q[j];
        return dot / (Math.hypot(...v) * Math.hypot(...q));
      };
      const expected = [...rows].sort((a, b) => cosine(b) - cosine(a) || a - b).slice(0, found.length);
      expect(found.length).toBeGreaterThan(5);
      expect(found.map((f) => f.row)).toEqual(expected);
      for (const [k, f] of found.entries()) expect(f.score).toBeCloseTo(cosine(expected[k]), 5);
      await page.screenshot({ path: artifact('in-tab-dataset-similar') });
    },
  );

  chromium.it('says which file is damaged when a data file of the folder is', async () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'manifest.json'), 'utf8'));
    const nameFile: string = manifest.columns.find((c: { name: string }) => c.name === 'name').fragments[0]
      .file.path;
    const bytes = fs.readFileSync(path.join(root, nameFile));
    bytes[bytes.length >> 1] ^= 0x40;
    fs.writeFileSync(path.join(root, nameFile), bytes);
    await page.goto(`${server.url}#`);
    await page.reload();
    await chooseSource(page, 'folder', root, 'shapes');
    // The table's windows fail, and the status line says which file of the folder is damaged.
    await page.waitForFunction(
      (file) => document.body.textContent?.includes(`corrupt dataset file shapes/${file}`),
      nameFile,
      { timeout: 20_000 },
    );
    await page.screenshot({ path: artifact('in-tab-dataset-damaged') });
  });

  chromium.it('opens a folder of 200k rows: first rows on screen, timed', async () => {
    const big = path.join(dir, 'big');
    const n = 200_000;
    await write(
      new DataFrame({
        id: Int32Array.from({ length: n }, (_, i) => i),
        score: Float64Array.from({ length: n }, (_, i) => score(i)),
        name: Array.from({ length: n }, (_, i) => name(i)),
        emb: new TensorColumn(
          Float32Array.from({ length: n * 16 }, (_, k) => (k % 97) / 97),
          [16],
        ),
      }),
      big,
    );
    await page.goto(`${server.url}#`);
    await page.reload();
    await page.waitForSelector('[data-testid="in-tab-folder"]', { state: 'attached' });
    const t0 = Date.now();
    await page.setInputFiles('[data-testid="in-tab-folder"]', big);
    await page.waitForFunction(
      () =>
        document.querySelector('[data-testid="source"]')?.textContent === 'big' &&
        document.querySelector('.body .row .cell:not(.pending)') !== null,
      undefined,
      { timeout: 30_000, polling: 'raf' },
    );
    console.log(`in-tab: a dataset folder of ${n} rows to first rows on screen in ${Date.now() - t0} ms`);
    const shown = await topRows(page, 5, ['id', 'score', 'name']);
    await page.screenshot({ path: artifact('in-tab-dataset-big') });
    expect(shown).toEqual(
      Array.from({ length: 5 }, (_, i) => ({
        id: String(i),
        score: String(score(i)),
        name: name(i) ?? 'null',
      })),
    );
  });
});
