// Views follow new versions in real headless Chromium, on the demo dataset: a label edited in one
// tab's table shows in another tab's gallery caption, and a third tab's map (coloured by label)
// counts it in its legend, without a reload (and without drawing either view anew). The expected legend is a naive count over the demo
// frame's labels with the one edit applied. Screenshots go to test/e2e/artifacts/.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { buildDemoDataset, type DemoDataset } from '../../src/cli/demo-dataset.js';
import { type RunningApp, serveApp } from '../../src/node/server/index.js';
import { needs } from '../helpers/references.js';
import { artifact, ensureUiBuilt, launchChromium } from './browser.js';

const IMAGES = 40;
const NEW_LABEL = 'hexagon';
const WARM_UP_LABEL = 'star';

const cellOf = (row: number) => `.body .row[data-row="${row}"] [data-col="label"]`;

/** Double-click a label cell of the table, type `text` and press Enter. */
async function editLabel(page: Page, row: number, text: string): Promise<void> {
  await page.waitForSelector(`${cellOf(row)}.editable`, { timeout: 20_000 });
  await page.dblclick(cellOf(row));
  const input = page.locator('[data-testid="cell-editor"] input');
  await input.fill(text);
  await input.press('Enter');
}

/** `label count` per distinct label, sorted, as the legend reads. */
function naiveLegend(labels: string[]): string[] {
  return [...new Set(labels)].sort().map((l) => `${l} ${labels.filter((x) => x === l).length}`);
}

async function legendOf(page: Page): Promise<string[]> {
  return page.$$eval('[data-testid="map-legend"] .legend-item', (items) =>
    items.map((i) => i.textContent?.trim().replace(/\s+/g, ' ') ?? ''),
  );
}

const chromium = needs('chromium');

chromium.describe('views follow new versions in Chromium', () => {
  let browser: Browser;
  let running: RunningApp;
  let demo: DemoDataset;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-refresh-e2e-'));

  beforeAll(async () => {
    const [b, built] = await Promise.all([launchChromium(), buildDemoDataset(root, IMAGES), ensureUiBuilt()]);
    browser = b;
    demo = built;
    running = await serveApp(demo.dataset, {
      mediaRoots: [demo.media],
      thumbnailDir: path.join(root, 'thumbs'),
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  chromium.it(
    "an edit in one tab's table updates another tab's gallery caption and map legend",
    async () => {
      const open = async (hash: string): Promise<Page> => {
        const page = await browser.newPage({ viewport: { width: 1100, height: 600 } });
        page.on('pageerror', (e) => console.error('page error:', e));
        await page.goto(`${running.url}${hash}`);
        return page;
      };
      // The map's layout, once made, joins the dataset's columns (`embedding.map.pca`) with the
      // next version, and a changed schema draws every view anew. So a first map and a first edit
      // come before the pages under test open: only the second edit's version reaches them.
      const first = await open('#view=map&color=label');
      await first.waitForSelector('[data-testid="map-legend"] .legend-item', { timeout: 30_000 });
      await first.close();
      const table = await open('');
      await editLabel(table, 1, WARM_UP_LABEL);
      await table.waitForFunction(([sel, t]) => document.querySelector(sel)?.textContent?.trim() === t, [
        cellOf(1),
        WARM_UP_LABEL,
      ] as const);
      const gallery = await open('#view=gallery&cap=label');
      const map = await open('#view=map&color=label');

      const labels = (demo.frame.column('label').toArray() as string[]).map((l, i) =>
        i === 1 ? WARM_UP_LABEL : l,
      );
      const caption0 = '.tile[data-item="0"] [data-caption-col="label"]';
      await gallery.waitForFunction(
        ([sel, t]) => document.querySelector(sel)?.textContent?.trim() === t,
        [caption0, labels[0]] as const,
        { timeout: 20_000 },
      );
      await map.waitForSelector('[data-testid="map-legend"] .legend-item', { timeout: 30_000 });
      expect(await legendOf(map)).toEqual(naiveLegend(labels));

      // Marks on the views' elements: gone if a view were drawn anew rather than refreshed.
      await gallery.$eval('[data-testid="gallery"]', (e) => e.setAttribute('data-before-edit', ''));
      await map.$eval('[data-testid="map"]', (e) => e.setAttribute('data-before-edit', ''));
      await editLabel(table, 0, NEW_LABEL);

      await gallery.waitForFunction(
        ([sel, t]) => document.querySelector(sel)?.textContent?.trim() === t,
        [caption0, NEW_LABEL] as const,
        { timeout: 20_000 },
      );
      const edited = [NEW_LABEL, ...labels.slice(1)];
      const expected = naiveLegend(edited);
      await map.waitForFunction(
        (want) =>
          JSON.stringify(
            [...document.querySelectorAll('[data-testid="map-legend"] .legend-item')].map(
              (i) => i.textContent?.trim().replace(/\s+/g, ' ') ?? '',
            ),
          ) === want,
        JSON.stringify(expected),
        { timeout: 20_000 },
      );
      expect(await legendOf(map)).toEqual(expected);
      expect(await gallery.$('[data-testid="gallery"][data-before-edit]')).not.toBeNull();
      expect(await map.$('[data-testid="map"][data-before-edit]')).not.toBeNull();
      // The gallery's other captions are unchanged.
      const shown = await gallery.$$eval('.tile [data-caption-col="label"]', (cs) =>
        cs.map((c) => [Number(c.closest('.tile')?.getAttribute('data-row')), c.textContent?.trim()] as const),
      );
      expect(shown.length).toBeGreaterThan(1);
      for (const [row, text] of shown) expect(text).toBe(edited[row]);
      await gallery.screenshot({ path: artifact('refresh-gallery') });
      await map.screenshot({ path: artifact('refresh-map') });
    },
    90_000,
  );
});
