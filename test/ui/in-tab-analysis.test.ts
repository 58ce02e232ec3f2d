// The in-tab worker's map and slices routes (ui/src/local/in-tab-analysis.ts, run here in Node
// without a worker) answer with the server's bytes: the PCA and UMAP layouts (the same seeded
// UMAP in the worker as in the server's thread), the colour values, the slices report with
// discovery; a layout's progress comes as the server's events; after discovery adds its cluster
// column, a lasso (`in polygon`) still filters, as a naive ray casting over the layout; bad
// requests get the server's typed errors. Each side gets its own frame of the same plain arrays.
// The tab's UMAP worker is a stand-in that runs the worker's own code (umap-worker-stand-in.ts).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LayoutEvent } from '../../src/core/app/map-layouts.js';
import { DataFrame, TensorColumn } from '../../src/index.js';
import { createAppServer } from '../../src/node/server/index.js';
import { InTabApi, type InTabReply } from '../../ui/src/local/in-tab-api.js';
import { UmapWorkerStandIn } from './umap-worker-stand-in.js';

const N = 300;
const DIMS = 6;
const CLASSES = ['a', 'b', 'c'];

function frame(): DataFrame {
  const emb = new Float32Array(N * DIMS);
  const probs = new Float32Array(N * 3);
  const label: string[] = [];
  const pred: string[] = [];
  const group: string[] = [];
  for (let i = 0; i < N; i++) {
    const blob = i % 3;
    for (let d = 0; d < DIMS; d++) emb[i * DIMS + d] = (d === 2 * blob ? 5 : 0) + Math.sin(i * 1.7 + d * 0.9);
    const truth = (i * 7) % 3;
    const guess = blob === 2 && i % 2 === 0 ? (truth + 1) % 3 : truth;
    label.push(CLASSES[truth]);
    pred.push(CLASSES[guess]);
    group.push(['x', 'y', 'z'][blob]);
    const top = 0.5 + ((i * 13) % 40) / 100;
    for (let c = 0; c < 3; c++) probs[i * 3 + c] = c === guess ? top : (1 - top) / 2;
  }
  return new DataFrame({
    id: Int32Array.from({ length: N }, (_, i) => i),
    score: Float64Array.from({ length: N }, (_, i) => (i % 17 === 3 ? Number.NaN : (i * 31) % 101)),
    label,
    pred,
    probs: new TensorColumn(probs, [3]),
    group,
    emb: new TensorColumn(emb, [DIMS]),
  });
}

function naiveInside(x: number, y: number, poly: number[][]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > y !== yj > y && x < xi + ((y - yi) * (xj - xi)) / (yj - yi)) inside = !inside;
  }
  return inside;
}

const text = (reply: InTabReply) => new TextDecoder().decode(reply.body);
const bytes = (reply: InTabReply) => Buffer.from(reply.body);

describe('the in-tab map and slices routes', () => {
  let server: Awaited<ReturnType<typeof createAppServer>>;
  let tab: InTabApi;

  beforeAll(async () => {
    vi.stubGlobal('Worker', UmapWorkerStandIn);
    server = await createAppServer(frame());
    tab = new InTabApi(frame(), { kind: 'frame', name: 'frame' });
  });
  afterAll(async () => {
    vi.unstubAllGlobals();
    tab.close();
    await server.close();
  });

  it("sends the server's PCA layout and colour values, byte for byte", async () => {
    for (const url of [
      'api/map/emb?method=pca',
      'api/colors/group',
      'api/colors/score',
      'api/colors/label',
    ]) {
      const [s, t] = [
        await server.inject({ method: 'GET', url: `/${url}` }),
        await tab.handle('GET', url, undefined),
      ];
      expect([t.status, t.contentType]).toEqual([200, 'application/octet-stream']);
      expect(bytes(t).equals(s.rawPayload), url).toBe(true);
    }
    const t = await tab.handle('GET', 'api/map/emb', undefined);
    expect(t.headers).toEqual({ 'x-tessera-layout': 'emb.map.pca', 'x-tessera-rows': String(N) });
  });

  it("lays out UMAP in the worker as the server's thread does, its progress as the server's events", async () => {
    const events: LayoutEvent[] = [];
    const ended = new Promise<void>((resolve) =>
      tab.analysis.follow(
        'api/map/emb/events?method=umap',
        (e) => events.push(e),
        () => resolve(),
      ),
    );
    const [s, t] = await Promise.all([
      server.inject({ method: 'GET', url: '/api/map/emb?method=umap' }),
      tab.handle('GET', 'api/map/emb?method=umap', undefined),
    ]);
    await ended;
    expect(t.status).toBe(200);
    expect(bytes(t).equals(s.rawPayload)).toBe(true);
    expect(UmapWorkerStandIn.started.map((w) => [w.options.name, w.terminated])).toEqual([
      ['tessera-umap', true],
    ]);
    expect(events.at(-1)?.event).toBe('complete');
    const progress = events
      .map((e) => (e.event === 'progress' ? e.data.done / e.data.total : null))
      .filter((share) => share !== null);
    expect(progress.length).toBeGreaterThan(5);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(events.at(-2)?.data).toMatchObject({ done: 1, total: 1 });
  }, 60_000);

  it("answers the slices panel with the server's report, and a lasso still filters after discovery", async () => {
    const xy = new Float32Array((await tab.handle('GET', 'api/map/emb', undefined)).body.slice().buffer);
    const [minX, maxX] = [
      Math.min(...xy.filter((_, i) => i % 2 === 0)),
      Math.max(...xy.filter((_, i) => i % 2 === 0)),
    ];
    const [minY, maxY] = [
      Math.min(...xy.filter((_, i) => i % 2 === 1)),
      Math.max(...xy.filter((_, i) => i % 2 === 1)),
    ];
    const at = (fx: number, fy: number) => [minX + fx * (maxX - minX), minY + fy * (maxY - minY)];
    const polygon = [at(-0.1, -0.1), at(0.5, -0.1), at(0.5, 0.6), at(0.3, 0.6), at(0.3, 1.1), at(-0.1, 1.1)];
    const lasso = { column: 'emb.map.pca', op: 'in polygon', value: polygon };
    const requests = [
      {
        label: 'label',
        prediction: 'pred',
        scores: 'probs',
        groups: ['group'],
        discover: { embedding: 'emb', k: 4 },
      },
      { label: 'label', scores: 'probs', groups: ['group'], filter: lasso, bootstrap: 50 },
      { label: 'label', prediction: 'pred', filter: { column: 'emb_cluster_k4', op: '==', value: 1 } },
    ];
    await server.inject({ method: 'GET', url: '/api/map/emb' });
    for (const request of requests) {
      const s = await server.inject({ method: 'POST', url: '/api/slices', payload: request });
      const t = await tab.handle('POST', 'api/slices', JSON.stringify(request));
      expect([s.statusCode, t.status]).toEqual([200, 200]);
      expect(JSON.parse(text(t))).toEqual(s.json());
    }
    // The lasso over the frame discovery replaced: the rows a naive ray casting finds.
    const expected = Array.from({ length: N }, (_, i) => i).filter((i) =>
      naiveInside(xy[2 * i], xy[2 * i + 1], polygon),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(N);
    const view = await tab.handle('POST', 'api/views', JSON.stringify({ filter: lasso }));
    expect(JSON.parse(text(view)).rows).toBe(expected.length);
    expect(tab.frame.columnNames).toContain('emb_cluster_k4');
  });

  it('a layout computed after discovery replaced the frame filters by polygon too, on both', async () => {
    const [fresh, freshTab] = [
      await createAppServer(frame()),
      new InTabApi(frame(), { kind: 'frame', name: 'f' }),
    ];
    const discover = { label: 'label', prediction: 'pred', discover: { embedding: 'emb', k: 3 } };
    await fresh.inject({ method: 'POST', url: '/api/slices', payload: discover });
    await freshTab.handle('POST', 'api/slices', JSON.stringify(discover));
    const xy = new Float32Array((await freshTab.handle('GET', 'api/map/emb', undefined)).body.slice().buffer);
    await fresh.inject({ method: 'GET', url: '/api/map/emb' });
    const polygon = [
      [-1e9, -1e9],
      [0, -1e9],
      [0, 1e9],
      [-1e9, 1e9],
    ];
    const filter = { column: 'emb.map.pca', op: 'in polygon', value: polygon };
    const expected = Array.from({ length: N }, (_, i) => i).filter((i) =>
      naiveInside(xy[2 * i], xy[2 * i + 1], polygon),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(N);
    const s = await fresh.inject({ method: 'POST', url: '/api/views', payload: { filter } });
    const t = await freshTab.handle('POST', 'api/views', JSON.stringify({ filter }));
    expect([s.statusCode, s.json().rows]).toEqual([201, expected.length]);
    expect([t.status, JSON.parse(text(t)).rows]).toEqual([201, expected.length]);
    freshTab.close();
    await fresh.close();
  });

  it("gives the server's typed errors for bad requests", async () => {
    const cases: [string, string, string | undefined, number, string][] = [
      ['GET', 'api/map/label', undefined, 400, 'TypeMismatchError'],
      ['GET', 'api/map/nope', undefined, 404, 'ColumnNotFoundError'],
      ['GET', 'api/map/emb?method=tsne', undefined, 400, 'InvalidArgumentError'],
      ['GET', 'api/colors/emb', undefined, 400, 'TypeMismatchError'],
      ['POST', 'api/slices', '{"label": "label"}', 400, 'InvalidArgumentError'],
      ['POST', 'api/slices', '{"label": "label", "pred": "pred"}', 400, 'InvalidArgumentError'],
      [
        'POST',
        'api/slices',
        '{"label": "label", "prediction": "pred", "bootstrap": 1}',
        400,
        'InvalidArgumentError',
      ],
      ['POST', 'api/slices', '{"label": "emb", "prediction": "pred"}', 400, 'TypeMismatchError'],
      ['POST', 'api/slices', 'not json', 400, 'InvalidArgumentError'],
    ];
    for (const [method, url, body, status, type] of cases) {
      const t = await tab.handle(method, url, body);
      expect([url, body, t.status, JSON.parse(text(t)).error.type]).toEqual([url, body, status, type]);
    }
    const failed: string[] = [];
    await new Promise<void>((resolve) =>
      tab.analysis.follow('api/map/label/events', (e) => failed.push(e.event), resolve),
    );
    expect(failed).toEqual(['failed']);
  });
});
