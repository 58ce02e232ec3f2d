/**
 * Change whole columns of a stored dataset as a new version: only the added or replaced columns'
 * data is written; every other column keeps its files (the new manifest lists them as they were).
 * The app caches derived columns this way (the map's layouts, {@link addColumns}) and commits its
 * edits ({@link commitColumns}: a replaced label column, a new `tags` column, undo).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Column } from '../../../core/column/column.js';
import { resolveColumn } from '../../../core/column/lazy.js';
import {
  ColumnNotFoundError,
  DatasetNotFoundError,
  DuplicateColumnError,
  InvalidArgumentError,
  LengthMismatchError,
} from '../../../core/errors.js';
import type { WriteOptions, WriteResult } from '../../../core/frame/writer.js';
import type { ColumnEntry, Manifest } from '../../../core/io/store/manifest.js';
import { commit } from './commit.js';
import { manifestPath } from './layout.js';
import { dataEntry } from './write.js';

/** What {@link commitColumns} changes: columns added (at the end), replaced (in place) or dropped. */
export interface ColumnChanges {
  add?: Readonly<Record<string, Column>>;
  replace?: Readonly<Record<string, Column>>;
  drop?: readonly string[];
}

/** Options of {@link commitColumns}. */
export interface CommitColumnsOptions extends WriteOptions {
  /** The operation the version records (default `write`; the app's edits record `edit`, their undo `undo`). */
  operation?: 'write' | 'edit' | 'undo';
}

/** Commit a version of the dataset at `datasetPath` with `columns` added (each of its length). */
export function addColumns(
  datasetPath: string,
  columns: Readonly<Record<string, Column>>,
  options: WriteOptions = {},
): Promise<WriteResult> {
  return commitColumns(datasetPath, { add: columns }, options);
}

/**
 * Commit a version of the dataset at `datasetPath` with columns added, replaced or dropped. The
 * changes may be a function of the version they apply to, called under the dataset's lock, so a
 * caller can check what it changes against that very version (and throw to commit nothing).
 */
export async function commitColumns(
  datasetPath: string,
  changes: ColumnChanges | ((current: Manifest) => Promise<ColumnChanges>),
  options: CommitColumnsOptions = {},
): Promise<WriteResult> {
  const root = path.resolve(datasetPath);
  if (!fs.existsSync(manifestPath(root)))
    throw new DatasetNotFoundError(
      root,
      'there is no manifest.json to change columns of; create the dataset with write()',
    );
  return commit(root, options, async (ctx, current) => {
    if (current === null) throw new DatasetNotFoundError(root);
    const {
      add = {},
      replace = {},
      drop = [],
    } = typeof changes === 'function' ? await changes(current) : changes;
    const has = (name: string) => current.columns.some((e) => e.name === name);
    for (const name of [...Object.keys(replace), ...drop])
      if (!has(name))
        throw new ColumnNotFoundError(
          name,
          current.columns.map((e) => e.name),
        );
    for (const name of drop)
      if (name in replace)
        throw new InvalidArgumentError(`column "${name}" cannot be both replaced and dropped`);
    const checkLength = (name: string, col: Column) => {
      if (col.length !== current.length)
        throw new LengthMismatchError(
          `cannot store column "${name}" of ${col.length} rows in a dataset of ${current.length} rows`,
        );
    };
    const entries: ColumnEntry[] = [];
    for (const entry of current.columns) {
      if (drop.includes(entry.name)) continue;
      const col = replace[entry.name];
      if (col === undefined) entries.push(entry);
      else {
        checkLength(entry.name, col);
        entries.push(await dataEntry(ctx, entries.length, entry.name, resolveColumn(col)));
      }
    }
    for (const [name, col] of Object.entries(add)) {
      if (entries.some((e) => e.name === name))
        throw new DuplicateColumnError(
          `cannot add column "${name}": the dataset already has one of that name`,
        );
      checkLength(name, col);
      entries.push(await dataEntry(ctx, entries.length, name, resolveColumn(col)));
    }
    return {
      parent: current.version,
      operation: options.operation ?? 'write',
      length: current.length,
      primaryKey:
        current.primaryKey !== null && drop.includes(current.primaryKey) ? null : current.primaryKey,
      columns: entries,
      indexes: current.indexes,
    };
  });
}
