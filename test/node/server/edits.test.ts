// Edits over HTTP (fastify.inject and a listening server): each edit is checked by reading the new
// version of the dataset in ANOTHER PROCESS (node + tsx running `read`) against the expected values
// kept here as plain arrays (the naive reference: the original values with the edits applied).
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import * as arrow from 'apache-arrow';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { column, DataFrame } from '../../../src/index.js';
import { createAppServer, serveApp } from '../../../src/node/server/index.js';

const reader = fileURLToPath(new URL('./fixtures/read-column.ts', import.meta.url));
const SECRET = 'edit-secret-for-tests';
const auth = { authorization: `Bearer ${SECRET}` };
const N = 500;
const dirs: string[] = [];

interface ReadBack {
  version: number;
  operation: string;
  columns: string[];
  values: unknown[] | null;
}

/** The dataset as another process reads it. */
async function readElsewhere(datasetPath: string, name: string, version?: number): Promise<ReadBack> {
  const args = [
    '--import',
    'tsx',
    reader,
    datasetPath,
    name,
    ...(version === undefined ? [] : [String(version)]),
  ];
  const { stdout } = await promisify(execFile)(process.execPath, args);
  return JSON.parse(stdout) as ReadBack;
}

function originalLabels(): (string | null)[] {
  return Array.from({ length: N }, (_, i) => (i % 7 === 3 ? null : ['cat', 'dog', 'bird'][i % 3]));
}

let datasetPath = '';

beforeEach(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-edits-'));
  dirs.push(dir);
  datasetPath = path.join(dir, 'ds');
  const df = new DataFrame({
    id: Int32Array.from({ length: N }, (_, i) => i),
    label: column(originalLabels(), 'string'),
    score: Float64Array.from({ length: N }, (_, i) => i / 10),
    count: Int32Array.from({ length: N }, (_, i) => i % 5),
  });
  await df.write(datasetPath);
});

afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function server(options: Parameters<typeof createAppServer>[1] = { writeToken: SECRET }) {
  return createAppServer(datasetPath, {
    thumbnailDir: path.join(path.dirname(datasetPath), 'thumbs'),
    ...options,
  });
}

function edit(
  app: Awaited<ReturnType<typeof server>>,
  body: unknown,
  headers: Record<string, string> = auth,
) {
  return app.inject({ method: 'POST', url: '/api/edits', headers, payload: body as object });
}

async function servedColumn(
  app: Awaited<ReturnType<typeof server>>,
  name: string,
  url = '/api/rows',
): Promise<unknown[]> {
  const sep = url.includes('?') ? '&' : '?';
  const res = await app.inject({ url: `${url}${sep}start=0&end=${N}&columns=${name}` });
  expect(res.statusCode, res.body).toBe(200);
  return arrow.tableFromIPC(res.rawPayload).getChild(name)!.toArray() as unknown[];
}

describe('edits', () => {
  it('an edited cell is a new version that another process reads, and the server serves it', async () => {
    const app = await server();
    try {
      const res = await edit(app, { column: 'label', value: 'fox', rows: [4], expected: ['dog'] });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({
        version: 2,
        parent: 1,
        columns: ['label'],
        rows: 1,
        created: false,
      });
      const labels = originalLabels();
      labels[4] = 'fox';
      const back = await readElsewhere(datasetPath, 'label');
      expect(back).toMatchObject({ version: 2, operation: 'edit' });
      expect(back.values).toEqual(labels);
      expect([...(await servedColumn(app, 'label'))]).toEqual(labels);
      // A number column, and clearing a cell (null).
      expect(
        (await edit(app, { column: 'count', value: 42, rows: [0, 9], expected: [0, 4] })).statusCode,
      ).toBe(201);
      expect(
        (await edit(app, { column: 'label', value: null, rows: [5], expected: ['bird'] })).statusCode,
      ).toBe(201);
      const counts = await readElsewhere(datasetPath, 'count');
      expect(counts.version).toBe(4);
      expect(counts.values?.slice(0, 10)).toEqual([42, 1, 2, 3, 4, 0, 1, 2, 3, 42]);
      labels[5] = null;
      expect((await readElsewhere(datasetPath, 'label')).values).toEqual(labels);
    } finally {
      await app.close();
    }
  });

  it('two concurrent edits of different cells are both kept; of the same cell, one is refused with 409', async () => {
    const app = await server();
    try {
      const [a, b] = await Promise.all([
        edit(app, { column: 'label', value: 'A', rows: [0], expected: ['cat'] }),
        edit(app, { column: 'label', value: 'B', rows: [1], expected: ['dog'] }),
      ]);
      expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
      const [c, d] = await Promise.all([
        edit(app, { column: 'label', value: 'C', rows: [2], expected: ['bird'] }),
        edit(app, { column: 'label', value: 'D', rows: [2], expected: ['bird'] }),
      ]);
      expect([c.statusCode, d.statusCode].sort()).toEqual([201, 409]);
      const refused = c.statusCode === 409 ? c : d;
      expect(refused.json().error.type).toBe('ConflictError');
      expect(refused.json().error.message).toMatch(/row 2 of column "label" is now "[CD]", not "bird"/);
      const labels = originalLabels();
      labels[0] = 'A';
      labels[1] = 'B';
      labels[2] = c.statusCode === 201 ? 'C' : 'D';
      const back = await readElsewhere(datasetPath, 'label');
      expect(back.version).toBe(4);
      expect(back.values).toEqual(labels);
    } finally {
      await app.close();
    }
  });

  it('a selection (a filter) is tagged in a new column; views that read it are recomputed; undo restores', async () => {
    const app = await server();
    try {
      const view = await app.inject({
        method: 'POST',
        url: '/api/views',
        payload: { filter: { column: 'tags', op: '==', value: 'reviewed' } },
      });
      expect(view.statusCode).toBe(404); // no such column yet
      const filter = { column: 'label', op: '==', value: 'cat' };
      const missing = await edit(app, { column: 'tags', value: 'reviewed', filter });
      expect(missing.statusCode).toBe(404);
      expect(missing.json().error.type).toBe('ColumnNotFoundError');
      const catView = (await app.inject({ method: 'POST', url: '/api/views', payload: { filter } })).json();
      const res = await edit(app, { column: 'tags', value: 'reviewed', filter, create: true });
      expect(res.statusCode, res.body).toBe(201);
      const cats = originalLabels().map((l) => l === 'cat');
      expect(res.json()).toMatchObject({ created: true, rows: cats.filter(Boolean).length });
      const tags = await readElsewhere(datasetPath, 'tags');
      expect(tags.columns).toEqual(['id', 'label', 'score', 'count', 'tags']);
      expect(tags.values).toEqual(cats.map((c) => (c ? 'reviewed' : null)));
      // Relabel every cat in the view: the view (filter on label) is recomputed and is empty.
      const relabel = await edit(app, { column: 'label', value: 'lion', view: catView.id, baseVersion: 2 });
      expect(relabel.statusCode, relabel.body).toBe(201);
      expect((await app.inject({ url: `/api/views/${catView.id}` })).json().rows).toBe(0);
      // A stale base version for that column is a conflict.
      const stale = await edit(app, { column: 'label', value: 'x', filter, baseVersion: 2 });
      expect(stale.statusCode).toBe(409);
      // Undo restores the labels (version 4, whose parent is 3), read independently.
      const undo = await app.inject({
        method: 'POST',
        url: '/api/undo',
        headers: auth,
        payload: { version: 3 },
      });
      expect(undo.statusCode, undo.body).toBe(201);
      const back = await readElsewhere(datasetPath, 'label');
      expect(back).toMatchObject({ version: 4, operation: 'undo' });
      expect(back.values).toEqual(originalLabels());
      expect((await app.inject({ url: `/api/views/${catView.id}` })).json().rows).toBe(
        cats.filter(Boolean).length,
      );
      // Undo of a version that is not the newest: a conflict, nothing written.
      const late = await app.inject({
        method: 'POST',
        url: '/api/undo',
        headers: auth,
        payload: { version: 3 },
      });
      expect(late.statusCode).toBe(409);
      // History and diff.
      const list = (await app.inject({ url: '/api/versions' })).json();
      expect(list.current).toBe(4);
      expect(
        list.versions.map((v: { version: number; operation: string }) => [v.version, v.operation]),
      ).toEqual([
        [4, 'undo'],
        [3, 'edit'],
        [2, 'edit'],
        [1, 'write'],
      ]);
      const diff = (await app.inject({ url: '/api/versions/3/diff?limit=2' })).json();
      const firstCats = cats.flatMap((c, i) => (c ? [i] : [])).slice(0, 2);
      expect(diff.columns).toEqual([
        {
          column: 'label',
          change: 'rewritten',
          changedRows: cats.filter(Boolean).length,
          cells: firstCats.map((row) => ({ row, old: 'cat', new: 'lion' })),
        },
      ]);
      // Undoing the undo redoes.
      const redo = await app.inject({
        method: 'POST',
        url: '/api/undo',
        headers: auth,
        payload: { version: 4 },
      });
      expect(redo.statusCode, redo.body).toBe(201);
      expect([...(await servedColumn(app, 'label'))]).toEqual(
        originalLabels().map((l) => (l === 'cat' ? 'lion' : l)),
      );
    } finally {
      await app.close();
    }
  });

  it('undo of a created column drops it; undo again brings it back', async () => {
    const app = await server();
    const undo = (version: number) =>
      app.inject({ method: 'POST', url: '/api/undo', headers: auth, payload: { version } });
    const names = async () =>
      (await app.inject({ url: '/api/schema' })).json().columns.map((c: { name: string }) => c.name);
    try {
      const created = await edit(app, {
        column: 'note',
        value: 'look',
        rows: [3, 1],
        expected: [null, null],
        create: true,
      });
      expect(created.statusCode, created.body).toBe(201);
      expect(await names()).toEqual(['id', 'label', 'score', 'count', 'note']);
      expect((await undo(2)).statusCode).toBe(201);
      expect(await names()).toEqual(['id', 'label', 'score', 'count']);
      expect((await undo(3)).statusCode).toBe(201);
      const back = await readElsewhere(datasetPath, 'note');
      expect(back.version).toBe(4);
      expect(back.values).toEqual(Array.from({ length: N }, (_, i) => (i === 1 || i === 3 ? 'look' : null)));
    } finally {
      await app.close();
    }
  });

  it('bad edits are refused with a typed 4xx and write nothing', async () => {
    const app = await server();
    try {
      const cases: [unknown, number, string][] = [
        [{ column: 'label', value: 3, rows: [0], expected: ['cat'] }, 400, 'TypeMismatchError'],
        [{ column: 'count', value: 1.5, rows: [0], expected: [0] }, 400, 'TypeMismatchError'],
        [{ column: 'count', value: '7', rows: [0], expected: [0] }, 400, 'TypeMismatchError'],
        [{ column: 'label', value: 'x', rows: [0] }, 400, 'InvalidArgumentError'],
        [{ column: 'label', value: 'x', rows: [N], expected: [null] }, 404, 'IndexOutOfRangeError'],
        [
          { column: 'label', value: 'x', rows: [1, 1], expected: ['dog', 'dog'] },
          400,
          'InvalidArgumentError',
        ],
        [{ column: 'label', value: 'x' }, 400, 'InvalidArgumentError'],
        [{ column: 'lable', value: 'x', rows: [0], expected: [null] }, 404, 'ColumnNotFoundError'],
        [
          { column: 'label', value: 'x', rows: Array.from({ length: 1001 }, (_, i) => i) },
          400,
          'InvalidArgumentError',
        ],
        [{ column: 'label', value: { a: 1 }, rows: [0], expected: ['cat'] }, 400, 'TypeMismatchError'],
        [
          { column: 'new', value: [1], rows: [0], expected: [null], create: true },
          400,
          'InvalidArgumentError',
        ],
      ];
      for (const [body, status, type] of cases) {
        const res = await edit(app, body);
        expect(res.statusCode, JSON.stringify(body)).toBe(status);
        expect(res.json().error.type, JSON.stringify(body)).toBe(type);
      }
      // The first version is a write, not an edit: nothing to undo.
      const undo = await app.inject({
        method: 'POST',
        url: '/api/undo',
        headers: auth,
        payload: { version: 1 },
      });
      expect(undo.statusCode).toBe(400);
      expect(undo.json().error.message).toMatch(/version 1 is a write, not an edit/);
      expect((await app.inject({ url: '/api/versions' })).json().current).toBe(1);
    } finally {
      await app.close();
    }
  });

  it('writes need the write secret even on loopback; reads do not', async () => {
    const app = await server();
    try {
      const body = { column: 'label', value: 'x', rows: [0], expected: ['cat'] };
      for (const headers of [{}, { authorization: 'Bearer wrong' }] as Record<string, string>[]) {
        const res = await edit(app, body, headers);
        expect(res.statusCode).toBe(403);
        expect(res.json().error.type).toBe('AccessDeniedError');
      }
      const undo = await app.inject({ method: 'POST', url: '/api/undo', payload: { version: 1 } });
      expect(undo.statusCode).toBe(403);
      expect((await app.inject({ url: '/api/edits/access' })).json()).toMatchObject({ writable: false });
      expect((await app.inject({ url: '/api/edits/access', headers: auth })).json()).toMatchObject({
        writable: true,
        version: 1,
      });
      expect((await app.inject({ url: `/api/edits/access?token=${SECRET}` })).json().writable).toBe(true);
      expect((await app.inject({ url: '/api/schema' })).statusCode).toBe(200);
      expect((await readElsewhere(datasetPath, 'label')).version).toBe(1);
    } finally {
      await app.close();
    }
    // Without a secret, a server accepts no writes at all.
    const none = await server({});
    try {
      expect(
        (await edit(none, { column: 'label', value: 'x', rows: [0], expected: ['cat'] })).statusCode,
      ).toBe(403);
    } finally {
      await none.close();
    }
  });

  it('a read-only server and a source that is not a dataset refuse edits with ReadOnlyError', async () => {
    const app = await server({ writeToken: SECRET, readOnly: true });
    try {
      const res = await edit(app, { column: 'label', value: 'x', rows: [0], expected: ['cat'] });
      expect(res.statusCode).toBe(403);
      expect(res.json().error).toMatchObject({
        type: 'ReadOnlyError',
        message: expect.stringMatching(/read-only/),
      });
      expect((await app.inject({ url: '/api/edits/access', headers: auth })).json().writable).toBe(false);
    } finally {
      await app.close();
    }
    const csv = path.join(path.dirname(datasetPath), 'table.csv');
    fs.writeFileSync(csv, 'label\ncat\ndog\n');
    const fromCsv = await createAppServer(csv, { writeToken: SECRET });
    try {
      const res = await edit(fromCsv, { column: 'label', value: 'x', rows: [0], expected: ['cat'] });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.type).toBe('ReadOnlyError');
      expect(res.json().error.message).toMatch(
        /table.csv \(csv\) is not a stored Tessera dataset.*write it to a dataset first/,
      );
      expect((await fromCsv.inject({ url: '/api/versions' })).json()).toEqual({
        current: null,
        versions: [],
      });
    } finally {
      await fromCsv.close();
    }
  });

  it('over real HTTP: the printed URL carries the secret, and other tabs hear of each new version', async () => {
    const running = await serveApp(datasetPath, {
      thumbnailDir: path.join(path.dirname(datasetPath), 'thumbs'),
    });
    const controller = new AbortController();
    try {
      const url = new URL(running.url);
      const secret = url.searchParams.get('token');
      expect(secret).toMatch(/^[\w-]{20,}$/);
      const events = await fetch(new URL('/api/versions/events', url), { signal: controller.signal });
      const stream = events.body!.getReader();
      const post = (headers: Record<string, string>) =>
        fetch(new URL('/api/edits', url), {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ column: 'score', value: 2.5, rows: [7], expected: [0.7] }),
        });
      expect((await post({})).status).toBe(403);
      const ok = await post({ authorization: `Bearer ${secret}` });
      expect(ok.status).toBe(201);
      let text = '';
      while (!text.includes('event: version')) text += new TextDecoder().decode((await stream.read()).value);
      expect(text).toContain('"version":2');
      expect(text).toContain('"columns":["score"]');
      const back = await readElsewhere(datasetPath, 'score');
      expect(back.values?.[7]).toBe(2.5);
      expect(back.values?.[8]).toBe(0.8);
      const readOnly = await serveApp(datasetPath, { readOnly: true });
      expect(new URL(readOnly.url).search).toBe('');
      await readOnly.close();
      // A frame (or a CSV) takes no edits: its URL carries no secret.
      const framed = await serveApp(new DataFrame({ a: [1, 2] }));
      expect(new URL(framed.url).search).toBe('');
      await framed.close();
    } finally {
      controller.abort();
      await running.close();
    }
  });
});
