/**
 * Checks made when a dataset is opened, before any row is read (one `lstat` per file): `data/` and
 * `_versions/` are the dataset's own directories and no file the manifest names is a link, and the
 * dataset's length is backed by its files. A frame's length is used without reading any column
 * (`toRecords()` walks it), so a dataset from someone else that claims 9e15 rows must fail here,
 * not run until the process is killed.
 *
 * Damage that does not touch the length (a truncated or missing file while another column holds
 * the rows) is still reported when the damaged column is read, so the other columns stay readable.
 */
import * as fs from 'node:fs';
import type { ColumnType } from '../../../core/column/types.js';
import { CorruptDataError } from '../../../core/errors.js';
import { blockCount, blockIndexBytes } from './block-index.js';
import { notRegularFile, openChecked, readAt } from './file-io.js';
import { checkOwnDirectory, DATA_DIR, dataPath, VERSIONS_DIR } from './layout.js';
import { type ColumnEntry, type Manifest, TENSOR_BYTES } from './manifest.js';
import { checkNpyHeader } from './npy.js';

/**
 * Throw a {@link CorruptDataError} when a file of `manifest` is a link or not a file, or when no
 * stored column's files can hold the rows the manifest declares (naming the first column's
 * offending file).
 */
export function checkFilesAtOpen(root: string, manifest: Manifest): void {
  checkOwnDirectory(root, DATA_DIR);
  checkOwnDirectory(root, VERSIONS_DIR);
  let firstProblem: CorruptDataError | null = null;
  let backed = false;
  for (const c of manifest.columns) {
    if (!('fragments' in c)) continue;
    const problem = columnProblem(root, c);
    if (problem === null) backed = true;
    else firstProblem ??= problem;
  }
  for (const entry of Object.values(manifest.indexes ?? {})) sizeOf(dataPath(root, entry.file.path));
  if (!backed && firstProblem !== null) throw firstProblem;
}

/** Why a stored column's files cannot hold its declared rows, or null when they can. */
function columnProblem(
  root: string,
  c: Exclude<ColumnEntry, { type: { kind: 'deferred' } }>,
): CorruptDataError | null {
  let problem: CorruptDataError | null = null;
  const note = (file: string, detail: string) => {
    problem ??= new CorruptDataError(file, detail);
  };
  for (const f of c.fragments) {
    if ('file' in f) {
      const file = dataPath(root, f.file.path);
      const size = sizeOf(file);
      if (size === null) note(file, 'the file is missing');
      else if (f.rows > mostRows(c.type, size))
        note(file, `the manifest says it holds ${f.rows} rows, more than a file of ${size} bytes can hold`);
      if (f.blocks) {
        const index = dataPath(root, f.blocks.file.path);
        const indexSize = sizeOf(index);
        // Its schema message takes at least 8 bytes before the offsets and checksums.
        const least = blockIndexBytes(8, blockCount(f.rows, f.blocks.rowsPerBlock));
        if (indexSize === null) note(index, 'the file is missing');
        else if (indexSize < least)
          note(
            index,
            `the manifest says it indexes ${f.rows} rows, more than a file of ${indexSize} bytes can`,
          );
      }
      continue;
    }
    const file = dataPath(root, f.data.path);
    const type = c.type as Extract<ColumnType, { kind: 'tensor' }>;
    const rowBytes = type.shape.reduce((a, b) => a * b, 1) * TENSOR_BYTES[type.dtype];
    const size = sizeOf(file);
    for (const side of [f.data.checksums, f.validity])
      if (side !== null && sizeOf(dataPath(root, side.path)) === null)
        note(dataPath(root, side.path), 'the file is missing');
    if (size === null) note(file, 'the file is missing');
    else if (size !== f.data.headerBytes + f.rows * rowBytes)
      note(file, `the file has ${size} bytes, expected ${f.data.headerBytes + f.rows * rowBytes}`);
    else if (rowBytes === 0) {
      // Rows of no bytes: the file size says nothing of how many there are; its header must.
      try {
        checkHeader(file, size, f.data.headerBytes, type, f.rows);
      } catch (e) {
        if (!(e instanceof CorruptDataError)) throw e;
        problem ??= e;
      }
    }
  }
  return problem;
}

/** Rows a scalar (Arrow IPC) or object (JSON lines) file of `bytes` bytes can hold at most. */
function mostRows(type: ColumnType, bytes: number): number {
  // A scalar row costs at least one bit (a boolean, or a null's validity bit); a JSON line at
  // least two bytes (a value and its newline).
  return type.kind === 'object' ? Math.floor(bytes / 2) : bytes * 8;
}

/** Size of a dataset file; null when it is missing; a link or a non-file is an error. */
function sizeOf(file: string): number | null {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  if (!stat.isFile()) throw notRegularFile(file, stat.isSymbolicLink());
  return stat.size;
}

function checkHeader(
  file: string,
  bytes: number,
  headerBytes: number,
  type: Extract<ColumnType, { kind: 'tensor' }>,
  rows: number,
): void {
  const fd = openChecked(file, bytes);
  try {
    const header = new Uint8Array(headerBytes);
    readAt(fd, file, header, 0);
    checkNpyHeader(header, file, type.dtype, [rows, ...type.shape]);
  } finally {
    fs.closeSync(fd);
  }
}
