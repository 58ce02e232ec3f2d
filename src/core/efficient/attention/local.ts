/**
 * Local (sliding-window) attention: query `i` attends to the keys `j` with `|i − j| ≤ window`
 * (bidirectional) or `i − window ≤ j ≤ i` (causal), with exact softmax on that support. Cost
 * O(heads · n · (2·window + 1) · d). A window of at least `n − 1` equals exact attention.
 */
import type { FloatArray } from '../../tensor/kernels.js';
import { allocLike } from '../../tensor/shapes.js';
import {
  type AttentionOptions,
  type AttentionResult,
  type AttentionShape,
  checkAttention,
  checkBudget,
} from './common.js';

/** Options of {@link localAttention}. */
export interface LocalAttentionOptions extends AttentionOptions {
  /** Half-width of the window (keys `i ± window`; `window` previous keys when causal). Required. */
  window: number;
  /** Multiplier of the logits (default `1/√d`). */
  scale?: number;
}

/** Sliding-window softmax attention, exact on its support; accumulates in float64. */
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
  const { heads, n, d, dv } = dims;
  const scale = opts.scale ?? 1 / Math.sqrt(d);
  const causal = opts.causal ?? false;
  const output = allocLike(v, heads * n * dv);
  const matrix = opts.returnMatrix ? allocLike(v, heads * n * n) : undefined;
  const logits = new Float64Array(2 * Math.min(w, n) + 1);
  const acc = new Float64Array(dv);
  for (let h = 0; h < heads; h++) {
    const base = h * n;
    for (let i = 0; i < n; i++) {
      const lo = Math.max(0, i - w);
      const hi = causal ? i : Math.min(n - 1, i + w);
      const qo = (base + i) * d;
      let max = Number.NEGATIVE_INFINITY;
      for (let j = lo; j <= hi; j++) {
        const ko = (base + j) * d;
        let s = 0;
        for (let c = 0; c < d; c++) s += q[qo + c] * k[ko + c];
        s *= scale;
        logits[j - lo] = s;
        if (s > max) max = s;
      }
      let z = 0;
      acc.fill(0);
      for (let j = lo; j <= hi; j++) {
        const e = Math.exp(logits[j - lo] - max);
        logits[j - lo] = e;
        z += e;
        const vo = (base + j) * dv;
        for (let c = 0; c < dv; c++) acc[c] += e * v[vo + c];
      }
      const oo = (base + i) * dv;
      for (let c = 0; c < dv; c++) output[oo + c] = acc[c] / z;
      if (matrix) {
        const r = (base + i) * n;
        for (let j = lo; j <= hi; j++) matrix[r + j] = logits[j - lo] / z;
      }
    }
  }
  return matrix ? { output, matrix } : { output };
}
