/**
 * Writing and appending: each call writes its new data files beside the existing ones, then commits
 * a new version (commit.ts). Until the commit's rename nothing a reader sees has changed, so a crash
 * at any moment leaves the previous version intact.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Column } from '../../../core/column/column.js';
import { DeferredColumn } from '../../../core/column/deferred.js';
import { LazyColumn } from '../../../core/column/lazy.js';
import { ScalarColumn } from '../../../core/column/scalar.js';
import { TensorColumn } from '../../../core/column/tensor.js';
import { type ColumnType, formatType } from '../../../core/column/types.js';
import { DatasetNotFoundError, InvalidArgumentError, TypeMismatchError } from '../../../core/errors.js';
import type { DataFrame } from '../../../core/frame/frame.js';
import type { WriteOptions, WriteResult } from '../../../core/frame/writer.js';
import type { ColumnEntry } from '../../../core/io/store/manifest.js';
import { columnEncoder } from '../../../core/models/column-encoder.js';
import { commit } from './commit.js';
import { DATA_DIR, isDatasetEntry, manifestPath, VERSIONS_DIR } from './layout.js';
import {
  type FragmentContext,
  writeObjectFragment,
  writeScalarFragment,
  writeTensorFragment,
} from './write-fragments.js';

export type { WriteOptions, WriteResult };

/**
 * Write `df` to the dataset at `path` as a new version (creating the dataset if needed). Earlier
 * versions stay readable until {@link vacuum} removes them. Scalar columns are stored as Arrow IPC,
 * tensor columns as `.npy`, object columns as JSON lines, and deferred columns as the name of their
 * registered function, its parameters and its input columns (see `registeredColumn`); a deferred
 * column without a registered name is an error unless `materialize: true`.
 */
export async function write(
  df: DataFrame,
  datasetPath: string,
  options: WriteOptions = {},
): Promise<WriteResult> {
  const root = path.resolve(datasetPath);
  await prepareDirectory(root);
  return commit(root, options, async (ctx, current) => {
    const columns: ColumnEntry[] = [];
    const names = df.columnNames;
    for (let k = 0; k < names.length; k++) {
      const name = names[k];
      let col = df.column(name);
      if (col instanceof DeferredColumn) {
        if (col.options.name !== undefined) {
          columns.push(deferredEntry(df, name, col));
          continue;
        }
        if (!options.materialize)
          throw new InvalidArgumentError(
            `column "${name}" is a deferred column without a registered function, and a dataset stores ` +
              'functions only by name: build it with registeredColumn(...) (after registerFunction), or ' +
              'pass { materialize: true } to store its values',
          );
        col = await col.materialize();
      }
      const entry = await dataEntry(ctx, k, name, col);
      const encoder = columnEncoder(df, name);
      columns.push(encoder !== undefined && entry.type.kind === 'tensor' ? { ...entry, encoder } : entry);
    }
    return {
      parent: current?.version ?? null,
      operation: 'write',
      length: df.length,
      primaryKey: df.primaryKey,
      columns,
    };
  });
}

/**
 * Append the rows of `df` to the dataset at `path` as a new version. Only the new rows are written
 * (as new fragment files of each column). `df` must have the dataset's columns with the same types;
 * deferred columns may be left out (they are computed from their inputs).
 */
export async function append(
  datasetPath: string,
  df: DataFrame,
  options: WriteOptions = {},
): Promise<WriteResult> {
  const root = path.resolve(datasetPath);
  if (!fs.existsSync(manifestPath(root)))
    throw new DatasetNotFoundError(
      root,
      'there is no manifest.json to append to; create the dataset with write()',
    );
  return commit(root, options, async (ctx, current) => {
    if (current === null) throw new DatasetNotFoundError(root);
    const stored = new Set(current.columns.map((c) => c.name));
    for (const name of df.columnNames)
      if (!stored.has(name))
        throw new TypeMismatchError(
          `cannot append: column "${name}" is not in the dataset (its columns: ${[...stored].map((n) => `"${n}"`).join(', ')})`,
        );
    const columns: ColumnEntry[] = [];
    for (let k = 0; k < current.columns.length; k++) {
      const entry = current.columns[k];
      const { name } = entry;
      if (entry.type.kind === 'deferred') {
        if (df.has(name) && df.schema.find((f) => f.name === name)!.type.kind !== 'deferred')
          throw new TypeMismatchError(
            `cannot append: column "${name}" is deferred in the dataset but ${formatType(typeOf(df, name))} in the frame`,
          );
        columns.push(entry);
        continue;
      }
      if (!df.has(name))
        throw new TypeMismatchError(
          `cannot append: the frame has no column "${name}", which the dataset has`,
        );
      let col = df.column(name);
      if (col instanceof DeferredColumn && options.materialize) col = await col.materialize();
      if (!sameType(entry.type, col.type))
        throw new TypeMismatchError(
          `cannot append: column "${name}" is ${formatType(entry.type)} in the dataset but ${formatType(col.type)} in the frame`,
        );
      if (col.length === 0) {
        columns.push(entry);
        continue;
      }
      const added = (await dataEntry(ctx, k, name, col)) as { fragments: unknown[] };
      const before = (entry as { fragments: unknown[] }).fragments;
      columns.push({ ...entry, fragments: [...before, ...added.fragments] } as ColumnEntry);
    }
    return {
      parent: current.version,
      operation: 'append',
      length: current.length + df.length,
      primaryKey: current.primaryKey,
      columns,
      // Kept, and known stale by their row count: reading them asks for a rebuild.
      indexes: current.indexes,
    };
  });
}

/** Create the dataset directory; refuse a directory that holds anything but a dataset. */
async function prepareDirectory(root: string): Promise<void> {
  let entries: string[] = [];
  try {
    const stat = await fs.promises.stat(root);
    if (!stat.isDirectory())
      throw new InvalidArgumentError(`cannot write a dataset to ${root}: it is a file`);
    entries = await fs.promises.readdir(root);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  const foreign = entries.filter((n) => !isDatasetEntry(n));
  if (foreign.length)
    throw new InvalidArgumentError(
      `cannot write a dataset to ${root}: the directory holds other files (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''}); choose an empty or new directory`,
    );
  await fs.promises.mkdir(path.join(root, DATA_DIR), { recursive: true });
  await fs.promises.mkdir(path.join(root, VERSIONS_DIR), { recursive: true });
}

/** Write a concrete column's data (one fragment, none when empty). */
export async function dataEntry(
  ctx: FragmentContext,
  k: number,
  name: string,
  col: Column,
): Promise<ColumnEntry> {
  switch (col.kind) {
    case 'scalar': {
      if (!(col instanceof ScalarColumn))
        throw new TypeMismatchError(`column "${name}": unknown scalar storage`);
      const fragments = col.length ? [await writeScalarFragment(ctx, k, name, col)] : [];
      return { name, type: col.type, fragments };
    }
    case 'tensor': {
      const t = col instanceof TensorColumn ? col : col.slice(0, col.length);
      if (!(t instanceof TensorColumn))
        throw new TypeMismatchError(`column "${name}": unknown tensor storage`);
      const fragments = t.length ? [await writeTensorFragment(ctx, k, name, t)] : [];
      return { name, type: t.type, fragments };
    }
    case 'object': {
      const fragments = col.length ? [await writeObjectFragment(ctx, k, name, col)] : [];
      return { name, type: { kind: 'object' }, fragments };
    }
    default:
      throw new TypeMismatchError(`column "${name}": cannot store a ${formatType(col.type)} column as data`);
  }
}

/** A deferred column as its function name, parameters and the names of its input columns. */
function deferredEntry(df: DataFrame, name: string, col: DeferredColumn): ColumnEntry {
  const o = col.options;
  const schema = df.schema;
  const inputs = col.inputs.map((input, k) => {
    for (const f of schema) {
      // Only columns of the input's kind can be it; this also avoids loading unrelated columns.
      if (f.name === name || f.type.kind !== input.kind) continue;
      if (isSameColumn(df.column(f.name), input)) return f.name;
    }
    const byName = o.inputNames?.[k];
    if (byName !== undefined && byName !== name && df.has(byName)) return byName;
    throw new InvalidArgumentError(
      `column "${name}": its input #${k + 1} is not a column of the frame, and a dataset can store a ` +
        'deferred column only as a function of other stored columns; add the input to the frame, or ' +
        'pass { materialize: true } to store its values',
    );
  });
  for (const p of Object.values(o.params ?? {})) checkJson(p, name);
  const type: ColumnType = { kind: 'deferred', ...(o.media ? { media: o.media } : {}) };
  return {
    name,
    type: type as Extract<ColumnType, { kind: 'deferred' }>,
    deferred: {
      function: o.name!,
      params: { ...(o.params ?? {}) },
      inputs,
      ...(o.batched !== undefined ? { batched: o.batched } : {}),
      ...(o.batchSize !== undefined ? { batchSize: o.batchSize } : {}),
      ...(o.output !== undefined ? { output: o.output } : {}),
    },
  };
}

function isSameColumn(frameColumn: Column, input: Column): boolean {
  if (frameColumn === input) return true;
  return input instanceof LazyColumn && input.isLoaded && input.resolve() === frameColumn;
}

function checkJson(v: unknown, column: string) {
  let text: string | undefined;
  try {
    text = JSON.stringify(v);
  } catch {
    text = undefined;
  }
  if (text === undefined || JSON.stringify(JSON.parse(text)) !== text)
    throw new InvalidArgumentError(`column "${column}": deferred parameters must be plain JSON data`);
}

function typeOf(df: DataFrame, name: string): ColumnType {
  return df.schema.find((f) => f.name === name)!.type;
}

function sameType(a: ColumnType, b: ColumnType): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'scalar') return a.dtype === (b as typeof a).dtype;
  if (a.kind === 'tensor') {
    const t = b as typeof a;
    return (
      a.dtype === t.dtype && a.shape.length === t.shape.length && a.shape.every((d, i) => d === t.shape[i])
    );
  }
  return true;
}
