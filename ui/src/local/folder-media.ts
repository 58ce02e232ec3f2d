/**
 * Where a media cell of a dataset folder opened in the tab lies among the folder's files. A stored
 * media column is a deferred column over a column of paths with a base directory (`baseDir`); the
 * tab has no file system, only the folder's files by their path below it, so the base directory
 * must lie inside the folder: a relative one is taken from the folder's top, an absolute one (as
 * the store records it, from the machine that wrote the dataset) from below the last part of it
 * that is the folder's name (`/data/shapes/images` in a folder `shapes` is `images/`). A path that
 * leaves the folder (`..`, an absolute path), a base directory elsewhere or with a `${VARIABLE}`,
 * and a file the folder does not have give no path: the media serving then answers "not found".
 */
import { ResourceNotFoundError } from '../../../src/core/errors.js';
import type { DataFrame } from '../../../src/core/frame/frame.js';
import type { ColumnEntry, Manifest } from '../../../src/core/io/store/manifest.js';
import type { FolderFiles } from './open-folder.js';

/** A dataset folder opened in the tab: its name, current manifest and files. */
export interface FolderDataset {
  name: string;
  manifest: Manifest;
  files: FolderFiles;
}

const opened = new WeakMap<DataFrame, FolderDataset>();

/** Remember that `frame` was read from `dataset` (open-dataset-folder.ts). */
export function rememberFolderDataset(frame: DataFrame, dataset: FolderDataset): void {
  opened.set(frame, dataset);
}

/**
 * The path below the folder of the file that media column `column` of `frame` (a frame a dataset
 * folder gave) shows at frame row `row`, or null when that file is not among the folder's files
 * (or `frame` is not from a dataset folder, or `column` is not a media column over paths).
 */
export function mediaPathOf(frame: DataFrame, column: string, row: number): string | null {
  const dataset = opened.get(frame);
  if (dataset === undefined || !Number.isInteger(row) || row < 0 || row >= frame.length) return null;
  const entry = dataset.manifest.columns.find((c) => c.name === column);
  if (entry === undefined || entry.type.kind !== 'deferred' || entry.type.media === undefined) return null;
  const { deferred } = entry as Extract<ColumnEntry, { type: { kind: 'deferred' } }>;
  const input = deferred.inputs[0];
  const inputEntry = dataset.manifest.columns.find((c) => c.name === input);
  // Paths come from a stored column; a computed one would run a function to say where a file is.
  if (inputEntry === undefined || inputEntry.type.kind === 'deferred' || !frame.has(input)) return null;
  const base = baseBelowFolder(deferred.params.baseDir, dataset.name);
  if (base === null) return null;
  const value = frame.column(input).get(row);
  if (typeof value !== 'string') return null;
  // As the Node store's media paths: relative, and never out of the base directory.
  const relative = relativeParts(value);
  if (relative === null || relative.length === 0) return null;
  const path = [...base, ...relative].join('/');
  return dataset.files.has(path) ? path : null;
}

/** {@link mediaPathOf} for the media routes (in-tab-media.ts): a cell with no file in the folder is "not found". */
export function datasetMediaPath(frame: DataFrame, column: string, row: number): string {
  const path = mediaPathOf(frame, column, row);
  if (path === null)
    throw new ResourceNotFoundError(
      `row ${row} of "${column}" names no file inside the opened folder (its base directory lies elsewhere, or the file is missing)`,
    );
  return path;
}

/** The parts of a media column's base directory below the folder `folder`, or null when it lies elsewhere. */
export function baseBelowFolder(baseDir: unknown, folder: string): string[] | null {
  if (baseDir === undefined) return [];
  if (typeof baseDir !== 'string' || baseDir.includes('${')) return null;
  const normal = baseDir.replaceAll('\\', '/');
  if (!isAbsolute(normal)) return relativeParts(normal);
  const parts = resolved(
    normal.split('/').filter((p) => p.length > 0 && p !== '.' && !/^[A-Za-z]:$/.test(p)),
  );
  if (parts === null) return null;
  const at = parts.lastIndexOf(folder);
  return at < 0 ? null : parts.slice(at + 1);
}

function isAbsolute(path: string): boolean {
  return path.startsWith('/') || path.startsWith('\\') || /^[A-Za-z]:[\\/]/.test(path);
}

/** The parts of a relative path with `.` and `..` resolved, or null for an absolute path, a NUL byte or a `..` out of it. */
function relativeParts(path: string): string[] | null {
  if (path.includes('\0') || isAbsolute(path)) return null;
  return resolved(path.split(/[\\/]/).filter((p) => p.length > 0 && p !== '.'));
}

/** `parts` with each `..` taking off the part before it, or null when one leaves the top. */
function resolved(parts: readonly string[]): string[] | null {
  const out: string[] = [];
  for (const p of parts) {
    if (p !== '..') out.push(p);
    else if (out.length === 0) return null;
    else out.pop();
  }
  return out;
}
