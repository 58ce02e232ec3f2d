// The app server's row windows: one window of 100 rows × 10 columns of a 1M-row frame in memory,
// p50/p95 over 200 requests through fastify.inject (server time: routing, validation, Arrow IPC),
// for the frame itself and for a sorted view, and the time to the first page of a sort (top-k).
// `npm run bench -- app-window [--rows N] [--requests N] [--quick]`
import { DataFrame } from '../src/index.js';
import { createAppServer } from '../src/node/server/index.js';
import { load, machine } from './lib/results.js';

function arg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

export async function main(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const rows = arg(args, 'rows', quick ? 20_000 : 1_000_000);
  const requests = arg(args, 'requests', quick ? 20 : 200);
  const columns: Record<string, Float64Array> = {};
  for (let c = 0; c < 10; c++)
    columns[`c${c}`] = Float64Array.from({ length: rows }, (_, i) => ((i * (c + 3) * 7919) % 100_003) / 7);
  const app = await createAppServer(new DataFrame(columns));
  const time = async (url: () => string) => {
    const ms: number[] = [];
    for (let r = 0; r < requests; r++) {
      const t = performance.now();
      const res = await app.inject({ url: url() });
      if (res.statusCode !== 200) throw new Error(`${res.statusCode} ${res.body}`);
      ms.push(performance.now() - t);
    }
    return ms;
  };
  const start = () => Math.floor(Math.random() * (rows - 100));
  await time(() => '/api/rows?start=0&end=100'); // warm up
  const frameMs = await time(() => {
    const s = start();
    return `/api/rows?start=${s}&end=${s + 100}`;
  });
  let t = performance.now();
  const view = (
    await app.inject({
      method: 'POST',
      url: '/api/views',
      payload: { sort: [{ column: 'c3', descending: true }] },
    })
  ).json();
  const firstPage = performance.now() - t;
  const first = await app.inject({ url: `/api/views/${view.id}/rows?start=0&end=100` });
  const firstWindow = performance.now() - t;
  if (first.statusCode !== 200) throw new Error(first.body);
  t = performance.now();
  await app.inject({ url: `/api/views/${view.id}/rows?start=${rows - 100}&end=${rows}` });
  const fullSort = performance.now() - t;
  const viewMs = await time(() => {
    const s = start();
    return `/api/views/${view.id}/rows?start=${s}&end=${s + 100}`;
  });
  await app.close();
  const f = (x: number) => `${x.toFixed(2)} ms`;
  console.log(
    `app server windows, ${rows} rows × 10 float64 columns, 100-row windows, ${requests} requests (inject)`,
  );
  console.log(`| what | p50 | p95 |\n|---|---|---|`);
  console.log(`| frame window | ${f(percentile(frameMs, 50))} | ${f(percentile(frameMs, 95))} |`);
  console.log(`| sorted-view window | ${f(percentile(viewMs, 50))} | ${f(percentile(viewMs, 95))} |`);
  console.log(
    `sort: view made (top-k) in ${f(firstPage)}, first window after ${f(firstWindow)}, last window (waits for the full sort) ${f(fullSort)} more`,
  );
  console.log(`machine: ${machine()}; load average ${load()}`);
}
