/**
 * What the app adds to the frame it serves and that the dataset does not hold: the map's layouts
 * (registered for the `in polygon` filter, see polygon-condition.ts) and slice discovery's cluster
 * columns (slice-metrics.ts). When the served frame is replaced by a new version of the same rows
 * (an edit, an undo, a version another process committed), they are carried over to it, so a lasso
 * or a discovered slice keeps filtering.
 */
import type { DataFrame } from '../frame/frame.js';
import { copyLayoutPoints } from './polygon-condition.js';
import { addedClusterColumns, type ServedFrame } from './slice-metrics.js';

/**
 * `next` with `ctx.frame`'s additions carried over. Only over the same rows: a frame of another
 * length gets none (they would not line up; the app's replacements keep the rows, ViewStore.replaceFrame
 * refuses others).
 */
export function carryServedAdditions(ctx: ServedFrame, next: DataFrame): DataFrame {
  const before = ctx.frame;
  if (next.length !== before.length) return next;
  let frame = next;
  for (const name of addedClusterColumns(ctx))
    if (before.has(name) && !frame.has(name)) frame = frame.withColumn(name, before.column(name));
  copyLayoutPoints(before, frame);
  return frame;
}
