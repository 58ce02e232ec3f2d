import { describe, expect, it } from 'vitest';
import { kmeans, Random, TensorColumn } from '../../../src/index.js';
import { ortNodeKernels } from '../../../src/node/tensor/node-kernels.js';

describe('kmeans on ONNX Runtime kernels', () => {
  it('gives the clustering the TypeScript kernels give', async () => {
    const rng = new Random(2);
    const x = new TensorColumn(
      Float32Array.from({ length: 3000 * 16 }, () => rng.normal()),
      [16],
    );
    const ort = ortNodeKernels();
    try {
      const a = await kmeans(x, { k: 8, seed: 1 });
      const b = await kmeans(x, { k: 8, seed: 1, kernels: ort, blockRows: 1000 });
      // Candidates differ only by float32 rounding, and every switch is confirmed in float64.
      expect(b.iterations).toBe(a.iterations);
      expect(Array.from(b.assignments)).toEqual(Array.from(a.assignments));
      expect(b.inertia).toBeCloseTo(a.inertia, 6);
    } finally {
      await ort.release();
    }
  });
});
