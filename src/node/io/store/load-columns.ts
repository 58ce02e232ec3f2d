/**
 * Loading of one stored column into memory, every file verified first: scalar fragments from Arrow
 * IPC (mapped-scalar.ts), object fragments from JSON lines (src/core/io/store/object-lines.ts),
 * several fragments joined into one column.
 */
import type { Column } from '../../../core/column/column.js';
import { concatColumns } from '../../../core/column/concat.js';
import { ScalarColumn } from '../../../core/column/scalar.js';
import type { ScalarDType } from '../../../core/column/types.js';
import type { FileFragment } from '../../../core/io/store/manifest.js';
import { loadObjectColumn } from '../../../core/io/store/object-lines.js';
import { fsByteSource } from './fs-byte-source.js';
import { loadWholeFragment } from './mapped-scalar.js';

/** A scalar column from its Arrow IPC fragments (each file read whole and checked). */
export function loadScalar(root: string, dtype: ScalarDType, fragments: readonly FileFragment[]): Column {
  if (fragments.length === 0) return ScalarColumn.from([], dtype);
  return concatColumns(fragments.map((f) => loadWholeFragment(root, dtype, f)));
}

/** An object column from its JSON-lines fragments. */
export function loadObjects(root: string, fragments: readonly FileFragment[]): Column {
  return loadObjectColumn(fsByteSource(root), fragments);
}
