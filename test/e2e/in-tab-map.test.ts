// A map in one tab, on Web Workers: the static export (no Tessera server) opens an Arrow file that
// apache-arrow wrote from plain JS arrays; `tesseraTab.map` runs a registered function of the tab
// (ui/src/local/tab-functions.ts) over it on a WebWorkerExecutor. Its values equal those of the
// inline executor here in Node over the same arrays, which equal a naive loop; progress arrives per
// batch; an abort stops the run (AbortedError, no progress after); a throwing function gives its
// typed error. Screenshot: test/e2e/artifacts/in-tab-map.png.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { inline } from '../../src/core/exec/executor.js';
import { DataFrame } from '../../src/core/frame/frame.js';
import { exportStaticApp } from '../../src/node/server/static-export.js';
import { tabFunctions } from '../../ui/src/local/tab-functions.js';
import { needs } from '../helpers/references.js';
import { artifact, ensureUiBuilt, launchChromium, UI_DIST } from './browser.js';
import { openFile, staticServer } from './in-tab-page.js';

const ROWS = 200_000;
const xs = Array.from({ length: ROWS }, (_, i) => (i % 997 === 0 ? null : ((i * 7919) % 20011) / 16 - 600));
const names = Array.from({ length: ROWS }, (_, i) => (i % 5 === 0 ? null : `r${i.toString(36)}`));

/** What the page's console handle answers (ui/src/local/tab-map-client.ts). */
interface TabWindow {
  tesseraTab: {
    map(
      request: object,
      options?: { onProgress?(p: { done: number; total: number }): void; signal?: AbortSignal },
    ): Promise<Record<string, ArrayLike<unknown>>>;
  };
}

/** Outcome of a map run in the page: its values or its error, and the progress seen. */
interface Outcome {
  values: unknown[] | null;
  error: { className: string; name: string; message: string; isError: boolean } | null;
  progress: { done: number; total: number }[];
  progressAfterEnd: number;
}

/** Run `request` in the page; with `abortAfter`, abort once that many progress events came. */
function mapInPage(page: Page, request: object, abortAfter?: number): Promise<Outcome> {
  return page.evaluate(
    async ({ request, abortAfter }) => {
      const { tesseraTab } = window as unknown as TabWindow;
      const progress: { done: number; total: number }[] = [];
      const abort = new AbortController();
      const out: Outcome = { values: null, error: null, progress, progressAfterEnd: 0 };
      try {
        const columns = await tesseraTab.map(request, {
          signal: abort.signal,
          onProgress: ({ done, total }) => {
            progress.push({ done, total });
            if (abortAfter !== undefined && progress.length === abortAfter) abort.abort(new Error('stop'));
          },
        });
        out.values = Array.from(Object.values(columns)[0]);
      } catch (e) {
        const err = e as Error;
        out.error = {
          className: err.constructor.name,
          name: err.name,
          message: err.message,
          isError: err instanceof Error,
        };
      }
      // Anything that still arrives once the run has ended would be a run that did not stop.
      const seen = progress.length;
      await new Promise((r) => setTimeout(r, 300));
      out.progressAfterEnd = progress.length - seen;
      return out;
    },
    { request, abortAfter },
  );
}

const chromium = needs('chromium');

chromium.describe('map in one tab on Web Workers', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-in-tab-map-'));
  const site = path.join(dir, 'site');
  const arrowFile = path.join(dir, 'numbers.arrow');
  let browser: Browser;
  let server: { url: string; close(): Promise<void> };
  let page: Page;

  beforeAll(async () => {
    const [b] = await Promise.all([launchChromium(), ensureUiBuilt()]);
    browser = b;
    const table = new arrow.Table({
      x: arrow.vectorFromArray(xs, new arrow.Float64()),
      name: arrow.vectorFromArray(names, new arrow.Utf8()),
    });
    fs.writeFileSync(arrowFile, arrow.tableToIPC(table, 'file'));
    exportStaticApp(site, UI_DIST);
    server = await staticServer(site);
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    page.on('pageerror', (e) => console.error('page error:', e));
    await page.goto(server.url);
    await openFile(page, arrowFile);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  chromium.it(
    'gives the values of the inline executor, which equal a naive loop, with progress per batch',
    async () => {
      const df = DataFrame.fromRecords(
        xs.map((x, i) => ({ x, name: names[i] })),
        { x: 'float64', name: 'string' },
      );
      const inlineOut = await df.map(tabFunctions.square, { inputs: ['x'], outputs: 'sq', executor: inline });
      const expected = Array.from(inlineOut.column('sq').toArray());
      expect(expected).toEqual(xs.map((x) => (x === null ? null : x * x)));

      const t0 = Date.now();
      const squares = await mapInPage(page, {
        function: 'square',
        input: 'x',
        output: 'sq',
        batchSize: 10_000,
        workers: 2,
      });
      console.log(`in-tab map: ${ROWS} rows of square on 2 Web Workers in ${Date.now() - t0} ms`);
      // The page's workers: the in-tab worker and the map's two Web Workers it started.
      const mapWorkers = page.workers().filter((w) => /\/map-worker-[^/]*\.js$/.test(w.url()));
      expect(mapWorkers.length).toBe(2);
      expect(squares.error).toBeNull();
      expect(squares.values).toEqual(expected);
      const batches = ROWS / 10_000;
      expect(squares.progress.length).toBe(batches);
      expect(squares.progress.map((p) => p.done)).toEqual(
        Array.from({ length: batches }, (_, b) => (b + 1) * 10_000),
      );
      expect(squares.progress.every((p) => p.total === ROWS)).toBe(true);

      const lengths = await mapInPage(page, { function: 'textLength', input: 'name', batchSize: 50_000 });
      expect(lengths.error).toBeNull();
      expect(lengths.values).toEqual(names.map((n) => (n === null ? null : n.length)));
      await page.screenshot({ path: artifact('in-tab-map') });
    },
  );

  chromium.it('stops when aborted: an AbortedError, and no progress after it', async () => {
    const run = await mapInPage(page, { function: 'square', input: 'x', batchSize: 200, workers: 2 }, 3);
    expect(run.values).toBeNull();
    expect(run.error).toMatchObject({ className: 'AbortedError', name: 'AbortedError', isError: true });
    expect(run.error?.message).toMatch(/^cancelled after \d+ of 1000 batches: stop$/);
    expect(run.progress.at(-1)!.done).toBeLessThan(ROWS / 2);
    expect(run.progressAfterEnd).toBe(0);

    // The pool works again after a cancelled run (its stopped workers are replaced).
    const again = await mapInPage(page, { function: 'square', input: 'x', batchSize: 50_000, workers: 2 });
    expect(again.values).toEqual(xs.map((x) => (x === null ? null : x * x)));
  });

  chromium.it('a function that throws gives its typed error; an unknown function is refused', async () => {
    const wrongColumn = await mapInPage(page, { function: 'square', input: 'name', workers: 2 });
    expect(wrongColumn.error).toMatchObject({
      className: 'TypeMismatchError',
      name: 'TypeMismatchError',
      isError: true,
    });
    expect(wrongColumn.error?.message).toContain('square needs a numeric column');

    const unknown = await mapInPage(page, { function: 'nope', input: 'x' });
    expect(unknown.error).toMatchObject({ className: 'InvalidArgumentError' });
    expect(unknown.error?.message).toContain('no tab function "nope"');
  });
});
