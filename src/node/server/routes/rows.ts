/** GET /api/rows?start&end[&columns][&rowIndex][&preview]: a window of the open frame's rows as Arrow IPC. */
import type { FastifyInstance } from 'fastify';
import { type WindowQuery, windowBounds, windowBytes } from '../../../core/app/window-ipc.js';
import { rowRange } from '../../../core/column/column.js';
import { ARROW_STREAM_TYPE, windowColumns } from '../arrow-window.js';
import type { AppContext } from '../context.js';
import { windowQuery } from './schemas.js';

export function rowRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: WindowQuery }>(
    '/api/rows',
    { schema: { querystring: windowQuery } },
    async (request, reply) => {
      const q = request.query;
      const [start, end] = windowBounds(q, ctx.frame.length, ctx.maxWindowRows);
      const columns = windowColumns(ctx.frame, q.columns);
      const bytes = windowBytes(ctx.frame, rowRange(start, end), columns, q.rowIndex === true, q.preview);
      return reply
        .type(ARROW_STREAM_TYPE)
        .header('x-tessera-total-rows', String(ctx.frame.length))
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
  );
}
