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
});
