// The built-in image encoder in one tab, no server: a folder of 50 images (written by PIL: 48 PNGs
// and 2 JPEGs, a grey one and an RGBA one among them; 30 of the network's 224 × 224, 20 of other
// sizes; five visual themes so that neighbours mean something) is
// opened in the static app, embedded in the tab's worker by "Embed images" (MobileNetV2 on
// onnxruntime-web), then searched with "find similar". The reference is the Node encoder over the
// same files (sharp decodes and resizes, onnxruntime-node runs the network): per image, the tab's
// vector has cosine >= 0.9999 to Node's for 224 × 224 files (equal pixels; only float rounding of two
// runtimes differs) and >= RESIZED_COSINE for resized ones (the tab resizes in TypeScript, within 2
// levels of libvips per pixel); the tab's top-10 lists for 224 × 224 queries equal a naive cosine
// k-NN over Node's vectors. Then the map of the tab's vectors: its PCA layout equals the core's PCA
// run in this process on the same vectors, and a lasso over it filters the table to exactly the rows a
// naive ray casting over that layout finds. Screenshots go to test/e2e/artifacts/.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import type { Browser, Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { pcaLayout } from '../../src/core/layout/pca.js';
import { mobileNetV2Encoder } from '../../src/node/models/mobilenet.js';
import { exportStaticApp } from '../../src/node/server/static-export.js';
import { needs, PYTHON } from '../helpers/references.js';
import { artifact, ensureUiBuilt, launchChromium, UI_DIST } from './browser.js';
import { staticServer } from './in-tab-page.js';
import { drawLasso, naiveInside, waitDrawn } from './map-page.js';

const IMAGES = 50;
const K = 10;
const DIMS = 1280;
/** 224 × 224 files: the same pixels in both, so only the runtimes' float rounding differs. */
const EXACT_COSINE = 0.9999;
/**
 * Resized files: pixels within 2 levels of sharp's (0.07 to 0.32 on average, test/node/models/
 * image-resize.test.ts), which moves MobileNetV2's pooled features a little; measured here
 * (Debian chromium, onnxruntime-web 1.31 wasm) the lowest is 0.99954, over 20 files from 90 × 120 to 640 × 480.
 */
const RESIZED_COSINE = 0.999;

/** Five themes (hue, shape) of ten images each; sizes: 3 of 5 images are 224 × 224. */
const WRITE_IMAGES = `
import sys, os, numpy as np
from PIL import Image, ImageDraw
root = sys.argv[1]
sizes = [(300, 200), (160, 160), (500, 375), (100, 150), (640, 480), (224, 300), (256, 256), (400, 400), (90, 120), (320, 240)]
themes = ['red', 'green', 'blue', 'stripes', 'dots']
for i in range(${IMAGES}):
    theme = themes[i % 5]
    rng = np.random.default_rng(i)
    w, h = (224, 224) if (i // 5) % 5 < 3 else sizes[i % len(sizes)]
    y, x = np.mgrid[0:h, 0:w]
    base = np.zeros((h, w, 3))
    if theme in ('red', 'green', 'blue'):
        c = ['red', 'green', 'blue'].index(theme)
        base[..., c] = 140 + 100 * (x / w)
        base[..., (c + 1) % 3] = 60 * (y / h)
    elif theme == 'stripes':
        period = rng.uniform(8, 20) * w / 224
        base[...] = (128 + 110 * np.sin(2 * np.pi * x / period))[..., None]
    else:
        base[...] = 230
    base += rng.normal(0, 12, base.shape)
    img = Image.fromarray(np.clip(base, 0, 255).astype(np.uint8), 'RGB')
    draw = ImageDraw.Draw(img)
    for _ in range(6):
        cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.04, 0.15) * min(w, h)
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        if theme == 'dots':
            draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=colour)
        else:
            draw.rectangle([cx - r, cy - r, cx + r, cy + r], fill=colour)
    if i == 3:
        img = img.convert('L')
    if i == 8:
        img = img.convert('RGBA')
    folder = os.path.join(root, theme)
    os.makedirs(folder, exist_ok=True)
    jpeg = i in (13, 48)
    img.save(os.path.join(folder, f'img_{i:02d}.{"jpg" if jpeg else "png"}'), quality=90)
`;

/** The in-tab worker (the only dedicated worker of the page). */
function inTabWorker(page: Page): Worker {
  const worker = page.workers().find((w) => w.url().includes('worker'));
  if (worker === undefined) throw new Error('the page has no in-tab worker');
  return worker;
}

/**
 * An API request answered by the in-tab worker, asked from the test: the message the page would post,
 * handed to the worker's own onmessage, its reply taken from postMessage (other replies pass on).
 */
async function workerApi(page: Page, method: string, url: string): Promise<Uint8Array> {
  const bytes = await inTabWorker(page).evaluate(
    ([m, u]) =>
      new Promise<number[]>((resolve, reject) => {
        const scope = self as unknown as {
          postMessage(message: { id: number; status: number; body: ArrayBuffer }, t?: Transferable[]): void;
          onmessage(event: { data: unknown }): void;
        };
        const post = scope.postMessage;
        const id = -1 - Math.floor(Math.random() * 1e9);
        scope.postMessage = (message, transfer) => {
          if (message.id !== id) return post.call(scope, message, transfer);
          scope.postMessage = post;
          const body = Array.from(new Uint8Array(message.body));
          if (message.status >= 300) reject(new Error(new TextDecoder().decode(new Uint8Array(body))));
          else resolve(body);
        };
        scope.onmessage({ data: { kind: 'api', id, method: m, url: u } });
      }),
    [method, url] as const,
  );
  return Uint8Array.from(bytes);
}

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return ab / Math.sqrt(aa * bb);
}

/** The naive reference: cosine to every row, best first (ties by row number), top k. */
function naiveNearest(vectors: Float32Array[], query: number, k: number): number[] {
  return vectors
    .map((v, row) => ({ row, score: cosine(vectors[query], v) }))
    .sort((a, b) => b.score - a.score || a.row - b.row)
    .slice(0, k)
    .map((r) => r.row);
}

const refs = needs('chromium', 'PIL', 'numpy');

refs.describe('the built-in image encoder in one tab, no server', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-in-tab-embed-'));
  const site = path.join(dir, 'site');
  const images = path.join(dir, 'shapes');
  let browser: Browser;
  let server: Awaited<ReturnType<typeof staticServer>>;
  let page: Page;

  beforeAll(async () => {
    const [b] = await Promise.all([launchChromium(), ensureUiBuilt()]);
    browser = b;
    execFileSync(PYTHON, ['-c', WRITE_IMAGES, images]);
    exportStaticApp(site, UI_DIST);
    server = await staticServer(site);
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    page.on('pageerror', (e) => console.error('page error:', e));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  refs.it(
    'embeds 50 images in the tab as Node embeds them, and finds similar images as a naive k-NN over Node’s vectors',
    async () => {
      await page.goto(server.url);
      await page.waitForSelector('[data-testid="in-tab-folder"]', { state: 'attached' });
      await page.setInputFiles('[data-testid="in-tab-folder"]', images);
      await page.waitForSelector('.body .row[data-row]', { timeout: 60_000 });

      // The network and its runtime are fetched only when the user embeds.
      const networkAssets = () =>
        server.requests.filter((r) => /ort-wasm|group1-shard|in-tab-encoder/.test(r));
      expect(networkAssets()).toEqual([]);

      // A cancelled embed leaves the frame as it was.
      await page.click('[data-testid="embed-images"]');
      await page.click('[data-testid="embed-cancel"]');
      await page.waitForSelector('[data-testid="embed-cancelled"]', { timeout: 60_000 });
      expect(await page.$('[data-col="image_embedding"]')).toBeNull();
      const cancelled = JSON.parse(
        new TextDecoder().decode(await workerApi(page, 'GET', 'api/embed/image_embedding')),
      );
      expect(cancelled.state).toBe('cancelled');
      console.log(`loading the network in the tab (first embed): ${cancelled.loadSeconds.toFixed(2)} s`);

      // Embed: progress shows, the worker answers the table's requests between batches, then the
      // column is in the schema.
      await page.click('[data-testid="embed-images"]');
      await page.waitForFunction(
        () => document.querySelector('[data-testid="embed-progress"]')?.textContent?.includes('Embedding'),
        undefined,
        { timeout: 60_000 },
      );
      await page.screenshot({ path: artifact('in-tab-embed-progress') });
      const t0 = Date.now();
      await workerApi(page, 'GET', 'api/rows?start=0&end=20&columns=path,label');
      const windowMs = Date.now() - t0;
      const meanwhile = JSON.parse(
        new TextDecoder().decode(await workerApi(page, 'GET', 'api/embed/image_embedding')),
      );
      console.log(`a row window while embedding: ${windowMs} ms (at ${meanwhile.done} of ${IMAGES} images)`);
      expect(meanwhile.done).toBeLessThan(IMAGES);
      await page.waitForSelector('[data-testid="embed-done"]', { timeout: 240_000 });
      const job = JSON.parse(
        new TextDecoder().decode(await workerApi(page, 'GET', 'api/embed/image_embedding')),
      );
      expect(job).toMatchObject({ state: 'complete', done: IMAGES, total: IMAGES, dimensions: DIMS });
      expect(networkAssets().length).toBe(3);
      console.log(`in-tab embedding of ${IMAGES} images, the network loaded: ${job.seconds.toFixed(2)} s`);
      await page.waitForSelector('.head [data-col="image_embedding"], [data-col="image_embedding"]');
      await page.screenshot({ path: artifact('in-tab-embed-done') });

      // The tab's vectors and paths, in frame order, through the worker's API (Arrow IPC window).
      const table = arrow.tableFromIPC(
        await workerApi(page, 'GET', `api/rows?start=0&end=${IMAGES}&columns=path,image_embedding`),
      );
      const paths = Array.from({ length: IMAGES }, (_, i) => String(table.getChild('path')?.get(i)));
      const tab = Array.from({ length: IMAGES }, (_, i) => {
        const v = table.getChild('image_embedding')?.get(i);
        return Float32Array.from(v.toArray() as Float32Array);
      });
      expect(tab[0].length).toBe(DIMS);

      // Node's vectors of the same files: sharp decodes and resizes, onnxruntime-node runs the graph.
      const encoder = mobileNetV2Encoder({ baseDir: images, threads: 1 });
      const flat = await encoder.encode(paths);
      await encoder.dispose?.();
      const node = paths.map((_, i) => flat.subarray(i * DIMS, (i + 1) * DIMS));
      const sizes = JSON.parse(
        execFileSync(
          PYTHON,
          [
            '-c',
            'import sys, json\nfrom PIL import Image\nprint(json.dumps([Image.open(p).size for p in sys.argv[2:]]))',
            '-',
            ...paths.map((p) => path.join(images, p)),
          ],
          { encoding: 'utf8' },
        ),
      ) as [number, number][];
      const exact = sizes.map(([w, h]) => w === 224 && h === 224);
      const cosines = tab.map((v, i) => cosine(v, node[i]));
      const lowest = (keep: boolean) => Math.min(...cosines.filter((_, i) => exact[i] === keep));
      console.log(
        `tab vs Node cosine: 224×224 files min ${lowest(true).toFixed(6)}, resized files min ${lowest(false).toFixed(6)}`,
      );
      expect(exact.filter(Boolean).length).toBe(30);
      cosines.forEach((c, i) => {
        expect(c, paths[i]).toBeGreaterThanOrEqual(exact[i] ? EXACT_COSINE : RESIZED_COSINE);
      });

      // Find similar from the table on three 224 × 224 rows in sight: ranked as a naive k-NN over Node's vectors.
      const shown = await page.$$eval('.body .row[data-row]', (rs) =>
        rs.map((r) => Number(r.getAttribute('data-row'))),
      );
      const queries = shown.filter((r) => exact[r]).slice(0, 3);
      expect(queries.length).toBe(3);
      for (const [n, query] of queries.entries()) {
        await page.click(`.body .row[data-row="${query}"] [data-col="label"]`);
        await page.click('[data-similar="image_embedding"]');
        await page.waitForSelector('.results tr[data-rank]');
        const found = await page.$$eval('.results tr[data-rank]', (trs) =>
          trs.map((t) => ({
            row: Number(t.getAttribute('data-row')),
            score: Number(t.getAttribute('data-score')),
          })),
        );
        // The results view asks for more than K rows: the first K are compared.
        found.splice(K);
        const rows = found.map((f) => f.row);
        const nodeScore = (r: number) => cosine(node[query], node[r]);
        const tabScore = (r: number) => cosine(tab[query], tab[r]);
        // The search in the tab: exactly the naive k-NN over the tab's vectors, with their scores.
        expect(rows, `neighbours of ${paths[query]}`).toEqual(naiveNearest(tab, query, K));
        for (const f of found) expect(f.score).toBeCloseTo(tabScore(f.row), 5);
        // Against Node's k-NN: rows of 224 × 224 files have Node's vectors (cosine 1 to 1e-6), so they
        // keep Node's order exactly. A resized row's score moves by up to ε (its vector's angle to
        // Node's), so it may swap with rows whose Node scores are that close: the lists are compared
        // by rank and by set, and ε is reported.
        const epsilon = Math.max(...node.map((_, r) => Math.abs(tabScore(r) - nodeScore(r))));
        const expected = naiveNearest(node, query, K);
        const same = rows.filter((r, i) => r === expected[i]).length;
        const shared = rows.filter((r) => expected.includes(r)).length;
        console.log(
          `query ${paths[query]}: ${same}/${K} ranks and ${shared}/${K} rows as Node's k-NN (largest score change ε = ${epsilon.toFixed(5)})`,
        );
        expect(shared).toBeGreaterThanOrEqual(K - 1);
        expect(rows.filter((r) => exact[r])).toEqual(
          naiveNearest(node, query, IMAGES).filter((r) => exact[r] && rows.includes(r)),
        );
        expect(rows[0]).toBe(query);
        // Neighbours share the query's theme (its folder) first.
        const theme = paths[query].split('/')[0];
        expect(rows.slice(1, 4).every((r) => paths[r].startsWith(`${theme}/`))).toBe(true);
        if (n === 0) await page.screenshot({ path: artifact('in-tab-embed-similar') });
        await page.click('[data-testid="similar-back"]');
        await page.waitForSelector('.body .row[data-row]');
      }

      // The map of the tab's own vectors: its PCA layout (in the tab's worker) equals the core's PCA run
      // here on the same vectors, and a lasso over it filters the table to exactly the rows a naive ray
      // casting over that layout finds, in frame order.
      await page.click('[data-testid="switch-map"]');
      await waitDrawn(page);
      expect(await page.$eval('[data-testid="map-column"]', (s) => (s as HTMLSelectElement).value)).toBe(
        'image_embedding',
      );
      const tabXY = new Float32Array(
        (await workerApi(page, 'GET', 'api/map/image_embedding?method=pca')).slice().buffer,
      );
      const vectors = new Float32Array(IMAGES * DIMS);
      tab.forEach((v, i) => {
        vectors.set(v, i * DIMS);
      });
      const nodeXY = await pcaLayout(vectors, IMAGES, DIMS);
      expect(tabXY.length).toBe(2 * IMAGES);
      for (let i = 0; i < tabXY.length; i++) expect(tabXY[i]).toBeCloseTo(nodeXY[i], 4);
      await drawLasso(page);
      const hash = new URLSearchParams((await page.evaluate(() => window.location.hash)).slice(1));
      expect(hash.get('lasso')).toBe('image_embedding.map.pca');
      const numbers = (hash.get('poly') as string).split(',').map(Number);
      const polygon = Array.from({ length: numbers.length / 2 }, (_, i) => [
        numbers[2 * i],
        numbers[2 * i + 1],
      ]);
      const inside = paths
        .map((_, i) => i)
        .filter((i) => naiveInside(nodeXY[2 * i], nodeXY[2 * i + 1], polygon));
      expect(inside.length).toBeGreaterThan(0);
      expect(inside.length).toBeLessThan(IMAGES);
      expect(Number(await page.textContent('[data-testid="map-selected"]'))).toBe(inside.length);
      await page.screenshot({ path: artifact('in-tab-embed-lasso') });
      await page.click('[data-testid="map-show-table"]');
      await page.waitForFunction(
        (t) => document.querySelector('[data-testid="row-count"]')?.textContent === t,
        `${inside.length} of ${IMAGES} rows`,
        { timeout: 30_000 },
      );
      await page.waitForFunction(() => document.querySelector('.body .row .pending') === null);
      const shownPaths = await page.$$eval('.body .row', (rows) =>
        rows
          .sort((a, b) => Number(a.getAttribute('data-row')) - Number(b.getAttribute('data-row')))
          .map((r) => r.querySelector('[data-col="path"]')?.textContent ?? ''),
      );
      expect(shownPaths.length).toBeGreaterThan(0);
      expect(shownPaths).toEqual(inside.slice(0, shownPaths.length).map((i) => paths[i]));
      await page.screenshot({ path: artifact('in-tab-embed-lasso-table') });
    },
    420_000,
  );
});
