import { UnsupportedError } from '../errors.js';
import type { DataFrame } from './frame.js';

/**
 * How an edit of a stored dataset waits for another writer's lock, and the lease of its own lock
 * (the Node store's lock.ts).
 */
export interface LockOptions {
  /**
   * How long to wait for another writer to finish, in milliseconds (default 5000; 0: fail at once
   * with ConcurrentWriteError). Waiting backs off from a few milliseconds to 50 ms between tries.
   */
  lockTimeoutMs?: number;
  /**
   * The lease of the lock, in milliseconds (default 30000): a writer refreshes its lock several times
   * per lease, so a lock not refreshed for a lease (its writer died, on any machine) is taken over.
   * It also applies to lock files that name no lease (empty or garbled ones).
   */
  lockLeaseMs?: number;
}

/** Options of `df.write(path)` (see the Node store's `write`). */
export interface WriteOptions extends LockOptions {
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
