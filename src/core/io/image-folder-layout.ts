/**
 * Which files of a class-per-folder image dataset (`root/<class>/<file>`, as torchvision's
 * ImageFolder) are its rows, and in what order: one home for the rule that the Node reader
 * (src/node/io/formats/image-folder.ts) and the in-tab reader (ui/src/local/open-image-folder.ts)
 * both apply to the file paths they list.
 */
import { ParseError } from '../errors.js';

/** File extensions read as images (those sharp decodes and browsers show). */
export const IMAGE_EXTENSIONS: readonly string[] = [
  '.jpg',
  '.jpeg',
  '.png',
  '.webp',
  '.gif',
  '.tif',
  '.tiff',
];

/** One image of the folder: its path below the root ('/'-separated) and its class. */
export interface ImageFolderEntry {
  path: string;
  label: string;
}

/** The extension of the last segment of `p` with its dot, as Node's `path.extname` gives it ('' for none or a dotfile). */
export function extensionOf(p: string): string {
  const base = p.slice(p.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot);
}

/**
 * The images among `paths` (files below the root, '/'-separated): those inside a class folder
 * (files directly under the root are not), with a wanted extension (case-insensitive), and no
 * hidden segment (a leading dot). Sorted by class, then by path within the class; nested folders
 * below a class belong to that class.
 */
export function imageFolderEntries(
  paths: Iterable<string>,
  extensions: readonly string[] = IMAGE_EXTENSIONS,
): ImageFolderEntry[] {
  const wanted = new Set(extensions.map((e) => e.toLowerCase()));
  const rows: { label: string; rest: string }[] = [];
  for (const p of paths) {
    const parts = p.split('/');
    if (parts.length < 2 || parts.some((s) => s === '' || s.startsWith('.'))) continue;
    if (!wanted.has(extensionOf(p).toLowerCase())) continue;
    rows.push({ label: parts[0] as string, rest: parts.slice(1).join('/') });
  }
  // Class first, then the path inside it (not the whole path: '/' sorts after '-' and '.').
  rows.sort((a, b) => compare(a.label, b.label) || compare(a.rest, b.rest));
  return rows.map((r) => ({ path: `${r.label}/${r.rest}`, label: r.label }));
}

/**
 * The images of the folder `name` whose files below it are `paths` (see {@link imageFolderEntries}),
 * refusing a folder with none with a ParseError that says why: a flat folder of images, or one
 * with no images in its sub-folders, is most likely not the folder meant, and an empty table would
 * not tell.
 */
export function imageFolderRows(
  paths: readonly string[],
  name: string,
  extensions: readonly string[] = IMAGE_EXTENSIONS,
): ImageFolderEntry[] {
  const entries = imageFolderEntries(paths, extensions);
  if (entries.length > 0) return entries;
  const wanted = new Set(extensions.map((e) => e.toLowerCase()));
  const top = paths.filter(
    (p) => !p.includes('/') && !p.startsWith('.') && wanted.has(extensionOf(p).toLowerCase()),
  );
  const layout = `an image folder holds one sub-folder per class (${name}/<class>/<image>)`;
  throw new ParseError(
    name,
    null,
    top.length > 0
      ? `its ${top.length} image(s) lie directly in the folder; ${layout}`
      : `no images (${extensions.join(', ')}) in its sub-folders: ${layout}`,
  );
}

/** JavaScript's default sort order (UTF-16 code units), as `Array.prototype.sort` uses. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
