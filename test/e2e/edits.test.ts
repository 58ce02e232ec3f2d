// Edits in real headless Chromium: two pages (tabs) of one app edit labels at once by double-click
// and Enter, both edits are kept and each tab shows the other's; the same cell edited in both shows
// a conflict in the slower tab and keeps the first value; the history panel lists the edits and
// shows a diff; undo restores the cell. Each result is checked by reading the dataset in another
// process. A read-only server shows no editors. Screenshots go to test/e2e/artifacts/.

import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { column, DataFrame } from '../../src/index.js';
import { type RunningApp, serveApp } from '../../src/node/server/index.js';
import { needs } from '../helpers/references.js';
import { artifact, ensureUiBuilt, launchChromium } from './browser.js';

const ROWS = 200;
const LABELS = ['cat', 'dog', 'bird'];
const label = (i: number) => LABELS[i % 3];
const reader = fileURLToPath(new URL('../node/server/fixtures/read-column.ts', import.meta.url));

/** The labels as another process reads them from the dataset (its current version). */
async function labelsElsewhere(datasetPath: string): Promise<{ version: number; values: unknown[] }> {
  const { stdout } = await promisify(execFile)(process.execPath, [
    '--import',
    'tsx',
    reader,
    datasetPath,
    'label',
  ]);
  return JSON.parse(stdout);
}

const cellSelector = (row: number, col: string) => `.body .row[data-row="${row}"] [data-col="${col}"]`;

async function cellText(page: Page, row: number, col: string, text: string): Promise<void> {
  await page.waitForFunction(
    ([sel, t]) => document.querySelector(sel)?.textContent?.trim() === t,
    [cellSelector(row, col), text] as const,
    { timeout: 20_000 },
  );
}

/** Double-click a label cell, type `text` and press Enter. */
async function editLabel(page: Page, row: number, text: string): Promise<void> {
  await page.dblclick(cellSelector(row, 'label'));
  const input = page.locator('[data-testid="cell-editor"] input');
  await input.fill(text);
  await input.press('Enter');
}

const chromium = needs('chromium');

chromium.describe('edits in Chromium', () => {
  let browser: Browser;
  let running: RunningApp;
  let dir: string;
  let datasetPath: string;
  let a: Page;
  let b: Page;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-edits-'));
    datasetPath = path.join(dir, 'labels');
    await new DataFrame({
      id: Int32Array.from({ length: ROWS }, (_, i) => i),
      label: column(
        Array.from({ length: ROWS }, (_, i) => label(i)),
        'string',
      ),
      score: Float64Array.from({ length: ROWS }, (_, i) => i / 4),
    }).write(datasetPath);
    const [br] = await Promise.all([launchChromium(), ensureUiBuilt()]);
    browser = br;
    running = await serveApp(datasetPath, { thumbnailDir: path.join(dir, 'thumbs') });
    a = await browser.newPage({ viewport: { width: 1100, height: 560 } });
    b = await browser.newPage({ viewport: { width: 1100, height: 560 } });
    for (const p of [a, b]) {
      p.on('pageerror', (e) => console.error('page error:', e));
      await p.goto(running.url);
      await p.waitForSelector(`${cellSelector(5, 'label')}.editable`, { timeout: 20_000 });
    }
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  chromium.it(
    'two tabs edit different cells at once: both kept, each tab shows both',
    async () => {
      await Promise.all([editLabel(a, 1, 'wolf'), editLabel(b, 2, 'eagle')]);
      for (const p of [a, b]) {
        await cellText(p, 1, 'label', 'wolf');
        await cellText(p, 2, 'label', 'eagle');
      }
      const back = await labelsElsewhere(datasetPath);
      const expected = Array.from({ length: ROWS }, (_, i) => label(i));
      expected[1] = 'wolf';
      expected[2] = 'eagle';
      expect(back.version).toBe(3);
      expect(back.values).toEqual(expected);
      await a.screenshot({ path: artifact('edits-two-tabs') });
    },
    60_000,
  );

  chromium.it(
    'the same cell edited in both tabs: the slower one shows a conflict, nothing is lost',
    async () => {
      await a.dblclick(cellSelector(3, 'label'));
      await a.locator('[data-testid="cell-editor"] input').fill('tiger');
      await editLabel(b, 3, 'lynx');
      await cellText(b, 3, 'label', 'lynx');
      await a.locator('[data-testid="cell-editor"] input').press('Enter');
      const error = a.locator('[data-testid="edit-error"]');
      await error.waitFor({ timeout: 20_000 });
      expect(await error.textContent()).toMatch(/Conflict: row 3 of column "label" is now "lynx", not "cat"/);
      await a.screenshot({ path: artifact('edits-conflict') });
      await a.locator('[data-testid="cell-editor"] input').press('Escape');
      await cellText(a, 3, 'label', 'lynx');
      const back = await labelsElsewhere(datasetPath);
      expect(back.version).toBe(4);
      expect(back.values[3]).toBe('lynx');
    },
    60_000,
  );

  chromium.it(
    'the history lists the edits with a diff, and undo restores the cell',
    async () => {
      await a.click('[data-testid="history-button"]');
      await a.waitForSelector('[data-testid="history"] li[data-version="4"] [data-changed]', {
        timeout: 20_000,
      });
      const ops = await a.$$eval('[data-testid="history"] li', (items) =>
        items.map((li) => `${li.getAttribute('data-version')} ${li.querySelector('.op')?.textContent}`),
      );
      expect(ops).toEqual(['4 edit', '3 edit', '2 edit', '1 write']);
      expect(await a.textContent('li[data-version="4"] [data-changed]')).toBe('label: 1 row');
      await a.click('li[data-version="4"] .version');
      const diff = a.locator('[data-testid="diff"]');
      await diff.waitFor();
      expect(await diff.textContent()).toMatch(/label rewritten, 1 row\s*row 3\s*"cat"\s*→\s*"lynx"/);
      await a.screenshot({ path: artifact('edits-history') });
      await a.click('[data-testid="undo"]');
      await a.waitForSelector('[data-testid="history"] li[data-version="5"]', { timeout: 20_000 });
      for (const p of [a, b]) await cellText(p, 3, 'label', 'cat');
      const back = await labelsElsewhere(datasetPath);
      expect(back.version).toBe(5);
      expect(back.values.slice(0, 4)).toEqual(['cat', 'wolf', 'eagle', 'cat']);
      await a.screenshot({ path: artifact('edits-undo') });
    },
    60_000,
  );

  chromium.it(
    'the row detail edits a field; a filtered selection is tagged in a new column',
    async () => {
      await a.click('[data-testid="history-button"]'); // closes the panel
      await a.click(cellSelector(7, 'id'));
      await a.click('[data-edit-field="label"]');
      const input = a.locator('[data-testid="detail"] [data-testid="cell-editor"] input');
      await input.fill('heron');
      await input.press('Enter');
      await a.waitForFunction(
        () => document.querySelector('[data-edit-field="label"] .full')?.textContent === 'heron',
        null,
        {
          timeout: 20_000,
        },
      );
      await cellText(b, 7, 'label', 'heron');
      await a.screenshot({ path: artifact('edits-detail') });
      await a.click('[data-testid="detail"] button[aria-label="close"]');
      // Tag the rows whose text contains "bird" (the filter bar's search) as "checked".
      await a.fill('input[placeholder="Search text columns"]', 'bird');
      // The labels now: rows 1 and 2 edited earlier (row 3's edit undone), row 7 just now.
      const now = Array.from(
        { length: ROWS },
        (_, i) => ({ 1: 'wolf', 2: 'eagle', 7: 'heron' })[i] ?? label(i),
      );
      const birds = now.flatMap((l, i) => (l === 'bird' ? [i] : []));
      await a.waitForFunction(
        (n) => document.querySelector('[data-testid="row-count"]')?.textContent?.startsWith(`${n} of`),
        birds.length,
        { timeout: 20_000 },
      );
      a.once('dialog', (d) => void d.accept());
      await a.click('[data-testid="tag-rows"]');
      await a.fill('[data-testid="tag-value"]', 'checked');
      await a.click('[data-testid="tag-apply"]');
      await a.waitForSelector('.head[data-col="tags"]', { timeout: 20_000 });
      await b.waitForSelector('.head[data-col="tags"]', { timeout: 20_000 });
      await cellText(a, 0, 'tags', 'checked');
      await a.screenshot({ path: artifact('edits-tagged') });
      const { stdout } = await promisify(execFile)(process.execPath, [
        '--import',
        'tsx',
        reader,
        datasetPath,
        'tags',
      ]);
      const tags = JSON.parse(stdout) as { version: number; values: unknown[] };
      expect(tags.version).toBe(7);
      expect(tags.values).toEqual(now.map((l) => (l === 'bird' ? 'checked' : null)));
    },
    60_000,
  );

  chromium.it(
    'a read-only server shows no editors',
    async () => {
      const readOnly = await serveApp(datasetPath, {
        readOnly: true,
        thumbnailDir: path.join(dir, 'thumbs'),
      });
      const page = await browser.newPage();
      try {
        await page.goto(readOnly.url);
        await page.waitForSelector(cellSelector(5, 'label'), { timeout: 20_000 });
        await page.waitForSelector('[data-testid="history-button"]');
        await page.dblclick(cellSelector(5, 'label'));
        expect(await page.$$('.cell.editable')).toHaveLength(0);
        expect(await page.$('[data-testid="cell-editor"]')).toBeNull();
      } finally {
        await page.close();
        await readOnly.close();
      }
    },
    60_000,
  );
});
