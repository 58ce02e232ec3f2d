// Server-side views: sorts and filters checked against a naive sort (stable) and a naive filter;
// a large sort answers its first rows from a top-k and completes in steps that yield the event loop.
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { sortInSteps } from '../../../src/core/app/background-sort.js';
import { ViewStore } from '../../../src/core/app/views.js';
import { column, DataFrame } from '../../../src/index.js';
import { createAppServer } from '../../../src/node/server/index.js';
import { mulberry32 } from '../../helpers/random.js';

function randomFrame(n: number, seed = 1) {
  const rnd = mulberry32(seed);
  const bucket = Array.from({ length: n }, () => (rnd() < 0.1 ? null : Math.floor(rnd() * 20)));
  const name = Array.from({ length: n }, () =>
    rnd() < 0.1 ? null : ['alpha', 'beta', 'gamma', 'delta'][Math.floor(rnd() * 4)] + Math.floor(rnd() * 3),
  );
  const value = Array.from({ length: n }, () => Math.round(rnd() * 1000) / 10);
  const frame = new DataFrame({
    bucket: column(bucket, 'float64'),
    name: column(name, 'string'),
    value: Float64Array.from(value),
  });
  return { frame, bucket, name, value };
}

/** Naive stable sort by bucket descending (nulls last), then value ascending. */
function naiveSorted(
  bucket: (number | null)[],
  value: number[],
  keep: (i: number) => boolean = () => true,
): number[] {
  return bucket
    .map((_, i) => i)
    .filter(keep)
    .sort((i, j) => {
      const a = bucket[i];
      const b = bucket[j];
      if (a !== b) {
        if (a === null) return 1;
        if (b === null) return -1;
        return b - a;
      }
      return value[i] - value[j] || i - j;
    });
}

async function rowsOf(
  app: Awaited<ReturnType<typeof createAppServer>>,
  id: string,
  start: number,
  end: number,
): Promise<number[]> {
  const res = await app.inject({
    url: `/api/views/${id}/rows?start=${start}&end=${end}&rowIndex=true&columns=value`,
  });
  expect(res.statusCode, res.body).toBe(200);
  return Array.from(arrow.tableFromIPC(res.rawPayload).getChild('__row')!.toArray() as Int32Array);
}

describe('views over HTTP', () => {
  it('sort views equal a naive stable sort, window by window', async () => {
    const { frame, bucket, value } = randomFrame(3000);
    const app = await createAppServer(frame);
    const res = await app.inject({
      method: 'POST',
      url: '/api/views',
      payload: { sort: [{ column: 'bucket', descending: true }, { column: 'value' }] },
    });
    expect(res.statusCode, res.body).toBe(201);
    const view = res.json();
    expect(view).toMatchObject({ rows: 3000, complete: true });
    const expected = naiveSorted(bucket, value);
    const got = [
      ...(await rowsOf(app, view.id, 0, 1000)),
      ...(await rowsOf(app, view.id, 1000, 2000)),
      ...(await rowsOf(app, view.id, 2000, 3000)),
    ];
    expect(got).toEqual(expected);
  });

  it('filter views (compare, contains, in, is null, and/or) equal a naive filter', async () => {
    const { frame, bucket, name, value } = randomFrame(2000, 2);
    const app = await createAppServer(frame);
    const cases: [unknown, (i: number) => boolean][] = [
      [{ column: 'value', op: '>=', value: 50 }, (i) => value[i] >= 50],
      [{ column: 'name', op: 'contains', value: 'ta' }, (i) => name[i] !== null && name[i]!.includes('ta')],
      [{ column: 'bucket', op: 'is null' }, (i) => bucket[i] === null],
      [
        { column: 'name', op: 'in', value: ['beta1', 'gamma2'] },
        (i) => name[i] === 'beta1' || name[i] === 'gamma2',
      ],
      [
        {
          or: [
            {
              and: [
                { column: 'bucket', op: '<', value: 5 },
                { column: 'value', op: '!=', value: 10 },
              ],
            },
            { column: 'name', op: 'is not null' },
          ],
        },
        (i) => (bucket[i] !== null && bucket[i]! < 5 && value[i] !== 10) || name[i] !== null,
      ],
    ];
    for (const [filter, keep] of cases) {
      const res = await app.inject({ method: 'POST', url: '/api/views', payload: { filter } });
      expect(res.statusCode, res.body).toBe(201);
      const view = res.json();
      const expected = bucket.map((_, i) => i).filter(keep);
      expect(view.rows, JSON.stringify(filter)).toBe(expected.length);
      expect(await rowsOf(app, view.id, 0, expected.length), JSON.stringify(filter)).toEqual(expected);
    }
    // Filter and sort together.
    const res = await app.inject({
      method: 'POST',
      url: '/api/views',
      payload: {
        filter: cases[0][0],
        sort: [{ column: 'bucket', descending: true }, 'value'].map((k) =>
          typeof k === 'string' ? { column: k } : k,
        ),
      },
    });
    const view = res.json();
    expect(await rowsOf(app, view.id, 0, view.rows)).toEqual(naiveSorted(bucket, value, cases[0][1]));
  });

  it('contains is case-sensitive, and ignores case with ignoreCase', async () => {
    const names = ['Alpha', 'ALPHABET', 'beta', null, 'alp', 'xalphax', 'ÄLPHA'];
    const app = await createAppServer(new DataFrame({ name: names, value: names.map((_, i) => i) }));
    const rowsFor = async (filter: unknown) => {
      const res = await app.inject({ method: 'POST', url: '/api/views', payload: { filter } });
      expect(res.statusCode, res.body).toBe(201);
      const view = res.json();
      return rowsOf(app, view.id, 0, view.rows);
    };
    // The expected rows, read off the list by hand.
    expect(await rowsFor({ column: 'name', op: 'contains', value: 'alpha' })).toEqual([5]);
    expect(await rowsFor({ column: 'name', op: 'contains', value: 'alpha', ignoreCase: true })).toEqual([
      0, 1, 5,
    ]);
    expect(await rowsFor({ column: 'name', op: 'contains', value: 'äLp', ignoreCase: true })).toEqual([6]);
  });

  it('drops a superseded view, and refuses bad specs with 400 and unknown views with 404', async () => {
    const { frame } = randomFrame(100);
    const app = await createAppServer(frame);
    const first = (
      await app.inject({ method: 'POST', url: '/api/views', payload: { sort: [{ column: 'value' }] } })
    ).json();
    const second = await app.inject({
      method: 'POST',
      url: '/api/views',
      payload: { sort: [{ column: 'name' }], replaces: first.id },
    });
    expect(second.statusCode).toBe(201);
    expect((await app.inject({ url: `/api/views/${first.id}` })).statusCode).toBe(404);
    expect((await app.inject({ url: `/api/views/${second.json().id}` })).json()).toMatchObject({
      rows: 100,
      complete: true,
    });
    for (const payload of [
      { filter: { column: 'value', op: 'like', value: 1 } },
      { filter: { and: [] } },
      { sort: [{ column: 'value', descending: 'yes' }] },
      { filter: { column: 'name', op: 'contains', value: 3 } },
      { filter: { column: 'value', op: '>', value: 'x' } },
      { extra: 1 },
    ]) {
      const res = await app.inject({ method: 'POST', url: '/api/views', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.type).toMatch(/Error$/);
    }
    const unknownColumn = await app.inject({
      method: 'POST',
      url: '/api/views',
      payload: { sort: [{ column: 'nope' }] },
    });
    expect(unknownColumn.statusCode).toBe(404);
    const del = await app.inject({ method: 'DELETE', url: `/api/views/${second.json().id}` });
    expect(del.statusCode).toBe(204);
  });
});

describe('a large sort', () => {
  it('answers the first rows from a top-k, then the full order, equal to the naive sort', async () => {
    const { frame, bucket, value } = randomFrame(20_000, 3);
    const store = new ViewStore(frame, { firstRows: 100, sortAtOnceRows: 1000, sortChunkRows: 3000 });
    const view = store.create({ sort: [{ column: 'bucket', descending: true }, { column: 'value' }] });
    const expected = naiveSorted(bucket, value);
    expect(view.order).toBeNull(); // the full order is not there yet...
    expect(Array.from(await store.window(view.id, 0, 100))).toEqual(expected.slice(0, 100)); // ...the top-k is
    expect(view.order).toBeNull();
    expect(Array.from(await store.window(view.id, 5000, 5100))).toEqual(expected.slice(5000, 5100));
    expect(Array.from(view.order!)).toEqual(expected);
  });

  it("pushes a view's progress as server-sent events", async () => {
    const { frame } = randomFrame(300_000, 5);
    const app = await createAppServer(frame);
    const view = (
      await app.inject({ method: 'POST', url: '/api/views', payload: { sort: [{ column: 'value' }] } })
    ).json();
    expect(view.complete).toBe(false); // 300k rows: a top-k now, the full order in the background
    const res = await app.inject({ url: `/api/views/${view.id}/events` });
    expect(res.headers['content-type']).toMatch(/text\/event-stream/);
    const events = res.body
      .split('\n\n')
      .filter(Boolean)
      .map((e) => e.split('\n')[0]);
    expect(events).toEqual(['event: progress', 'event: complete']);
    expect((await app.inject({ url: `/api/views/${view.id}` })).json().complete).toBe(true);
  });

  it('sorts in steps that let other work run, and stops when cancelled', async () => {
    const { frame } = randomFrame(20_000, 4);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const order = await sortInSteps(frame, 'value', {}, undefined, 2000);
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(0);
    expect(Array.from(order)).toEqual(sortedPositions(frame));
    const abort = new AbortController();
    const running = sortInSteps(frame, 'value', {}, abort.signal, 2000);
    abort.abort();
    await expect(running).rejects.toThrow(/cancelled/);
  });
});

function sortedPositions(frame: DataFrame): number[] {
  const v = frame.column('value').toArray() as number[];
  return v.map((_, i) => i).sort((i, j) => v[i] - v[j] || i - j);
}
