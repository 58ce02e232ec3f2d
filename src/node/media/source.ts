/**
 * The cells of a media column's input: a path under the base directory or the file's bytes, read
 * whole (for the loaders that decode synchronously) or by byte range (file headers for printouts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { MediaKind } from '../../core/column/types.js';
import { InvalidArgumentError, MediaDecodeError, MediaLimitError } from '../../core/errors.js';
import { MAX_HEADER_BYTES, MAX_MEDIA_FILE_BYTES } from './limits.js';
import { type MediaPlace, resolveMediaPath } from './paths.js';

/** One cell of the input column: a path relative to baseDir, or the file's bytes. */
export type MediaSource = string | Uint8Array;

/**
 * Name of a source for messages: `<n bytes>`, or the path, with the base directory it resolves
 * against when `place` is given (so a message says which file was meant, wherever the data moved).
 */
export function sourceName(src: MediaSource, place?: MediaPlace): string {
  if (typeof src !== 'string') return `<${src.length} bytes>`;
  return place === undefined ? src : `${src} (under ${path.resolve(place.baseDir ?? '.')})`;
}

/**
 * A file-system failure (missing, unreadable, a directory in the path) as a {@link MediaDecodeError}
 * naming the file; anything else unchanged.
 */
function fileError(e: unknown, name: string): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new MediaDecodeError(name, 'the file does not exist');
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code))
    return new MediaDecodeError(name, `the file cannot be read (${code})`);
  return e;
}

/** Size of a media file; a missing or unreadable one is a {@link MediaDecodeError} naming it. */
export function mediaFileSize(file: string, name = file): number {
  try {
    return fs.statSync(file).size;
  } catch (e) {
    throw fileError(e, name);
  }
}

/** Check that a cell is a path or bytes. */
export function asSource(value: unknown, kind: MediaKind): MediaSource {
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new InvalidArgumentError(
    `a ${kind} column's input must hold file paths (strings) or file bytes (Uint8Array); got ${typeof value}`,
  );
}

/**
 * Open a media file for reading, refusing what is not a regular file (a device such as /dev/zero, a
 * FIFO, a directory) or is larger than `maxBytes`, with {@link MediaLimitError}. Opened without
 * blocking, so a FIFO with no writer is refused instead of waiting forever.
 */
function openMediaFile(file: string, maxBytes: number, name = file): { fd: number; size: number } {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw fileError(e, name);
  }
  try {
    const size = checkStats(file, fs.fstatSync(fd), maxBytes);
    return { fd, size };
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
}

/**
 * Resolve and check a media file that another program opens (sharp, ffmpeg): a regular file of at
 * most `kind`'s {@link MAX_MEDIA_FILE_BYTES}; returns its path. A missing one is a
 * {@link MediaDecodeError} naming the path and its base directory.
 */
export function checkMediaFile(src: string, place: MediaPlace, kind: MediaKind): string {
  const file = resolveMediaPath(src, place.baseDir, place.allowedRoots);
  let stats: fs.Stats;
  try {
    stats = fs.statSync(file);
  } catch (e) {
    throw fileError(e, sourceName(src, place));
  }
  checkStats(file, stats, MAX_MEDIA_FILE_BYTES[kind]);
  return file;
}

function checkStats(file: string, stats: fs.Stats, maxBytes: number): number {
  if (!stats.isFile())
    throw new MediaLimitError(
      file,
      'not a regular file (a device, FIFO or directory); media must be plain files',
    );
  if (stats.size > maxBytes)
    throw new MediaLimitError(
      file,
      `${stats.size} bytes, over the limit of ${maxBytes} bytes for this kind of media`,
    );
  return stats.size;
}

/**
 * Read up to `length` bytes at `position` of a file, synchronously (header reads for printouts):
 * at most {@link MAX_HEADER_BYTES}, of a regular file. A missing one is a {@link MediaDecodeError}
 * that says `name` (default: the path).
 */
export function readRange(file: string, position: number, length: number, name = file): Uint8Array {
  if (length > MAX_HEADER_BYTES)
    throw new MediaLimitError(
      file,
      `a header read of ${length} bytes, over the limit of ${MAX_HEADER_BYTES}`,
    );
  const { fd } = openMediaFile(file, Number.POSITIVE_INFINITY, name);
  try {
    const buf = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const n = fs.readSync(fd, buf, got, length - got, position + got);
      if (n === 0) break;
      got += n;
    }
    return new Uint8Array(buf.buffer, buf.byteOffset, got);
  } finally {
    fs.closeSync(fd);
  }
}

/** Whole source as bytes, synchronously: a regular file of at most `kind`'s size limit. */
export function readSourceSync(src: MediaSource, kind: MediaKind, place: MediaPlace): Uint8Array {
  if (typeof src !== 'string') return src;
  const file = resolveMediaPath(src, place.baseDir, place.allowedRoots);
  const { fd, size } = openMediaFile(file, MAX_MEDIA_FILE_BYTES[kind], sourceName(src, place));
  try {
    const buf = Buffer.alloc(size);
    let got = 0;
    while (got < size) {
      const n = fs.readSync(fd, buf, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    return new Uint8Array(buf.buffer, buf.byteOffset, got);
  } finally {
    fs.closeSync(fd);
  }
}
