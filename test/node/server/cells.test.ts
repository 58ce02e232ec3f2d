// Computed cells: row windows leave deferred (non-media) columns out (before, an async one failed
// every window with a TypeMismatchError and a sync one ran inside the window request), and
// POST /api/cells/:column computes them on demand. The reference: each function applied by hand.
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { DataFrame } from '../../../src/index.js';
import { createAppServer } from '../../../src/node/server/index.js';

const N = 1000;
const x = (i: number) => (i * 37) % 101;
// The functions the columns are defined by, applied by hand below for the expected values.
const square = (v: number) => v * v + 0.5;
const describeRow = (v: number) => ({ label: v % 2 === 0 ? 'even' : 'odd', box: [v, v + 1, v + 2, v + 3] });
const vector = (v: number) => Float32Array.from({ length: 8 }, (_, k) => Math.sin(v + k));

function frame(): DataFrame {
  return new DataFrame({ x: Int32Array.from({ length: N }, (_, i) => x(i)) })
    .defer('sq', ['x'], square)
    .defer('obj', ['x'], async (v: number) => describeRow(v))
    .defer('vec', ['x'], vector)
    .defer('bad', ['x'], (v: number) => {
      if (v % 10 === 3) throw new RangeError(`no value for ${v}`);
      return v === 7 ? Number.NaN : v;
    })
    .defer('slow', ['x'], (v: number) => new Promise((resolve) => setTimeout(() => resolve(v), 2000)));
}

async function cells(app: Awaited<ReturnType<typeof createAppServer>>, column: string, rows: unknown) {
  return app.inject({ method: 'POST', url: `/api/cells/${encodeURIComponent(column)}`, payload: { rows } });
}

describe('row windows and computed columns', () => {
  it('leave computed columns out of a window, and refuse them by name', async () => {
    const app = await createAppServer(frame());
    const res = await app.inject({ url: '/api/rows?start=0&end=10' });
    expect(res.statusCode).toBe(200);
    expect(arrow.tableFromIPC(res.rawPayload).schema.fields.map((f) => f.name)).toEqual(['x']);
    const named = await app.inject({ url: '/api/rows?start=0&end=10&columns=x,obj' });
    expect(named.statusCode).toBe(400);
    expect(named.json().error.type).toBe('InvalidArgumentError');
    expect(named.json().error.message).toContain('/api/cells/obj');
  });
});

describe('POST /api/cells/:column', () => {
  it('computes the cells of sync and async columns at the rows asked for', async () => {
    const app = await createAppServer(frame());
    const rows = [0, 5, 999, 5, 123];
    const sq = await cells(app, 'sq', rows);
    expect(sq.statusCode).toBe(200);
    expect(sq.json().cells).toEqual(rows.map((r) => ({ row: r, value: square(x(r)) })));
    const obj = await cells(app, 'obj', rows);
    expect(obj.json().cells).toEqual(rows.map((r) => ({ row: r, value: describeRow(x(r)) })));
  });

  it('sends a typed array as a tensor with its dtype and values', async () => {
    const app = await createAppServer(frame());
    const res = await cells(app, 'vec', [2, 40]);
    expect(res.json().cells).toEqual(
      [2, 40].map((r) => ({
        row: r,
        tensor: { dtype: 'float32', shape: [8], values: Array.from(vector(x(r))) },
      })),
    );
  });

  it('gives a failing row its own error, and NaN as the string "NaN"', async () => {
    const app = await createAppServer(frame());
    // x(1) = 37 (ok), x(3) = 10 (ok), x(7) = 57 (ok); rows whose x ends in 3 fail; find one of each.
    const failing = Array.from({ length: N }, (_, i) => i).find((i) => x(i) % 10 === 3)!;
    const nan = Array.from({ length: N }, (_, i) => i).find((i) => x(i) === 7)!;
    const res = await cells(app, 'bad', [1, failing, nan]);
    expect(res.statusCode).toBe(200);
    expect(res.json().cells).toEqual([
      { row: 1, value: x(1) },
      { row: failing, error: { type: 'RangeError', message: `no value for ${x(failing)}` } },
      { row: nan, value: 'NaN' },
    ]);
  });

  it('answers 504 with a CellTimeoutError past the time limit', async () => {
    const app = await createAppServer(frame(), { cellTimeoutMs: 100 });
    const t0 = Date.now();
    const res = await cells(app, 'slow', [0, 1]);
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(res.statusCode).toBe(504);
    expect(res.json().error.type).toBe('CellTimeoutError');
  });

  it('refuses bad requests with typed 4xx errors', async () => {
    const app = await createAppServer(frame());
    const cases: [string, unknown, number, string][] = [
      ['x', [0], 400, 'InvalidArgumentError'], // not computed
      ['nope', [0], 404, 'ColumnNotFoundError'],
      ['sq', [N], 404, 'IndexOutOfRangeError'],
      ['sq', [-1], 400, 'InvalidArgumentError'],
      ['sq', [], 400, 'InvalidArgumentError'],
      ['sq', ['a'], 400, 'InvalidArgumentError'],
      ['sq', Array.from({ length: 513 }, () => 0), 400, 'InvalidArgumentError'],
    ];
    for (const [column, rows, status, type] of cases) {
      const res = await cells(app, column, rows);
      expect([column, rows, res.statusCode]).toEqual([column, rows, status]);
      expect(res.json().error.type).toBe(type);
    }
    const noBody = await app.inject({ method: 'POST', url: '/api/cells/sq' });
    expect(noBody.statusCode).toBe(400);
  });
});
