/**
 * The commit of a new version: under the dataset's lock, the caller writes its data files, then the
 * new version's manifest is created as `_versions/<n>.json` (a hard link of a complete file, which
 * fails if that version exists: of two writers numbering the same version, one commits and the other
 * gets ConcurrentWriteError), and `manifest.json`, which readers open, is replaced by a rename to
 * match. A crash at any moment leaves the previous version intact; data files of a failed commit are
 * removed. A version file above `manifest.json`'s version is a commit whose rename did not happen
 * (its writer died): the next commit builds on it, so nothing committed is ever dropped.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConcurrentWriteError, CorruptDataError } from '../../../core/errors.js';
import type { WriteOptions, WriteResult } from '../../../core/frame/writer.js';
import { FORMAT, FORMAT_VERSION, type Manifest } from '../../../core/io/store/manifest.js';
import { parseManifest } from '../../../core/io/store/manifest-parse.js';
import { createFileAtomic, syncDirectory, writeFileAtomic } from './atomic.js';
import { readManifestText } from './file-io.js';
import { DATA_DIR, dataPath, listVersionFiles, manifestPath, versionPath } from './layout.js';
import { acquireLock } from './lock.js';
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
  const lock = await acquireLock(root, options);
  let ctx: FragmentContext | null = null;
  let committed = false;
  try {
    const current = await newestCommitted(root, sync);
    // Never build a new version on a damaged one (nor on a fallback, which would drop later history).
    if (current !== null) await verifyCommitBase(root, current);
    const version = (current?.version ?? 0) + 1;
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
    // A writer that stalled past its lease lost its lock: another may have committed meanwhile.
    if (!lock.held())
      throw new ConcurrentWriteError(
        `the write to ${root} lost its lock (it was not refreshed for a whole lease, and another writer took it over); nothing was committed: retry`,
      );
    // The commit: the version file is created only if no other writer committed this version.
    if (!(await createFileAtomic(versionPath(root, version), text, sync)))
      throw new ConcurrentWriteError(
        `another writer committed version ${version} of ${root} first; nothing was committed: retry`,
      );
    committed = true;
    await publish(root, version, text, sync);
    return { path: root, version, length: manifest.length, files: ctx.created.length, bytes: ctx.bytes };
  } finally {
    if (!committed && ctx !== null)
      for (const f of ctx.created) fs.rmSync(dataPath(root, f), { force: true });
    lock.release();
  }
}

/**
 * The newest committed version (null for a new dataset), published in `manifest.json` if its writer
 * died before it did. Above it, an intact manifest of another version is what an older release's
 * interrupted commit left, and is removed; one that does not parse is damage and is kept for
 * `repair` (commits link complete files, so it may be someone's acknowledged commit).
 */
export async function newestCommitted(root: string, sync: boolean): Promise<Manifest | null> {
  // readManifest follows commits past manifest.json; a new dataset's first may lack manifest.json.
  let newest = fs.existsSync(manifestPath(root)) ? await readManifest(root) : null;
  for (const v of listVersionFiles(root).reverse()) {
    if (v <= (newest?.version ?? 0)) break;
    const found = await versionFile(root, v);
    if (found === 'damaged')
      throw new CorruptDataError(
        versionPath(root, v),
        `it is not a valid manifest of version ${v}; run \`tessera repair ${root}\``,
      );
    if (found !== 'another version') {
      newest = found.manifest;
      break;
    }
    fs.rmSync(versionPath(root, v), { force: true });
  }
  // A damaged manifest.json is left for verifyCommitBase to refuse, not silently rewritten.
  const published = await publishedVersion(root);
  if (newest !== null && published !== null && published !== newest.version) {
    const text = await readManifestText(versionPath(root, newest.version));
    await publish(root, newest.version, text, sync);
  }
  return newest;
}

/** The version `manifest.json` names (0 when there is none, null when it is damaged). */
async function publishedVersion(root: string): Promise<number | null> {
  const file = manifestPath(root);
  if (!fs.existsSync(file)) return 0;
  try {
    return parseManifest(await readManifestText(file), file).version;
  } catch {
    return null;
  }
}

/**
 * Make `manifest.json` the manifest of `version`, or of a newer version committed meanwhile (only a
 * writer that took over a stalled writer's lock can commit one), so it never ends behind a commit.
 */
async function publish(root: string, version: number, text: string, sync: boolean): Promise<void> {
  for (;;) {
    await writeFileAtomic(manifestPath(root), text, sync);
    const newest = listVersionFiles(root).at(-1) ?? 0;
    if (newest <= version) return;
    const next = await versionFile(root, newest);
    if (typeof next === 'string') return;
    version = newest;
    text = next.text;
  }
}

/**
 * `_versions/<v>.json` with its text; 'another version' when it is an intact manifest of some other
 * version (a stray copy), 'damaged' when it is not a readable manifest. Never read through a link.
 */
async function versionFile(
  root: string,
  v: number,
): Promise<{ manifest: Manifest; text: string } | 'another version' | 'damaged'> {
  const file = versionPath(root, v);
  try {
    const text = await readManifestText(file);
    const manifest = parseManifest(text, file);
    return manifest.version === v ? { manifest, text } : 'another version';
  } catch {
    return 'damaged';
  }
}
