/**
 * Linformer (Wang et al. 2020): keys and values are projected along the sequence axis to a short
 * length `k`, `K' = E K`, `V' = F V` with `E, F ∈ ℝ^{k×n}`, and the queries attend exactly to those:
 * `out = softmax(Q K'ᵀ · scale) V'`. Here `E` and `F` are random (independent Gaussian entries
 * N(0, 1/k), seeded — a drop-in test of the method without training) or given. Cost
 * O(heads · n · k · (d + dv)). Causal attention is not defined (every projected key mixes all
 * positions), so `causal: true` is refused.
 */
import { InvalidArgumentError } from '../../errors.js';
import { Random } from '../../random.js';
import { type FloatArray, floatDType, floatTensor } from '../../tensor/kernels.js';
import { softmaxInPlace } from '../../tensor/loops.js';
import { allocLike } from '../../tensor/shapes.js';
import {
  type AttentionOptions,
  type AttentionResult,
  type AttentionShape,
  checkAttention,
  checkBudget,
  graphKernelsOf,
  kernelsOf,
  qkvFeeds,
  scalarFeed,
} from './common.js';
import { cachedDraw } from './draw-cache.js';
import { linformerGraph } from './graphs.js';

/** Options of {@link linformerAttention}. */
export interface LinformerOptions extends AttentionOptions {
  /** Projected length `k` (rows of `E` and `F`). Required unless `projection` is given. */
  projectedLength?: number;
  /**
   * Projections to use instead of drawing them: `e` and `f`, each `[k, n]` row-major (pass the same
   * array twice to share them). Shared by every head.
   */
  projection?: { e: FloatArray; f: FloatArray };
  /** Seed of the random projections (default 0). */
  seed?: number;
  /** Multiplier of the logits (default `1/√d`). */
  scale?: number;
}

/**
 * The random Linformer projections `E`, `F` (`[k, n]` each, float64), entries iid N(0, 1/k), `E`
 * drawn before `F` from one seeded generator.
 */
export function linformerProjections(k: number, n: number, seed = 0): { e: Float64Array; f: Float64Array } {
  checkBudget('linformerProjections', 'k', k, 1);
  checkBudget('linformerProjections', 'n', n, 0);
  const rng = new Random(seed);
  const s = 1 / Math.sqrt(k);
  const e = rng.fillNormal(new Float64Array(k * n), s);
  const f = rng.fillNormal(new Float64Array(k * n), s);
  return { e, f };
}

/**
 * Linformer attention on `[heads, n, d]` queries and keys and `[heads, n, dv]` values. With
 * `returnMatrix` the matrix is the effective `[heads, n, n]` map `P F` (so `output = matrix · V`
 * per head); its rows need not sum to 1 or be non-negative, since `F` is a signed projection.
 */
export async function linformerAttention<T extends FloatArray>(
  q: T,
  k: T,
  v: T,
  shape: AttentionShape,
  options: LinformerOptions,
): Promise<AttentionResult<T>> {
  const op = 'linformerAttention';
  const opts = options ?? ({} as LinformerOptions);
  const dims = checkAttention(op, q, k, v, shape, opts);
  const { heads, n, d, dv } = dims;
  if (opts.causal) {
    throw new InvalidArgumentError(
      `${op}: causal attention is not defined for Linformer (each projected key mixes every position)`,
    );
  }
  let kp: number;
  let e: FloatArray;
  let f: FloatArray;
  if (opts.projection !== undefined) {
    const p = opts.projection;
    if (p === null || typeof p !== 'object') {
      throw new InvalidArgumentError(`${op}: projection must be { e, f }, each a [k, n=${n}] array`);
    }
    for (const [name, x] of [
      ['e', p.e],
      ['f', p.f],
    ] as const) {
      if (!(x instanceof Float32Array || x instanceof Float64Array)) {
        throw new InvalidArgumentError(`${op}: projection.${name} must be a Float32Array or Float64Array`);
      }
    }
    if (p.e.length !== p.f.length) {
      throw new InvalidArgumentError(
        `${op}: projection.e has ${p.e.length} values but projection.f has ${p.f.length}; both must be [k, n=${n}]`,
      );
    }
    kp = opts.projectedLength ?? (n > 0 ? p.e.length / n : Number.NaN);
    kp = checkBudget(op, 'projectedLength', kp, 1);
    if (p.e.length !== kp * n) {
      throw new InvalidArgumentError(
        `${op}: projection.e has ${p.e.length} values but [k=${kp}, n=${n}] needs ${kp * n}`,
      );
    }
    e = p.e;
    f = p.f;
  } else {
    kp = checkBudget(op, 'projectedLength', opts.projectedLength, 1);
    const seed = opts.seed ?? 0;
    ({ e, f } = cachedDraw(`linformer:${kp}:${n}:${seed}`, () => linformerProjections(kp, n, seed)));
  }
  const kernels = kernelsOf(opts);
  const scale = opts.scale ?? 1 / Math.sqrt(d);
  // The projections in the inputs' element type.
  const eT = allocLike(q, kp * n);
  const fT = allocLike(q, kp * n);
  for (let i = 0; i < eT.length; i++) {
    eT[i] = e[i];
    fT[i] = f[i];
  }
  const graphs = graphKernelsOf(opts, n);
  if (graphs) {
    const out = await graphs.runGraph(linformerGraph(floatDType(q)), {
      ...qkvFeeds(q, k, v, dims),
      e: floatTensor(eT, [kp, n]),
      f: floatTensor(fT, [kp, n]),
      scale: scalarFeed(q, scale),
    });
    return { output: out.output.data as T };
  }
  const output = allocLike(v, heads * n * dv);
  const matrix = opts.returnMatrix ? allocLike(v, heads * n * n) : undefined;
  for (let h = 0; h < heads; h++) {
    const qh = q.subarray(h * n * d, (h + 1) * n * d) as T;
    const kh = k.subarray(h * n * d, (h + 1) * n * d) as T;
    const vh = v.subarray(h * n * dv, (h + 1) * n * dv) as T;
    const kProj = await kernels.matmul(eT, kh, kp, n, d); // [kp, d]
    const vProj = await kernels.matmul(fT, vh, kp, n, dv); // [kp, dv]
    const p = await kernels.matmul(qh, kProj, n, d, kp, { transposeB: true }); // [n, kp]
    for (let i = 0; i < n; i++) softmaxInPlace(p, i * kp, kp, scale);
    const out = await kernels.matmul(p, vProj, n, kp, dv); // [n, dv]
    output.set(out, h * n * dv);
    if (matrix) matrix.set(await kernels.matmul(p, fT, n, kp, n), h * n * n);
  }
  return matrix ? { output, matrix } : { output };
}
