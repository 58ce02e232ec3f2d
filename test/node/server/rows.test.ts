// The schema and row-window routes: windows decoded with apache-arrow equal the frame's rows (the
// in-memory rows, and for a CSV file pandas' read of the same file).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { column, DataFrame } from '../../../src/index.js';
import { createAppServer } from '../../../src/node/server/index.js';
import { needs, PYTHON } from '../../helpers/references.js';

const pandas = needs('pandas');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-server-rows-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function sampleFrame(n: number): DataFrame {
  return new DataFrame({
    id: column(
      Array.from({ length: n }, (_, i) => i),
      'int32',
    ),
    score: Float64Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 10),
    label: Array.from({ length: n }, (_, i) => (i % 7 === 3 ? null : ['cat', 'dog', 'bird'][i % 3])),
    flag: Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : i % 2 === 0)),
  });
}

/** The rows of an Arrow IPC stream as plain objects. */
function decode(body: Buffer): Record<string, unknown>[] {
  const table = arrow.tableFromIPC(body);
  return table.toArray().map((r) => ({ ...r.toJSON() }));
}

describe('GET /api/schema', () => {
  it('lists the rows and the columns with their types', async () => {
    const app = await createAppServer(sampleFrame(10));
    const res = await app.inject({ url: '/api/schema' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.rows).toBe(10);
    expect(body.columns.map((c: { name: string }) => c.name)).toEqual(['id', 'score', 'label', 'flag']);
    expect(body.columns[0]).toMatchObject({ kind: 'scalar', dtype: 'int32' });
    expect(body.columns[2]).toMatchObject({ kind: 'scalar', dtype: 'string' });
  });
});

describe('GET /api/rows', () => {
  it('sends a window as an Arrow IPC stream equal to the frame rows', async () => {
    const frame = sampleFrame(1000);
    const app = await createAppServer(frame);
    const res = await app.inject({ url: '/api/rows?start=120&end=220' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.apache.arrow.stream');
    const rows = decode(res.rawPayload);
    const expected = Array.from({ length: 100 }, (_, k) => {
      const i = 120 + k;
      return {
        id: i,
        score: ((i * 7919) % 1000) / 10,
        label: i % 7 === 3 ? null : ['cat', 'dog', 'bird'][i % 3],
        flag: i % 5 === 0 ? null : i % 2 === 0,
      };
    });
    expect(rows).toEqual(expected);
  });

  it('selects columns, adds row numbers on request and clamps at the end', async () => {
    const app = await createAppServer(sampleFrame(50));
    const res = await app.inject({ url: '/api/rows?start=45&end=60&columns=label,id&rowIndex=true' });
    expect(res.statusCode).toBe(200);
    const table = arrow.tableFromIPC(res.rawPayload);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['label', 'id', '__row']);
    expect(table.numRows).toBe(5);
    expect(Array.from(table.getChild('__row')!.toArray())).toEqual([45, 46, 47, 48, 49]);
  });

  it('refuses bad windows with 400 and unknown columns with 404, typed', async () => {
    const app = await createAppServer(sampleFrame(50), { maxWindowRows: 100 });
    for (const url of [
      '/api/rows?start=-1&end=3',
      '/api/rows?start=a&end=3',
      '/api/rows?start=5&end=2',
      '/api/rows?start=0&end=1000',
      '/api/rows',
      '/api/rows?start=0&end=1&bogus=1',
    ]) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.type, url).toBe('InvalidArgumentError');
    }
    const res = await app.inject({ url: '/api/rows?start=0&end=3&columns=lable' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toMatchObject({ type: 'ColumnNotFoundError' });
  });

  pandas.it("serves a CSV file whose windows equal pandas' read of it", async () => {
    const file = path.join(tmp, 'people.csv');
    const lines = ['name,age,height'];
    for (let i = 0; i < 300; i++)
      lines.push(`"p ${i}, jr",${20 + (i % 50)},${(150 + ((i * 37) % 500) / 10).toFixed(1)}`);
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    const app = await createAppServer(file);
    const res = await app.inject({ url: '/api/rows?start=100&end=200' });
    expect(res.statusCode).toBe(200);
    const rows = decode(res.rawPayload);
    const script =
      'import sys, json, pandas as pd; d = pd.read_csv(sys.argv[1]).iloc[100:200]; print(d.to_json(orient="records"))';
    const expected = JSON.parse(execFileSync(PYTHON, ['-c', script, file], { encoding: 'utf8' }));
    expect(rows.map((r) => ({ ...r, age: Number(r.age) }))).toEqual(expected);
    const schema = (await app.inject({ url: '/api/schema' })).json();
    expect(schema.source).toEqual({ kind: 'csv', name: 'people.csv' });
    expect(schema.rows).toBe(300);
  });
});
