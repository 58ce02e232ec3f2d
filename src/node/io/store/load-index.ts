/**
 * Loading search indexes saved with a dataset (indexes.ts saves them). Reading a dataset attaches
 * each index its manifest lists to the stored column it indexes, so the frame read, and every view,
 * selection or rename of it, finds the index (`df.savedIndex(name)`, `df.search(q, { index: true })`)
 * without rebuilding. The index is read, verified and bound to the column when first used. An append
 * keeps the entry, but the index then covers fewer rows than the column: loading it is a
 * {@link StaleIndexError} until it is rebuilt and saved again.
 */
import { resolveColumn } from '../../../core/column/lazy.js';
import { TensorColumn } from '../../../core/column/tensor.js';
import { CorruptDataError, ShapeError, StaleIndexError, TypeMismatchError } from '../../../core/errors.js';
import type { DataFrame } from '../../../core/frame/frame.js';
import { attachSavedIndex } from '../../../core/frame/search.js';
import { readVerifiedEntry } from '../../../core/io/store/byte-source.js';
import type { Manifest } from '../../../core/io/store/manifest.js';
import { decodeLshIndex } from '../../../core/search/lsh-serialize.js';
import { fsByteSource } from './fs-byte-source.js';

/**
 * Makes the indexes saved in `manifest` available on the stored columns of `frame` (as read from
 * the dataset at `root`): each is read, verified and bound to its column on first use.
 */
export function attachStoredIndexes(frame: DataFrame, root: string, manifest: Manifest): void {
  for (const [column, entry] of Object.entries(manifest.indexes ?? {})) {
    // A column not read has no index to find (searches look indexes up by the frame's columns).
    if (!frame.has(column)) continue;
    const stored = frame.columnSource(column).column;
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
        const source = fsByteSource(root);
        const file = source.name(entry.file.path);
        const bytes = readVerifiedEntry(source, entry.file);
        const col = resolveColumn(stored);
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
