/**
 * Shared pieces of the media loaders: safe path resolution under a base directory,
 * small synchronous header reads, a concurrency limit for file IO, and the column builder that
 * attaches a sync `describe` (the printout) and `info` (metadata without decoding) to a loader.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Column } from '../../core/column/column.js';
import { DeferredColumn, type DeferredOptions } from '../../core/column/deferred.js';
import { column } from '../../core/column/infer.js';
import { resolveColumn } from '../../core/column/lazy.js';
import {
  type FunctionParams,
  registeredColumn,
  registerFunction,
  type TemplateEnv,
} from '../../core/column/registry.js';
import type { MediaKind } from '../../core/column/types.js';
import { InvalidArgumentError, PathEscapeError, UnsupportedMediaError } from '../../core/errors.js';

/** Options common to every media column. */
export interface MediaColumnOptions {
  /**
   * Directory that relative paths resolve against (default: the working directory at read time).
   * May be a template such as `${DATA_ROOT}/images`, expanded from the environment at read time,
   * so a stored dataset can move between machines.
   */
  baseDir?: string;
  /** Environment for `${VAR}` in baseDir (default: process.env). */
  env?: TemplateEnv;
  /** Column name the storage layer records for the input (optional). */
  inputNames?: readonly string[];
}

/** One cell of the input column: a path relative to baseDir, or the file's bytes. */
export type MediaSource = string | Uint8Array;

/**
 * Resolve a media path under `baseDir`. Absolute paths, paths with a NUL byte and paths that `..`
 * out of baseDir raise {@link PathEscapeError}. The check is lexical: a symbolic link inside baseDir
 * is followed (datasets often link their media in).
 */
export function resolveMediaPath(mediaPath: string, baseDir: string | undefined): string {
  const base = path.resolve(baseDir ?? '.');
  if (
    mediaPath.includes('\0') ||
    path.isAbsolute(mediaPath) ||
    path.win32.isAbsolute(mediaPath) ||
    mediaPath.length === 0
  )
    throw new PathEscapeError(mediaPath, base);
  const full = path.resolve(base, mediaPath);
  const rel = path.relative(base, full);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) throw new PathEscapeError(mediaPath, base);
  return full;
}

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

/** Whole source as bytes, asynchronously, under the IO concurrency limit. */
export async function readSource(src: MediaSource, baseDir: string | undefined): Promise<Uint8Array> {
  if (typeof src !== 'string') return src;
  const file = resolveMediaPath(src, baseDir);
  const buf = await limitIO(() => fs.promises.readFile(file));
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** At most this many media files are open or decoding at once (per process). */
export const MAX_CONCURRENT_IO = 16;
let active = 0;
const waiting: (() => void)[] = [];

/** Run `task` when fewer than {@link MAX_CONCURRENT_IO} others are running. */
export async function limitIO<T>(task: () => Promise<T>): Promise<T> {
  if (active >= MAX_CONCURRENT_IO) await new Promise<void>((resolve) => waiting.push(resolve));
  active++;
  try {
    return await task();
  } finally {
    active--;
    waiting.shift()?.();
  }
}

/** A loader built for one set of parameters, with its sync metadata and printout. */
export interface MediaLoader<I> {
  /** The row function (sync or async) of one input cell. */
  // biome-ignore lint/suspicious/noExplicitAny: a cell of the input column.
  (value: any): unknown;
  /** Metadata of one input cell without decoding the media; null for a null cell. */
  info(value: unknown): I | null;
  /** The printout of one input cell, e.g. `<image 224×224×3>`. */
  describe(value: unknown): string | undefined;
}

/**
 * Wrap a row loader and a sync metadata reader into a {@link MediaLoader}. Metadata is cached per
 * path (and per byte array); a failed header read makes the printout fall back to `<kind>`.
 */
/**
 * Register a media loader whose only parameter is the base directory (audio, volume, graph), so a
 * stored column (loader name + params) can be read back.
 */
export function registerBaseDirLoader<I>(
  name: string,
  kind: MediaKind,
  decode: (src: MediaSource, baseDir: string | undefined) => unknown,
  readInfo: (src: MediaSource, baseDir: string | undefined) => I | undefined,
  format: (info: I) => string,
): void {
  registerFunction(
    name,
    (params) => {
      const baseDir = params.baseDir as string | undefined;
      return makeLoader<I>(
        kind,
        (src) => decode(src, baseDir),
        (src) => readInfo(src, baseDir),
        format,
      );
    },
    { media: kind },
  );
}

export function makeLoader<I>(
  kind: MediaKind,
  load: (src: MediaSource) => unknown,
  readInfo: (src: MediaSource) => I | undefined,
  format: (info: I) => string,
): MediaLoader<I> {
  const byPath = new Map<string, I | undefined>();
  const byBytes = new WeakMap<Uint8Array, I | undefined>();
  const info = (value: unknown): I | null => {
    if (value === null || value === undefined) return null;
    const src = asSource(value, kind);
    if (typeof src === 'string') {
      if (!byPath.has(src)) {
        if (byPath.size > 100_000) byPath.clear();
        byPath.set(src, readInfo(src));
      }
      const got = byPath.get(src);
      if (got === undefined)
        throw new UnsupportedMediaError(`cannot read ${kind} metadata of ${src} without decoding`);
      return got;
    }
    if (!byBytes.has(src)) byBytes.set(src, readInfo(src));
    const got = byBytes.get(src);
    if (got === undefined) throw new UnsupportedMediaError(`cannot read ${kind} metadata without decoding`);
    return got;
  };
  const fn = ((value: unknown) =>
    value === null || value === undefined ? null : load(asSource(value, kind))) as MediaLoader<I>;
  fn.info = info;
  fn.describe = (value: unknown) => {
    if (value === null || value === undefined) return 'null';
    try {
      return format(info(value) as I);
    } catch {
      return undefined;
    }
  };
  return fn;
}

/** Build a registered media column over a column (or array) of paths or bytes. */
export function mediaColumn<T>(
  name: string,
  sources: Column | readonly (MediaSource | null)[],
  params: FunctionParams,
  options: MediaColumnOptions & Pick<DeferredOptions, 'maxCachedBytes' | 'maxCachedRows'>,
): DeferredColumn<T> {
  const input = sources instanceof Column ? sources : column(sources as unknown[], 'object');
  const { env, inputNames, maxCachedBytes, maxCachedRows } = options;
  const clean = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined));
  return registeredColumn<T>(name, [input], clean, {
    ...(env ? { env } : {}),
    ...(inputNames ? { inputNames } : {}),
    ...(maxCachedBytes !== undefined ? { maxCachedBytes } : {}),
    ...(maxCachedRows !== undefined ? { maxCachedRows } : {}),
  });
}

/**
 * Metadata of row `i` of a media column, read from the file header (never decoding the media): the
 * shape, duration, sample rate... as a plain JSON-serialisable object. Null for a null row.
 */
export function mediaInfo<I = Record<string, unknown>>(col: Column, i: number): I | null {
  const c = resolveColumn(col);
  const fn = (c instanceof DeferredColumn ? c.fn : undefined) as Partial<MediaLoader<I>> | undefined;
  if (!(c instanceof DeferredColumn) || typeof fn?.info !== 'function')
    throw new InvalidArgumentError('mediaInfo needs a media column (imageColumn, audioColumn, ...)');
  const values = c.inputsAt(i);
  return values === null ? null : fn.info(values[0]);
}
