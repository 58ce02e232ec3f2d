/**
 * POST /api/search {column, row, k?, metric?}: the k rows most similar to one row by an embedding
 * (tensor) column, with the core's `df.search`; answers their row numbers and scores, best first,
 * and `method`: `index` when the dataset's saved LSH index answered (used whenever there is one,
 * it is current and no other metric is asked), else `exact`.
 */
import type { FastifyInstance } from 'fastify';
import { searchRows } from '../../../core/app/search-rows.js';
import { IndexOutOfRangeError } from '../../../core/errors.js';
import type { SearchMetric } from '../../../core/search/index.js';
import type { AppContext } from '../context.js';
import { plainQuery } from './schemas.js';

interface SearchBody {
  column: string;
  row: number;
  k?: number;
  metric?: SearchMetric;
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
