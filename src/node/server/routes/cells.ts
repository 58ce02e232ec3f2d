/**
 * POST /api/cells/:column {rows}: the cells of a computed column (deferred, not media) at frame rows,
 * computed on demand (computed-cells.ts), as JSON `{ cells: [{ row, value | tensor | error }] }`.
 * A row that fails carries its error in its cell; a request past the time limit fails whole (504).
 */
import type { FastifyInstance } from 'fastify';
import { computeCells, MAX_CELL_ROWS } from '../../../core/app/computed-cells.js';
import type { AppContext } from '../context.js';
import { columnParams, plainQuery } from './schemas.js';

const cellsBody = {
  type: 'object',
  required: ['rows'],
  properties: {
    rows: { type: 'array', minItems: 1, maxItems: MAX_CELL_ROWS, items: { type: 'integer', minimum: 0 } },
  },
  additionalProperties: false,
} as const;

export function cellRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Params: { column: string }; Body: { rows: number[] } }>(
    '/api/cells/:column',
    { schema: { params: columnParams, querystring: plainQuery, body: cellsBody } },
    async (request) => ({
      cells: await computeCells(ctx.frame, request.params.column, request.body.rows, ctx.cellTimeoutMs),
    }),
  );
}
