// The whole app in one tab, no server: `tessera app --export` writes the static app, a plain
// node:http file server serves it (no Tessera server), and Chromium opens an Arrow IPC and a
// Parquet file in the page (and a CSV file that Python's csv module wrote). The rows shown, sorted
// and filtered in the tab's worker, equal a naive sort and filter of the plain JS arrays the files were written from (apache-arrow writes the Arrow
// file, parquet-wasm the Parquet one); while the worker filters, the page keeps drawing frames.
// Screenshots go to test/e2e/artifacts/.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import * as pq from 'parquet-wasm/node';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { exportStaticApp } from '../../src/node/server/static-export.js';
import { needs } from '../helpers/references.js';
import { artifact, ensureUiBuilt, launchChromium, UI_DIST } from './browser.js';
import { chooseSource, openFile, staticServer } from './in-tab-page.js';
import { expectedTexts, flag, group, name, score, setRule, topRows, waitLoaded } from './table-page.js';

const ROWS = 1_000_000;
const ids = Array.from({ length: ROWS }, (_, i) => i);

/** The test's data as plain JS arrays, written as an Arrow IPC table (no Tessera code involved). */
function arrowTable(): arrow.Table {
  return new arrow.Table({
    id: arrow.vectorFromArray(Int32Array.from(ids)),
    group: arrow.vectorFromArray(Int32Array.from(ids, group)),
    score: arrow.vectorFromArray(Float64Array.from(ids, score)),
    name: arrow.vectorFromArray(ids.map(name), new arrow.Utf8()),
    flag: arrow.vectorFromArray(ids.map(flag), new arrow.Bool()),
  });
}

const count = (n: number) => `${n.toLocaleString('en-US')} of ${ROWS.toLocaleString('en-US')} rows`;

async function waitCount(page: Page, text: string): Promise<void> {
  await page.waitForFunction(
    (t) => document.querySelector('[data-testid="row-count"]')?.textContent === t,
    text,
    { timeout: 30_000 },
  );
}

const chromium = needs('chromium');

chromium.describe('the app in one tab, no server', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-in-tab-'));
  const site = path.join(dir, 'site');
  const arrowFile = path.join(dir, 'data.arrow');
  const parquetFile = path.join(dir, 'data.parquet');
  let browser: Browser;
  let server: { url: string; close(): Promise<void> };
  let page: Page;

  beforeAll(async () => {
    const [b] = await Promise.all([launchChromium(), ensureUiBuilt()]);
    browser = b;
    const table = arrowTable();
    fs.writeFileSync(arrowFile, arrow.tableToIPC(table, 'file'));
    const wasmTable = pq.Table.fromIPCStream(arrow.tableToIPC(table, 'stream'));
    fs.writeFileSync(parquetFile, pq.writeParquet(wasmTable));
    exportStaticApp(site, UI_DIST);
    server = await staticServer(site);
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    page.on('pageerror', (e) => console.error('page error:', e));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  chromium.it('exports a static app whose page asks for a file', async () => {
    expect(fs.readFileSync(path.join(site, 'index.html'), 'utf8')).toContain(
      'name="tessera-backend" content="in-tab"',
    );
    expect(fs.readdirSync(path.join(site, 'assets')).some((f) => f.endsWith('.wasm'))).toBe(true);
    await page.goto(server.url);
    await page.waitForSelector('[data-testid="in-tab-start"]');
    await page.screenshot({ path: artifact('in-tab-start') });
  });

  chromium.it(
    'opens an Arrow file: first rows, then sort and filter equal a naive sort and filter',
    async () => {
      const ms = await openFile(page, arrowFile);
      console.log(`in-tab: ${ROWS} rows of Arrow IPC to first rows on screen in ${ms} ms`);
      await waitCount(page, `${ROWS.toLocaleString('en-US')} rows`);
      expect(await page.textContent('[data-testid="source"]')).toBe('data.arrow');
      expect(await topRows(page, 10)).toEqual(ids.slice(0, 10).map(expectedTexts));

      await page.click('.head[data-col="score"]');
      await page.click('.head[data-col="score"]'); // descending
      const byScore = [...ids].sort((a, b) => score(b) - score(a) || a - b);
      await page.waitForFunction(() => window.location.hash.includes('sort=-score'));
      expect(await topRows(page, 10)).toEqual(byScore.slice(0, 10).map(expectedTexts));

      await setRule(page, 0, 'score', '>', '9000');
      await setRule(page, 1, 'flag', '==', 'true');
      const kept = byScore.filter((i) => score(i) > 9000 && flag(i) === true);
      await waitCount(page, count(kept.length));
      expect(await topRows(page, 10)).toEqual(kept.slice(0, 10).map(expectedTexts));
      await page.screenshot({ path: artifact('in-tab-arrow-sorted-filtered') });
    },
  );

  chromium.it('keeps drawing frames while the worker filters', async () => {
    // Frames drawn and the longest gap between two of them, while a text search over every name runs.
    await page.evaluate(() => {
      const w = window as unknown as { frames_: number[]; ticking: boolean };
      w.frames_ = [];
      w.ticking = true;
      const tick = (t: number) => {
        w.frames_.push(t);
        if (w.ticking) requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await page.fill('[data-testid="search"]', 'R77');
    const base = [...ids].sort((a, b) => score(b) - score(a) || a - b);
    const kept = base.filter(
      (i) => score(i) > 9000 && flag(i) === true && name(i)?.toLowerCase().includes('r77') === true,
    );
    await waitCount(page, count(kept.length));
    const frames = await page.evaluate(() => {
      const w = window as unknown as { frames_: number[]; ticking: boolean };
      w.ticking = false;
      return w.frames_;
    });
    const gaps = frames.slice(1).map((t, i) => t - frames[i]);
    const longest = Math.max(...gaps);
    console.log(
      `in-tab: ${frames.length} frames in ${Math.round(frames.at(-1)! - frames[0])} ms of filtering, longest gap ${Math.round(longest)} ms`,
    );
    expect(frames.length).toBeGreaterThan(2);
    expect(longest).toBeLessThan(500);
    expect(await topRows(page, Math.min(10, kept.length))).toEqual(kept.slice(0, 10).map(expectedTexts));
  });

  chromium.it('opens a Parquet file (parquet-wasm in the page) with the same rows', async () => {
    await page.goto(server.url);
    const ms = await openFile(page, parquetFile);
    console.log(`in-tab: ${ROWS} rows of Parquet to first rows on screen in ${ms} ms`);
    await waitCount(page, `${ROWS.toLocaleString('en-US')} rows`);
    expect(await page.textContent('[data-testid="source"]')).toBe('data.parquet');
    expect(await topRows(page, 10)).toEqual(ids.slice(0, 10).map(expectedTexts));
    await page.click('.head[data-col="score"]');
    await page.waitForFunction(() => window.location.hash.includes('sort=score'));
    await page.screenshot({ path: artifact('in-tab-parquet') });
  });

  chromium.it('opens another file in place of the open one, without its sort', async () => {
    await chooseSource(page, 'file', arrowFile, 'data.arrow');
    expect(new URL(page.url()).hash).toBe('');
    expect(await topRows(page, 10)).toEqual(ids.slice(0, 10).map(expectedTexts));
    expect(await page.textContent('[data-testid="in-tab-reopen"]')).toContain('Open another file');
  });

  chromium.it('finds similar rows in the tab, ranked as a naive cosine k-NN', async () => {
    // 2000 rows with a 3-d float32 embedding (an Arrow fixed-size list), written from plain arrays.
    const n = 2000;
    const embedding = (i: number) =>
      Float32Array.from([Math.sin(i), Math.cos(i * 0.7), ((i * 13) % 17) / 17]);
    const flat = new Float32Array(n * 3);
    for (let i = 0; i < n; i++) flat.set(embedding(i), i * 3);
    const emb = arrow.makeVector(
      arrow.makeData({
        type: new arrow.FixedSizeList(3, new arrow.Field('item', new arrow.Float32())),
        length: n,
        nullCount: 0,
        child: arrow.makeData({ type: new arrow.Float32(), length: n * 3, data: flat }),
      }),
    );
    const label = arrow.vectorFromArray(
      Array.from({ length: n }, (_, i) => `item ${i}`),
      new arrow.Utf8(),
    );
    const file = path.join(dir, 'emb.arrow');
    fs.writeFileSync(file, arrow.tableToIPC(new arrow.Table({ label, emb }), 'file'));
    await chooseSource(page, 'file', file, 'emb.arrow');
    const query = 5;
    await page.click(`.body .row[data-row="${query}"] [data-col="label"]`);
    await page.click('[data-similar="emb"]');
    await page.waitForSelector('.results tr[data-rank]');
    const found = await page.$$eval('.results tr[data-rank]', (trs) =>
      trs.map((t) => ({
        row: Number(t.getAttribute('data-row')),
        score: Number(t.getAttribute('data-score')),
      })),
    );
    const q = embedding(query);
    const cosine = (i: number) => {
      const v = embedding(i);
      return (v[0] * q[0] + v[1] * q[1] + v[2] * q[2]) / (Math.hypot(...v) * Math.hypot(...q));
    };
    const expected = Array.from({ length: n }, (_, i) => i)
      .sort((a, b) => cosine(b) - cosine(a) || a - b)
      .slice(0, found.length);
    expect(found.length).toBeGreaterThan(5);
    expect(found.map((f) => f.row)).toEqual(expected);
    for (const [i, f] of found.entries()) expect(f.score).toBeCloseTo(cosine(expected[i]), 5);
    await page.screenshot({ path: artifact('in-tab-similar') });
  });

  chromium.it(
    "opens a CSV file written by Python's csv module: the literal values, typed, then sorted",
    async () => {
      // Literal rows (null: an empty field); Python's csv.writer quotes the commas and quotes.
      const n = 3000;
      const city = (i: number) =>
        i % 13 === 4 ? null : [`Zürich ${i}`, `"Quoted" ${i}`, `a, b ${i}`, `Kraków € ${i}`][i % 4];
      const temp = (i: number) => ((i * 7) % 400) / 4 - 50;
      const ok = (i: number) => (i % 5 === 0 ? null : i % 2 === 1);
      const day = (i: number) => new Date(Date.UTC(2024, 0, 1 + (i % 366))).toISOString().slice(0, 10);
      const literal = Array.from({ length: n }, (_, i) => [i, city(i), temp(i), ok(i), day(i)]);
      const file = path.join(dir, 'weather.csv');
      execFileSync(
        '/usr/bin/python3',
        [
          '-c',
          `import csv, json, sys
rows = json.load(sys.stdin)
with open(sys.argv[1], 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f)
    w.writerow(['id', 'city', 'temp', 'ok', 'day'])
    for r in rows:
        w.writerow(['' if v is None else ('true' if v is True else 'false' if v is False else v) for v in r])`,
          file,
        ],
        { input: JSON.stringify(literal) },
      );
      const columns = ['id', 'city', 'temp', 'ok', 'day'];
      const texts = (i: number) =>
        Object.fromEntries(literal[i].map((v, c) => [columns[c], v === null ? 'null' : String(v)]));
      const shown = (count: number) =>
        page.$$eval(
          '.body .row',
          (rows, [cols, k]) =>
            rows
              .sort((a, b) => Number(a.getAttribute('data-row')) - Number(b.getAttribute('data-row')))
              .slice(0, k as number)
              .map((r) =>
                Object.fromEntries(
                  (cols as string[]).map((c) => [
                    c,
                    r.querySelector(`[data-col="${c}"]`)?.textContent?.trim() ?? '',
                  ]),
                ),
              ),
          [columns, count] as const,
        );

      await chooseSource(page, 'file', file, 'weather.csv');
      await page.waitForFunction(
        () => document.querySelector('[data-testid="row-count"]')?.textContent === '3,000 rows',
        undefined,
        { timeout: 30_000 },
      );
      await waitLoaded(page, 10, true);
      expect(await shown(10)).toEqual(Array.from({ length: 10 }, (_, i) => texts(i)));
      // Typed from the text: the sort of temp is numeric (-50 before -9.75), not textual.
      await page.click('.head[data-col="temp"]');
      await page.waitForFunction(() => window.location.hash.includes('sort=temp'));
      const byTemp = Array.from({ length: n }, (_, i) => i).sort((a, b) => temp(a) - temp(b) || a - b);
      await waitLoaded(page, 10, true);
      expect(await shown(10)).toEqual(byTemp.slice(0, 10).map(texts));
      await page.screenshot({ path: artifact('in-tab-csv') });
    },
  );

  chromium.it('says plainly when a file is none of Parquet, Arrow and CSV', async () => {
    const json = path.join(dir, 'data.json');
    fs.writeFileSync(json, '[{"a": 1}]');
    await page.goto(`${server.url}#`);
    await page.reload();
    await page.setInputFiles('[data-testid="in-tab-file"]', json);
    await page.waitForSelector('[data-testid="in-tab-error"]');
    expect(await page.textContent('[data-testid="in-tab-error"]')).toMatch(
      /^ParseError: .*Parquet, Arrow IPC and CSV/,
    );
  });
});
