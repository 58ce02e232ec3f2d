// The embedding map and the slices panel in one tab with no server (the static export, its API
// answered by the tab's worker) against the same Arrow file opened by the app's server: the same
// lasso drawn along the same screen path gives the same polygon, the rows a naive ray casting over
// the server's layout finds, and the same table; the colour legend is the same; the slices panel
// shows the server's numbers, which equal the evaluation module's (src/core/eval `evaluate`, run in
// this process on the plain arrays the file was written from); UMAP runs in the tab's worker with
// its progress shown. apache-arrow writes the file. Screenshots go to test/e2e/artifacts/.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { evaluate } from '../../src/core/eval/evaluate.js';
import { DataFrame, TensorColumn } from '../../src/index.js';
import { type RunningApp, serveApp } from '../../src/node/server/index.js';
import { exportStaticApp } from '../../src/node/server/static-export.js';
import { mulberry32 } from '../helpers/random.js';
import { needs } from '../helpers/references.js';
import { artifact, ensureUiBuilt, launchChromium, UI_DIST } from './browser.js';
import { chooseSource, staticServer } from './in-tab-page.js';
import { drawLasso, naiveInside, waitDrawn } from './map-page.js';

const N = 480;
const DIMS = 8;
const CLASSES = ['cat', 'dog', 'fox'];
const REGIONS = ['east', 'north', 'south', 'west'];
const METRICS = ['accuracy', 'f1_macro', 'roc_auc', 'ece'] as const;

/** Four blobs (one per region) in 8-d; labels of three classes, mostly wrong in the west; probabilities whose argmax is the prediction. */
function data() {
  const random = mulberry32(7);
  const region: string[] = [];
  const label: string[] = [];
  const pred: string[] = [];
  const probs = new Float32Array(N * CLASSES.length);
  const emb = new Float32Array(N * DIMS);
  for (let i = 0; i < N; i++) {
    const blob = i % REGIONS.length;
    region.push(REGIONS[blob]);
    const truth = Math.floor(random() * CLASSES.length);
    const wrong = random() < (REGIONS[blob] === 'west' ? 0.6 : 0.15);
    const guess = wrong ? (truth + 1 + Math.floor(random() * 2)) % CLASSES.length : truth;
    label.push(CLASSES[truth]);
    pred.push(CLASSES[guess]);
    const top = 0.45 + 0.5 * random();
    const second = (1 - top) * random();
    for (let c = 0; c < CLASSES.length; c++)
      probs[i * CLASSES.length + c] = c === guess ? top : c === (guess + 1) % 3 ? second : 1 - top - second;
    for (let d = 0; d < DIMS; d++)
      emb[i * DIMS + d] = (d === 2 * blob ? 4 : 0) + (d === 2 * blob + 1 ? 2 : 0) + random() * 1.5;
  }
  return { region, label, pred, probs, emb };
}

function fixedSizeList(values: Float32Array, size: number): arrow.Vector {
  return arrow.makeVector(
    arrow.makeData({
      type: new arrow.FixedSizeList(size, new arrow.Field('item', new arrow.Float32())),
      length: values.length / size,
      nullCount: 0,
      child: arrow.makeData({ type: new arrow.Float32(), length: values.length, data: values }),
    }),
  );
}

async function waitCount(page: Page, text: string): Promise<void> {
  await page.waitForFunction(
    (t) => document.querySelector('[data-testid="row-count"]')?.textContent === t,
    text,
    { timeout: 30_000 },
  );
}

/** The ids of the table's loaded rows, in view order. */
async function tableIds(page: Page): Promise<number[]> {
  await page.waitForFunction(() => document.querySelector('.body .row .pending') === null);
  return page.$$eval('.body .row', (rows) =>
    rows
      .sort((a, b) => Number(a.getAttribute('data-row')) - Number(b.getAttribute('data-row')))
      .map((r) => Number(r.querySelector('[data-col="id"]')?.textContent)),
  );
}

/** Every number the slices panel shows: per slice row its name, n, metrics (with intervals) and gap; the confusion cells. */
async function panelNumbers(page: Page) {
  const rows = await page.$$eval('[data-testid="slice-row"]', (trs) =>
    trs.map((r) => ({
      table: r.closest('table')?.getAttribute('data-testid'),
      name: r.getAttribute('data-name'),
      n: r.querySelector('td.num')?.textContent,
      gap: r.querySelector('[data-testid="gap"]')?.textContent,
      interval: r.querySelector('.interval')?.textContent,
      metrics: Object.fromEntries(
        [...r.querySelectorAll('[data-metric]')].map((m) => [
          m.getAttribute('data-metric'),
          `${m.textContent} ${m.getAttribute('title') ?? ''}`.trim(),
        ]),
      ),
    })),
  );
  const confusion = await page.$$eval('[data-testid="confusion-cell"]', (gs) =>
    gs.map((g) => `${g.getAttribute('data-label')}→${g.getAttribute('data-prediction')}: ${g.textContent}`),
  );
  const calibration = await page.$$eval('[data-testid="calibration-bar"]', (bars) => bars.length);
  return { rows, confusion, calibration };
}

async function waitReport(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      document.querySelector('[data-testid="discovered-table"] [data-kind="discovered"]') !== null &&
      document.querySelector('[data-testid="slices-table"] [data-kind="group"]') !== null &&
      !document.querySelector('[data-testid="slices-status"]')?.textContent?.includes('computing'),
    undefined,
    { timeout: 60_000 },
  );
}

const chromium = needs('chromium');

chromium.describe('the map and the slices in one tab, as on the server', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-in-tab-analysis-'));
  const site = path.join(dir, 'site');
  const file = path.join(dir, 'analysis.arrow');
  const d = data();
  let browser: Browser;
  let site_: { url: string; close(): Promise<void> };
  let running: RunningApp;
  let server: Page;
  let tab: Page;

  beforeAll(async () => {
    const [b] = await Promise.all([launchChromium(), ensureUiBuilt()]);
    browser = b;
    const table = new arrow.Table({
      id: arrow.vectorFromArray(Int32Array.from({ length: N }, (_, i) => i)),
      emb: fixedSizeList(d.emb, DIMS),
      label: arrow.vectorFromArray(d.label, new arrow.Utf8()),
      pred: arrow.vectorFromArray(d.pred, new arrow.Utf8()),
      probs: fixedSizeList(d.probs, CLASSES.length),
      region: arrow.vectorFromArray(d.region, new arrow.Utf8()),
    });
    fs.writeFileSync(file, arrow.tableToIPC(table, 'file'));
    exportStaticApp(site, UI_DIST);
    site_ = await staticServer(site);
    running = await serveApp(file, { layoutDir: path.join(dir, 'layouts') });
    [server, tab] = await Promise.all([
      browser.newPage({ viewport: { width: 1280, height: 720 } }),
      browser.newPage({ viewport: { width: 1280, height: 720 } }),
    ]);
    for (const page of [server, tab]) page.on('pageerror', (e) => console.error('page error:', e));
    await server.goto(running.url);
    await tab.goto(site_.url);
    await chooseSource(tab, 'file', file, 'analysis.arrow');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
    await site_?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  chromium.it(
    'draws the PCA map in the tab as on the server: the same lasso filters the table to the same rows',
    async () => {
      for (const page of [server, tab]) {
        await page.click('[data-testid="switch-map"]');
        await waitDrawn(page);
        expect(await page.textContent('[data-testid="map-count"]')).toBe(`${N} points`);
        await page.selectOption('[data-testid="map-color"]', 'region');
        await page.waitForSelector('[data-testid="map-legend"] .legend-item');
        await waitDrawn(page);
      }
      const legend = (page: Page) =>
        page.$$eval('[data-testid="map-legend"] .legend-item', (items) => items.map((i) => i.textContent));
      expect(await legend(tab)).toEqual(await legend(server));
      expect((await legend(tab)).length).toBe(REGIONS.length);

      for (const page of [server, tab]) await drawLasso(page);
      await tab.screenshot({ path: artifact('in-tab-map-lasso') });
      const hash = async (page: Page) =>
        new URLSearchParams((await page.evaluate(() => window.location.hash)).slice(1));
      const [onServer, inTab] = [await hash(server), await hash(tab)];
      expect(inTab.get('lasso')).toBe('emb.map.pca');
      expect(inTab.get('poly')).toBe(onServer.get('poly'));

      // The rows inside by a naive ray casting over the server's layout.
      const numbers = (inTab.get('poly') as string).split(',').map(Number);
      const polygon = Array.from({ length: numbers.length / 2 }, (_, i) => [
        numbers[2 * i],
        numbers[2 * i + 1],
      ]);
      const xy = new Float32Array(
        await (await fetch(new URL('api/map/emb?method=pca', running.url))).arrayBuffer(),
      );
      const inside = Array.from({ length: N }, (_, i) => i).filter((i) =>
        naiveInside(xy[2 * i], xy[2 * i + 1], polygon),
      );
      expect(inside.length).toBeGreaterThan(0);
      expect(inside.length).toBeLessThan(N);
      for (const page of [server, tab])
        expect(Number(await page.textContent('[data-testid="map-selected"]'))).toBe(inside.length);

      for (const page of [server, tab]) {
        await page.click('[data-testid="map-show-table"]');
        await waitCount(page, `${inside.length} of ${N} rows`);
      }
      const [serverIds, tabIds] = [await tableIds(server), await tableIds(tab)];
      expect(tabIds.length).toBeGreaterThan(5);
      expect(tabIds).toEqual(serverIds);
      expect(tabIds).toEqual(inside.slice(0, tabIds.length));
      await tab.screenshot({ path: artifact('in-tab-map-lasso-table') });
    },
    120_000,
  );

  chromium.it(
    "answers the slices panel with the server's numbers, which equal the evaluation module's",
    async () => {
      for (const page of [server, tab]) {
        await page.click('[data-testid="filter-region"] .remove');
        await waitCount(page, `${N} rows`);
        await page.click('[data-testid="switch-slices"]');
        await waitReport(page);
      }
      const [onServer, inTab] = [await panelNumbers(server), await panelNumbers(tab)];
      expect(inTab).toEqual(onServer);
      await tab.screenshot({ path: artifact('in-tab-slices'), fullPage: true });

      // The reference: the evaluation module over the plain arrays, overall and by region.
      const frame = new DataFrame({
        label: d.label,
        pred: d.pred,
        probs: new TensorColumn(d.probs, [CLASSES.length]),
        region: d.region,
      });
      const reference = evaluate(frame, {
        label: 'label',
        prediction: 'pred',
        scores: 'probs',
        classes: CLASSES,
        by: 'region',
        metrics: [...METRICS],
        confidence: false,
      });
      const names = reference.column('slice').toArray() as string[];
      const groups = inTab.rows.filter((r) => r.table === 'slices-table');
      expect(groups.map((r) => r.name).sort()).toEqual(
        ['overall', ...REGIONS.map((r) => `region = ${r}`)].sort(),
      );
      for (const row of groups) {
        const at = names.indexOf(
          row.name === 'overall' ? 'overall' : (row.name as string).replace(' = ', '='),
        );
        expect(at).toBeGreaterThanOrEqual(0);
        expect(row.n).toBe(String(reference.column('count').get(at)));
        for (const m of METRICS) {
          const value = reference.column(m).get(at) as number;
          expect(row.metrics[m].split(' ')[0]).toBe(value.toFixed(3));
        }
      }
      // West, where the predictions are mostly wrong, ranks worst; six discovered clusters.
      expect(groups[1].name).toBe('region = west');
      expect(inTab.rows.filter((r) => r.table === 'discovered-table')).toHaveLength(7);

      // The cluster column discovery added is the frame's too: filtering to a cluster works in the tab.
      await tab.click('[data-testid="discovered-table"] [data-kind="discovered"]');
      await tab.waitForFunction(() =>
        /of 480 rows/.test(document.querySelector('[data-testid="row-count"]')?.textContent ?? ''),
      );
      await tab.screenshot({ path: artifact('in-tab-slices-cluster-table') });
    },
    120_000,
  );

  chromium.it(
    'computes UMAP in the tab’s worker, showing its progress, and draws it',
    async () => {
      await tab.click('[data-testid="switch-map"]');
      await waitDrawn(tab);
      await tab.click('[data-testid="map-umap"]');
      await tab.waitForSelector('[data-testid="map-progress"]', { timeout: 30_000 });
      await tab.waitForFunction(() => window.location.hash.includes('layout=umap'));
      await tab.waitForSelector('[data-testid="map-progress"]', { state: 'detached', timeout: 90_000 });
      await waitDrawn(tab);
      expect(await tab.textContent('[data-testid="map-count"]')).toBe(`${N} points`);
      expect(await tab.$('[data-testid="map-error"]')).toBeNull();
      await tab.screenshot({ path: artifact('in-tab-map-umap') });
    },
    120_000,
  );
});
