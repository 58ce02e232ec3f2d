/**
 * A dataset's version as a frame of lazy columns, from its manifest: each column loads (and checks)
 * its files on first access; a deferred column looks its function up in the registry when first
 * read (by name: nothing stored in a dataset is executed). The Node store (read.ts) gives scalar and
 * tensor columns row-range reads of its own; the in-tab app reads every column whole from a
 * {@link ByteSource} ({@link storedFrame}).
 */
import type { Column } from '../../column/column.js';
import { DeferredColumn } from '../../column/deferred.js';
import { LazyColumn, resolveColumn } from '../../column/lazy.js';
import { instantiateFunction, type TemplateEnv } from '../../column/registry.js';
import { ColumnNotFoundError, InvalidArgumentError } from '../../errors.js';
import { DataFrame } from '../../frame/frame.js';
import { recordColumnEncoder } from '../../models/column-encoder.js';
import type { ByteSource } from './byte-source.js';
import { checkLengthBacked } from './check-backed.js';
import type { ColumnEntry, DeferredEntry, Manifest } from './manifest.js';
import { loadObjectColumn } from './object-lines.js';
import { loadScalarColumn } from './scalar-fragment.js';
import { loadTensorColumn } from './tensor-fragment.js';

/** Where a stored frame is read from and how its deferred columns are built. */
export interface StoredFrameOptions {
  /** Only these columns, in this order (default: all). */
  columns?: readonly string[];
  /** Environment for path templates such as `${DATA_ROOT}/images` (default: the process environment). */
  env?: TemplateEnv;
  /** The dataset's directory, as media loaders must stay inside it (see `FunctionContext`). */
  datasetRoot: string;
  /** Directories outside the dataset that its media columns may read from. */
  mediaRoots?: readonly string[];
}

/** One stored column as a lazy column; `input(name)` gives another column of the frame. */
export type StoredColumnOf = (entry: ColumnEntry, input: (name: string) => Column) => LazyColumn;

/**
 * The frame of `manifest`, its columns made by `columnOf`: every column gets one (deferred columns
 * may read columns that were not selected), and `options.columns` picks and orders them.
 */
export function frameOfManifest(
  manifest: Manifest,
  columnOf: StoredColumnOf,
  columns?: readonly string[],
): DataFrame {
  const entries = new Map(manifest.columns.map((c) => [c.name, c]));
  const names = columns ?? manifest.columns.map((c) => c.name);
  for (const n of names) if (!entries.has(n)) throw new ColumnNotFoundError(n, [...entries.keys()]);
  if (new Set(names).size !== names.length)
    throw new InvalidArgumentError('read: a column is listed twice in `columns`');
  const lazy = new Map<string, LazyColumn>();
  const input = (name: string): Column => {
    const c = lazy.get(name)!;
    // Deferred inputs are passed resolved, so a chain reads through each column's own cache.
    return c.type.kind === 'deferred' ? resolveColumn(c) : c;
  };
  for (const entry of manifest.columns) lazy.set(entry.name, columnOf(entry, input));
  const cols = new Map(names.map((n) => [n, lazy.get(n)!]));
  const pk = manifest.primaryKey !== null && cols.has(manifest.primaryKey) ? manifest.primaryKey : null;
  return new DataFrame(cols, { primaryKey: pk });
}

/** A deferred (or media) column of a stored dataset: built from the registry on first read. */
export function storedDeferredColumn(
  entry: Extract<ColumnEntry, { type: { kind: 'deferred' } }>,
  length: number,
  input: (name: string) => Column,
  { env, datasetRoot, mediaRoots = [] }: StoredFrameOptions,
): LazyColumn {
  const d: DeferredEntry = entry.deferred;
  const media = entry.type.media;
  return new LazyColumn({
    type: entry.type,
    length,
    load: () => {
      const { fn, spec } = instantiateFunction(d.function, d.params, env, entry.name, {
        stored: { datasetRoot, mediaRoots },
      });
      return new DeferredColumn(
        fn,
        d.inputs.map((n) => input(n)),
        {
          batched: spec.batched ?? d.batched ?? false,
          ...(d.batchSize !== undefined || spec.batchSize !== undefined
            ? { batchSize: spec.batchSize ?? d.batchSize }
            : {}),
          ...(d.output !== undefined || spec.output !== undefined ? { output: spec.output ?? d.output } : {}),
          ...(media !== undefined ? { media } : {}),
          name: d.function,
          params: d.params,
          inputNames: d.inputs,
          length,
        },
      );
    },
  });
}

/**
 * The frame of `manifest` over the files of `source`, each column read whole on first access. The
 * dataset's length is checked against its files' sizes first; every file is checked against its
 * CRC-32 when read.
 */
export function storedFrame(manifest: Manifest, source: ByteSource, options: StoredFrameOptions): DataFrame {
  checkLengthBacked(manifest, source);
  const { length } = manifest;
  return frameOfManifest(
    manifest,
    (entry, input) => {
      switch (entry.type.kind) {
        case 'scalar': {
          const { dtype } = entry.type;
          const { fragments } = entry as Extract<ColumnEntry, { type: { kind: 'scalar' } }>;
          return new LazyColumn({
            type: entry.type,
            length,
            load: () => loadScalarColumn(source, dtype, fragments),
          });
        }
        case 'object': {
          const { fragments } = entry as Extract<ColumnEntry, { type: { kind: 'object' } }>;
          return new LazyColumn({
            type: entry.type,
            length,
            load: () => loadObjectColumn(source, fragments),
          });
        }
        case 'tensor': {
          const tensor = entry as Extract<ColumnEntry, { type: { kind: 'tensor' } }>;
          const type = tensor.type;
          const lazy = new LazyColumn({
            type,
            length,
            load: () => loadTensorColumn(source, type, tensor.fragments),
          });
          if (tensor.encoder !== undefined) recordColumnEncoder(lazy, tensor.encoder);
          return lazy;
        }
        case 'deferred':
          return storedDeferredColumn(
            entry as Extract<ColumnEntry, { type: { kind: 'deferred' } }>,
            length,
            input,
            options,
          );
      }
    },
    options.columns,
  );
}
