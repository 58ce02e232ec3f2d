/**
 * A Tessera dataset folder in the tab: its current version (`manifest.json`) read from the folder's
 * files by the same core readers as the Node store's (src/core/io/store): the manifest checked
 * against its checksum and validated, every data file against its CRC-32 when its column is first
 * read (a missing or damaged file is a `CorruptDataError` naming it). Nothing in the dataset is
 * executed: a deferred column is built from the functions registered in the tab, by name, and one
 * whose function is not registered here fails with `FunctionNotRegisteredError` when computed.
 */
import type { DataFrame } from '../../../src/core/frame/frame.js';
import { parseManifest } from '../../../src/core/io/store/manifest-parse.js';
import { storedFrame } from '../../../src/core/io/store/stored-frame.js';
import { folderByteSource } from './folder-byte-source.js';
import { rememberFolderDataset } from './folder-media.js';
import type { FolderFiles } from './open-folder.js';

export async function frameOfDatasetFolder(files: FolderFiles, name: string): Promise<DataFrame> {
  const manifestFile = `${name}/manifest.json`;
  const manifest = parseManifest(await files.get('manifest.json')!.text(), manifestFile);
  const source = await folderByteSource(files, name, manifest);
  // Media loaders must stay inside the dataset: in the tab, inside the folder's files (folder-media.ts).
  const frame = storedFrame(manifest, source, { datasetRoot: name, env: {} });
  rememberFolderDataset(frame, { name, manifest, files });
  return frame;
}
