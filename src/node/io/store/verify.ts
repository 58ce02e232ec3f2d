/**
 * A full check of a stored dataset: both copies of the current manifest, the manifest of every kept
 * version, and every data file each version uses, read whole and checked against its checksums
 * (Arrow files parsed with their block indexes, a damaged batch named by its rows; JSON lines parsed;
 * `.npy` headers matched to the column type). Nothing is
 * changed; `repair` fixes what can be fixed from the manifests.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CorruptDataError, VersionNotFoundError } from '../../../core/errors.js';
import { readVerifiedEntry } from '../../../core/io/store/byte-source.js';
import type { FileEntry, FileFragment, Manifest, TensorFragment } from '../../../core/io/store/manifest.js';
import { parseManifest } from '../../../core/io/store/manifest-parse.js';
import { loadObjectColumn } from '../../../core/io/store/object-lines.js';
import { loadScalarColumn } from '../../../core/io/store/scalar-fragment.js';
import { fsByteSource } from './fs-byte-source.js';
import { listVersionFiles, manifestPath, versionPath } from './layout.js';
import { orCorrupt, readCurrentManifestText, readVersionFile, sameManifest } from './manifest-read.js';
import { MappedTensorColumn } from './mapped-tensor.js';

/** Options of {@link verify}. */
export interface VerifyOptions {
  /** Check only this committed version (default: every kept version). */
  version?: number;
}

/** One thing wrong with a dataset. */
export interface VerifyProblem {
  /** The damaged file, relative to the dataset (`manifest.json`, `_versions/2.json`, `data/...`). */
  file: string;
  /** The version that uses it (null for `manifest.json` when it cannot be parsed). */
  version: number | null;
  problem: string;
}

/** Whether one version is readable in full. */
export interface VersionCheck {
  version: number;
  current: boolean;
  ok: boolean;
}

/** What {@link verify} found. */
export interface VerifyReport {
  /** True when nothing is wrong. */
  ok: boolean;
  /** The version a read opens (null when no manifest is intact). */
  current: number | null;
  /** The versions checked, oldest first. */
  versions: VersionCheck[];
  problems: VerifyProblem[];
}

/** The state of a dataset's manifests, shared by {@link verify} and `repair`. */
export interface ManifestScan {
  /** `manifest.json`, parsed, or what is wrong with it (a missing one is damage when versions exist). */
  main: Manifest | CorruptDataError;
  /** Intact version files by version. */
  intact: Map<number, Manifest>;
  /** Damaged version files by version. */
  damaged: Map<number, CorruptDataError>;
  /** The version a read opens: manifest.json's when it agrees with its copy, else the newest intact file. */
  current: Manifest | null;
}

/** Read and check every manifest of the dataset at `root` (absolute). */
export async function scanManifests(root: string): Promise<ManifestScan> {
  const intact = new Map<number, Manifest>();
  const damaged = new Map<number, CorruptDataError>();
  for (const v of listVersionFiles(root)) {
    const m = await orCorrupt(() => readVersionFile(root, v));
    if (m instanceof CorruptDataError) damaged.set(v, m);
    else if (m !== null) intact.set(v, m);
  }
  const file = manifestPath(root);
  const main =
    !fs.existsSync(file) && intact.size + damaged.size > 0
      ? new CorruptDataError(file, 'the file is missing')
      : await orCorrupt(async () => parseManifest(await readCurrentManifestText(root), file));
  let current: Manifest | null = null;
  let atMost = Number.POSITIVE_INFINITY;
  if (!(main instanceof CorruptDataError)) {
    const copy = intact.get(main.version);
    if (copy === undefined || sameManifest(copy, main)) current = main;
    else atMost = main.version;
  }
  if (current === null)
    for (const [v, m] of [...intact].sort((a, b) => b[0] - a[0]))
      if (v <= atMost) {
        current = m;
        break;
      }
  return { main, intact, damaged, current };
}

/**
 * Check every file of every kept version of the dataset at `path` (or of one `version`), reading
 * all data. Returns what is wrong instead of throwing; a missing dataset is a `DatasetNotFoundError`.
 */
export async function verify(datasetPath: string, options: VerifyOptions = {}): Promise<VerifyReport> {
  const root = path.resolve(datasetPath);
  const scan = await scanManifests(root);
  const problems: VerifyProblem[] = [];
  const report = (e: CorruptDataError, version: number | null) =>
    problems.push({ file: relative(root, e.file), version, problem: e.detail });
  const { main, current } = scan;
  if (main instanceof CorruptDataError) report(main, null);
  else if (current !== main)
    report(new CorruptDataError(manifestPath(root), disagreement(root, main.version)), main.version);
  const currentVersion = current?.version ?? null;
  const kept = [...new Set([...scan.intact.keys(), ...scan.damaged.keys()])]
    .filter((v) => currentVersion === null || v <= currentVersion)
    .sort((a, b) => a - b);
  if (currentVersion !== null && !kept.includes(currentVersion)) kept.push(currentVersion);
  let checked = kept;
  if (options.version !== undefined) {
    if (!kept.includes(options.version)) throw new VersionNotFoundError(options.version, kept, root);
    checked = [options.version];
  }
  const fileChecks = new Map<string, CorruptDataError[]>();
  const versions: VersionCheck[] = [];
  for (const v of checked) {
    const before = problems.length;
    const damage = scan.damaged.get(v);
    if (damage) report(damage, v);
    else if (!scan.intact.has(v))
      report(new CorruptDataError(versionPath(root, v), "the current version's manifest is missing"), v);
    const m = scan.intact.get(v) ?? (v === currentVersion ? current : null);
    if (m !== null)
      for (const [key, check] of dataChecks(root, m)) {
        let found = fileChecks.get(key);
        if (found === undefined) {
          found = check();
          fileChecks.set(key, found);
        }
        for (const e of found) report(e, v);
      }
    versions.push({ version: v, current: v === currentVersion, ok: problems.length === before });
  }
  return { ok: problems.length === 0, current: currentVersion, versions, problems };
}

function disagreement(root: string, version: number): string {
  return `it disagrees with ${versionPath(root, version)}, the immutable copy of version ${version}`;
}

type Check = () => CorruptDataError[];

/** One check per data file of a manifest, keyed by what it checks (so files shared by versions run once). */
function dataChecks(root: string, m: Manifest): [string, Check][] {
  const out: [string, Check][] = [];
  const add = (key: unknown, check: () => unknown) => out.push([JSON.stringify(key), () => collect(check)]);
  const source = fsByteSource(root);
  const wholeFile = (f: FileEntry) => () => readVerifiedEntry(source, f);
  for (const c of m.columns) {
    if (c.type.kind === 'scalar') {
      const { dtype } = c.type;
      for (const f of (c as { fragments: FileFragment[] }).fragments)
        add([dtype, f], () => loadScalarColumn(source, dtype, [f]));
    } else if (c.type.kind === 'object') {
      for (const f of (c as { fragments: FileFragment[] }).fragments)
        add(['object', f], () => loadObjectColumn(source, [f]));
    } else if (c.type.kind === 'tensor') {
      const type = c.type;
      for (const f of (c as { fragments: TensorFragment[] }).fragments) {
        // Each file on its own, so that one damaged file does not hide another.
        if (f.validity !== null) add(f.validity, wholeFile(f.validity));
        // The header against its checksum and the column type, then every block against its checksum.
        add([type, f.rows, f.data], () =>
          new MappedTensorColumn(root, type, [{ ...f, validity: null }]).load(),
        );
      }
    }
  }
  for (const entry of Object.values(m.indexes ?? {})) add(entry.file, wholeFile(entry.file));
  return out;
}

/** The errors a check raised: typed ones as they are, anything else as damage of no known file. */
function collect(check: () => unknown): CorruptDataError[] {
  try {
    check();
    return [];
  } catch (e) {
    if (e instanceof CorruptDataError) return [e];
    const err = e as NodeJS.ErrnoException;
    return [new CorruptDataError(err.path ?? '(unknown file)', `cannot be read (${err.message})`)];
  }
}

function relative(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}
