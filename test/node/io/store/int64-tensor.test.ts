import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpyHeader } from '../../../../src/core/io/store/npy.js';
import { append, column, DataFrame, read, TensorColumn, write } from '../../../../src/index.js';
import { needs, PYTHON } from '../../../helpers/references.js';
import { tempDatasets } from './helpers.js';

const dataset = tempDatasets('tessera-int64-');
const numpy = needs('numpy');
const fast = { fsync: false };

/** Rows of 3 bigints around ±2^63 and 2^53, where any float detour changes the value. */
const bigRows = (n: number, offset: bigint) =>
  Array.from({ length: n }, (_, i) =>
    i % 5 === 3
      ? null
      : [
          2n ** 63n - 1n - BigInt(i) - offset,
          -(2n ** 63n) + BigInt(i) + offset,
          2n ** 53n + 1n + BigInt(i) * offset,
        ],
  );

const rowsOf = (c: { length: number; get(i: number): unknown }) =>
  Array.from({ length: c.length }, (_, i) => {
    const r = c.get(i) as BigInt64Array | null;
    return r === null ? null : Array.from(r);
  });

/** Each fragment of column `name` loaded with np.load, concatenated; values as decimal text (exact). */
const LOAD = `
import json, sys, os
import numpy as np
root, name = sys.argv[1], sys.argv[2]
m = json.load(open(os.path.join(root, 'manifest.json')))
c = next(c for c in m['columns'] if c['name'] == name)
a = np.concatenate([np.load(os.path.join(root, f['data']['path'])) for f in c['fragments']])
print(json.dumps({'dtype': str(a.dtype), 'shape': list(a.shape), 'values': [str(v) for v in a.ravel().tolist()]}))
`;

describe('int64 tensor columns in the store', () => {
  it('write, read (lazy rows and the whole column) and append keep every value exactly', async () => {
    const first = bigRows(700, 0n);
    const second = bigRows(300, 7n);
    const p = dataset();
    await write(new DataFrame({ t: TensorColumn.fromRows(first, 'int64', [3]) }), p, fast);
    await append(p, new DataFrame({ t: column(second) }), fast);
    const back = (await read(p)).column('t');
    expect(back.type).toEqual({ kind: 'tensor', dtype: 'int64', shape: [3] });
    const all = [...first, ...second];
    expect(rowsOf(back)).toEqual(all);
    // Row reads of the mapped files, across both fragments and out of order.
    const picks = [999, 0, 703, 3, 698, 702];
    expect(rowsOf((back as TensorColumn).take(picks))).toEqual(picks.map((j) => all[j]));
  });

  it('writes .npy files with descr <i8', async () => {
    const p = dataset();
    await write(new DataFrame({ t: column([[1n, 2n]]) }), p, fast);
    const { readdirSync, readFileSync } = await import('node:fs');
    const npy = readdirSync(path.join(p, 'data')).find((f) => f.endsWith('.npy'))!;
    const header = parseNpyHeader(readFileSync(path.join(p, 'data', npy)));
    expect(header).toMatchObject({ dtype: 'int64', shape: [1, 2] });
  });

  numpy.it('numpy loads them as int64 with the same values, beyond 2^53 included', async () => {
    const rows = bigRows(50, 3n).map((r) => r ?? [0n, 0n, 0n]);
    const p = dataset();
    await write(new DataFrame({ t: column(rows) }), p, fast);
    await append(p, new DataFrame({ t: column(rows.slice(0, 5)) }), fast);
    const run = spawnSync(PYTHON, ['-c', LOAD, p, 't'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const got = JSON.parse(run.stdout) as { dtype: string; shape: number[]; values: string[] };
    expect(got.dtype).toBe('int64');
    expect(got.shape).toEqual([55, 3]);
    expect(got.values).toEqual([...rows, ...rows.slice(0, 5)].flat().map(String));
  });

  it('stream to an .npy file with output: { path } and read back exactly', async () => {
    const rows = bigRows(40, 5n);
    const df = new DataFrame({ t: column(rows) });
    const file = path.join(dataset(), 'plus.npy');
    const plusOne = (r: Record<string, unknown>) => (r.t as BigInt64Array | null)?.map((v) => v - 1n) ?? null;
    const streamed = await df.map(plusOne, { batchSize: 7, outputs: 'v', output: { path: file } });
    expect(streamed.column('v').type).toEqual({ kind: 'tensor', dtype: 'int64', shape: [3] });
    expect(rowsOf(streamed.column('v'))).toEqual(rows.map((r) => r?.map((v) => v - 1n) ?? null));
  });
});
