import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  attention,
  encodeListOps,
  LISTOPS_VOCAB,
  ListOpsTransformer,
  useWasmBackend,
} from '../../examples/listops-transformer.js';
import {
  exactAttention,
  linearAttention,
  localAttention,
  performerAttention,
  randomFeatureMatrix,
} from '../../src/core/efficient/attention/index.js';
import { Random } from '../../src/core/random.js';

const n = 24;
const d = 16;

function gaussian(seed: number, length: number, std = 1): Float32Array {
  const rng = new Random(seed);
  return Float32Array.from({ length }, () => rng.normal() * std);
}

/** tfjs attention on one [n, d] head, no padding, as a flat array. */
function tfAttention(
  q: Float32Array,
  k: Float32Array,
  v: Float32Array,
  config: Parameters<typeof attention>[4],
) {
  return tf.tidy(() => {
    const t = (x: Float32Array) => tf.tensor4d(x, [1, 1, n, d]);
    return attention(t(q), t(k), t(v), tf.ones([1, n]) as tf.Tensor2D, config).dataSync() as Float32Array;
  });
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('ListOps transformer example (tfjs wasm)', () => {
  beforeAll(async () => {
    expect(await useWasmBackend()).toBe('wasm');
  });

  const q = gaussian(1, n * d, 0.7);
  const k = gaussian(2, n * d, 0.7);
  const v = gaussian(3, n * d);
  const shape = { n, d };

  it('computes the same attention as Tessera’s own methods', async () => {
    const exact = (await exactAttention(q, k, v, shape)).output;
    expect(maxAbsDiff(tfAttention(q, k, v, { kind: 'exact' }), exact)).toBeLessThan(1e-5);
    const local = (await localAttention(q, k, v, shape, { window: 3 })).output;
    expect(maxAbsDiff(tfAttention(q, k, v, { kind: 'local', window: 3 }), local)).toBeLessThan(1e-5);
    const linear = (await linearAttention(q, k, v, shape)).output;
    expect(maxAbsDiff(tfAttention(q, k, v, { kind: 'linear' }), linear)).toBeLessThan(1e-4);
    const projection = randomFeatureMatrix(32, d, { seed: 5 });
    const performer = (await performerAttention(q, k, v, shape, { projection })).output;
    expect(maxAbsDiff(tfAttention(q, k, v, { kind: 'performer', projection }), performer)).toBeLessThan(1e-4);
    // and the local window does change the result (the check above is not vacuous)
    expect(maxAbsDiff(local, exact)).toBeGreaterThan(1e-2);
  });

  it('ignores padded keys: a padded sequence gives the unpadded result on its tokens', () => {
    const pad = 8;
    for (const kind of ['exact', 'linear'] as const) {
      const padded = (x: Float32Array) => {
        const out = gaussian(9, (n + pad) * d, 5); // garbage in the padding
        out.set(x, 0);
        return tf.tensor4d(out, [1, 1, n + pad, d]);
      };
      const mask = tf.tensor2d([[...new Array(n).fill(1), ...new Array(pad).fill(0)]]);
      const out = tf.tidy(() => attention(padded(q), padded(k), padded(v), mask, { kind }).dataSync());
      expect(maxAbsDiff(out.subarray(0, n * d), tfAttention(q, k, v, { kind }))).toBeLessThan(1e-5);
    }
  });

  it('encodes ListOps tokens and trains: loss falls on a fixed batch', () => {
    expect(encodeListOps('( ( ( [MAX 2 ) 9 ) ] )')).toEqual([
      LISTOPS_VOCAB.indexOf('[MAX'),
      LISTOPS_VOCAB.indexOf('2'),
      LISTOPS_VOCAB.indexOf('9'),
      LISTOPS_VOCAB.indexOf(']'),
    ]);
    const model = new ListOpsTransformer(
      { layers: 1, dim: 16, heads: 2, hidden: 32, attention: { kind: 'exact' } },
      3,
    );
    const rng = new Random(4);
    const ids = tf.tensor2d(
      Int32Array.from({ length: 8 * 12 }, () => 1 + rng.int(LISTOPS_VOCAB.length - 1)),
      [8, 12],
      'int32',
    );
    const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32'), 10);
    const optimizer = tf.train.adam(0.01);
    const losses: number[] = [];
    for (let s = 0; s < 30; s++) {
      const loss = tf.tidy(
        () =>
          optimizer.minimize(
            () => tf.losses.softmaxCrossEntropy(labels, model.forward(ids)) as tf.Scalar,
            true,
          ) as tf.Scalar,
      );
      losses.push(loss.dataSync()[0]);
      loss.dispose();
    }
    expect(losses[0]).toBeGreaterThan(1.5);
    expect(losses.at(-1)!).toBeLessThan(0.5 * losses[0]);
  });
});
