/**
 * Reading a manifest: the file of a committed version, parsed and validated field by field by the
 * core's parser (src/core/io/store/manifest-parse.ts), with the fallbacks a damaged or half-made
 * commit needs. A manifest is data: nothing in it is ever executed, and anything wrong in it is a
 * {@link CorruptDataError} naming its file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CorruptDataError, DatasetNotFoundError, VersionNotFoundError } from '../../../core/errors.js';
import type { Manifest } from '../../../core/io/store/manifest.js';
import { parseManifest } from '../../../core/io/store/manifest-parse.js';
import { readManifestText } from './file-io.js';
import {
  checkOwnDirectory,
  listVersionFiles,
  MANIFEST,
  manifestPath,
  VERSIONS_DIR,
  versionPath,
} from './layout.js';
import { DAMAGED_VERSION_WARNING, FALLBACK_WARNING, warnStore } from './warnings.js';

/**
 * The manifest of a committed version (default: the current one, see {@link readCurrentManifest}).
 * An old version's file that is damaged is a {@link CorruptDataError}.
 */
export async function readManifest(root: string, version?: number): Promise<Manifest> {
  const current = await committedAfter(root, await readCurrentManifest(root));
  if (version === undefined || version === current.version) return current;
  if (!Number.isSafeInteger(version) || version < 1 || version > current.version)
    throw new VersionNotFoundError(version, committedVersions(root, current), root);
  const m = await readVersionFile(root, version);
  if (m === null) throw new VersionNotFoundError(version, committedVersions(root, current), root);
  return m;
}

/**
 * `published`, or the newest version committed after it: a commit creates `_versions/<n>.json` (its
 * commit point) before it replaces manifest.json, so a writer that died in between leaves version n
 * committed but not yet in manifest.json (commit.ts publishes it at the next commit).
 */
async function committedAfter(root: string, published: Manifest): Promise<Manifest> {
  let m = published;
  for (;;) {
    // Damaged or missing: `m` is the newest readable commit (commit.ts refuses to build past damage).
    const next = await orCorrupt(() => readVersionFile(root, m.version + 1));
    if (next === null || next instanceof CorruptDataError) return m;
    m = next;
  }
}

/** Committed versions that still have a manifest, ascending. */
export function committedVersions(root: string, current: Manifest): number[] {
  const out = listVersionFiles(root).filter((v) => v < current.version);
  out.push(current.version);
  return out;
}

/**
 * The current version's manifest: `manifest.json`, checked against its copy `_versions/<n>.json`.
 * A damaged or missing copy beside an intact `manifest.json` is only a warning (the data is
 * readable; `repair` restores the copy). A damaged `manifest.json`, or one that disagrees with an
 * intact copy (the copies are immutable, `manifest.json` is the file that gets replaced), falls
 * back to the newest intact version file with a {@link FALLBACK_WARNING}.
 */
export async function readCurrentManifest(root: string, retries = 3): Promise<Manifest> {
  const file = manifestPath(root);
  let text = '';
  const main = await orCorrupt(async () => {
    text = await readCurrentManifestText(root);
    return parseManifest(text, file);
  });
  let problem: CorruptDataError;
  if (main instanceof CorruptDataError) problem = main;
  else {
    // The copy is written from the same text: when it is byte for byte that text, it is not parsed again.
    const copy = await orCorrupt(() => readVersionFile(root, main.version, { text, manifest: main }));
    // A commit and a vacuum between the two reads remove the copy: start again from the new manifest.
    if (copy === null && retries > 0 && (await currentVersionNumber(root)) !== main.version)
      return readCurrentManifest(root, retries - 1);
    if (copy === null || copy instanceof CorruptDataError) {
      warnStore(
        DAMAGED_VERSION_WARNING,
        `${versionPath(root, main.version)}, the copy of the current version's manifest, is ` +
          `${copy === null ? 'missing' : `damaged (${copy.detail})`}; reading ${file}, which is intact. ` +
          `Run \`tessera repair ${root}\` to restore it: commits refuse to build on it until then`,
      );
      return main;
    }
    if (sameManifest(main, copy)) return main;
    problem = new CorruptDataError(file, `it disagrees with ${versionPath(root, main.version)}`);
  }
  const atMost = main instanceof CorruptDataError ? Number.POSITIVE_INFINITY : main.version;
  const fallback = await newestIntactVersion(root, atMost);
  if (fallback === null) throw problem;
  warnStore(
    FALLBACK_WARNING,
    `${problem.file} is damaged (${problem.detail}); reading version ${fallback.version}, the newest ` +
      `intact one in ${path.join(root, VERSIONS_DIR)}. Run \`tessera repair ${root}\` to rewrite ${MANIFEST}`,
  );
  return fallback;
}

/**
 * Check, before a commit builds on `current`, that `manifest.json` and its copy in `_versions/` are
 * both intact and agree with it: a new version is never made on top of a damaged one (nor on top of
 * a fallback, which would drop the versions after it from the history).
 */
export async function verifyCommitBase(root: string, current: Manifest): Promise<void> {
  const advice = `; run \`tessera repair ${root}\` first`;
  const file = manifestPath(root);
  const main = parseManifest(await readCurrentManifestText(root), file);
  if (!sameManifest(main, current))
    throw new CorruptDataError(file, `it changed while the commit read it${advice}`);
  let copy: Manifest | null;
  try {
    copy = await readVersionFile(root, current.version);
  } catch (e) {
    if (e instanceof CorruptDataError) throw new CorruptDataError(e.file, `${e.detail}${advice}`);
    throw e;
  }
  const copyFile = versionPath(root, current.version);
  if (copy === null)
    throw new CorruptDataError(copyFile, `the current version's manifest is missing${advice}`);
  if (!sameManifest(copy, current))
    throw new CorruptDataError(copyFile, `it disagrees with ${file}${advice}`);
}

/** The version `manifest.json` names now (null if it cannot be read). */
async function currentVersionNumber(root: string): Promise<number | null> {
  const m = await orCorrupt(async () =>
    parseManifest(await readCurrentManifestText(root), manifestPath(root)),
  );
  return m instanceof CorruptDataError ? null : m.version;
}

/**
 * The manifest in `_versions/<version>.json`, or null if there is none. `known` is a manifest of
 * this version already parsed from its text: a file of that same text gives it back unparsed.
 */
export async function readVersionFile(
  root: string,
  version: number,
  known?: { text: string; manifest: Manifest },
): Promise<Manifest | null> {
  const file = versionPath(root, version);
  // A linked `_versions/` is refused before anything in it is read.
  if (!checkOwnDirectory(root, VERSIONS_DIR)) return null;
  let text: string;
  try {
    text = await readManifestText(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  if (known !== undefined && known.manifest.version === version && text === known.text) return known.manifest;
  const m = parseManifest(text, file);
  if (m.version !== version)
    throw new CorruptDataError(file, `it describes version ${m.version}, not ${version}`);
  return m;
}

/** The newest version file at or below `atMost` that is intact, or null. */
export async function newestIntactVersion(root: string, atMost: number): Promise<Manifest | null> {
  const candidates = listVersionFiles(root).filter((v) => v <= atMost);
  for (let i = candidates.length - 1; i >= 0; i--) {
    const m = await orCorrupt(() => readVersionFile(root, candidates[i]));
    if (m !== null && !(m instanceof CorruptDataError)) return m;
  }
  return null;
}

/** Whether two parsed manifests say the same thing. */
export function sameManifest(a: Manifest, b: Manifest): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** The result of `run`, or the {@link CorruptDataError} it threw (other errors propagate). */
export async function orCorrupt<T>(run: () => Promise<T>): Promise<T | CorruptDataError> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof CorruptDataError) return e;
    throw e;
  }
}

/** The text of `manifest.json` (never through a link); a missing one means there is no dataset. */
export async function readCurrentManifestText(root: string): Promise<string> {
  let text: string;
  try {
    text = await readManifestText(manifestPath(root));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') {
      if (!fs.existsSync(root)) throw new DatasetNotFoundError(root, 'the directory does not exist');
      throw new DatasetNotFoundError(
        root,
        fs.existsSync(path.join(root, 'data'))
          ? 'there is no manifest.json (no write has committed yet)'
          : 'there is no manifest.json',
      );
    }
    if (err.code === 'ENOTDIR') throw new DatasetNotFoundError(root, 'it is not a directory');
    throw e;
  }
  return text;
}
