/**
 * Video columns, through the ffmpeg and ffprobe programs (Debian: `apt-get install ffmpeg`), run
 * without a shell, with the resolved path as a `file:` argument. When they are not installed, loading
 * or probing raises {@link ToolNotFoundError}; the printout falls back to `<video>`.
 *
 * Metadata (size, duration, frame rate) comes from ffprobe, synchronously (cached per path), without
 * decoding frames. Frames decode asynchronously to RGB uint8: `await col.load([i])`.
 */
import { execFileSync, spawn } from 'node:child_process';
import type { Column } from '../../core/column/column.js';
import type { DeferredColumn } from '../../core/column/deferred.js';
import { registerFunction } from '../../core/column/registry.js';
import {
  InvalidArgumentError,
  MediaDecodeError,
  MediaLimitError,
  ToolNotFoundError,
  UnsupportedMediaError,
} from '../../core/errors.js';
import { type MediaColumnOptions, mediaColumn } from './builder.js';
import { limitIO } from './io-limit.js';
import { MAX_DECODED_ELEMENTS, MAX_DECODED_VIDEO_BYTES } from './limits.js';
import { makeLoader } from './loader.js';
import { allowedRootsOf, type MediaPlace } from './paths.js';
import { checkMediaFile, type MediaSource, sourceName } from './source.js';

/** Video metadata from ffprobe. */
export interface VideoInfo {
  width: number;
  height: number;
  /** Seconds (from the stream, else the container). */
  duration: number;
  /** Average frame rate. */
  fps: number;
  /** Frame count when the container states it, else estimated as duration × fps (rounded). */
  frames: number;
  codec: string;
  hasAudio: boolean;
}

/** Decoded frames: `data` is frames × height × width × 3 (RGB), row-major. */
export interface VideoValue {
  data: Uint8Array;
  frames: number;
  width: number;
  height: number;
  channels: 3;
  /** Frame rate of the decoded frames (the `fps` option, else the file's). */
  fps: number;
  shape: [number, number, number, number];
}

export interface VideoDecodeOptions {
  /** Start time in seconds (default 0). */
  start?: number;
  /** Decode at most this many frames (default 64: a video can be large). */
  maxFrames?: number;
  /** Resample to this frame rate (default: the file's). */
  fps?: number;
  /** Scale frames to this size (both required). */
  width?: number;
  height?: number;
}

export const VIDEO_FUNCTION = 'tessera.media.video';

/** Programs used; process-wide (never taken from a dataset's parameters). */
const tools = { ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' };

/** Use other ffmpeg / ffprobe executables (names on PATH or absolute paths). */
export function setVideoTools(options: { ffmpeg?: string; ffprobe?: string }): void {
  if (options.ffmpeg !== undefined) tools.ffmpeg = options.ffmpeg;
  if (options.ffprobe !== undefined) tools.ffprobe = options.ffprobe;
}

/** Whether ffmpeg and ffprobe can be run. */
export function hasVideoTools(): boolean {
  try {
    execFileSync(tools.ffprobe, ['-version'], { stdio: 'ignore' });
    execFileSync(tools.ffmpeg, ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function inputArg(src: MediaSource, place: MediaPlace): string {
  return typeof src === 'string' ? `file:${checkMediaFile(src, place, 'video')}` : 'pipe:0';
}

function rate(text: string | undefined): number {
  if (!text) return 0;
  const [a, b] = text.split('/').map(Number);
  return b ? a / b : a || 0;
}

/** Most characters of ffprobe output read (its JSON for a sane file is a few kB). */
const MAX_PROBE_OUTPUT = 16 * 2 ** 20;

const probeArgs = (arg: string) => [
  '-v',
  'error',
  '-print_format',
  'json',
  '-show_streams',
  '-show_format',
  arg,
];

/** Probe a video file (or bytes) with ffprobe, synchronously. */
export function probeVideo(src: MediaSource, options: MediaPlace = {}): VideoInfo {
  const arg = inputArg(src, options);
  let out: string;
  try {
    out = execFileSync(tools.ffprobe, probeArgs(arg), {
      encoding: 'utf8',
      maxBuffer: MAX_PROBE_OUTPUT,
      stdio: ['pipe', 'pipe', 'pipe'],
      ...(typeof src === 'string' ? {} : { input: src }),
    });
  } catch (e) {
    throw probeError(e, src);
  }
  return parseProbe(out, src);
}

/**
 * {@link probeVideo} without blocking the event loop while ffprobe runs (a server answering other
 * requests meanwhile; ffprobe takes a few hundred milliseconds on a busy machine).
 */
export async function probeVideoAsync(src: MediaSource, options: MediaPlace = {}): Promise<VideoInfo> {
  const arg = inputArg(src, options);
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn(tools.ffprobe, probeArgs(arg), { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      // As probeVideo's maxBuffer: a file cannot make the server hold unbounded output.
      if (stdout.length > MAX_PROBE_OUTPUT) child.kill();
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    child.on('error', (e) => reject(probeError(e, src)));
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(probeError(Object.assign(new Error(`exit ${code}`), { stderr }), src));
    });
    child.stdin.on('error', () => {}); // ffprobe may stop reading early
    if (typeof src === 'string') child.stdin.end();
    else child.stdin.end(src);
  });
  return parseProbe(out, src);
}

/** ffprobe not installed: {@link ToolNotFoundError}; any other failure: {@link MediaDecodeError}. */
function probeError(e: unknown, src: MediaSource): Error {
  const err = e as NodeJS.ErrnoException & { stderr?: string };
  if (err.code === 'ENOENT') return new ToolNotFoundError(tools.ffprobe, 'reading video metadata');
  return new MediaDecodeError(sourceName(src), `ffprobe failed: ${String(err.stderr ?? err.message).trim()}`);
}

function parseProbe(out: string, src: MediaSource): VideoInfo {
  const doc = JSON.parse(out) as {
    streams?: {
      codec_type?: string;
      codec_name?: string;
      width?: number;
      height?: number;
      duration?: string;
      avg_frame_rate?: string;
      r_frame_rate?: string;
      nb_frames?: string;
    }[];
    format?: { duration?: string };
  };
  const streams = doc.streams ?? [];
  const v = streams.find((s) => s.codec_type === 'video');
  if (v === undefined) throw new UnsupportedMediaError(`${sourceName(src)} has no video stream`);
  const fps = rate(v.avg_frame_rate) || rate(v.r_frame_rate);
  const duration = Number(v.duration ?? doc.format?.duration ?? 0) || 0;
  const stated = Number(v.nb_frames);
  return {
    width: v.width ?? 0,
    height: v.height ?? 0,
    duration,
    fps,
    frames: Number.isFinite(stated) && stated > 0 ? stated : Math.round(duration * fps),
    codec: v.codec_name ?? 'unknown',
    hasAudio: streams.some((s) => s.codec_type === 'audio'),
  };
}

function checkOptions(o: VideoDecodeOptions): void {
  for (const [k, x] of Object.entries(o))
    if (x !== undefined && !(typeof x === 'number' && Number.isFinite(x) && x >= 0))
      throw new InvalidArgumentError(`video option ${k} must be a non-negative number, got ${String(x)}`);
  if ((o.width === undefined) !== (o.height === undefined))
    throw new InvalidArgumentError('video width and height must be given together');
  if (o.maxFrames !== undefined && !(Number.isInteger(o.maxFrames) && o.maxFrames >= 1))
    throw new InvalidArgumentError(`maxFrames must be a positive integer, got ${o.maxFrames}`);
}

/** Decode frames of a video to RGB uint8 (frames × height × width × 3). */
export async function decodeVideo(
  src: MediaSource,
  options: VideoDecodeOptions & MediaPlace = {},
): Promise<VideoValue> {
  const { baseDir, allowedRoots, ...decode } = options;
  const place = { baseDir, ...(allowedRoots ? { allowedRoots } : {}) };
  checkOptions(decode);
  const info = await probeVideoAsync(src, place);
  const width = decode.width ?? info.width;
  const height = decode.height ?? info.height;
  const maxFrames = decode.maxFrames ?? 64;
  // Stored width, height and maxFrames are data from whoever wrote the dataset: bound the output.
  const frameElements = width * height * 3;
  if (frameElements > MAX_DECODED_ELEMENTS)
    throw new MediaLimitError(
      sourceName(src),
      `frames of ${width}×${height}×3 would exceed ${MAX_DECODED_ELEMENTS} elements each; decode at a smaller width and height`,
    );
  const expectedFrames = info.frames > 0 ? Math.min(maxFrames, info.frames) : maxFrames;
  if (expectedFrames * frameElements > MAX_DECODED_VIDEO_BYTES)
    throw new MediaLimitError(
      sourceName(src),
      `${expectedFrames} frames of ${width}×${height}×3 would exceed ${MAX_DECODED_VIDEO_BYTES} bytes; lower maxFrames or the size`,
    );
  const filters: string[] = [];
  if (decode.fps !== undefined) filters.push(`fps=${decode.fps}`);
  if (decode.width !== undefined) filters.push(`scale=${width}:${height}`);
  const args = [
    '-v',
    'error',
    ...(decode.start ? ['-ss', String(decode.start)] : []),
    '-i',
    inputArg(src, place),
    ...(filters.length ? ['-vf', filters.join(',')] : []),
    '-frames:v',
    String(maxFrames),
    '-an',
    '-f',
    'rawvideo',
    '-pix_fmt',
    'rgb24',
    'pipe:1',
  ];
  const bytes = await limitIO(
    () =>
      new Promise<Buffer>((resolve, reject) => {
        const child = spawn(tools.ffmpeg, args, { stdio: ['pipe', 'pipe', 'pipe'] });
        const chunks: Buffer[] = [];
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => chunks.push(c));
        child.stderr.on('data', (c: Buffer) => {
          stderr += c.toString();
        });
        child.on('error', (e: NodeJS.ErrnoException) =>
          reject(e.code === 'ENOENT' ? new ToolNotFoundError(tools.ffmpeg, 'decoding video') : e),
        );
        child.on('close', (code) => {
          if (code === 0) resolve(Buffer.concat(chunks));
          else
            reject(new MediaDecodeError(sourceName(src), `ffmpeg failed (exit ${code}): ${stderr.trim()}`));
        });
        child.stdin.on('error', () => {}); // ffmpeg may stop reading early
        if (typeof src === 'string') child.stdin.end();
        else child.stdin.end(src);
      }),
  );
  const frameSize = width * height * 3;
  const frames = frameSize > 0 ? Math.floor(bytes.length / frameSize) : 0;
  const data = new Uint8Array(bytes.buffer, bytes.byteOffset, frames * frameSize);
  return {
    data,
    frames,
    width,
    height,
    channels: 3,
    fps: decode.fps ?? info.fps,
    shape: [frames, height, width, 3],
  };
}

/** `<video 2.0 s 64×48 25 fps>`. */
export function formatVideoInfo(info: VideoInfo): string {
  return `<video ${info.duration.toFixed(1)} s ${info.width}×${info.height} ${Number(info.fps.toFixed(2))} fps>`;
}

registerFunction(
  VIDEO_FUNCTION,
  (params, context) => {
    const { baseDir, ...rest } = params as VideoDecodeOptions & { baseDir?: string };
    checkOptions(rest);
    // Set from the context only: a stored `allowedRoots` parameter must not widen the roots.
    const place: MediaPlace = { baseDir, allowedRoots: allowedRootsOf(context) };
    return makeLoader<VideoInfo>(
      'video',
      (src) => decodeVideo(src, { ...rest, ...place }),
      (src) => probeVideo(src, place),
      formatVideoInfo,
    );
  },
  { media: 'video' },
);

/**
 * A column of videos (paths under baseDir, or bytes): `await col.load([i])` gives {@link VideoValue}s
 * (at most `maxFrames` frames each, default 64); prints as `<video 2.0 s 64×48 25 fps>` via ffprobe.
 */
export function videoColumn(
  sources: Column | readonly (MediaSource | null)[],
  options: MediaColumnOptions & VideoDecodeOptions = {},
): DeferredColumn<VideoValue> {
  const { baseDir, env, inputNames, ...decode } = options;
  return mediaColumn<VideoValue>(VIDEO_FUNCTION, sources, { baseDir, ...decode }, { env, inputNames });
}
