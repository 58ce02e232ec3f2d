/**
 * The shared interface of the attention methods: shapes, options, results, argument checks and the
 * feature-map attention used by every kernelised method (linear attention, Performer).
 *
 * Every method takes queries, keys and values as flat row-major arrays of shape `[heads, n, d]`
 * (`[heads, n, dv]` for the values; `heads` defaults to 1, i.e. `[n, d]`), all of one element type,
 * and returns the output `[heads, n, dv]` in that element type. Float64 inputs run in float64
 * throughout (the path for reference checks); float32 inputs keep float64 accumulators where sums
 * are long (softmax denominators, prefix sums).
 */
import { InvalidArgumentError, ShapeError, TypeMismatchError } from '../../errors.js';
import {
  canRunGraphs,
  type FloatArray,
  floatTensor,
  type GraphKernels,
  type GraphTensor,
  type TensorKernels,
} from '../../tensor/kernels.js';
import { transpose } from '../../tensor/loops.js';
import { allocLike } from '../../tensor/shapes.js';
import { tsKernels } from '../../tensor/ts-kernels.js';

/** Shape of an attention call: `heads` independent heads of `n` positions. */
export interface AttentionShape {
  /** Number of heads (default 1: the arrays are `[n, d]`). */
  heads?: number;
  /** Sequence length (queries and keys alike). */
  n: number;
  /** Width of queries and keys. */
  d: number;
  /** Width of values and of the output (default `d`). */
  dv?: number;
}

/** Options shared by every attention method. */
export interface AttentionOptions {
  /** Position `i` attends only to positions `j ≤ i`. Default false. */
  causal?: boolean;
  /** Dense kernels for the matrix products (default the isomorphic TypeScript kernels). */
  kernels?: TensorKernels;
  /**
   * Also return the (approximate) attention matrix, shape `[heads, n, n]`, rows summing to 1 — for
   * error benchmarks on small `n`. Refused when `heads·n²` exceeds {@link MAX_MATRIX_ENTRIES}.
   */
  returnMatrix?: boolean;
  /**
   * Run a method that is a chain of dense operations (exact, Performer, linear, Linformer, the
   * low-rank part of Scatterbrain) as one ONNX graph when the kernels can run graphs (ONNX Runtime).
   * Default true; ignored with `returnMatrix` (the matrix comes from the TypeScript path).
   */
  graph?: boolean;
}

/** Result of an attention call. */
export interface AttentionResult<T extends FloatArray> {
  /** Output, shape `[heads, n, dv]`, same element type as the inputs. */
  output: T;
  /** The attention matrix `[heads, n, n]` when {@link AttentionOptions.returnMatrix} was set. */
  matrix?: T;
}

/** Largest attention matrix (entries) that `returnMatrix` will build. */
export const MAX_MATRIX_ENTRIES = 1 << 26;

/** Resolved, checked dimensions. */
export interface Dims {
  heads: number;
  n: number;
  d: number;
  dv: number;
}

function checkDim(op: string, name: string, value: number | undefined, min: number): number {
  if (value === undefined || !Number.isSafeInteger(value) || value < min) {
    throw new ShapeError(`${op}: ${name} must be an integer ≥ ${min}, got ${value}`);
  }
  return value;
}

function typeName(x: unknown): string {
  if (x instanceof Float32Array) return 'float32';
  if (x instanceof Float64Array) return 'float64';
  return x === null ? 'null' : typeof x === 'object' ? (x.constructor?.name ?? 'object') : typeof x;
}

/** Checks q, k, v against the shape and returns the resolved dimensions. */
export function checkAttention(
  op: string,
  q: FloatArray,
  k: FloatArray,
  v: FloatArray,
  shape: AttentionShape,
  options: AttentionOptions,
): Dims {
  if (shape === null || typeof shape !== 'object') {
    throw new InvalidArgumentError(`${op}: pass the shape as { heads?, n, d, dv? }`);
  }
  const heads = checkDim(op, 'heads', shape.heads ?? 1, 1);
  const n = checkDim(op, 'n', shape.n, 0);
  const d = checkDim(op, 'd', shape.d, 1);
  const dv = checkDim(op, 'dv', shape.dv ?? d, 1);
  const tq = typeName(q);
  for (const [name, x] of [
    ['q', q],
    ['k', k],
    ['v', v],
  ] as const) {
    const t = typeName(x);
    if (t !== 'float32' && t !== 'float64') {
      throw new TypeMismatchError(`${op}: ${name} must be a Float32Array or Float64Array, got ${t}`);
    }
    if (t !== tq) {
      throw new TypeMismatchError(`${op}: q is ${tq} but ${name} is ${t}; pass all three in one type`);
    }
  }
  const expect = (name: string, x: FloatArray, w: number, wName: string) => {
    if (x.length !== heads * n * w) {
      throw new ShapeError(
        `${op}: ${name} has ${x.length} values but heads=${heads} × n=${n} × ${wName}=${w} needs ${heads * n * w}`,
      );
    }
  };
  expect('q', q, d, 'd');
  expect('k', k, d, 'd');
  expect('v', v, dv, 'dv');
  if (options.returnMatrix && heads * n * n > MAX_MATRIX_ENTRIES) {
    throw new InvalidArgumentError(
      `${op}: returnMatrix would build ${heads}×${n}×${n} entries, more than ${MAX_MATRIX_ENTRIES}; use it for small n only`,
    );
  }
  return { heads, n, d, dv };
}

/** A positive integer budget (features, window, ...), or a clear error. */
export function checkBudget(op: string, name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new InvalidArgumentError(`${op}: ${name} must be an integer ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

/** A finite number (a seed, a logit scale), or a clear error. */
export function checkFinite(op: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidArgumentError(`${op}: ${name} must be a finite number, got ${String(value)}`);
  }
  return value;
}

/** The kernels to use. */
export function kernelsOf(options: AttentionOptions): TensorKernels {
  return options.kernels ?? tsKernels;
}

/** The kernels to run a method's ONNX graph on, if the options allow it and the kernels can. */
export function graphKernelsOf(options: AttentionOptions, n: number): GraphKernels | undefined {
  const kernels = kernelsOf(options);
  if (options.graph === false || options.returnMatrix || n === 0 || !canRunGraphs(kernels)) return undefined;
  return kernels;
}

/** The graph feeds `q`, `k` (`[heads, n, d]`) and `v` (`[heads, n, dv]`) of an attention graph. */
export function qkvFeeds(
  q: FloatArray,
  k: FloatArray,
  v: FloatArray,
  dims: Dims,
): Record<'q' | 'k' | 'v', GraphTensor> {
  const { heads, n, d, dv } = dims;
  return {
    q: floatTensor(q, [heads, n, d]),
    k: floatTensor(k, [heads, n, d]),
    v: floatTensor(v, [heads, n, dv]),
  };
}

/** The result for `n = 0`: an empty output (and an empty matrix when asked). */
export function emptyResult<T extends FloatArray>(
  v: T,
  returnMatrix: boolean | undefined,
): AttentionResult<T> {
  const output = allocLike(v, 0);
  return returnMatrix ? { output, matrix: allocLike(v, 0) } : { output };
}

/** A `[1]` graph feed holding `value` in the element type of `like`. */
export function scalarFeed(like: FloatArray, value: number): GraphTensor {
  return like instanceof Float64Array
    ? { type: 'float64', data: Float64Array.of(value), dims: [1] }
    : { type: 'float32', data: Float32Array.of(value), dims: [1] };
}

/** `[v, 1]` of head `h` (`[n, dv + 1]`): the extra column gives the normaliser from the same product. */
export function valuesWithOnes<T extends FloatArray>(v: T, h: number, n: number, dv: number): T {
  const w = dv + 1;
  const v1 = allocLike(v, n * w);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < dv; c++) v1[i * w + c] = v[(h * n + i) * dv + c];
    v1[i * w + dv] = 1;
  }
  return v1;
}

/**
 * Key features `kh` (`[n, f]`) times `exp(logs_j − top)`, `top` the largest log-scale: the true
 * features up to the common factor `exp(top)`, without overflow.
 */
export function scaleKeys<T extends FloatArray>(
  kh: T,
  logs: ArrayLike<number>,
  n: number,
  f: number,
): { scaled: T; top: number } {
  let top = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < n; j++) if (logs[j] > top) top = logs[j];
  const scaled = allocLike(kh, n * f);
  for (let j = 0; j < n; j++) {
    const c = Math.exp(logs[j] - top);
    for (let a = 0; a < f; a++) scaled[j * f + a] = kh[j * f + a] * c;
  }
  return { scaled, top };
}

/** `Σ_j (qf_i·kf_j) v1_j` over every `j`, as `qf (kfᵀ v1)` (`[n, w]`): two matrix products. */
export async function featureSums<T extends FloatArray>(
  qh: T,
  kh: T,
  v1: T,
  n: number,
  f: number,
  w: number,
  kernels: TensorKernels,
): Promise<T> {
  const kv = await kernels.matmul(transpose(kh, n, f), v1, f, n, w); // [f, w]
  return kernels.matmul(qh, kv, n, f, w);
}

/**
 * Causal feature sums of one head: row `i` of the result (`[n, w]`, float64) is
 * `Σ_{j≤i} (qf_i·kf_j) exp(logs_j − top_i) v1_j`, `top_i` the largest key log-scale up to `i`
 * (written to `tops[i]` when given; all scales 1 without `logs`). The running sum is kept relative
 * to `top_i`, so nothing after position `i` influences row `i`, not even through rounding.
 */
export function causalFeatureSums(
  qh: ArrayLike<number>,
  kh: ArrayLike<number>,
  v1: ArrayLike<number>,
  logs: ArrayLike<number> | undefined,
  n: number,
  f: number,
  w: number,
  tops?: Float64Array,
): Float64Array {
  const s = new Float64Array(f * w);
  const out = new Float64Array(n * w);
  let top = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    let keyScale = 1;
    if (logs) {
      if (logs[i] > top) {
        if (top !== Number.NEGATIVE_INFINITY) {
          const shrink = Math.exp(top - logs[i]);
          for (let t = 0; t < s.length; t++) s[t] *= shrink;
        }
        top = logs[i];
      }
      keyScale = Math.exp(logs[i] - top);
      if (tops) tops[i] = top;
    }
    for (let a = 0; a < f; a++) {
      const x = kh[i * f + a] * keyScale;
      if (x === 0) continue;
      const r = a * w;
      for (let c = 0; c < w; c++) s[r + c] += x * v1[i * w + c];
    }
    for (let a = 0; a < f; a++) {
      const x = qh[i * f + a];
      if (x === 0) continue;
      const r = a * w;
      for (let c = 0; c < w; c++) out[i * w + c] += x * s[r + c];
    }
  }
  return out;
}

/**
 * Attention with a feature map: given non-negative features `qf`, `kf` (`[heads, n, f]`) it computes
 * `out_i = Σ_j (qf_i·kf_j) v_j / (Σ_j qf_i·kf_j + eps)` over all `j` (bidirectional, as
 * `qf (kfᵀ [v, 1])` with two matrix products per head) or over `j ≤ i` (causal, by prefix sums of
 * `kf_j [v_j, 1]ᵀ` in float64). `kLog` (`[heads, n]`, optional) holds per-key log-scales: the true
 * key features are `kf_j · exp(kLog_j)`, kept apart so that large exponents never overflow.
 * A zero denominator gives a zero output row.
 */
export async function featureAttention<T extends FloatArray>(
  qf: T,
  kf: T,
  v: T,
  dims: Dims,
  f: number,
  causal: boolean,
  eps: number,
  kernels: TensorKernels,
  returnMatrix: boolean,
  kLog?: Float64Array,
): Promise<AttentionResult<T>> {
  const { heads, n, dv } = dims;
  const w = dv + 1;
  const output = allocLike(v, heads * n * dv);
  const matrix = returnMatrix ? allocLike(v, heads * n * n) : undefined;
  for (let h = 0; h < heads; h++) {
    let khScaled: T | undefined;
    const qh = qf.subarray(h * n * f, (h + 1) * n * f) as T;
    let kh = kf.subarray(h * n * f, (h + 1) * n * f) as T;
    const logs = kLog?.subarray(h * n, (h + 1) * n);
    if (logs && (!causal || matrix)) {
      // Fold the per-key log-scales into the features relative to the head's largest one; the
      // common factor cancels in the normalisation.
      const { scaled } = scaleKeys(kh, logs, n, f);
      if (!causal) kh = scaled;
      else khScaled = scaled;
    }
    const v1 = valuesWithOnes(v, h, n, dv);
    const num = causal
      ? causalFeatureSums(qh, kh, v1, logs, n, f, w)
      : await featureSums(qh, kh, v1, n, f, w, kernels);
    for (let i = 0; i < n; i++) {
      const z = num[i * w + dv] + eps;
      const o = (h * n + i) * dv;
      for (let c = 0; c < dv; c++) output[o + c] = z > 0 ? num[i * w + c] / z : 0;
    }
    if (matrix) {
      const scores = await kernels.matmul(qh, khScaled ?? kh, n, f, n, { transposeB: true });
      for (let i = 0; i < n; i++) {
        const end = causal ? i + 1 : n;
        let z = eps;
        for (let j = 0; j < end; j++) z += scores[i * n + j];
        const r = (h * n + i) * n;
        if (z > 0) for (let j = 0; j < end; j++) matrix[r + j] = scores[i * n + j] / z;
      }
    }
  }
  return matrix ? { output, matrix } : { output };
}
