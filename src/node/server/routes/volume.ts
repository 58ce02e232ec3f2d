/**
 * GET /api/volume/:column/:row: a volume cell's geometry and window (JSON), and
 * GET /api/volume/:column/:row/slice?axis=&index=&size=: one slice as a grey PNG. Axes, orientation
 * and windowing are those of src/node/media/volume-display.ts (canonical RAS+ axes, drawn as
 * radiological viewers draw them, windowed to the 1st–99th percentiles).
 */
import type { FastifyInstance } from 'fastify';
import type { VolumeInfoReply } from '../../../core/app/media-replies.js';
import { InvalidArgumentError } from '../../../core/errors.js';
import { renderSlice, SLICE_AXES } from '../../media/volume-display.js';
import type { AppContext } from '../context.js';
import { mediaCell } from '../media-cell.js';
import { volumeCacheOf } from '../volume-cache.js';
import { cellParams, plainQuery } from './schemas.js';

const sliceQuery = {
  type: 'object',
  required: ['axis', 'index'],
  properties: {
    axis: { type: 'integer', enum: [0, 1, 2] },
    index: { type: 'integer', minimum: 0 },
    size: { type: 'integer', minimum: 16, maximum: 2048 },
    token: { type: 'string', maxLength: 1024 },
  },
  additionalProperties: false,
} as const;

export function volumeRoutes(app: FastifyInstance, ctx: AppContext): void {
  const volumeOf = (column: string, row: number) => {
    const cell = mediaCell(ctx.frame, column, row, ctx.mediaRoots);
    if (cell.kind !== 'volume')
      throw new InvalidArgumentError(`column "${column}" holds ${cell.kind}, not volumes`);
    return volumeCacheOf(ctx).get(cell);
  };

  app.get<{ Params: { column: string; row: number } }>(
    '/api/volume/:column/:row',
    { schema: { params: cellParams, querystring: plainQuery } },
    async (request): Promise<VolumeInfoReply> => {
      const d = volumeOf(request.params.column, request.params.row);
      return {
        shape: d.shape,
        voxelSizes: d.voxelSizes,
        dims: d.dims,
        axcodes: d.axcodes,
        dtype: d.dtype,
        min: d.min,
        max: d.max,
        window: d.window,
        axes: SLICE_AXES,
      };
    },
  );

  app.get<{
    Params: { column: string; row: number };
    Querystring: { axis: number; index: number; size?: number };
  }>(
    '/api/volume/:column/:row/slice',
    { schema: { params: cellParams, querystring: sliceQuery } },
    async (request, reply) => {
      const { axis, index, size } = request.query;
      const d = volumeOf(request.params.column, request.params.row);
      const png = await renderSlice(d, axis, index, size !== undefined ? { size } : {});
      return reply
        .type('image/png')
        .header('cache-control', 'private, max-age=3600')
        .send(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
    },
  );
}
