/**
 * The one interface for dense kernels. Arrays are flat, row-major typed arrays with their shape given
 * explicitly; results are new arrays of the same element type as the inputs. Every method is async so
 * that backends running off the JavaScript thread (ONNX Runtime, WebGPU) fit the same interface.
 *
 * Implementations: {@link TsKernels} (plain TypeScript, the reference, runs anywhere), `OrtKernels`
 * (ONNX Runtime) and `SizeDispatchKernels` (picks one of two backends per call by size).
 */
import type { OnnxDataType, OnnxGraph } from './onnx-builder.js';

/** The element types the kernels accept. Float32 is the main one; float64 serves reference checks. */
export type FloatArray = Float32Array | Float64Array;

/** Name of a {@link FloatArray}'s element type, as ONNX Runtime names it. */
export type FloatDType = 'float32' | 'float64';

/** Options of the matrix products. */
export interface MatmulOptions {
  /**
   * When true, `b` is stored transposed: shape `[n, k]` (`[batch, n, k]` for batched products) and the
   * product is `a · bᵀ`, e.g. queries times keys, or embeddings times embeddings. Default false.
   */
  transposeB?: boolean;
}

/** Options of {@link TensorKernels.topk}. */
export interface TopKOptions {
  /** True (default) for the k largest values, false for the k smallest. */
  largest?: boolean;
}

/** The k best entries of each row, best first: both arrays have shape `[rows, k]`. */
export interface TopKResult<T extends FloatArray> {
  values: T;
  /** Column index of each value in its row. */
  indices: Int32Array;
}

/** A reduction along one axis of a 2-d array. */
export type Reduction = 'sum' | 'mean' | 'max' | 'min';

/**
 * Dense kernels over flat row-major arrays.
 *
 * Shapes are checked before any work: a length that does not match the shape, a negative or
 * fractional dimension, or inputs of different element types throw a typed error
 * (`ShapeError`, `TypeMismatchError`). Zero-sized dimensions give empty (or, for a product over
 * `k = 0`, all-zero) results rather than errors, except where the result would be undefined
 * (`max`/`min` over an empty axis).
 */
export interface TensorKernels {
  /** Short name for tables and error messages, e.g. `ts`, `ort`. */
  readonly name: string;

  /**
   * Matrix product `c = a · b` (or `a · bᵀ`), `a` of shape `[m, k]`, `b` of shape `[k, n]`
   * (`[n, k]` with `transposeB`); returns `c` of shape `[m, n]`.
   */
  matmul<T extends FloatArray>(
    a: T,
    b: T,
    m: number,
    k: number,
    n: number,
    options?: MatmulOptions,
  ): Promise<T>;

  /**
   * `batch` independent products: `a` of shape `[batch, m, k]`, `b` of shape `[batch, k, n]`
   * (`[batch, n, k]` with `transposeB`); returns shape `[batch, m, n]`.
   */
  batchedMatmul<T extends FloatArray>(
    a: T,
    b: T,
    batch: number,
    m: number,
    k: number,
    n: number,
    options?: MatmulOptions,
  ): Promise<T>;

  /**
   * The `k` largest (or smallest) values of each row of `x` (shape `[rows, cols]`) and their column
   * indices, sorted best first. Ties are broken by the lower index first, so results are
   * deterministic and equal across backends. `k` may be 0 (empty result) and at most `cols`.
   */
  topk<T extends FloatArray>(
    x: T,
    rows: number,
    cols: number,
    k: number,
    options?: TopKOptions,
  ): Promise<TopKResult<T>>;

  /** Euclidean (L2) norm of each row of `x` (shape `[rows, cols]`); returns shape `[rows]`. */
  rowNorms<T extends FloatArray>(x: T, rows: number, cols: number): Promise<T>;

  /**
   * Reduces `x` (shape `[rows, cols]`) along `axis`: axis 1 gives one value per row (shape `[rows]`),
   * axis 0 one value per column (shape `[cols]`). The mean of an empty axis is NaN; the max or min of
   * an empty axis throws.
   */
  reduce<T extends FloatArray>(x: T, rows: number, cols: number, op: Reduction, axis: 0 | 1): Promise<T>;
}

/** A tensor fed to, or returned by, {@link GraphKernels.runGraph}: row-major data and its shape. */
export interface GraphTensor {
  type: OnnxDataType;
  data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array;
  dims: readonly number[];
}

/** The element type name of a float array. */
export function floatDType(x: FloatArray): FloatDType {
  return x instanceof Float64Array ? 'float64' : 'float32';
}

/** A float array as a {@link GraphTensor} of the given shape; the array is shared, not copied. */
export function floatTensor(x: FloatArray, dims: readonly number[]): GraphTensor {
  return { type: floatDType(x), data: x, dims };
}

/**
 * Kernels that can also run a whole ONNX graph built in code (see `onnx-builder.ts`), so that a
 * chain of dense operations (an attention method, say) costs one call and runs wherever the graph
 * runs (`onnxruntime-node`, `onnxruntime-web`).
 */
export interface GraphKernels extends TensorKernels {
  /**
   * Runs `graph` on `feeds` (by input name) and returns the outputs named in `fetch` (default all).
   * The graph's name identifies it: implementations may cache one compiled session per name, so a
   * name must stand for one structure.
   */
  runGraph(
    graph: OnnxGraph,
    feeds: Record<string, GraphTensor>,
    fetch?: readonly string[],
  ): Promise<Record<string, GraphTensor>>;
}

/** Whether `kernels` can run ONNX graphs. */
export function canRunGraphs(kernels: TensorKernels): kernels is GraphKernels {
  return typeof (kernels as Partial<GraphKernels>).runGraph === 'function';
}
