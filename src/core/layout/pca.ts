/**
 * A 2-D layout of embeddings by principal component analysis: centre the rows, find the two leading
 * right singular vectors of the centred matrix (the core's randomized truncated SVD) and project
 * every row onto them. Above `sampleRows` rows the axes come from an evenly spaced sample of that
 * many rows (the mean from all of them): two axes are estimated well from tens of thousands of rows,
 * and the SVD's cost then no longer grows with the frame; the projection of every row is one pass.
 * Deterministic; the axes' signs are those the SVD gives (PCA defines them only up to sign).
 */

import { truncatedSvd } from '../efficient/layers/truncated-svd.js';
import { InvalidArgumentError } from '../errors.js';
import type { FloatArray, TensorKernels } from '../tensor/kernels.js';
import { tsKernels } from '../tensor/ts-kernels.js';

/** Options of {@link pcaLayout}. */
export interface PcaLayoutOptions {
  /** Rows to leave out (null embeddings): they are not used for the axes and get NaN coordinates. */
  isNull?: (row: number) => boolean;
  /** Most rows the axes are computed from (default 20 000); at or below it the PCA is exact. */
  sampleRows?: number;
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
  const sampleRows = options.sampleRows ?? 20_000;
  if (!Number.isSafeInteger(sampleRows) || sampleRows < 1)
    throw new InvalidArgumentError(`pcaLayout: sampleRows must be a whole number ≥ 1, got ${sampleRows}`);
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
  // The centred rows the axes come from (all, or an even sample), in the input's precision.
  const s = Math.min(m, sampleRows);
  const centred = data instanceof Float32Array ? new Float32Array(s * dims) : new Float64Array(s * dims);
  for (let r = 0; r < s; r++) {
    const i = kept[Math.floor((r * m) / s)];
    for (let d = 0; d < dims; d++) centred[r * dims + d] = data[i * dims + d] - mean[d];
  }
  const rank = Math.min(2, s, dims);
  const svd = await truncatedSvd(centred, s, dims, rank, options.kernels ? { kernels: options.kernels } : {});

  // x = (row − mean)·v₁ = row·v₁ − mean·v₁ (and y by v₂): one product of all rows with the axes.
  const axes = data instanceof Float32Array ? new Float32Array(2 * dims) : new Float64Array(2 * dims);
  axes.set(svd.vt.subarray(0, rank * dims));
  const shift = [0, 0];
  for (let c = 0; c < rank; c++) for (let d = 0; d < dims; d++) shift[c] += mean[d] * svd.vt[c * dims + d];
  const kernels = options.kernels ?? tsKernels;
  const projected = await kernels.matmul(data, axes as typeof data, rows, dims, 2, { transposeB: true });
  for (const i of kept) for (let c = 0; c < rank; c++) out[2 * i + c] = projected[2 * i + c] - shift[c];
  return out;
}
