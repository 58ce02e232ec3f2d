/**
 * A 2-D layout of embeddings by principal component analysis: centre the rows, take the two leading
 * right singular vectors of the centred matrix (the core's randomized truncated SVD) and project
 * each row onto them. Deterministic (fixed seed), in one pass of the SVD; the axes' signs are those
 * the SVD gives (PCA defines them only up to sign).
 */

import { truncatedSvd } from '../efficient/layers/truncated-svd.js';
import { InvalidArgumentError } from '../errors.js';
import type { FloatArray, TensorKernels } from '../tensor/kernels.js';

/** Options of {@link pcaLayout}. */
export interface PcaLayoutOptions {
  /** Rows to leave out (null embeddings): they are not used for the axes and get NaN coordinates. */
  isNull?: (row: number) => boolean;
  /** Kernels for the SVD's products (default the TypeScript kernels). */
  kernels?: TensorKernels;
}

/**
 * The rows of `data` (`[rows, dims]`, row-major) projected on their first two principal axes, as
 * `x, y` interleaved (`[rows, 2]`, float32), in row order. One dimension gives `y = 0`.
 */
export async function pcaLayout(
  data: FloatArray,
  rows: number,
  dims: number,
  options: PcaLayoutOptions = {},
): Promise<Float32Array> {
  if (
    !Number.isSafeInteger(rows) ||
    !Number.isSafeInteger(dims) ||
    rows < 0 ||
    dims < 1 ||
    data.length !== rows * dims
  )
    throw new InvalidArgumentError(
      `pcaLayout: data must have shape [rows, dims]; got rows=${rows}, dims=${dims}, ${data.length} values`,
    );
  const out = new Float32Array(rows * 2);
  const kept: number[] = [];
  for (let i = 0; i < rows; i++) {
    if (options.isNull?.(i)) out.fill(Number.NaN, 2 * i, 2 * i + 2);
    else kept.push(i);
  }
  const m = kept.length;
  if (m === 0) return out;
  const mean = new Float64Array(dims);
  for (const i of kept) for (let d = 0; d < dims; d++) mean[d] += data[i * dims + d];
  for (let d = 0; d < dims; d++) mean[d] /= m;
  // The centred rows, in the input's precision (float32 halves the memory of a large column).
  const centred = data instanceof Float32Array ? new Float32Array(m * dims) : new Float64Array(m * dims);
  for (let r = 0; r < m; r++) {
    const i = kept[r];
    for (let d = 0; d < dims; d++) centred[r * dims + d] = data[i * dims + d] - mean[d];
  }
  const rank = Math.min(2, m, dims);
  const svd = await truncatedSvd(centred, m, dims, rank, options.kernels ? { kernels: options.kernels } : {});
  // The projection X·V equals U·diag(S).
  for (let r = 0; r < m; r++) {
    const i = kept[r];
    for (let c = 0; c < 2; c++) out[2 * i + c] = c < rank ? svd.u[r * rank + c] * svd.s[c] : 0;
  }
  return out;
}
