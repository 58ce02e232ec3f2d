/**
 * Exact softmax attention, the reference every approximation is measured against:
 * `out = softmax(Q Kᵀ · scale) V` with `scale = 1/√d`, rows stabilised by subtracting their max,
 * optional causal mask. Cost O(heads · n² · d) time and O(heads · n²) memory.
 */
import { type FloatArray, floatDType } from '../../tensor/kernels.js';
import { softmaxInPlace } from '../../tensor/loops.js';
import {
  type AttentionOptions,
  type AttentionResult,
  type AttentionShape,
  checkAttention,
  graphKernelsOf,
  kernelsOf,
  qkvFeeds,
  scalarFeed,
} from './common.js';
import { exactAttentionGraph } from './graphs.js';

/** Options of {@link exactAttention}. */
export interface ExactAttentionOptions extends AttentionOptions {
  /** Multiplier of the logits (default `1/√d`). */
  scale?: number;
}

/**
 * Exact softmax attention on `[heads, n, d]` queries and keys and `[heads, n, dv]` values. Float64
 * inputs give a float64 reference; softmax sums are accumulated in float64 for either type.
 */
export async function exactAttention<T extends FloatArray>(
  q: T,
  k: T,
  v: T,
  shape: AttentionShape,
  options: ExactAttentionOptions = {},
): Promise<AttentionResult<T>> {
  const dims = checkAttention('exactAttention', q, k, v, shape, options);
  const { heads, n, d, dv } = dims;
  const kernels = kernelsOf(options);
  const scale = options.scale ?? 1 / Math.sqrt(d);
  const causal = options.causal ?? false;
  const graphs = graphKernelsOf(options, n);
  if (graphs) {
    const out = await graphs.runGraph(exactAttentionGraph(floatDType(q), causal), {
      ...qkvFeeds(q, k, v, dims),
      scale: scalarFeed(q, scale),
    });
    return { output: out.output.data as T };
  }
  const p = await kernels.batchedMatmul(q, k, heads, n, d, n, { transposeB: true });
  for (let r = 0; r < heads * n; r++) {
    const i = r % n;
    const o = r * n;
    const end = causal ? i + 1 : n;
    softmaxInPlace(p, o, end, scale);
    p.fill(0, o + end, o + n);
  }
  const output = await kernels.batchedMatmul(p, v, heads, n, n, dv);
  return options.returnMatrix ? { output, matrix: p } : { output };
}
