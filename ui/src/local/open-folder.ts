/**
 * A dropped or picked folder as a frame, in the worker: a Tessera dataset folder (a `manifest.json`
 * at its top, as the store writes it) or a folder of images (one sub-folder per class, as
 * `tessera app` and torchvision's ImageFolder read them). The files stay in the worker after
 * opening, so media cells read their bytes from them.
 */
import { ParseError } from '../../../src/core/errors.js';
import type { DataFrame } from '../../../src/core/frame/frame.js';
import { frameOfDatasetFolder } from './open-dataset-folder.js';
import { frameOfImageFolder } from './open-image-folder.js';
import type { FolderFile, InTabFormat } from './protocol.js';

/** The files of an opened folder, by their path below it. */
export type FolderFiles = ReadonlyMap<string, File>;

/** The frame a folder named `name` holds, and what kind of folder it is. */
export async function frameOfFolder(
  list: readonly FolderFile[],
  name: string,
): Promise<{ frame: DataFrame; format: InTabFormat; files: FolderFiles }> {
  const files = new Map(list.map((f) => [f.path, f.file]));
  if (files.size === 0) throw new ParseError(name, null, 'the folder is empty');
  if (files.has('manifest.json'))
    return { frame: await frameOfDatasetFolder(files, name), format: 'tessera', files };
  return { frame: await frameOfImageFolder(files, name), format: 'image-folder', files };
}
