// The app server at scale, on a stored dataset opened the way `tessera app` opens it (10 columns:
// 3 int32, 5 float64, 2 strings, one of low cardinality with unicode), at 1M and 10M rows:
// - a window of 100 rows × 10 columns, p50/p95 over many requests, of the frame and of a sorted view
//   (target ≤ 30 ms p95 at 10M rows);
// - sorts and filters: the view made (the count is in its reply) and its first page of 100 rows,
//   from the request, cold (first touch of the column: read from disk) and warm (target ≤ 300 ms
//   for count and first page on screen at 10M rows: the server's share must be well below);
// - the full order of a sort in the background (the last window waits for it).
// Server time through fastify.inject (routing, validation, the work, Arrow IPC), no network; the
// process's CPU time beside it, which a loaded machine changes far less than the wall clock.
// `npm run bench -- app-window [--rows N] [--requests N] [--quick]` (full: 1M and 10M rows; quick: 20k)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { column, DataFrame } from '../src/index.js';
import { createAppServer } from '../src/node/server/index.js';
import { countOption, countsOption } from './lib/args.js';
import { load, machine } from './lib/results.js';

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'épsilon', 'Zeta', 'eta', 'THETA', '', '日本'];

/** A stored dataset of `rows` rows × 10 columns in a fresh temporary folder. */
async function writeDataset(rows: number, dir: string): Promise<void> {
  const cols: Record<string, ReturnType<typeof column> | Float64Array> = {};
  for (let c = 0; c < 3; c++)
    cols[`i${c}`] = column(
      Int32Array.from({ length: rows }, (_, i) => (i * (c + 3) * 7919) % (1000 * (c + 1))),
      'int32',
    );
  for (let c = 0; c < 5; c++)
    cols[`f${c}`] = Float64Array.from({ length: rows }, (_, i) => ((i * (c + 5) * 104729) % 1_000_003) / 7);
  cols.label = column(
    Array.from({ length: rows }, (_, i) => `${WORDS[i % 10]}-${(i * 31) % 5000}`),
    'string',
  );
  cols.id = column(
    Array.from({ length: rows }, (_, i) => `row-${((i * 2654435761) >>> 0).toString(36)}`),
    'string',
  );
  await new DataFrame(cols).write(dir);
}

type App = Awaited<ReturnType<typeof createAppServer>>;

/** CPU milliseconds this process has used (all its threads): a measure that load barely changes. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * POST a view, then its first 100 rows: ms to the reply (with the count) and to the first page,
 * and the CPU ms the process spent on both.
 */
async function viewTimes(
  app: App,
  body: object,
): Promise<{ count: number; made: number; page: number; cpu: number }> {
  const c = cpuMs();
  const t = performance.now();
  const res = await app.inject({ method: 'POST', url: '/api/views', payload: body });
  const made = performance.now() - t;
  if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`);
  const view = res.json() as { id: string; rows: number };
  const first = await app.inject({ url: `/api/views/${view.id}/rows?start=0&end=100` });
  if (first.statusCode !== 200) throw new Error(first.body);
  const page = performance.now() - t;
  const cpu = cpuMs() - c;
  await app.inject({ method: 'DELETE', url: `/api/views/${view.id}` });
  return { count: view.rows, made, page, cpu };
}

async function windowTimes(app: App, url: (start: number) => string, rows: number, requests: number) {
  const ms: number[] = [];
  for (let r = 0; r < requests; r++) {
    const s = Math.floor(Math.random() * (rows - 100));
    const t = performance.now();
    const res = await app.inject({ url: url(s) });
    if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`);
    ms.push(performance.now() - t);
  }
  return ms;
}

const VIEWS: [string, object][] = [
  ['sort float64', { sort: [{ column: 'f0', descending: true }] }],
  ['sort int32', { sort: [{ column: 'i0' }] }],
  ['sort string (low cardinality)', { sort: [{ column: 'label' }] }],
  ['sort int32, float64', { sort: [{ column: 'i1' }, { column: 'f1' }] }],
  ['filter float64 >', { filter: { column: 'f2', op: '>', value: 70_000 } }],
  ['filter int32 in', { filter: { column: 'i2', op: 'in', value: [5, 7, 9] } }],
  ['filter string ==', { filter: { column: 'label', op: '==', value: 'beta-31' } }],
  [
    'text search (contains, any case)',
    { filter: { column: 'id', op: 'contains', value: 'ZZ', ignoreCase: true } },
  ],
  [
    'filter and sort',
    { filter: { column: 'f3', op: '>', value: 70_000 }, sort: [{ column: 'label', descending: true }] },
  ],
];

async function measure(rows: number, requests: number): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-app-window-'));
  try {
    await writeDataset(rows, dir);
    const app = await createAppServer(dir);
    const f = (x: number) => `${x.toFixed(1)} ms`;
    console.log(
      `\n### ${rows.toLocaleString('en')} rows × 10 columns (stored dataset), load average ${load()}`,
    );
    const coldWindow = await windowTimes(app, (s) => `/api/rows?start=${s}&end=${s + 100}`, rows, 1);
    const frameMs = await windowTimes(app, (s) => `/api/rows?start=${s}&end=${s + 100}`, rows, requests);
    console.log(
      '| view | rows | view made, count known (cold / warm) | first page (cold / warm) | CPU to first page (cold / warm) |',
    );
    console.log('|---|---|---|---|---|');
    for (const [name, body] of VIEWS) {
      const cold = await viewTimes(app, body);
      const warm = await viewTimes(app, body);
      console.log(
        `| ${name} | ${cold.count.toLocaleString('en')} | ${f(cold.made)} / ${f(warm.made)} | ${f(cold.page)} / ${f(warm.page)} | ${f(cold.cpu)} / ${f(warm.cpu)} |`,
      );
    }
    const res = await app.inject({ method: 'POST', url: '/api/views', payload: VIEWS[0][1] });
    const view = res.json() as { id: string };
    let t = performance.now();
    await app.inject({ url: `/api/views/${view.id}/rows?start=${rows - 100}&end=${rows}` });
    const fullSort = performance.now() - t;
    await windowTimes(app, (s) => `/api/views/${view.id}/rows?start=${s}&end=${s + 100}`, rows, 1);
    const viewMs = await windowTimes(
      app,
      (s) => `/api/views/${view.id}/rows?start=${s}&end=${s + 100}`,
      rows,
      requests,
    );
    t = performance.now();
    await app.close();
    console.log(`\n| window of 100 rows × 10 columns | p50 | p95 | target p95 |\n|---|---|---|---|`);
    console.log(
      `| frame (first, cold: ${f(coldWindow[0])}) | ${f(percentile(frameMs, 50))} | ${f(percentile(frameMs, 95))} | 30 ms |`,
    );
    console.log(`| sorted view | ${f(percentile(viewMs, 50))} | ${f(percentile(viewMs, 95))} | 30 ms |`);
    console.log(`full sort (float64) in the background: its last window came ${f(fullSort)} after the view`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function main(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const requests = countOption(args, '--requests', quick ? 20 : 200);
  const sizes = countsOption(args, '--rows', quick ? [20_000] : [1_000_000, 10_000_000]);
  console.log(
    `app server: views and windows on a stored dataset, server time (inject); targets at 10M rows: count and first page ≤ 300 ms on screen, window ≤ 30 ms p95`,
  );
  for (const rows of sizes) await measure(rows, requests);
  console.log(`\nmachine: ${machine()}; load average ${load()}`);
}
