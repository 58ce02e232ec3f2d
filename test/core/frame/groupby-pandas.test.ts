// Null semantics of groupby and aggregate checked against pandas 1.5 (Debian's python3-pandas):
// null keys (dropna), count vs size, the sum of an all-null group (min_count), std/var ddof.
import { spawnSync } from 'node:child_process';
import { beforeAll, expect } from 'vitest';
import { type AggregateSpec, column, DataFrame, type Row } from '../../../src/index.js';
import { mulberry32 } from '../../helpers/random.js';
import { needs, PYTHON } from '../../helpers/references.js';

const pandas = needs('pandas');

/** Keys k (string) and j (int32), values x (float64, quarters: sums are exact) and y (int32), with nulls. */
function makeData(n: number, seed: number): Record<string, (number | string | null)[]> {
  const rand = mulberry32(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const k: (string | null)[] = [];
  const j: (number | null)[] = [];
  const x: (number | null)[] = [];
  const y: (number | null)[] = [];
  for (let i = 0; i < n; i++) {
    const key = pick(['a', 'b', 'c', 'B', 'empty', null]);
    k.push(key);
    j.push(pick([1, 2, 3, null]));
    // Group "empty" has no x at all; every other group has some nulls.
    x.push(key === 'empty' || rand() < 0.3 ? null : Math.round((rand() - 0.5) * 400) / 4);
    y.push(rand() < 0.2 ? null : Math.floor(rand() * 100) - 50);
  }
  // A group with one value and one with two, where minCount and ddof decide.
  k.push('one', 'two', 'two');
  j.push(7, 7, 8);
  x.push(2.5, -1.25, 4);
  y.push(3, null, 9);
  return { k, j, x, y };
}

const DATA = makeData(120, 11);
const KEY_SETS = [['k'], ['k', 'j']];

/** One pandas run computes every reference; NaN (pandas' null) comes back as null, floats exact. */
const SCRIPT = `
import json, math, sys
import pandas as pd
data = json.load(sys.stdin)
df = pd.DataFrame(data)
def clean(v):
    if isinstance(v, float) and math.isnan(v): return None
    if hasattr(v, 'item'): v = v.item()
    if isinstance(v, float) and math.isnan(v): return None
    return v
def records(frame):
    return [{c: clean(v) for c, v in row.items()} for row in frame.reset_index().to_dict('records')]
out = {'groups': {}, 'whole': {}}
for keys in ${JSON.stringify(KEY_SETS)}:
    for dropna in [True, False]:
        g = df.groupby(keys, dropna=dropna, sort=True)
        agg = pd.DataFrame({
            'rows': g.size(), 'x_n': g['x'].count(), 'y_n': g['y'].count(),
            'x_sum': g['x'].sum(), 'x_sum2': g['x'].sum(min_count=2), 'y_sum': g['y'].sum(),
            'x_mean': g['x'].mean(),
            'x_std': g['x'].std(), 'x_std0': g['x'].std(ddof=0), 'x_var2': g['x'].var(ddof=2),
            'y_var': g['y'].var(), 'y_var0': g['y'].var(ddof=0),
        })
        out['groups'][f"{','.join(keys)}|{dropna}"] = {
            'agg': records(agg), 'count': records(g.count()), 'size': records(g.size().rename('size')),
            'sum': records(g.sum()), 'sum2': records(g.sum(min_count=2)), 'std0': records(g.std(ddof=0)),
            'var': records(g.var()),
        }
for name, frame in [('all', df), ('x_null', df[df['x'].isna()]), ('first2', df.head(2))]:
    out['whole'][name] = {c: clean(v) for c, v in {
        'rows': len(frame), 'x_n': frame['x'].count(), 'x_sum': frame['x'].sum(),
        'x_sum1': frame['x'].sum(min_count=1), 'x_std': frame['x'].std(),
        'x_std0': frame['x'].std(ddof=0), 'x_var2': frame['x'].var(ddof=2),
    }.items()}
print(json.dumps(out))
`;

interface PandasResults {
  groups: Record<string, Record<string, Row[]>>;
  whole: Record<string, Row>;
}

let ref: PandasResults;
beforeAll(() => {
  if (!pandas.present) return;
  const run = spawnSync(PYTHON, ['-c', SCRIPT], { input: JSON.stringify(DATA), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`pandas failed: ${run.stderr}`);
  ref = JSON.parse(run.stdout) as PandasResults;
});

/** The test frame; `rows` picks some of its rows (as a view). */
function frame(rows?: (i: number) => boolean): DataFrame {
  const df = new DataFrame({
    k: column(DATA.k, 'string'),
    j: column(DATA.j, 'int32'),
    x: column(DATA.x, 'float64'),
    y: column(DATA.y, 'int32'),
  });
  if (!rows) return df;
  return df.take(Int32Array.from({ length: df.length }, (_, i) => i).filter(rows));
}

/** Equal records, numbers within 1e-12 relative where `approx` names the column, exact elsewhere. */
function expectRecords(actual: Row[], expected: Row[], approx: ReadonlySet<string> = new Set()): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Object.keys(actual[i])).toEqual(Object.keys(expected[i]));
    for (const [c, want] of Object.entries(expected[i])) {
      const got = actual[i][c];
      if (approx.has(c) && typeof want === 'number' && typeof got === 'number') {
        if (Math.abs(got - want) > 1e-12 * Math.abs(want))
          expect({ row: i, column: c, value: got }).toEqual({ row: i, column: c, value: want });
      } else expect({ row: i, column: c, value: got }).toEqual({ row: i, column: c, value: want });
    }
  }
}

const SPEC: AggregateSpec = {
  rows: ['*', 'size'],
  x_n: ['x', 'count'],
  y_n: ['y', 'count'],
  x_sum: ['x', 'sum'],
  x_sum2: ['x', 'sum', { minCount: 2 }],
  y_sum: ['y', 'sum'],
  x_mean: ['x', 'mean'],
  x_std: ['x', 'std'],
  x_std0: ['x', 'std', { ddof: 0 }],
  x_var2: ['x', 'var', { ddof: 2 }],
  y_var: ['y', 'var', { ddof: 1 }],
  y_var0: ['y', 'var', { ddof: 0 }],
};
const DEVIATIONS = new Set(['x_mean', 'x_std', 'x_std0', 'x_var2', 'y_var', 'y_var0', 'j', 'x', 'y']);

for (const keys of KEY_SETS) {
  for (const dropNulls of [true, false]) {
    const name = `${keys.join(', ')} with dropNulls: ${dropNulls}`;
    const want = (what: string) => ref.groups[`${keys.join(',')}|${dropNulls ? 'True' : 'False'}`][what];

    pandas.it(`groupby(${name}): agg with count, size, sum minCount and ddof as pandas`, () => {
      const g = frame().groupby(keys, { dropNulls });
      expectRecords(g.agg(SPEC).toRecords(), want('agg'), DEVIATIONS);
    });

    pandas.it(`groupby(${name}): count() is per column non-null, size() rows, sum/std/var options`, () => {
      const g = frame().groupby(keys, { dropNulls });
      expectRecords(g.count().toRecords(), want('count'));
      expectRecords(g.size().toRecords(), want('size'));
      expectRecords(g.sum().toRecords(), want('sum'));
      expectRecords(g.sum({ minCount: 2 }).toRecords(), want('sum2'));
      expectRecords(g.std({ ddof: 0 }).toRecords(), want('std0'), DEVIATIONS);
      expectRecords(g.var().toRecords(), want('var'), DEVIATIONS);
    });
  }
}

pandas.it('whole-frame aggregate makes the same choices as the groupby reducers (and pandas Series)', () => {
  const spec: AggregateSpec = {
    rows: ['*', 'size'],
    x_n: ['x', 'count'],
    x_sum: ['x', 'sum'],
    x_sum1: ['x', 'sum', { minCount: 1 }],
    x_std: ['x', 'std'],
    x_std0: ['x', 'std', { ddof: 0 }],
    x_var2: ['x', 'var', { ddof: 2 }],
  };
  const frames: Record<string, DataFrame> = {
    all: frame(),
    x_null: frame((i) => DATA.x[i] === null),
    first2: frame((i) => i < 2),
  };
  for (const [name, df] of Object.entries(frames))
    expectRecords([df.aggregate(spec)], [ref.whole[name]], new Set(['x_std', 'x_std0', 'x_var2']));
});
