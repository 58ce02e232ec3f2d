/**
 * GET /api/thumbnails/:column/:row?size=N: a JPEG thumbnail of an image cell (made with sharp), a
 * video cell (a frame from ffmpeg; 501 ToolNotFoundError without it) or a volume cell (its middle
 * axial slice, volume-cache.ts), cached on disk (outside the dataset) under a key of the cell's
 * source, size and file state, so a changed file gets a new one.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { MediaKind } from '../../../core/column/types.js';
import { InvalidArgumentError } from '../../../core/errors.js';
import { imageThumbnail } from '../../media/image.js';
import type { MediaPlace } from '../../media/paths.js';
import type { MediaSource } from '../../media/source.js';
import { videoThumbnail } from '../../media/video-thumbnail.js';
import type { AppContext } from '../context.js';
import { cellCacheKey, type MediaCell, mediaCell } from '../media-cell.js';
import { volumeThumbnail } from '../volume-cache.js';
import { cellParams } from './schemas.js';

/** The thumbnail maker of each media kind that has one (a video's is a frame a tenth into it). */
const THUMBNAILERS: Partial<
  Record<MediaKind, (src: MediaSource, options: { size: number } & MediaPlace) => Promise<Uint8Array>>
> = { image: imageThumbnail, video: videoThumbnail };

/** A thumbnail of a media cell of a kind that has one (a volume's comes through the volume cache). */
function makeThumbnail(ctx: AppContext, cell: MediaCell, size: number): Promise<Uint8Array> {
  if (cell.kind === 'volume') return volumeThumbnail(ctx, cell, size);
  const thumbnail = THUMBNAILERS[cell.kind];
  if (thumbnail === undefined) throw new InvalidArgumentError(`${cell.kind} cells have no thumbnails`);
  return 'bytes' in cell
    ? thumbnail(cell.bytes, { size })
    : thumbnail(cell.source, { size, baseDir: cell.baseDir, allowedRoots: cell.allowedRoots });
}

export function thumbnailRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: { column: string; row: number }; Querystring: { size?: number } }>(
    '/api/thumbnails/:column/:row',
    {
      schema: {
        params: cellParams,
        querystring: {
          type: 'object',
          properties: { size: { type: 'integer', minimum: 16, maximum: 1024 }, token: { type: 'string' } },
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const size = request.query.size ?? 128;
      const cell = mediaCell(ctx.frame, request.params.column, request.params.row, ctx.mediaRoots);
      if (cell.kind !== 'volume' && THUMBNAILERS[cell.kind] === undefined)
        throw new InvalidArgumentError(
          `column "${request.params.column}" holds ${cell.kind}: thumbnails are made of images, videos and volumes`,
        );
      const file = path.join(ctx.thumbnailDir, `${await cellCacheKey(cell, size)}.jpg`);
      let bytes: Uint8Array | null = await fs.readFile(file).catch(() => null);
      if (bytes === null) {
        bytes = await makeThumbnail(ctx, cell, size);
        await writeAtomically(file, bytes);
      }
      return reply
        .type('image/jpeg')
        .header('cache-control', 'private, max-age=3600')
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
  );
}

/** Write beside the final name and rename, so a reader never sees half a thumbnail. */
async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await fs.writeFile(tmp, bytes);
  await fs.rename(tmp, file);
}
