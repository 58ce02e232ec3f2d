// A load test on loopback: a listening server and 100 clients scrolling at once, each fetching 20
// windows of a sorted view and of the frame, all answered without an error, within a few seconds.
import * as arrow from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataFrame } from '../../../src/index.js';
import { type RunningApp, serveApp } from '../../../src/node/server/index.js';

const ROWS = 50_000;
let running: RunningApp;

beforeAll(async () => {
  const columns: Record<string, Float64Array> = {};
  for (let c = 0; c < 10; c++)
    columns[`c${c}`] = Float64Array.from({ length: ROWS }, (_, i) => ((i * (c + 3) * 7919) % 1000) / 10);
  running = await serveApp(new DataFrame(columns));
});
afterAll(() => running?.close());

describe('100 concurrent clients', () => {
  it('are all served, without an error', async () => {
    const base = running.url.replace(/\/$/, '');
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const view = (await (
      await fetch(`${base}/api/views`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ sort: [{ column: 'c1', descending: true }] }),
      })
    ).json()) as { id: string };
    const failures: string[] = [];
    let rowsSeen = 0;
    const client = async (k: number) => {
      for (let w = 0; w < 20; w++) {
        const start = ((k * 20 + w) * 100) % (ROWS - 100);
        const url =
          w % 2 === 0
            ? `${base}/api/rows?start=${start}&end=${start + 100}`
            : `${base}/api/views/${view.id}/rows?start=${start}&end=${start + 100}`;
        try {
          const res = await fetch(url);
          if (res.status !== 200) failures.push(`${url}: ${res.status}`);
          const table = arrow.tableFromIPC(new Uint8Array(await res.arrayBuffer()));
          rowsSeen += table.numRows;
        } catch (e) {
          failures.push(`${url}: ${String(e)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 100 }, (_, k) => client(k)));
    expect(failures).toEqual([]);
    expect(rowsSeen).toBe(100 * 20 * 100);
  }, 20_000);
});
