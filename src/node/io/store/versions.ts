/** Listing a dataset's versions, and vacuum: removing old versions and the files only they use. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CorruptDataError, InvalidArgumentError } from '../../../core/errors.js';
import type { LockOptions } from '../../../core/frame/writer.js';
import type { Manifest } from '../../../core/io/store/manifest.js';
import type { VersionInfo } from '../../../core/io/store/version-replies.js';
import { newestCommitted } from './commit.js';
import {
  checkOwnDirectory,
  DATA_DIR,
  LOCK,
  listVersionFiles,
  MANIFEST,
  VERSIONS_DIR,
  versionPath,
} from './layout.js';
import { acquireLock } from './lock.js';
import { committedVersions, readManifest, readVersionFile } from './manifest-read.js';
import { DAMAGED_VERSION_WARNING, warnStore } from './warnings.js';

export type { VersionInfo };

/**
 * The committed versions of the dataset at `path` that can still be read, oldest first. A version
 * whose manifest is damaged is left out with a `TESSERA_DAMAGED_VERSION` warning (`verify` tells
 * more); the others are still listed.
 */
export async function versions(datasetPath: string): Promise<VersionInfo[]> {
  const root = path.resolve(datasetPath);
  const current = await readManifest(root);
  const out: VersionInfo[] = [];
  for (const v of committedVersions(root, current)) {
    let m: Manifest;
    try {
      const file = v === current.version ? current : await readVersionFile(root, v);
      if (file === null) continue; // removed by a vacuum meanwhile
      m = file;
    } catch (e) {
      if (!(e instanceof CorruptDataError)) throw e;
      warnStore(DAMAGED_VERSION_WARNING, `version ${v} is not listed: ${e.detail} (${e.file})`);
      continue;
    }
    out.push(info(m, v === current.version));
  }
  return out;
}

function info(m: Manifest, current: boolean): VersionInfo {
  return {
    version: m.version,
    parent: m.parent,
    operation: m.operation,
    createdAt: m.createdAt,
    length: m.length,
    columns: m.columns.map((c) => c.name),
    current,
  };
}

/** Options of {@link vacuum}. */
export interface VacuumOptions extends LockOptions {
  /** How many of the newest committed versions to keep (default 1: only the current one). */
  keep?: number;
  /** Report what would be removed without removing anything. */
  dryRun?: boolean;
}

/** What {@link vacuum} removed (or, with `dryRun`, would remove). */
export interface VacuumResult {
  /** Versions that remain readable. */
  kept: number[];
  /** Versions removed (including manifests of writes that never committed). */
  removedVersions: number[];
  /** Data and temporary files removed. */
  removedFiles: number;
  bytesFreed: number;
}

/**
 * Remove all but the newest `keep` versions, and every data file that no remaining version uses
 * (also files left by interrupted writes). Readers of removed versions then fail with
 * `CorruptDataError` (missing file), so vacuum when no one reads old versions.
 */
export async function vacuum(datasetPath: string, options: VacuumOptions = {}): Promise<VacuumResult> {
  const keep = options.keep ?? 1;
  if (!Number.isSafeInteger(keep) || keep < 1)
    throw new InvalidArgumentError(
      `vacuum: keep must be a whole number of versions, at least 1; got ${keep}`,
    );
  // Everything removed is a regular file directly inside the dataset's own real directory: a link
  // to the dataset is resolved once, and a linked data/ or _versions/ is refused.
  const root = realDirectory(path.resolve(datasetPath));
  await readManifest(root); // a clear error when there is no dataset
  const lock = await acquireLock(root, options);
  try {
    checkOwnDirectory(root, DATA_DIR);
    checkOwnDirectory(root, VERSIONS_DIR);
    // A commit whose writer died before publishing it is kept, not vacuumed as litter.
    await newestCommitted(root, true);
    const current = await readManifest(root);
    const committed = committedVersions(root, current);
    const kept = committed.slice(-keep);
    const referenced = new Set<string>();
    for (const v of kept) {
      const m = v === current.version ? current : await readManifest(root, v);
      for (const p of filesOf(m)) referenced.add(p);
    }
    const keptSet = new Set(kept);
    const removedVersions = listVersionFiles(root).filter((v) => !keptSet.has(v));
    const garbage: string[] = removedVersions.map((v) => versionPath(root, v));
    for (const name of safeList(path.join(root, VERSIONS_DIR)))
      if (name.includes('.tmp-')) garbage.push(path.join(root, VERSIONS_DIR, name));
    for (const name of safeList(root))
      if (name.startsWith(`${MANIFEST}.tmp-`) || name.startsWith(`${LOCK}.tmp-`))
        garbage.push(path.join(root, name));
    // Version manifests go first, so no remaining version ever names a removed data file.
    const dataGarbage = safeList(path.join(root, DATA_DIR))
      .filter((name) => !referenced.has(`${DATA_DIR}/${name}`))
      .map((name) => path.join(root, DATA_DIR, name));
    let bytesFreed = 0;
    let removedFiles = 0;
    const manifests = new Set(removedVersions.map((v) => versionPath(root, v)));
    for (const file of [...garbage, ...dataGarbage]) {
      try {
        // Never a link (it may point anywhere) nor a directory: only files the store wrote.
        const stat = fs.lstatSync(file);
        if (!stat.isFile()) continue;
        bytesFreed += stat.size;
        if (!manifests.has(file)) removedFiles++;
        if (!options.dryRun) fs.rmSync(file, { force: true });
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
    return { kept, removedVersions, removedFiles, bytesFreed };
  } finally {
    lock.release();
  }
}

/** Every data file a manifest uses. */
export function filesOf(m: Manifest): string[] {
  const out: string[] = [];
  for (const c of m.columns) {
    if (!('fragments' in c)) continue;
    for (const f of c.fragments) {
      if ('file' in f) {
        out.push(f.file.path);
        if (f.blocks) out.push(f.blocks.file.path);
      } else {
        out.push(f.data.path, f.data.checksums.path);
        if (f.validity) out.push(f.validity.path);
      }
    }
  }
  for (const entry of Object.values(m.indexes ?? {})) out.push(entry.file.path);
  return out;
}

/** The real path of a dataset directory (a missing one is left to readManifest's clear error). */
function realDirectory(root: string): string {
  try {
    return fs.realpathSync(root);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return root;
    throw e;
  }
}

function safeList(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}
