import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandParams, expandTemplate } from '../../../../src/core/column/registry.js';
import { registerFrameWriter } from '../../../../src/core/frame/writer.js';
import {
  ColumnNotFoundError,
  type column,
  DataFrame,
  DeferredColumn,
  FunctionNotRegisteredError,
  InvalidArgumentError,
  MissingVariableError,
  ObjectColumn,
  read,
  registeredColumn,
  registerFunction,
  ScalarColumn,
  type ScalarDType,
  TensorColumn,
  UnsupportedError,
  unregisterFunction,
  write,
} from '../../../../src/index.js';
import { arbFrame, plainRows } from '../../../helpers/arbitrary.js';
import { plainRecords, tempDatasets } from './helpers.js';

const dataset = tempDatasets('tessera-roundtrip-');
const fast = { fsync: false };
/** A path template, as a user writes it (not a JavaScript template). */
const TEMPLATE = ['$', '{TESSERA_TEST_ROOT}/images'].join('');

const SCALARS: [ScalarDType, unknown[]][] = [
  ['float64', [1.5, null, -0, Number.NaN, Number.POSITIVE_INFINITY, 1e300]],
  ['float32', [1.5, null, -2.25, 0, 3, 1024]],
  ['int32', [1, null, -(2 ** 31), 2 ** 31 - 1, 0, 7]],
  ['int64', [1n, null, -(2n ** 63n), 2n ** 63n - 1n, 0n, 7n]],
  ['uint8', [0, null, 255, 1, 2, 3]],
  ['bool', [true, null, false, true, true, false]],
  ['string', ['a', null, '', 'é😀', 'line\nbreak', 'x'.repeat(100)]],
  [
    'date',
    [new Date(0), null, new Date(86_400_000 * 19_000), new Date(-86_400_000), new Date(0), new Date(0)],
  ],
  ['timestamp', [new Date(1), null, new Date(1.7e12), new Date(-5), new Date(0), new Date(2 ** 40)]],
];

function everyKind(): DataFrame {
  const cols: Record<string, ReturnType<typeof column>> = {};
  for (const [dtype, values] of SCALARS) cols[dtype] = ScalarColumn.from(values, dtype);
  cols.vec = TensorColumn.fromRows(
    [[1, 2, 3, 4, 5, 6], null, [0, 0, 0, 0, 0, 1], null, [6, 5, 4, 3, 2, 1], [9, 9, 9, 9, 9, 9]],
    'float32',
    [2, 3],
  );
  cols.f64 = TensorColumn.fromRows(
    [[1, 2, 3, 4], [5, 6, 7, 8], null, [0.5, 0.25, 1e-300, -1], [1, 1, 1, 1], [2, 2, 2, 2]],
    'float64',
    [4],
  );
  cols.i32 = TensorColumn.fromRows(
    Array.from({ length: 6 }, (_, i) => Array.from({ length: 8 }, (_, k) => i * 8 - k)),
    'int32',
    [2, 2, 2],
  );
  cols.u8 = TensorColumn.fromRows(
    [[1, 2, 3], [255, 0, 1], [4, 5, 6], [7, 8, 9], null, [0, 0, 0]],
    'uint8',
    [3],
  );
  cols.point = new TensorColumn(new Float32Array([1, 2, 3, 4, 5, 6]), [], 6);
  cols.obj = new ObjectColumn([
    { a: 1, b: [1, 2, { c: 'x' }] },
    null,
    'text',
    [1, 'two', null],
    42,
    { nested: { deep: true } },
  ]);
  return new DataFrame(cols);
}

describe('write and read', () => {
  it('round-trips every scalar dtype, tensor dtype and shape, and object values, with nulls', async () => {
    const df = everyKind();
    const p = dataset();
    const result = await write(df, p, fast);
    expect(result.version).toBe(1);
    expect(result.length).toBe(6);
    const back = await read(p);
    expect(back.schema).toEqual(df.schema);
    expect(plainRecords(back.toRecords())).toEqual(plainRecords(df.toRecords()));
    // Concrete column kinds come back, with validity where there were nulls.
    expect(back.column('float64')).toBeInstanceOf(ScalarColumn);
    expect(back.column<TensorColumn>('vec').shape).toEqual([2, 3]);
    expect(back.column<TensorColumn>('vec').nullCount).toBe(2);
    expect(back.column<TensorColumn>('point').shape).toEqual([]);
    expect(Object.is(back.column('float64').get(2), -0)).toBe(true);
  });

  it('round-trips empty frames, keeping column types', async () => {
    const empty = everyKind().head(0);
    const p = dataset();
    await write(empty, p, fast);
    const back = await read(p);
    expect(back.length).toBe(0);
    expect(back.schema).toEqual(empty.schema);
    for (const name of back.columnNames) expect(back.column(name).length).toBe(0);
    const none = dataset();
    await write(new DataFrame(), none, fast);
    expect((await read(none)).columnNames).toEqual([]);
  });

  it('round-trips random frames (property)', async () => {
    await fc.assert(
      fc.asyncProperty(arbFrame(), async ({ frame }) => {
        const p = dataset('prop');
        await write(frame, p, fast);
        const back = await read(p);
        expect(back.schema).toEqual(frame.schema);
        expect(plainRows(back)).toEqual(plainRows(frame));
        fs.rmSync(p, { recursive: true });
      }),
      { numRuns: 25 },
    );
  });

  it('writes views in their row order, and keeps the primary key', async () => {
    const df = new DataFrame({ id: ['c', 'a', 'b', 'd'], v: [3, 1, 2, 4] }).setPrimaryKey('id');
    const view = df.sort('v', { descending: true }).slice(0, 3);
    const p = dataset();
    await df.write(p, fast); // df.write is registered by the Node entry point
    await view.write(p, fast);
    const back = await read(p);
    expect(back.primaryKey).toBe('id');
    expect(back.toRecords()).toEqual([
      { id: 'd', v: 4 },
      { id: 'c', v: 3 },
      { id: 'b', v: 2 },
    ]);
    expect(back.loc('b')).toEqual({ id: 'b', v: 2 });
  });

  it('reads a chosen subset of columns, in the order asked', async () => {
    const p = dataset();
    await write(new DataFrame({ a: [1, 2], b: ['x', 'y'], c: [true, false] }), p, fast);
    const back = await read(p, { columns: ['c', 'a'] });
    expect(back.columnNames).toEqual(['c', 'a']);
    expect(back.toRecords()).toEqual([
      { c: true, a: 1 },
      { c: false, a: 2 },
    ]);
    await expect(read(p, { columns: ['a', 'bb'] })).rejects.toThrow(ColumnNotFoundError);
  });

  it('df.write without the Node writer registered (the browser) is a clear error', async () => {
    registerFrameWriter(null);
    try {
      expect(() => new DataFrame({ a: [1] }).write(dataset())).toThrow(UnsupportedError);
      expect(() => new DataFrame({ a: [1] }).write(dataset())).toThrow(/Node entry point/);
    } finally {
      registerFrameWriter(write);
    }
  });

  it('refuses a directory that holds other files', async () => {
    const p = dataset();
    fs.mkdirSync(p);
    fs.writeFileSync(path.join(p, 'notes.txt'), 'mine');
    await expect(write(new DataFrame({ a: [1] }), p, fast)).rejects.toThrow(
      /holds other files \(notes\.txt\)/,
    );
  });

  it('re-writes a frame read from a dataset (lazy columns load as they are written)', async () => {
    const p = dataset();
    const q = dataset();
    await write(everyKind(), p, fast);
    await write(await read(p), q, fast);
    expect(plainRecords((await read(q)).toRecords())).toEqual(plainRecords(everyKind().toRecords()));
  });
});

describe('deferred columns', () => {
  registerFunction(
    'test.scale',
    ({ by }) =>
      (x: number | null) =>
        x === null ? null : x * (by as number),
  );
  registerFunction(
    'test.sumBatch',
    () => (xs: (number | null)[], ys: (number | null)[]) => xs.map((x, i) => (x ?? 0) + (ys[i] ?? 0)),
    { batched: true },
  );
  registerFunction(
    'test.path',
    ({ baseDir }) =>
      (name: string) =>
        `${baseDir as string}/${name}`,
    { media: 'image' },
  );

  it('stores a deferred column as function name, parameters and inputs, and computes it after reading', async () => {
    const base = new DataFrame({ x: [1, 2, null, 4], y: [10, 20, 30, 40] });
    const df = base
      .withColumn('scaled', registeredColumn('test.scale', [base.column('x')], { by: 3 }))
      .withColumn('sum', registeredColumn('test.sumBatch', [base.column('x'), base.column('y')]));
    // A chain: a deferred column of a deferred column.
    const chained = df.withColumn('twice', registeredColumn('test.scale', [df.column('scaled')], { by: 2 }));
    const p = dataset();
    await write(chained, p, fast);
    const manifest = JSON.parse(fs.readFileSync(path.join(p, 'manifest.json'), 'utf8'));
    const entry = manifest.columns.find((c: { name: string }) => c.name === 'twice');
    expect(entry).toMatchObject({
      type: { kind: 'deferred' },
      deferred: { function: 'test.scale', params: { by: 2 }, inputs: ['scaled'] },
    });
    expect(manifest.columns.find((c: { name: string }) => c.name === 'sum').deferred.batched).toBe(true);
    // No data files for deferred columns.
    expect(fs.readdirSync(path.join(p, 'data')).some((f) => /-(scaled|sum|twice)-/.test(f))).toBe(false);
    const back = await read(p);
    expect(back.column('scaled')).toBeInstanceOf(DeferredColumn);
    expect(back.column('scaled').toArray()).toEqual([3, 6, null, 12]);
    expect(back.column('sum').toArray()).toEqual([11, 22, 30, 44]);
    expect(back.column('twice').toArray()).toEqual([6, 12, null, 24]);
    expect(back.take([3, 0]).column('twice').toArray()).toEqual([24, 6]);
  });

  it('stores deferred columns of a view by input name (DataFrame.defer)', async () => {
    registerFunction('test.neg', () => (x: number) => -x);
    const df = new DataFrame({ x: [1, 2, 3] }).defer('n', ['x'], (x: number) => -x, { name: 'test.neg' });
    const p = dataset();
    await write(df.take([2, 0]), p, fast);
    expect((await read(p)).toRecords()).toEqual([
      { x: 3, n: -3 },
      { x: 1, n: -1 },
    ]);
  });

  it('rejects a deferred column without a registered name, unless asked to materialize it', async () => {
    const df = new DataFrame({ x: [1, 2] }).defer('y', ['x'], (x: number) => x + 1);
    const p = dataset();
    await expect(write(df, p, fast)).rejects.toThrow(InvalidArgumentError);
    await expect(write(df, p, fast)).rejects.toThrow(/registeredColumn|materialize: true/);
    await write(df, p, { ...fast, materialize: true });
    const back = await read(p);
    expect(back.schema.map((f) => f.type.kind)).toEqual(['scalar', 'scalar']);
    expect(back.column('y').toArray()).toEqual([2, 3]);
  });

  it('reads a column whose function is not registered as a column that fails clearly on access', async () => {
    registerFunction('test.temporary', () => (x: number) => x * 100);
    const base = new DataFrame({ x: [1, 2] });
    const p = dataset();
    await write(base.withColumn('t', registeredColumn('test.temporary', [base.column('x')])), p, fast);
    unregisterFunction('test.temporary');
    const back = await read(p); // opening works
    expect(back.column('x').toArray()).toEqual([1, 2]);
    expect(() => back.column('t')).toThrow(FunctionNotRegisteredError);
    expect(() => back.column('t')).toThrow(/"test\.temporary", which is not registered.*registerFunction/);
    expect(() => back.row(0)).toThrow(FunctionNotRegisteredError);
    // Registering it later makes the same frame work: nothing from the dataset was ever run.
    registerFunction('test.temporary', () => (x: number) => x * 100);
    expect(back.column('t').toArray()).toEqual([100, 200]);
  });

  it('expands only braced variable names in path templates', () => {
    // Written with % for $ so that no JavaScript template syntax appears in the source.
    const t = (text: string) => text.replaceAll('%', '$');
    const env = { A: '/a', B_2: 'b' };
    expect(expandTemplate(t('%{A}/x/%{B_2}/$HOME/$'), env)).toBe('/a/x/b/$HOME/$');
    expect(() => expandTemplate(t('%{1bad}'), env)).toThrow(InvalidArgumentError);
    expect(() => expandTemplate(t('%{MISSING}/x'), env)).toThrow(MissingVariableError);
    expect(expandParams({ baseDir: t('%{A}/img'), other: t('%{A}') }, env)).toEqual({
      baseDir: '/a/img',
      other: t('%{A}'),
    });
  });

  it('keeps path templates unexpanded in the manifest and expands them from the environment at read', async () => {
    const names = new DataFrame({ file: ['a.png', 'b.png'] });
    const env = { TESSERA_TEST_ROOT: '/mnt/one' };
    const df = names.withColumn(
      'image',
      registeredColumn('test.path', [names.column('file')], { baseDir: TEMPLATE }, { env }),
    );
    expect(df.column('image').toArray()).toEqual(['/mnt/one/images/a.png', '/mnt/one/images/b.png']);
    expect(df.schema[1].type).toEqual({ kind: 'deferred', media: 'image' });
    const p = dataset();
    await write(df, p, fast);
    expect(fs.readFileSync(path.join(p, 'manifest.json'), 'utf8')).toContain(TEMPLATE);
    const moved = await read(p, { env: { TESSERA_TEST_ROOT: '/data/two' } });
    expect(moved.schema[1].type).toEqual({ kind: 'deferred', media: 'image' });
    expect(moved.column('image').toArray()).toEqual(['/data/two/images/a.png', '/data/two/images/b.png']);
    process.env.TESSERA_TEST_ROOT = '/from/process';
    try {
      expect((await read(p)).column('image').get(0)).toBe('/from/process/images/a.png');
    } finally {
      delete process.env.TESSERA_TEST_ROOT;
    }
    // Without the variable only computing the column's rows fails; the frame still opens and prints.
    const missing = await read(p);
    expect(() => missing.column('image').get(0)).toThrow(MissingVariableError);
    expect(() => missing.column('image').get(0)).toThrow(/needs the environment variable TESSERA_TEST_ROOT/);
  });
});

describe('store boundaries (fixed examples beside the property test)', () => {
  it('tensor data at the 4 KiB checksum block: 1, 255, 256, 257, 512, 513 rows of 16 bytes, whole and by range', async () => {
    for (const n of [1, 255, 256, 257, 512, 513]) {
      const rows = Array.from({ length: n }, (_, i) => (i % 97 === 5 ? null : [i, -i, i / 4, 2 ** 20 + i]));
      const p = dataset('blocks');
      await write(new DataFrame({ v: TensorColumn.fromRows(rows, 'float32', [4]) }), p, fast);
      const back = (await read(p)).column<TensorColumn>('v');
      const plain = (r: ArrayLike<number | bigint> | null) => (r === null ? null : Array.from(r));
      expect(back.toArray().map(plain), `n=${n}`).toEqual(rows);
      const from = Math.max(0, n - 260);
      expect(back.slice(from, n).toArray().map(plain)).toEqual(rows.slice(from, n));
      expect(
        back
          .take([n - 1, 0])
          .toArray()
          .map(plain),
      ).toEqual([rows[n - 1], rows[0]]);
    }
  });

  it('tensor rows larger than a checksum block (4100 bytes each), 1 and 3 rows', async () => {
    for (const n of [1, 3]) {
      const rows = Array.from({ length: n }, (_, i) => Array.from({ length: 1025 }, (_, k) => i * 1025 + k));
      const p = dataset('wide');
      await write(new DataFrame({ v: TensorColumn.fromRows(rows, 'float32', [1025]) }), p, fast);
      const back = (await read(p)).column<TensorColumn>('v');
      expect(back.toArray().map((r) => Array.from(r as Float32Array))).toEqual(rows);
      expect(Array.from(back.get(n - 1) as Float32Array)).toEqual(rows[n - 1]);
    }
  });

  it('validity at 7, 8, 9, 63, 64, 65 rows, with empty, NUL and multi-byte strings', async () => {
    for (const n of [7, 8, 9, 63, 64, 65]) {
      const s = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? null : ['', '\u0000', 'é', '😀x'][i % 4]));
      const b = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? null : i % 2 === 0));
      const x = Array.from({ length: n }, (_, i) => (i % 7 === 6 ? null : BigInt(i) - 2n ** 63n));
      const p = dataset('bits');
      await write(
        new DataFrame({
          s: ScalarColumn.from(s, 'string'),
          b: ScalarColumn.from(b, 'bool'),
          x: ScalarColumn.from(x, 'int64'),
        }),
        p,
        fast,
      );
      const back = await read(p);
      expect(back.column('s').toArray(), `n=${n}`).toEqual(s);
      expect(back.column('b').toArray()).toEqual(b);
      expect(back.column('x').toArray()).toEqual(x);
      expect(back.column('s').nullCount).toBe(s.filter((v) => v === null).length);
    }
  });
});
