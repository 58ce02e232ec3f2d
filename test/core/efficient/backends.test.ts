import { afterAll, describe, expect, it } from 'vitest';
import {
  exactAttention,
  linearAttention,
  localAttention,
  performerAttention,
  routingAttention,
  scatterbrainAttention,
  smyrfAttention,
} from '../../../src/core/efficient/attention/index.js';
import { ortNodeKernels, tsKernels } from '../../../src/node/tensor/node-kernels.js';
import { type AttentionRun, inputs, relFrobenius } from './helpers.js';

const ort = ortNodeKernels({ intraOpNumThreads: 2 });
afterAll(() => ort.release());

const shape = { heads: 2, n: 48, d: 16, dv: 8 };
const methods: Record<string, AttentionRun> = {
  exact: async (q, k, v, kernels, causal) =>
    (await exactAttention(q, k, v, shape, { kernels, causal })).output,
  local: async (q, k, v, kernels, causal) =>
    (await localAttention(q, k, v, shape, { kernels, causal, window: 5 })).output,
  linear: async (q, k, v, kernels, causal) =>
    (await linearAttention(q, k, v, shape, { kernels, causal })).output,
  performer: async (q, k, v, kernels, causal) =>
    (await performerAttention(q, k, v, shape, { kernels, causal, features: 64, seed: 3 })).output,
  smyrf: async (q, k, v, kernels, causal) =>
    (await smyrfAttention(q, k, v, shape, { kernels, causal, clusterSize: 12, rounds: 2, seed: 3 })).output,
  routing: async (q, k, v, kernels, causal) =>
    (await routingAttention(q, k, v, shape, { kernels, causal, clusters: 4, seed: 3 })).output,
  'sb-local': async (q, k, v, kernels, causal) =>
    (await scatterbrainAttention(q, k, v, shape, { kernels, causal, window: 4, features: 32, seed: 3 }))
      .output,
  'sb-smyrf': async (q, k, v, kernels, causal) =>
    (
      await scatterbrainAttention(q, k, v, shape, {
        kernels,
        causal,
        variant: 'smyrf',
        clusterSize: 12,
        features: 32,
        seed: 3,
      })
    ).output,
};

describe('attention on ONNX Runtime kernels equals the TypeScript kernels', () => {
  const x = inputs(51, 2, 48, 16, 8, 0.8);
  for (const [name, run] of Object.entries(methods)) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`${name} (${dtype})`, async () => {
        const cast = (a: Float64Array) => (dtype === 'float32' ? Float32Array.from(a) : a);
        for (const causal of [false, true]) {
          const a = await run(cast(x.q), cast(x.k), cast(x.v), tsKernels, causal);
          const b = await run(cast(x.q), cast(x.k), cast(x.v), ort, causal);
          expect(b.constructor).toBe(a.constructor);
          expect(relFrobenius(b, a)).toBeLessThan(dtype === 'float32' ? 1e-5 : 1e-12);
        }
      });
    }
  }
});
