/**
 * A column's values for colouring the map, compact and binary: strings and booleans as one byte of
 * category code per row (the most frequent values keep their own code, the rest share "(other)",
 * nulls "(null)"), numbers, dates and timestamps as float32 (null as NaN) with their range. The reply
 * is `[u32 LE: header bytes][header JSON][zero padding to 4 bytes][codes or values]`, the same from the
 * server (routes/map.ts) and the in-tab worker; the page reads it with `decodeColorValues`.
 */
import { ScalarColumn } from '../column/scalar.js';
import { TypeMismatchError } from '../errors.js';
import type { DataFrame } from '../frame/frame.js';

/** Categories that keep their own colour (the rest are "(other)"). */
export const MAX_CATEGORIES = 20;

export type ColorHeader =
  | { kind: 'categorical'; rows: number; legend: string[]; counts: number[] }
  | { kind: 'continuous'; rows: number; min: number | null; max: number | null };

export const OTHER = '(other)';
export const NULL = '(null)';

/** The header and per-row codes (categorical) or values (continuous) of `column`. */
export function colorValues(
  frame: DataFrame,
  column: string,
): { header: ColorHeader; data: Uint8Array | Float32Array } {
  const col = frame.column(column);
  if (!(col instanceof ScalarColumn))
    throw new TypeMismatchError(
      `the map colours by scalar columns (strings, numbers, booleans, dates); column "${column}" is ${col.type.kind}`,
    );
  const n = col.length;
  if (col.dtype === 'string' || col.dtype === 'bool') {
    const { codes, names } =
      col.dtype === 'string'
        ? { codes: col.dictionary().codes, names: col.dictionary().dictionary }
        : { codes: boolCodes(col), names: ['false', 'true'] };
    const counts = new Float64Array(names.length);
    let nulls = 0;
    for (let i = 0; i < n; i++) {
      if (codes[i] < 0) nulls++;
      else counts[codes[i]]++;
    }
    // The most frequent values, in their sorted order; ties by that order.
    const top = [...names.keys()]
      .filter((k) => counts[k] > 0)
      .sort((a, b) => counts[b] - counts[a] || a - b)
      .slice(0, MAX_CATEGORIES)
      .sort((a, b) => a - b);
    const legend = top.map((k) => names[k]);
    const legendCounts = top.map((k) => counts[k]);
    const codeOf = new Int32Array(names.length).fill(-1);
    top.forEach((k, c) => {
      codeOf[k] = c;
    });
    const other = legend.length;
    const rest = n - nulls - legendCounts.reduce((a, b) => a + b, 0);
    if (rest > 0) {
      legend.push(OTHER);
      legendCounts.push(rest);
    }
    const nullCode = legend.length;
    if (nulls > 0) {
      legend.push(NULL);
      legendCounts.push(nulls);
    }
    const data = new Uint8Array(n);
    for (let i = 0; i < n; i++)
      data[i] = codes[i] < 0 ? nullCode : codeOf[codes[i]] < 0 ? other : codeOf[codes[i]];
    return { header: { kind: 'categorical', rows: n, legend, counts: legendCounts }, data };
  }
  const data = new Float32Array(n);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = col.isNull(i) ? Number.NaN : col.numberAt(i);
    data[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const some = min <= max;
  return { header: { kind: 'continuous', rows: n, min: some ? min : null, max: some ? max : null }, data };
}

function boolCodes(col: ScalarColumn): Int32Array {
  const codes = new Int32Array(col.length);
  for (let i = 0; i < col.length; i++) codes[i] = col.isNull(i) ? -1 : col.numberAt(i);
  return codes;
}

/** The reply bytes: header length, header JSON, padding, data (see the module comment). */
export function encodeColorValues(header: ColorHeader, data: Uint8Array | Float32Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = (4 + json.length + 3) & ~3;
  const out = new Uint8Array(start + data.byteLength);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), start);
  return out;
}

/** A column's colouring as the page reads it: the header with its codes (categorical) or values. */
export type ColorValues =
  | (Extract<ColorHeader, { kind: 'categorical' }> & { codes: Uint8Array })
  | (Extract<ColorHeader, { kind: 'continuous' }> & { values: Float32Array });

/** The reply bytes read back (the page's side of {@link encodeColorValues}). */
export function decodeColorValues(bytes: ArrayBuffer): ColorValues {
  const headerBytes = new DataView(bytes).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(bytes, 4, headerBytes))) as ColorHeader;
  const start = (4 + headerBytes + 3) & ~3;
  return header.kind === 'categorical'
    ? { ...header, codes: new Uint8Array(bytes, start) }
    : { ...header, values: new Float32Array(bytes, start) };
}
