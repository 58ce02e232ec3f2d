/**
 * Saving search indexes with a dataset. `saveIndex` writes an index's bytes as a new data file and
 * commits a new version (operation `index`, same rows) whose manifest lists it under `indexes`, by
 * column name, with its size, CRC-32, and the column length and version it was built for. Reading
 * the dataset makes it available (load-index.ts) without rebuilding.
 */
import * as path from 'node:path';
import { TensorColumn } from '../../../core/column/tensor.js';
import { ColumnNotFoundError, InvalidArgumentError, TypeMismatchError } from '../../../core/errors.js';
import type { LockOptions, WriteResult } from '../../../core/frame/writer.js';
import type { IndexEntry, Manifest } from '../../../core/io/store/manifest.js';
import type { LshIndex } from '../../../core/search/lsh-index.js';
import { encodeLshIndex } from '../../../core/search/lsh-serialize.js';
import { commit, type Draft } from './commit.js';
import { read } from './read.js';
import { writeDataFile } from './write-fragments.js';

/** Options of {@link saveIndex} and {@link dropIndex}. */
export interface SaveIndexOptions extends LockOptions {
  /** fsync the file and manifest before the commit counts (default true). */
  fsync?: boolean;
}

/** Rows compared between the index's column and the stored column before saving. */
const SPOT_CHECKS = 16;

/**
 * Saves `index` (built over column `column` of the dataset's current version) with the dataset at
 * `path`, as a new version. It replaces an index saved earlier for that column.
 *
 * @example
 * ```ts
 * const df = await read('data/products');
 * await saveIndex('data/products', 'embedding', await buildLshIndex(df.column('embedding'), { kind: 'simhash' }));
 * const again = await read('data/products');
 * const hits = await again.search({ row: 0 }, { by: 'embedding', index: true, probes: 8 });
 * ```
 * @throws ColumnNotFoundError, TypeMismatchError if the dataset has no tensor column `column`.
 * @throws InvalidArgumentError if the index was built over other rows than the stored column's
 *   (another length, row size, or values).
 */
export async function saveIndex(
  datasetPath: string,
  column: string,
  index: LshIndex,
  options: SaveIndexOptions = {},
): Promise<WriteResult> {
  const root = path.resolve(datasetPath);
  const bytes = encodeLshIndex(index);
  return commit(root, options, async (ctx, current) => {
    if (current === null) throw new ColumnNotFoundError(column, []);
    const k = current.columns.findIndex((c) => c.name === column);
    if (k < 0)
      throw new ColumnNotFoundError(
        column,
        current.columns.map((c) => c.name),
      );
    const entry = current.columns[k];
    if (entry.type.kind !== 'tensor')
      throw new TypeMismatchError(`saveIndex: column "${column}" is not a tensor column`);
    await checkSameRows(root, current, column, index);
    const file = await writeDataFile(ctx, k, column, 'lsh', (sink) => sink.write(bytes));
    const saved: IndexEntry = {
      kind: index.params.kind,
      rows: index.params.rows,
      version: current.version,
      file,
    };
    return sameRowsWithIndexes(current, { ...current.indexes, [column]: saved });
  });
}

/** Removes the saved index of `column` (a new version without it; its file goes at `vacuum`). */
export async function dropIndex(
  datasetPath: string,
  column: string,
  options: SaveIndexOptions = {},
): Promise<WriteResult> {
  const root = path.resolve(datasetPath);
  return commit(root, options, async (_ctx, current) => {
    if (current === null || current.indexes?.[column] === undefined)
      throw new InvalidArgumentError(`dropIndex: no index is saved for column "${column}"`);
    const { [column]: _dropped, ...rest } = current.indexes;
    return sameRowsWithIndexes(current, rest);
  });
}

/** The next version of `current`: the same rows and columns, with these saved indexes. */
function sameRowsWithIndexes(current: Manifest, indexes: Record<string, IndexEntry>): Draft {
  return {
    parent: current.version,
    operation: 'index',
    length: current.length,
    primaryKey: current.primaryKey,
    columns: current.columns,
    indexes,
  };
}

/** The index must describe the stored column: same length, row size, and (spot-checked) values. */
async function checkSameRows(root: string, current: Manifest, column: string, index: LshIndex) {
  const stored = (await read(root, { version: current.version, columns: [column] })).column(column);
  const { rows, dimensions } = index.params;
  const mine = index.column;
  if (
    rows !== current.length ||
    mine.rowSize !== dimensions ||
    !(stored instanceof TensorColumn) ||
    stored.rowSize !== dimensions
  )
    throw new InvalidArgumentError(
      `saveIndex: the index covers ${rows} rows of size ${dimensions}, but column "${column}" of version ${current.version} has ${current.length} rows of size ${stored instanceof TensorColumn ? stored.rowSize : '?'}; build it from the dataset's current column`,
    );
  for (let s = 0; s < Math.min(SPOT_CHECKS, rows); s++) {
    const i = Math.floor((s * (rows - 1)) / Math.max(1, SPOT_CHECKS - 1));
    const a = mine.getUnchecked(i);
    const b = stored.getUnchecked(i);
    const same = a === null || b === null ? a === b : a.every((v, t) => Object.is(v, b[t]));
    if (!same)
      throw new InvalidArgumentError(
        `saveIndex: row ${i} of the index's column differs from row ${i} of column "${column}" in the dataset; build the index from the dataset's current column`,
      );
  }
}
