/**
 * Open whatever PATH `tessera app` is given as a frame, through the existing readers: a Tessera
 * dataset, a Parquet, Arrow, CSV or JSON(-lines) file, a Hugging Face folder or an image folder.
 * A dataset reads only its manifest here; its columns load when a window asks for them.
 */
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { InvalidArgumentError } from '../../core/errors.js';
import type { DataFrame } from '../../core/frame/frame.js';
import { MANIFEST } from '../io/store/layout.js';
import { read } from '../io/store/read.js';
// Registers every media loader, so a dataset's stored media columns read back.
import '../media/index.js';

/** What kind of source a PATH is. */
export type SourceKind =
  | 'dataset'
  | 'parquet'
  | 'arrow'
  | 'csv'
  | 'json'
  | 'jsonl'
  | 'hugging-face'
  | 'image-folder';

/** An opened source: the frame and the directory its media files must stay in. */
export interface OpenedSource {
  frame: DataFrame;
  kind: SourceKind;
  /** Absolute path of what was opened. */
  path: string;
  /** The directory that media cells may be served from (the dataset or folder; a file's folder). */
  root: string;
}

export interface OpenOptions {
  /** Directories outside the dataset that its media columns may read from (as `read`'s `mediaRoots`). */
  mediaRoots?: readonly string[];
}

const FILE_KINDS: Readonly<Record<string, SourceKind>> = {
  '.parquet': 'parquet',
  '.arrow': 'arrow',
  '.arrows': 'arrow',
  '.feather': 'arrow',
  '.ipc': 'arrow',
  '.csv': 'csv',
  '.tsv': 'csv',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

/** The kind of source at `p`, from what is there (a folder's marker files, a file's extension). */
export async function detectSourceKind(p: string): Promise<SourceKind> {
  const stat = await fs.stat(p).catch(() => null);
  if (stat === null) throw new InvalidArgumentError(`nothing to open at ${p}: no such file or folder`);
  if (stat.isDirectory()) {
    if (await exists(path.join(p, MANIFEST))) return 'dataset';
    for (const marker of ['dataset_dict.json', 'dataset_info.json', 'state.json'])
      if (await exists(path.join(p, marker))) return 'hugging-face';
    return 'image-folder';
  }
  const kind = FILE_KINDS[path.extname(p).toLowerCase()];
  if (kind === undefined || !stat.isFile())
    throw new InvalidArgumentError(
      `cannot open ${p}: expected a Tessera dataset, a Hugging Face or image folder, or a file ending in ${Object.keys(FILE_KINDS).join(', ')}`,
    );
  return kind;
}

/** Open `p` (see the module comment) as a frame. */
export async function openSource(p: string, options: OpenOptions = {}): Promise<OpenedSource> {
  const full = path.resolve(p);
  const kind = await detectSourceKind(full);
  const frame = await readAs(kind, full, options);
  const root =
    kind === 'dataset' || kind === 'hugging-face' || kind === 'image-folder' ? full : path.dirname(full);
  return { frame, kind, path: full, root };
}

// Each reader is loaded when a source of its kind is opened: opening a dataset should not wait for
// Parquet's WebAssembly or the other formats' modules.
async function readAs(kind: SourceKind, p: string, options: OpenOptions): Promise<DataFrame> {
  switch (kind) {
    case 'dataset':
      return read(p, { mediaRoots: options.mediaRoots ?? [] });
    case 'parquet':
      return (await import('../io/formats/parquet.js')).readParquet(p);
    case 'arrow':
      return (await import('../io/formats/arrow-ipc.js')).readArrow(p);
    case 'csv':
      return (await import('../io/formats/csv.js')).readCsv(
        p,
        path.extname(p).toLowerCase() === '.tsv' ? { delimiter: '\t' } : {},
      );
    case 'json':
      return (await import('../io/formats/json.js')).readJson(p);
    case 'jsonl':
      return (await import('../io/formats/json.js')).readJsonLines(p);
    case 'hugging-face':
      return (await import('../io/formats/hugging-face.js')).readHuggingFace(p);
    case 'image-folder':
      return (await import('../io/formats/image-folder.js')).readImageFolder(p);
  }
}

async function exists(p: string): Promise<boolean> {
  return (await fs.stat(p).catch(() => null)) !== null;
}
