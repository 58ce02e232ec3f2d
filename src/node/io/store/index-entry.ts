/**
 * The `indexes` entry of a manifest: search indexes saved with the dataset, keyed by the name of the
 * tensor column they index. Each names its data file (with size and CRC-32, like every data file)
 * and the column length and dataset version it was built for, so an index is never used over rows
 * it has not seen.
 */
import type { LshKind } from '../../../core/lsh/hash-family.js';
import type { FileEntry } from './manifest.js';

/** One saved index. */
export interface IndexEntry {
  /** The hash family (`simhash` or `e2lsh`); the file holds the rest of its parameters. */
  kind: LshKind;
  /** Rows of the column when the index was built. */
  rows: number;
  /** The dataset version whose column it was built over. */
  version: number;
  file: FileEntry;
}

/**
 * Checks a manifest's `indexes` value: every key a tensor column, every entry well formed and not
 * built for more rows than the dataset has or for a later version. Calls `fail` on the first problem.
 */
export function checkIndexEntries(
  indexes: unknown,
  columns: readonly { name: string; type: { kind: string } }[],
  length: number,
  version: number,
  checkFile: (file: unknown, at: string) => void,
  fail: (detail: string) => never,
): void {
  if (typeof indexes !== 'object' || indexes === null || Array.isArray(indexes))
    fail('"indexes" must be an object keyed by column name');
  for (const [name, entry] of Object.entries(indexes as Record<string, unknown>)) {
    const at = `index of column "${name}"`;
    const column = columns.find((c) => c.name === name);
    if (column === undefined || column.type.kind !== 'tensor')
      fail(`${at}: there is no tensor column "${name}"`);
    if (typeof entry !== 'object' || entry === null) fail(`${at}: bad entry`);
    const e = entry as Record<string, unknown>;
    if (e.kind !== 'simhash' && e.kind !== 'e2lsh') fail(`${at}: unknown kind ${JSON.stringify(e.kind)}`);
    if (!isCount(e.rows) || (e.rows as number) > length)
      fail(`${at}: bad row count (the dataset has ${length} rows)`);
    if (!isCount(e.version) || (e.version as number) < 1 || (e.version as number) > version)
      fail(`${at}: bad version`);
    checkFile(e.file, at);
  }
}

function isCount(v: unknown): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}
