/** A Tessera dataset folder in the tab: its current version read from the folder's files. */
import { ParseError } from '../../../src/core/errors.js';
import type { DataFrame } from '../../../src/core/frame/frame.js';
import type { FolderFiles } from './open-folder.js';

export async function frameOfDatasetFolder(_files: FolderFiles, name: string): Promise<DataFrame> {
  throw new ParseError(
    name,
    null,
    'the tab does not read Tessera dataset folders yet; open it with `tessera app PATH`',
  );
}
