/**
 * GET /api/schema: what the open frame holds (rows, columns and their types, the media columns,
 * and `encoder` on the embedding columns an uploaded image can be searched by).
 */
import type { FastifyInstance } from 'fastify';
import { schemaColumns } from '../../../core/app/schema-columns.js';
import type { AppContext } from '../context.js';
import { plainQuery } from './schemas.js';

export function schemaRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/schema', { schema: { querystring: plainQuery } }, async () => ({
    source: ctx.source,
    rows: ctx.frame.length,
    primaryKey: ctx.frame.primaryKey ?? null,
    columns: schemaColumns(ctx.frame).map((c) => ({ ...imageSearch(ctx, c.name), ...c })),
  }));
}

/** `{ encoder: NAME }` for a column that POST /api/search/image can search, else nothing. */
function imageSearch(ctx: AppContext, column: string): { encoder?: string } {
  const spec = ctx.encoders.specFor(column);
  return spec === undefined ? {} : { encoder: spec.name };
}
