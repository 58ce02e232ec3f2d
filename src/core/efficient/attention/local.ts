/**
 * Local (sliding-window) attention: query `i` attends to the keys `j` with `|i − j| ≤ window`
 * (bidirectional) or `i − window ≤ j ≤ i` (causal), with exact softmax on that support. Cost
 * O(heads · n · (2·window + 1) · (d + dv)). A window of at least `n − 1` equals exact attention.
 *
 * The band runs as blocks of consecutive queries against the keys they reach (see `bandGroups`),
 * as batched products on the kernels; scores outside the window are masked.
 */
import type { FloatArray } from '../../tensor/kernels.js';
import { bandGroups, clusteredAttention } from './clustered.js';
import {
  type AttentionOptions,
  type AttentionResult,
  type AttentionShape,
  checkAttention,
  checkBudget,
  emptyResult,
} from './common.js';

/** Options of {@link localAttention}. */
export interface LocalAttentionOptions extends AttentionOptions {
  /** Half-width of the window (keys `i ± window`; `window` previous keys when causal). Required. */
  window: number;
  /** Multiplier of the logits (default `1/√d`). */
  scale?: number;
}

/** Sliding-window softmax attention, exact on its support; softmax sums in float64. */
export async function localAttention<T extends FloatArray>(
  q: T,
  k: T,
  v: T,
  shape: AttentionShape,
  options: LocalAttentionOptions,
): Promise<AttentionResult<T>> {
  const opts = options ?? ({} as LocalAttentionOptions);
  const dims = checkAttention('localAttention', q, k, v, shape, opts);
  const w = checkBudget('localAttention', 'window', opts.window, 0);
  const { heads, n, d } = dims;
  const scale = opts.scale ?? 1 / Math.sqrt(d);
  if (n === 0) return emptyResult(v, opts.returnMatrix);
  return clusteredAttention(
    q,
    k,
    v,
    dims,
    bandGroups(heads, n, w, opts.causal ?? false, localBlock(w)),
    scale,
    opts,
  );
}

/**
 * Queries per block of the band: the keys a block reaches are `block + 2·window`, so blocks near
 * `window` compute about 1.5× the needed scores in a few large products rather than many small ones.
 */
export function localBlock(window: number): number {
  return Math.min(128, Math.max(16, window + 1));
}
