// Volume and graph cells in real headless Chromium: a frame with NIfTI volumes (written by nibabel)
// and node-link / GraphML graphs; the table shows the middle axial slice and a small graph drawing;
// the row detail's slice viewer switches axis, follows its slider and the arrow keys (each time a
// new slice URL, loaded, non-blank, at the size the voxel sizes give; the axis and slice kept in the
// URL across a reload), and draws the graph with a
// circle per node and its label on hover. Screenshots go to test/e2e/artifacts/.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { DataFrame, graphColumn, volumeColumn } from '../../src/index.js';
import { type RunningApp, serveApp } from '../../src/node/server/index.js';
import { needs, PYTHON } from '../helpers/references.js';
import { artifact, ensureUiBuilt, launchChromium } from './browser.js';

/** Canonical (RAS+) sizes and voxel sizes of the volume Python writes (stored as LPS, so flipped). */
const SHAPE = [24, 20, 10];
const VOXEL = [1, 1, 2.5];
/** Longer side of the detail viewer's slices (VolumeViewer.svelte's SIZE). */
const SIZE = 320;

const WRITE = `
import json, sys
import numpy as np, nibabel as nib
out = sys.argv[1]
x, y, z = np.meshgrid(np.arange(24), np.arange(20), np.arange(10), indexing='ij')
ball = ((x - 9) ** 2 + (y - 12) ** 2 + ((z - 5) * 2.5) ** 2 < 49) * 600
data = (x * 10 + y * 4 + z * 20 + ball).astype(np.int16)[::-1, ::-1, :]
affine = np.diag([-1.0, -1.0, 2.5, 1.0])
nib.save(nib.Nifti1Image(data, affine), f'{out}/head.nii')
nib.save(nib.Nifti1Image(data[:, :, :4].copy(), affine), f'{out}/small.nii')
nodes = [{'id': i, 'label': f'city {i}'} for i in range(12)]
links = [{'source': i, 'target': (i + 1) % 12} for i in range(12)] + [{'source': 0, 'target': 6}, {'source': 3, 'target': 9}]
json.dump({'directed': False, 'multigraph': False, 'graph': {}, 'nodes': nodes, 'links': links}, open(f'{out}/ring.json', 'w'))
big = {'directed': False, 'nodes': [{'id': i} for i in range(2500)], 'links': [{'source': i, 'target': (i + k) % 2500} for i in range(2500) for k in (1, 7)]}
json.dump(big, open(f'{out}/big.json', 'w'))
open(f'{out}/tri.graphml', 'w').write('''<?xml version="1.0"?>
<graphml xmlns="http://graphml.graphdrawing.org/xmlns"><graph edgedefault="directed">
<node id="a"/><node id="b"/><node id="c"/><edge source="a" target="b"/><edge source="b" target="c"/><edge source="c" target="a"/>
</graph></graphml>''')
`;

/** The loaded slice image: its URL, natural size and how many distinct grey levels it shows. */
function sliceState(page: Page) {
  return page.$eval('[data-testid="volume-slice"]', (img) => {
    const el = img as HTMLImageElement;
    const canvas = document.createElement('canvas');
    canvas.width = el.naturalWidth;
    canvas.height = el.naturalHeight;
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(el, 0, 0);
    const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    const levels = new Set<number>();
    let bright = 0;
    for (let i = 0; i < px.length; i += 4) {
      levels.add(px[i]);
      if (px[i] > 32) bright++;
    }
    return {
      src: el.getAttribute('src') ?? '',
      width: el.naturalWidth,
      height: el.naturalHeight,
      levels: levels.size,
      brightShare: bright / (px.length / 4),
    };
  });
}

/** Wait until the slice image shows `src` fully loaded. */
async function sliceLoaded(page: Page, previous?: string): Promise<void> {
  await page.waitForFunction(
    (prev) => {
      const img = document.querySelector<HTMLImageElement>('[data-testid="volume-slice"]');
      return img !== null && img.getAttribute('src') !== prev && img.complete && img.naturalWidth > 0;
    },
    previous ?? null,
    { timeout: 15_000 },
  );
}

/** The drawn size of a slice along canonical `axis`: SIZE on the longer physical side. */
function expectedSize(axis: number): [number, number] {
  const [h, v] = axis === 0 ? [1, 2] : axis === 1 ? [0, 2] : [0, 1];
  const [w, ht] = [SHAPE[h] * VOXEL[h], SHAPE[v] * VOXEL[v]];
  const scale = SIZE / Math.max(w, ht);
  return [Math.round(w * scale), Math.round(ht * scale)];
}

const refs = needs('chromium', 'nibabel');

refs.describe('volume and graph cells in Chromium', () => {
  let browser: Browser;
  let app: RunningApp;
  let page: Page;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-volume-graph-'));

  beforeAll(async () => {
    execFileSync(PYTHON, ['-c', WRITE, root]);
    const [b] = await Promise.all([launchChromium(), ensureUiBuilt()]);
    browser = b;
    app = await serveApp(
      new DataFrame({ name: ['head', 'small', 'head'] })
        .withColumn('scan', volumeColumn(['head.nii', 'small.nii', 'head.nii'], { baseDir: root }))
        .withColumn('net', graphColumn(['ring.json', 'tri.graphml', 'big.json'], { baseDir: root })),
      { mediaRoots: [root], thumbnailDir: path.join(root, 'thumbs') },
    );
    page = await browser.newPage({ viewport: { width: 1100, height: 720 } });
    page.on('pageerror', (e) => console.error('page error:', e));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  refs.it(
    'shows slice thumbnails and graph previews in the table, and the viewers in the row detail',
    async () => {
      await page.goto(app.url);
      // The table: every row's volume thumbnail loaded, every graph preview drawn with its counts.
      await page.waitForFunction(
        () => {
          const imgs = [...document.querySelectorAll<HTMLImageElement>('.cell[data-col="scan"] img')];
          const graphs = [...document.querySelectorAll('.cell[data-col="net"] svg')];
          return (
            imgs.length === 3 && imgs.every((i) => i.complete && i.naturalWidth > 0) && graphs.length === 3
          );
        },
        undefined,
        { timeout: 20_000 },
      );
      const previews = await page.$$eval('.cell[data-col="net"]', (cells) =>
        cells.map((c) => ({ circles: c.querySelectorAll('circle').length, counts: c.textContent?.trim() })),
      );
      expect(previews).toEqual([
        { circles: 12, counts: '12·14' },
        { circles: 3, counts: '3·3' },
        { circles: 80, counts: '2500·5000' }, // the preview draws the first 80 nodes
      ]);
      // The thumbnail is the middle axial slice at the voxels' aspect (24 × 20 mm).
      const thumb = await page.$eval('.cell[data-col="scan"] img', (i) => [
        (i as HTMLImageElement).naturalWidth,
        (i as HTMLImageElement).naturalHeight,
      ]);
      expect(thumb).toEqual([96, 80]);
      await page.screenshot({ path: artifact('volume-graph-table') });

      // The row detail of row 0: the axial slice in the middle, at its physical aspect.
      await page.click('.body .row[data-row="0"] .cell[data-col="name"]');
      await sliceLoaded(page);
      let state = await sliceState(page);
      expect(state.src).toContain('axis=2&index=5&');
      expect([state.width, state.height]).toEqual(expectedSize(2));
      expect(state.levels).toBeGreaterThan(20);
      expect(await page.textContent('[data-testid="volume-readout"]')).toContain('Axial 6 / 10');

      // Sagittal: a new slice, taller than wide (10 slices of 2.5 mm against 20 of 1 mm).
      let previous = state.src;
      await page.click('[data-testid="volume-viewer"] button[data-axis="0"]');
      await sliceLoaded(page, previous);
      state = await sliceState(page);
      expect(state.src).toContain('axis=0&index=12&');
      expect([state.width, state.height]).toEqual(expectedSize(0));
      expect(state.levels).toBeGreaterThan(20);
      expect(state.brightShare).toBeGreaterThan(0.05);
      expect(await page.textContent('[data-testid="volume-readout"]')).toContain('Sagittal 13 / 24');
      expect(await page.$$eval('.volume-viewer .edge', (e) => e.map((x) => x.textContent).join(''))).toBe(
        'APSI',
      );
      await page.screenshot({ path: artifact('volume-detail-sagittal') });

      // The slider, then the arrow keys on the viewer.
      previous = state.src;
      await page.fill('[data-testid="volume-slider"]', '3');
      await sliceLoaded(page, previous);
      state = await sliceState(page);
      expect(state.src).toContain('axis=0&index=3&');
      expect(await page.textContent('[data-testid="volume-readout"]')).toContain('Sagittal 4 / 24');
      previous = state.src;
      await page.focus('[data-testid="volume-viewer"]');
      await page.keyboard.press('ArrowUp');
      await page.keyboard.press('ArrowUp');
      await sliceLoaded(page, previous);
      state = await sliceState(page);
      expect(state.src).toContain('axis=0&index=5&');

      // The axis and slice are in the URL: a reload opens row 0 at the same slice.
      await page.waitForFunction(() => window.location.hash.includes('vol=scan&axis=0&slice=5'));
      expect(new URLSearchParams((await page.evaluate(() => window.location.hash)).slice(1)).get('sel')).toBe(
        '0',
      );
      await page.reload();
      await sliceLoaded(page);
      state = await sliceState(page);
      expect(state.src).toContain('axis=0&index=5&');
      expect(await page.textContent('[data-testid="volume-readout"]')).toContain('Sagittal 6 / 24');
      expect(
        await page.getAttribute('[data-testid="volume-viewer"] button[data-axis="0"]', 'aria-pressed'),
      ).toBe('true');
      previous = state.src;
      await page.click('[data-testid="volume-viewer"] button[data-axis="1"]');
      await sliceLoaded(page, previous);
      state = await sliceState(page);
      expect(state.src).toContain('axis=1&index=10&');
      expect([state.width, state.height]).toEqual(expectedSize(1));
      expect(state.levels).toBeGreaterThan(20);
      await page.screenshot({ path: artifact('volume-detail-coronal') });

      // The graph in the detail: a circle per node, edges drawn, the label on hover.
      await page.waitForSelector('[data-testid="graph-svg"] circle');
      expect(await page.$$eval('[data-testid="graph-svg"] circle', (c) => c.length)).toBe(12);
      const edgePath = await page.$eval(
        '[data-testid="graph-svg"] path.edges',
        (p) => p.getAttribute('d') ?? '',
      );
      expect(edgePath.match(/M/g)?.length).toBe(14);
      expect(await page.textContent('[data-testid="graph-readout"]')).toContain(
        '12 nodes · 14 edges · undirected',
      );
      await page.$eval('[data-testid="graph-svg"]', (s) => s.scrollIntoView());
      await page.hover('[data-testid="graph-svg"] circle[data-node="4"]');
      await page.waitForSelector('[data-testid="graph-label"]');
      expect(await page.textContent('[data-testid="graph-label"]')).toBe('city 4');
      // The drawing is spread out: no two nodes on top of each other.
      const boxes = await page.$$eval('[data-testid="graph-svg"] circle', (cs) =>
        cs.map((c) => {
          const b = c.getBoundingClientRect();
          return [b.x + b.width / 2, b.y + b.height / 2];
        }),
      );
      let closest = Number.POSITIVE_INFINITY;
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++)
          closest = Math.min(closest, Math.hypot(boxes[i][0] - boxes[j][0], boxes[i][1] - boxes[j][1]));
      expect(closest).toBeGreaterThan(8);
      await page.screenshot({ path: artifact('graph-detail') });

      // A directed graph (row 1): arrowheads; the wheel zooms the drawing.
      await page.click('.body .row[data-row="1"] .cell[data-col="name"]');
      await page.waitForFunction(
        () => document.querySelectorAll('[data-testid="graph-svg"] circle').length === 3,
      );
      expect(
        await page.$eval(
          '[data-testid="graph-svg"] path.arrows',
          (p) => p.getAttribute('d')?.match(/M/g)?.length,
        ),
      ).toBe(3);
      const before = await page.$eval('[data-testid="graph-svg"] g', (g) => g.getAttribute('transform'));
      await page.hover('[data-testid="graph-svg"]');
      await page.mouse.wheel(0, -300);
      await page.waitForFunction(
        (b) => document.querySelector('[data-testid="graph-svg"] g')?.getAttribute('transform') !== b,
        before,
      );
      await sliceLoaded(page);
      expect((await sliceState(page)).src).toContain('axis=2&index=2&');
      // Another row starts at its own middle axial slice, and the URL says so.
      await page.waitForFunction(() => /sel=1&.*vol=scan&axis=2&slice=2/.test(window.location.hash));

      // A big graph (row 2): capped at 2000 nodes by the server, laid out without freezing the page.
      await page.click('.body .row[data-row="2"] .cell[data-col="name"]');
      await page.waitForSelector('[data-testid="graph-pending"]');
      expect(await page.evaluate(() => 1 + 1)).toBe(2); // the page answers while the layout runs
      await page.waitForFunction(
        () => document.querySelectorAll('[data-testid="graph-svg"] circle').length === 2000,
        undefined,
        { timeout: 30_000 },
      );
      expect(await page.textContent('[data-testid="graph-readout"]')).toMatch(
        /2500 nodes · 5000 edges · undirected\s*\(showing 2000 nodes, \d+ edges\)/,
      );
      await page.$eval('[data-testid="graph-svg"]', (s) => s.scrollIntoView());
      await page.screenshot({ path: artifact('graph-detail-big') });
    },
    60_000,
  );
});
