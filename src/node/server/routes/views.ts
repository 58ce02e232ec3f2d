/**
 * Views (server-side filter and sort results) and their windows:
 * POST /api/views {filter?, sort?, replaces?} makes one (`replaces` drops a superseded view and
 * cancels its sort; a client that closes the request before the reply leaves no view behind); GET /api/views/:id says how far it is; GET /api/views/:id/rows gives a window
 * (Arrow IPC); GET /api/views/:id/events pushes its progress as server-sent events (`complete`
 * once the full order is there, or `failed`); DELETE /api/views/:id drops it.
 */
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { Condition } from '../../../core/app/conditions.js';
import type { View } from '../../../core/app/views.js';
import { type WindowQuery, windowBounds, windowBytes } from '../../../core/app/window-ipc.js';
import type { SortKey } from '../../../core/frame/sort.js';
import { ARROW_STREAM_TYPE, windowColumns } from '../arrow-window.js';
import { afterIoPoll, undoIfClientGoes } from '../client-gone.js';
import type { AppContext } from '../context.js';
import { plainQuery, sortSchema, viewParams, windowQuery } from './schemas.js';

interface ViewBody {
  filter?: Condition;
  sort?: SortKey[];
  replaces?: string;
}

function describeView(view: View) {
  return { id: view.id, rows: view.length, complete: view.order !== null };
}

export function viewRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post<{ Body: ViewBody }>(
    '/api/views',
    {
      schema: {
        querystring: plainQuery,
        body: {
          type: 'object',
          properties: {
            filter: { $ref: 'condition#' },
            sort: sortSchema,
            replaces: { type: 'string', maxLength: 64 },
          },
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const { filter, sort, replaces } = request.body;
      if (replaces !== undefined) ctx.views.drop(replaces);
      // A client that went away meanwhile (an aborted, superseded request) leaves no view behind;
      // the view's full sort starts only once that is known.
      const polled = afterIoPoll();
      const view = ctx.views.create({ ...(filter ? { filter } : {}), ...(sort ? { sort } : {}) }, polled);
      await undoIfClientGoes(request, reply, polled, () => ctx.views.drop(view.id));
      return reply.code(201).send(describeView(view));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/views/:id',
    { schema: { params: viewParams, querystring: plainQuery } },
    async (request) => describeView(ctx.views.get(request.params.id)),
  );

  app.get<{ Params: { id: string }; Querystring: WindowQuery }>(
    '/api/views/:id/rows',
    { schema: { params: viewParams, querystring: windowQuery } },
    async (request, reply) => {
      const view = ctx.views.get(request.params.id);
      const [start, end] = windowBounds(request.query, view.length, ctx.maxWindowRows);
      const columns = windowColumns(ctx.frame, request.query.columns);
      const rows = await ctx.views.window(view.id, start, end);
      const bytes = windowBytes(
        ctx.frame,
        rows,
        columns,
        request.query.rowIndex === true,
        request.query.preview,
      );
      return reply
        .type(ARROW_STREAM_TYPE)
        .header('x-tessera-total-rows', String(view.length))
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/views/:id/events',
    { schema: { params: viewParams, querystring: plainQuery } },
    async (request, reply) => {
      const view = ctx.views.get(request.params.id);
      const events = new PassThrough();
      const send = (event: string, data: unknown) =>
        events.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      send('progress', describeView(view));
      view.done
        .then(
          () => send('complete', describeView(view)),
          (e: unknown) =>
            send('failed', { id: view.id, message: e instanceof Error ? e.message : String(e) }),
        )
        .finally(() => events.end());
      return reply.type('text/event-stream').header('cache-control', 'no-cache').send(events);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/views/:id',
    { schema: { params: viewParams, querystring: plainQuery } },
    async (request, reply) => {
      ctx.views.get(request.params.id); // 404 for an unknown view
      ctx.views.drop(request.params.id);
      return reply.code(204).send();
    },
  );
}
