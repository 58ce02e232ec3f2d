/** The gallery's tile sizes and which columns it can show: images as tiles, the others as captions. */
import type { Schema } from '../api';
import { cellView } from '../table/format';

export const TILE_WIDTH = 180;
const THUMB_AREA = 168;
const CAPTION_LINE = 18;

/** Tiles per row of the grid for a width in px (one at least). */
export function tilesPerRow(width: number): number {
  return Math.max(1, Math.floor(width / TILE_WIDTH));
}

/** Height in px of a tile with `captions` caption lines. */
export function tileHeight(captions: number): number {
  return THUMB_AREA + captions * CAPTION_LINE + 6;
}

/** The image and volume columns (tiles) and the columns whose values read as text (captions), in frame order. */
export function galleryColumns(schema: Schema): { images: string[]; captionable: string[] } {
  const images: string[] = [];
  const captionable: string[] = [];
  for (const c of schema.columns) {
    const view = cellView(c);
    // A volume's thumbnail is its middle axial slice (the server's thumbnail route).
    if (view === 'image' || c.media === 'volume') images.push(c.name);
    else if (view !== 'media' && view !== 'tensor' && view !== 'deferred') captionable.push(c.name);
  }
  return { images, captionable };
}
