/**
 * The functions a `map` in the tab can run over the open file, by name (functions are named,
 * never sent as code): the in-tab worker checks a name here, and each Web Worker that computes
 * the batches holds this module under the same registered name (map-worker.ts). Each function
 * reads the row's one input column (the map's `inputs`).
 */
import { TypeMismatchError } from '../../../src/core/errors.js';
import type { Row } from '../../../src/core/frame/frame.js';

/** The name the module is registered as in every worker (see registerFunctionModule). */
export const TAB_FUNCTIONS_MODULE = 'tessera-tab:functions';

function onlyInput(row: Row): unknown {
  const values = Object.values(row);
  if (values.length !== 1)
    throw new TypeMismatchError(`this function reads one input column; the map gave ${values.length}`);
  return values[0];
}

function numberOf(value: unknown, fn: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  throw new TypeMismatchError(
    `${fn} needs a numeric column; got the ${typeof value} ${JSON.stringify(value)}`,
  );
}

/** The square of a number (null stays null). */
export function square(row: Row): number | null {
  const v = onlyInput(row);
  return v === null ? null : numberOf(v, 'square') ** 2;
}

/** The length of a text, in UTF-16 code units (null stays null). */
export function textLength(row: Row): number | null {
  const v = onlyInput(row);
  if (v === null) return null;
  if (typeof v !== 'string') throw new TypeMismatchError(`textLength needs a text column; got a ${typeof v}`);
  return v.length;
}

/** The tab's functions by name (each also a named export, so Node's worker threads can name this module too). */
export const tabFunctions = { square, textLength } satisfies Record<string, (row: Row) => unknown>;

export type TabFunctionName = keyof typeof tabFunctions;
