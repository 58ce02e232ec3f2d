/**
 * Repair of a dataset's manifests: `manifest.json` rewritten from the newest intact version file
 * (the version a read falls back to), or a damaged or missing copy of the current version in
 * `_versions/` rewritten from an intact `manifest.json`. Damaged version files are removed only when
 * asked; data files are never touched (damaged data must be restored from a copy).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CorruptDataError, DatasetNotFoundError } from '../../../core/errors.js';
import type { LockOptions } from '../../../core/frame/writer.js';
import { writeFileAtomic } from './atomic.js';
import { manifestPath, versionPath } from './layout.js';
import { acquireLock } from './lock.js';
import { serializeManifest } from './manifest-write.js';
import { scanManifests } from './verify.js';

/** Options of {@link repair}. */
export interface RepairOptions extends LockOptions {
  /** Also delete version files that are damaged (those versions cannot be read anyway). */
  dropDamaged?: boolean;
  /** Flush the rewritten files to disk (default true). */
  fsync?: boolean;
}

/** What {@link repair} did. */
export interface RepairResult {
  /** The current version after the repair. */
  version: number;
  /** Whether `manifest.json` was rewritten (from `_versions/<version>.json`). */
  rewroteManifest: boolean;
  /** Whether `_versions/<version>.json` was rewritten (from an intact `manifest.json`). */
  restoredVersionFile: boolean;
  /** Versions at or below the current one whose manifest file is damaged. */
  damagedVersions: number[];
  /** Of those, the ones whose file was deleted (`dropDamaged`). */
  droppedVersions: number[];
}

/**
 * Make the dataset at `path` open without fallback again. Throws `CorruptDataError` when no version
 * has an intact manifest. Run `verify` for damage that repair cannot fix (data files).
 */
export async function repair(datasetPath: string, options: RepairOptions = {}): Promise<RepairResult> {
  const root = path.resolve(datasetPath);
  const sync = options.fsync ?? true;
  if (!fs.existsSync(root)) throw new DatasetNotFoundError(root, 'the directory does not exist');
  const lock = await acquireLock(root, options);
  try {
    const scan = await scanManifests(root);
    const current = scan.current;
    if (current === null) {
      if (scan.main instanceof CorruptDataError) throw scan.main;
      throw new CorruptDataError(manifestPath(root), 'no version has an intact manifest to repair from');
    }
    const text = serializeManifest(current);
    let rewroteManifest = false;
    let restoredVersionFile = false;
    if (!scan.intact.has(current.version)) {
      await writeFileAtomic(versionPath(root, current.version), text, sync);
      scan.damaged.delete(current.version);
      restoredVersionFile = true;
    }
    if (scan.main !== current) {
      await writeFileAtomic(manifestPath(root), text, sync);
      rewroteManifest = true;
    }
    const damagedVersions = [...scan.damaged.keys()]
      .filter((v) => v <= current.version)
      .sort((a, b) => a - b);
    const droppedVersions: number[] = [];
    if (options.dropDamaged)
      for (const v of damagedVersions) {
        fs.rmSync(versionPath(root, v), { force: true });
        droppedVersions.push(v);
      }
    return {
      version: current.version,
      rewroteManifest,
      restoredVersionFile,
      damagedVersions,
      droppedVersions,
    };
  } finally {
    lock.release();
  }
}
