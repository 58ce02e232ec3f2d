import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { exactAttentionGraph, performerGraph } from '../../../src/core/efficient/attention/graphs.js';
import {
  exactAttention,
  linearAttention,
  linformerAttention,
  performerAttention,
  scatterbrainAttention,
} from '../../../src/core/efficient/attention/index.js';
import {
  encodeModel,
  type FloatArray,
  type GraphKernels,
  SizeDispatchKernels,
} from '../../../src/core/tensor/index.js';
import { ortNodeKernels, tsKernels } from '../../../src/node/tensor/node-kernels.js';
import { type AttentionRun, inputs, relFrobenius } from './helpers.js';

const ortKernels = ortNodeKernels({ intraOpNumThreads: 2 });
afterAll(() => ortKernels.release());

/** ONNX Runtime kernels that remember which graphs they ran. */
function recording(): { kernels: GraphKernels; ran: string[] } {
  const ran: string[] = [];
  const kernels = Object.create(ortKernels) as GraphKernels;
  kernels.runGraph = (graph, feeds, fetch) => {
    ran.push(graph.name);
    return ortKernels.runGraph(graph, feeds, fetch);
  };
  return { kernels, ran };
}

// n = 100 is not a multiple of the causal chunk (64): two chunks, the last padded.
const N = 100;
const D = 8;
const DV = 4;
const shape = { heads: 2, n: N, d: D, dv: DV };
const methods: Record<string, { run: AttentionRun; causal: boolean[] }> = {
  exact: {
    run: async (q, k, v, kernels, causal) =>
      (await exactAttention(q, k, v, shape, { kernels, causal })).output,
    causal: [false, true],
  },
  performer: {
    run: async (q, k, v, kernels, causal) =>
      (await performerAttention(q, k, v, shape, { kernels, causal, features: 48, seed: 2 })).output,
    causal: [false, true],
  },
  'performer hyperbolic': {
    run: async (q, k, v, kernels, causal) =>
      (
        await performerAttention(q, k, v, shape, {
          kernels,
          causal,
          features: 24,
          variant: 'hyperbolic',
          seed: 2,
        })
      ).output,
    causal: [false, true],
  },
  linear: {
    run: async (q, k, v, kernels, causal) =>
      (await linearAttention(q, k, v, shape, { kernels, causal })).output,
    causal: [false, true],
  },
  linformer: {
    run: async (q, k, v, kernels) =>
      (await linformerAttention(q, k, v, shape, { kernels, projectedLength: 20, seed: 2 })).output,
    causal: [false],
  },
  'sb-local': {
    run: async (q, k, v, kernels, causal) =>
      (await scatterbrainAttention(q, k, v, shape, { kernels, causal, window: 5, features: 32, seed: 2 }))
        .output,
    causal: [false, true],
  },
  'sb-smyrf': {
    run: async (q, k, v, kernels, causal) =>
      (
        await scatterbrainAttention(q, k, v, shape, {
          kernels,
          causal,
          variant: 'smyrf',
          clusterSize: 12,
          rounds: 2,
          features: 32,
          seed: 2,
        })
      ).output,
    causal: [false, true],
  },
};

describe('attention as one ONNX graph equals the TypeScript path', () => {
  const x = inputs(81, 2, N, D, DV, 0.9);
  for (const [name, { run, causal: modes }] of Object.entries(methods)) {
    for (const dtype of ['float32', 'float64'] as const) {
      it(`${name} (${dtype})`, async () => {
        const cast = (a: Float64Array) => (dtype === 'float32' ? Float32Array.from(a) : a);
        for (const causal of modes) {
          const { kernels, ran } = recording();
          const viaTs = await run(cast(x.q), cast(x.k), cast(x.v), tsKernels, causal);
          const viaGraph = await run(cast(x.q), cast(x.k), cast(x.v), kernels, causal);
          expect(ran.length).toBe(1);
          expect(ran[0]).toMatch(/^attention_/);
          expect(ran[0].includes('causal')).toBe(causal);
          expect(viaGraph.constructor).toBe(viaTs.constructor);
          expect(relFrobenius(viaGraph, viaTs)).toBeLessThan(dtype === 'float32' ? 2e-5 : 1e-12);
        }
      });
    }
  }

  it('causal graphs never look ahead: future keys and values change earlier rows only by rounding', async () => {
    // SB-SMYRF's clusters depend on every key by design (see scatterbrain.test.ts for what it guarantees).
    const causalMethods = Object.entries(methods).filter(
      ([name, m]) => m.causal.includes(true) && name !== 'sb-smyrf',
    );
    for (const [name, { run }] of causalMethods) {
      const base = await run(x.q, x.k, x.v, ortKernels, true);
      const i = 70;
      const noise = inputs(83, 2, N, D, DV, 1.5);
      const k = Float64Array.from(x.k);
      const v = Float64Array.from(x.v);
      for (let h = 0; h < 2; h++) {
        for (let j = i + 1; j < N; j++) {
          for (let c = 0; c < D; c++) k[(h * N + j) * D + c] = noise.k[(h * N + j) * D + c];
          for (let c = 0; c < DV; c++) v[(h * N + j) * DV + c] = noise.v[(h * N + j) * DV + c];
        }
      }
      const other = await run(x.q, k, v, ortKernels, true);
      const upTo = (a: FloatArray) =>
        [0, 1].flatMap((h) => Array.from(a.subarray(h * N * DV, (h * N + i + 1) * DV)));
      const past = (a: FloatArray) =>
        [0, 1].flatMap((h) => Array.from(a.subarray((h * N + i + 1) * DV, (h + 1) * N * DV)));
      expect(relFrobenius(upTo(other), upTo(base)), name).toBeLessThan(1e-12);
      expect(relFrobenius(past(other), past(base)), name).toBeGreaterThan(1e-3);
    }
  });

  it('size-dispatching kernels run graphs on their large backend; graph: false keeps the TypeScript path', async () => {
    const { kernels, ran } = recording();
    const dispatch = new SizeDispatchKernels(tsKernels, kernels, {
      matmul: 1e12,
      topk: 1e12,
      rowNorms: 1e12,
      reduce: 1e12,
    });
    const a = await exactAttention(x.q, x.k, x.v, shape, { kernels: dispatch });
    expect(ran).toEqual(['attention_exact_float64']);
    const b = await exactAttention(x.q, x.k, x.v, shape, { kernels: dispatch, graph: false });
    const c = await exactAttention(x.q, x.k, x.v, shape, { kernels, returnMatrix: true });
    expect(ran.length).toBe(1);
    expect(relFrobenius(a.output, b.output)).toBeLessThan(1e-12);
    expect(relFrobenius(c.output, b.output)).toBeLessThan(1e-12);
    expect(new SizeDispatchKernels(tsKernels, tsKernels, dispatch.thresholds).runGraph).toBeUndefined();
  });

  it('exported graphs load in a fresh ONNX Runtime session and give the same output', async () => {
    const n = 40;
    const d = 8;
    const y = inputs(82, 1, n, d, d);
    const q = Float32Array.from(y.q);
    const k = Float32Array.from(y.k);
    const v = Float32Array.from(y.v);
    const session = await ort.InferenceSession.create(encodeModel(exactAttentionGraph('float32', true)));
    const out = await session.run({
      q: new ort.Tensor('float32', q, [1, n, d]),
      k: new ort.Tensor('float32', k, [1, n, d]),
      v: new ort.Tensor('float32', v, [1, n, d]),
      scale: new ort.Tensor('float32', Float32Array.of(1 / Math.sqrt(d)), [1]),
    });
    const ref = await exactAttention(q, k, v, { n, d }, { causal: true });
    expect(relFrobenius(out.output.data as Float32Array, ref.output)).toBeLessThan(1e-5);
    await session.release();
    // Graphs are deterministic in their structure: building twice gives the same bytes.
    expect(encodeModel(performerGraph('float32', 'positive', true, 16, 8))).toEqual(
      encodeModel(performerGraph('float32', 'positive', true, 16, 8)),
    );
  });
});
