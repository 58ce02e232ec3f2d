/**
 * A similarity search as the app answers it (the server's search routes and the in-tab worker):
 * the k rows nearest to a row or a vector by an embedding column, with the core's `df.search`,
 * through the dataset's saved index when it is current, else exactly.
 */
import { rowRange } from '../column/column.js';
import { StaleIndexError } from '../errors.js';
import type { DataFrame } from '../frame/frame.js';
import type { SavedIndex } from '../frame/search.js';
import type { SearchMetric } from '../search/index.js';

/** `base`, with underscores before it until no column in `taken` has the name. */
function freeName(base: string, taken: readonly string[]): string {
  let name = base;
  while (taken.includes(name)) name = `_${name}`;
  return name;
}

/**
 * Whether to search through the saved index: there is one, it still fits the column (a stale one,
 * after an append, is passed over for exact search) and ranks by the metric asked for.
 */
async function useSavedIndex(
  saved: SavedIndex | undefined,
  metric: SearchMetric | undefined,
): Promise<boolean> {
  if (saved === undefined) return false;
  try {
    const index = await saved.load();
    return metric === undefined || metric === index.params.metric;
  } catch (e) {
    if (e instanceof StaleIndexError) return false;
    throw e;
  }
}

/** What the app answers for a search: frame rows and their scores, best first, and how they were found. */
export interface SearchReply {
  rows: number[];
  scores: number[];
  method: 'index' | 'exact';
}

/**
 * The `k` rows of `frame` nearest to `query` (a `{ row }` of the frame or a vector) by column
 * `column`, through the saved index when it is current and ranks by `metric`, else exactly.
 */
export async function searchRows(
  frame: DataFrame,
  column: string,
  query: { row: number } | Float32Array,
  k: number,
  metric: SearchMetric | undefined,
): Promise<SearchReply> {
  const rowName = freeName('__row', [column]);
  const scoreName = freeName('__score', [column, rowName]);
  const searched = frame.select(column).withColumn(rowName, rowRange(0, frame.length));
  const index = await useSavedIndex(frame.savedIndex(column), metric);
  const found = await searched.search(query, {
    by: column,
    k,
    ...(metric ? { metric } : {}),
    index,
    scoreColumn: scoreName,
  });
  return {
    rows: found.column(rowName).toArray() as number[],
    scores: found.column(scoreName).toArray() as number[],
    method: index ? 'index' : 'exact',
  };
}
