import { NUMBER_DTYPES, ScalarColumn } from '../column/scalar.js';
import { formatType } from '../column/types.js';
import { InvalidArgumentError } from '../errors.js';
import { Random } from '../random.js';
import type { DataFrame } from './frame.js';
import { argsortFloat64 } from './sort.js';

export interface SampleOptions {
  /** Number of rows (give this or `fraction`). */
  n?: number;
  /** Share of rows, 0..1 (or more with replacement); the count is `round(fraction × length)`. */
  fraction?: number;
  /** Seed for a reproducible sample (an integer; a random one when omitted). */
  seed?: number;
  /** Sample with replacement (default false). */
  replace?: boolean;
  /**
   * Row weights: a numeric column name or an array, one per row (need not sum to 1). Weights must
   * be finite and not negative, and not all zero; rows of weight zero (or a null weight in a
   * column) are never drawn.
   */
  weights?: string | ArrayLike<number>;
}

/**
 * A random sample of rows (a view), reproducible with `seed`. The rows come in the order they
 * were drawn, which is itself random. Without replacement: a partial Fisher–Yates shuffle, or with
 * weights the Efraimidis–Spirakis method (each row gets the key `u^(1/w)` and the `n` largest keys
 * win, which draws rows one after another with probability proportional to weight among those left).
 * With replacement: uniform draws, or with weights Walker's alias method.
 */
export function sample(df: DataFrame, options: SampleOptions): DataFrame {
  if (options === null || typeof options !== 'object')
    throw new InvalidArgumentError('sample needs options, e.g. { n: 10 } or { fraction: 0.1, seed: 1 }');
  const length = df.length;
  const replace = options.replace ?? false;
  if (typeof replace !== 'boolean')
    throw new InvalidArgumentError(`replace must be true or false, got ${String(replace)}`);
  const n = sampleSize(options, length, replace);
  const rng = new Random(checkSeed(options.seed));
  const weights = options.weights === undefined ? null : readWeights(df, options.weights);

  let indices: Int32Array;
  if (weights === null) {
    if (!replace) indices = partialShuffle(length, n, rng);
    else {
      if (n > 0 && length === 0) throw new InvalidArgumentError(`cannot draw ${n} rows from an empty frame`);
      indices = new Int32Array(n);
      for (let i = 0; i < n; i++) indices[i] = rng.int(length);
    }
  } else {
    let positive = 0;
    for (let i = 0; i < length; i++) if (weights[i] > 0) positive++;
    if (positive === 0 && (n > 0 || length > 0))
      throw new InvalidArgumentError(
        length === 0
          ? `cannot draw ${n} rows from an empty frame`
          : 'all weights are zero; at least one row needs a positive weight',
      );
    if (!replace && n > positive)
      throw new InvalidArgumentError(
        `cannot draw ${n} rows without replacement: only ${positive} rows have a positive weight; ` +
          'draw fewer, or pass replace: true',
      );
    indices = replace
      ? weightedWithReplacement(weights, n, rng)
      : weightedWithoutReplacement(weights, n, rng);
  }
  return df.takeValid(indices);
}

/** All rows in a random order (a view), reproducible with `seed`. */
export function shuffle(df: DataFrame, seed?: number): DataFrame {
  const rng = new Random(checkSeed(seed));
  return df.takeValid(partialShuffle(df.length, df.length, rng));
}

function sampleSize(options: SampleOptions, length: number, replace: boolean): number {
  const { n, fraction } = options;
  if (n !== undefined && fraction !== undefined)
    throw new InvalidArgumentError('give either n or fraction, not both');
  let size: number;
  if (n !== undefined) {
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0)
      throw new InvalidArgumentError(`n must be a whole number of rows, 0 or more; got ${String(n)}`);
    size = n;
  } else if (fraction !== undefined) {
    if (typeof fraction !== 'number' || !Number.isFinite(fraction) || fraction < 0)
      throw new InvalidArgumentError(`fraction must be a finite number, 0 or more; got ${String(fraction)}`);
    if (!replace && fraction > 1)
      throw new InvalidArgumentError(
        `fraction must be at most 1 without replacement; got ${fraction} (pass replace: true to draw more rows than the frame has)`,
      );
    size = Math.round(fraction * length);
  } else {
    throw new InvalidArgumentError('sample needs n (a number of rows) or fraction (a share of rows)');
  }
  if (!replace && size > length)
    throw new InvalidArgumentError(
      `cannot draw ${size} rows without replacement from a frame of ${length}; draw at most ${length}, or pass replace: true`,
    );
  return size;
}

function checkSeed(seed: number | undefined): number | undefined {
  if (seed !== undefined && (typeof seed !== 'number' || !Number.isSafeInteger(seed)))
    throw new InvalidArgumentError(`seed must be an integer, got ${String(seed)}`);
  return seed;
}

/** Weights as a Float64Array in the frame's row order, validated. */
function readWeights(df: DataFrame, spec: string | ArrayLike<number>): Float64Array {
  const length = df.length;
  const out = new Float64Array(length);
  let label: string;
  if (typeof spec === 'string') {
    label = `weight column "${spec}"`;
    const col = df.column(spec);
    if (!(col instanceof ScalarColumn) || col.dtype === 'string')
      throw new InvalidArgumentError(
        `${label} must be numeric, but it is ${col instanceof ScalarColumn ? col.dtype : formatType(col.type)}`,
      );
    if (NUMBER_DTYPES.has(col.dtype)) out.set(col.values.subarray(0, length) as Float64Array);
    else for (let i = 0; i < length; i++) out[i] = col.numberAt(i);
    // Null weights count as zero (as in pandas).
    if (col.nullCount > 0) for (let i = 0; i < length; i++) if (col.isNull(i)) out[i] = 0;
  } else {
    label = 'weights';
    if (spec === null || typeof spec !== 'object' || typeof spec.length !== 'number')
      throw new InvalidArgumentError(
        `weights must be a column name or an array of numbers, got ${String(spec)}`,
      );
    if (spec.length !== length)
      throw new InvalidArgumentError(
        `weights has ${spec.length} entries but the frame has ${length} rows; give one per row`,
      );
    for (let i = 0; i < length; i++) {
      const w = spec[i];
      if (typeof w !== 'number')
        throw new InvalidArgumentError(
          `weights[${i}] is ${w === null ? 'null' : typeof w}; weights must be numbers`,
        );
      out[i] = w;
    }
  }
  for (let i = 0; i < length; i++) {
    const w = out[i];
    if (!(w >= 0) || w === Number.POSITIVE_INFINITY)
      throw new InvalidArgumentError(
        `${label} has ${Number.isNaN(w) ? 'NaN' : w} at row ${i}; weights must be finite and not negative`,
      );
  }
  return out;
}

/** The first `n` positions of a random permutation of 0..length-1 (partial Fisher–Yates). */
function partialShuffle(length: number, n: number, rng: Random): Int32Array {
  const perm = new Int32Array(length);
  for (let i = 0; i < length; i++) perm[i] = i;
  const stop = Math.min(n, length - 1);
  for (let i = 0; i < stop; i++) {
    const j = i + rng.int(length - i);
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  return n === length ? perm : perm.slice(0, n);
}

/**
 * Efraimidis–Spirakis (A-ES): row i gets the key log(u)/w_i (the log of u^(1/w_i)); the n largest
 * keys, largest first, are the sample. Rows of weight zero never take part.
 */
function weightedWithoutReplacement(weights: Float64Array, n: number, rng: Random): Int32Array {
  let max = 0;
  for (let i = 0; i < weights.length; i++) if (weights[i] > max) max = weights[i];
  let count = 0;
  for (let i = 0; i < weights.length; i++) if (weights[i] > 0) count++;
  const rows = new Int32Array(count);
  const keys = new Float64Array(count);
  for (let i = 0, k = 0; i < weights.length; i++) {
    const w = weights[i];
    if (w <= 0) continue;
    // u in (0, 1]; weights scaled to (0, 1] so tiny weights do not overflow the key to -Infinity.
    const u = 1 - rng.next();
    const scaled = w / max;
    rows[k] = i;
    keys[k++] = scaled > 0 ? Math.log(u) / scaled : Number.NEGATIVE_INFINITY;
  }
  const top = topKeys(keys, n);
  const out = new Int32Array(n);
  for (let k = 0; k < n; k++) out[k] = rows[top[k]];
  return out;
}

/** Positions of the `n` largest keys, largest first (ties: lower position first). */
function topKeys(keys: Float64Array, n: number): Int32Array {
  const before = (a: number, b: number) => keys[a] > keys[b] || (keys[a] === keys[b] && a < b);
  // Large samples: sort every key (a linear-time radix sort) rather than grow a large heap.
  if (n > 1024 && n * 64 >= keys.length) return argsortFloat64(keys, true).slice(0, n);
  // A heap of the n best so far, worst at the root.
  const heap = new Int32Array(n);
  let size = 0;
  const siftDown = (at: number) => {
    let i = at;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const r = l + 1;
      const worse = r < size && before(heap[l], heap[r]) ? r : l;
      if (!before(heap[i], heap[worse])) break;
      const t = heap[i];
      heap[i] = heap[worse];
      heap[worse] = t;
      i = worse;
    }
  };
  for (let k = 0; k < keys.length; k++) {
    if (size < n) {
      let i = size++;
      heap[i] = k;
      while (i > 0) {
        const parent = (i - 1) >> 1;
        if (!before(heap[parent], heap[i])) break;
        const t = heap[i];
        heap[i] = heap[parent];
        heap[parent] = t;
        i = parent;
      }
    } else if (n > 0 && before(k, heap[0])) {
      heap[0] = k;
      siftDown(0);
    }
  }
  const out = new Int32Array(n);
  for (let k = n - 1; k >= 0; k--) {
    out[k] = heap[0];
    heap[0] = heap[--size];
    siftDown(0);
  }
  return out;
}

/**
 * Walker's alias method (Vose's construction) over the rows of positive weight: O(rows) to build,
 * O(1) per draw.
 */
function weightedWithReplacement(weights: Float64Array, n: number, rng: Random): Int32Array {
  let count = 0;
  let total = 0;
  for (let i = 0; i < weights.length; i++) {
    if (weights[i] > 0) {
      count++;
      total += weights[i];
    }
  }
  const rows = new Int32Array(count);
  for (let i = 0, k = 0; i < weights.length; i++) if (weights[i] > 0) rows[k++] = i;
  const m = rows.length;
  const prob = new Float64Array(m);
  const alias = new Int32Array(m);
  const scaled = new Float64Array(m);
  // Stacks of the entries below and at-or-above the mean, in one array (small from the front).
  const stack = new Int32Array(m);
  let small = 0;
  let large = m;
  for (let k = 0; k < m; k++) {
    scaled[k] = (weights[rows[k]] / total) * m;
    if (scaled[k] < 1) stack[small++] = k;
    else stack[--large] = k;
  }
  while (small > 0 && large < m) {
    const s = stack[--small];
    const l = stack[large++];
    prob[s] = scaled[s];
    alias[s] = l;
    scaled[l] = scaled[l] + scaled[s] - 1;
    if (scaled[l] < 1) stack[small++] = l;
    else stack[--large] = l;
  }
  // What is left has probability 1 up to rounding.
  for (let k = large; k < m; k++) {
    prob[stack[k]] = 1;
    alias[stack[k]] = stack[k];
  }
  for (let k = 0; k < small; k++) {
    prob[stack[k]] = 1;
    alias[stack[k]] = stack[k];
  }
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const x = rng.next() * m;
    const k = Math.floor(x);
    out[i] = rows[x - k < prob[k] ? k : alias[k]];
  }
  return out;
}
