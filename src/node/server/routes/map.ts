/**
 * The embedding map's data, binary and once per page (the browser filters by polygon, never by
 * asking again): GET /api/map/:column?method=pca|umap gives the 2-D layout of an embedding column
 * as little-endian float32 `x, y` per row, in frame row order (header `x-tessera-layout` names it
 * for the `in polygon` filter); GET /api/map/:column/events?method= pushes the layout's progress as
 * server-sent events (`progress`, then `complete` or `failed`); GET /api/colors/:column gives a
 * column's values for colouring (src/core/app/color-values.ts).
 */
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { colorValues, encodeColorValues } from '../../../core/app/color-values.js';
import { followLayoutJob, layoutHeaders } from '../../../core/app/map-layouts.js';
import type { AppContext } from '../context.js';
import { LAYOUT_METHODS, type LayoutMethod } from '../map-layouts.js';
import { columnParams } from './schemas.js';

const methodQuery = {
  type: 'object',
  properties: { method: { enum: LAYOUT_METHODS }, token: { type: 'string', maxLength: 1024 } },
  additionalProperties: false,
} as const;

const tokenQuery = {
  type: 'object',
  properties: { token: { type: 'string', maxLength: 1024 } },
  additionalProperties: false,
} as const;

type MapRequest = { Params: { column: string }; Querystring: { method?: LayoutMethod } };

export function mapRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<MapRequest>(
    '/api/map/:column',
    { schema: { params: columnParams, querystring: methodQuery } },
    async (request, reply) => {
      const job = ctx.layouts.layout(request.params.column, request.query.method ?? 'pca');
      const xy = await job.result;
      return reply
        .type('application/octet-stream')
        .headers(layoutHeaders(job, xy))
        .send(Buffer.from(xy.buffer, xy.byteOffset, xy.byteLength));
    },
  );

  app.get<MapRequest>(
    '/api/map/:column/events',
    { schema: { params: columnParams, querystring: methodQuery } },
    async (request, reply) => {
      const job = ctx.layouts.layout(request.params.column, request.query.method ?? 'pca');
      const events = new PassThrough();
      const unfollow = followLayoutJob(
        job,
        ({ event, data }) => events.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
        () => events.end(),
      );
      request.raw.on('close', unfollow);
      return reply.type('text/event-stream').header('cache-control', 'no-cache').send(events);
    },
  );

  app.get<{ Params: { column: string } }>(
    '/api/colors/:column',
    { schema: { params: columnParams, querystring: tokenQuery } },
    async (request, reply) => {
      const { header, data } = colorValues(ctx.frame, request.params.column);
      const bytes = encodeColorValues(header, data);
      return reply
        .type('application/octet-stream')
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
  );
}
