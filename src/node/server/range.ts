/**
 * HTTP byte ranges (RFC 7233) for media files: one range `bytes=a-b`, `bytes=a-` or `bytes=-n`.
 * A header that does not parse, or asks for several ranges, is ignored (the whole file is sent, as
 * the RFC allows); a range wholly past the end is {@link RangeNotSatisfiableError} (416).
 */
import { RangeNotSatisfiableError } from '../../core/errors.js';

/** Inclusive byte positions. */
export interface ByteRange {
  start: number;
  end: number;
}

/** The range a `Range` header asks of a file of `size` bytes; null: send the whole file. */
export function byteRange(header: string | undefined, size: number): ByteRange | null {
  if (header === undefined) return null;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (m === null || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) throw unsatisfiable(size);
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const last = m[2] === '' ? Number.POSITIVE_INFINITY : Number(m[2]);
  if (last < start) return null; // syntactically invalid: ignored
  if (start >= size) throw unsatisfiable(size);
  return { start, end: Math.min(last, size - 1) };
}

function unsatisfiable(size: number): RangeNotSatisfiableError {
  return new RangeNotSatisfiableError(`the requested range lies outside the file's ${size} bytes`);
}
