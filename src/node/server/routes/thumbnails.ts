/**
 * GET /api/thumbnails/:column/:row?size=N: a JPEG thumbnail of an image cell (of a volume cell: its
 * middle axial slice, volume-cache.ts), made with sharp and
 * cached on disk (outside the dataset) under a key of the cell's source, size and file state, so a
 * changed file gets a new thumbnail.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { InvalidArgumentError, ResourceNotFoundError } from '../../../core/errors.js';
import { imageThumbnail } from '../../media/image.js';
import type { AppContext } from '../context.js';
import { type MediaCell, mediaCell } from '../media-cell.js';
import { volumeThumbnail } from '../volume-cache.js';
import { cellParams } from './schemas.js';

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
      if (cell.kind !== 'image' && cell.kind !== 'volume')
        throw new InvalidArgumentError(`column "${request.params.column}" holds ${cell.kind}, not images`);
      const file = path.join(ctx.thumbnailDir, `${await cacheKey(cell, size)}.jpg`);
      let bytes: Uint8Array | null = await fs.readFile(file).catch(() => null);
      if (bytes === null) {
        bytes =
          cell.kind === 'volume'
            ? await volumeThumbnail(ctx, cell, size)
            : 'bytes' in cell
              ? await imageThumbnail(cell.bytes, { size })
              : await imageThumbnail(cell.source, {
                  size,
                  baseDir: cell.baseDir,
                  allowedRoots: cell.allowedRoots,
                });
        await writeAtomically(file, bytes);
      }
      return reply
        .type('image/jpeg')
        .header('cache-control', 'private, max-age=3600')
        .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    },
  );
}

async function cacheKey(cell: MediaCell, size: number): Promise<string> {
  const h = createHash('sha256').update(`${size}\0`);
  if ('bytes' in cell) h.update(cell.bytes);
  else {
    const stat = await fs.stat(cell.file).catch(() => {
      throw new ResourceNotFoundError('the media file of this cell does not exist');
    });
    h.update(`${cell.file}\0${stat.size}\0${stat.mtimeMs}`);
  }
  return h.digest('hex');
}

/** Write beside the final name and rename, so a reader never sees half a thumbnail. */
async function writeAtomically(file: string, bytes: Uint8Array): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await fs.writeFile(tmp, bytes);
  await fs.rename(tmp, file);
}
