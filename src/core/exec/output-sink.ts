// Outputs that stream to disk as batches complete, so a result larger than memory is fine.
// Files need Node, so the Node entry point registers the opener (an `.npy` file, read back mapped).
import type { Column } from '../column/column.js';
import { ScalarColumn } from '../column/scalar.js';
import { TensorColumn } from '../column/tensor.js';
import { TENSOR_DTYPES, type TensorDType } from '../column/types.js';
import { TypeMismatchError, UnsupportedError } from '../errors.js';

/** Where a tensor output goes: an `.npy` file (with `.crc` block checksums beside it). */
export interface TensorOutput {
  path: string;
  /** Replace a file that is already there (default false: that is an error). */
  overwrite?: boolean;
}

/** Receives a tensor output's batches in row order and gives back the column they make. */
export interface TensorSink {
  write(batch: TensorColumn): Promise<void>;
  /** All rows are written: close the file and return the column over it. */
  finish(): Promise<Column>;
  /** The run failed: remove what was written. */
  abort(): Promise<void>;
}

/** Opens a sink for `rows` rows; `expected` gives dtype and row shape where the caller knows them. */
export type TensorSinkOpener = (
  target: TensorOutput,
  rows: number,
  expected?: { dtype: TensorDType; shape: readonly number[] },
) => Promise<TensorSink>;

let opener: TensorSinkOpener | null = null;

/** Set (or, with null, clear) how `output: { path }` opens files; the Node entry point sets it. */
export function registerTensorSink(open: TensorSinkOpener | null): void {
  opener = open;
}

/** The registered opener; throws where none is (e.g. in the browser). */
export function tensorSinkOpener(): TensorSinkOpener {
  if (opener === null)
    throw new UnsupportedError(
      'output: { path } needs the file system: import Tessera\'s Node entry point ("tessera", not "tessera/core")',
    );
  return opener;
}

/** Run `write` (which feeds `sink`), then close the sink; on failure remove what it wrote. */
export async function streamTo(sink: TensorSink, write: () => Promise<unknown>): Promise<Column> {
  try {
    await write();
  } catch (e) {
    await sink.abort();
    throw e;
  }
  return sink.finish();
}

/** One batch of an output as tensor rows: tensor rows as they are, numbers as rows of shape []. */
export function asTensorBatch(col: Column, name: string): TensorColumn {
  if (col instanceof TensorColumn) return col;
  if (col instanceof ScalarColumn && (TENSOR_DTYPES as readonly string[]).includes(col.dtype))
    return new TensorColumn(col.values as TensorColumn['data'], [], col.length, col.validity);
  throw new TypeMismatchError(
    `output "${name}" gives ${col.type.kind === 'scalar' ? col.type.dtype : col.type.kind} values; ` +
      'only tensor rows (or float32, float64, int32, int64, uint8 numbers) can stream to a file',
  );
}
