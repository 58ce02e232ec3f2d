/**
 * The cells of a media column's input: a path under the base directory or the file's bytes, read
 * whole (for the loaders that decode synchronously) or by byte range (file headers for printouts).
 */
import * as fs from 'node:fs';
import type { MediaKind } from '../../core/column/types.js';
import { InvalidArgumentError } from '../../core/errors.js';
import { resolveMediaPath } from './paths.js';

/** One cell of the input column: a path relative to baseDir, or the file's bytes. */
export type MediaSource = string | Uint8Array;

/** Name of a source for messages. */
export function sourceName(src: MediaSource): string {
  return typeof src === 'string' ? src : `<${src.length} bytes>`;
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

/** Read up to `length` bytes at `position` of a file, synchronously (header reads for printouts). */
export function readRange(file: string, position: number, length: number): Uint8Array {
  const fd = fs.openSync(file, 'r');
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

/** Whole source as bytes, synchronously. */
export function readSourceSync(src: MediaSource, baseDir: string | undefined): Uint8Array {
  if (typeof src !== 'string') return src;
  const buf = fs.readFileSync(resolveMediaPath(src, baseDir));
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
