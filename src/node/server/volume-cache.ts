/**
 * Decoded volumes of the open frame, kept in a small LRU per server, so a volume decodes (and its
 * window is computed) once and each slice after that costs only its own pixels. A file is known by
 * its path, size and modification time (a changed file decodes again); bytes in a cell by identity.
 */
import * as fs from 'node:fs';
import { decodeVolume } from '../media/volume.js';
import { renderSlice, type VolumeDisplay, volumeDisplay } from '../media/volume-display.js';
import type { AppContext } from './context.js';
import type { MediaCell } from './media-cell.js';

/** Most decoded volumes kept, and most voxel bytes kept in all. */
const MAX_VOLUMES = 4;
const MAX_BYTES = 1024 * 2 ** 20;

export class VolumeCache {
  private readonly entries = new Map<string, VolumeDisplay>();
  private readonly byteKeys = new WeakMap<Uint8Array, string>();
  private nextByteKey = 0;

  /** The cell's volume, decoded now or earlier. */
  get(cell: MediaCell): VolumeDisplay {
    const key = this.keyOf(cell);
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const volume =
      'bytes' in cell
        ? decodeVolume(cell.bytes)
        : decodeVolume(cell.source, { baseDir: cell.baseDir, allowedRoots: cell.allowedRoots });
    const display = volumeDisplay(volume);
    this.entries.set(key, display);
    this.evict();
    return display;
  }

  private keyOf(cell: MediaCell): string {
    if ('bytes' in cell) {
      let key = this.byteKeys.get(cell.bytes);
      if (key === undefined) {
        key = `bytes:${this.nextByteKey++}`;
        this.byteKeys.set(cell.bytes, key);
      }
      return key;
    }
    // A missing file falls through to decodeVolume, which says so with a typed error.
    const stat = fs.statSync(cell.file, { throwIfNoEntry: false });
    return `file:${cell.file}\0${stat?.size}\0${stat?.mtimeMs}`;
  }

  private evict(): void {
    let bytes = 0;
    for (const d of this.entries.values()) bytes += d.data.byteLength;
    for (const [key, d] of this.entries) {
      if (this.entries.size <= 1 || (this.entries.size <= MAX_VOLUMES && bytes <= MAX_BYTES)) break;
      this.entries.delete(key);
      bytes -= d.data.byteLength;
    }
  }
}

const caches = new WeakMap<AppContext, VolumeCache>();

/** The volume cache of one server (made on first use). */
export function volumeCacheOf(ctx: AppContext): VolumeCache {
  let cache = caches.get(ctx);
  if (cache === undefined) {
    cache = new VolumeCache();
    caches.set(ctx, cache);
  }
  return cache;
}

/** A volume cell's thumbnail: its middle axial slice as a JPEG, `size` px on the longer side. */
export async function volumeThumbnail(ctx: AppContext, cell: MediaCell, size: number): Promise<Uint8Array> {
  const d = volumeCacheOf(ctx).get(cell);
  return renderSlice(d, 2, Math.floor(d.shape[2] / 2), { size, format: 'jpeg' });
}
