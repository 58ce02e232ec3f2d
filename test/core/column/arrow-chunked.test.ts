import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { KIND_KEY } from '../../../src/core/column/arrow.js';
import { TensorColumn } from '../../../src/core/column/tensor.js';
import { DataFrame } from '../../../src/core/frame/frame.js';

/**
 * Tables of several record batches, built from plain JavaScript arrays; `DataFrame.fromArrow` must
 * give back exactly those arrays, for every column kind it reads, nulls included.
 */

const BATCHES = [5, 1, 9, 0, 12];
const total = BATCHES.reduce((a, b) => a + b, 0);

/** The rows of each batch, as index ranges into arrays of `total` values. */
function ranges(): [number, number][] {
  let start = 0;
  return BATCHES.map((n) => {
    const r: [number, number] = [start, start + n];
    start += n;
    return r;
  });
}

/** A table with one column `x` of `values` split into BATCHES, each batch built on its own. */
function chunkedTable(values: unknown[], type: arrow.DataType, metadata?: Map<string, string>): arrow.Table {
  const field = new arrow.Field('x', type, true, metadata);
  const schema = new arrow.Schema([field]);
  const batches = ranges().map(([a, b]) => {
    const data = arrow.vectorFromArray(values.slice(a, b), type).data[0];
    const struct = arrow.makeData({
      type: new arrow.Struct([field]),
      length: b - a,
      nullCount: 0,
      children: [data],
    });
    return new arrow.RecordBatch(schema, struct);
  });
  return new arrow.Table(schema, batches);
}

const nullEvery = <T>(k: number, f: (i: number) => T): (T | null)[] =>
  Array.from({ length: total }, (_, i) => (i % k === 1 ? null : f(i)));

const day = 86_400_000;
const scalarCases: [string, arrow.DataType, unknown[]][] = [
  ['float64', new arrow.Float64(), nullEvery(4, (i) => i * 0.25 - 3)],
  ['float32', new arrow.Float32(), nullEvery(3, (i) => i / 2)],
  ['int32', new arrow.Int32(), nullEvery(5, (i) => i * 1000 - 7)],
  ['int64', new arrow.Int64(), nullEvery(4, (i) => BigInt(i) * 10_000_000_000n)],
  ['uint8', new arrow.Uint8(), nullEvery(6, (i) => (i * 37) % 256)],
  ['bool', new arrow.Bool(), nullEvery(3, (i) => i % 2 === 0)],
  ['string', new arrow.Utf8(), nullEvery(4, (i) => (i % 5 === 0 ? '' : `row ${i} é ✓`))],
  ['date', new arrow.DateDay(), nullEvery(5, (i) => new Date((18_000 + i) * day))],
  [
    'timestamp',
    new arrow.TimestampMillisecond(),
    nullEvery(3, (i) => new Date(1_700_000_000_000 + i * 1234)),
  ],
];

describe('DataFrame.fromArrow of a table of several record batches', () => {
  it('builds the test tables with several chunks, one empty', () => {
    const t = chunkedTable(scalarCases[0][2], scalarCases[0][1]);
    expect(t.batches.map((b) => b.numRows)).toEqual(BATCHES);
    expect(t.getChild('x')!.data.length).toBe(BATCHES.length);
  });

  for (const [dtype, type, values] of scalarCases) {
    it(`reads ${dtype} values and nulls across chunks`, () => {
      const df = DataFrame.fromArrow(chunkedTable(values, type));
      expect(df.length).toBe(total);
      expect(df.column('x').type).toEqual({ kind: 'scalar', dtype });
      expect(df.column('x').toArray()).toEqual(values);
    });

    it(`reads ${dtype} values of a table sliced across chunk boundaries`, () => {
      const sliced = chunkedTable(values, type).slice(3, total - 2);
      expect(sliced.getChild('x')!.data.length).toBeGreaterThan(1);
      expect(DataFrame.fromArrow(sliced).column('x').toArray()).toEqual(values.slice(3, total - 2));
    });
  }

  const list = (size: number, item: arrow.DataType) =>
    new arrow.FixedSizeList(size, new arrow.Field('item', item, true));
  const toLists = (rows: unknown[]) =>
    rows.map((r) => (r === null ? null : Array.from(r as ArrayLike<number>)));

  it('reads fixed-size lists of numbers as one tensor column, null rows kept', () => {
    const values = nullEvery(4, (i) => [i, -i, i / 4]);
    const col = DataFrame.fromArrow(chunkedTable(values, list(3, new arrow.Float32()))).column('x');
    expect(col).toBeInstanceOf(TensorColumn);
    expect((col as TensorColumn).shape).toEqual([3]);
    expect(toLists(col.toArray())).toEqual(values);
  });

  it('reads lists with a null inside one row of one chunk as values, every chunk the same way', () => {
    const values: unknown[] = nullEvery(4, (i) => [i, i + 1]);
    values[total - 3] = [7, null];
    const col = DataFrame.fromArrow(chunkedTable(values, list(2, new arrow.Int32()))).column('x');
    expect(col.length).toBe(total);
    expect(col.toArray().map((r) => (r === null ? null : Array.from(r as ArrayLike<unknown>)))).toEqual(
      values,
    );
  });

  it('reads object columns (JSON text marked in the field metadata) across chunks', () => {
    const objects = nullEvery(3, (i) => ({ id: i, tags: ['a', String(i)], nested: { ok: i % 2 === 0 } }));
    const json = objects.map((o) => (o === null ? null : JSON.stringify(o)));
    const table = chunkedTable(json, new arrow.Utf8(), new Map([[KIND_KEY, 'object']]));
    const col = DataFrame.fromArrow(table).column('x');
    expect(col.kind).toBe('object');
    expect(col.toArray()).toEqual(objects);
  });

  it('reads types converted through JavaScript values (int16) across chunks', () => {
    const values = nullEvery(4, (i) => i * 100 - 500);
    const col = DataFrame.fromArrow(chunkedTable(values, new arrow.Int16())).column('x');
    expect(col.toArray()).toEqual(values);
  });

  it('reads a table of several columns and batches built with tableFromArrays', () => {
    // (tableFromArrays makes an empty table without children, which Arrow JS cannot concatenate)
    const parts = ranges()
      .filter(([a, b]) => b > a)
      .map(([a, b]) =>
        arrow.tableFromArrays({
          f: Float64Array.from({ length: b - a }, (_, k) => (a + k) * 1.5),
          i: Int32Array.from({ length: b - a }, (_, k) => a + k - 10),
        }),
      );
    const table = parts.slice(1).reduce((t, part) => t.concat(part), parts[0]);
    expect(table.batches.length).toBe(BATCHES.filter((n) => n > 0).length);
    const df = DataFrame.fromArrow(table);
    expect(df.column('f').toArray()).toEqual(Array.from({ length: total }, (_, i) => i * 1.5));
    expect(df.column('i').toArray()).toEqual(Array.from({ length: total }, (_, i) => i - 10));
  });
});
