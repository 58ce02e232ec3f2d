/**
 * Checks made when a dataset is opened, before any row is read: `data/` and `_versions/` are the
 * dataset's own directories and no saved index's file is a link. The core's storedFrame then checks
 * (one `lstat` per data file) that no data file is a link and that the dataset's length is backed
 * by its files (src/core/io/store/check-backed.ts).
 */
import type { Manifest } from '../../../core/io/store/manifest.js';
import { fsByteSource } from './fs-byte-source.js';
import { checkOwnDirectory, DATA_DIR, VERSIONS_DIR } from './layout.js';

/** Throw a {@link CorruptDataError} when a directory of the dataset or a saved index's file is a link or not what it should be. */
export function checkFilesAtOpen(root: string, manifest: Manifest): void {
  checkOwnDirectory(root, DATA_DIR);
  checkOwnDirectory(root, VERSIONS_DIR);
  const source = fsByteSource(root);
  // A saved index's file that is a link (or not a file) is refused at open too.
  for (const entry of Object.values(manifest.indexes ?? {})) source.size(entry.file.path);
}
