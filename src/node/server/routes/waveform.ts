/**
 * GET /api/waveform/:column/:row?buckets=N: the waveform of an audio cell, decoded by the audio
 * loader (WAV, and compressed formats through audio-decode) and reduced to N (min, max) pairs per
 * channel (server/waveform.ts). Binary: the body is little-endian Float32, channel after channel,
 * bucket after bucket, min then max (channels × buckets × 2 numbers); the numbers that say how to
 * read it travel as headers: x-audio-sample-rate, x-audio-channels, x-audio-frames,
 * x-audio-duration (seconds) and x-waveform-buckets (at most one per sample, so it can be fewer
 * than asked). Recent waveforms are cached in memory.
 */
import type { FastifyInstance } from 'fastify';
import type { Waveform } from '../../../core/app/media-replies.js';
import { InvalidArgumentError } from '../../../core/errors.js';
import { decodeAudioFile } from '../../media/audio.js';
import type { AppContext } from '../context.js';
import { cellCacheKey, mediaCell } from '../media-cell.js';
import { audioPeaks, WaveformCache } from '../waveform.js';
import { cellParams } from './schemas.js';

/** Buckets when the query names none: about a table cell's width in pixels at 2× density. */
const DEFAULT_BUCKETS = 256;
const MAX_BUCKETS = 8192;

/** Headers of a waveform reply, by name; the UI reads them (ui/src/cells/audio-waveform.ts). */
export const WAVEFORM_HEADERS = {
  sampleRate: 'x-audio-sample-rate',
  channels: 'x-audio-channels',
  frames: 'x-audio-frames',
  duration: 'x-audio-duration',
  buckets: 'x-waveform-buckets',
} as const;

export function waveformRoutes(app: FastifyInstance, ctx: AppContext): void {
  const cache = new WaveformCache();
  app.get<{ Params: { column: string; row: number }; Querystring: { buckets?: number } }>(
    '/api/waveform/:column/:row',
    {
      schema: {
        params: cellParams,
        querystring: {
          type: 'object',
          properties: {
            buckets: { type: 'integer', minimum: 1, maximum: MAX_BUCKETS },
            token: { type: 'string', maxLength: 1024 },
          },
          additionalProperties: false,
        },
      },
    },
    async (request, reply) => {
      const buckets = request.query.buckets ?? DEFAULT_BUCKETS;
      const { column, row } = request.params;
      const cell = mediaCell(ctx.frame, column, row, ctx.mediaRoots);
      if (cell.kind !== 'audio')
        throw new InvalidArgumentError(
          `column "${column}" holds ${cell.kind}, not audio: it has no waveform`,
        );
      const key = await cellCacheKey(cell, 'waveform', buckets);
      let waveform: Waveform | undefined = cache.get(key);
      if (waveform === undefined) {
        const audio =
          'bytes' in cell
            ? await decodeAudioFile(cell.bytes)
            : await decodeAudioFile(cell.source, { baseDir: cell.baseDir, allowedRoots: cell.allowedRoots });
        waveform = audioPeaks(audio, buckets);
        cache.set(key, waveform);
      }
      const { peaks } = waveform;
      return reply
        .type('application/octet-stream')
        .header(WAVEFORM_HEADERS.sampleRate, String(waveform.sampleRate))
        .header(WAVEFORM_HEADERS.channels, String(waveform.channels))
        .header(WAVEFORM_HEADERS.frames, String(waveform.frames))
        .header(WAVEFORM_HEADERS.duration, String(waveform.duration))
        .header(WAVEFORM_HEADERS.buckets, String(waveform.buckets))
        .header('cache-control', 'private, max-age=3600')
        .send(Buffer.from(littleEndian(peaks)));
    },
  );
}

/** The bytes of `values` as little-endian Float32 whatever the machine's byte order. */
function littleEndian(values: Float32Array): ArrayBuffer {
  const out = new ArrayBuffer(values.length * 4);
  const view = new DataView(out);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return out;
}
