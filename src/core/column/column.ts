import { IndexOutOfRangeError } from '../errors.js';
import type { ColumnType } from './types.js';

/** Indices to gather; `-1` gathers a null (used by outer joins for unmatched rows). */
export type Indices = Int32Array | Uint32Array | readonly number[];

/** The row indices `[start, start + 1, ..., end - 1]`. */
export function rowRange(start: number, end: number): Int32Array {
  const out = new Int32Array(Math.max(0, end - start));
  for (let i = 0; i < out.length; i++) out[i] = start + i;
  return out;
}

/**
 * An immutable sequence of values of one kind. Subclasses hold the storage; all share this
 * contract so frame operations can move rows of any kind.
 */
export abstract class Column<T = unknown> {
  abstract readonly type: ColumnType;
  abstract readonly length: number;

  get kind(): ColumnType['kind'] {
    return this.type.kind;
  }

  /** The value at row `i`, or `null`. Negative `i` counts from the end. */
  get(i: number): T | null {
    return this.getUnchecked(this.checkIndex(i));
  }

  /** The value at a row known to be in range (no bounds check). */
  abstract getUnchecked(i: number): T | null;

  abstract isNull(i: number): boolean;

  /** Number of null rows. */
  abstract get nullCount(): number;

  /** A new column with the rows at `indices`, in that order; index -1 gives a null. */
  abstract take(indices: Indices): Column<T>;

  /** Rows `[start, end)`: a zero-copy view where the storage allows it. */
  slice(start = 0, end = this.length): Column<T> {
    const [s, e] = this.sliceRange(start, end);
    return this.take(rowRange(s, e));
  }

  /** A short text for one cell, for printouts (e.g. `3.14`, `"cat"`, `<tensor 512>`). */
  abstract format(i: number): string;

  /** All values as a plain array (nulls as `null`). */
  toArray(): (T | null)[] {
    const out = new Array<T | null>(this.length);
    for (let i = 0; i < this.length; i++) out[i] = this.getUnchecked(i);
    return out;
  }

  *[Symbol.iterator](): IterableIterator<T | null> {
    for (let i = 0; i < this.length; i++) yield this.getUnchecked(i);
  }

  /** `[start, end)` with negative positions counted from the end, clamped to the rows (`s <= e`). */
  protected sliceRange(start: number, end: number): [s: number, e: number] {
    const s = Math.max(0, Math.min(this.length, start < 0 ? this.length + start : start));
    const e = Math.max(s, Math.min(this.length, end < 0 ? this.length + end : end));
    return [s, e];
  }

  protected checkIndex(i: number): number {
    const j = i < 0 ? this.length + i : i;
    if (!Number.isInteger(j) || j < 0 || j >= this.length) throw new IndexOutOfRangeError(i, this.length);
    return j;
  }
}
