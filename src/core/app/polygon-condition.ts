/**
 * The filter op `in polygon`: `{column, op: 'in polygon', value: [[x, y], …]}` keeps the rows whose
 * 2-D point lies inside the polygon: how the map's lasso or box selection filters the other views
 * (a polygon in layout coordinates travels, never a list of rows). `column` names either a layout
 * the map route computed for this frame (`<embedding>.map.<method>`, registered here) or a tensor
 * column whose rows are 2 numbers (a layout cached in a dataset reads back as one).
 */
import { TensorColumn } from '../column/tensor.js';
import { ColumnNotFoundError, TypeMismatchError } from '../errors.js';
import type { DataFrame } from '../frame/frame.js';
import { checkPolygon, pointsInPolygon } from '../layout/polygon.js';

const layouts = new WeakMap<DataFrame, Map<string, Float32Array>>();

/** Make the layout `name` (`x, y` per row of `frame`, in row order) usable by `in polygon`. */
export function registerLayoutPoints(frame: DataFrame, name: string, xy: Float32Array): void {
  const known = layouts.get(frame) ?? new Map<string, Float32Array>();
  known.set(name, xy);
  layouts.set(frame, known);
}

/** Make `from`'s layouts usable over `to` too (the same rows, a column added: slice discovery's clusters). */
export function copyLayoutPoints(from: DataFrame, to: DataFrame): void {
  const known = layouts.get(from);
  if (known === undefined) return;
  for (const [name, xy] of known) registerLayoutPoints(to, name, xy);
}

/** The mask of `frame`'s rows whose point of `column` lies inside the polygon `value`. */
export function polygonMask(frame: DataFrame, column: string, value: unknown): Uint8Array {
  const polygon = checkPolygon(value);
  return pointsInPolygon(layoutPoints(frame, column), polygon);
}

function layoutPoints(frame: DataFrame, name: string): ArrayLike<number> {
  const registered = layouts.get(frame)?.get(name);
  if (registered !== undefined) return registered;
  if (!frame.has(name)) {
    const layoutsKnown = [...(layouts.get(frame)?.keys() ?? [])];
    throw new ColumnNotFoundError(name, [...layoutsKnown, ...frame.columnNames]);
  }
  const col = frame.column(name);
  if (
    !(col instanceof TensorColumn) ||
    col.rowSize !== 2 ||
    (col.dtype !== 'float32' && col.dtype !== 'float64')
  )
    throw new TypeMismatchError(
      `"in polygon" needs a layout or a float tensor column of 2 numbers per row; column "${name}" is not one`,
    );
  if (col.validity === null) return col.data as Float32Array | Float64Array;
  const xy = Float64Array.from(col.data as Float32Array | Float64Array);
  for (let i = 0; i < col.length; i++) if (col.isNull(i)) xy.fill(Number.NaN, 2 * i, 2 * i + 2);
  return xy;
}
