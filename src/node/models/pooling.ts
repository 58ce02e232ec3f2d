/**
 * From a model's output to one vector per input: pooling over tokens (mean under the attention
 * mask, or the first token) and L2 normalisation. Shared by the encoders of every runtime.
 */
import { InvalidArgumentError } from '../../core/errors.js';

/** How token outputs `[n, tokens, d]` become one vector each: mean (under the mask), first token, or none. */
export type Pooling = 'mean' | 'cls' | 'none';

/** Anything array-like of numbers or bigints (ONNX Runtime gives BigInt64Array masks). */
type MaskArray = ArrayLike<number | bigint>;

/**
 * Pools `[n, tokens, d]` to `[n, d]`. With a mask (`[n, tokens]`, non-zero = real token), the mean
 * runs over real tokens only, as sentence-transformers does; a row without any counts as empty and
 * pools to zeros.
 */
export function poolTokens(
  data: ArrayLike<number>,
  n: number,
  tokens: number,
  d: number,
  pooling: 'mean' | 'cls',
  mask?: MaskArray,
): Float32Array {
  if (data.length !== n * tokens * d)
    throw new InvalidArgumentError(`token output has ${data.length} values, expected ${n}×${tokens}×${d}`);
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const row = out.subarray(i * d, (i + 1) * d);
    if (pooling === 'cls') {
      for (let j = 0; j < d; j++) row[j] = data[i * tokens * d + j];
      continue;
    }
    // Sum in float64: long sequences of float32 values lose digits otherwise.
    const sum = new Float64Array(d);
    let count = 0;
    for (let t = 0; t < tokens; t++) {
      if (mask !== undefined && Number(mask[i * tokens + t]) === 0) continue;
      count++;
      const o = (i * tokens + t) * d;
      for (let j = 0; j < d; j++) sum[j] += data[o + j];
    }
    if (count > 0) for (let j = 0; j < d; j++) row[j] = sum[j] / count;
  }
  return out;
}

/** Scales every row of `[n, d]` to unit Euclidean length, in place; zero rows stay zero. */
export function l2NormalizeRows(data: Float32Array, d: number): Float32Array {
  for (let o = 0; o < data.length; o += d) {
    let s = 0;
    for (let j = 0; j < d; j++) s += data[o + j] * data[o + j];
    if (s === 0) continue;
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < d; j++) data[o + j] *= inv;
  }
  return data;
}

/** Checks a pooling name given by a user. */
export function checkPooling(p: unknown): Pooling {
  if (p !== 'mean' && p !== 'cls' && p !== 'none')
    throw new InvalidArgumentError(`pooling must be 'mean', 'cls' or 'none', got ${String(p)}`);
  return p;
}
