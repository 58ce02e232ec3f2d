/**
 * Decimation of 1-D tensors to min/max per bucket: a sparkline's pixel columns in the app, and the
 * preview a row window sends instead of a tensor column's full values (`preview=N` on the window
 * routes): per row, N buckets of [min, max], so a 512-d embedding travels as 2N float32 numbers.
 * Drawing the preview's [min, max] pairs draws the same envelope as the full values at up to N
 * pixel columns.
 */
import { TensorColumn } from '../column/tensor.js';

/** Per pixel column, the least and greatest finite value of the values that fall in it. */
export interface Decimated {
  min: Float64Array;
  max: Float64Array;
}

/**
 * The values in `c = min(width, n)` columns: value i falls in column ⌊i·c/n⌋, and each column keeps
 * the min and max of its values (NaN where none is finite), so a sparkline of any length costs `width` line segments
 * and still shows every spike.
 */
export function decimate(values: ArrayLike<number>, width: number): Decimated {
  const n = values.length;
  const columns = Math.max(0, Math.min(Math.floor(width), n));
  const min = new Float64Array(columns).fill(Number.NaN);
  const max = new Float64Array(columns).fill(Number.NaN);
  for (let p = 0; p < columns; p++) {
    const end = firstOf(p + 1, n, columns);
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let i = firstOf(p, n, columns); i < end; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (lo <= hi) {
      min[p] = lo;
      max[p] = hi;
    }
  }
  return { min, max };
}

/** The first of n inputs that falls in bin p of c (input i falls in bin ⌊i·c/n⌋): ⌈p·n/c⌉. */
export function firstOf(p: number, n: number, c: number): number {
  return Math.ceil((p * n) / c);
}

/**
 * `column`'s rows as `buckets` [min, max] pairs each (float32, shape [2·buckets]; a bucket with no
 * finite value gives NaN, NaN); nulls stay null. Only for 1-D tensors longer than 2·buckets, where
 * it is smaller; others come back as they are.
 */
export function tensorPreview(column: TensorColumn, buckets: number): TensorColumn {
  const width = column.shape.length === 1 ? column.shape[0] : 0;
  if (width <= 2 * buckets) return column;
  const n = column.length;
  const out = new Float32Array(n * 2 * buckets);
  for (let i = 0; i < n; i++) {
    const raw = column.data.subarray(i * width, (i + 1) * width);
    const row = raw instanceof BigInt64Array ? Float64Array.from(raw, Number) : (raw as ArrayLike<number>);
    const { min, max } = decimate(row, buckets);
    for (let b = 0; b < buckets; b++) {
      out[(i * buckets + b) * 2] = min[b];
      out[(i * buckets + b) * 2 + 1] = max[b];
    }
  }
  return new TensorColumn(out, [2 * buckets], n, column.validity);
}
