import type { DataFrame } from './frame.js';
import { type MapFunction, type MapOptions, mapFrame } from './map.js';

/**
 * `map`, then add its output columns to the frame (replacing columns of the same name, in place):
 * a new frame with all the old columns and the outputs.
 */
export async function updateFrame<T>(
  df: DataFrame,
  fn: MapFunction<T>,
  options: MapOptions,
): Promise<DataFrame> {
  const outputs = await mapFrame(df, fn, options, 'update');
  return df.withColumns(Object.fromEntries(outputs.columns()));
}
