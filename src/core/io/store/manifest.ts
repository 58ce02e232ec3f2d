/**
 * The manifest: one JSON document per version that says everything about it (schema, length, the
 * data files of each column with their sizes and checksums, deferred columns as function name,
 * parameters and inputs, saved search indexes). It carries a CRC-32 of itself, so a damaged manifest
 * is detected too. This file holds its shape; manifest-read.ts parses and validates it, and
 * manifest-write.ts serialises it.
 */
import type { ColumnType, TensorDType } from '../../column/types.js';
import { crc32, hex } from '../../crc32.js';
import type { LshKind } from '../../lsh/hash-family.js';
import type { EncoderSpec } from '../../models/encoder.js';

export const FORMAT = 'tessera-dataset';
/**
 * 2: scalar fragments are Arrow IPC files of fixed-size record batches with a block index (see
 * {@link BlockIndexEntry}), so a row range reads only its batches. Format 1 fragments (one batch,
 * no index) are still read, and may sit beside format 2 ones in a dataset appended to since.
 */
export const FORMAT_VERSION = 2;

/** A data file: its path relative to the dataset, its size, and the CRC-32 of all its bytes. */
export interface FileEntry {
  path: string;
  bytes: number;
  crc32: number;
}

/**
 * An `.npy` file of tensor rows. Its checksums live in a side file (`checksums`) of little-endian
 * uint32: the CRC-32 of the header, then one per block of `rowsPerBlock` rows, so any row can be
 * verified by reading only its block.
 */
export interface TensorFileEntry {
  path: string;
  bytes: number;
  headerBytes: number;
  rowsPerBlock: number;
  checksums: FileEntry;
}

/** Rows of a scalar column (an Arrow IPC file) or an object column (JSON lines). */
export interface FileFragment {
  rows: number;
  file: FileEntry;
  /** Scalar fragments since format 2: where each record batch lies, and its checksum. */
  blocks?: BlockIndexEntry;
}

/**
 * The block index of a scalar fragment: its Arrow IPC file holds record batches of `rowsPerBlock`
 * rows (the last may be shorter), and `file` (a `.blocks` side file, see block-index.ts) gives the
 * byte range and CRC-32 of each batch, of the head (magic and schema) and of the tail (footer), so
 * rows can be read and verified a batch at a time.
 */
export interface BlockIndexEntry {
  rowsPerBlock: number;
  file: FileEntry;
}

/** Rows of a tensor column: the `.npy` data and, when some rows are null, a validity bitmap file. */
export interface TensorFragment {
  rows: number;
  data: TensorFileEntry;
  validity: FileEntry | null;
}

/**
 * A search index saved with the dataset, listed under `indexes` by the name of the tensor column it
 * indexes. It names its data file (with size and CRC-32, like every data file) and the column length
 * and dataset version it was built for, so an index is never used over rows it has not seen.
 */
export interface IndexEntry {
  /** The hash family (`simhash` or `e2lsh`); the file holds the rest of its parameters. */
  kind: LshKind;
  /** Rows of the column when the index was built. */
  rows: number;
  /** The dataset version whose column it was built over. */
  version: number;
  file: FileEntry;
}

/** A deferred (or media) column: computed by a registered function of other columns. */
export interface DeferredEntry {
  function: string;
  /** Parameters as given (path templates unexpanded). */
  params: Record<string, unknown>;
  /** Names of the input columns, in order. */
  inputs: string[];
  batched?: boolean;
  batchSize?: number;
  output?: ColumnType;
}

export type ColumnEntry =
  | { name: string; type: Extract<ColumnType, { kind: 'scalar' }>; fragments: FileFragment[] }
  | { name: string; type: Extract<ColumnType, { kind: 'object' }>; fragments: FileFragment[] }
  | {
      name: string;
      type: Extract<ColumnType, { kind: 'tensor' }>;
      fragments: TensorFragment[];
      /** The registered encoder that made the vectors, when `embed` recorded one. */
      encoder?: EncoderSpec;
    }
  | { name: string; type: Extract<ColumnType, { kind: 'deferred' }>; deferred: DeferredEntry };

export interface Manifest {
  format: typeof FORMAT;
  formatVersion: number;
  /** The version this manifest describes (1, 2, ...). */
  version: number;
  /** The version it was made from (null for the first). */
  parent: number | null;
  /** What made it: a write, an append, saving a search index (`index`, same data), an app edit (`edit`: changed cells) or its undo (`undo`). */
  operation: 'write' | 'append' | 'index' | 'edit' | 'undo';
  /** ISO time of the commit. */
  createdAt: string;
  /** Rows. */
  length: number;
  primaryKey: string | null;
  columns: ColumnEntry[];
  /** Search indexes saved with the dataset, by tensor column name (absent when there are none). */
  indexes?: Record<string, IndexEntry>;
}

/** Element sizes of tensor dtypes. */
export const TENSOR_BYTES: Record<TensorDType, number> = {
  float32: 4,
  float64: 8,
  int32: 4,
  int64: 8,
  uint8: 1,
};

/**
 * The checksum a manifest carries: the CRC-32 of its JSON text without the checksum field, as
 * `JSON.stringify` writes it (no spaces), so it does not depend on how the file is indented.
 */
export function manifestChecksum(withoutChecksum: unknown): string {
  return `crc32:${hex(crc32(new TextEncoder().encode(JSON.stringify(withoutChecksum))))}`;
}
