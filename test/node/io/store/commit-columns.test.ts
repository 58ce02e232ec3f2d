// commitColumns (replace, add, drop; changes computed under the lock) and diffVersion, checked
// against the frames as written (a naive reference) and against the manifests' file entries.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { column, DataFrame, read, readManifest } from '../../../../src/index.js';
import { commitColumns } from '../../../../src/node/io/store/add-columns.js';
import { diffVersion } from '../../../../src/node/io/store/diff.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function dataset(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-commit-columns-'));
  dirs.push(dir);
  const p = path.join(dir, 'ds');
  await new DataFrame({
    id: Int32Array.from([0, 1, 2, 3]),
    label: column(['a', 'b', null, 'd'], 'string'),
    score: Float64Array.from([0.5, 1.5, 2.5, 3.5]),
  }).write(p);
  return p;
}

const valuesOf = async (p: string, name: string, version?: number) => {
  const df = await read(p, version === undefined ? {} : { version });
  return Array.from({ length: df.length }, (_, i) => df.column(name).get(i));
};

describe('commitColumns', () => {
  it('replaces a column writing only its data; the others keep their files', async () => {
    const p = await dataset();
    const before = await readManifest(p);
    const r = await commitColumns(
      p,
      { replace: { label: column(['a', 'B', 'c', null], 'string') } },
      { operation: 'edit' },
    );
    expect(r.version).toBe(2);
    const after = await readManifest(p);
    expect(after.operation).toBe('edit');
    expect(after.columns.map((c) => c.name)).toEqual(['id', 'label', 'score']);
    expect(after.columns[0]).toEqual(before.columns[0]);
    expect(after.columns[2]).toEqual(before.columns[2]);
    expect(after.columns[1]).not.toEqual(before.columns[1]);
    expect(await valuesOf(p, 'label')).toEqual(['a', 'B', 'c', null]);
    expect(await valuesOf(p, 'label', 1)).toEqual(['a', 'b', null, 'd']);
    const diff = await diffVersion(p, 2);
    expect(diff.columns).toEqual([
      {
        column: 'label',
        change: 'rewritten',
        changedRows: 3,
        cells: [
          { row: 1, old: 'b', new: 'B' },
          { row: 2, old: null, new: 'c' },
          { row: 3, old: 'd', new: null },
        ],
      },
    ]);
    expect((await diffVersion(p, 2, { limit: 1 })).columns[0].cells).toHaveLength(1);
  });

  it('adds and drops columns; a change refused under the lock commits nothing', async () => {
    const p = await dataset();
    await commitColumns(p, { add: { tags: column([null, 'x', null, null], 'string') }, drop: ['score'] });
    expect((await read(p)).columnNames).toEqual(['id', 'label', 'tags']);
    const diff = await diffVersion(p, 2);
    expect(diff.columns).toEqual([
      { column: 'tags', change: 'added', changedRows: 1, cells: [{ row: 1, old: null, new: 'x' }] },
      { column: 'score', change: 'dropped', changedRows: null, cells: [] },
    ]);
    const files = fs.readdirSync(path.join(p, 'data')).sort();
    await expect(
      commitColumns(p, async (current) => {
        expect(current.version).toBe(2);
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    await expect(commitColumns(p, { replace: { nope: column([1, 2, 3, 4], 'float64') } })).rejects.toThrow(
      /nope/,
    );
    await expect(commitColumns(p, { replace: { label: column(['a'], 'string') } })).rejects.toThrow(/1 rows/);
    expect((await readManifest(p)).version).toBe(2);
    expect(fs.readdirSync(path.join(p, 'data')).sort()).toEqual(files); // nothing left behind
  });
});
