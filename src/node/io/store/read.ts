/**
 * Opening a dataset: reads the manifest of the chosen version and nothing else. Each column becomes
 * a lazy column that loads (and verifies) its files on first access; scalar rows are read by record
 * batch and tensor rows by position; deferred columns look their function up in the registry when first read.
 */
import * as path from 'node:path';
import type { Column } from '../../../core/column/column.js';
import { DeferredColumn } from '../../../core/column/deferred.js';
import { LazyColumn, resolveColumn } from '../../../core/column/lazy.js';
import { instantiateFunction, type TemplateEnv } from '../../../core/column/registry.js';
import { ColumnNotFoundError, InvalidArgumentError } from '../../../core/errors.js';
import { DataFrame } from '../../../core/frame/frame.js';
import { recordColumnEncoder } from '../../../core/models/column-encoder.js';
import { checkFilesAtOpen } from './check-files.js';
import { loadObjects, loadScalar } from './load-columns.js';
import { attachStoredIndexes } from './load-index.js';
import type { ColumnEntry, DeferredEntry, Manifest } from './manifest.js';
import { readManifest } from './manifest-read.js';
import { MappedScalarColumn } from './mapped-scalar.js';
import { MappedTensorColumn } from './mapped-tensor.js';

/** Options of {@link read}. */
export interface ReadOptions {
  /** Only these columns, in this order (default: all). */
  columns?: readonly string[];
  /** Read this committed version (default: the current one). */
  version?: number;
  /** Environment for path templates such as `${DATA_ROOT}/images` (default: `process.env`). */
  env?: TemplateEnv;
  /**
   * Directories outside the dataset that its media columns may read from. A stored media column's
   * base directory must lie inside the dataset's own directory or inside one of these; otherwise
   * using the column raises `MediaRootNotGrantedError` (a dataset from someone else could point at
   * `/` or your home directory).
   */
  mediaRoots?: readonly string[];
}

/**
 * Open the dataset at `path` as a frame. Only the manifest is read here; column data is read, and
 * checked against its checksums, when it is accessed. Nothing stored in the dataset is executed:
 * deferred columns name functions that this process must have registered.
 */
export async function read(datasetPath: string, options: ReadOptions = {}): Promise<DataFrame> {
  const root = path.resolve(datasetPath);
  const manifest = await readManifest(root, options.version);
  checkFilesAtOpen(root, manifest);
  return frameOf(root, manifest, options);
}

function frameOf(root: string, manifest: Manifest, options: ReadOptions): DataFrame {
  const entries = new Map(manifest.columns.map((c) => [c.name, c]));
  const names = options.columns ?? manifest.columns.map((c) => c.name);
  for (const n of names) if (!entries.has(n)) throw new ColumnNotFoundError(n, [...entries.keys()]);
  if (new Set(names).size !== names.length)
    throw new InvalidArgumentError('read: a column is listed twice in `columns`');
  // Every column gets a lazy source (deferred columns may read columns that were not selected).
  const lazy = new Map<string, LazyColumn>();
  const input = (name: string): Column => {
    const c = lazy.get(name)!;
    // Deferred inputs are passed resolved, so a chain reads through each column's own cache.
    return c.type.kind === 'deferred' ? resolveColumn(c) : c;
  };
  for (const entry of manifest.columns)
    lazy.set(entry.name, lazyColumn(root, manifest.length, entry, input, options));
  attachStoredIndexes(lazy, root, manifest);
  const cols = new Map(names.map((n) => [n, lazy.get(n)!]));
  const pk = manifest.primaryKey !== null && cols.has(manifest.primaryKey) ? manifest.primaryKey : null;
  return new DataFrame(cols, { primaryKey: pk });
}

function lazyColumn(
  root: string,
  length: number,
  entry: ColumnEntry,
  input: (name: string) => Column,
  { env, mediaRoots = [] }: ReadOptions,
): LazyColumn {
  switch (entry.type.kind) {
    case 'scalar': {
      const { dtype } = entry.type;
      const fragments = (entry as Extract<ColumnEntry, { type: { kind: 'scalar' } }>).fragments;
      // Rows and row ranges read only the record batches that hold them; a full load is kept.
      const lazy: LazyColumn = new LazyColumn({
        type: entry.type,
        length,
        load: () => loadScalar(root, dtype, fragments),
        rows: new MappedScalarColumn(root, dtype, fragments, () => lazy.resolve()),
      });
      return lazy;
    }
    case 'object': {
      const fragments = (entry as Extract<ColumnEntry, { type: { kind: 'object' } }>).fragments;
      return new LazyColumn({ type: entry.type, length, load: () => loadObjects(root, fragments) });
    }
    case 'tensor': {
      const fragments = (entry as Extract<ColumnEntry, { type: { kind: 'tensor' } }>).fragments;
      const rows = new MappedTensorColumn(root, entry.type, fragments);
      const lazy = new LazyColumn({ type: entry.type, length, load: () => rows.load(), rows });
      const { encoder } = entry as Extract<ColumnEntry, { type: { kind: 'tensor' } }>;
      if (encoder !== undefined) recordColumnEncoder(lazy, encoder);
      return lazy;
    }
    case 'deferred': {
      const d = (entry as { deferred: DeferredEntry }).deferred;
      const media = entry.type.media;
      return new LazyColumn({
        type: entry.type,
        length,
        load: () => {
          const { fn, spec } = instantiateFunction(d.function, d.params, env, entry.name, {
            stored: { datasetRoot: root, mediaRoots },
          });
          return new DeferredColumn(
            fn,
            d.inputs.map((n) => input(n)),
            {
              batched: spec.batched ?? d.batched ?? false,
              ...(d.batchSize !== undefined || spec.batchSize !== undefined
                ? { batchSize: spec.batchSize ?? d.batchSize }
                : {}),
              ...(d.output !== undefined || spec.output !== undefined
                ? { output: spec.output ?? d.output }
                : {}),
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
  }
}
