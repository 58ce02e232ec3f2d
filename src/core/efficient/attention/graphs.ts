/**
 * The dense attention methods as single ONNX graphs: exact softmax, Performer (FAVOR+), linear
 * attention, Linformer and the low-rank part of Scatterbrain. Each graph takes `[heads, n, ·]`
 * tensors (heads as the batch axis, every size symbolic) and runs in one call on any runtime that
 * loads ONNX (`onnxruntime-node`, `onnxruntime-web`); `encodeModel(graph)` exports it.
 *
 * Scalars (logit scale, eps, the squared-norm factor) are inputs of shape `[1]`; random projections
 * are inputs, drawn (seeded) by the caller, so a graph holds no randomness. Causal feature attention
 * runs in chunks of `chunk` positions: within a chunk by a masked product, across chunks by an
 * exclusive cumulative sum of the chunks' `φ(K)ᵀ[V, 1]` states, so memory stays
 * O(n/chunk · f · dv) rather than O(n · f · dv). The caller pads the sequence to a multiple of `chunk`
 * (inputs `pads`, int64 `[6]`, the ONNX Pad amounts of a `[heads, n, ·]` tensor) and passes the true
 * length (`length`, int64 `[1]`); padded positions have zero features and are cut off again.
 */
import type { FloatDType } from '../../tensor/kernels.js';
import {
  attr,
  type OnnxAttribute,
  type OnnxGraph,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from '../../tensor/onnx-builder.js';

/** Default chunk length of the causal feature graphs. */
export const CAUSAL_CHUNK = 64;

/** A small graph builder: each op gets a fresh output name; constants become initializers. */
class Builder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxTensor[] = [];
  readonly inputs: OnnxValueInfo[] = [];
  readonly outputs: OnnxValueInfo[] = [];
  private next = 0;

  constructor(readonly dtype: FloatDType) {}

  input(name: string, shape: readonly (number | string)[], type: OnnxValueInfo['type'] = this.dtype): string {
    this.inputs.push({ name, type, shape });
    return name;
  }

  op(op: string, inputs: readonly string[], attributes?: OnnxAttribute[]): string {
    const out = `t${this.next++}`;
    this.nodes.push({ op, inputs, outputs: [out], ...(attributes ? { attributes } : {}) });
    return out;
  }

  /** An int64 constant of shape `[values.length]` (or a scalar). */
  ints(values: readonly number[], scalar = false): string {
    const name = `c${this.next++}`;
    this.initializers.push({ name, type: 'int64', dims: scalar ? [] : [values.length], data: values });
    return name;
  }

  /** A constant of the graph's float type. */
  floats(values: readonly number[], dims: readonly number[] = []): string {
    const name = `c${this.next++}`;
    const data = this.dtype === 'float64' ? Float64Array.from(values) : Float32Array.from(values);
    this.initializers.push({ name, type: this.dtype, dims, data });
    return name;
  }

  output(name: string, from: string, shape: readonly (number | string)[]): void {
    this.nodes.push({ op: 'Identity', inputs: [from], outputs: [name] });
    this.outputs.push({ name, type: this.dtype, shape });
  }

  graph(name: string): OnnxGraph {
    return {
      name,
      nodes: this.nodes,
      inputs: this.inputs,
      outputs: this.outputs,
      initializers: this.initializers,
    };
  }

  transpose(x: string, perm: number[]): string {
    return this.op('Transpose', [x], [attr.ints('perm', perm)]);
  }

  /** Slice of `x` along `axis` from `start` to `end` (names of int64 `[1]` tensors, or numbers). */
  slice(x: string, start: number | string, end: number | string, axis: number): string {
    const s = typeof start === 'number' ? this.ints([start]) : start;
    const e = typeof end === 'number' ? this.ints([end]) : end;
    return this.op('Slice', [x, s, e, this.ints([axis])]);
  }

  reduce(op: string, x: string, axes: number[]): string {
    return this.op(op, [x, this.ints(axes)], [attr.int('keepdims', 1)]);
  }

  /** `[x, 1]`: a column of ones appended along the last axis of a `[b, n, w]` tensor. */
  appendOnes(x: string): string {
    const bn = this.slice(this.op('Shape', [x]), 0, 2, 0);
    const shape = this.op('Concat', [bn, this.ints([1])], [attr.int('axis', 0)]);
    const one: OnnxTensor = {
      type: this.dtype,
      dims: [1],
      data: this.dtype === 'float64' ? Float64Array.of(1) : Float32Array.of(1),
    };
    const ones = this.op('ConstantOfShape', [shape], [attr.tensor('value', one)]);
    return this.op('Concat', [x, ones], [attr.int('axis', -1)]);
  }
}

/**
 * `Σ_j qf_i·kf_j [v_j, 1]` for every row (`[b, n, w]`, `w = dv + 1`), over all `j` or, causal, over
 * `j ≤ i` (chunked, see the file comment).
 */
function featureSums(
  g: Builder,
  qf: string,
  kf: string,
  v1: string,
  f: number,
  w: number,
  causal: boolean,
  chunk: number,
): string {
  if (!causal) {
    const kv = g.op('MatMul', [g.transpose(kf, [0, 2, 1]), v1]); // [b, f, w]
    return g.op('MatMul', [qf, kv]);
  }
  const pads = g.input('pads', [6], 'int64');
  const length = g.input('length', [1], 'int64');
  const blocks = (x: string, width: number) =>
    g.op('Reshape', [g.op('Pad', [x, pads]), g.ints([0, -1, chunk, width])]);
  const q4 = blocks(qf, f); // [b, nb, C, f]
  const k4 = blocks(kf, f);
  const v4 = blocks(v1, w); // [b, nb, C, w]
  const kT = g.transpose(k4, [0, 1, 3, 2]);
  const states = g.op('MatMul', [kT, v4]); // [b, nb, f, w]
  const before = g.op('CumSum', [states, g.ints([1], true)], [attr.int('exclusive', 1)]);
  const inter = g.op('MatMul', [q4, before]);
  const lower = new Array<number>(chunk * chunk);
  for (let i = 0; i < chunk; i++) for (let j = 0; j < chunk; j++) lower[i * chunk + j] = j <= i ? 1 : 0;
  const scores = g.op('Mul', [g.op('MatMul', [q4, kT]), g.floats(lower, [chunk, chunk])]);
  const intra = g.op('MatMul', [scores, v4]);
  const total = g.op('Reshape', [g.op('Add', [inter, intra]), g.ints([0, -1, w])]);
  return g.slice(total, 0, length, 1);
}

/** `num / (den + eps)` from the `[b, n, dv + 1]` sums, 0 where that denominator is not positive. */
function normalise(g: Builder, sums: string, dv: number, eps: string): string {
  const num = g.slice(sums, 0, dv, 2);
  const z = g.op('Add', [g.slice(sums, dv, dv + 1, 2), eps]);
  const positive = g.op('Greater', [z, g.floats([0])]);
  const safe = g.op('Where', [positive, z, g.floats([1])]);
  return g.op('Where', [positive, g.op('Div', [num, safe]), g.floats([0])]);
}

/**
 * Positive (or hyperbolic) random features of `x` (`[b, n, d]`) for the projection `wt` (`[d, m]`,
 * already scaled by `d^(−1/4)`): `exp(proj − rowmax)` and the log-scale `rowmax − ‖x̃‖²/2`
 * (`[b, n, 1]`), as in `performer.ts`.
 */
function randomFeatures(g: Builder, x: string, wt: string, halfSq: string, hyperbolic: boolean) {
  let proj = g.op('MatMul', [x, wt]);
  if (hyperbolic) proj = g.op('Concat', [proj, g.op('Neg', [proj])], [attr.int('axis', -1)]);
  const max = g.reduce('ReduceMax', proj, [-1]);
  const features = g.op('Exp', [g.op('Sub', [proj, max])]);
  const log = g.op('Sub', [max, g.op('Mul', [g.reduce('ReduceSumSquare', x, [-1]), halfSq])]);
  return { features, log };
}

/** Key features scaled by `exp(log − top)`, `top` the head's largest key log-scale (`[b, 1, 1]`). */
function scaledKeys(g: Builder, features: string, log: string) {
  const top = g.reduce('ReduceMax', log, [1, 2]);
  return { keys: g.op('Mul', [features, g.op('Exp', [g.op('Sub', [log, top])])]), top };
}

/** The inputs `q`, `k` (`[b, n, d]`) and `v` (`[b, n, dv]`) of every attention graph, in that order. */
function attentionInputs(g: Builder, d: number | string, dv: number | string) {
  return {
    q: g.input('q', ['b', 'n', d]),
    k: g.input('k', ['b', 'n', d]),
    v: g.input('v', ['b', 'n', dv]),
  };
}

/**
 * Exact softmax attention: `softmax(q kᵀ · scale [+ causal mask]) v`. Inputs `q`, `k` `[b, n, d]`,
 * `v` `[b, n, dv]`, `scale` `[1]`; output `output` `[b, n, dv]`.
 */
export function exactAttentionGraph(dtype: FloatDType, causal: boolean): OnnxGraph {
  const g = new Builder(dtype);
  const { q, k, v } = attentionInputs(g, 'd', 'dv');
  const scale = g.input('scale', [1]);
  // Scaling q (n·d values) is cheaper than scaling the n² logits.
  let s = g.op('MatMul', [g.op('Mul', [q, scale]), g.transpose(k, [0, 2, 1])]);
  if (causal) {
    // keep[i][j] = i ≥ j from two ranges; masked logits become −1e30 (exp gives exactly 0).
    const n = g.op('Squeeze', [g.slice(g.op('Shape', [q]), 1, 2, 0), g.ints([0])]);
    const positions = g.op('Range', [g.ints([0], true), n, g.ints([1], true)]);
    const rows = g.op('Unsqueeze', [positions, g.ints([1])]);
    const cols = g.op('Unsqueeze', [positions, g.ints([0])]);
    s = g.op('Where', [g.op('GreaterOrEqual', [rows, cols]), s, g.floats([-1e30])]);
  }
  const p = g.op('Softmax', [s], [attr.int('axis', -1)]);
  g.output('output', g.op('MatMul', [p, v]), ['b', 'n', 'dv']);
  return g.graph(`attention_exact_${dtype}${causal ? '_causal' : ''}`);
}

/** The inputs of the random-feature graphs: `q`, `k` `[b, n, d]`, `v` `[b, n, dv]`, `wt` `[d, m]`, `halfSq` `[1]`. */
function featureInputs(g: Builder, m: number, dv: number) {
  return {
    ...attentionInputs(g, 'd', dv),
    wt: g.input('wt', ['d', m]),
    halfSq: g.input('halfSq', [1]),
  };
}

/**
 * The shared core of the random-feature graphs, on the inputs of {@link featureInputs}: the features
 * of queries and keys (`hyperbolic`: `2m` of them), keys scaled by the head's largest log-scale
 * `top`, and the feature sums `Σ_j φ(q_i)ᵀφ̃(k_j) [v_j, 1]` (`[b, n, dv + 1]`).
 */
function randomFeatureSums(
  g: Builder,
  inputs: ReturnType<typeof featureInputs>,
  m: number,
  dv: number,
  hyperbolic: boolean,
  causal: boolean,
  chunk: number,
) {
  const { q, k, v, wt, halfSq } = inputs;
  const qr = randomFeatures(g, q, wt, halfSq, hyperbolic);
  const kr = randomFeatures(g, k, wt, halfSq, hyperbolic);
  const { keys, top } = scaledKeys(g, kr.features, kr.log);
  const f = hyperbolic ? 2 * m : m;
  const sums = featureSums(g, qr.features, keys, g.appendOnes(v), f, dv + 1, causal, chunk);
  return { qr, kr, top, sums };
}

/**
 * Performer FAVOR+: inputs `q`, `k` `[b, n, d]`, `v` `[b, n, dv]`, `wt` `[d, m]` (the projection,
 * transposed and scaled by `d^(−1/4)`), `halfSq` `[1]` (`d^(−1/2) / 2`), `eps` `[1]`, and when causal
 * `pads`, `length`; output `output` `[b, n, dv]`. Keys are stabilised by the head's largest
 * log-scale (the TypeScript path keeps a running one when causal).
 */
export function performerGraph(
  dtype: FloatDType,
  variant: 'positive' | 'hyperbolic',
  causal: boolean,
  m: number,
  dv: number,
  chunk = CAUSAL_CHUNK,
): OnnxGraph {
  const g = new Builder(dtype);
  const inputs = featureInputs(g, m, dv);
  const eps = g.input('eps', [1]);
  const { sums } = randomFeatureSums(g, inputs, m, dv, variant === 'hyperbolic', causal, chunk);
  g.output('output', normalise(g, sums, dv, eps), ['b', 'n', dv]);
  return g.graph(`attention_performer_${variant}_${dtype}_m${m}_dv${dv}${causal ? `_causal${chunk}` : ''}`);
}

/**
 * Linear attention (`elu + 1` features): inputs `q`, `k` `[b, n, d]`, `v` `[b, n, dv]`, `eps` `[1]`,
 * and when causal `pads`, `length`; output `output` `[b, n, dv]`.
 */
export function linearAttentionGraph(
  dtype: FloatDType,
  causal: boolean,
  d: number,
  dv: number,
  chunk = CAUSAL_CHUNK,
): OnnxGraph {
  const g = new Builder(dtype);
  const { q, k, v } = attentionInputs(g, d, dv);
  const eps = g.input('eps', [1]);
  // elu(x) + 1 = x + 1 for x > 0, else exp(x) (exp of min(x, 0), so the unused branch cannot overflow).
  const zero = g.floats([0]);
  const eluPlusOne = (x: string) =>
    g.op('Where', [
      g.op('Greater', [x, zero]),
      g.op('Add', [x, g.floats([1])]),
      g.op('Exp', [g.op('Min', [x, zero])]),
    ]);
  const sums = featureSums(g, eluPlusOne(q), eluPlusOne(k), g.appendOnes(v), d, dv + 1, causal, chunk);
  g.output('output', normalise(g, sums, dv, eps), ['b', 'n', dv]);
  return g.graph(`attention_linear_${dtype}_d${d}_dv${dv}${causal ? `_causal${chunk}` : ''}`);
}

/**
 * Linformer: inputs `q`, `k` `[b, n, d]`, `v` `[b, n, dv]`, `e`, `f` `[kp, n]`, `scale` `[1]`;
 * output `output` = `softmax(q (e k)ᵀ · scale) (f v)`, `[b, n, dv]`.
 */
export function linformerGraph(dtype: FloatDType): OnnxGraph {
  const g = new Builder(dtype);
  const { q, k, v } = attentionInputs(g, 'd', 'dv');
  const e = g.input('e', ['kp', 'n']);
  const f = g.input('f', ['kp', 'n']);
  const scale = g.input('scale', [1]);
  const kProj = g.op('MatMul', [e, k]); // [b, kp, d]
  const vProj = g.op('MatMul', [f, v]); // [b, kp, dv]
  const s = g.op('Mul', [g.op('MatMul', [q, g.transpose(kProj, [0, 2, 1])]), scale]);
  const p = g.op('Softmax', [s], [attr.int('axis', -1)]);
  g.output('output', g.op('MatMul', [p, vProj]), ['b', 'n', 'dv']);
  return g.graph(`attention_linformer_${dtype}`);
}

/**
 * The feature and low-rank part of Scatterbrain: inputs as {@link performerGraph} (positive
 * features, no `eps`); outputs `qf`, `kf` (`exp(proj − rowmax)`, `[b, n, m]`), `qLog`, `kLog`
 * (`[b, n, 1]`), `top` (`[b, 1, 1]`, the head's largest key log-scale) and `low`
 * (`Σ_j φ̃(q_i)ᵀφ̃(k_j) [v_j, 1]`, `[b, n, dv + 1]`, in units of `exp(qLog_i + top − log m)`).
 */
export function scatterbrainLowRankGraph(
  dtype: FloatDType,
  causal: boolean,
  m: number,
  dv: number,
  chunk = CAUSAL_CHUNK,
): OnnxGraph {
  const g = new Builder(dtype);
  const {
    qr,
    kr,
    top,
    sums: low,
  } = randomFeatureSums(g, featureInputs(g, m, dv), m, dv, false, causal, chunk);
  g.output('qf', qr.features, ['b', 'n', m]);
  g.output('kf', kr.features, ['b', 'n', m]);
  g.output('qLog', qr.log, ['b', 'n', 1]);
  g.output('kLog', kr.log, ['b', 'n', 1]);
  g.output('top', top, ['b', 1, 1]);
  g.output('low', low, ['b', 'n', dv + 1]);
  return g.graph(`attention_sb_lowrank_${dtype}_m${m}_dv${dv}${causal ? `_causal${chunk}` : ''}`);
}

/** The Pad amounts (`pads`) and true length (`length`) feeds of a causal feature graph. */
export function causalChunkFeeds(n: number, chunk = CAUSAL_CHUNK) {
  const padded = Math.max(chunk, Math.ceil(n / chunk) * chunk);
  return {
    pads: {
      type: 'int64' as const,
      data: BigInt64Array.of(0n, 0n, 0n, 0n, BigInt(padded - n), 0n),
      dims: [6],
    },
    length: { type: 'int64' as const, data: BigInt64Array.of(BigInt(n)), dims: [1] },
  };
}
