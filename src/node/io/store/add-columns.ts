/**
 * Add columns to a stored dataset as a new version: only the new columns' data is written; every
 * existing column keeps its files (the new manifest lists them as they were). The app caches derived
 * columns this way (the map's layouts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Column } from '../../../core/column/column.js';
import { DatasetNotFoundError, DuplicateColumnError, LengthMismatchError } from '../../../core/errors.js';
import type { WriteOptions, WriteResult } from '../../../core/frame/writer.js';
import { commit } from './commit.js';
import { manifestPath } from './layout.js';
import { dataEntry } from './write.js';

/** Commit a version of the dataset at `datasetPath` with `columns` added (each of its length). */
export async function addColumns(
  datasetPath: string,
  columns: Readonly<Record<string, Column>>,
  options: WriteOptions = {},
): Promise<WriteResult> {
  const root = path.resolve(datasetPath);
  if (!fs.existsSync(manifestPath(root)))
    throw new DatasetNotFoundError(
      root,
      'there is no manifest.json to add columns to; create the dataset with write()',
    );
  return commit(root, options, async (ctx, current) => {
    if (current === null) throw new DatasetNotFoundError(root);
    const entries = [...current.columns];
    for (const [name, col] of Object.entries(columns)) {
      if (entries.some((e) => e.name === name))
        throw new DuplicateColumnError(
          `cannot add column "${name}": the dataset already has one of that name`,
        );
      if (col.length !== current.length)
        throw new LengthMismatchError(
          `cannot add column "${name}" of ${col.length} rows to a dataset of ${current.length} rows`,
        );
      entries.push(await dataEntry(ctx, entries.length, name, col));
    }
    return {
      parent: current.version,
      operation: 'write',
      length: current.length,
      primaryKey: current.primaryKey,
      columns: entries,
      indexes: current.indexes,
    };
  });
}
