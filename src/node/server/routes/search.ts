/**
 * POST /api/search {column, row, k?, metric?}: the k rows most similar to one row by an embedding
 * (tensor) column, with the core's `df.search`; answers their row numbers and scores, best first,
 * and `method`: `index` when the dataset's saved LSH index answered (used whenever there is one,
 * it is current and no other metric is asked), else `exact`.
 */
import type { FastifyInstance } from 'fastify';
import { rowRange } from '../../../core/column/column.js';
import { IndexOutOfRangeError, StaleIndexError } from '../../../core/errors.js';
import type { DataFrame } from '../../../core/frame/frame.js';
import type { SavedIndex } from '../../../core/frame/search.js';
import type { SearchMetric } from '../../../core/search/index.js';
import type { AppContext } from '../context.js';
import { plainQuery } from './schemas.js';

interface SearchBody {
  column: string;
  row: number;
  k?: number;
  metric?: SearchMetric;
}

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

export function searchRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Body: SearchBody }>(
    '/api/search',
    {
      schema: {
        querystring: plainQuery,
        body: {
          type: 'object',
          required: ['column', 'row'],
          properties: {
            column: { type: 'string', minLength: 1 },
            row: { type: 'integer', minimum: 0 },
            k: { type: 'integer', minimum: 1, maximum: 1000 },
            metric: { enum: ['cosine', 'dot', 'l2'] },
          },
          additionalProperties: false,
        },
      },
    },
    async (request) => {
      const { column, row, k = 10, metric } = request.body;
      if (row >= ctx.frame.length) throw new IndexOutOfRangeError(row, ctx.frame.length);
      return searchRows(ctx.frame, column, { row }, k, metric);
    },
  );
}

/** What a search route answers: frame rows and their scores, best first, and how they were found. */
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
