/**
 * Computed cells: the values of a deferred column that is not media (a function of other columns),
 * computed on demand for a few frame rows through the column's own `load` (its cache and batching),
 * within a time limit (the server's /api/cells and the in-tab worker's). Row windows leave these
 * columns out, so scrolling never waits on a function.
 */
import { DeferredColumn } from '../column/deferred.js';
import { tensorDTypeOf } from '../column/tensor.js';
import { CellTimeoutError, IndexOutOfRangeError, InvalidArgumentError, TesseraError } from '../errors.js';
import type { DataFrame } from '../frame/frame.js';

/**
 * One computed cell as the route sends it: a JSON value, a tensor (a typed array: its dtype, shape
 * and values), or the error computing that row gave. Non-finite numbers, which JSON cannot hold,
 * travel as the strings "NaN", "Infinity" and "-Infinity"; a bigint as its decimal string.
 */
export type ComputedCell =
  | { row: number; value: unknown }
  | { row: number; tensor: { dtype: string; shape: number[]; values: unknown[] } }
  | { row: number; error: { type: string; message: string } };

/** Most rows one request may ask for (a screenful or two of the table). */
export const MAX_CELL_ROWS = 512;

/** Names of the frame's computed columns: deferred, not media. */
export function computedColumnNames(frame: DataFrame): string[] {
  return frame.schema
    .filter((f) => f.type.kind === 'deferred' && f.type.media === undefined)
    .map((f) => f.name);
}

/**
 * The cells of computed column `name` at frame `rows`, within `timeoutMs` for all of them. The rows
 * are computed as one batch; when that fails, row by row, so that one bad row fails alone.
 * A timeout does not stop the function (a deferred load cannot be cancelled): it goes on and its
 * results land in the column's cache, so a later request finds them.
 */
export async function computeCells(
  frame: DataFrame,
  name: string,
  rows: readonly number[],
  timeoutMs: number,
): Promise<ComputedCell[]> {
  const col = frame.column(name);
  if (!(col instanceof DeferredColumn) || col.options.media !== undefined)
    throw new InvalidArgumentError(
      `column "${name}" is not computed on demand (only deferred columns that are not media are); ` +
        'its cells come in row windows (or from /api/media for media)',
    );
  for (const r of rows)
    if (!Number.isInteger(r) || r < 0 || r >= frame.length) throw new IndexOutOfRangeError(r, frame.length);
  const deadline = Date.now() + timeoutMs;
  const within = <T>(work: Promise<T>): Promise<T> => {
    work.catch(() => {}); // a late failure after the timeout is nobody's to handle
    const left = deadline - Date.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new CellTimeoutError(
              `computing ${rows.length === 1 ? 'row' : 'rows'} ${rows.join(', ')} of "${name}" took longer than ${timeoutMs} ms; ` +
                'it goes on in the background: ask again later',
            ),
          ),
        Math.max(0, left),
      );
    });
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  };
  try {
    const values = await within(col.load(rows));
    return rows.map((row, k) => encodeCell(row, values[k]));
  } catch (e) {
    if (e instanceof CellTimeoutError) throw e;
  }
  const cells: ComputedCell[] = [];
  for (const row of rows) {
    try {
      const [value] = await within(col.load([row]));
      cells.push(encodeCell(row, value));
    } catch (e) {
      if (e instanceof CellTimeoutError) throw e;
      cells.push({ row, error: errorOf(e) });
    }
  }
  return cells;
}

/** A computed value as one cell of the reply (see {@link ComputedCell}). */
export function encodeCell(row: number, value: unknown): ComputedCell {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const dtype = tensorDTypeOf(value) ?? value.constructor.name.replace(/Array$/, '').toLowerCase();
    const values = Array.from(value as unknown as ArrayLike<number | bigint>, plainNumber);
    return { row, tensor: { dtype, shape: [values.length], values } };
  }
  try {
    // Through JSON once here, so a value JSON cannot hold (a cycle) fails this cell, not the reply.
    return { row, value: JSON.parse(JSON.stringify(value ?? null, jsonReplacer)) };
  } catch (e) {
    return { row, error: errorOf(e) };
  }
}

function jsonReplacer(_key: string, v: unknown): unknown {
  if (typeof v === 'number' || typeof v === 'bigint') return plainNumber(v);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView))
    return Array.from(v as unknown as ArrayLike<number | bigint>, plainNumber);
  return v;
}

function plainNumber(v: number | bigint): number | string {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  return Number.isFinite(v) ? v : String(v);
}

function errorOf(e: unknown): { type: string; message: string } {
  if (e instanceof TesseraError || e instanceof Error) return { type: e.name, message: e.message };
  return { type: 'Error', message: String(e) };
}
