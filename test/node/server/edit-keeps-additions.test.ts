// An edit replaces the served frame; the map's layouts (for the lasso's `in polygon` filter) and slice
// discovery's cluster column (served only, not in the dataset) must survive it. The lasso's rows are
// checked against a naive ray casting over the layout the server sent; the cluster column against
// its own values read before the edit, and every row's cluster against a planted blob of the embedding.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { column, DataFrame, TensorColumn } from '../../../src/index.js';
import { createAppServer } from '../../../src/node/server/index.js';

const N = 400;
const BLOBS = 4;
const SECRET = 'edit-keeps-additions-secret';
const auth = { authorization: `Bearer ${SECRET}` };
const dirs: string[] = [];

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Four far-apart blobs in 3-D (row i in blob i % 4), with a little spread. */
function embedding(): Float32Array {
  const out = new Float32Array(N * 3);
  for (let i = 0; i < N; i++) {
    const b = i % BLOBS;
    for (let d = 0; d < 3; d++)
      out[i * 3 + d] = (d === b % 3 ? 20 : 0) + (b === 3 ? -20 : 0) + ((i * (d + 7)) % 13) / 13;
  }
  return out;
}

async function dataset(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-edit-additions-'));
  dirs.push(dir);
  const labels = Array.from({ length: N }, (_, i) => ['cat', 'dog'][i % 2]);
  await new DataFrame({
    label: column(labels, 'string'),
    pred: column(
      labels.map((l, i) => (i % 5 === 0 ? (l === 'cat' ? 'dog' : 'cat') : l)),
      'string',
    ),
    emb: new TensorColumn(embedding(), [3]),
  }).write(path.join(dir, 'ds'));
  return dir;
}

/** Naive ray casting, written apart from the server's. */
function naiveInside(x: number, y: number, poly: number[][]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > y !== yj > y && x < xi + ((y - yi) * (xj - xi)) / (yj - yi)) inside = !inside;
  }
  return inside;
}

type App = Awaited<ReturnType<typeof createAppServer>>;

/** The rows (positions) of a view filtered by `filter`, in row order. */
async function filteredRows(app: App, filter: unknown): Promise<number[]> {
  const res = await app.inject({ method: 'POST', url: '/api/views', payload: { filter } });
  expect(res.statusCode, res.body).toBe(201);
  const view = res.json() as { id: string; rows: number };
  if (view.rows === 0) return [];
  const ipc = await app.inject({
    url: `/api/views/${view.id}/rows?start=0&end=${N}&rowIndex=true&columns=label`,
  });
  return [...(tableFromIPC(ipc.rawPayload).getChild('__row')?.toArray() ?? [])]
    .map(Number)
    .sort((a, b) => a - b);
}

async function clusterValues(app: App): Promise<number[]> {
  const ipc = await app.inject({ url: `/api/rows?start=0&end=${N}&columns=emb_cluster_k4` });
  expect(ipc.statusCode, ipc.body).toBe(200);
  return [...(tableFromIPC(ipc.rawPayload).getChild('emb_cluster_k4')?.toArray() ?? [])].map(Number);
}

describe.each([
  ['layouts kept in the cache folder (the edit builds on the served frame)', false],
  ['layouts committed to the dataset (the edit reads the newer version)', true],
])('an edit keeps the lasso and the cluster column: %s', (_, layoutsInDataset) => {
  it('filters by the same polygon and the same clusters after edits', async () => {
    const dir = await dataset();
    const app = await createAppServer(path.join(dir, 'ds'), {
      writeToken: SECRET,
      layoutsInDataset,
      layoutDir: path.join(dir, 'layouts'),
      thumbnailDir: path.join(dir, 'thumbs'),
    });
    try {
      const map = await app.inject({ url: '/api/map/emb?method=pca' });
      expect(map.statusCode).toBe(200);
      const xy = new Float32Array(new Uint8Array(map.rawPayload).buffer);
      const slices = await app.inject({
        method: 'POST',
        url: '/api/slices',
        payload: { label: 'label', prediction: 'pred', discover: { embedding: 'emb', k: 4 } },
      });
      expect(slices.statusCode, slices.body).toBe(200);
      const clusters = await clusterValues(app);
      // Each cluster is one planted blob.
      for (let i = 0; i < N; i++) expect(clusters[i]).toBe(clusters[i % BLOBS]);
      expect(new Set(clusters).size).toBe(BLOBS);

      let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
      for (let i = 0; i < N; i++) {
        [minX, maxX] = [Math.min(minX, xy[2 * i]), Math.max(maxX, xy[2 * i])];
        [minY, maxY] = [Math.min(minY, xy[2 * i + 1]), Math.max(maxY, xy[2 * i + 1])];
      }
      const at = (fx: number, fy: number) => [minX + fx * (maxX - minX), minY + fy * (maxY - minY)];
      const polygon = [at(-0.1, -0.1), at(0.6, -0.1), at(0.6, 0.5), at(-0.1, 0.5)];
      const lasso = { column: 'emb.map.pca', op: 'in polygon', value: polygon };
      const expected = Array.from({ length: N }, (_, i) => i).filter((i) =>
        naiveInside(xy[2 * i], xy[2 * i + 1], polygon),
      );
      expect(expected.length).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(N);
      expect(await filteredRows(app, lasso)).toEqual(expected);

      // Two edits: the first may read a newer version (the layout's commit), the second builds on it.
      for (const row of [0, 1]) {
        const was = row % 2 === 0 ? 'cat' : 'dog';
        const res = await app.inject({
          method: 'POST',
          url: '/api/edits',
          headers: auth,
          payload: { column: 'label', rows: [row], expected: [was], value: 'bird' },
        });
        expect(res.statusCode, res.body).toBe(201);
        expect(await filteredRows(app, lasso)).toEqual(expected);
        expect(await clusterValues(app)).toEqual(clusters);
        const blob0 = Array.from({ length: N / BLOBS }, (_, k) => k * BLOBS);
        expect(await filteredRows(app, { column: 'emb_cluster_k4', op: '==', value: clusters[0] })).toEqual(
          blob0,
        );
      }
      // The edit itself is served.
      const labels = await app.inject({ url: '/api/rows?start=0&end=2&columns=label' });
      expect([...(tableFromIPC(labels.rawPayload).getChild('label')?.toArray() ?? [])]).toEqual([
        'bird',
        'bird',
      ]);
    } finally {
      await app.close();
    }
  });
});
