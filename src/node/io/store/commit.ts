/**
 * The commit of a new version: under the dataset's lock, the caller writes its data files, then the
 * new version's manifest is written to `_versions/` and made current with one rename of
 * `manifest.json`. Until that rename nothing a reader sees has changed, so a crash at any moment
 * leaves the previous version intact; data files of a failed commit are removed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { WriteOptions, WriteResult } from '../../../core/frame/writer.js';
import { syncDirectory, writeFileAtomic } from './atomic.js';
import { DATA_DIR, dataPath, listVersionFiles, manifestPath, versionPath } from './layout.js';
import { acquireLock } from './lock.js';
import { FORMAT, FORMAT_VERSION, type Manifest } from './manifest.js';
import { readManifest, verifyCommitBase } from './manifest-read.js';
import { serializeManifest } from './manifest-write.js';
import type { FragmentContext } from './write-fragments.js';

/** A manifest before its commit fills in the format, version and time. */
export type Draft = Omit<Manifest, 'format' | 'formatVersion' | 'version' | 'createdAt'>;

/** Take the lock, write the data (`build`), then commit its manifest as the next version. */
export async function commit(
  root: string,
  options: WriteOptions,
  build: (ctx: FragmentContext, current: Manifest | null) => Promise<Draft>,
): Promise<WriteResult> {
  const sync = options.fsync ?? true;
  const release = acquireLock(root);
  let ctx: FragmentContext | null = null;
  let committed = false;
  try {
    const current = fs.existsSync(manifestPath(root)) ? await readManifest(root) : null;
    if (current !== null) await verifyCommitBase(root, current);
    // Version files above the current version were left by interrupted writes: remove them before
    // numbering, so that every version file at or below the current version is a committed one.
    const base = current?.version ?? 0;
    for (const v of listVersionFiles(root)) if (v > base) fs.rmSync(versionPath(root, v), { force: true });
    const version = base + 1;
    ctx = { root, version, sync, created: [], bytes: 0 };
    const draft = await build(ctx, current);
    const manifest: Manifest = {
      format: FORMAT,
      formatVersion: FORMAT_VERSION,
      version,
      parent: draft.parent,
      operation: draft.operation,
      createdAt: new Date().toISOString(),
      length: draft.length,
      primaryKey: draft.primaryKey,
      columns: draft.columns,
      ...(draft.indexes !== undefined && Object.keys(draft.indexes).length > 0
        ? { indexes: draft.indexes }
        : {}),
    };
    if (sync) await syncDirectory(path.join(root, DATA_DIR));
    const text = serializeManifest(manifest);
    await writeFileAtomic(versionPath(root, version), text, sync);
    // The commit: one rename replaces manifest.json.
    await writeFileAtomic(manifestPath(root), text, sync);
    committed = true;
    return { path: root, version, length: manifest.length, files: ctx.created.length, bytes: ctx.bytes };
  } finally {
    if (!committed && ctx !== null)
      for (const f of ctx.created) fs.rmSync(dataPath(root, f), { force: true });
    release();
  }
}
