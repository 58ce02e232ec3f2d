/**
 * Loading a stored scalar column into memory, every file verified: its Arrow IPC fragments each read
 * once in chunks (mapped-scalar.ts), joined into one column. (The core's loadScalarColumn does the
 * same over a ByteSource, reading each file whole into one buffer.)
 */
import type { Column } from '../../../core/column/column.js';
import { concatColumns } from '../../../core/column/concat.js';
import { ScalarColumn } from '../../../core/column/scalar.js';
import type { ScalarDType } from '../../../core/column/types.js';
import type { FileFragment } from '../../../core/io/store/manifest.js';
import { loadWholeFragment } from './mapped-scalar.js';

/** A scalar column from its Arrow IPC fragments (each file read whole and checked). */
export function loadScalar(root: string, dtype: ScalarDType, fragments: readonly FileFragment[]): Column {
  if (fragments.length === 0) return ScalarColumn.from([], dtype);
  return concatColumns(fragments.map((f) => loadWholeFragment(root, dtype, f)));
}
