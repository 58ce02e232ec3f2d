/**
 * What SLIDE's LSH layers need from a hash family: `L` tables, each keyed by `K` concatenated hashes
 * of a vector (a neuron's weight row, or a layer input used as a query), as one small integer key.
 */
import { InvalidArgumentError } from '../errors.js';
import type { TensorKernels } from '../tensor/kernels.js';

/** A family of `tables` hash functions over vectors of width `dim`, one key per table. */
export interface NeuronHash {
  /** Family name for tables and errors, e.g. `simhash`, `dwta`. */
  readonly name: string;
  /** Width of the hashed vectors. */
  readonly dim: number;
  /** Number of tables `L`. */
  readonly tables: number;
  /** Hashes concatenated per key `K`. */
  readonly hashesPerTable: number;
  /** Keys lie in `[0, 2^keyBits)`. */
  readonly keyBits: number;
  /**
   * Keys of `rows` vectors (`x` of shape `[rows, dim]`), shape `[rows, tables]`. Families whose
   * hashes are projections run the products on `kernels`.
   */
  hashRows(x: Float32Array, rows: number, kernels?: TensorKernels): Promise<Int32Array>;
  /** Keys of the one vector `x[offset .. offset + dim)`, written to `out[outOffset .. + tables)`. */
  hashOne(x: Float32Array, offset: number, out: Int32Array, outOffset: number): void;
}

/** Checks the sizes shared by every family. */
export function checkHashSizes(family: string, dim: number, hashesPerTable: number, tables: number): void {
  for (const [name, v] of [
    ['dim', dim],
    ['hashesPerTable (K)', hashesPerTable],
    ['tables (L)', tables],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 1) {
      throw new InvalidArgumentError(`${family}: ${name} must be an integer ≥ 1, got ${v}`);
    }
  }
}

/** Checks `x` against `[rows, dim]`. */
export function checkRows(family: string, x: Float32Array, rows: number, dim: number): void {
  if (!(x instanceof Float32Array)) {
    throw new InvalidArgumentError(`${family}: vectors must be a Float32Array`);
  }
  if (!Number.isSafeInteger(rows) || rows < 0 || x.length !== rows * dim) {
    throw new InvalidArgumentError(
      `${family}: ${x.length} values do not make ${rows} rows of width ${dim}; pass x of shape [rows, ${dim}]`,
    );
  }
}
