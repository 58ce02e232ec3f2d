/**
 * Opening a dataset: reads the manifest of the chosen version and nothing else. Each column becomes
 * a lazy column (the core's storedFrame, src/core/io/store/stored-frame.ts) that loads (and
 * verifies) its files on first access; scalar rows are read by record batch and tensor rows by
 * position; deferred columns look their function up in the registry when first read.
 */
import * as path from 'node:path';
import type { TemplateEnv } from '../../../core/column/registry.js';
import type { DataFrame } from '../../../core/frame/frame.js';
import type { Manifest } from '../../../core/io/store/manifest.js';
import { type StoredRowReaders, storedFrame } from '../../../core/io/store/stored-frame.js';
import { checkFilesAtOpen } from './check-files.js';
import { fsByteSource } from './fs-byte-source.js';
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
  const { columns, env, mediaRoots } = options;
  const frame = storedFrame(manifest, fsByteSource(root), {
    ...(columns !== undefined ? { columns } : {}),
    ...(env !== undefined ? { env } : {}),
    ...(mediaRoots !== undefined ? { mediaRoots } : {}),
    datasetRoot: root,
    rowReaders: mappedReaders(root),
  });
  attachStoredIndexes(frame, root, manifest);
  return frame;
}

/**
 * Rows and row ranges of scalar columns read only the record batches that hold them, of tensor
 * columns the checksum blocks. A whole tensor load reads straight into the column, checking one
 * CRC over the file; a whole scalar load is the core's, each file read in chunks (fsByteSource).
 */
function mappedReaders(root: string): StoredRowReaders {
  return {
    scalar: ({ type: { dtype }, fragments }, whole) => ({
      rows: new MappedScalarColumn(root, dtype, fragments, whole),
    }),
    tensor: ({ type, fragments }) => {
      const rows = new MappedTensorColumn(root, type, fragments);
      return { rows, load: () => rows.load() };
    },
  };
}
