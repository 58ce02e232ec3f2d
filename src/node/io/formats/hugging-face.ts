import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { column } from '../../../core/column/infer.js';
import { ScalarColumn } from '../../../core/column/scalar.js';
import { InvalidArgumentError, ParseError } from '../../../core/errors.js';
import { DataFrame } from '../../../core/frame/frame.js';
import { imageColumn } from '../../media/image.js';
import { readArrow } from './arrow-ipc.js';
import { readParquet } from './parquet.js';

export interface HuggingFaceOptions {
  /** For a DatasetDict (a folder of splits): which split to read (default: 'train', else the first). */
  split?: string;
}

/** The part of `dataset_info.json` features Tessera understands. */
type Feature = { _type?: string; names?: string[] } & Record<string, unknown>;

/**
 * Import a Hugging Face dataset kept on disk: a `save_to_disk` folder (`state.json` listing Arrow
 * stream files, `dataset_info.json` with the features; a DatasetDict folder holds one such folder
 * per split) or a folder of Parquet files with a `dataset_info.json`. Features map to column kinds:
 * `Image` (a struct of bytes and path) becomes a lazy image column decoded from the bytes, or from
 * the path when there are no bytes; `ClassLabel` becomes the label names (strings; -1 is null).
 * Nothing in the folder is executed.
 */
export async function readHuggingFace(dir: string, options: HuggingFaceOptions = {}): Promise<DataFrame> {
  await requireFolder(dir);
  const dict = await readJsonFile(path.join(dir, 'dataset_dict.json'));
  if (dict !== null) {
    const splits = (dict as { splits?: unknown }).splits;
    if (!Array.isArray(splits) || splits.length === 0 || !splits.every((s) => typeof s === 'string'))
      throw new ParseError(
        path.join(dir, 'dataset_dict.json'),
        null,
        'expected "splits": a list of split names',
      );
    const split = options.split ?? (splits.includes('train') ? 'train' : splits[0]);
    if (!splits.includes(split))
      throw new InvalidArgumentError(`no split "${split}" in ${dir}; it has ${splits.join(', ')}`);
    return readHuggingFace(path.join(dir, split), {});
  }
  const info = await readJsonFile(path.join(dir, 'dataset_info.json'));
  const features = ((info as { features?: Record<string, Feature> } | null)?.features ?? {}) as Record<
    string,
    Feature
  >;
  const parts: DataFrame[] = [];
  for (const file of await dataFiles(dir))
    parts.push(file.endsWith('.parquet') ? await readParquet(file) : await readArrow(file));
  if (parts.length === 0) throw new InvalidArgumentError(`no .arrow or .parquet data files in ${dir}`);
  let frame = parts.length === 1 ? parts[0] : DataFrame.concat(parts);
  for (const [name, feature] of Object.entries(features)) {
    if (!frame.has(name)) continue;
    if (feature._type === 'ClassLabel' && Array.isArray(feature.names))
      frame = withLabelNames(frame, name, feature.names, path.join(dir, 'dataset_info.json'));
    if (feature._type === 'Image') frame = withImages(frame, name, dir);
  }
  return frame;
}

/** A missing path (often a Hub name such as 'imdb') is a typed error that says what is read. */
async function requireFolder(dir: string): Promise<void> {
  const stat = await fs.stat(dir).catch(() => null);
  if (stat?.isDirectory()) return;
  throw new InvalidArgumentError(
    `${stat === null ? 'no folder at' : 'not a folder:'} ${dir}; readHuggingFace reads a dataset kept on ` +
      'disk (a folder from save_to_disk, or a folder of Parquet files) and downloads nothing: ' +
      'save it first in Python with datasets.load_dataset(name).save_to_disk(folder)',
  );
}

/** The data files: those `state.json` lists (save_to_disk), else every .arrow/.parquet file, sorted. */
async function dataFiles(dir: string): Promise<string[]> {
  const state = await readJsonFile(path.join(dir, 'state.json'));
  const listed = (state as { _data_files?: { filename?: unknown }[] } | null)?._data_files;
  if (Array.isArray(listed)) {
    return listed.map((f) => {
      const name = f?.filename;
      // Only plain file names inside the folder: a dataset must not point us elsewhere.
      if (typeof name !== 'string' || name !== path.basename(name) || name.startsWith('.'))
        throw new ParseError(
          path.join(dir, 'state.json'),
          null,
          `bad data file name ${JSON.stringify(name)}`,
        );
      return path.join(dir, name);
    });
  }
  const found: string[] = [];
  const walk = async (d: string) => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      if (e.isDirectory()) await walk(path.join(d, e.name));
      else if (e.isFile() && /\.(arrow|parquet)$/.test(e.name)) found.push(path.join(d, e.name));
    }
  };
  await walk(dir);
  return found.sort();
}

function withLabelNames(frame: DataFrame, name: string, names: string[], infoFile: string): DataFrame {
  const ids = frame.column(name);
  if (!(ids instanceof ScalarColumn) || ids.dtype === 'string' || ids.dtype === 'bool') return frame;
  const labels = new Array<string | null>(ids.length);
  for (let i = 0; i < ids.length; i++) {
    const id = ids.isNull(i) ? -1 : ids.numberAt(i);
    if (id >= names.length)
      throw new ParseError(
        infoFile,
        null,
        `column "${name}", row ${i}: class id ${id} has no name (${names.length} classes)`,
      );
    labels[i] = id < 0 ? null : names[id];
  }
  return frame.withColumn(name, column(labels, 'string'));
}

function withImages(frame: DataFrame, name: string, dir: string): DataFrame {
  const cells = frame.column(name).toArray() as ({
    bytes?: Uint8Array | null;
    path?: string | null;
  } | null)[];
  const sources = cells.map((c) => c?.bytes ?? c?.path ?? null);
  return frame.withColumn(name, imageColumn(sources, { baseDir: dir }));
}

async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return null;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ParseError(file, null, `not valid JSON (${(e as Error).message})`);
  }
}
