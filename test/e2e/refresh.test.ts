// Views follow new versions in real headless Chromium, on the demo dataset: a label edited in one
// tab's table shows in another tab's gallery caption, and a third tab's map (coloured by label)
// counts it in its legend, without a reload. The expected legend is a naive count over the demo
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
      const table = await open('');
      const gallery = await open('#view=gallery&cap=label');
      const map = await open('#view=map&color=label');

      const labels = demo.frame.column('label').toArray() as string[];
      const caption0 = '.tile[data-item="0"] [data-caption-col="label"]';
      await gallery.waitForFunction(
        ([sel, t]) => document.querySelector(sel)?.textContent?.trim() === t,
        [caption0, labels[0]] as const,
        { timeout: 20_000 },
      );
      await map.waitForSelector('[data-testid="map-legend"] .legend-item', { timeout: 30_000 });
      expect(await legendOf(map)).toEqual(naiveLegend(labels));

      const cell = '.body .row[data-row="0"] [data-col="label"]';
      await table.waitForSelector(`${cell}.editable`, { timeout: 20_000 });
      await table.dblclick(cell);
      const input = table.locator('[data-testid="cell-editor"] input');
      await input.fill(NEW_LABEL);
      await input.press('Enter');

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
