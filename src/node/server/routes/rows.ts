/** GET /api/rows?start&end[&columns][&rowIndex]: a window of the open frame's rows as Arrow IPC. */
import type { FastifyInstance } from 'fastify';
import { windowBytes } from '../../../core/app/window-ipc.js';
import { rowRange } from '../../../core/column/column.js';
import { InvalidArgumentError } from '../../../core/errors.js';
import { ARROW_STREAM_TYPE, windowColumns } from '../arrow-window.js';
import type { AppContext } from '../context.js';
import { windowQuery } from './schemas.js';

export interface WindowQuery {
  start: number;
  end: number;
  columns?: string;
  rowIndex?: boolean;
}

/** [start, end) checked against the window limit and clamped to `length` rows. */
export function windowBounds(q: WindowQuery, length: number, maxRows: number): [number, number] {
  if (q.end < q.start)
    throw new InvalidArgumentError(`a window needs start <= end; got start ${q.start}, end ${q.end}`);
  if (q.end - q.start > maxRows)
    throw new InvalidArgumentError(`a window holds at most ${maxRows} rows; ask for several windows`);
  const end = Math.min(q.end, length);
  return [Math.min(q.start, end), end];
}

export function rowRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Querystring: WindowQuery }>(
    '/api/rows',
    { schema: { querystring: windowQuery } },
    async (request, reply) => {
      const q = request.query;
      const [start, end] = windowBounds(q, ctx.frame.length, ctx.maxWindowRows);
      const columns = windowColumns(ctx.frame, q.columns);
      const bytes = windowBytes(ctx.frame, rowRange(start, end), columns, q.rowIndex === true);
      return reply
        .type(ARROW_STREAM_TYPE)
        .header('x-tessera-total-rows', String(ctx.frame.length))
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
  );
}
