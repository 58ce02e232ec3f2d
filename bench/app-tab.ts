// The app in one tab (the static export of `tessera app --export`, served by a plain node:http file
// server, no Tessera server) beside `tessera app FILE` over the same Parquet file, in the same run,
// in headless Chromium: the file opened to its first rows drawn (target ≤ 1 s at 1M rows), a jump
// to the last row, a sort's first page and a filter's count and first page. The Parquet file (id
// int32, x float64, label string: the app bench's formulas, lib/app-dataset.ts) is written once by
// apache-arrow + parquet-wasm and cached under os.tmpdir(). Every wait checks what is drawn against
// a naive scan of the formulas. Times on the page's clock, medians over the repeats.
// `npm run bench -- app-tab [--quick] [--sizes 1M] [--repeats N] [--no-write]`
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import * as pq from 'parquet-wasm/node';
import type { Browser, Page } from 'playwright-core';
import { DataFrame } from '../src/core/frame/frame.js';
import { launchChromium, requireChromium } from '../src/node/browser.js';
import { WorkerPoolExecutor } from '../src/node/exec/worker-pool.js';
import { exportStaticApp } from '../src/node/server/static-export.js';
import { UI_DIST } from '../test/e2e/browser.js';
import { staticServer } from '../test/e2e/in-tab-page.js';
import { tabFunctions } from '../ui/src/local/tab-functions.js';
import {
  FILTER_BELOW,
  filterFirstPage,
  jumpToLast,
  reference,
  rowsDrawn,
  SORT_COLUMN,
  sortFirstPage,
  startApp,
  withPage,
} from './app.js';
import { ensureUi, type TesseraEntry, tesseraEntry } from './lib/app-build.js';
import { labelOf, xOf } from './lib/app-dataset.js';
import { countOption, countsOption } from './lib/args.js';
import { benchCommand, load, machine, writeSection } from './lib/results.js';
import { formatCount, formatMedianRange, median, ratio, table } from './lib/stats.js';

const OUT = new URL('out/', import.meta.url);
/** Bumped when the file's layout or formulas change, so an older cached file is rebuilt. */
const SPEC = 1;

/** Milliseconds of each measure over the repeats, in the tab and from the server. */
interface Side {
  /** In the tab: the file set on the page's input to its first rows drawn. From the server: the command spawned to the first rows drawn. */
  open: number[];
  /** A served page loaded to its first rows (the server already up; no such step in the tab). */
  pageLoad: number[];
  jump: number[];
  sort: number[];
  filter: number[];
  /** `map` of the tab function `square` over x on MAP_WORKERS workers: Web Workers in the tab, worker threads in Node. */
  map: number[];
}

const empty = (): Side => ({ open: [], pageLoad: [], jump: [], sort: [], filter: [], map: [] });

/** Workers of the map measure, on both sides, and its rows per batch. */
const MAP_WORKERS = 2;
const MAP_BATCH = 65_536;
/** The page's handle on a map in the tab (ui/src/local/tab-map-client.ts). */
declare const tesseraTab: {
  map(request: object): Promise<Record<string, ArrayLike<unknown>>>;
};

const log = (line: string) => console.error(line);

export async function main(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const sizes = countsOption(args, '--sizes', quick ? [20_000] : [1_000_000]);
  const repeats = countOption(args, '--repeats', quick ? 2 : 5);
  requireChromium();
  const entry = tesseraEntry(quick, log);
  await ensureUi(log);
  const files = sizes.map((rows) => ({ rows, file: parquetFile(rows) }));
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-app-tab-run-'));
  const site = path.join(scratch, 'site');
  exportStaticApp(site, UI_DIST);
  const server = await staticServer(site);
  const loadBefore = load();
  const browser = await launchChromium();
  const browserVersion = browser.version();
  const results: { rows: number; bytes: number; tab: Side; app: Side }[] = [];
  try {
    for (const { rows, file } of files) {
      log(`measuring ${formatCount(rows)} rows, ${repeats} repeats`);
      const tab = await measureTab(browser, server.url, file, rows, repeats);
      const app = await measureApp(browser, entry, file, rows, repeats, scratch);
      app.map = await mapInNode(rows, repeats);
      results.push({ rows, bytes: fs.statSync(file).size, tab, app });
    }
  } finally {
    await browser.close();
    await server.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  const body = report(results, entry, browserVersion, repeats, loadBefore, load());
  console.log(body);
  writeSection('app-tab', args, `\`${benchCommand('app-tab', args)}\`\n\n${body}`);
}

/** The Parquet file of `rows` rows, written once (a temporary name, then a rename) and kept. */
function parquetFile(rows: number): string {
  const dir = path.join(os.tmpdir(), 'tessera-bench-app-tab');
  const file = path.join(dir, `v${SPEC}-${formatCount(rows)}.parquet`);
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(dir, { recursive: true });
  log(`writing ${file} (apache-arrow + parquet-wasm, once)`);
  const table = new arrow.Table({
    id: arrow.vectorFromArray(Int32Array.from({ length: rows }, (_, i) => i)),
    x: arrow.vectorFromArray(Float64Array.from({ length: rows }, (_, i) => xOf(i))),
    label: arrow.vectorFromArray(
      Array.from({ length: rows }, (_, i) => labelOf(i)),
      new arrow.Utf8(),
    ),
  });
  const bytes = pq.writeParquet(pq.Table.fromIPCStream(arrow.tableToIPC(table, 'stream')));
  const partial = `${file}.${process.pid}.partial`;
  fs.writeFileSync(partial, bytes);
  fs.renameSync(partial, file);
  return file;
}

async function measureTab(
  browser: Browser,
  url: string,
  file: string,
  rows: number,
  repeats: number,
): Promise<Side> {
  const r = empty();
  const expected = reference(rows);
  for (let k = 0; k < repeats; k++) {
    await withPage(browser, async (page) => {
      r.open.push(await openInTab(page, url, file, rows));
      r.jump.push(await jumpToLast(page, rows));
      await shot(page, rows, 'tab-last-row');
    });
    await withPage(browser, async (page) => {
      await openInTab(page, url, file, rows);
      r.sort.push(await sortFirstPage(page, expected.smallestX, false));
      await shot(page, rows, 'tab-sorted');
    });
    await withPage(browser, async (page) => {
      await openInTab(page, url, file, rows);
      r.filter.push(await filterFirstPage(page, rows, expected.below, expected.firstBelow));
      await shot(page, rows, 'tab-filtered');
    });
    await withPage(browser, async (page) => {
      await openInTab(page, url, file, rows);
      r.map.push(await mapInTab(page, rows));
    });
  }
  return r;
}

/** ms of `tesseraTab.map` of square over x (the values checked against x², computed here). */
async function mapInTab(page: Page, rows: number): Promise<number> {
  const { ms, sample } = await page.evaluate(
    async ({ workers, batchSize }) => {
      const request = { function: 'square', input: 'x', output: 'sq', workers, batchSize };
      await tesseraTab.map(request); // starts the tab's pool: the timed run finds its workers ready
      const t0 = performance.now();
      const out = await tesseraTab.map(request);
      const ms = performance.now() - t0;
      const sq = out.sq;
      return {
        ms,
        sample: [0, 1, sq.length - 1].map((i) => [i, sq[i]] as [number, unknown]),
        length: sq.length,
      };
    },
    { workers: MAP_WORKERS, batchSize: MAP_BATCH },
  );
  for (const [i, v] of sample)
    if (v !== xOf(i) ** 2 || sample[2][0] !== rows - 1)
      throw new Error(`the tab's map gave ${String(v)} at row ${i}, not ${xOf(i) ** 2}`);
  return ms;
}

/** ms of the same map in Node on a worker-thread pool (its threads started and the module loaded first, as in the tab). */
async function mapInNode(rows: number, repeats: number): Promise<number[]> {
  const df = new DataFrame({ x: Float64Array.from({ length: rows }, (_, i) => xOf(i)) });
  const fn = { module: new URL('../ui/src/local/tab-functions.ts', import.meta.url), export: 'square' };
  const pool = new WorkerPoolExecutor({ size: MAP_WORKERS });
  const times: number[] = [];
  try {
    await df.head(MAP_WORKERS).map(fn, { executor: pool, batchSize: 1, outputs: 'sq' });
    for (let k = 0; k < repeats; k++) {
      const t0 = performance.now();
      const out = await df.map(fn, { executor: pool, batchSize: MAP_BATCH, outputs: 'sq' });
      times.push(performance.now() - t0);
      const sq = out.column('sq');
      for (const i of [0, 1, rows - 1])
        if (sq.get(i) !== tabFunctions.square({ x: xOf(i) }))
          throw new Error(`Node's map gave ${String(sq.get(i))} at row ${i}`);
    }
  } finally {
    await pool.close();
  }
  return times;
}

/** Load the static page, then give its file input `file`: ms (page clock) from then to the first rows drawn. */
async function openInTab(page: Page, url: string, file: string, rows: number): Promise<number> {
  await page.goto(url);
  await page.waitForSelector('[data-testid="in-tab-file"]', { state: 'attached' });
  const t0 = await page.evaluate(() => performance.now());
  await page.setInputFiles('[data-testid="in-tab-file"]', file);
  return (await rowsDrawn(page, rows)) - t0;
}

async function measureApp(
  browser: Browser,
  entry: TesseraEntry,
  file: string,
  rows: number,
  repeats: number,
  scratch: string,
): Promise<Side> {
  const r = empty();
  const expected = reference(rows);
  // A new process per repeat: spawned to the first rows drawn (the browser is already running).
  for (let k = 0; k < repeats; k++)
    await withPage(browser, async (page) => {
      const t0 = performance.now();
      const server = await startApp(entry, file, path.join(scratch, `open-${k}`));
      try {
        await page.goto(server.url, { waitUntil: 'commit' });
        await rowsDrawn(page, rows);
        r.open.push(performance.now() - t0);
      } finally {
        await server.stop();
      }
    });
  const server = await startApp(entry, file, path.join(scratch, 'app'));
  try {
    for (let k = 0; k < repeats; k++) {
      await withPage(browser, async (page) => {
        await page.goto(server.url, { waitUntil: 'commit' });
        r.pageLoad.push(await rowsDrawn(page, rows));
        r.jump.push(await jumpToLast(page, rows));
      });
      await withPage(browser, async (page) => {
        await page.goto(server.url, { waitUntil: 'commit' });
        await rowsDrawn(page, rows);
        r.sort.push(await sortFirstPage(page, expected.smallestX));
      });
      await withPage(browser, async (page) => {
        await page.goto(server.url, { waitUntil: 'commit' });
        await rowsDrawn(page, rows);
        r.filter.push(await filterFirstPage(page, rows, expected.below, expected.firstBelow));
        await shot(page, rows, 'app-filtered');
      });
    }
  } finally {
    await server.stop();
  }
  return r;
}

/** A screenshot of what was measured, in bench/out/ (a page can pass its checks and look broken). */
async function shot(page: Page, rows: number, what: string): Promise<void> {
  fs.mkdirSync(OUT, { recursive: true });
  await page.screenshot({ path: new URL(`app-tab-${formatCount(rows)}-${what}.png`, OUT).pathname });
}

function report(
  results: { rows: number; bytes: number; tab: Side; app: Side }[],
  entry: TesseraEntry,
  browserVersion: string,
  repeats: number,
  loadBefore: string,
  loadAfter: string,
): string {
  // The median, and the range over the repeats where there are several (a loaded machine varies).
  const ms = formatMedianRange;
  const measures: [string, string, keyof Side][] = [
    ['open the file: first rows drawn', '≤ 1 s', 'open'],
    ['  served page loaded: first rows', '≤ 300 ms', 'pageLoad'],
    ['jump to the last row', '≤ 150 ms', 'jump'],
    [`sort (click ${SORT_COLUMN}): first page`, '≤ 300 ms', 'sort'],
    [`filter (type ${SORT_COLUMN} < ${FILTER_BELOW}): count and first page`, '≤ 300 ms', 'filter'],
    [`map square over ${SORT_COLUMN}, ${MAP_WORKERS} workers`, '', 'map'],
  ];
  const header = ['what', 'target', 'rows', 'in the tab', '`tessera app FILE`', 'tab / app'];
  const rows = results.flatMap((r) =>
    measures.map(([what, target, key]) => [
      what,
      target,
      formatCount(r.rows),
      ms(r.tab[key]),
      ms(r.app[key]),
      r.tab[key].length && r.app[key].length ? ratio(median(r.tab[key]), median(r.app[key])) : '-',
    ]),
  );
  const sizes = results.map((r) => `${formatCount(r.rows)} rows: ${(r.bytes / 2 ** 20).toFixed(0)} MB`);
  return [
    `The app in one tab (static export, no server) beside \`tessera app FILE\` on the same Parquet file, headless Chromium ${browserVersion}, medians of ${repeats} repeats (their range in brackets).`,
    '',
    table(header, rows, 3),
    '',
    `- The file: id int32, x float64, label string (Snappy Parquet by parquet-wasm; ${sizes.join(', ')}).`,
    '- Open, in the tab: from setting the file on the page (already loaded) to the first rows drawn: the ' +
      'file read, parsed by parquet-wasm in the worker, the schema and the first window. From the server: ' +
      `from spawning \`${entry.what} app FILE --port 0\` to the first rows drawn (the browser already running).`,
    "- Sort and filter: from the click or keystroke to the first page (and count) drawn, on the page's clock; " +
      "the filter includes the filter bar's 200 ms debounce. In the tab they run in its worker; from the server, " +
      'on the server.',
    `- Map: \`tesseraTab.map\` of the tab function \`square\` (per row) in batches of ${MAP_BATCH} rows on ${MAP_WORKERS} ` +
      'Web Workers beside the same function in Node, ' +
      `\`df.map\` on a \`WorkerPoolExecutor\` of ${MAP_WORKERS} threads; on both sides the workers were started and ` +
      'the function loaded by an earlier map; the time includes sending the column to them and the values back.',
    '- A ratio below 1 means the tab is faster. Screenshots of the last repeat: bench/out/app-tab-SIZE-*.png.',
    `- Machine: ${machine()}; load average ${loadBefore} before, ${loadAfter} after.`,
  ].join('\n');
}
