// The app's filter bar in real headless Chromium: rules built in the page (score > X AND flag ==
// true; an operator changed; OR; is null, is not null; in) and the text search give the row count and the first
// rows of a naive filter over the same data; a superseded view request is cancelled, a cleared
// filter drops its view; a reload
// restores filter and sort from the URL. Screenshots go to test/e2e/artifacts/.

import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { DataFrame } from '../../src/index.js';
import { type RunningApp, serveApp } from '../../src/node/server/index.js';
import { needs } from '../helpers/references.js';
import { artifact, ensureUiBuilt, launchChromium } from './browser.js';
import { expectedTexts, flag, group, name, score, topRows } from './table-page.js';

const ROWS = 300_000;

function frame(): DataFrame {
  const ids = Array.from({ length: ROWS }, (_, i) => i);
  return new DataFrame({
    id: Int32Array.from(ids),
    group: Int32Array.from(ids, group),
    score: Float64Array.from(ids, score),
    name: ids.map(name),
    flag: ids.map(flag),
  });
}

/** The naive filter: every row number for which `keep` holds, in order. */
function naive(keep: (i: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < ROWS; i++) if (keep(i)) out.push(i);
  return out;
}

const count = (n: number) => `${n.toLocaleString('en-US')} of ${ROWS.toLocaleString('en-US')} rows`;

async function waitCount(page: Page, text: string): Promise<void> {
  await page.waitForFunction(
    (t) => document.querySelector('[data-testid="row-count"]')?.textContent === t,
    text,
    { timeout: 20_000 },
  );
}

/** Set rule `i` (added if missing): column, operator and value (a select for booleans). */
async function setRule(page: Page, i: number, column: string, op: string, value?: string): Promise<void> {
  if ((await page.$(`[data-rule="${i}"]`)) === null) await page.click('[data-testid="add-rule"]');
  const rule = `[data-rule="${i}"]`;
  await page.selectOption(`${rule} [data-field="column"]`, column);
  await page.selectOption(`${rule} [data-field="op"]`, op);
  if (value === undefined) return;
  const field = page.locator(`${rule} [data-field="value"]`);
  if ((await field.evaluate((e) => e.tagName)) === 'SELECT') await field.selectOption(value);
  else await field.fill(value);
}

const chromium = needs('chromium');

chromium.describe('the filter bar in Chromium', () => {
  let browser: Browser;
  let running: RunningApp;
  let page: Page;

  beforeAll(async () => {
    const [b] = await Promise.all([launchChromium(), ensureUiBuilt()]);
    browser = b;
    running = await serveApp(frame());
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    page.on('pageerror', (e) => console.error('page error:', e));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
  });

  chromium.it('score > X AND flag == true, then <, then OR: counts and rows of a naive filter', async () => {
    await page.goto(running.url);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="row-count"]')?.textContent === '300,000 rows',
    );
    await setRule(page, 0, 'score', '>', '9000');
    await setRule(page, 1, 'flag', '==', 'true');
    const andRows = naive((i) => score(i) > 9000 && flag(i) === true);
    await waitCount(page, count(andRows.length));
    expect(await topRows(page, 10)).toEqual(andRows.slice(0, 10).map(expectedTexts));
    await page.screenshot({ path: artifact('filter-and') });

    await page.selectOption('[data-rule="0"] [data-field="op"]', '<');
    const lessRows = naive((i) => score(i) < 9000 && flag(i) === true);
    await waitCount(page, count(lessRows.length));
    expect(await topRows(page, 10)).toEqual(lessRows.slice(0, 10).map(expectedTexts));

    await page.click('[data-testid="join"]');
    const orRows = naive((i) => score(i) < 9000 || flag(i) === true);
    await waitCount(page, count(orRows.length));
    expect(await topRows(page, 10)).toEqual(orRows.slice(0, 10).map(expectedTexts));
    await page.waitForFunction(() =>
      decodeURIComponent(window.location.hash).includes(
        'filter=["or",[["score","<","9000"],["flag","==","true"]]]',
      ),
    );
    await page.screenshot({ path: artifact('filter-or') });
  });

  chromium.it('cancels a superseded view request', async () => {
    // View requests answer slowly: a newer filter arrives before the older one's answer.
    await page.route('**/api/views', async (route) => {
      await new Promise((r) => setTimeout(r, 800));
      await route.continue().catch(() => {}); // aborted by the page meanwhile
    });
    const aborted: string[] = [];
    const onFailed = (request: {
      url(): string;
      method(): string;
      failure(): { errorText: string } | null;
    }) => {
      if (request.method() === 'POST' && request.url().endsWith('/api/views'))
        aborted.push(request.failure()?.errorText ?? '');
    };
    page.on('requestfailed', onFailed);
    const asked = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/views'));
    await page.fill('[data-rule="0"] [data-field="value"]', '100');
    await asked;
    await page.fill('[data-rule="0"] [data-field="value"]', '12000');
    const rows = naive((i) => score(i) < 12000 || flag(i) === true);
    await waitCount(page, count(rows.length));
    expect(await topRows(page, 5)).toEqual(rows.slice(0, 5).map(expectedTexts));
    expect(aborted).toEqual(['net::ERR_ABORTED']);
    page.off('requestfailed', onFailed);
    await page.unrouteAll({ behavior: 'ignoreErrors' });
  });

  chromium.it(
    'is null, is not null, in, and the text search (case-insensitive, over string columns)',
    async () => {
      await page.click('[data-remove="1"]');
      await setRule(page, 0, 'name', 'is null');
      expect(await page.$('[data-rule="0"] [data-field="value"]')).toBeNull();
      const nullRows = naive((i) => name(i) === null);
      await waitCount(page, count(nullRows.length));
      expect(await topRows(page, 10)).toEqual(nullRows.slice(0, 10).map(expectedTexts));
      await page.selectOption('[data-rule="0"] [data-field="op"]', 'is not null');
      const notNullRows = naive((i) => name(i) !== null);
      await waitCount(page, count(notNullRows.length));
      expect(await topRows(page, 10)).toEqual(notNullRows.slice(0, 10).map(expectedTexts));

      await setRule(page, 0, 'group', 'in', '3, 5,100');
      const inRows = naive((i) => [3, 5, 100].includes(group(i)));
      await waitCount(page, count(inRows.length));
      expect(await topRows(page, 10)).toEqual(inRows.slice(0, 10).map(expectedTexts));

      await page.click('[data-remove="0"]');
      await page.fill('[data-testid="search"]', 'R123');
      const searchRows = naive((i) => name(i)?.toLowerCase().includes('r123') === true);
      await waitCount(page, count(searchRows.length));
      expect(await topRows(page, 10)).toEqual(searchRows.slice(0, 10).map(expectedTexts));
      await page.screenshot({ path: artifact('filter-search') });
    },
  );

  chromium.it('a reload restores filter and sort from the URL', async () => {
    // Cleared, the filter gives the frame itself, and the view shown until then is dropped.
    const dropped = page.waitForRequest(
      (r) => r.method() === 'DELETE' && /\/api\/views\/[^/]+$/.test(r.url()),
    );
    await page.fill('[data-testid="search"]', '');
    await page.waitForFunction(
      () => document.querySelector('[data-testid="row-count"]')?.textContent === '300,000 rows',
    );
    expect((await (await dropped).response())?.status()).toBe(204);
    await setRule(page, 0, 'flag', '!=', 'true');
    await page.click('.head[data-col="score"]');
    await page.click('.head[data-col="score"]'); // descending
    await page.waitForFunction(() => window.location.hash.includes('sort=-score'));
    const keep = (i: number) => flag(i) === false;
    const rows = naive(keep).sort((a, b) => score(b) - score(a) || a - b);
    await waitCount(page, count(rows.length));
    await page.waitForFunction(() => window.location.hash.includes('filter='));
    expect(await topRows(page, 10)).toEqual(rows.slice(0, 10).map(expectedTexts));
    const url = page.url();

    await page.reload();
    await waitCount(page, count(rows.length));
    expect(page.url()).toBe(url);
    expect(await topRows(page, 10)).toEqual(rows.slice(0, 10).map(expectedTexts));
    expect(await page.inputValue('[data-rule="0"] [data-field="column"]')).toBe('flag');
    expect(await page.inputValue('[data-rule="0"] [data-field="op"]')).toBe('!=');
    expect(await page.inputValue('[data-rule="0"] [data-field="value"]')).toBe('true');
    expect(await page.textContent('.head[data-col="score"] [data-sort-mark]')).toBe('▼');
    await page.screenshot({ path: artifact('filter-reloaded') });
  });
});
