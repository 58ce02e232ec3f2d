/**
 * Opening a dataset: reads the manifest of the chosen version and nothing else. Each column becomes
 * a lazy column that loads (and verifies) its files on first access; scalar rows are read by record
 * batch and tensor rows by position; deferred columns look their function up in the registry when first read.
 */
import * as path from 'node:path';
import type { Column } from '../../../core/column/column.js';
import { LazyColumn } from '../../../core/column/lazy.js';
import type { TemplateEnv } from '../../../core/column/registry.js';
import type { DataFrame } from '../../../core/frame/frame.js';
import type { ColumnEntry, Manifest } from '../../../core/io/store/manifest.js';
import { frameOfManifest, storedDeferredColumn } from '../../../core/io/store/stored-frame.js';
import { recordColumnEncoder } from '../../../core/models/column-encoder.js';
import { checkFilesAtOpen } from './check-files.js';
import { loadObjects, loadScalar } from './load-columns.js';
import { attachStoredIndexes } from './load-index.js';
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
  const lazy = new Map<string, LazyColumn>();
  const frame = frameOfManifest(
    manifest,
    (entry, input) => {
      const column = lazyColumn(root, manifest.length, entry, input, options);
      lazy.set(entry.name, column);
      return column;
    },
    options.columns,
  );
  attachStoredIndexes(lazy, root, manifest);
  return frame;
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
    case 'deferred':
      return storedDeferredColumn(
        entry as Extract<ColumnEntry, { type: { kind: 'deferred' } }>,
        length,
        input,
        { ...(env !== undefined ? { env } : {}), datasetRoot: root, mediaRoots },
      );
  }
}
