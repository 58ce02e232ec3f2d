/**
 * The check made when a dataset is opened, before any row is read: its length must be backed by
 * its files (their sizes, from the {@link ByteSource}). A frame's length is used without reading any
 * column (`toRecords()` walks it), so a dataset from someone else that claims 9e15 rows must fail
 * here, not run until the process is killed.
 *
 * Damage that does not touch the length (a truncated or missing file while another column holds
 * the rows) is reported when the damaged column is read, so the other columns stay readable.
 */
import type { ColumnType } from '../../column/types.js';
import { CorruptDataError } from '../../errors.js';
import { blockCount, blockIndexBytes } from './block-index.js';
import type { ByteSource } from './byte-source.js';
import type { ColumnEntry, Manifest } from './manifest.js';
import { checkNpyHeader } from './npy.js';
import { tensorRowBytes } from './tensor-fragment.js';

/**
 * Throw a {@link CorruptDataError} when no stored column's files can hold the rows the manifest
 * declares (naming the first column's offending file).
 */
export function checkLengthBacked(manifest: Manifest, source: ByteSource): void {
  let firstProblem: CorruptDataError | null = null;
  let backed = false;
  for (const c of manifest.columns) {
    if (!('fragments' in c)) continue;
    const problem = columnProblem(source, c);
    if (problem === null) backed = true;
    else firstProblem ??= problem;
  }
  if (!backed && firstProblem !== null) throw firstProblem;
}

/** Why a stored column's files cannot hold its declared rows, or null when they can. */
function columnProblem(
  source: ByteSource,
  c: Exclude<ColumnEntry, { type: { kind: 'deferred' } }>,
): CorruptDataError | null {
  let problem: CorruptDataError | null = null;
  const note = (path: string, detail: string) => {
    problem ??= new CorruptDataError(source.name(path), detail);
  };
  for (const f of c.fragments) {
    if ('file' in f) {
      const size = source.size(f.file.path);
      if (size === null) note(f.file.path, 'the file is missing');
      else if (f.rows > mostRows(c.type, size))
        note(
          f.file.path,
          `the manifest says it holds ${f.rows} rows, more than a file of ${size} bytes can hold`,
        );
      if (f.blocks) {
        const indexSize = source.size(f.blocks.file.path);
        // Its schema message takes at least 8 bytes before the offsets and checksums.
        const least = blockIndexBytes(8, blockCount(f.rows, f.blocks.rowsPerBlock));
        if (indexSize === null) note(f.blocks.file.path, 'the file is missing');
        else if (indexSize < least)
          note(
            f.blocks.file.path,
            `the manifest says it indexes ${f.rows} rows, more than a file of ${indexSize} bytes can`,
          );
      }
      continue;
    }
    const type = c.type as Extract<ColumnType, { kind: 'tensor' }>;
    const rowBytes = tensorRowBytes(type);
    const size = source.size(f.data.path);
    for (const side of [f.data.checksums, f.validity])
      if (side !== null && source.size(side.path) === null) note(side.path, 'the file is missing');
    const expected = f.data.headerBytes + f.rows * rowBytes;
    if (size === null) note(f.data.path, 'the file is missing');
    else if (size !== expected) note(f.data.path, `the file has ${size} bytes, expected ${expected}`);
    else if (rowBytes === 0) {
      // Rows of no bytes: the file size says nothing of how many there are; its header must.
      try {
        const header = source.read(f.data.path, size, 0, f.data.headerBytes);
        checkNpyHeader(header, source.name(f.data.path), type.dtype, [f.rows, ...type.shape]);
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
