/**
 * One value written into some cells of a scalar column: a new column (columns are immutable) that
 * shares nothing with the old one but equals it outside `rows`. Fixed-width dtypes copy the buffer
 * once; strings copy the unchanged byte runs between edited rows, so an edit of a few cells of a
 * large column costs one pass of memcpy, not a re-encoding of every string.
 */
import { bitmapBytes, getBit } from './bitmap.js';
import { ScalarColumn, type ScalarValue } from './scalar.js';

const utf8 = new TextEncoder();

/** `col` with `value` (null clears) in the cells at `rows` (ascending, distinct, in range). */
export function setScalarCells(col: ScalarColumn, rows: Int32Array, value: ScalarValue | null): ScalarColumn {
  const n = col.length;
  const validity = nextValidity(col, rows, value === null);
  if (col.dtype === 'string') return setStrings(col, rows, value as string | null, validity);
  if (col.dtype === 'bool') {
    const bits = (col.values as Uint8Array).slice();
    for (const r of rows)
      if (value === true) bits[r >> 3] |= 1 << (r & 7);
      else bits[r >> 3] &= ~(1 << (r & 7));
    return new ScalarColumn('bool', n, { values: bits, validity });
  }
  const values = col.values.slice();
  if (value !== null) {
    // One cell through the column's own conversion (int64 as bigint, dates as days).
    const stored = ScalarColumn.from([value], col.dtype).values[0];
    for (const r of rows) values[r] = stored as never;
  } else for (const r of rows) values[r] = 0 as never;
  return new ScalarColumn(col.dtype, n, { values, validity });
}

/** The validity bitmap after the edit (null when no cell is null). */
function nextValidity(col: ScalarColumn, rows: Int32Array, makeNull: boolean): Uint8Array | null {
  if (col.validity === null && !makeNull) return null;
  const bits = col.validity?.slice() ?? new Uint8Array(bitmapBytes(col.length)).fill(0xff);
  for (const r of rows)
    if (makeNull) bits[r >> 3] &= ~(1 << (r & 7));
    else bits[r >> 3] |= 1 << (r & 7);
  for (let i = 0; i < col.length; i++) if (!getBit(bits, i)) return bits;
  return null;
}

function setStrings(
  col: ScalarColumn,
  rows: Int32Array,
  value: string | null,
  validity: Uint8Array | null,
): ScalarColumn {
  const n = col.length;
  const src = col.values as Uint8Array;
  const offsets = col.offsets as Int32Array;
  const encoded = value === null ? new Uint8Array(0) : utf8.encode(value);
  let bytes = offsets[n] - offsets[0];
  for (const r of rows) bytes += encoded.length - (offsets[r + 1] - offsets[r]);
  const out = new Uint8Array(bytes);
  const outOffsets = new Int32Array(n + 1);
  let at = 0; // next byte written
  let from = 0; // first row of the unchanged run being copied
  const copyRun = (end: number) => {
    if (end <= from) return;
    const a = offsets[from];
    out.set(src.subarray(a, offsets[end]), at);
    const shift = at - a;
    for (let i = from; i < end; i++) outOffsets[i + 1] = offsets[i + 1] + shift;
    at += offsets[end] - a;
  };
  for (const r of rows) {
    copyRun(r);
    out.set(encoded, at);
    at += encoded.length;
    outOffsets[r + 1] = at;
    from = r + 1;
  }
  copyRun(n);
  return new ScalarColumn('string', n, { values: out, offsets: outOffsets, validity });
}
