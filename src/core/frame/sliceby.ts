import type { Column } from '../column/column.js';
import { ScalarColumn } from '../column/scalar.js';
import { formatType } from '../column/types.js';
import { DuplicateColumnError, TypeMismatchError } from '../errors.js';
import { type AggregateSpec, reduceGroups } from './aggregate.js';
import type { DataFrame } from './frame.js';
import { createFrame } from './frame-factory.js';

/**
 * Slices of a frame, one per boolean column: the rows where that column is true (null counts as
 * false). Slices may overlap. Its main use is evaluating a metric per slice:
 *
 * ```ts
 * df.sliceby(['is_night', 'is_rainy']).aggregate({ acc: ['correct', 'mean'] });
 * // slice       size  acc
 * // "is_night"  120   0.81
 * // "is_rainy"   64   0.77
 * ```
 */
export interface SliceByResult {
  /** One view per boolean column: the rows where it is true, in the order the columns were given. */
  slices: Map<string, DataFrame>;
  /** Rows per slice. */
  sizes(): Map<string, number>;
  /**
   * One row per slice, in the order of the slices: `slice` (the column's name, string), `size`
   * (rows in the slice, int32), then one column per spec entry (see {@link AggregateSpec}).
   */
  aggregate(spec: AggregateSpec): DataFrame;
}

class SliceBy implements SliceByResult {
  readonly slices = new Map<string, DataFrame>();
  private readonly rows = new Map<string, Int32Array>();

  constructor(
    private readonly frame: DataFrame,
    columns: readonly string[],
  ) {
    for (const name of columns) {
      if (this.rows.has(name)) throw new DuplicateColumnError(`slice column "${name}" is given twice`);
      const rows = trueRows(frame.column(name), name);
      this.rows.set(name, rows);
      this.slices.set(name, frame.take(rows));
    }
  }

  sizes(): Map<string, number> {
    return new Map([...this.rows].map(([name, rows]) => [name, rows.length]));
  }

  aggregate(spec: AggregateSpec): DataFrame {
    for (const name of Object.keys(spec))
      if (name === 'slice' || name === 'size')
        throw new DuplicateColumnError(
          `output "${name}" clashes with the "${name}" column of the result; rename it`,
        );
    // All slices' rows laid end to end, with the slice number as group id: one pass per reducer.
    let total = 0;
    for (const rows of this.rows.values()) total += rows.length;
    const all = new Int32Array(total);
    const ids = new Int32Array(total);
    const sizes = new Int32Array(this.rows.size);
    let at = 0;
    let s = 0;
    for (const rows of this.rows.values()) {
      all.set(rows, at);
      ids.fill(s, at, at + rows.length);
      sizes[s++] = rows.length;
      at += rows.length;
    }
    const outputs = reduceGroups(this.frame.take(all), ids, this.rows.size, spec);
    const cols = new Map<string, Column>([
      ['slice', ScalarColumn.from([...this.rows.keys()], 'string')],
      ['size', new ScalarColumn('int32', sizes.length, { values: sizes })],
    ]);
    for (const [name, c] of outputs) cols.set(name, c);
    return createFrame(cols);
  }
}

/** Positions where a bool column is true (null is false). */
function trueRows(col: Column, name: string): Int32Array {
  if (!(col instanceof ScalarColumn) || col.dtype !== 'bool')
    throw new TypeMismatchError(
      `slice column "${name}" is ${formatType(col.type)}; sliceby needs bool columns (true = in the slice)`,
    );
  const bits = col.values as Uint8Array;
  const validity = col.validity;
  const out = new Int32Array(col.length);
  let m = 0;
  for (let i = 0; i < col.length; i++) {
    if ((bits[i >> 3] >> (i & 7)) & 1 && (validity === null || (validity[i >> 3] >> (i & 7)) & 1))
      out[m++] = i;
  }
  return out.slice(0, m);
}

/** One slice per boolean column of `df` (the rows where it is true); see {@link SliceByResult}. */
export function sliceby(df: DataFrame, columns: readonly string[]): SliceByResult {
  return new SliceBy(df, columns);
}
