// POST /api/search over a stored dataset: the saved LSH index answers when there is one (and says
// so), exact search when there is none, when another metric is asked, or when the index is stale.
// The reference: a naive cosine / L2 scan over the same vectors.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { append, buildLshIndex, DataFrame, read, saveIndex, TensorColumn } from '../../../src/index.js';
import { createAppServer } from '../../../src/node/server/index.js';

const N = 600;
const D = 8;

/** Deterministic vectors in 12 clusters, so near neighbours exist. */
function vectors(n: number, offset = 0): Float32Array {
  const out = new Float32Array(n * D);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < D; j++) {
      const row = i + offset;
      out[i * D + j] = Math.sin((row % 12) * 1.7 + j * 0.9) + 0.05 * Math.cos(row * 3.1 + j * 7.3);
    }
  return out;
}

function frame(n: number, offset = 0): DataFrame {
  return new DataFrame({
    id: Array.from({ length: n }, (_, i) => i + offset),
    emb: new TensorColumn(vectors(n, offset), [D]),
  });
}

/** Naive scores of every row against row `q`: cosine similarity, or negated squared distance. */
function naive(data: Float32Array, q: number, metric: 'cosine' | 'l2'): number[] {
  const n = data.length / D;
  const at = (i: number) => data.subarray(i * D, (i + 1) * D);
  const qv = at(q);
  return Array.from({ length: n }, (_, i) => {
    const v = at(i);
    let dot = 0;
    let vv = 0;
    let qq = 0;
    let dd = 0;
    for (let j = 0; j < D; j++) {
      dot += v[j] * qv[j];
      vv += v[j] * v[j];
      qq += qv[j] * qv[j];
      dd += (v[j] - qv[j]) ** 2;
    }
    return metric === 'cosine' ? dot / Math.sqrt(vv * qq) : -dd;
  });
}

describe('POST /api/search and saved indexes', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-search-'));
  const dataset = path.join(root, 'items');

  beforeAll(async () => {
    await frame(N).write(dataset);
    const index = await buildLshIndex((await read(dataset)).column('emb'), {
      kind: 'simhash',
      tables: 8,
      bits: 6,
    });
    await saveIndex(dataset, 'emb', index);
  });

  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const search = async (app: Awaited<ReturnType<typeof createAppServer>>, payload: object) => {
    const res = await app.inject({ method: 'POST', url: '/api/search', payload });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { rows: number[]; scores: number[]; method: string };
  };

  it('uses the saved index, with exact scores for the rows it finds', async () => {
    const app = await createAppServer(dataset);
    const body = await search(app, { column: 'emb', row: 5, k: 10 });
    expect(body.method).toBe('index');
    expect(body.rows[0]).toBe(5);
    const reference = naive(vectors(N), 5, 'cosine');
    for (const [i, r] of body.rows.entries()) expect(body.scores[i]).toBeCloseTo(reference[r], 5);
    // Best first.
    for (let i = 1; i < body.scores.length; i++)
      expect(body.scores[i]).toBeLessThanOrEqual(body.scores[i - 1]);
  });

  it('searches exactly when another metric is asked, and without an index', async () => {
    const app = await createAppServer(dataset);
    const l2 = await search(app, { column: 'emb', row: 5, k: 10, metric: 'l2' });
    expect(l2.method).toBe('exact');
    const byL2 = naive(vectors(N), 5, 'l2')
      .map((s, r) => ({ s, r }))
      .sort((a, b) => b.s - a.s || a.r - b.r);
    expect(l2.rows).toEqual(byL2.slice(0, 10).map((x) => x.r));

    const plain = await createAppServer(frame(N));
    const exact = await search(plain, { column: 'emb', row: 5, k: 10 });
    expect(exact.method).toBe('exact');
    const byCosine = naive(vectors(N), 5, 'cosine')
      .map((s, r) => ({ s, r }))
      .sort((a, b) => b.s - a.s || a.r - b.r);
    expect(exact.rows).toEqual(byCosine.slice(0, 10).map((x) => x.r));
  });

  it('passes over a stale index (rows appended since) for exact search', async () => {
    const grown = path.join(root, 'grown');
    fs.cpSync(dataset, grown, { recursive: true });
    await append(grown, frame(50, N));
    const app = await createAppServer(grown);
    const body = await search(app, { column: 'emb', row: N + 3, k: 5 });
    expect(body.method).toBe('exact');
    const all = new Float32Array(vectors(N + 50));
    const byCosine = naive(all, N + 3, 'cosine')
      .map((s, r) => ({ s, r }))
      .sort((a, b) => b.s - a.s || a.r - b.r);
    expect(body.rows).toEqual(byCosine.slice(0, 5).map((x) => x.r));
  });
});
