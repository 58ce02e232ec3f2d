import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { column } from '../../../core/column/infer.js';
import { InvalidArgumentError } from '../../../core/errors.js';
import { DataFrame } from '../../../core/frame/frame.js';
import { IMAGE_EXTENSIONS, imageFolderRows } from '../../../core/io/image-folder-layout.js';
import { type ImageColumnOptions, imageColumn } from '../../media/image.js';

export { IMAGE_EXTENSIONS };

export interface ImageFolderOptions extends Omit<ImageColumnOptions, 'baseDir' | 'inputNames'> {
  /**
   * Base directory stored with the image column instead of `root` itself, e.g. `${DATA_ROOT}/pets`,
   * so a dataset written from this frame can move between machines (default: `root`).
   */
  baseDir?: string;
  /** Extensions to include, lower case with the dot (default {@link IMAGE_EXTENSIONS}). */
  extensions?: readonly string[];
}

/**
 * Import a class-per-folder image dataset (`root/<class>/<file>`, as torchvision's ImageFolder):
 * one row per image with `path` (relative to root, '/'-separated), `label` (the class folder) and a
 * lazy `image` column. Rows are sorted by class, then path; files directly under root and hidden
 * entries are skipped; nested folders below a class belong to that class. A folder with no images
 * in class sub-folders (e.g. a flat folder of images) is refused with a ParseError that says so.
 */
export async function readImageFolder(root: string, options: ImageFolderOptions = {}): Promise<DataFrame> {
  const { extensions = IMAGE_EXTENSIONS, baseDir = root, ...imageOptions } = options;
  const stat = await fs.stat(root).catch(() => null);
  if (!stat?.isDirectory()) throw new InvalidArgumentError(`image folder "${root}" is not a directory`);
  const entries = imageFolderRows(await listFiles(root), root, extensions);
  const paths = entries.map((e) => e.path);
  const labels = entries.map((e) => e.label);
  const frame = new DataFrame({ path: column(paths, 'string'), label: column(labels, 'string') });
  return frame.withColumn(
    'image',
    imageColumn(frame.column('path'), { ...imageOptions, baseDir, inputNames: ['path'] }),
  );
}

/** Files under `dir`, recursively, relative to it with '/' separators; hidden entries skipped. */
async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    if (e.isDirectory()) for (const f of await listFiles(path.join(dir, e.name))) out.push(`${e.name}/${f}`);
    else if (e.isFile()) out.push(e.name);
  }
  return out;
}
