// The in-tab worker's API (ui/src/local/in-tab-api.ts) answers as the server does, here run in Node
// without a worker: filtered and sorted views window by window, a similarity search, and typed
// errors, each checked against a naive implementation over the same plain arrays.
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { TensorColumn } from '../../src/core/column/tensor.js';
import { DataFrame } from '../../src/core/frame/frame.js';
import { InTabApi, type InTabReply } from '../../ui/src/local/in-tab-api.js';

const N = 5000;
const D = 8;
const ids = Array.from({ length: N }, (_, i) => i);
const x = (i: number) => ((i * 7919) % 1009) / 1009;
const s = (i: number) => (i % 13 === 4 ? null : `item ${i}`);
const vector = (i: number) =>
  Array.from({ length: D }, (_, j) => Math.sin(i * 0.37 + j * 1.3) + ((i * (j + 3)) % 7) / 7);

function api(): InTabApi {
  const frame = new DataFrame({ x: Float64Array.from(ids, x), s: ids.map(s) }).withColumn(
    'emb',
    new TensorColumn(Float32Array.from(ids.flatMap(vector)), [D]),
  );
  return new InTabApi(frame, { kind: 'arrow', name: 't.arrow' });
}

const decode = (reply: InTabReply) => JSON.parse(new TextDecoder().decode(reply.body));

/** The frame rows of a window reply (its `__row` column). */
function windowRows(reply: InTabReply): number[] {
  expect(reply.status).toBe(200);
  expect(reply.contentType).toBe('application/vnd.apache.arrow.stream');
  return Array.from(tableFromIPC(reply.body).getChild('__row')!.toArray() as Int32Array);
}

describe('the in-tab API', () => {
  it('lists the columns as the schema route does', async () => {
    const schema = decode(await api().handle('GET', 'api/schema', undefined));
    expect(schema.rows).toBe(N);
    expect(schema.source).toEqual({ kind: 'arrow', name: 't.arrow' });
    expect(schema.columns.map((c: { name: string; kind: string }) => [c.name, c.kind])).toEqual([
      ['x', 'scalar'],
      ['s', 'scalar'],
      ['emb', 'tensor'],
    ]);
  });

  it('filters and sorts a view that windows like a naive filter and stable sort', async () => {
    const a = api();
    const filter = {
      and: [
        { column: 'x', op: '>', value: 0.3 },
        { column: 's', op: 'contains', value: '7' },
      ],
    };
    const made = await a.handle(
      'POST',
      'api/views',
      JSON.stringify({ filter, sort: [{ column: 'x', descending: true }] }),
    );
    expect(made.status).toBe(201);
    const view = decode(made);
    const expected = ids
      .filter((i) => x(i) > 0.3 && s(i)?.includes('7') === true)
      .sort((p, q) => x(q) - x(p) || p - q);
    expect(view.rows).toBe(expected.length);
    const shown: number[] = [];
    for (let start = 0; start < expected.length; start += 100)
      shown.push(
        ...windowRows(
          await a.handle(
            'GET',
            `api/views/${view.id}/rows?start=${start}&end=${start + 100}&rowIndex=true`,
            undefined,
          ),
        ),
      );
    expect(shown).toEqual(expected);
    expect((await a.handle('DELETE', `api/views/${view.id}`, undefined)).status).toBe(204);
    const gone = await a.handle('GET', `api/views/${view.id}`, undefined);
    expect([gone.status, decode(gone).error.type]).toEqual([404, 'ResourceNotFoundError']);
  });

  it('finds the rows nearest by cosine similarity, as a brute-force search does', async () => {
    const norm = (v: number[]) => Math.sqrt(v.reduce((t, e) => t + e * e, 0));
    const f32 = (i: number) => Array.from(Float32Array.from(vector(i)));
    const q = f32(17);
    const cosine = (i: number) => {
      const v = f32(i);
      return v.reduce((t, e, j) => t + e * q[j], 0) / (norm(v) * norm(q));
    };
    const expected = [...ids].sort((p, r) => cosine(r) - cosine(p)).slice(0, 5);
    const found = decode(
      await api().handle('POST', 'api/search', JSON.stringify({ column: 'emb', row: 17, k: 5 })),
    );
    expect(found.rows).toEqual(expected);
    expect(found.method).toBe('exact');
    for (const [i, score] of (found.scores as number[]).entries())
      expect(score).toBeCloseTo(cosine(expected[i]), 4);
  });

  it('answers bad requests and server-only routes with typed errors', async () => {
    const a = api();
    const bad = await a.handle('GET', 'api/rows?start=10&end=2', undefined);
    expect([bad.status, decode(bad).error.type]).toEqual([400, 'InvalidArgumentError']);
    const missing = await a.handle('GET', 'api/rows?start=0&end=2&columns=nope', undefined);
    expect([missing.status, decode(missing).error.type]).toEqual([404, 'ColumnNotFoundError']);
    const op = await a.handle(
      'POST',
      'api/views',
      JSON.stringify({ filter: { column: 'x', op: '~', value: 1 } }),
    );
    expect([op.status, decode(op).error.type]).toEqual([400, 'InvalidArgumentError']);
    const media = await a.handle('GET', 'api/thumbnails/img/0?size=64', undefined);
    expect(media.status).toBe(404);
    expect(decode(media).error.message).toMatch(/needs the app's server/);
    expect(
      windowRows(await a.handle('GET', 'api/rows?start=4998&end=5100&rowIndex=true', undefined)),
    ).toEqual([4998, 4999]);
  });
});
