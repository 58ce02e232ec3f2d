/**
 * Where a dataset's files come from, for the readers that work over bytes (this folder): the Node
 * store reads them from disk (src/node/io/store/fs-byte-source.ts), the in-tab app from the files of
 * a folder the user gave the page. Reads are synchronous, as a lazy column's load is: in a browser
 * worker, `FileReaderSync` reads a `File` (or a slice of it) that way.
 */

import { crc32, hex } from '../../crc32.js';
import { CorruptDataError } from '../../errors.js';
import type { FileEntry } from './manifest.js';

export interface ByteSource {
  /**
   * Bytes `[from, to)` (default: all) of the dataset file at `path` (relative to the dataset, e.g.
   * `data/...`), which must have exactly `size` bytes: a missing file or one of another size is a
   * {@link CorruptDataError} naming it.
   */
  read(path: string, size: number, from?: number, to?: number): Uint8Array;
  /** The size of the file at `path`, or null when there is none (a link or a non-file is an error). */
  size(path: string): number | null;
  /** The name of `path` in error messages (the Node store: its absolute path). */
  name(path: string): string;
  /**
   * Optional: the file at `path` (which must have `size` bytes) opened for many range reads, e.g. a
   * whole load read in chunks. Without it, such a load reads the file whole ({@link rangesOf}).
   */
  openRanges?(path: string, size: number): OpenRanges;
}

/** A file open for range reads. */
export interface OpenRanges {
  /**
   * Bytes `[from, to)`: read into `into` (of `to - from` bytes) when given, else into a buffer
   * that is valid until the next read (it may be reused).
   */
  read(from: number, to: number, into?: Uint8Array): Uint8Array;
  close(): void;
}

/** The file at `path` open for range reads: the source's own, else the file read whole once. */
export function rangesOf(source: ByteSource, path: string, size: number): OpenRanges {
  if (source.openRanges !== undefined) return source.openRanges(path, size);
  const bytes = source.read(path, size);
  return {
    read(from, to, into) {
      if (into === undefined) return bytes.subarray(from, to);
      into.set(bytes.subarray(from, to));
      return into;
    },
    close() {},
  };
}

/** The error for a file whose bytes sum to `actual`, not the `expected` its manifest records. */
export function checksumMismatch(file: string, actual: number, expected: number): CorruptDataError {
  return new CorruptDataError(file, `checksum mismatch (crc32 ${hex(actual)}, expected ${hex(expected)})`);
}

/** The whole file of `entry`, checked against its size and CRC-32. */
export function readVerifiedEntry(source: ByteSource, entry: FileEntry): Uint8Array {
  const bytes = source.read(entry.path, entry.bytes);
  const actual = crc32(bytes);
  if (actual !== entry.crc32) throw checksumMismatch(source.name(entry.path), actual, entry.crc32);
  return bytes;
}

/** The error for a file that is missing, or whose size is not the one its manifest records. */
export function wrongSize(file: string, actual: number | null, expected: number): CorruptDataError {
  if (actual === null) return new CorruptDataError(file, 'the file is missing');
  return new CorruptDataError(
    file,
    actual < expected
      ? `the file is truncated: ${actual} bytes, expected ${expected}`
      : `the file has ${actual} bytes, expected ${expected}`,
  );
}
