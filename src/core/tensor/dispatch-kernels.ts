/**
 * Chooses a backend per call by the size of the work: a backend with a per-call cost (ONNX Runtime
 * crosses into native code, sets up threads, copies results) loses to plain TypeScript on small
 * inputs and wins by far on large ones.
 */
import {
  canRunGraphs,
  type FloatArray,
  type GraphKernels,
  type MatmulOptions,
  type Reduction,
  type TensorKernels,
  type TopKOptions,
  type TopKResult,
} from './kernels.js';

/**
 * Sizes from which {@link SizeDispatchKernels} uses its large backend (inclusive). Use `Infinity` to
 * keep an operation on the small backend always, 0 to send it to the large backend always.
 */
export interface SizeThresholds {
  /** Multiply-adds of a product: `m · k · n`, times `batch` for batched products. */
  matmul: number;
  /** Input elements (`rows · cols`) of a top-k. */
  topk: number;
  /** Input elements of row norms. */
  rowNorms: number;
  /** Input elements of a reduction. */
  reduce: number;
}

/** Runs each call on `small` or `large` by its size, see {@link SizeThresholds}. */
export class SizeDispatchKernels implements TensorKernels {
  readonly name: string;
  /** Whole graphs run on the large backend, when it can run them (absent otherwise). */
  readonly runGraph?: GraphKernels['runGraph'];

  constructor(
    readonly small: TensorKernels,
    readonly large: TensorKernels,
    readonly thresholds: SizeThresholds,
  ) {
    this.name = `${small.name}|${large.name}`;
    if (canRunGraphs(large)) this.runGraph = (graph, feeds, fetch) => large.runGraph(graph, feeds, fetch);
  }

  /** The backend that a call of `op` with `size` units of work goes to. */
  pick(op: keyof SizeThresholds, size: number): TensorKernels {
    return size >= this.thresholds[op] ? this.large : this.small;
  }

  matmul<T extends FloatArray>(
    a: T,
    b: T,
    m: number,
    k: number,
    n: number,
    options?: MatmulOptions,
  ): Promise<T> {
    return this.pick('matmul', m * k * n).matmul(a, b, m, k, n, options);
  }

  batchedMatmul<T extends FloatArray>(
    a: T,
    b: T,
    batch: number,
    m: number,
    k: number,
    n: number,
    options?: MatmulOptions,
  ): Promise<T> {
    return this.pick('matmul', batch * m * k * n).batchedMatmul(a, b, batch, m, k, n, options);
  }

  topk<T extends FloatArray>(
    x: T,
    rows: number,
    cols: number,
    k: number,
    options?: TopKOptions,
  ): Promise<TopKResult<T>> {
    return this.pick('topk', rows * cols).topk(x, rows, cols, k, options);
  }

  rowNorms<T extends FloatArray>(x: T, rows: number, cols: number): Promise<T> {
    return this.pick('rowNorms', rows * cols).rowNorms(x, rows, cols);
  }

  reduce<T extends FloatArray>(x: T, rows: number, cols: number, op: Reduction, axis: 0 | 1): Promise<T> {
    return this.pick('reduce', rows * cols).reduce(x, rows, cols, op, axis);
  }
}
