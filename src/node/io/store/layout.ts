/**
 * Where things are in a dataset directory:
 *
 * ```
 * PATH/
 *   manifest.json          the current version's manifest; replacing it (one rename) is the commit
 *   _versions/<n>.json     the manifest of every version n still kept (immutable)
 *   data/<file>            data files, immutable, named <version>-<column#>-<name>-<random>.<ext>:
 *                          .arrow (scalar, Arrow IPC file) with .blocks (its block index), .npy
 *                          (tensor) with .crc (block checksums) and .validity (null bitmap),
 *                          .jsonl (object), .lsh (a saved search index, listed under the
 *                          manifest's `indexes`)
 *   _lock                  present while a process writes (holds its pid, host and lease; lock.ts)
 * ```
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CorruptDataError } from '../../../core/errors.js';

export const MANIFEST = 'manifest.json';
export const VERSIONS_DIR = '_versions';
export const DATA_DIR = 'data';
export const LOCK = '_lock';

export function manifestPath(root: string): string {
  return path.join(root, MANIFEST);
}

export function versionPath(root: string, version: number): string {
  return path.join(root, VERSIONS_DIR, `${version}.json`);
}

/** Absolute path of a manifest-relative data path (`data/...`). */
export function dataPath(root: string, relative: string): string {
  return path.join(root, relative);
}

/**
 * Refuse a dataset's `data/` or `_versions/` (`name`) that is a symbolic link or not a directory: a
 * dataset from someone else could point it anywhere, and reads and vacuum must stay inside the
 * dataset. A missing directory is left to the caller (false).
 */
export function checkOwnDirectory(root: string, name: typeof DATA_DIR | typeof VERSIONS_DIR): boolean {
  const dir = path.join(root, name);
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  if (stat.isSymbolicLink())
    throw new CorruptDataError(
      dir,
      'it is a symbolic link; Tessera does not follow links inside a dataset (replace the link by the directory itself)',
    );
  if (!stat.isDirectory()) throw new CorruptDataError(dir, 'it is not a directory');
  return true;
}

/** A fresh data file name (relative to the dataset) for a column's fragment. */
export function newDataFile(version: number, columnIndex: number, columnName: string, ext: string): string {
  const safe = columnName.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 40) || '_';
  return `${DATA_DIR}/${version}-${columnIndex}-${safe}-${randomBytes(6).toString('hex')}.${ext}`;
}

/** A temporary name beside `file`, unique to this process and call. */
export function tempPath(file: string): string {
  return `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Version numbers that have a file in `_versions/` (committed or not), ascending. */
export function listVersionFiles(root: string): number[] {
  let names: string[];
  try {
    names = fs.readdirSync(path.join(root, VERSIONS_DIR));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const out: number[] = [];
  for (const n of names) {
    const m = /^([1-9][0-9]*)\.json$/.exec(n);
    if (m) out.push(Number(m[1]));
  }
  return out.sort((a, b) => a - b);
}

/** Entries of a dataset directory that Tessera puts there (anything else means it is not ours). */
export function isDatasetEntry(name: string): boolean {
  return (
    name === MANIFEST ||
    name === VERSIONS_DIR ||
    name === DATA_DIR ||
    name === LOCK ||
    name.startsWith(`${MANIFEST}.tmp-`) ||
    name.startsWith(`${LOCK}.tmp-`) ||
    name.startsWith(`${LOCK}.break-`)
  );
}
