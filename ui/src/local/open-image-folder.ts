/** A folder of images in the tab: one row per image, its class from its sub-folder. */
import { ParseError } from '../../../src/core/errors.js';
import type { DataFrame } from '../../../src/core/frame/frame.js';
import type { FolderFiles } from './open-folder';

export async function frameOfImageFolder(_files: FolderFiles, name: string): Promise<DataFrame> {
  throw new ParseError(
    name,
    null,
    'the tab does not read image folders yet; open it with `tessera app PATH`',
  );
}
