/**
 * What the tensor views draw, as plain numbers: a cell's values, their statistics, min/max per
 * pixel column for a sparkline, and the first 2-D slice of a tensor for a heatmap, averaged down to
 * at most the pixels it is drawn on. Drawing a 512-d embedding costs one pass over its values.
 */

import { firstOf } from '../../../src/core/app/tensor-preview.js';

/** The numbers of a tensor cell: an Arrow vector (a FixedSizeList row), a typed array or an array. */
export function tensorValues(value: unknown): ArrayLike<number> | null {
  if (value === null || value === undefined) return null;
  let v: unknown = value;
  if (typeof v === 'object' && v !== null && 'toArray' in v && typeof v.toArray === 'function')
    v = v.toArray();
  if (v instanceof BigInt64Array || v instanceof BigUint64Array) return Float64Array.from(v, Number);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return v as unknown as ArrayLike<number>;
  // Computed cells send non-finite numbers as the strings "NaN", "Infinity", "-Infinity".
  if (Array.isArray(v)) return Float64Array.from(v, (x) => (typeof x === 'number' ? x : Number(x)));
  return null;
}

/** `512 float32`, `28×28 uint8`: the shape of one row and its dtype. */
export function shapeLabel(shape: readonly number[], dtype: string | undefined): string {
  return `${shape.join('×')}${dtype ? ` ${dtype}` : ''}`;
}

export interface TensorStats {
  min: number;
  max: number;
  mean: number;
  /** Values that are NaN or infinite, left out of min, max and mean. */
  nonFinite: number;
}

/** Min, max and mean of the finite values (NaN for all three when there are none). */
export function tensorStats(values: ArrayLike<number>): TensorStats {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    n++;
  }
  return n === 0
    ? { min: Number.NaN, max: Number.NaN, mean: Number.NaN, nonFinite: values.length }
    : { min, max, mean: sum / n, nonFinite: values.length - n };
}

// Min/max per pixel column: one home in the core, where the server's window previews use it too.
export { type Decimated, decimate } from '../../../src/core/app/tensor-preview.js';

/** A 2-D grid of numbers, row-major. */
export interface Grid {
  rows: number;
  cols: number;
  data: ArrayLike<number>;
}

/**
 * What a heatmap of a row of `shape` shows: the whole row for rank 2, for higher ranks its first 2-D
 * slice (index 0 along every leading axis, the last two axes); null for rank 0 or 1.
 */
export function firstSlice(
  values: ArrayLike<number>,
  shape: readonly number[],
): (Grid & { sliced: boolean }) | null {
  if (shape.length < 2) return null;
  const rows = shape[shape.length - 2];
  const cols = shape[shape.length - 1];
  const data =
    ArrayBuffer.isView(values) && 'subarray' in values
      ? (values as unknown as Float64Array).subarray(0, rows * cols)
      : Array.prototype.slice.call(values, 0, rows * cols);
  return { rows, cols, data, sliced: shape.length > 2 };
}

/** The text that says which slice a heatmap shows, e.g. `[0, :, :] of 3×28×28`. */
export function sliceLabel(shape: readonly number[]): string {
  const index = shape.map((_, k) => (k < shape.length - 2 ? '0' : ':'));
  return `[${index.join(', ')}] of ${shape.join('×')}`;
}

/**
 * `grid` averaged down to at most `maxRows` × `maxCols` cells (on each axis, input i falls in output
 * ⌊i·c/n⌋; non-finite values are left out, NaN where none is finite).
 * A grid that fits is returned as it is.
 */
export function downsample(grid: Grid, maxRows: number, maxCols: number): Grid {
  const outRows = Math.max(0, Math.min(grid.rows, Math.floor(maxRows)));
  const outCols = Math.max(0, Math.min(grid.cols, Math.floor(maxCols)));
  if (outRows === grid.rows && outCols === grid.cols) return grid;
  const data = new Float64Array(outRows * outCols);
  for (let pr = 0; pr < outRows; pr++) {
    const r0 = firstOf(pr, grid.rows, outRows);
    const r1 = firstOf(pr + 1, grid.rows, outRows);
    for (let pc = 0; pc < outCols; pc++) {
      const c0 = firstOf(pc, grid.cols, outCols);
      const c1 = firstOf(pc + 1, grid.cols, outCols);
      let sum = 0;
      let n = 0;
      for (let r = r0; r < r1; r++)
        for (let c = c0; c < c1; c++) {
          const v = grid.data[r * grid.cols + c];
          if (Number.isFinite(v)) {
            sum += v;
            n++;
          }
        }
      data[pr * outCols + pc] = n === 0 ? Number.NaN : sum / n;
    }
  }
  return { rows: outRows, cols: outCols, data };
}

/** Colour of `t` in [0, 1] on a viridis-like scale (dark blue → teal → yellow), as [r, g, b]. */
export function heatColor(t: number): [number, number, number] {
  const stops: [number, number, number][] = [
    [68, 1, 84],
    [59, 82, 139],
    [33, 145, 140],
    [94, 201, 98],
    [253, 231, 37],
  ];
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const [a, b] = [stops[i], stops[i + 1]];
  return [
    Math.round(a[0] + (b[0] - a[0]) * f),
    Math.round(a[1] + (b[1] - a[1]) * f),
    Math.round(a[2] + (b[2] - a[2]) * f),
  ];
}

/** A number as the views print it: up to 4 significant digits, NaN and ±Infinity by name. */
export function shortNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e6) return String(v);
  return Number(v.toPrecision(4)).toString();
}
