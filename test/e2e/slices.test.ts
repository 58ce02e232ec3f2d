// The slices panel in real headless Chromium on the demo dataset (shapes on four backgrounds, the
// labels on grey mostly wrong): the grey slice ranks worst, with the accuracy and row count of a
// naive count over the dataset's label and pred columns; the confusion cells hold the naive counts;
// clicking a confusion cell, the grey slice or a discovered slice filters the table to exactly
// those rows. Screenshots go to test/e2e/artifacts/.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { buildDemoDataset, PLANTED_BACKGROUND } from '../../src/cli/demo-dataset.js';
import { type RunningApp, serveApp } from '../../src/node/server/index.js';
import { needs } from '../helpers/references.js';
import { artifact, ensureUiBuilt, launchChromium } from './browser.js';

const IMAGES = 120;

const chromium = needs('chromium');

/** The frame rows (gutter numbers) of the table's loaded rows, in view order. */
async function tableRows(page: Page): Promise<number[]> {
  return page.$$eval('.body .row', (rows) =>
    rows
      .map((r) => ({
        at: Number(r.getAttribute('data-row')),
        frame: r.querySelector('.gutter')?.textContent ?? '',
      }))
      .filter((r) => r.frame !== '')
      .sort((a, b) => a.at - b.at)
      .map((r) => Number(r.frame)),
  );
}

async function waitCount(page: Page, text: string): Promise<void> {
  await page.waitForFunction(
    (t) => document.querySelector('[data-testid="row-count"]')?.textContent === t,
    text,
    { timeout: 20_000 },
  );
}

/** Wait for the panel's report (no request in flight). */
async function waitReport(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      document.querySelector('[data-testid="slices-table"] [data-kind="group"]') !== null &&
      !document.querySelector('[data-testid="slices-status"]')?.textContent?.includes('computing'),
    undefined,
    { timeout: 30_000 },
  );
}

chromium.describe('the slices panel in Chromium', () => {
  let browser: Browser;
  let running: RunningApp;
  let page: Page;
  let label: string[];
  let pred: string[];
  let background: string[];
  let split: string[];
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-slices-e2e-'));

  beforeAll(async () => {
    const [b, demo] = await Promise.all([launchChromium(), buildDemoDataset(root, IMAGES), ensureUiBuilt()]);
    browser = b;
    label = demo.frame.column('label').toArray() as string[];
    pred = demo.frame.column('pred').toArray() as string[];
    background = demo.frame.column('background').toArray() as string[];
    split = demo.frame.column('split').toArray() as string[];
    running = await serveApp(demo.dataset, {
      mediaRoots: [demo.media],
      thumbnailDir: path.join(root, 'thumbs'),
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
    page.on('pageerror', (e) => console.error('page error:', e));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
  });

  /** Naive: rows where `keep` holds, and the share of them predicted right. */
  function naive(keep: (i: number) => boolean): { rows: number[]; accuracy: number } {
    const rows = label.map((_, i) => i).filter(keep);
    return { rows, accuracy: rows.filter((i) => label[i] === pred[i]).length / rows.length };
  }

  chromium.it('ranks the grey background worst, with the naive accuracy, and draws the charts', async () => {
    await page.goto(`${running.url}#view=slices`);
    await waitReport(page);
    const shown = await page.$$eval('[data-testid="slices-table"] [data-testid="slice-row"]', (rows) =>
      rows.map((r) => ({
        name: r.getAttribute('data-name'),
        kind: r.getAttribute('data-kind'),
        n: r.querySelector('td.num')?.textContent,
        accuracy: r.querySelector('[data-metric="accuracy"]')?.textContent,
      })),
    );
    expect(shown[0]).toMatchObject({ name: 'overall', kind: 'overall', n: String(IMAGES) });
    expect(shown[0].accuracy).toBe(naive(() => true).accuracy.toFixed(3));
    // The defaults guessed from the names: label, pred, probs; grouped by background and split.
    expect(shown.map((s) => s.name)).toContain('split = test');
    expect(shown[1].name).toBe(`background = ${PLANTED_BACKGROUND}`);
    const grey = naive((i) => background[i] === PLANTED_BACKGROUND);
    expect(shown[1].n).toBe(String(grey.rows.length));
    expect(shown[1].accuracy).toBe(grey.accuracy.toFixed(3));
    // Every slice: its rows and accuracy by a naive count; worst first.
    for (const s of shown.slice(1)) {
      const [column, value] = (s.name as string).split(' = ');
      const values = column === 'background' ? background : split;
      const want = naive((i) => values[i] === value);
      expect([s.n, s.accuracy]).toEqual([String(want.rows.length), want.accuracy.toFixed(3)]);
    }
    const accuracies = shown.slice(1).map((s) => Number(s.accuracy));
    expect(accuracies).toEqual([...accuracies].sort((a, b) => a - b));
    // Confusion cells: the naive counts of (label, pred) pairs.
    const cells = await page.$$eval('[data-testid="confusion-cell"]', (gs) =>
      gs.map((g) => ({
        label: g.getAttribute('data-label') as string,
        prediction: g.getAttribute('data-prediction') as string,
        count: Number(g.querySelector('text')?.textContent),
      })),
    );
    expect(cells).toHaveLength(9);
    for (const c of cells)
      expect(c.count).toBe(naive((i) => label[i] === c.label && pred[i] === c.prediction).rows.length);
    expect(await page.$$('[data-testid="calibration-bar"]')).not.toHaveLength(0);
    expect(await page.$$('[data-testid="discovered-table"] [data-kind="discovered"]')).toHaveLength(6);
    await page.screenshot({ path: artifact('slices-panel'), fullPage: true });

    // The choice lives in the URL: without the split grouping, a reload keeps it out.
    await page.click('[data-testid="choose-group"][value="split"]');
    await page.waitForFunction(() => !document.querySelector('[data-name^="split ="]'), undefined, {
      timeout: 30_000,
    });
    await page.waitForFunction(() =>
      decodeURIComponent(window.location.hash).includes('"groups":["background"]'),
    );
    await page.reload();
    await waitReport(page);
    expect(await page.$$eval('[data-testid="slices-table"] [data-kind="group"]', (rs) => rs.length)).toBe(4);
    expect(await page.isChecked('[data-testid="choose-group"][value="split"]')).toBe(false);
  });

  chromium.it('a confusion cell filters the table to label == a AND pred == b', async () => {
    const cells = await page.$$eval('[data-testid="confusion-cell"]', (gs) =>
      gs.map((g) => ({
        label: g.getAttribute('data-label') as string,
        prediction: g.getAttribute('data-prediction') as string,
        count: Number(g.querySelector('text')?.textContent),
      })),
    );
    // The most frequent mistake.
    const cell = cells.filter((c) => c.label !== c.prediction).sort((a, b) => b.count - a.count)[0];
    expect(cell.count).toBeGreaterThan(0);
    await page.click(
      `[data-testid="confusion-cell"][data-label="${cell.label}"][data-prediction="${cell.prediction}"]`,
    );
    const want = naive((i) => label[i] === cell.label && pred[i] === cell.prediction).rows;
    await waitCount(page, `${want.length} of ${IMAGES} rows`);
    await page.waitForFunction(
      (n) => document.querySelectorAll('.body .row .gutter').length >= Math.min(n, 3),
      want.length,
    );
    const rows = await tableRows(page);
    expect(rows.length).toBeGreaterThan(0);
    expect(rows).toEqual(want.slice(0, rows.length));
    expect(await page.$$eval('[data-rule]', (rs) => rs.length)).toBe(2);
    await page.screenshot({ path: artifact('slices-confusion-filtered') });
  });

  chromium.it(
    'the grey slice filters the table to the grey rows, a discovered slice to its cluster',
    async () => {
      await page.goto(`${running.url}#view=slices`);
      await page.reload();
      await waitReport(page);
      await page.click(`[data-testid="slices-table"] [data-name="background = ${PLANTED_BACKGROUND}"]`);
      const grey = naive((i) => background[i] === PLANTED_BACKGROUND).rows;
      await waitCount(page, `${grey.length} of ${IMAGES} rows`);
      await page.waitForFunction(() => document.querySelectorAll('.body .row .gutter').length >= 3);
      const rows = await tableRows(page);
      expect(rows).toEqual(grey.slice(0, rows.length));
      expect(page.url()).not.toContain('view=slices'); // the table shows the slice
      await page.screenshot({ path: artifact('slices-grey-filtered') });

      // Back to the panel: now within the grey filter; a discovered slice narrows it to its cluster.
      await page.click('[data-testid="switch-slices"]');
      await page.waitForFunction(
        (n) =>
          document
            .querySelector('[data-testid="slices-status"]')
            ?.textContent?.includes(`${n} rows evaluated`),
        grey.length,
        { timeout: 30_000 },
      );
      const discovered = await page.$$eval(
        '[data-testid="discovered-table"] [data-kind="discovered"]',
        (rs) =>
          rs.map((r) => ({
            name: r.getAttribute('data-name') as string,
            n: Number(r.querySelector('td.num')?.textContent),
          })),
      );
      const target = discovered.find((d) => d.n > 0) as { name: string; n: number };
      await page.click(`[data-testid="discovered-table"] [data-name="${target.name}"]`);
      await waitCount(page, `${target.n} of ${IMAGES} rows`);
      expect(await page.$$eval('[data-rule]', (rs) => rs.length)).toBe(2);
      await page.screenshot({ path: artifact('slices-discovered-filtered') });
    },
  );
});
