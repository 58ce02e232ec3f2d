/**
 * Helpers for classifier outputs, row by row: softmax probabilities from logits, predicted class
 * (argmax), entropy and margin. Each takes a tensor column of shape `[k]`, or a flat float array
 * with the number of classes `k`.
 */
import { TensorColumn } from '../column/tensor.js';
import { InvalidArgumentError, LengthMismatchError, TypeMismatchError } from '../errors.js';
import { argmax } from '../tensor/loops.js';

type FloatArray = Float32Array | Float64Array;

/** Rows of outputs: a float tensor column of shape `[k]`, or a flat row-major array with `k`. */
interface Rows {
  data: ArrayLike<number>;
  n: number;
  k: number;
  isNull: (i: number) => boolean;
}

function rowsOf(input: TensorColumn | FloatArray, k: number | undefined, what: string): Rows {
  if (input instanceof TensorColumn) {
    if (input.dtype !== 'float32' && input.dtype !== 'float64')
      throw new TypeMismatchError(`${what} needs a float32 or float64 tensor column, not ${input.dtype}`);
    return {
      data: input.data as FloatArray,
      n: input.length,
      k: input.rowSize,
      isNull: (i) => input.isNull(i),
    };
  }
  if (!(input instanceof Float32Array || input instanceof Float64Array))
    throw new TypeMismatchError(`${what} needs a tensor column or a Float32Array/Float64Array`);
  if (k === undefined || !Number.isSafeInteger(k) || k < 1)
    throw new InvalidArgumentError(
      `${what} of a flat array needs k, the number of classes (a positive integer)`,
    );
  if (input.length % k !== 0)
    throw new LengthMismatchError(`${what}: ${input.length} values are not a whole number of rows of ${k}`);
  return { data: input, n: input.length / k, k, isNull: () => false };
}

/**
 * Softmax probabilities from logits, per row, computed stably (the row's maximum is subtracted
 * before exponentiating, so large logits do not overflow). A tensor column gives a tensor column
 * of the same shape (float64 stays float64, else float32; null rows stay null); a flat array gives
 * an array of the same type.
 */
export function softmax(logits: TensorColumn, k?: undefined): TensorColumn<Float32Array | Float64Array>;
export function softmax<T extends FloatArray>(logits: T, k: number): T;
export function softmax(logits: TensorColumn | FloatArray, k?: number): TensorColumn | FloatArray {
  const r = rowsOf(logits, k, 'softmax');
  const out = r.data instanceof Float64Array ? new Float64Array(r.n * r.k) : new Float32Array(r.n * r.k);
  for (let i = 0; i < r.n; i++) {
    if (r.isNull(i)) continue;
    const o = i * r.k;
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < r.k; j++) if (r.data[o + j] > max) max = r.data[o + j];
    let sum = 0;
    for (let j = 0; j < r.k; j++) sum += Math.exp(r.data[o + j] - max);
    for (let j = 0; j < r.k; j++) out[o + j] = Math.exp(r.data[o + j] - max) / sum;
  }
  if (logits instanceof TensorColumn)
    return new TensorColumn(out, logits.shape, logits.length, logits.validity);
  return out;
}

/**
 * One value per row into `out`: `nullValue` for a null row; `binary(p)` when each row is one
 * probability `p` of the positive class; else `multi(data, offset, k)` of the row's `k` scores.
 */
function perRow<T extends Int32Array | Float64Array>(
  r: Rows,
  out: T,
  nullValue: number,
  binary: (p: number) => number,
  multi: (data: ArrayLike<number>, offset: number, k: number) => number,
): T {
  for (let i = 0; i < r.n; i++) {
    if (r.isNull(i)) out[i] = nullValue;
    else if (r.k === 1) out[i] = binary(r.data[i]);
    else out[i] = multi(r.data, i * r.k, r.k);
  }
  return out;
}

/**
 * The predicted class of each row: the index of its largest score (the first one on ties). With
 * one score per row it is read as the positive-class probability: 1 when it is at least 0.5.
 * Null rows give -1.
 */
export function predictions(scores: TensorColumn | FloatArray, k?: number): Int32Array {
  const r = rowsOf(scores, k, 'predictions');
  return perRow(r, new Int32Array(r.n), -1, (p) => (p >= 0.5 ? 1 : 0), argmax);
}

/** `−p log p`, with `0 log 0 = 0`. */
const entropyTerm = (p: number) => (p > 0 ? -p * Math.log(p) : 0);

/**
 * Shannon entropy (in nats) of each row of probabilities, `−Σ p log p` with `0 log 0 = 0`; one
 * value per row is read as a binary probability `[1 − p, p]`. Null rows give NaN.
 */
export function entropy(probabilities: TensorColumn | FloatArray, k?: number): Float64Array {
  const r = rowsOf(probabilities, k, 'entropy');
  return perRow(
    r,
    new Float64Array(r.n),
    Number.NaN,
    (p) => entropyTerm(p) + entropyTerm(1 - p),
    (data, o, k) => {
      let h = 0;
      for (let j = 0; j < k; j++) h += entropyTerm(data[o + j]);
      return h;
    },
  );
}

/**
 * Margin of each row: its largest score minus its second largest (small = the model hesitates
 * between two classes). One value per row is read as `[1 − p, p]`, giving `|2p − 1|`. Null rows
 * give NaN.
 */
export function margin(scores: TensorColumn | FloatArray, k?: number): Float64Array {
  const r = rowsOf(scores, k, 'margin');
  return perRow(
    r,
    new Float64Array(r.n),
    Number.NaN,
    (p) => Math.abs(2 * p - 1),
    (data, o, k) => {
      let first = Number.NEGATIVE_INFINITY;
      let second = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < k; j++) {
        const v = data[o + j];
        if (v > first) {
          second = first;
          first = v;
        } else if (v > second) second = v;
      }
      return first - second;
    },
  );
}
