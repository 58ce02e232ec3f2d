/**
 * Integer columns of CSV and JSON files, checked against pandas (dtypes; values of columns without
 * nulls, int64 compared as decimal text) and Python's own csv/json modules (exact ints also where
 * pandas turns a column with nulls into float64). Reading used to give every number as a float64,
 * so `9007199254740993` became `...992`, and JSON number arrays became float32 (`16777217` →
 * `16777216`, `0.1` → `0.10000000149011612`), and those altered values were written back.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { describe, expect } from 'vitest';
import {
  type DataFrame,
  formatCsv,
  readCsv,
  readJsonLines,
  readJsonLinesBatches,
  ScalarColumn,
  writeCsv,
  writeJson,
  writeJsonLines,
} from '../../../../src/index.js';
import { parseErrorOf } from '../../../helpers/parse-error.js';
import { needs, PYTHON } from '../../../helpers/references.js';
import { tempDir } from './helpers.js';

const tmp = tempDir('tessera-integers-');
const pandas = needs('pandas');

/** A Python script's JSON output. */
function python<T>(script: string, ...args: string[]): T {
  return JSON.parse(execFileSync(PYTHON, ['-c', script, ...args]).toString()) as T;
}

/** Cells as the reference gives them: ints as decimal text, floats as repr, null for a null. */
type Cells = (string | null)[];
type Reference = Record<string, { dtype: string; pandas: Cells; python: Cells }>;

/** pandas' and Python's reading of a CSV or JSON-lines file (see {@link REFERENCE}). */
const reference = (file: string, kind: 'csv' | 'json') => python<Reference>(REFERENCE, file, kind);

/**
 * Per column: pandas' dtype, pandas' values (ints as decimal text, floats as repr, NaN as null), and
 * the values Python's csv or json module gives (same forms), which keep ints exact with nulls too.
 */
const REFERENCE = `
import sys, json, csv, io, math
import pandas as pd
path, kind = sys.argv[1], sys.argv[2]
def text(v):
    if v is None or (isinstance(v, float) and math.isnan(v)): return None
    if isinstance(v, bool): return v
    if isinstance(v, int): return str(v)
    if isinstance(v, float): return repr(v)
    if isinstance(v, list): return [text(x) for x in v]
    return str(v)
def number(s):
    if s == '': return None
    try: return int(s)
    except ValueError: pass
    try: return float(s)
    except ValueError: return s
if kind == 'csv':
    df = pd.read_csv(path)
    with open(path, newline='') as f:
        rows = list(csv.DictReader(f))
    plain = {c: [text(number(r[c])) for r in rows] for c in df.columns}
else:
    df = pd.read_json(path, lines=True)
    with open(path) as f:
        rows = [json.loads(l) for l in f if l.strip()]
    plain = {c: [text(r.get(c)) for r in rows] for c in df.columns}
out = {c: {'dtype': str(df[c].dtype), 'pandas': [text(v.item() if hasattr(v, 'item') else v) for v in df[c]], 'python': plain[c]} for c in df.columns}
print(json.dumps(out))
`;

/** The cells of an integer column as decimal text (null for a null), as the reference gives them. */
function texts(df: DataFrame, name: string): (string | null)[] {
  return df
    .column(name)
    .toArray()
    .map((v) => (v === null ? null : String(v as number | bigint)));
}

const dtypeOf = (df: DataFrame, name: string) => {
  const t = df.column(name).type;
  return t.kind === 'scalar' ? t.dtype : `${t.kind}<${t.kind === 'tensor' ? t.dtype : ''}>`;
};

/** The integer type the rule gives: int32 when every value fits it, else int64. */
function integerDType(values: (string | null)[]): string {
  const fits = values.every((v) => v === null || (BigInt(v) >= -(2n ** 31n) && BigInt(v) < 2n ** 31n));
  return fits ? 'int32' : 'int64';
}

const CSV = [
  'id,small,int32_edges,beyond_int32,with_nulls,big_with_nulls,price',
  '9007199254740993,1,2147483647,2147483648,10,9007199254740993,1.5',
  '-9007199254740993,-2,-2147483648,-2147483649,,,-0.1',
  '9007199254740995,007,0,5,-7,-9223372036854775808,2',
  '9223372036854775807,+5,-0,0,3,1,1e3',
].join('\n');

pandas.describe('integer columns against pandas and Python', () => {
  pandas.it('CSV: int32 / int64 as pandas infers int64, values exact, nulls kept as nulls', async () => {
    const file = tmp();
    fs.writeFileSync(file, `${CSV}\n`);
    const ref = reference(file, 'csv');
    const df = await readCsv(file);
    expect(df.columnNames).toEqual(Object.keys(ref));
    for (const name of df.columnNames) {
      const { dtype, pandas: values, python: exact } = ref[name];
      if (dtype === 'int64') {
        expect([name, dtypeOf(df, name)]).toEqual([name, integerDType(values)]);
        expect(texts(df, name)).toEqual(values);
      } else if (exact.every((v) => v === null || /^-?\d+$/.test(v))) {
        // pandas gives float64 to integer columns with nulls (rounding 9007199254740993); Python's
        // ints are the reference there, and the column stays an integer one.
        expect([name, dtype]).toEqual([name, 'float64']);
        expect([name, dtypeOf(df, name)]).toEqual([name, integerDType(exact)]);
        expect(texts(df, name)).toEqual(exact);
      } else {
        expect([name, dtypeOf(df, name)]).toEqual([name, dtype]);
        expect(df.column(name).toArray()).toEqual(values.map(Number));
      }
    }
    expect(dtypeOf(df, 'with_nulls')).toBe('int32');
    expect(df.column('with_nulls').get(1)).toBeNull();
    expect(dtypeOf(df, 'big_with_nulls')).toBe('int64');
  });

  pandas.it(
    'CSV → frame → CSV and JSON keeps every integer exact (pandas and json.loads read them back)',
    async () => {
      const file = tmp();
      fs.writeFileSync(file, `${CSV}\n`);
      const df = await readCsv(file);
      const csvOut = tmp();
      await writeCsv(df, csvOut);
      const back = reference(csvOut, 'csv');
      expect(back.id.pandas).toEqual([
        '9007199254740993',
        '-9007199254740993',
        '9007199254740995',
        '9223372036854775807',
      ]);
      expect(back.big_with_nulls.python).toEqual(['9007199254740993', null, '-9223372036854775808', '1']);
      const jsonOut = tmp();
      await writeJson(df, jsonOut);
      const records = python<Record<string, unknown>[]>(
        `import json, sys; print(json.dumps([{k: str(v) if isinstance(v, int) else v for k, v in r.items()} for r in json.load(open(sys.argv[1]))]))`,
        jsonOut,
      );
      expect(records.map((r) => r.id)).toEqual(back.id.pandas);
      expect(records.map((r) => r.big_with_nulls)).toEqual(back.big_with_nulls.python);
    },
  );

  pandas.it(
    'CSV: an integer beyond 2^53 in a float column is a ParseError naming file, line and column',
    async () => {
      const file = tmp();
      fs.writeFileSync(file, 'a,x\n1.5,p\n9007199254740993,q\n');
      // pandas reads the column as float64 and rounds the integer: the silent change refused here.
      const ref = reference(file, 'csv');
      expect(ref.a.pandas).toEqual(['1.5', '9007199254740992.0']);
      const e = await parseErrorOf(readCsv(file));
      expect([e.file, e.line]).toEqual([file, 3]);
      expect(e.message).toMatch(/column "a".*9007199254740993/);
      // Asked for float64, it is rounded as pandas rounds it.
      const rounded = await readCsv(file, { types: { a: 'float64' } });
      expect(rounded.column('a').toArray()).toEqual(ref.a.pandas.map(Number));
      expect(formatCsv(rounded)).toBe('a,x\n1.5,p\n9007199254740992,q\n');
    },
  );

  pandas.it(
    'JSON lines: integers as pandas reads them, ids beyond 2^53 exact, number arrays float64',
    async () => {
      const file = tmp();
      const lines = [
        '{"id": 9007199254740993, "n": 1, "big": 2147483648, "f": 0.1, "v": [16777217, 0.1], "nul": 5}',
        '{"id": -9007199254740993, "n": -2147483648, "big": -1, "f": 2, "v": [1, 2], "nul": null}',
        '{"id": 9007199254740995, "n": 2147483647, "big": 0, "f": -1.5, "v": [0.3, -16777219], "nul": -1}',
      ];
      fs.writeFileSync(file, `${lines.join('\n')}\n`);
      const ref = reference(file, 'json');
      const df = await readJsonLines(file);
      for (const name of ['id', 'n', 'big']) {
        expect([name, ref[name].dtype]).toEqual([name, 'int64']);
        expect([name, dtypeOf(df, name)]).toEqual([name, integerDType(ref[name].pandas)]);
        expect(texts(df, name)).toEqual(ref[name].pandas);
      }
      expect(ref.f.dtype).toBe('float64');
      expect(dtypeOf(df, 'f')).toBe('float64');
      expect(df.column('f').toArray()).toEqual(ref.f.pandas.map(Number));
      // pandas: float64 with NaN; Python's json: ints and None; here int32 with a null.
      expect(dtypeOf(df, 'nul')).toBe('int32');
      expect(texts(df, 'nul')).toEqual(ref.nul.python);
      // Number arrays: float64 tensors, every element as json.loads gives it.
      expect(dtypeOf(df, 'v')).toBe('tensor<float64>');
      expect(
        df
          .column('v')
          .toArray()
          .map((r) => Array.from(r as Float64Array)),
      ).toEqual((ref.v.python as unknown as string[][]).map((r) => r.map(Number)));
    },
  );

  pandas.it(
    'JSON lines → frame → JSON lines writes back exactly what was read (json.loads compares)',
    async () => {
      const file = tmp();
      fs.writeFileSync(
        file,
        '{"id": 9007199254740993, "f": 0.1, "v": [16777217, 0.1]}\n{"id": 1, "f": null, "v": [2, 3]}\n',
      );
      const out = tmp();
      await writeJsonLines(await readJsonLines(file), out);
      const same = python<boolean>(
        `import json, sys
a = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
b = [json.loads(l) for l in open(sys.argv[2]) if l.strip()]
print(json.dumps(a == b and all(type(x['id']) is int for x in b)))`,
        file,
        out,
      );
      expect(same).toBe(true);
    },
  );

  pandas.it(
    'JSON: an integer beyond 2^53 beside decimals is a ParseError on its line; float32 only when asked',
    async () => {
      const file = tmp();
      fs.writeFileSync(file, '{"a": 1.5}\n{"a": 2}\n{"a": 9007199254740993}\n');
      const ref = reference(file, 'json');
      expect(ref.a.pandas).toEqual(['1.5', '2.0', '9007199254740992.0']);
      const e = await parseErrorOf(readJsonLines(file));
      expect([e.file, e.line]).toEqual([file, 3]);
      expect(e.message).toMatch(/column "a".*9007199254740993/);
      const asked = await readJsonLines(file, { types: { a: 'float64' } });
      expect(asked.column('a').toArray()).toEqual(ref.a.pandas.map(Number));
      const arrays = tmp();
      fs.writeFileSync(arrays, '{"v": [16777217, 0.1]}\n');
      const f32 = await readJsonLines(arrays, { types: { v: { kind: 'tensor', dtype: 'float32' } } });
      expect(Array.from(f32.column('v').get(0) as Float32Array)).toEqual([16777216, Math.fround(0.1)]);
    },
  );
});

pandas.describe('JSON lines in batches', () => {
  pandas.it(
    'stream integers as int64, exact in every batch; a later integer a float64 column would round is refused on its line',
    async () => {
      const file = tmp();
      fs.writeFileSync(
        file,
        '{"id": 1, "x": 1.5}\n{"id": 2, "x": 2}\n{"id": 9007199254740993, "x": 3}\n{"id": 4, "x": 9007199254740993}\n',
      );
      const ids = python<string[]>(
        `import json, sys; print(json.dumps([str(json.loads(l)['id']) for l in open(sys.argv[1])]))`,
        file,
      );
      const got: string[] = [];
      for await (const b of readJsonLinesBatches(file, { batchRows: 2, columns: ['id'] })) {
        expect(dtypeOf(b, 'id')).toBe('int64');
        got.push(...texts(b, 'id').map(String));
      }
      expect(got).toEqual(ids);
      const e = await parseErrorOf(async () => {
        for await (const _ of readJsonLinesBatches(file, { batchRows: 2 }));
      });
      expect([e.file, e.line]).toEqual([file, 4]);
      expect(e.message).toMatch(/column "x".*9007199254740993/);
    },
  );
});

pandas.describe('tensor cells of CSV files (JSON text)', () => {
  /** Each cell of column v as Python's json.loads reads it, numbers as text. */
  const cells = (file: string) =>
    python<string[][]>(
      `import csv, json, sys; print(json.dumps([[str(x) for x in json.loads(r['v'])] for r in csv.DictReader(open(sys.argv[1], newline=''))]))`,
      file,
    );

  pandas.it('read as float64 (int64 for integers beyond 2^53) unless float32 is asked for', async () => {
    const file = tmp();
    fs.writeFileSync(file, 'v\n"[16777217, 0.1]"\n"[-3, 2.5]"\n');
    const df = await readCsv(file, { types: { v: 'tensor' } });
    expect(df.column('v').type).toEqual({ kind: 'tensor', dtype: 'float64', shape: [2] });
    expect(
      df
        .column('v')
        .toArray()
        .map((r) => Array.from(r as Float64Array)),
    ).toEqual(cells(file).map((r) => r.map(Number)));
    const ids = tmp();
    fs.writeFileSync(ids, 'v\n"[9007199254740993, 2]"\n"[-9007199254740993, 0]"\n');
    const exact = await readCsv(ids, { types: { v: 'tensor' } });
    expect(
      exact
        .column('v')
        .toArray()
        .map((r) => Array.from(r as BigInt64Array, String)),
    ).toEqual(cells(ids));
    const mixed = tmp();
    fs.writeFileSync(mixed, 'v\n"[1, 2]"\n"[9007199254740993, 0.5]"\n');
    const e = await parseErrorOf(readCsv(mixed, { types: { v: 'tensor' } }));
    expect([e.file, e.line]).toEqual([mixed, 3]);
    const f32 = await readCsv(file, { types: { v: { kind: 'tensor', dtype: 'float32' } } });
    expect(Array.from(f32.column('v').get(0) as Float32Array)).toEqual([16777216, Math.fround(0.1)]);
  });
});

describe('sums of int32 columns', () => {
  pandas.it('do not overflow (pandas sums int64)', async () => {
    const file = tmp();
    fs.writeFileSync(file, 'g,a\nx,2147483647\nx,2147483647\ny,-2147483648\ny,-2147483648\n');
    const ref = python<{ total: number; groups: Record<string, number> }>(
      `import sys, json, pandas as pd
df = pd.read_csv(sys.argv[1])
print(json.dumps({'total': int(df['a'].sum()), 'groups': {k: int(v) for k, v in df.groupby('g')['a'].sum().items()}}))`,
      file,
    );
    const df = await readCsv(file);
    expect(df.column('a')).toBeInstanceOf(ScalarColumn);
    expect(dtypeOf(df, 'a')).toBe('int32');
    expect(df.aggregate({ total: ['a', 'sum'] }).total).toBe(ref.total);
    const groups = df.groupby('g').agg({ s: ['a', 'sum'] });
    expect(Object.fromEntries(groups.toRecords().map((r) => [r.g, r.s]))).toEqual(ref.groups);
  });
});
