/**
 * Media loaders: the row function of a media column, with a sync metadata reader (cached per path)
 * for its printout and for {@link mediaInfo}, which reads a row's metadata without decoding it.
 */
import type { Column } from '../../core/column/column.js';
import { DeferredColumn } from '../../core/column/deferred.js';
import { resolveColumn } from '../../core/column/lazy.js';
import type { MediaKind } from '../../core/column/types.js';
import { InvalidArgumentError, UnsupportedMediaError } from '../../core/errors.js';
import { asSource, type MediaSource } from './source.js';

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
