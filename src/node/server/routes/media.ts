/**
 * GET /api/media/:column/:row: the file behind a media cell, with HTTP range requests (206 Partial
 * Content, 416 for a range past the end) so the browser can seek in audio and video.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { AccessDeniedError, RangeNotSatisfiableError, ResourceNotFoundError } from '../../../core/errors.js';
import type { AppContext } from '../context.js';
import { mediaCell } from '../media-cell.js';
import { byteRange } from '../range.js';
import { cellParams, plainQuery } from './schemas.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
  '.wav': 'audio/wav',
  '.mp3': 'audio/mpeg',
  '.flac': 'audio/flac',
  '.ogg': 'audio/ogg',
  '.m4a': 'audio/mp4',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.mov': 'video/quicktime',
  '.mkv': 'video/x-matroska',
  '.json': 'application/json',
};

/** Open a media file for reading: a regular file only (not a device or FIFO; opened without blocking). */
function openRegularFile(file: string): { fd: number; size: number } {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR')
      throw new ResourceNotFoundError(`the media file of this cell does not exist`);
    throw new AccessDeniedError(`the media file of this cell cannot be read (${code ?? 'error'})`);
  }
  const stat = fs.fstatSync(fd);
  if (!stat.isFile()) {
    fs.closeSync(fd);
    throw new AccessDeniedError('the media path of this cell is not a regular file');
  }
  return { fd, size: stat.size };
}

export function mediaRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get<{ Params: { column: string; row: number } }>(
    '/api/media/:column/:row',
    { schema: { params: cellParams, querystring: plainQuery } },
    async (request, reply) => {
      const cell = mediaCell(ctx.frame, request.params.column, request.params.row, ctx.mediaRoots);
      const range = request.headers.range;
      if ('bytes' in cell) {
        const bytes = cell.bytes;
        const r = rangeOrHeader(reply, range, bytes.length);
        const part = r === null ? bytes : bytes.subarray(r.start, r.end + 1);
        head(reply, r, bytes.length, 'application/octet-stream');
        return reply.send(Buffer.from(part.buffer, part.byteOffset, part.byteLength));
      }
      const { fd, size } = openRegularFile(cell.file);
      let r: ReturnType<typeof byteRange>;
      try {
        r = rangeOrHeader(reply, range, size);
      } catch (e) {
        fs.closeSync(fd);
        throw e;
      }
      head(
        reply,
        r,
        size,
        CONTENT_TYPES[path.extname(cell.file).toLowerCase()] ?? 'application/octet-stream',
      );
      if (size === 0) {
        fs.closeSync(fd);
        return reply.send(Buffer.alloc(0));
      }
      return reply.send(fs.createReadStream('', { fd, start: r?.start ?? 0, end: r?.end ?? size - 1 }));
    },
  );
}

/** The range asked for; a 416 carries `Content-Range: bytes * /size` as RFC 7233 asks. */
function rangeOrHeader(reply: FastifyReply, header: string | undefined, size: number) {
  try {
    return byteRange(header, size);
  } catch (e) {
    if (e instanceof RangeNotSatisfiableError) reply.header('content-range', `bytes */${size}`);
    throw e;
  }
}

function head(
  reply: FastifyReply,
  r: { start: number; end: number } | null,
  size: number,
  type: string,
): void {
  reply.header('accept-ranges', 'bytes').type(type);
  reply.header('x-content-type-options', 'nosniff');
  if (r === null) {
    reply.header('content-length', String(size));
    return;
  }
  reply
    .code(206)
    .header('content-range', `bytes ${r.start}-${r.end}/${size}`)
    .header('content-length', String(r.end - r.start + 1));
}
