import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataFrame, DuplicateColumnError, ScalarColumn, TypeMismatchError } from '../../../src/index.js';
import { arbFrame, plainRows } from '../../helpers/arbitrary.js';

describe('sliceby', () => {
  const df = new DataFrame({
    night: [true, false, true, null, true],
    rain: [false, false, true, true, false],
    correct: [1, 0, 0, 1, 1],
    label: ['a', 'b', 'a', 'c', 'b'],
  });

  it('gives one view per bool column: the rows where it is true (null is false)', () => {
    const { slices } = df.sliceby(['night', 'rain']);
    expect([...slices.keys()]).toEqual(['night', 'rain']);
    expect(slices.get('night')!.column('label').toArray()).toEqual(['a', 'a', 'b']);
    expect(slices.get('rain')!.column('label').toArray()).toEqual(['a', 'c']);
    expect(df.sliceby('rain').sizes()).toEqual(new Map([['rain', 2]]));
  });

  it('aggregates every slice into one row: slice, size, outputs', () => {
    const out = df
      .sliceby(['night', 'rain'])
      .aggregate({ acc: ['correct', 'mean'], labels: ['label', 'nunique'] });
    expect(out.columnNames).toEqual(['slice', 'size', 'acc', 'labels']);
    expect(out.toRecords()).toEqual([
      { slice: 'night', size: 3, acc: 2 / 3, labels: 2 },
      { slice: 'rain', size: 2, acc: 0.5, labels: 2 },
    ]);
  });

  it('matches aggregate() on each slice, on random frames', () => {
    fc.assert(
      fc.property(arbFrame(['bool', 'int', 'str'], 20), ({ frame }) => {
        const withSlices = frame
          .withColumn(
            'neg',
            ScalarColumn.from(
              frame
                .column('int')
                .toArray()
                .map((v) => (v === null ? null : (v as number) < 0)),
              'bool',
            ),
          )
          .withColumn('all', ScalarColumn.from(new Array(frame.length).fill(true), 'bool'));
        const spec = { s: ['int', 'sum'], m: ['str', 'max'], u: ['int', 'nunique'] } as const;
        const result = withSlices.sliceby(['bool', 'neg', 'all']).aggregate(spec);
        const expected = ['bool', 'neg', 'all'].map((name) => {
          const slice = withSlices.mask(name);
          return { slice: name, size: slice.length, ...slice.aggregate(spec) };
        });
        expect(plainRows(result)).toEqual(expected);
      }),
      { numRuns: 100 },
    );
  });

  it('rejects columns that are not bool, and clashing output names', () => {
    expect(() => df.sliceby('label')).toThrow(TypeMismatchError);
    expect(() => df.sliceby('label')).toThrow(/slice column "label" is string/);
    expect(() => df.sliceby('night').aggregate({ size: ['correct', 'count'] })).toThrow(DuplicateColumnError);
  });

  /** Naive reference over plain rows: sum of no values is 0 (pandas), max null, count 0. */
  function naiveSlice(rows: { x: number | null; s: string | null }[], name: string) {
    const xs = rows.map((r) => r.x).filter((v) => v !== null) as number[];
    const ss = rows.map((r) => r.s).filter((v) => v !== null) as string[];
    return {
      slice: name,
      size: rows.length,
      sum: xs.reduce((a, b) => a + b, 0),
      max: ss.length ? [...ss].sort().at(-1) : null,
      count: xs.length,
      nunique: new Set(xs).size,
    };
  }
  const spec = {
    sum: ['x', 'sum'],
    max: ['s', 'max'],
    count: ['x', 'count'],
    nunique: ['x', 'nunique'],
  } as const;

  it('boundaries: a slice with no true rows (all false or null), a slice of every row, and 0 rows', () => {
    const rows = [
      { x: 1, s: 'a' },
      { x: null, s: null },
      { x: 2, s: 'b' },
    ];
    const frame = new DataFrame({
      none: ScalarColumn.from([false, null, false], 'bool'),
      nulls: ScalarColumn.from([null, null, null], 'bool'),
      every: ScalarColumn.from([true, true, true], 'bool'),
      x: ScalarColumn.from(
        rows.map((r) => r.x),
        'float64',
      ),
      s: ScalarColumn.from(
        rows.map((r) => r.s),
        'string',
      ),
    });
    expect(frame.sliceby(['none', 'nulls', 'every']).aggregate(spec).toRecords()).toEqual([
      naiveSlice([], 'none'),
      naiveSlice([], 'nulls'),
      naiveSlice(rows, 'every'),
    ]);
    expect(frame.sliceby('none').slices.get('none')!.length).toBe(0);
    expect(frame.head(0).sliceby(['every']).aggregate(spec).toRecords()).toEqual([naiveSlice([], 'every')]);
  });
});
