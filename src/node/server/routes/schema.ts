/** GET /api/schema: what the open frame holds (rows, columns and their types, the media columns). */
import type { FastifyInstance } from 'fastify';
import { formatType } from '../../../core/column/types.js';
import type { AppContext } from '../context.js';
import { plainQuery } from './schemas.js';

export function schemaRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get('/api/schema', { schema: { querystring: plainQuery } }, async () => ({
    source: ctx.source,
    rows: ctx.frame.length,
    primaryKey: ctx.frame.primaryKey ?? null,
    columns: ctx.frame.schema.map((f) => ({
      name: f.name,
      kind: f.type.kind,
      type: formatType(f.type),
      ...('dtype' in f.type ? { dtype: f.type.dtype } : {}),
      ...('shape' in f.type ? { shape: f.type.shape } : {}),
      ...(f.type.kind === 'deferred' && f.type.media !== undefined ? { media: f.type.media } : {}),
    })),
  }));
}
