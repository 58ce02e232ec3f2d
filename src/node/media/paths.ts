/**
 * Media paths: a column holds paths relative to a movable base directory, and none of them may
 * reach outside it. A column read from a stored dataset must moreover stay inside the dataset's
 * directory or a root the reader granted (`read(path, { mediaRoots })`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FunctionContext } from '../../core/column/registry.js';
import { MediaRootNotGrantedError, PathEscapeError } from '../../core/errors.js';

/** Where a media column's paths resolve: its base directory and, for stored columns, its allowed roots. */
export interface MediaPlace {
  /** Directory that relative paths resolve against (default: the working directory). */
  baseDir?: string;
  /**
   * Real directories (symbolic links resolved) that every file must lie in, links followed; set for
   * columns read from a stored dataset (see `read(path, { mediaRoots })`). Unset: no such check.
   */
  allowedRoots?: readonly string[];
}

/**
 * Resolve a media path under `baseDir`. Absolute paths, paths with a NUL byte and paths that `..`
 * out of baseDir raise {@link PathEscapeError}. The check is lexical: a symbolic link inside baseDir
 * is followed (datasets often link their media in), except that with `allowedRoots` the file it
 * leads to must lie inside one of them.
 */
export function resolveMediaPath(
  mediaPath: string,
  baseDir: string | undefined,
  allowedRoots?: readonly string[],
): string {
  const base = path.resolve(baseDir ?? '.');
  if (
    mediaPath.includes('\0') ||
    path.isAbsolute(mediaPath) ||
    path.win32.isAbsolute(mediaPath) ||
    mediaPath.length === 0
  )
    throw new PathEscapeError(mediaPath, base);
  const full = path.resolve(base, mediaPath);
  if (!isInside(full, base) || full === base) throw new PathEscapeError(mediaPath, base);
  if (allowedRoots !== undefined && !allowedRoots.some((root) => isInside(realPath(full), root))) {
    if (!allowedRoots.some((root) => isInside(realPath(base), root)))
      throw new MediaRootNotGrantedError(baseDir ?? base, allowedRoots[0] ?? base);
    throw new PathEscapeError(mediaPath, base); // a link inside an allowed baseDir leads out
  }
  return full;
}

/**
 * The roots that a media column's files must stay in (the dataset's directory first): none
 * (undefined) for a column built in code; for one read from a stored dataset, the dataset's
 * directory and the reader's `mediaRoots`. Reading a file of a stored column whose base directory
 * is outside all of them raises {@link MediaRootNotGrantedError}, row by row, so the frame still
 * prints.
 */
export function allowedRootsOf(context: FunctionContext): readonly string[] | undefined {
  const stored = context.stored;
  if (stored === undefined) return undefined;
  return [stored.datasetRoot, ...stored.mediaRoots].map((r) => realPath(path.resolve(r)));
}

function isInside(child: string, root: string): boolean {
  const rel = path.relative(root, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

/** The path with symbolic links resolved; a missing file keeps its lexical path (opening it fails later). */
function realPath(p: string): string {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return p;
  }
}
