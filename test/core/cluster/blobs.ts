import { Random, TensorColumn } from '../../../src/index.js';

/** `perBlob` points around each of `centers` (d-dimensional), with normal noise of scale `spread`. */
export function blobs(centers: number[][], perBlob: number, spread: number, seed: number) {
  const rng = new Random(seed);
  const d = centers[0].length;
  const data = new Float32Array(centers.length * perBlob * d);
  const truth: number[] = [];
  let at = 0;
  for (let i = 0; i < perBlob; i++)
    centers.forEach((c, b) => {
      for (let j = 0; j < d; j++) data[at++] = c[j] + spread * rng.normal();
      truth.push(b);
    });
  return { column: new TensorColumn(data, [d]), truth };
}
