import { UnsupportedError } from '../errors.js';
import type { DataFrame } from './frame.js';

/** Options of `df.write(path)` (see the Node store's `write`). */
export interface WriteOptions {
  /**
   * Deferred columns that have no registered function name are computed and stored as data
   * (default false: such a column is an error, since a dataset stores functions by name only).
   */
  materialize?: boolean;
  /** Flush files to disk (fsync) before the commit, so it survives a power loss (default true). */
  fsync?: boolean;
}

/** What a write committed. */
export interface WriteResult {
  /** The dataset's directory. */
  path: string;
  /** The version the write committed. */
  version: number;
  /** Rows of the committed version. */
  length: number;
  /** Data files the write created, and their bytes. */
  files: number;
  bytes: number;
}

/** Writes a frame to a path; registered by Tessera's Node entry point. */
export type FrameWriter = (df: DataFrame, path: string, options?: WriteOptions) => Promise<WriteResult>;

let registered: FrameWriter | null = null;

/** Set (or, with null, clear) the function behind `df.write(path)`. */
export function registerFrameWriter(writer: FrameWriter | null): void {
  registered = writer;
}

/** The function behind `df.write(path)`; throws where none is registered (e.g. in the browser). */
export function frameWriter(): FrameWriter {
  if (registered === null)
    throw new UnsupportedError(
      'df.write(path) needs the file system: import Tessera\'s Node entry point ("tessera", not "tessera/core"), which registers the dataset writer',
    );
  return registered;
}
