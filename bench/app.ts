// The app in headless Chromium (Debian's, through playwright-core) over stored datasets of 1M and
// 10M rows (id int32, x float64, label string, a 512-d float32 embedding; see lib/app-dataset.ts):
// `tessera app DIR` to the first rows drawn, first rows after a page load, a jump to the last row,
// a sort and a filter until the count and the first page show, the first 100 gallery thumbnails
// (cold and once cached), and the page's heap, each beside the target issue 12 sets. Times are taken
// in the page (performance.now(), checked every animation frame), medians over the repeats; every
// wait also checks what is drawn against the formulas the data was made from.
// `npm run bench -- app [--quick] [--sizes 1M,10M] [--repeats N] [--no-write]`
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, requireChromium } from '../src/node/browser.js';
import { ensureUi, type TesseraEntry, tesseraEntry } from './lib/app-build.js';
import { type AppBenchData, appBenchData, IMAGES, xOf } from './lib/app-dataset.js';
import { countOption, countsOption } from './lib/args.js';
import { benchCommand, load, machine, writeSection } from './lib/results.js';
import { formatCount, formatMedianRange, table } from './lib/stats.js';

const TIMEOUT = 180_000;
const OUT = fileURLToPath(new URL('out', import.meta.url));
export const SORT_COLUMN = 'x';
export const FILTER_BELOW = 500;
const THUMBNAILS = 100;

// The page-side functions run in Chromium, but bench/ compiles without the DOM's types (as src/
// does): the few names they use are declared here, in this module only.
interface PageElement {
  textContent: string | null;
  scrollHeight: number;
  value: string;
  complete: boolean;
  naturalWidth: number;
  getAttribute(name: string): string | null;
  querySelector(selector: string): PageElement | null;
  scrollTo(x: number, y: number): void;
  click(): void;
  dispatchEvent(event: unknown): boolean;
}
declare const document: {
  querySelector(selector: string): PageElement | null;
  querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement>;
};
declare const window: { location: { hash: string; search: string } };
declare const Event: new (type: string, init: { bubbles: boolean }) => unknown;
declare const MutationObserver: new (
  callback: (records: unknown, observer: { disconnect(): void }) => void,
) => { observe(target: unknown, options: { childList: boolean; subtree: boolean }): void };

/** Milliseconds (or bytes for the heap) of one measure over the repeats. */
interface SizeResult {
  rows: number;
  listening: number[];
  interactive: number[];
  firstRows: number[];
  afterLoad: number[];
  jump: number[];
  sort: number[];
  filter: number[];
  thumbsCold: number[];
  thumbsCached: number[];
  thumbsCachedFromNavigation: number[];
  heap: number[];
  jsHeap: number[];
}

const log = (line: string) => console.error(line);

export async function main(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const sizes = countsOption(args, '--sizes', quick ? [20_000] : [1_000_000, 10_000_000]);
  const repeats = countOption(args, '--repeats', quick ? 2 : 5);
  requireChromium();
  const entry = tesseraEntry(quick, log);
  await ensureUi(log);
  const data: AppBenchData[] = [];
  for (const rows of sizes) data.push(await appBenchData(rows, log));
  const loadBefore = load();
  const browser = await launchChromium();
  const results: SizeResult[] = [];
  const browserVersion = browser.version();
  try {
    for (const d of data) {
      log(`measuring ${formatCount(d.rows)} rows, ${repeats} repeats`);
      results.push(await measure(browser, entry, d, repeats));
    }
  } finally {
    await browser.close();
  }
  const body = report(results, entry, browserVersion, repeats, loadBefore, load());
  console.log(body);
  writeSection('app', args, `\`${benchCommand('app', args)}\`\n\n${body}`);
}

async function measure(
  browser: Browser,
  entry: TesseraEntry,
  data: AppBenchData,
  repeats: number,
): Promise<SizeResult> {
  const r: SizeResult = {
    rows: data.rows,
    listening: [],
    interactive: [],
    firstRows: [],
    afterLoad: [],
    jump: [],
    sort: [],
    filter: [],
    thumbsCold: [],
    thumbsCached: [],
    thumbsCachedFromNavigation: [],
    heap: [],
    jsHeap: [],
  };
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-app-run-'));
  try {
    // (a) a new process per repeat: spawn to the first rows drawn (the browser and an empty page
    // are already there, as a user's browser is).
    for (let k = 0; k < repeats; k++)
      await withPage(browser, async (page) => {
        const t0 = performance.now();
        const server = await startApp(entry, data.table, path.join(scratch, `a${k}`));
        r.listening.push(performance.now() - t0);
        try {
          await page.goto(server.url, { waitUntil: 'commit' });
          await rowsDrawn(page, data.rows);
          r.interactive.push(performance.now() - t0);
        } finally {
          await server.stop();
        }
      });
    // (b)-(d), (f) on one server, a new page (and an empty browser cache) per repeat.
    const server = await startApp(entry, data.table, path.join(scratch, 'table'));
    try {
      const expected = reference(data.rows);
      for (let k = 0; k < repeats; k++) {
        await withPage(browser, async (page) => {
          await page.goto(server.url, { waitUntil: 'commit' });
          const shown = await rowsDrawn(page, data.rows);
          r.firstRows.push(shown);
          r.afterLoad.push(shown - (await loadEventEnd(page)));
          r.jump.push(await jumpToLast(page, data.rows));
          await heap(page, r);
          await shot(page, data.rows, 'last-row');
        });
        await withPage(browser, async (page) => {
          await page.goto(server.url, { waitUntil: 'commit' });
          await rowsDrawn(page, data.rows);
          r.sort.push(await sortFirstPage(page, expected.smallestX));
          await heap(page, r);
          await shot(page, data.rows, 'sorted');
        });
        await withPage(browser, async (page) => {
          await page.goto(server.url, { waitUntil: 'commit' });
          await rowsDrawn(page, data.rows);
          r.filter.push(await filterFirstPage(page, data.rows, expected.below, expected.firstBelow));
          await heap(page, r);
          await shot(page, data.rows, 'filtered');
        });
      }
    } finally {
      await server.stop();
    }
    // (e) the gallery dataset: thumbnails made (cold: an empty thumbnail cache), then served from it.
    const thumbsDir = path.join(scratch, 'gallery');
    const gallery = await startApp(entry, data.gallery, thumbsDir);
    try {
      for (let k = 0; k < repeats; k++) {
        fs.rmSync(path.join(thumbsDir, 'tessera-thumbs'), { recursive: true, force: true });
        const cold = await withPage(browser, (page) => thumbnailsShown(page, gallery.url), GALLERY_VIEW);
        const cached = await withPage(
          browser,
          async (page) => {
            const t = await thumbnailsShown(page, gallery.url);
            await shot(page, data.rows, 'gallery');
            return t;
          },
          GALLERY_VIEW,
        );
        r.thumbsCold.push(cold.fromGallery);
        r.thumbsCached.push(cached.fromGallery);
        r.thumbsCachedFromNavigation.push(cached.fromNavigation);
      }
    } finally {
      await gallery.stop();
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  return r;
}

/** What the sort and the filter must show first, by a naive scan of the formulas. */
export function reference(rows: number): { smallestX: number; below: number; firstBelow: number } {
  let smallestX = 0;
  let below = 0;
  let firstBelow = -1;
  for (let i = 0; i < rows; i++) {
    const x = xOf(i);
    if (x < xOf(smallestX)) smallestX = i;
    if (x < FILTER_BELOW) {
      below++;
      if (firstBelow < 0) firstBelow = i;
    }
  }
  return { smallestX, below, firstBelow };
}

export interface RunningServer {
  url: string;
  stop(): Promise<void>;
}

/**
 * `tessera app DIR --port 0` in a new process whose temporary folder (and so its thumbnail cache)
 * is `tmp`; resolves once it prints its URL.
 */
export async function startApp(entry: TesseraEntry, dir: string, tmp: string): Promise<RunningServer> {
  fs.mkdirSync(tmp, { recursive: true });
  const child = spawn(process.execPath, [...entry.args, 'app', dir, '--port', '0'], {
    env: { ...process.env, TMPDIR: tmp },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = /Tessera app: (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.stderr!.on('data', (d) => {
      err += String(d);
    });
    child.on('exit', (code) =>
      reject(new Error(`tessera app exited (${code}) before listening: ${err.trim()}`)),
    );
  });
  return { url, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

const TABLE_VIEW = { width: 1280, height: 720 };
const GALLERY_VIEW = { width: 1830, height: 2200 };

/** `run` on a new page of a new browser context (no cache shared with earlier pages). */
export async function withPage<T>(
  browser: Browser,
  run: (page: Page) => Promise<T>,
  viewport = TABLE_VIEW,
): Promise<T> {
  const context = await browser.newContext({ viewport });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(TIMEOUT);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      return await run(page);
    } catch (e) {
      throw new Error(`${(e as Error).message}${errors.length ? `; the page reported: ${errors[0]}` : ''}`);
    }
  } finally {
    await context.close();
  }
}

/**
 * Page-side wait, checked every animation frame: `done(arg)` returns true once what it waits for is
 * drawn; resolves the page's clock (ms since navigation start) at that frame.
 */
export async function frameWhen<A>(page: Page, done: (arg: A) => boolean, arg: A): Promise<number> {
  const handle = await page.waitForFunction(
    ([source, a]) => {
      const f = new Function(`return (${source})`)() as (x: unknown) => boolean;
      return f(a) ? performance.now() : false;
    },
    [done.toString(), arg] as const,
    { polling: 'raf', timeout: TIMEOUT },
  );
  return (await handle.jsonValue()) as number;
}

/** The top rows of the table drawn, none still pending, the count shown; the page's clock then. */
export function rowsDrawn(page: Page, rows: number): Promise<number> {
  return frameWhen(
    page,
    (count: string) => {
      const drawn = [...document.querySelectorAll('.body .row')];
      return (
        drawn.length > 0 &&
        document.querySelector('[data-testid="row-count"]')?.textContent === count &&
        drawn.every(
          (r) => r.querySelector('.pending') === null && r.querySelector('.gutter')?.textContent !== '',
        )
      );
    },
    `${rows.toLocaleString('en-US')} rows`,
  );
}

async function loadEventEnd(page: Page): Promise<number> {
  await page.waitForLoadState('load');
  return page.evaluate(
    () =>
      (
        performance as unknown as { getEntriesByType(t: string): { loadEventEnd: number }[] }
      ).getEntriesByType('navigation')[0].loadEventEnd,
  );
}

/** Scroll to the bottom: ms until the last row's cells are drawn (its id checked). */
export async function jumpToLast(page: Page, rows: number): Promise<number> {
  const t0 = await page.evaluate(() => {
    const scroller = document.querySelector('[data-testid="scroller"]')!;
    const t = performance.now();
    scroller.scrollTo(0, scroller.scrollHeight);
    return t;
  });
  const at = await frameWhen(
    page,
    (last: number) => {
      const row = document.querySelector(`.body .row[data-row="${last}"]`);
      return row?.querySelector('[data-col="id"]')?.textContent?.trim() === String(last);
    },
    rows - 1,
  );
  return at - t0;
}

/**
 * Click the x column's header: ms until the first row is the smallest x (as the naive scan says).
 * `server` false: the page has no server (in-tab), so there is no view request to wait for and drop.
 */
export async function sortFirstPage(page: Page, smallest: number, server = true): Promise<number> {
  const created = server
    ? page.waitForResponse((r) => r.request().method() === 'POST' && /\/api\/views(\?|$)/.test(r.url()))
    : null;
  const t0 = await page.evaluate((column) => {
    const head = document.querySelector(`.head[data-col="${column}"]`)!;
    const t = performance.now();
    head.click();
    return t;
  }, SORT_COLUMN);
  const at = await frameWhen(
    page,
    ([column, id]: [string, string]) => {
      const first = document.querySelector('.body .row[data-row="0"]');
      return (
        window.location.hash.includes(`sort=${column}`) &&
        first?.querySelector('[data-col="id"]')?.textContent?.trim() === id
      );
    },
    [SORT_COLUMN, String(smallest)] as [string, string],
  );
  // Dropped, the view's full sort stops: it would otherwise go on in the server's background and
  // slow whatever the next repeat measures.
  if (created === null) return at - t0;
  const { id } = (await (await created).json()) as { id: string };
  await page.evaluate(
    (viewId) =>
      fetch(`/api/views/${viewId}${window.location.search}`, { method: 'DELETE' }).then((r) => r.status),
    id,
  );
  return at - t0;
}

/**
 * Build the rule `x < …` in the filter bar, then type its value: ms from the keystroke until the
 * row count and the first matching row (as the naive scan says) are on screen. The filter bar's
 * debounce is part of it, as a user waits for it too.
 */
export async function filterFirstPage(
  page: Page,
  rows: number,
  count: number,
  first: number,
): Promise<number> {
  await page.click('[data-testid="add-rule"]');
  await page.selectOption('[data-rule="0"] [data-field="column"]', SORT_COLUMN);
  await page.selectOption('[data-rule="0"] [data-field="op"]', '<');
  const t0 = await page.evaluate((value) => {
    const input = document.querySelector('[data-rule="0"] [data-field="value"]')!;
    const t = performance.now();
    input.value = value;
    input.dispatchEvent(new Event('input', { bubbles: true }));
    return t;
  }, String(FILTER_BELOW));
  const at = await frameWhen(
    page,
    ([countText, id]: [string, string]) => {
      const row = document.querySelector('.body .row[data-row="0"]');
      return (
        document.querySelector('[data-testid="row-count"]')?.textContent === countText &&
        row?.querySelector('[data-col="id"]')?.textContent?.trim() === id
      );
    },
    [`${count.toLocaleString('en-US')} of ${rows.toLocaleString('en-US')} rows`, String(first)] as [
      string,
      string,
    ],
  );
  return at - t0;
}

/**
 * Open the gallery straight from a URL: ms from its first tile drawn (the app loaded, its first
 * window of captions in) until the first 100 tiles show their decoded thumbnails, and from the
 * navigation start.
 */
async function thumbnailsShown(
  page: Page,
  url: string,
): Promise<{ fromGallery: number; fromNavigation: number }> {
  // The first tile's arrival, seen by a mutation observer set up before the app's own scripts run.
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.querySelector('[data-testid="gallery"] .tile') === null) return;
      (globalThis as unknown as { firstTileAt: number }).firstTileAt = performance.now();
      observer.disconnect();
    }).observe(document, { childList: true, subtree: true });
  });
  await page.goto(`${url}#view=gallery`, { waitUntil: 'commit' });
  const done = await frameWhen(
    page,
    (n: number) => {
      const imgs = [...document.querySelectorAll('[data-testid="gallery"] .tile')]
        .filter((t) => Number(t.getAttribute('data-item')) < n)
        .map((t) => t.querySelector('.thumb img'));
      return imgs.length === n && imgs.every((img) => img?.complete === true && img.naturalWidth > 0);
    },
    THUMBNAILS,
  );
  const firstTile = await page.evaluate(() => (globalThis as unknown as { firstTileAt: number }).firstTileAt);
  return { fromGallery: done - firstTile, fromNavigation: done };
}

/** A screenshot of what was measured, in bench/out/ (to look at: a page can pass its checks and look broken). */
async function shot(page: Page, rows: number, what: string): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  await page.screenshot({ path: path.join(OUT, `app-${formatCount(rows)}-${what}.png`) });
}

/**
 * The page's heap as it is (CDP Runtime.getHeapUsage, no garbage collection forced): the JS heap,
 * and with array buffers and the embedder's.
 */
async function heap(page: Page, r: SizeResult): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  try {
    const u = (await cdp.send('Runtime.getHeapUsage')) as {
      usedSize: number;
      embedderHeapUsedSize?: number;
      backingStorageSize?: number;
    };
    r.jsHeap.push(u.usedSize);
    r.heap.push(u.usedSize + (u.embedderHeapUsedSize ?? 0) + (u.backingStorageSize ?? 0));
  } finally {
    await cdp.detach();
  }
}

function report(
  results: SizeResult[],
  entry: TesseraEntry,
  browserVersion: string,
  repeats: number,
  loadBefore: string,
  loadAfter: string,
): string {
  // The median, and the range over the repeats where there are several (a loaded machine varies).
  const ms = formatMedianRange;
  const mb = (xs: number[]) => (xs.length ? `${(Math.max(...xs) / 2 ** 20).toFixed(0)} MB` : '-');
  const rows: [string, string, (r: SizeResult) => string][] = [
    ['command to interactive page', '≤ 1.5 s', (r) => ms(r.interactive)],
    ['  of which: command to listening', '', (r) => ms(r.listening)],
    ['first rows after page load', '≤ 300 ms', (r) => ms(r.firstRows)],
    ['  of which: after the load event', '', (r) => ms(r.afterLoad)],
    ['jump to the last row', '≤ 150 ms', (r) => ms(r.jump)],
    [`sort (click ${SORT_COLUMN}): first page`, '≤ 300 ms', (r) => ms(r.sort)],
    [`filter (type ${SORT_COLUMN} < ${FILTER_BELOW}): count and first page`, '≤ 300 ms', (r) => ms(r.filter)],
    [`first ${THUMBNAILS} gallery thumbnails, cold`, '', (r) => ms(r.thumbsCold)],
    [`first ${THUMBNAILS} gallery thumbnails, cached`, '≤ 500 ms', (r) => ms(r.thumbsCached)],
    ['  the same from the navigation start', '', (r) => ms(r.thumbsCachedFromNavigation)],
    ['browser heap, most (JS + array buffers)', '≤ 500 MB', (r) => mb(r.heap)],
    ['  of which: JS heap', '', (r) => mb(r.jsHeap)],
  ];
  const header = ['what', 'target (10M)', ...results.map((r) => `${formatCount(r.rows)} rows`)];
  const lines = [
    `The app in headless Chromium ${browserVersion}, medians of ${repeats} repeats (their range in brackets); the heap is the most seen.`,
    '',
    table(
      header,
      rows.map(([what, target, f]) => [what, target, ...results.map(f)]),
      2,
    ),
    '',
    `- Command: \`${entry.what} app DIR --port 0\`, spawned per repeat; the browser was already running.`,
    "- On the page's clock: first rows from the navigation start, thumbnails from the gallery's first tile " +
      'drawn, the others from the click or keystroke.',
    "- The filter includes the filter bar's 200 ms debounce. The datasets were built with the store's append " +
      'writer (200k-row fragments) and are read from the OS page cache after the first repeat.',
    `- Thumbnails: a gallery dataset of the same rows repeating ${IMAGES} distinct 160×120 PNGs; cold = an ` +
      'empty thumbnail cache and browser cache, cached = thumbnails on disk, browser cache empty.',
    '- Screenshots of the last repeat: bench/out/app-SIZE-*.png.',
    `- Machine: ${machine()}; load average ${loadBefore} before, ${loadAfter} after.`,
  ];
  return lines.join('\n');
}
