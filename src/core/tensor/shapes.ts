/**
 * Argument checks shared by every kernel backend, so that all backends reject the same inputs with
 * the same messages before doing any work.
 */
import { InvalidArgumentError, ShapeError, TypeMismatchError } from '../errors.js';
import type { FloatArray, FloatDType, Reduction } from './kernels.js';

/** The element type of a kernel input, or a clear error for anything else. */
export function dtypeOf(x: unknown, op: string, what: string): FloatDType {
  if (x instanceof Float32Array) return 'float32';
  if (x instanceof Float64Array) return 'float64';
  const got = x === null ? 'null' : typeof x === 'object' ? (x.constructor?.name ?? 'object') : typeof x;
  throw new TypeMismatchError(`${op}: ${what} must be a Float32Array or Float64Array, got ${got}`);
}

/** A new zero-filled array of `x`'s element type. */
export function allocLike<T extends FloatArray>(x: T, length: number): T {
  return (x instanceof Float64Array ? new Float64Array(length) : new Float32Array(length)) as T;
}

function checkDim(op: string, name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ShapeError(`${op}: ${name} must be a non-negative integer, got ${value}`);
  }
}

function checkLength(op: string, what: string, x: FloatArray, dims: Record<string, number>): void {
  const names = Object.keys(dims);
  const expected = names.reduce((p, name) => p * dims[name], 1);
  if (x.length !== expected) {
    const shape = names.map((name) => `${name}=${dims[name]}`).join(' × ');
    throw new ShapeError(
      `${op}: ${what} has ${x.length} values but its shape ${shape} needs ${expected}; ` +
        'pass the dimensions of the array as it is stored (row-major)',
    );
  }
}

function checkSameType(op: string, a: FloatArray, b: FloatArray): void {
  const ta = dtypeOf(a, op, 'a');
  const tb = dtypeOf(b, op, 'b');
  if (ta !== tb) {
    throw new TypeMismatchError(`${op}: a is ${ta} but b is ${tb}; convert one so both have the same type`);
  }
}

/** Checks the arguments of a (batched) matrix product; `batch` is 1 for a plain product. */
export function checkMatmul(
  op: string,
  a: FloatArray,
  b: FloatArray,
  batch: number,
  m: number,
  k: number,
  n: number,
  transposeB: boolean,
): void {
  checkSameType(op, a, b);
  for (const [name, v] of [
    ['batch', batch],
    ['m', m],
    ['k', k],
    ['n', n],
  ] as const) {
    checkDim(op, name, v);
  }
  const batched = op === 'batchedMatmul';
  checkLength(op, 'a', a, batched ? { batch, m, k } : { m, k });
  const bDims = transposeB ? { n, k } : { k, n };
  checkLength(op, transposeB ? 'b (transposed)' : 'b', b, batched ? { batch, ...bDims } : bDims);
}

/** Checks a 2-d input `x` of shape `[rows, cols]`. */
export function checkMatrix(op: string, x: FloatArray, rows: number, cols: number): void {
  dtypeOf(x, op, 'x');
  checkDim(op, 'rows', rows);
  checkDim(op, 'cols', cols);
  checkLength(op, 'x', x, { rows, cols });
}

/** Checks the arguments of top-k. */
export function checkTopK(x: FloatArray, rows: number, cols: number, k: number): void {
  checkMatrix('topk', x, rows, cols);
  checkDim('topk', 'k', k);
  if (k > cols) {
    throw new ShapeError(`topk: k=${k} is more than the ${cols} columns of each row; pass k ≤ ${cols}`);
  }
}

const REDUCTIONS: readonly Reduction[] = ['sum', 'mean', 'max', 'min'];

/** Checks the arguments of a reduction. */
export function checkReduce(x: FloatArray, rows: number, cols: number, op: Reduction, axis: number): void {
  checkMatrix('reduce', x, rows, cols);
  if (!REDUCTIONS.includes(op)) {
    throw new InvalidArgumentError(`reduce: unknown reduction "${op}"; use one of ${REDUCTIONS.join(', ')}`);
  }
  if (axis !== 0 && axis !== 1) {
    throw new InvalidArgumentError(
      `reduce: axis must be 0 (one value per column) or 1 (one value per row), got ${axis}`,
    );
  }
  const length = axis === 1 ? cols : rows;
  const outputs = axis === 1 ? rows : cols;
  if (length === 0 && outputs > 0 && (op === 'max' || op === 'min')) {
    throw new ShapeError(`reduce: ${op} along axis ${axis} of a ${rows} × ${cols} array is over nothing`);
  }
}
