/**
 * Building media columns: a registered deferred column (loader name + parameters, so the store can
 * save it and read it back) over a column of paths or bytes.
 */
import { Column } from '../../core/column/column.js';
import type { DeferredColumn, DeferredOptions } from '../../core/column/deferred.js';
import { column } from '../../core/column/infer.js';
import {
  type FunctionParams,
  registeredColumn,
  registerFunction,
  type TemplateEnv,
} from '../../core/column/registry.js';
import type { MediaKind } from '../../core/column/types.js';
import { makeLoader } from './loader.js';
import { allowedRootsOf, type MediaPlace } from './paths.js';
import type { MediaSource } from './source.js';

/** Options common to every media column. */
export interface MediaColumnOptions {
  /**
   * Directory that relative paths resolve against (default: the working directory at read time).
   * May be a template such as `${DATA_ROOT}/images`, expanded from the environment at read time,
   * so a stored dataset can move between machines. While the variable is unset only loading rows
   * fails (MissingVariableError); the column prints its paths under the unexpanded template.
   */
  baseDir?: string;
  /** Environment for `${VAR}` in baseDir (default: process.env). */
  env?: TemplateEnv;
  /** Column name the storage layer records for the input (optional). */
  inputNames?: readonly string[];
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

/** Builds a media column over a column (or array) of paths under `baseDir`, or of file bytes. */
export type MediaColumnBuilder<V, O extends object = object> = (
  sources: Column | readonly (MediaSource | null)[],
  options?: MediaColumnOptions & O,
) => DeferredColumn<V>;

/**
 * Register the loader of a media kind whose parameters are the base directory and the plain
 * (JSON) decoding options named in `optionNames` (audio, volume, graph), so a stored column
 * (loader name + params) can be read back; returns the function that builds columns of it.
 */
export function registerBaseDirMedia<V, I, O extends object = object>(
  name: string,
  kind: MediaKind,
  decode: (src: MediaSource, place: MediaPlace & O) => unknown,
  readInfo: (
    src: MediaSource,
    baseDir: string | undefined,
    allowedRoots?: readonly string[],
  ) => I | undefined,
  format: (info: I) => string,
  optionNames: readonly (keyof O & string)[] = [],
): MediaColumnBuilder<V, O> {
  registerFunction(
    name,
    (params, context) => {
      const baseDir = params.baseDir as string | undefined;
      const allowedRoots = allowedRootsOf(context);
      const decoding = Object.fromEntries(optionNames.map((k) => [k, params[k]])) as O;
      return makeLoader<I>(
        kind,
        (src) => decode(src, { ...decoding, baseDir, ...(allowedRoots ? { allowedRoots } : {}) }),
        (src) => readInfo(src, baseDir, allowedRoots),
        format,
      );
    },
    { media: kind },
  );
  return (sources, options) => {
    const { baseDir, env, inputNames } = options ?? {};
    const decoding = Object.fromEntries(optionNames.map((k) => [k, options?.[k]]));
    return mediaColumn<V>(name, sources, { baseDir, ...decoding }, { env, inputNames });
  };
}
