/**
 * Where a media cell of an image folder opened in the tab lies: the `image` column is a function
 * of the `path` column (open-image-folder.ts), so a cell's file is its row's input value, a path
 * below the folder. (A Tessera dataset folder resolves its cells in folder-media.ts.)
 */
import { DeferredColumn } from '../../../src/core/column/deferred.js';
import {
  IndexOutOfRangeError,
  InvalidArgumentError,
  ResourceNotFoundError,
} from '../../../src/core/errors.js';
import type { DataFrame } from '../../../src/core/frame/frame.js';

/** The path below the folder of the file behind cell (`row`, `column`) of an image folder's frame. */
export function imageFolderMediaPath(frame: DataFrame, column: string, row: number): string {
  const col = frame.column(column);
  if (!(col instanceof DeferredColumn) || col.type.kind !== 'deferred' || col.type.media === undefined)
    throw new InvalidArgumentError(`column "${column}" is not a media column`);
  if (!Number.isInteger(row) || row < 0 || row >= frame.length)
    throw new IndexOutOfRangeError(row, frame.length);
  const path = col.inputsAt(row)?.[0];
  if (typeof path !== 'string') throw new ResourceNotFoundError(`row ${row} of "${column}" names no file`);
  return path;
}
