// View hygiene: a POST /api/views whose client closes the connection before the reply (a real
// HTTP client over loopback, aborting while the server makes the view) leaves no view behind; a
// client that waits keeps its view; a superseded view's background sort is cancelled; the views'
// memory is bounded in bytes (least recently used dropped, the newest kept).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { ViewStore } from '../../../src/core/app/views.js';
import { LazyColumn } from '../../../src/core/column/lazy.js';
import { column, DataFrame } from '../../../src/index.js';
import type { AppContext } from '../../../src/node/server/context.js';
import { installErrorReplies } from '../../../src/node/server/error-reply.js';
import { conditionSchema } from '../../../src/node/server/routes/schemas.js';
import { viewRoutes } from '../../../src/node/server/routes/views.js';

/** A server with the view routes over a frame whose column `v` calls `onLoad` when it is loaded. */
async function viewServer(n: number, onLoad: () => void) {
  const values = column(
    Array.from({ length: n }, (_, i) => (i * 7919) % 1000),
    'float64',
  );
  let loaded = false;
  const v = new LazyColumn({
    type: values.type,
    length: n,
    load: () => {
      if (!loaded) onLoad();
      loaded = true;
      return values;
    },
  });
  const frame = new DataFrame({ v });
  const views = new ViewStore(frame, { firstRows: 10, sortAtOnceRows: 100, sortChunkRows: 200 });
  // Only what the view routes read: the frame, its views and the window bound.
  const ctx = {
    frame,
    source: { kind: 'frame', name: 'frame' },
    views,
    mediaRoots: [],
    thumbnailDir: '',
    maxWindowRows: 1000,
  } as unknown as AppContext;
  const app = Fastify();
  installErrorReplies(app);
  app.addSchema(conditionSchema);
  viewRoutes(app, ctx);
  await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, views, port: (app.server.address() as AddressInfo).port };
}

/** POST a view; `hooks.abort` is set to a function that aborts this request. */
function post(port: number, body: unknown, hooks: { abort?: () => void }) {
  return new Promise<{ status: number; body: string } | 'aborted'>((resolve) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      path: '/api/views',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    hooks.abort = () => req.destroy();
    req.on('response', (res) => {
      let text = '';
      res.on('data', (d) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', () => resolve('aborted'));
    req.end(JSON.stringify(body));
  });
}

async function until(test: () => boolean, ms = 2000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!test() && Date.now() < end) await new Promise((r) => setTimeout(r, 5));
  return test();
}

describe('orphaned views', () => {
  it('drops the view of a request aborted while the view was made', async () => {
    const hooks: { abort?: () => void } = {};
    // The client goes away while the server is busy making the view (loading the column).
    const { app, views, port } = await viewServer(1000, () => hooks.abort?.());
    const result = await post(port, { filter: { column: 'v', op: '>', value: 10 } }, hooks);
    expect(result).toBe('aborted');
    expect(await until(() => views.size === 0)).toBe(true);
    await app.close();
  });

  it('keeps the view of a client that waits for it', async () => {
    const { app, views, port } = await viewServer(1000, () => {});
    const result = await post(port, { sort: [{ column: 'v' }] }, {});
    expect(result).not.toBe('aborted');
    const { status, body } = result as { status: number; body: string };
    expect(status).toBe(201);
    expect(views.size).toBe(1);
    expect(views.get(JSON.parse(body).id).length).toBe(1000);
    await app.close();
  });

  it('cancels the background sort of a superseded view', async () => {
    const { app, views, port } = await viewServer(5000, () => {});
    const first = (await post(port, { sort: [{ column: 'v' }] }, {})) as { body: string };
    const old = views.get(JSON.parse(first.body).id);
    expect(old.order).toBeNull(); // its full sort is running in steps
    const second = (await post(
      port,
      { sort: [{ column: 'v', descending: true }], replaces: old.id },
      {},
    )) as {
      status: number;
    };
    expect(second.status).toBe(201);
    await expect(old.done).rejects.toThrow(/cancelled/);
    expect(views.size).toBe(1);
    await app.close();
  });

  it('keeps the views within their byte budget, least recently used dropped first', () => {
    const frame = new DataFrame({ v: column([3, 1, 2, 5, 4, 0, 9, 8, 7, 6], 'float64') });
    // Each view of the whole frame holds 10 positions (40 bytes).
    const views = new ViewStore(frame, { maxBytes: 100 });
    const a = views.create({});
    const b = views.create({ sort: [{ column: 'v' }] });
    views.get(a.id); // a is now the most recently used
    const c = views.create({ filter: { column: 'v', op: '>=', value: 0 } });
    expect(views.size).toBe(2);
    expect(views.bytes).toBeLessThanOrEqual(100);
    expect(() => views.get(b.id)).toThrow(/dropped/);
    expect(views.get(c.id).length).toBe(10);
    const tiny = new ViewStore(frame, { maxBytes: 8 });
    const only = tiny.create({});
    expect(tiny.size).toBe(1); // the newest view stays, whatever its size
    expect(tiny.get(only.id).length).toBe(10);
  });
});
