/**
 * The columns of a row window (its Arrow IPC bytes are made by src/core/app/window-ipc.ts).
 * Deferred columns are left out: media cells come from the media and thumbnail routes, other
 * computed cells from /api/cells (computed on demand, so a window never waits on a function).
 */
import { computedColumnNames } from '../../core/app/computed-cells.js';
import { ColumnNotFoundError, InvalidArgumentError } from '../../core/errors.js';
import type { DataFrame } from '../../core/frame/frame.js';
import { mediaColumnNames } from './media-cell.js';

export const ARROW_STREAM_TYPE = 'application/vnd.apache.arrow.stream';

/** The columns a window holds: those asked for (checked), or every column that is not deferred. */
export function windowColumns(frame: DataFrame, asked: string | undefined): string[] {
  const media = new Set(mediaColumnNames(frame));
  const computed = new Set(computedColumnNames(frame));
  if (asked === undefined || asked === '')
    return frame.columnNames.filter((n) => !media.has(n) && !computed.has(n));
  const names = asked.split(',');
  for (const n of names) {
    // Checked by name: frame.column(n) would load a stored column whole (gigabytes of embeddings)
    // where the window reads only its rows.
    if (!frame.has(n)) throw new ColumnNotFoundError(n, frame.columnNames);
    if (media.has(n))
      throw new InvalidArgumentError(
        `column "${n}" holds media: its cells come from /api/media and /api/thumbnails, not in row windows`,
      );
    if (computed.has(n))
      throw new InvalidArgumentError(
        `column "${n}" is computed on demand: its cells come from POST /api/cells/${encodeURIComponent(n)}, not in row windows`,
      );
  }
  return names;
}
