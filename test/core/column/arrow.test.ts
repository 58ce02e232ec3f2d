import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { columnFromArrow, SHAPE_KEY } from '../../../src/core/column/arrow.js';
import { TensorColumn } from '../../../src/core/column/tensor.js';

const list = (size: number, item: arrow.DataType) =>
  new arrow.FixedSizeList(size, new arrow.Field('item', item, true));

describe('columnFromArrow: FixedSizeList', () => {
  it('wraps a list of numbers as a tensor column sharing the child values, null rows kept', () => {
    const vector = arrow.vectorFromArray([[1, 2], null, [3, 4]], list(2, new arrow.Float32()));
    const col = columnFromArrow(vector);
    expect(col).toBeInstanceOf(TensorColumn);
    const t = col as TensorColumn;
    expect(t.dtype).toBe('float32');
    expect(t.data.buffer).toBe(vector.data[0].children[0].values.buffer);
    expect(t.toArray().map((r) => (r === null ? null : Array.from(r as ArrayLike<number>)))).toEqual([
      [1, 2],
      null,
      [3, 4],
    ]);
  });

  it('reads lists of booleans as values, not as their bit-packed bytes', () => {
    const vector = arrow.vectorFromArray(
      [
        [true, false],
        [false, true],
      ],
      list(2, new arrow.Bool()),
    );
    const col = columnFromArrow(vector);
    expect(col).not.toBeInstanceOf(TensorColumn);
    expect(col.toArray().map((r) => Array.from(r as ArrayLike<boolean>))).toEqual([
      [true, false],
      [false, true],
    ]);
  });

  it('takes the row shape from the field metadata only when it holds the list size', () => {
    const vector = arrow.vectorFromArray([[1, 2, 3, 4]], list(4, new arrow.Float64()));
    const field = (shape: string) => new arrow.Field('x', vector.type, true, new Map([[SHAPE_KEY, shape]]));
    expect((columnFromArrow(vector, field('[2,2]')) as TensorColumn).shape).toEqual([2, 2]);
    expect((columnFromArrow(vector, field('[3,2]')) as TensorColumn).shape).toEqual([4]);
  });
});
