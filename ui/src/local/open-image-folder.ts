/**
 * A folder of images in the tab: one row per image, its class from its sub-folder, with the same
 * columns, rows and order as `readImageFolder` gives `tessera app` (the rule is shared:
 * src/core/io/image-folder-layout.ts). The `image` column is a media column over `path`, so the
 * schema reports it and the table and gallery ask for its thumbnails (in-tab-media.ts answers).
 */
import { DeferredColumn } from '../../../src/core/column/deferred.js';
import { column } from '../../../src/core/column/infer.js';
import { ParseError } from '../../../src/core/errors.js';
import { DataFrame } from '../../../src/core/frame/frame.js';
import {
  extensionOf,
  IMAGE_EXTENSIONS,
  imageFolderEntries,
} from '../../../src/core/io/image-folder-layout.js';
import { decodeImageFile } from './decode-image-file';
import type { FolderFiles } from './open-folder';

/**
 * The frame of image folder `name`. Where Node's reader gives an empty frame, the tab refuses with
 * a ParseError that says why: a folder with no images in class sub-folders (e.g. a flat folder of
 * images) is most likely not the folder the user meant, and an empty table would not tell them.
 */
export async function frameOfImageFolder(files: FolderFiles, name: string): Promise<DataFrame> {
  const entries = imageFolderEntries(files.keys());
  if (entries.length === 0) {
    const top = [...files.keys()].filter(
      (p) => !p.includes('/') && IMAGE_EXTENSIONS.includes(extensionOf(p).toLowerCase()),
    ).length;
    throw new ParseError(
      name,
      null,
      top > 0
        ? `its ${top} image(s) lie directly in the folder; an image folder holds one sub-folder per class (${name}/<class>/<image>), as \`tessera app\` reads it`
        : `no images (${IMAGE_EXTENSIONS.join(', ')}) in its sub-folders: an image folder holds one sub-folder per class (${name}/<class>/<image>)`,
    );
  }
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
