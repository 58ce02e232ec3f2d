/**
 * The file (or bytes) behind one cell of a media column of the open frame. The client names a row
 * and a column, never a path: the path comes from the frame and resolves through the media paths'
 * checks, so no file outside the dataset and the granted media roots is ever reached (no `..`, no
 * absolute path, no symbolic link leading out).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DeferredColumn } from '../../core/column/deferred.js';
import { expandParams } from '../../core/column/registry.js';
import type { MediaKind } from '../../core/column/types.js';
import { IndexOutOfRangeError, InvalidArgumentError, ResourceNotFoundError } from '../../core/errors.js';
import type { DataFrame } from '../../core/frame/frame.js';
import { resolveMediaPath } from '../media/paths.js';

/** A media cell: a checked file path, or the bytes the cell holds. */
export type MediaCell =
  | {
      kind: MediaKind;
      file: string;
      source: string;
      baseDir: string | undefined;
      allowedRoots: readonly string[];
    }
  | { kind: MediaKind; bytes: Uint8Array };

/** The real paths of the directories media may be served from. */
export function servedRoots(roots: readonly string[]): string[] {
  return roots.map((r) => {
    const full = path.resolve(r);
    try {
      return fs.realpathSync.native(full);
    } catch {
      return full;
    }
  });
}

/** Names of the frame's media columns. */
export function mediaColumnNames(frame: DataFrame): string[] {
  return frame.columnNames.filter((n) => mediaKindOf(frame, n) !== undefined);
}

function mediaKindOf(frame: DataFrame, name: string): MediaKind | undefined {
  const type = frame.schema.find((f) => f.name === name)?.type;
  return type?.kind === 'deferred' ? type.media : undefined;
}

/** The cell at (`row`, `column`), checked against `roots` (see the module comment). */
export function mediaCell(
  frame: DataFrame,
  columnName: string,
  row: number,
  roots: readonly string[],
): MediaCell {
  const col = frame.column(columnName);
  const kind = mediaKindOf(frame, columnName);
  if (kind === undefined || !(col instanceof DeferredColumn))
    throw new InvalidArgumentError(`column "${columnName}" is not a media column`);
  if (!Number.isInteger(row) || row < 0 || row >= frame.length)
    throw new IndexOutOfRangeError(row, frame.length);
  const src = col.inputsAt(row)?.[0];
  if (src === null || src === undefined)
    throw new ResourceNotFoundError(`row ${row} of "${columnName}" is null`);
  if (src instanceof Uint8Array) return { kind, bytes: src };
  if (typeof src !== 'string') throw new ResourceNotFoundError(`row ${row} of "${columnName}" names no file`);
  const params = expandParams(col.options.params ?? {});
  const baseDir = typeof params.baseDir === 'string' ? params.baseDir : undefined;
  // With allowedRoots, resolveMediaPath follows links and refuses any that lead outside them.
  const file = resolveMediaPath(src, baseDir, roots);
  return { kind, file, source: src, baseDir, allowedRoots: roots };
}

/**
 * A key for caches of what is made from a cell (thumbnails, waveforms) and `parts` (a size): of the
 * bytes a cell holds, or of its file's path, size and modification time, so a changed file gets a
 * new key.
 */
export async function cellCacheKey(cell: MediaCell, ...parts: (string | number)[]): Promise<string> {
  const h = createHash('sha256').update(`${parts.join('\0')}\0`);
  if ('bytes' in cell) h.update(cell.bytes);
  else {
    const stat = await fs.promises.stat(cell.file).catch(() => {
      throw new ResourceNotFoundError('the media file of this cell does not exist');
    });
    h.update(`${cell.file}\0${stat.size}\0${stat.mtimeMs}`);
  }
  return h.digest('hex');
}
