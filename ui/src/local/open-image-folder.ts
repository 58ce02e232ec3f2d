/**
 * A folder of images in the tab: one row per image, its class from its sub-folder, with the same
 * columns, rows and order as `readImageFolder` gives `tessera app` (the rule is shared:
 * src/core/io/image-folder-layout.ts). The `image` column is a media column over `path`, so the
 * schema reports it and the table and gallery ask for its thumbnails (in-tab-media.ts answers).
 */
import { DeferredColumn } from '../../../src/core/column/deferred.js';
import { column } from '../../../src/core/column/infer.js';
import { DataFrame } from '../../../src/core/frame/frame.js';
import { imageFolderRows } from '../../../src/core/io/image-folder-layout.js';
import { decodeImageFile } from './decode-image-file.js';
import type { FolderFiles } from './open-folder.js';

/** The frame of image folder `name`; a folder with no images in class sub-folders is refused (imageFolderRows). */
export async function frameOfImageFolder(files: FolderFiles, name: string): Promise<DataFrame> {
  const entries = imageFolderRows([...files.keys()], name);
  const frame = new DataFrame({
    path: column(
      entries.map((e) => e.path),
      'string',
    ),
    label: column(
      entries.map((e) => e.label),
      'string',
    ),
  });
  const image = new DeferredColumn(
    (path: string | null) => {
      const file = path === null ? undefined : files.get(path);
      return file === undefined ? null : decodeImageFile(file, path as string);
    },
    [frame.column('path')],
    { media: 'image', inputNames: ['path'], maxCachedBytes: 64 * 2 ** 20 },
  );
  return frame.withColumn('image', image);
}
