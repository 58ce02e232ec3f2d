/**
 * A dataset's version as a frame of lazy columns, from its manifest: each column loads (and checks)
 * its files on first access; a deferred column looks its function up in the registry when first
 * read (by name: nothing stored in a dataset is executed). The one place that turns a manifest's
 * columns into columns: the in-tab app reads every column whole from a {@link ByteSource}; the Node
 * store (src/node/io/store/read.ts) reads from disk the same way and gives scalar and tensor columns
 * row readers of its own ({@link StoredRowReaders}).
 */
import type { Column } from '../../column/column.js';
import { DeferredColumn } from '../../column/deferred.js';
import { LazyColumn, resolveColumn } from '../../column/lazy.js';
import { instantiateFunction, type TemplateEnv } from '../../column/registry.js';
import type { ColumnType } from '../../column/types.js';
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
  /**
   * Row readers of scalar and tensor columns: without them, such a column is read whole on first
   * access, and its single rows and row ranges from that.
   */
  rowReaders?: StoredRowReaders;
}

type ScalarEntry = Extract<ColumnEntry, { type: { kind: 'scalar' } }>;
type ObjectEntry = Extract<ColumnEntry, { type: { kind: 'object' } }>;
type TensorEntry = Extract<ColumnEntry, { type: { kind: 'tensor' } }>;
type DeferredColumnEntry = Extract<ColumnEntry, { type: { kind: 'deferred' } }>;

/**
 * A stored column read by row: `rows` answers single rows and row ranges reading only what holds
 * them (until the column is loaded); `load`, when given, loads the whole column instead of the
 * core's whole read from the source.
 */
export interface StoredRowReader {
  rows: Column;
  load?: () => Column;
}

/**
 * A source's row readers (the Node store: positioned reads of the record batches or checksum
 * blocks that hold the rows). `whole()` is the column's full load, kept once made.
 */
export interface StoredRowReaders {
  scalar(entry: ScalarEntry, whole: () => Column): StoredRowReader;
  tensor(entry: TensorEntry): StoredRowReader;
}

/** One stored column as a lazy column; `input(name)` gives another column of the frame. */
type StoredColumnOf = (entry: ColumnEntry, input: (name: string) => Column) => LazyColumn;

/**
 * The frame of `manifest`, its columns made by `columnOf`: every column gets one (deferred columns
 * may read columns that were not selected), and `options.columns` picks and orders them.
 */
function frameOfManifest(
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
function storedDeferredColumn(
  entry: DeferredColumnEntry,
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
 * The frame of `manifest` over the files of `source`, each column read whole on first access unless
 * `options.rowReaders` reads its rows. The dataset's length is checked against its files' sizes
 * first; every file is checked against its CRC-32 when read.
 */
export function storedFrame(manifest: Manifest, source: ByteSource, options: StoredFrameOptions): DataFrame {
  checkLengthBacked(manifest, source);
  const { length } = manifest;
  const { rowReaders } = options;
  /** A stored column: read by `rowReader` when it has one, else loaded whole by `load` on first access. */
  const lazyColumn = (
    type: ColumnType,
    load: () => Column,
    rowReader?: (whole: () => Column) => StoredRowReader,
  ) => {
    if (rowReader === undefined) return new LazyColumn({ type, length, load });
    // `whole` is only called once the column exists (the row reader's null count, large takes).
    const reader = rowReader(() => lazy.resolve());
    const lazy: LazyColumn = new LazyColumn({ type, length, load: reader.load ?? load, rows: reader.rows });
    return lazy;
  };
  return frameOfManifest(
    manifest,
    (entry, input) => {
      switch (entry.type.kind) {
        case 'scalar': {
          const scalar = entry as ScalarEntry;
          return lazyColumn(
            scalar.type,
            () => loadScalarColumn(source, scalar.type.dtype, scalar.fragments),
            rowReaders && ((whole) => rowReaders.scalar(scalar, whole)),
          );
        }
        case 'object': {
          const { fragments } = entry as ObjectEntry;
          return lazyColumn(entry.type, () => loadObjectColumn(source, fragments));
        }
        case 'tensor': {
          const tensor = entry as TensorEntry;
          const lazy = lazyColumn(
            tensor.type,
            () => loadTensorColumn(source, tensor.type, tensor.fragments),
            rowReaders && (() => rowReaders.tensor(tensor)),
          );
          if (tensor.encoder !== undefined) recordColumnEncoder(lazy, tensor.encoder);
          return lazy;
        }
        case 'deferred':
          return storedDeferredColumn(entry as DeferredColumnEntry, length, input, options);
      }
    },
    options.columns,
  );
}
