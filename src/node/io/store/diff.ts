/**
 * What a version changed against its parent: which columns were added, dropped or rewritten and,
 * for rewritten scalar and object columns of unchanged length, which cells (rows with old and new
 * values, the first `limit` of them listed, all counted). Columns whose manifest entry is the same
 * in both versions share their files and are not read at all.
 */
import * as path from 'node:path';
import type { Column } from '../../../core/column/column.js';
import { resolveColumn } from '../../../core/column/lazy.js';
import { InvalidArgumentError } from '../../../core/errors.js';
import type { ColumnEntry } from '../../../core/io/store/manifest.js';
import type { CellChange, ColumnDiff, VersionDiff } from '../../../core/io/store/version-replies.js';
import { readManifest } from './manifest-read.js';
import { read } from './read.js';

export type { CellChange, ColumnDiff, VersionDiff };

/** Options of {@link diffVersion}. */
export interface DiffOptions {
  /** Most cells listed per column (default 100; all are counted). */
  limit?: number;
}

/** How `version` of the dataset at `datasetPath` differs from its parent (see the module comment). */
export async function diffVersion(
  datasetPath: string,
  version: number,
  options: DiffOptions = {},
): Promise<VersionDiff> {
  const limit = options.limit ?? 100;
  if (!Number.isSafeInteger(limit) || limit < 0)
    throw new InvalidArgumentError(`diff: limit must be a whole number, got ${limit}`);
  const root = path.resolve(datasetPath);
  const m = await readManifest(root, version);
  const parent = m.parent === null ? null : await readManifest(root, m.parent);
  const before = new Map((parent?.columns ?? []).map((c) => [c.name, c]));
  const after = new Map(m.columns.map((c) => [c.name, c]));
  const columns: ColumnDiff[] = [];
  const sameLength = parent !== null && parent.length === m.length;
  for (const entry of m.columns) {
    const old = before.get(entry.name);
    if (old !== undefined && sameEntry(old, entry)) continue;
    const now = await columnOf(root, m.version, entry);
    if (old === undefined) {
      const cells: CellChange[] = [];
      let count = 0;
      for (let i = 0; i < now.length; i++)
        if (!now.isNull(i)) {
          if (cells.length < limit) cells.push({ row: i, old: null, new: plain(now.get(i)) });
          count++;
        }
      columns.push({ column: entry.name, change: 'added', changedRows: count, cells });
      continue;
    }
    const comparable = sameLength && entry.type.kind !== 'tensor' && entry.type.kind !== 'deferred';
    if (!comparable) {
      columns.push({ column: entry.name, change: 'rewritten', changedRows: null, cells: [] });
      continue;
    }
    const was = await columnOf(root, m.parent as number, old);
    const cells: CellChange[] = [];
    let count = 0;
    for (let i = 0; i < now.length; i++) {
      const a = plain(was.get(i));
      const b = plain(now.get(i));
      if (sameValue(a, b)) continue;
      if (cells.length < limit) cells.push({ row: i, old: a, new: b });
      count++;
    }
    if (count > 0) columns.push({ column: entry.name, change: 'rewritten', changedRows: count, cells });
  }
  for (const name of before.keys())
    if (!after.has(name)) columns.push({ column: name, change: 'dropped', changedRows: null, cells: [] });
  return {
    version: m.version,
    parent: m.parent,
    length: m.length,
    parentLength: parent?.length ?? null,
    columns,
  };
}

function sameEntry(a: ColumnEntry, b: ColumnEntry): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

async function columnOf(root: string, version: number, entry: ColumnEntry): Promise<Column> {
  const df = await read(root, { version, columns: [entry.name] });
  return resolveColumn(df.column(entry.name));
}

/** A cell as JSON carries it: int64 as a number when exact, dates as ISO text. */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : String(v);
  if (v instanceof Date) return v.toISOString();
  return v === undefined ? null : v;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
