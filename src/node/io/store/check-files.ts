/**
 * Checks made when a dataset is opened, before any row is read (one `lstat` per file): `data/` and
 * `_versions/` are the dataset's own directories and no file the manifest names is a link, and the
 * dataset's length is backed by its files (src/core/io/store/check-backed.ts).
 */
import { checkLengthBacked } from '../../../core/io/store/check-backed.js';
import type { Manifest } from '../../../core/io/store/manifest.js';
import { fsByteSource } from './fs-byte-source.js';
import { checkOwnDirectory, DATA_DIR, VERSIONS_DIR } from './layout.js';

/**
 * Throw a {@link CorruptDataError} when a file of `manifest` is a link or not a file, or when no
 * stored column's files can hold the rows the manifest declares (naming the first column's
 * offending file).
 */
export function checkFilesAtOpen(root: string, manifest: Manifest): void {
  checkOwnDirectory(root, DATA_DIR);
  checkOwnDirectory(root, VERSIONS_DIR);
  const source = fsByteSource(root);
  // A saved index's file that is a link (or not a file) is refused at open too.
  for (const entry of Object.values(manifest.indexes ?? {})) source.size(entry.file.path);
  checkLengthBacked(manifest, source);
}
