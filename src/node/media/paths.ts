/**
 * Media paths: a column holds paths relative to a movable base directory, and none of them may
 * reach outside it.
 */
import * as path from 'node:path';
import { PathEscapeError } from '../../core/errors.js';

/**
 * Resolve a media path under `baseDir`. Absolute paths, paths with a NUL byte and paths that `..`
 * out of baseDir raise {@link PathEscapeError}. The check is lexical: a symbolic link inside baseDir
 * is followed (datasets often link their media in).
 */
export function resolveMediaPath(mediaPath: string, baseDir: string | undefined): string {
  const base = path.resolve(baseDir ?? '.');
  if (
    mediaPath.includes('\0') ||
    path.isAbsolute(mediaPath) ||
    path.win32.isAbsolute(mediaPath) ||
    mediaPath.length === 0
  )
    throw new PathEscapeError(mediaPath, base);
  const full = path.resolve(base, mediaPath);
  const rel = path.relative(base, full);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) throw new PathEscapeError(mediaPath, base);
  return full;
}
