import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { LowRankLinear } from '../../../../src/core/efficient/layers/low-rank-linear.js';
import { householderQr, truncatedSvd } from '../../../../src/core/efficient/layers/truncated-svd.js';
import { Random } from '../../../../src/core/random.js';
import { ortNodeKernels } from '../../../../src/node/tensor/node-kernels.js';
import { needs, PYTHON } from '../../../helpers/references.js';

const numpy = needs('numpy');

/** numpy's singular values of `a`, and the Frobenius and spectral norms of `a − approx`. */
function numpyCheck(a: Float64Array, approx: Float64Array, m: number, n: number) {
  const script = `
import json, sys
import numpy as np
d = json.load(sys.stdin)
a = np.array(d["a"]).reshape(${m}, ${n}); r = a - np.array(d["approx"]).reshape(${m}, ${n})
print(json.dumps({"s": np.linalg.svd(a, compute_uv=False).tolist(), "fro": float(np.linalg.norm(r)), "spec": float(np.linalg.norm(r, 2))}))`;
  const run = spawnSync(PYTHON, ['-c', script], {
    input: JSON.stringify({ a: Array.from(a), approx: Array.from(approx) }),
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as { s: number[]; fro: number; spec: number };
}

/** An m × n matrix with singular values `0.85^i` (random orthogonal factors from QR). */
function decaying(seed: number, m: number, n: number): Float64Array {
  const rng = new Random(seed);
  const k = Math.min(m, n);
  const g = (rows: number, cols: number) => rng.fillNormal(new Float64Array(rows * cols));
  const { q: qu } = householderQr(g(m, k), m, k);
  const { q: qv } = householderQr(g(n, k), n, k);
  const a = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let c = 0; c < k; c++) s += qu[i * k + c] * 0.85 ** c * qv[j * k + c];
      a[i * n + j] = s;
    }
  }
  return a;
}

function reconstruct(u: Float64Array, s: Float64Array, vt: Float64Array, m: number, n: number, r: number) {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let c = 0; c < r; c++) acc += u[i * r + c] * s[c] * vt[c * n + j];
      out[i * n + j] = acc;
    }
  }
  return out;
}

describe('householderQr', () => {
  it('gives orthonormal Q and upper-triangular R with Q·R = A, also for rank-deficient A', () => {
    const rng = new Random(1);
    const m = 30;
    const k = 8;
    const a = rng.fillNormal(new Float64Array(m * k));
    for (let i = 0; i < m; i++) a[i * k + 5] = 2 * a[i * k + 1]; // column 5 repeats column 1
    const { q, r } = householderQr(a, m, k);
    for (let x = 0; x < k; x++) {
      for (let y = 0; y < k; y++) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += q[i * k + x] * q[i * k + y];
        expect(dot).toBeCloseTo(x === y ? 1 : 0, 12);
        if (y < x) expect(r[x * k + y]).toBe(0);
      }
    }
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let c = 0; c < k; c++) s += q[i * k + c] * r[c * k + j];
        expect(s).toBeCloseTo(a[i * k + j], 12);
      }
    }
  });
});

numpy.describe('truncatedSvd against numpy', () => {
  const m = 90;
  const n = 60;
  const a = decaying(2, m, n);

  it.each([1, 5, 20])(
    'rank %i: singular values match and the error is the tail (Eckart–Young)',
    async (r) => {
      const { u, s, vt } = await truncatedSvd(a, m, n, r, { seed: 3 });
      const check = numpyCheck(a, reconstruct(u, s, vt, m, n, r), m, n);
      for (let c = 0; c < r; c++) expect(s[c]).toBeCloseTo(check.s[c], 9);
      const tail = Math.sqrt(check.s.slice(r).reduce((p, x) => p + x * x, 0));
      expect(check.fro / tail).toBeCloseTo(1, 6);
      expect(check.spec / check.s[r]).toBeCloseTo(1, 6);
    },
  );

  it('at full rank reconstructs exactly', async () => {
    const r = Math.min(m, n);
    const { u, s, vt } = await truncatedSvd(a, m, n, r, { seed: 4, powerIterations: 0 });
    const check = numpyCheck(a, reconstruct(u, s, vt, m, n, r), m, n);
    expect(check.fro).toBeLessThan(1e-12 * Math.sqrt(m * n));
    for (let c = 0; c < r; c++) expect(s[c]).toBeCloseTo(check.s[c], 10);
  });

  it('runs its products on ONNX Runtime in float32 to float32 accuracy', async () => {
    const kernels = ortNodeKernels({ intraOpNumThreads: 1 });
    try {
      const r = 10;
      const { u, s, vt } = await truncatedSvd(Float32Array.from(a), m, n, r, { seed: 5, kernels });
      const check = numpyCheck(a, reconstruct(u, s, vt, m, n, r), m, n);
      const tail = Math.sqrt(check.s.slice(r).reduce((p, x) => p + x * x, 0));
      expect(check.fro / tail).toBeCloseTo(1, 3);
    } finally {
      await kernels.release();
    }
  });
});

describe('LowRankLinear', () => {
  const din = 12;
  const dout = 9;
  const batch = 5;
  const rng = new Random(6);
  const w = rng.fillNormal(new Float32Array(dout * din));
  const bias = rng.fillNormal(new Float32Array(dout));
  const x = rng.fillNormal(new Float32Array(batch * din));

  it('at full rank equals the dense layer', async () => {
    const layer = await LowRankLinear.fromDense(w, dout, din, 9, { bias });
    const { output } = await layer.forward(x, batch);
    for (let i = 0; i < batch; i++) {
      for (let j = 0; j < dout; j++) {
        let s = bias[j];
        for (let c = 0; c < din; c++) s += x[i * din + c] * w[j * din + c];
        expect(output[i * dout + j]).toBeCloseTo(s, 4);
      }
    }
    expect(layer.parameterCount).toBe(9 * (din + dout) + dout);
  });

  it('at rank r holds the best rank-r weight: its error is the tail of the spectrum', async () => {
    const full = await truncatedSvd(Float64Array.from(w), dout, din, 9);
    const layer = await LowRankLinear.fromDense(w, dout, din, 3, { powerIterations: 6 });
    const approx = await layer.denseWeights();
    let err = 0;
    for (let i = 0; i < w.length; i++) err += (w[i] - approx[i]) ** 2;
    const tail = full.s.slice(3).reduce((p, s) => p + s * s, 0);
    expect(Math.sqrt(err / tail)).toBeCloseTo(1, 4);
  });

  it('backward equals the naive gradients of y = x(UV)ᵀ + b', async () => {
    const r = 4;
    const layer = new LowRankLinear({ inputDim: din, outputDim: dout, rank: r, seed: 7, bias });
    const { output, hidden } = await layer.forward(x, batch);
    const gy = rng.fillNormal(new Float32Array(batch * dout));
    const g = await layer.backward(x, batch, hidden, gy);
    const { u, v } = layer;
    // Loss = Σ gy ⊙ y, written out with plain loops in float64.
    const h = (i: number, c: number) => {
      let s = 0;
      for (let k = 0; k < din; k++) s += x[i * din + k] * v[c * din + k];
      return s;
    };
    for (let i = 0; i < batch; i++) {
      for (let j = 0; j < dout; j++) {
        let y = bias[j];
        for (let c = 0; c < r; c++) y += h(i, c) * u[j * r + c];
        expect(output[i * dout + j]).toBeCloseTo(y, 4);
      }
    }
    for (let j = 0; j < dout; j++) {
      for (let c = 0; c < r; c++) {
        let s = 0;
        for (let i = 0; i < batch; i++) s += gy[i * dout + j] * h(i, c);
        expect(g.u[j * r + c]).toBeCloseTo(s, 4);
      }
      let sb = 0;
      for (let i = 0; i < batch; i++) sb += gy[i * dout + j];
      expect(g.bias[j]).toBeCloseTo(sb, 4);
    }
    for (let c = 0; c < r; c++) {
      for (let k = 0; k < din; k++) {
        let s = 0;
        for (let i = 0; i < batch; i++)
          for (let j = 0; j < dout; j++) s += gy[i * dout + j] * u[j * r + c] * x[i * din + k];
        expect(g.v[c * din + k]).toBeCloseTo(s, 4);
      }
    }
    for (let i = 0; i < batch; i++) {
      for (let k = 0; k < din; k++) {
        let s = 0;
        for (let j = 0; j < dout; j++)
          for (let c = 0; c < r; c++) s += gy[i * dout + j] * u[j * r + c] * v[c * din + k];
        expect(g.input[i * din + k]).toBeCloseTo(s, 4);
      }
    }
  });
});
