/**
 * A scalar column's fragments (Arrow IPC files) read whole from a {@link ByteSource}, every byte
 * checked: format 1 (one batch, no index) against the file's CRC-32 and decoded by Arrow JS;
 * format 2 against its block index (decode-blocks.ts). The Node store loads columns whole with
 * these too; its row ranges, read by block (mapped-scalar.ts), decode with the same functions.
 */
import * as arrow from 'apache-arrow';
import { columnFromArrow } from '../../column/arrow.js';
import type { Column } from '../../column/column.js';
import { concatColumns } from '../../column/concat.js';
import { ScalarColumn } from '../../column/scalar.js';
import type { ScalarDType } from '../../column/types.js';
import { CorruptDataError } from '../../errors.js';
import { type BlockIndex, blockCount, decodeBlockIndex } from './block-index.js';
import { type ByteSource, rangesOf, readVerifiedEntry } from './byte-source.js';
import { loadBlockedFragment } from './decode-blocks.js';
import type { FileFragment } from './manifest.js';

/** The block index of a format 2 fragment, verified against its CRC-32 and parsed. */
export function loadBlockIndex(source: ByteSource, entry: FileFragment): BlockIndex {
  const b = entry.blocks!;
  const bytes = readVerifiedEntry(source, b.file);
  return decodeBlockIndex(
    bytes,
    source.name(b.file.path),
    blockCount(entry.rows, b.rowsPerBlock),
    entry.file.bytes,
  );
}

/** A format 1 fragment's bytes (already verified) as its one column, which must hold `rows` rows of `dtype`. */
export function decodeIpcFragment(
  bytes: Uint8Array,
  file: string,
  dtype: ScalarDType,
  rows: number,
): ScalarColumn {
  let col: Column;
  try {
    const t = arrow.tableFromIPC(bytes);
    col = columnFromArrow(t.getChildAt(0)!, t.schema.fields[0]);
  } catch (e) {
    throw new CorruptDataError(file, `not a readable Arrow IPC file (${(e as Error).message})`);
  }
  if (!(col instanceof ScalarColumn) || col.dtype !== dtype || col.length !== rows)
    throw new CorruptDataError(
      file,
      `holds ${col.length} rows of ${col.type.kind}, expected ${rows} of ${dtype}`,
    );
  return col;
}

/**
 * Fragment `f` read whole from `source` as one column, every byte checked. Format 1: the file
 * checked against its checksum and decoded. Format 2: its blocks decoded straight into one column
 * (decode-blocks.ts), the file read in chunks when the source can open it for range reads (the Node
 * store), else whole.
 */
export function loadScalarFragment(source: ByteSource, dtype: ScalarDType, f: FileFragment): ScalarColumn {
  const file = source.name(f.file.path);
  if (!f.blocks) return decodeIpcFragment(readVerifiedEntry(source, f.file), file, dtype, f.rows);
  const index = loadBlockIndex(source, f);
  const ranges = rangesOf(source, f.file.path, f.file.bytes);
  try {
    return loadBlockedFragment((from, to) => ranges.read(from, to), file, f, index, dtype);
  } finally {
    ranges.close();
  }
}

/** A scalar column from its fragments (each read whole and checked). */
export function loadScalarColumn(
  source: ByteSource,
  dtype: ScalarDType,
  fragments: readonly FileFragment[],
): Column {
  if (fragments.length === 0) return ScalarColumn.from([], dtype);
  return concatColumns(fragments.map((f) => loadScalarFragment(source, dtype, f)));
}
