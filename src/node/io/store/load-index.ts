/**
 * Loading search indexes saved with a dataset (indexes.ts saves them). Reading a dataset attaches
 * each index its manifest lists to the stored column it indexes, so the frame read, and every view,
 * selection or rename of it, finds the index (`df.savedIndex(name)`, `df.search(q, { index: true })`)
 * without rebuilding. The index is read, verified and bound to the column when first used. An append
 * keeps the entry, but the index then covers fewer rows than the column: loading it is a
 * {@link StaleIndexError} until it is rebuilt and saved again.
 */
import type { LazyColumn } from '../../../core/column/lazy.js';
import { TensorColumn } from '../../../core/column/tensor.js';
import { CorruptDataError, ShapeError, StaleIndexError, TypeMismatchError } from '../../../core/errors.js';
import { attachSavedIndex } from '../../../core/frame/search.js';
import type { Manifest } from '../../../core/io/store/manifest.js';
import { decodeLshIndex } from '../../../core/search/lsh-serialize.js';
import { readVerified } from './file-io.js';
import { dataPath } from './layout.js';

/**
 * Makes the indexes saved in `manifest` available on its stored columns (`columns`, by name, as
 * read from the dataset at `root`): each is read, verified and bound to its column on first use.
 */
export function attachStoredIndexes(
  columns: ReadonlyMap<string, LazyColumn>,
  root: string,
  manifest: Manifest,
): void {
  for (const [column, entry] of Object.entries(manifest.indexes ?? {})) {
    const stored = columns.get(column);
    if (stored === undefined) continue;
    attachSavedIndex(stored, {
      column,
      kind: entry.kind,
      rows: entry.rows,
      version: entry.version,
      load: async () => {
        if (entry.rows !== manifest.length)
          throw new StaleIndexError(
            `the ${entry.kind} index of column "${column}" was built at version ${entry.version} over ${entry.rows} rows, but version ${manifest.version} has ${manifest.length}; rebuild it (buildLshIndex over df.column("${column}")) and save it again with saveIndex, or search without it (index: false)`,
          );
        const file = dataPath(root, entry.file.path);
        const bytes = readVerified(file, entry.file.bytes, entry.file.crc32);
        const col = stored.resolve();
        if (!(col instanceof TensorColumn))
          throw new TypeMismatchError(`column "${column}" is not a tensor column; its index cannot be used`);
        try {
          return decodeLshIndex(bytes, col, file);
        } catch (e) {
          if (e instanceof ShapeError) throw new CorruptDataError(file, e.message);
          throw e;
        }
      },
    });
  }
}
