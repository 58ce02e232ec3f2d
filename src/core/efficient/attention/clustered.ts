/**
 * Attention inside groups of queries and keys, the shared engine of the clustering methods (SMYRF,
 * routing attention, the SMYRF support of Scatterbrain).
 *
 * A group is a list of query rows and a list of key rows of one head; every query of a group attends
 * exactly (softmax) to every key of the group. A query in several groups (several hash rounds, or
 * several routing clusters) gets the softmax over the union of its groups' keys: each group's logits
 * have `log N_ij` subtracted, `N_ij` the number of groups holding both query `i` and key `j`, and the
 * groups' partial results are merged by their log-sum-exps (as in Reformer). A query whose support is
 * empty (in no group, or, when causal, in groups whose keys all come after it) attends to its own key.
 *
 * Rows are global: row `h·n + i` is position `i` of head `h`, and a group never mixes heads, so the
 * causal test `j ≤ i` on rows is the test on positions. The products of a group's queries and keys
 * (and of the attention weights and values) run as batched matrix products on the kernels, with
 * queries, keys and values gathered into `[groups, size, ·]` blocks.
 */
import type { FloatArray, TensorKernels } from '../../tensor/kernels.js';
import { gatherRows } from '../../tensor/loops.js';
import { allocLike } from '../../tensor/shapes.js';
import { type AttentionOptions, type AttentionResult, type Dims, kernelsOf } from './common.js';

/**
 * Groups of query and key rows: `count` groups of `size` query slots and `keySize` key slots;
 * −1 marks an empty slot.
 */
export interface AttentionGroups {
  count: number;
  /** Query slots per group. */
  size: number;
  /** Key slots per group (default `size`). */
  keySize?: number;
  /** Query rows, `[count, size]`. */
  queries: Int32Array;
  /** Key rows, `[count, keySize]`. */
  keys: Int32Array;
  /** If set, a query attends only to the keys of its groups at most `window` positions away. */
  window?: number;
  /** If set, the logit of a query for its own key (same row) is this constant instead of its score. */
  selfLogit?: number;
}

/** Whether query row `i` attends to key row `j` of a common group (same head). */
export function pairRule(groups: AttentionGroups, causal: boolean): (i: number, j: number) => boolean {
  const w = groups.window;
  if (w === undefined) return causal ? (i, j) => j <= i : () => true;
  return causal ? (i, j) => j <= i && i - j <= w : (i, j) => Math.abs(i - j) <= w;
}

/**
 * Groups that cover a band `|i − j| ≤ window` (`0 ≤ i − j ≤ window` when causal): blocks of `block`
 * consecutive queries, each with the keys its queries can reach, so that windowed attention runs as
 * batched dense products over `[blocks, block, keys]`.
 */
export function bandGroups(
  heads: number,
  n: number,
  window: number,
  causal: boolean,
  block: number,
): AttentionGroups {
  const size = Math.max(1, Math.min(block, n));
  const reach = Math.min(window, n);
  const keySize = Math.min(n, size + reach + (causal ? 0 : reach));
  const blocks = Math.ceil(n / size);
  const count = heads * blocks;
  const queries = new Int32Array(count * size).fill(-1);
  const keys = new Int32Array(count * keySize).fill(-1);
  for (let h = 0; h < heads; h++) {
    for (let b = 0; b < blocks; b++) {
      const g = h * blocks + b;
      const start = b * size;
      const end = Math.min(n, start + size);
      for (let i = start; i < end; i++) queries[g * size + i - start] = h * n + i;
      const lo = Math.max(0, start - reach);
      const hi = Math.min(n, causal ? end : end + reach);
      for (let j = lo; j < hi; j++) keys[g * keySize + j - lo] = h * n + j;
    }
  }
  return { count, size, keySize, queries, keys, window };
}

/**
 * The products of every group's query rows with its key rows, `[count, size, keySize]`: rows of `a`
 * and `b` (`[rows, w]`, e.g. queries and keys, or their features) gathered per group, one batched
 * product on the kernels. Empty slots give zeros.
 */
export function groupProducts<T extends FloatArray>(
  a: T,
  b: T,
  groups: AttentionGroups,
  w: number,
  kernels: TensorKernels,
): Promise<T> {
  const { count, size } = groups;
  const ks = groups.keySize ?? size;
  return kernels.batchedMatmul(
    gatherRows(a, groups.queries, w),
    gatherRows(b, groups.keys, w),
    count,
    size,
    w,
    ks,
    {
      transposeB: true,
    },
  );
}

/** The slots of each row in CSR form: `start[r]..start[r+1]` indexes `slots` (ascending). */
interface Membership {
  start: Int32Array;
  slots: Int32Array;
  /** The largest number of slots one row fills. */
  most: number;
}

function membership(index: Int32Array, rows: number): Membership {
  const start = new Int32Array(rows + 1);
  for (let s = 0; s < index.length; s++) if (index[s] >= 0) start[index[s] + 1]++;
  let most = 0;
  for (let r = 0; r < rows; r++) {
    most = Math.max(most, start[r + 1]);
    start[r + 1] += start[r];
  }
  const fill = start.slice(0, rows);
  const slots = new Int32Array(start[rows]);
  for (let s = 0; s < index.length; s++) {
    const r = index[s];
    if (r >= 0) slots[fill[r]++] = s;
  }
  return { start, slots, most };
}

/**
 * `N_ij` for every slot pair of every group (`[count, size, keySize]`, 0 where either slot is empty):
 * the number of groups that hold both query `i` and key `j` (a key fills at most one slot of a
 * group). All ones when no query or no key is in two groups.
 */
export function pairCounts(groups: AttentionGroups, rows: number): Int32Array {
  const { count, size, queries, keys } = groups;
  const ks = groups.keySize ?? size;
  const counts = new Int32Array(count * size * ks);
  const qm = membership(queries, rows);
  const km = membership(keys, rows);
  if (qm.most <= 1 || km.most <= 1) {
    for (let s = 0; s < count * size; s++) {
      if (queries[s] < 0) continue;
      const g = Math.floor(s / size);
      for (let b = 0; b < ks; b++) if (keys[g * ks + b] >= 0) counts[s * ks + b] = 1;
    }
    return counts;
  }
  // Per query: count how often each key occurs in the query's groups, read the counts off, reset.
  const seen = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const from = qm.start[i];
    const to = qm.start[i + 1];
    for (let x = from; x < to; x++) {
      const o = Math.floor(qm.slots[x] / size) * ks;
      for (let b = 0; b < ks; b++) if (keys[o + b] >= 0) seen[keys[o + b]]++;
    }
    for (let x = from; x < to; x++) {
      const s = qm.slots[x];
      const o = Math.floor(s / size) * ks;
      for (let b = 0; b < ks; b++) if (keys[o + b] >= 0) counts[s * ks + b] = seen[keys[o + b]];
    }
    for (let x = from; x < to; x++) {
      const o = Math.floor(qm.slots[x] / size) * ks;
      for (let b = 0; b < ks; b++) if (keys[o + b] >= 0) seen[keys[o + b]] = 0;
    }
  }
  return counts;
}

/**
 * The logits of every slot pair, `scale · q_iᵀk_j − log N_ij` (`[count, size, keySize]`, float64),
 * and −∞ where the pair is not attended: an empty slot, `j > i` when causal, or outside the window.
 */
export async function groupLogits<T extends FloatArray>(
  q: T,
  k: T,
  d: number,
  groups: AttentionGroups,
  rows: number,
  scale: number,
  causal: boolean,
  kernels: TensorKernels,
): Promise<Float64Array> {
  const { count, size, queries, keys } = groups;
  const ks = groups.keySize ?? size;
  const dots = await groupProducts(q, k, groups, d, kernels);
  const counts = pairCounts(groups, rows);
  const attends = pairRule(groups, causal);
  const selfLogit = groups.selfLogit;
  const logits = new Float64Array(count * size * ks).fill(Number.NEGATIVE_INFINITY);
  for (let g = 0; g < count; g++) {
    for (let a = 0; a < size; a++) {
      const i = queries[g * size + a];
      if (i < 0) continue;
      const o = (g * size + a) * ks;
      for (let b = 0; b < ks; b++) {
        const j = keys[g * ks + b];
        if (j < 0 || !attends(i, j)) continue;
        const l = j === i && selfLogit !== undefined ? selfLogit : scale * dots[o + b];
        logits[o + b] = l - (counts[o + b] === 1 ? 0 : Math.log(counts[o + b]));
      }
    }
  }
  return logits;
}

/**
 * Softmax attention within the groups, merged per query over its groups (see the file comment).
 * `q`, `k` are `[rows, d]`, `v` is `[rows, dv]` (rows = heads·n); returns the output `[rows, dv]` and,
 * with `returnMatrix`, the attention matrix `[heads, n, n]`. Of the options, `causal`, `kernels` and
 * `returnMatrix` apply.
 */
export async function clusteredAttention<T extends FloatArray>(
  q: T,
  k: T,
  v: T,
  dims: Dims,
  groups: AttentionGroups,
  scale: number,
  options: AttentionOptions = {},
): Promise<AttentionResult<T>> {
  const { heads, n, d, dv } = dims;
  const causal = options.causal ?? false;
  const kernels = kernelsOf(options);
  const rows = heads * n;
  const { count, size, queries, keys } = groups;
  const ks = groups.keySize ?? size;
  const logits = await groupLogits(q, k, d, groups, rows, scale, causal, kernels);
  // Each slot row's exp(logit − its max), as the weights of the value product.
  const weights = allocLike(v, count * size * ks);
  const slotMax = new Float64Array(count * size);
  const slotSum = new Float64Array(count * size);
  for (let s = 0; s < count * size; s++) {
    const o = s * ks;
    let max = Number.NEGATIVE_INFINITY;
    for (let b = 0; b < ks; b++) if (logits[o + b] > max) max = logits[o + b];
    slotMax[s] = max;
    if (max === Number.NEGATIVE_INFINITY) continue;
    let z = 0;
    for (let b = 0; b < ks; b++) {
      const e = Math.exp(logits[o + b] - max);
      weights[o + b] = e;
      z += e;
    }
    slotSum[s] = z;
  }
  const partial = await kernels.batchedMatmul(weights, gatherRows(v, keys, dv), count, size, ks, dv);
  // Merge the groups' partial results per query by their log-sum-exps.
  const rowMax = new Float64Array(rows).fill(Number.NEGATIVE_INFINITY);
  const rowSum = new Float64Array(rows);
  const acc = new Float64Array(rows * dv);
  for (let s = 0; s < count * size; s++) {
    const i = queries[s];
    if (i < 0 || slotMax[s] === Number.NEGATIVE_INFINITY) continue;
    const old = rowMax[i];
    const top = Math.max(old, slotMax[s]);
    const fOld = old === Number.NEGATIVE_INFINITY ? 0 : Math.exp(old - top);
    const fNew = Math.exp(slotMax[s] - top);
    rowMax[i] = top;
    rowSum[i] = rowSum[i] * fOld + slotSum[s] * fNew;
    for (let c = 0; c < dv; c++) acc[i * dv + c] = acc[i * dv + c] * fOld + partial[s * dv + c] * fNew;
  }
  const output = allocLike(v, rows * dv);
  const matrix = options.returnMatrix ? allocLike(v, rows * n) : undefined;
  for (let i = 0; i < rows; i++) {
    if (rowSum[i] > 0) {
      for (let c = 0; c < dv; c++) output[i * dv + c] = acc[i * dv + c] / rowSum[i];
    } else {
      // Empty support: the query attends to its own key alone.
      output.set(v.subarray(i * dv, (i + 1) * dv), i * dv);
      if (matrix) matrix[i * n + (i % n)] = 1;
    }
  }
  if (matrix) {
    for (let s = 0; s < count * size; s++) {
      const i = queries[s];
      if (i < 0 || slotMax[s] === Number.NEGATIVE_INFINITY) continue;
      const h = Math.floor(i / n);
      const g = Math.floor(s / size);
      for (let b = 0; b < ks; b++) {
        const l = logits[s * ks + b];
        if (l === Number.NEGATIVE_INFINITY) continue;
        const j = keys[g * ks + b] - h * n;
        matrix[i * n + j] += Math.exp(l - rowMax[i]) / rowSum[i];
      }
    }
  }
  return matrix ? { output, matrix } : { output };
}
