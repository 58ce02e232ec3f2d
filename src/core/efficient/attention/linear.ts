/**
 * Linear attention (Katharopoulos et al. 2020): `φ(x) = elu(x) + 1`,
 * `out_i = φ(q_i)ᵀ Σ_j φ(k_j) v_jᵀ / (φ(q_i)ᵀ Σ_j φ(k_j) + eps)`, over all `j` or, when causal,
 * over `j ≤ i` by running sums. Cost O(heads · n · d · dv).
 */
import { type FloatArray, floatDType } from '../../tensor/kernels.js';
import { allocLike } from '../../tensor/shapes.js';
import {
  type AttentionOptions,
  type AttentionResult,
  type AttentionShape,
  checkAttention,
  featureAttention,
  graphKernelsOf,
  kernelsOf,
  qkvFeeds,
  scalarFeed,
} from './common.js';
import { causalChunkFeeds, linearAttentionGraph } from './graphs.js';

/** Options of {@link linearAttention}. */
export interface LinearAttentionOptions extends AttentionOptions {
  /** Added to the denominator (default 1e-6). */
  eps?: number;
}

/** `elu(x) + 1`, elementwise: `x + 1` for `x > 0`, else `exp(x)`. */
export function eluPlusOne<T extends FloatArray>(x: T): T {
  const out = allocLike(x, x.length);
  for (let i = 0; i < x.length; i++) {
    const t = x[i];
    out[i] = t > 0 ? t + 1 : Math.exp(t);
  }
  return out;
}

/** Linear attention with the `elu + 1` feature map. */
export async function linearAttention<T extends FloatArray>(
  q: T,
  k: T,
  v: T,
  shape: AttentionShape,
  options: LinearAttentionOptions = {},
): Promise<AttentionResult<T>> {
  const dims = checkAttention('linearAttention', q, k, v, shape, options);
  const eps = options.eps ?? 1e-6;
  const causal = options.causal ?? false;
  const graphs = graphKernelsOf(options, dims.n);
  if (graphs) {
    const { n, d, dv } = dims;
    const out = await graphs.runGraph(linearAttentionGraph(floatDType(q), causal, d, dv), {
      ...qkvFeeds(q, k, v, dims),
      eps: scalarFeed(q, eps),
      ...(causal ? causalChunkFeeds(n) : {}),
    });
    return { output: out.output.data as T };
  }
  return featureAttention(
    eluPlusOne(q),
    eluPlusOne(k),
    v,
    dims,
    dims.d,
    causal,
    eps,
    kernelsOf(options),
    options.returnMatrix ?? false,
  );
}
