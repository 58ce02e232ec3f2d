// The embedding map's routes through fastify.inject: the PCA layout against numpy's SVD of the
// centred matrix (/usr/bin/python3; each axis compared up to its sign), its cache as a column of a
// stored dataset (a new version that a second server reads instead of computing), the colour
// values against a naive count, the `in polygon` filter against a naive ray casting over the
// layout the route sent, a UMAP layout from the worker with its progress events, and bad requests.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataFrame, read, readManifest, TensorColumn } from '../../../src/index.js';
import { createAppServer } from '../../../src/node/server/index.js';
import { needs, PYTHON } from '../../helpers/references.js';
import { type ErrorCase, expectErrorReplies } from './error-cases.js';

const N = 400;
const D = 12;
const LABELS = ['cat', 'dog', 'bird', 'fish'];

/** Rows in 4 clusters along distinct directions with decreasing spread, so the two axes are well defined. */
function vectors(): Float32Array {
  const out = new Float32Array(N * D);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < D; j++)
      out[i * D + j] =
        (i % 4) * Math.cos(j * 0.7) * 3 +
        Math.sin(i * 1.3 + j) * (1.5 / (j + 1)) +
        Math.cos(i * 0.37 * (j + 2)) * 0.3;
  return out;
}

function frame(): DataFrame {
  return new DataFrame({
    id: Array.from({ length: N }, (_, i) => i),
    label: Array.from({ length: N }, (_, i) => (i % 10 === 9 ? null : LABELS[i % 4])),
    score: Array.from({ length: N }, (_, i) => (i % 7 === 0 ? null : i / 10)),
    emb: new TensorColumn(vectors(), [D]),
  });
}

/** numpy's PCA projection on the first two axes: centred X times the first two right singular vectors. */
function numpyPca(data: Float32Array, dir: string): number[][] {
  const file = path.join(dir, 'x.f32');
  fs.writeFileSync(file, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  const script = [
    'import sys, json, numpy as np',
    `x = np.fromfile(sys.argv[1], dtype='<f4').reshape(-1, ${D}).astype(np.float64)`,
    'c = x - x.mean(axis=0)',
    'u, s, vt = np.linalg.svd(c, full_matrices=False)',
    'print(json.dumps((c @ vt[:2].T).tolist()))',
  ].join('\n');
  return JSON.parse(execFileSync(PYTHON, ['-c', script, file], { encoding: 'utf8' }));
}

function layoutOf(body: Buffer): Float32Array {
  const copy = new Uint8Array(body);
  return new Float32Array(copy.buffer);
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

const numpy = needs('numpy');

describe('the embedding map routes', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-map-'));
  let app: Awaited<ReturnType<typeof createAppServer>>;

  beforeAll(async () => {
    app = await createAppServer(frame());
  });
  afterAll(async () => {
    await app.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  numpy.it(
    'sends the PCA layout as float32 x, y per row, equal to numpy’s up to each axis’s sign',
    async () => {
      const res = await app.inject({ method: 'GET', url: '/api/map/emb?method=pca' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/octet-stream');
      expect(res.headers['x-tessera-layout']).toBe('emb.map.pca');
      expect(res.rawPayload.length).toBe(N * 2 * 4);
      const xy = layoutOf(res.rawPayload);
      const ref = numpyPca(vectors(), dir);
      for (let axis = 0; axis < 2; axis++) {
        let dot = 0;
        let scale = 0;
        for (let i = 0; i < N; i++) {
          dot += xy[2 * i + axis] * ref[i][axis];
          scale = Math.max(scale, Math.abs(ref[i][axis]));
        }
        const sign = Math.sign(dot);
        for (let i = 0; i < N; i++)
          expect(Math.abs(sign * xy[2 * i + axis] - ref[i][axis])).toBeLessThan(1e-4 * scale);
      }
    },
  );

  it('filters a view by a polygon in layout coordinates, as a naive ray casting over the sent layout', async () => {
    const xy = layoutOf((await app.inject({ method: 'GET', url: '/api/map/emb' })).rawPayload);
    let [minX, maxX, minY, maxY] = [Infinity, -Infinity, Infinity, -Infinity];
    for (let i = 0; i < N; i++) {
      minX = Math.min(minX, xy[2 * i]);
      maxX = Math.max(maxX, xy[2 * i]);
      minY = Math.min(minY, xy[2 * i + 1]);
      maxY = Math.max(maxY, xy[2 * i + 1]);
    }
    const at = (fx: number, fy: number) => [minX + fx * (maxX - minX), minY + fy * (maxY - minY)];
    // A non-convex lasso (an L) over part of the layout.
    const polygon = [at(0.1, 0.1), at(0.7, 0.1), at(0.7, 0.4), at(0.4, 0.4), at(0.4, 0.9), at(0.1, 0.9)];
    const res = await app.inject({
      method: 'POST',
      url: '/api/views',
      payload: { filter: { column: 'emb.map.pca', op: 'in polygon', value: polygon } },
    });
    expect(res.statusCode).toBe(201);
    const view = res.json() as { id: string; rows: number };
    const expected = Array.from({ length: N }, (_, i) => i).filter((i) =>
      naiveInside(xy[2 * i], xy[2 * i + 1], polygon),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(N);
    expect(view.rows).toBe(expected.length);
    // Combined with another condition, as the table sends it.
    const both = await app.inject({
      method: 'POST',
      url: '/api/views',
      payload: {
        filter: {
          and: [
            { column: 'emb.map.pca', op: 'in polygon', value: polygon },
            { column: 'label', op: '==', value: 'dog' },
          ],
        },
      },
    });
    const labels = frame().column('label').toArray();
    expect((both.json() as { rows: number }).rows).toBe(expected.filter((i) => labels[i] === 'dog').length);
  });

  it('sends a string column as category codes with a legend, and a number column as float32', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/colors/label' });
    expect(res.statusCode).toBe(200);
    const body = new Uint8Array(res.rawPayload);
    const view = new DataView(body.buffer);
    const headerBytes = view.getUint32(0, true);
    const header = JSON.parse(Buffer.from(body.subarray(4, 4 + headerBytes)).toString('utf8'));
    expect(header.kind).toBe('categorical');
    expect(header.legend).toEqual(['bird', 'cat', 'dog', 'fish', '(null)']);
    const start = (4 + headerBytes + 3) & ~3;
    const codes = body.subarray(start);
    expect(codes.length).toBe(N);
    const labels = frame().column('label').toArray() as (string | null)[];
    for (let i = 0; i < N; i++) expect(header.legend[codes[i]]).toBe(labels[i] ?? '(null)');
    expect(header.counts).toEqual(
      header.legend.map((l: string) => labels.filter((v) => (v ?? '(null)') === l).length),
    );

    const num = await app.inject({ method: 'GET', url: '/api/colors/score' });
    const nb = new Uint8Array(num.rawPayload);
    const nh = new DataView(nb.buffer).getUint32(0, true);
    const nheader = JSON.parse(Buffer.from(nb.subarray(4, 4 + nh)).toString('utf8'));
    const values = new Float32Array(nb.slice((4 + nh + 3) & ~3).buffer);
    const present = Array.from({ length: N }, (_, i) => i).filter((i) => i % 7 !== 0);
    expect(nheader).toMatchObject({
      kind: 'continuous',
      rows: N,
      min: present[0] / 10,
      max: present[present.length - 1] / 10,
    });
    for (let i = 0; i < N; i++) {
      if (i % 7 === 0) expect(values[i]).toBeNaN();
      else expect(values[i]).toBeCloseTo(i / 10, 4);
    }
  });

  it('computes a UMAP layout in a worker and pushes its progress', async () => {
    const events = await app.inject({ method: 'GET', url: '/api/map/emb/events?method=umap' });
    expect(events.headers['content-type']).toContain('text/event-stream');
    expect(events.body).toContain('event: progress');
    expect(events.body).toContain('event: complete');
    const res = await app.inject({ method: 'GET', url: '/api/map/emb?method=umap' });
    expect(res.statusCode).toBe(200);
    const xy = layoutOf(res.rawPayload);
    expect(xy.length).toBe(N * 2);
    expect(xy.every(Number.isFinite)).toBe(true);
    // The four clusters stay apart: most points' nearest neighbour in the layout is of their cluster.
    let same = 0;
    for (let i = 0; i < N; i++) {
      let best = -1;
      let bestD = Infinity;
      for (let j = 0; j < N; j++) {
        if (j === i) continue;
        const d = (xy[2 * i] - xy[2 * j]) ** 2 + (xy[2 * i + 1] - xy[2 * j + 1]) ** 2;
        if (d < bestD) [best, bestD] = [j, d];
      }
      if (best % 4 === i % 4) same++;
    }
    expect(same / N).toBeGreaterThan(0.9);
  }, 60_000);

  it('answers bad requests with 4xx and a typed error', async () => {
    const cases: ErrorCase[] = [
      ['/api/map/nope', 404, 'ColumnNotFoundError'],
      ['/api/map/label', 400, 'TypeMismatchError'],
      ['/api/map/emb?method=tsne', 400, 'InvalidArgumentError'],
      ['/api/colors/emb', 400, 'TypeMismatchError'],
      ['/api/colors/nope', 404, 'ColumnNotFoundError'],
    ];
    await expectErrorReplies(app, cases);
    const bad = await app.inject({
      method: 'POST',
      url: '/api/views',
      payload: {
        filter: {
          column: 'emb.map.pca',
          op: 'in polygon',
          value: [
            [0, 0],
            [1, 1],
          ],
        },
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.type).toBe('InvalidArgumentError');
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/views',
      payload: {
        filter: {
          column: 'emb.map.umap2',
          op: 'in polygon',
          value: [
            [0, 0],
            [1, 1],
            [1, 0],
          ],
        },
      },
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('caches a stored dataset’s layout in it as a column, which the next server reads instead of computing', async () => {
    const ds = path.join(dir, 'ds');
    await frame().write(ds);
    const first = await createAppServer(ds);
    const sent = (await first.inject({ method: 'GET', url: '/api/map/emb' })).rawPayload;
    await first.close();
    const manifest = await readManifest(ds);
    expect(manifest.version).toBe(2);
    const stored = await read(ds);
    expect(stored.columnNames).toEqual(['id', 'label', 'score', 'emb', 'emb.map.pca']);
    const column = stored.column('emb.map.pca') as TensorColumn;
    expect(column.shape).toEqual([2]);
    expect([...(column.data as Float32Array)]).toEqual([...layoutOf(sent)]);
    const second = await createAppServer(ds);
    const again = (await second.inject({ method: 'GET', url: '/api/map/emb' })).rawPayload;
    await second.close();
    expect(Buffer.compare(again, sent)).toBe(0);
    expect((await readManifest(ds)).version).toBe(2);
  });

  it.each([
    ['layoutsInDataset: false', { layoutsInDataset: false }],
    ['a read-only server', { readOnly: true }],
  ] as const)(
    'leaves the dataset alone with %s, caching in the layout folder instead',
    async (name, options) => {
      const ds = path.join(dir, `kept-${name.length}`);
      await frame().write(ds);
      const layoutDir = path.join(dir, `layouts-${name.length}`);
      const first = await createAppServer(ds, { ...options, layoutDir });
      const sent = (await first.inject({ method: 'GET', url: '/api/map/emb' })).rawPayload;
      await first.close();
      expect((await readManifest(ds)).version).toBe(1);
      expect(fs.readdirSync(layoutDir)).toEqual(['emb.map.pca.f32']);
      expect(Buffer.compare(fs.readFileSync(path.join(layoutDir, 'emb.map.pca.f32')), sent)).toBe(0);
    },
  );
});
