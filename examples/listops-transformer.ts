/**
 * Trains a small transformer on Long Range Arena's ListOps (at a reduced length) with
 * TensorFlow.js on its WebAssembly backend, with pluggable attention, and reports test accuracy
 * beside the majority class.
 *
 *   npx tsx examples/listops-transformer.ts [--attention exact|linear|performer|local]
 *     [--train 2000] [--test 500] [--min-length 20] [--max-length 128] [--epochs 2] [--batch 32]
 *     [--layers 2] [--dim 64] [--heads 1] [--lr 0.001] [--seed 0]
 *     [--dump DIR] [--dump-n 128,1024,4096] [--dump-count 2] [--dump-layer last]
 *
 * The attention methods are written with tfjs ops here, so that tfjs can differentiate them:
 * Tessera's own attention functions (`src/core/efficient/attention`) run on typed arrays and have no
 * gradients. `performer` reuses Tessera's random-feature matrix; `local` is exact attention with a
 * band mask (same result as local attention, quadratic cost). Positions are sinusoidal, so the
 * trained model runs on inputs of any length: `--dump` writes the Q, K and V of one layer for test
 * expressions of each `--dump-n` tokens (the first n tokens of longer expressions) as `.npy` files
 * of shape `[count, heads, n, dim/heads]`, the "real attention" input of `npm run bench -- attention`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { randomFeatureMatrix } from '../src/core/efficient/attention/performer.js';
import { npyHeader } from '../src/core/io/store/npy.js';
import {
  generateListOps,
  LISTOPS_END,
  LISTOPS_OPERATORS,
  type ListOpsExample,
  listOpsTokens,
} from '../src/datasets/index.js';

/** Token ids: 0 pads, then the ten digits, the four operators and the closing bracket. */
export const LISTOPS_VOCAB = ['<pad>', ...'0123456789'.split(''), ...LISTOPS_OPERATORS, LISTOPS_END];
const TOKEN_ID = new Map(LISTOPS_VOCAB.map((t, i) => [t, i]));

/** Token ids of one source text (parentheses dropped). */
export function encodeListOps(source: string): number[] {
  return listOpsTokens(source).map((t) => {
    const id = TOKEN_ID.get(t);
    if (id === undefined) throw new Error(`unknown ListOps token ${t}`);
    return id;
  });
}

/** The attention methods of the example. */
export type AttentionKind = 'exact' | 'linear' | 'performer' | 'local';

/** How one attention call is computed. */
export interface AttentionConfig {
  kind: AttentionKind;
  /** Performer: the projection `[m, dh]` (float64, from `randomFeatureMatrix`). */
  projection?: Float64Array;
  /** Local: half-width of the window. */
  window?: number;
}

/**
 * Attention over `q`, `k`, `v` of shape `[batch, heads, n, dh]` with `keyMask` `[batch, n]` (1 for a
 * token, 0 for padding), in tfjs ops: differentiable and run on whatever backend is active.
 */
export function attention(
  q: tf.Tensor4D,
  k: tf.Tensor4D,
  v: tf.Tensor4D,
  keyMask: tf.Tensor2D,
  config: AttentionConfig,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [b, , n, dh] = q.shape;
    const mask4 = keyMask.reshape([b, 1, n, 1]) as tf.Tensor4D; // per key, as rows of k
    if (config.kind === 'exact' || config.kind === 'local') {
      let logits = tf.matMul(q, k, false, true).mul(1 / Math.sqrt(dh)) as tf.Tensor4D;
      let allowed = keyMask.reshape([b, 1, 1, n]) as tf.Tensor;
      if (config.kind === 'local') {
        const w = config.window ?? 16;
        const i = tf.range(0, n).reshape([n, 1]);
        const j = tf.range(0, n).reshape([1, n]);
        const band = tf.lessEqual(tf.abs(tf.sub(i, j)), w).cast('float32');
        allowed = allowed.mul(band.reshape([1, 1, n, n]));
      }
      logits = logits.add(tf.sub(1, allowed).mul(-1e9)) as tf.Tensor4D;
      return tf.matMul(tf.softmax(logits), v) as tf.Tensor4D;
    }
    let qf: tf.Tensor4D;
    let kf: tf.Tensor4D;
    if (config.kind === 'linear') {
      qf = tf.elu(q).add(1) as tf.Tensor4D;
      kf = tf.elu(k).add(1) as tf.Tensor4D;
    } else {
      const w = config.projection;
      if (!w) throw new Error('performer attention needs a projection');
      const m = w.length / dh;
      const scale = dh ** -0.25;
      // [dh, m], already multiplied by the input scale d^(−1/4).
      const wT = tf
        .tensor2d(
          Float32Array.from(w, (x) => x * scale),
          [m, dh],
        )
        .transpose();
      const proj = (x: tf.Tensor4D) =>
        dense(x.reshape([-1, dh]) as tf.Tensor2D, wT).reshape([b, -1, n, m]) as tf.Tensor4D;
      const sqHalf = (x: tf.Tensor4D) =>
        x
          .square()
          .sum(-1, true)
          .mul(scale * scale * 0.5);
      const qp = proj(q).sub(sqHalf(q));
      const kp = proj(k).sub(sqHalf(k));
      // Stabilised: each query row by its own max, the keys by one max per (batch, head); both
      // factors cancel in the normalisation. The maxima carry no gradient.
      qf = tf.exp(qp.sub(stopGradient(qp.max(-1, true)))) as tf.Tensor4D;
      kf = tf.exp(kp.sub(stopGradient(kp.max([2, 3], true)))) as tf.Tensor4D;
    }
    kf = kf.mul(mask4) as tf.Tensor4D;
    const kv = tf.matMul(kf, v, true, false); // [b, h, f, dv]
    const z = kf.sum(2, true); // [b, h, 1, f]
    const num = tf.matMul(qf, kv);
    const den = qf.mul(z).sum(-1, true).add(1e-6);
    return num.div(den) as tf.Tensor4D;
  });
}

/**
 * `a · b` for 2-d tensors, with a gradient that transposes explicitly: the wasm backend's product
 * with a transpose flag (which tfjs's own gradient uses) runs about 8× slower than a transpose
 * followed by a plain product.
 */
const denseGrad = (a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as tf.Tensor2D[];
      return [tf.matMul(dy as tf.Tensor2D, sb.transpose()), tf.matMul(sa.transpose(), dy as tf.Tensor2D)];
    },
  };
};
const dense = tf.customGrad(denseGrad as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (
  a: tf.Tensor,
  b: tf.Tensor,
) => tf.Tensor2D;

/** The identity with a zero gradient (tfjs has no stop-gradient op). */
const stopGradientFunc = (x: tf.Tensor) => ({
  value: x.clone(),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
});
const stopGradient = tf.customGrad(
  stopGradientFunc as unknown as Parameters<typeof tf.customGrad>[0],
) as unknown as <T extends tf.Tensor>(x: T) => T;

/** Hyper-parameters of the model. */
export interface ModelConfig {
  layers: number;
  dim: number;
  heads: number;
  hidden: number;
  attention: AttentionConfig;
}

interface LayerWeights {
  ln1g: tf.Variable;
  ln1b: tf.Variable;
  wq: tf.Variable;
  wk: tf.Variable;
  wv: tf.Variable;
  wo: tf.Variable;
  ln2g: tf.Variable;
  ln2b: tf.Variable;
  w1: tf.Variable;
  b1: tf.Variable;
  w2: tf.Variable;
  b2: tf.Variable;
}

/** A pre-norm transformer encoder with mean pooling and a 10-way classifier. */
export class ListOpsTransformer {
  readonly embedding: tf.Variable;
  readonly layers: LayerWeights[] = [];
  readonly lnFg: tf.Variable;
  readonly lnFb: tf.Variable;
  readonly wc: tf.Variable;
  readonly bc: tf.Variable;

  constructor(
    readonly config: ModelConfig,
    seed: number,
  ) {
    const { dim, hidden } = config;
    let s = seed;
    const glorot = (shape: [number, number]) =>
      tf.variable(tf.randomNormal(shape, 0, Math.sqrt(2 / (shape[0] + shape[1])), 'float32', s++));
    const ones = (n: number) => tf.variable(tf.ones([n]));
    const zeros = (n: number) => tf.variable(tf.zeros([n]));
    this.embedding = tf.variable(tf.randomNormal([LISTOPS_VOCAB.length, dim], 0, 1, 'float32', s++));
    for (let l = 0; l < config.layers; l++) {
      this.layers.push({
        ln1g: ones(dim),
        ln1b: zeros(dim),
        wq: glorot([dim, dim]),
        wk: glorot([dim, dim]),
        wv: glorot([dim, dim]),
        wo: glorot([dim, dim]),
        ln2g: ones(dim),
        ln2b: zeros(dim),
        w1: glorot([dim, hidden]),
        b1: zeros(hidden),
        w2: glorot([hidden, dim]),
        b2: zeros(dim),
      });
    }
    this.lnFg = ones(dim);
    this.lnFb = zeros(dim);
    this.wc = glorot([dim, 10]);
    this.bc = zeros(10);
  }

  /**
   * Logits `[batch, 10]` for token ids `[batch, n]` (0 = padding). `capture` receives the Q, K and V
   * (`[batch, heads, n, dh]`) of every layer when given.
   */
  forward(
    ids: tf.Tensor2D,
    capture?: (layer: number, q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D) => void,
  ) {
    const [b, n] = ids.shape;
    const { dim, heads } = this.config;
    const dh = dim / heads;
    const mask = tf.notEqual(ids, 0).cast('float32') as tf.Tensor2D;
    // One-hot times the table rather than gather: wasm has no kernel for gather's gradient.
    const onehot = tf.oneHot(ids.reshape([b * n]) as tf.Tensor1D, LISTOPS_VOCAB.length);
    let x = dense(onehot, this.embedding).reshape([b, n, dim]).add(sinusoid(n, dim)) as tf.Tensor3D;
    const split = (t: tf.Tensor) => t.reshape([b, n, heads, dh]).transpose([0, 2, 1, 3]) as tf.Tensor4D;
    this.layers.forEach((w, l) => {
      const h = layerNorm(x, w.ln1g, w.ln1b).reshape([b * n, dim]) as tf.Tensor2D;
      const q = split(dense(h, w.wq));
      const k = split(dense(h, w.wk));
      const v = split(dense(h, w.wv));
      capture?.(l, q, k, v);
      const a = attention(q, k, v, mask, this.config.attention)
        .transpose([0, 2, 1, 3])
        .reshape([b * n, dim]) as tf.Tensor2D;
      x = x.add(dense(a, w.wo).reshape([b, n, dim])) as tf.Tensor3D;
      const h2 = layerNorm(x, w.ln2g, w.ln2b).reshape([b * n, dim]) as tf.Tensor2D;
      const f = dense(tf.relu(dense(h2, w.w1).add(w.b1)) as tf.Tensor2D, w.w2).add(w.b2);
      x = x.add(f.reshape([b, n, dim])) as tf.Tensor3D;
    });
    x = layerNorm(x, this.lnFg, this.lnFb);
    const m3 = mask.reshape([b, n, 1]);
    const pooled = x.mul(m3).sum(1).div(m3.sum(1)) as tf.Tensor2D;
    return dense(pooled, this.wc).add(this.bc) as tf.Tensor2D;
  }
}

function layerNorm(x: tf.Tensor3D, g: tf.Variable, b: tf.Variable): tf.Tensor3D {
  const { mean, variance } = tf.moments(x, -1, true);
  return x.sub(mean).div(variance.add(1e-5).sqrt()).mul(g).add(b) as tf.Tensor3D;
}

const sinusoidCache = new Map<string, tf.Tensor2D>();

/** Sinusoidal position encodings `[n, dim]` (Vaswani et al.), cached per shape. */
function sinusoid(n: number, dim: number): tf.Tensor2D {
  const key = `${n}x${dim}`;
  let t = sinusoidCache.get(key);
  if (!t) {
    const data = new Float32Array(n * dim);
    for (let p = 0; p < n; p++) {
      for (let i = 0; i < dim; i += 2) {
        const angle = p / 10000 ** (i / dim);
        data[p * dim + i] = Math.sin(angle);
        if (i + 1 < dim) data[p * dim + i + 1] = Math.cos(angle);
      }
    }
    t = tf.keep(tf.tensor2d(data, [n, dim]));
    sinusoidCache.set(key, t);
  }
  return t;
}

/** Token ids of `examples`, padded with 0 to the longest (rounded up to a multiple of 16). */
function batchIds(examples: readonly ListOpsExample[], truncate?: number): tf.Tensor2D {
  const seqs = examples.map((e) => encodeListOps(e.source).slice(0, truncate));
  const n = Math.ceil(Math.max(...seqs.map((s) => s.length)) / 16) * 16;
  const ids = new Int32Array(seqs.length * n);
  for (const [r, s] of seqs.entries()) ids.set(s, r * n);
  return tf.tensor2d(ids, [seqs.length, n], 'int32');
}

/** Mini-batches of similar length (sorted within shuffled windows), so little compute goes to padding. */
function batches(examples: readonly ListOpsExample[], size: number, rng: () => number): ListOpsExample[][] {
  const order = examples.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const out: ListOpsExample[][] = [];
  const window = size * 16;
  for (let w0 = 0; w0 < order.length; w0 += window) {
    const chunk = order.slice(w0, w0 + window).sort((a, b) => examples[a].length - examples[b].length);
    for (let b0 = 0; b0 < chunk.length; b0 += size)
      out.push(chunk.slice(b0, b0 + size).map((i) => examples[i]));
  }
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Accuracy of the model on `examples`. */
export function accuracy(model: ListOpsTransformer, examples: readonly ListOpsExample[], batch = 64): number {
  let correct = 0;
  const sorted = [...examples].sort((a, b) => a.length - b.length);
  for (let b0 = 0; b0 < sorted.length; b0 += batch) {
    const chunk = sorted.slice(b0, b0 + batch);
    const pred = tf.tidy(() => model.forward(batchIds(chunk)).argMax(-1));
    const p = pred.dataSync();
    pred.dispose();
    chunk.forEach((e, i) => {
      if (p[i] === e.target) correct++;
    });
  }
  return correct / examples.length;
}

function writeNpy(path: string, data: Float32Array, shape: number[]): void {
  const header = npyHeader('float32', shape);
  const bytes = new Uint8Array(header.length + data.byteLength);
  bytes.set(header, 0);
  bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), header.length);
  writeFileSync(path, bytes);
}

/** Options of {@link runListOps}. */
export interface ListOpsRunOptions {
  attention: AttentionKind;
  train: number;
  test: number;
  minLength: number;
  maxLength: number;
  epochs: number;
  batch: number;
  layers: number;
  dim: number;
  heads: number;
  lr: number;
  seed: number;
  features: number;
  window: number;
  dump?: string;
  dumpN: number[];
  dumpCount: number;
  dumpLayer: number | 'last';
  log: (line: string) => void;
}

export const DEFAULTS: ListOpsRunOptions = {
  attention: 'exact',
  train: 2000,
  test: 500,
  minLength: 20,
  maxLength: 128,
  epochs: 2,
  batch: 32,
  layers: 2,
  dim: 64,
  heads: 1,
  lr: 1e-3,
  seed: 0,
  features: 64,
  window: 16,
  dumpN: [128, 1024, 4096],
  dumpCount: 2,
  dumpLayer: 'last',
  log: console.log,
};

/** Result of {@link runListOps}. */
export interface ListOpsRunResult {
  testAccuracy: number;
  majorityAccuracy: number;
  majorityLabel: number;
  trainSeconds: number;
  totalSeconds: number;
  backend: string;
  dumped: string[];
}

/** Sets up tfjs on the wasm backend, with the wasm binaries read from node_modules (no download). */
export async function useWasmBackend(): Promise<string> {
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  setWasmPaths(`${dist}/`);
  await tf.setBackend('wasm');
  await tf.ready();
  return tf.getBackend();
}

/** Generates the data, trains, evaluates and (optionally) dumps Q, K, V. */
export async function runListOps(options: Partial<ListOpsRunOptions> = {}): Promise<ListOpsRunResult> {
  const o = { ...DEFAULTS, ...options };
  const start = performance.now();
  const backend = await useWasmBackend();
  const sets = generateListOps({
    train: o.train,
    val: 0,
    test: o.test,
    minLength: o.minLength,
    maxLength: o.maxLength,
    seed: o.seed,
  });
  const counts = new Array(10).fill(0);
  for (const e of sets.train) counts[e.target]++;
  const majorityLabel = counts.indexOf(Math.max(...counts));
  const majorityAccuracy = sets.test.filter((e) => e.target === majorityLabel).length / sets.test.length;
  const dh = o.dim / o.heads;
  if (!Number.isInteger(dh)) throw new Error(`--dim ${o.dim} is not a multiple of --heads ${o.heads}`);
  const model = new ListOpsTransformer(
    {
      layers: o.layers,
      dim: o.dim,
      heads: o.heads,
      hidden: 2 * o.dim,
      attention: {
        kind: o.attention,
        projection:
          o.attention === 'performer' ? randomFeatureMatrix(o.features, dh, { seed: o.seed }) : undefined,
        window: o.window,
      },
    },
    o.seed,
  );
  o.log(
    `ListOps: ${sets.train.length} train / ${sets.test.length} test, lengths (${o.minLength}, ${o.maxLength}); ` +
      `${o.layers} layers, dim ${o.dim}, ${o.heads} head(s), ${o.attention} attention; tfjs ${backend}`,
  );
  const optimizer = tf.train.adam(o.lr);
  let state = o.seed + 1;
  const rng = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const trainStart = performance.now();
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    let lossSum = 0;
    let steps = 0;
    for (const batch of batches(sets.train, o.batch, rng)) {
      const loss = tf.tidy(() => {
        const ids = batchIds(batch);
        const labels = tf.oneHot(
          tf.tensor1d(
            batch.map((e) => e.target),
            'int32',
          ),
          10,
        );
        const cost = () => tf.losses.softmaxCrossEntropy(labels, model.forward(ids)) as tf.Scalar;
        return optimizer.minimize(cost, true) as tf.Scalar;
      });
      lossSum += (await loss.data())[0];
      loss.dispose();
      steps++;
    }
    const secs = (performance.now() - trainStart) / 1e3;
    o.log(`  epoch ${epoch + 1}: mean loss ${(lossSum / steps).toFixed(3)}, ${secs.toFixed(0)} s`);
  }
  const trainSeconds = (performance.now() - trainStart) / 1e3;
  const testAccuracy = accuracy(model, sets.test);
  const dumped: string[] = [];
  if (o.dump) {
    mkdirSync(o.dump, { recursive: true });
    const layer = o.dumpLayer === 'last' ? o.layers - 1 : o.dumpLayer;
    for (const n of o.dumpN) {
      // The first n tokens of test expressions longer than n (truncated: every position a token).
      const long = generateListOps({
        train: 0,
        val: 0,
        test: o.dumpCount,
        minLength: n,
        maxLength: Math.max(2 * n, 2000),
        seed: o.seed + 1000 + n,
      }).test;
      const got: Record<'q' | 'k' | 'v', Float32Array | undefined> = {
        q: undefined,
        k: undefined,
        v: undefined,
      };
      tf.tidy(() => {
        model.forward(batchIds(long, n), (l, q, k, v) => {
          if (l !== layer) return;
          got.q = q.dataSync() as Float32Array;
          got.k = k.dataSync() as Float32Array;
          got.v = v.dataSync() as Float32Array;
        });
      });
      for (const name of ['q', 'k', 'v'] as const) {
        const path = join(o.dump, `listops-${name}-n${n}.npy`);
        writeNpy(path, got[name]!, [o.dumpCount, o.heads, n, dh]);
        dumped.push(path);
      }
    }
  }
  return {
    testAccuracy,
    majorityAccuracy,
    majorityLabel,
    trainSeconds,
    totalSeconds: (performance.now() - start) / 1e3,
    backend,
    dumped,
  };
}

function parseArgs(argv: string[]): Partial<ListOpsRunOptions> {
  const o: Partial<ListOpsRunOptions> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const [key, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${key} needs a value`);
    const num = Number(value);
    switch (key) {
      case '--attention':
        if (!['exact', 'linear', 'performer', 'local'].includes(value))
          throw new Error(`unknown attention ${value}`);
        o.attention = value as AttentionKind;
        break;
      case '--dump':
        o.dump = value;
        break;
      case '--dump-n':
        o.dumpN = value.split(',').map(Number);
        break;
      case '--dump-layer':
        o.dumpLayer = value === 'last' ? 'last' : num;
        break;
      default: {
        const name = key.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
        if (!(name in DEFAULTS) || Number.isNaN(num)) throw new Error(`unknown option ${key} ${value}`);
        (o as Record<string, number>)[name] = num;
      }
    }
  }
  return o;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const r = await runListOps(parseArgs(process.argv.slice(2)));
  console.log(
    `test accuracy ${(100 * r.testAccuracy).toFixed(1)}% vs majority class (label ${r.majorityLabel}) ` +
      `${(100 * r.majorityAccuracy).toFixed(1)}%; trained in ${r.trainSeconds.toFixed(0)} s, ` +
      `total ${r.totalSeconds.toFixed(0)} s (tfjs ${r.backend})`,
  );
  for (const p of r.dumped) console.log(`wrote ${p}`);
}

export const EXAMPLE_DIR = dirname(fileURLToPath(import.meta.url));
