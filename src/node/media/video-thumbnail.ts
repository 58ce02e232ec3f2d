/**
 * Thumbnails of videos (the app's poster frames): one frame, a tenth into the video so that a fade
 * from black or a title card does not stand for the whole clip, decoded by ffmpeg already scaled to
 * fit the thumbnail (video.ts) and encoded as JPEG with sharp.
 */
import { InvalidArgumentError, MediaDecodeError } from '../../core/errors.js';
import { loadSharp } from './image.js';
import type { MediaPlace } from './paths.js';
import { type MediaSource, sourceName } from './source.js';
import { decodeVideo, probeVideoAsync } from './video.js';

/** Where the poster frame is taken, as a fraction of the duration. */
export const POSTER_AT = 0.1;

/**
 * A JPEG of the frame at {@link POSTER_AT} of the duration (the first frame when that gives none),
 * at most `size` pixels on its longer side, never enlarged. Without ffmpeg, a ToolNotFoundError.
 */
export async function videoThumbnail(
  src: MediaSource,
  options: { size?: number; quality?: number } & MediaPlace = {},
): Promise<Uint8Array> {
  const { size = 128, quality = 80, ...place } = options;
  if (!(Number.isInteger(size) && size > 0))
    throw new InvalidArgumentError(`thumbnail size must be a positive integer, got ${size}`);
  const info = await probeVideoAsync(src, place);
  const scale = Math.min(1, size / Math.max(info.width, info.height, 1));
  const width = Math.max(1, Math.round(info.width * scale));
  const height = Math.max(1, Math.round(info.height * scale));
  const at = info.duration > 0 ? info.duration * POSTER_AT : 0;
  let frame = await decodeVideo(src, { ...place, start: at, maxFrames: 1, width, height });
  if (frame.frames === 0 && at > 0) frame = await decodeVideo(src, { ...place, maxFrames: 1, width, height });
  if (frame.frames === 0) throw new MediaDecodeError(sourceName(src, place), 'ffmpeg decoded no frame');
  const sharp = await loadSharp();
  const data = Buffer.from(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
  const jpeg = await sharp(data, { raw: { width, height, channels: 3 } })
    .jpeg({ quality })
    .toBuffer();
  return new Uint8Array(jpeg.buffer, jpeg.byteOffset, jpeg.byteLength);
}
