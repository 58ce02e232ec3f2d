import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpyHeader } from '../../../../src/core/io/store/npy.js';
import { append, DataFrame, TensorColumn, write } from '../../../../src/index.js';
import { needs, PYTHON } from '../../../helpers/references.js';
import { tempDatasets } from './helpers.js';

const dataset = tempDatasets('tessera-numpy-');
const numpy = needs('numpy');

/** Load each fragment of each tensor column with np.load and concatenate, as a numpy user would. */
const LOAD = `
import json, sys, os
import numpy as np
root = sys.argv[1]
m = json.load(open(os.path.join(root, 'manifest.json')))
out = {}
for c in m['columns']:
    if c['type']['kind'] != 'tensor':
        continue
    parts = [np.load(os.path.join(root, f['data']['path'])) for f in c['fragments']]
    a = np.concatenate(parts) if len(parts) > 1 else parts[0]
    out[c['name']] = {'dtype': str(a.dtype), 'shape': list(a.shape), 'values': a.ravel().tolist(),
                      'c_contiguous': bool(a.flags['C_CONTIGUOUS']), 'fragments': len(parts)}
print(json.dumps(out))
`;

describe('tensor files are .npy', () => {
  numpy.it('numpy loads every tensor dtype and shape, appended fragments included', async () => {
    const n = 5;
    const make = (offset: number) =>
      new DataFrame({
        f32: new TensorColumn(
          Float32Array.from({ length: n * 6 }, (_, i) => (i + offset) / 4),
          [2, 3],
          n,
        ),
        f64: new TensorColumn(
          Float64Array.from({ length: n * 2 }, (_, i) => Math.PI * (i + offset)),
          [2],
          n,
        ),
        i32: new TensorColumn(
          Int32Array.from({ length: n * 8 }, (_, i) => (i + offset) * -1000),
          [2, 2, 2],
          n,
        ),
        u8: new TensorColumn(
          Uint8Array.from({ length: n * 3 }, (_, i) => (i + offset) % 256),
          [3],
          n,
        ),
        scalarRows: new TensorColumn(
          Float32Array.from({ length: n }, (_, i) => i + offset),
          [],
          n,
        ),
      });
    const p = dataset();
    const first = make(0);
    const second = make(1000);
    await write(first, p, { fsync: false });
    await append(p, second, { fsync: false });
    const run = spawnSync(PYTHON, ['-c', LOAD, p], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const loaded = JSON.parse(run.stdout) as Record<
      string,
      { dtype: string; shape: number[]; values: number[]; c_contiguous: boolean; fragments: number }
    >;
    const dtypes = { f32: 'float32', f64: 'float64', i32: 'int32', u8: 'uint8', scalarRows: 'float32' };
    for (const name of first.columnNames) {
      const a = first.column<TensorColumn>(name);
      const b = second.column<TensorColumn>(name);
      const got = loaded[name];
      expect(got.dtype).toBe(dtypes[name as keyof typeof dtypes]);
      expect(got.shape).toEqual([2 * n, ...a.shape]);
      expect(got.fragments).toBe(2);
      expect(got.c_contiguous).toBe(true);
      expect(got.values).toEqual([
        ...Array.from(a.data as ArrayLike<number>),
        ...Array.from(b.data as ArrayLike<number>),
      ]);
    }
  });

  it('writes the header numpy expects (v1.0, 64-byte aligned, C order)', async () => {
    const p = dataset();
    await write(new DataFrame({ t: new TensorColumn(new Float32Array(7 * 12), [3, 4], 7) }), p, {
      fsync: false,
    });
    const npy = fs.readdirSync(path.join(p, 'data')).find((f) => f.endsWith('.npy'))!;
    const bytes = fs.readFileSync(path.join(p, 'data', npy));
    const header = parseNpyHeader(bytes);
    expect(header).toEqual({ dtype: 'float32', shape: [7, 3, 4], headerBytes: 128 });
    expect(bytes.length).toBe(128 + 7 * 12 * 4);
    expect(bytes.subarray(10, 128).toString('latin1')).toMatch(
      /^\{'descr': '<f4', 'fortran_order': False, 'shape': \(7, 3, 4\), \} *\n$/,
    );
  });
});
