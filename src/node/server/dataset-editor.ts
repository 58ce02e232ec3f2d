/**
 * The app's edits of a stored dataset. Each edit sets one value in some cells of one scalar column
 * (a label, a tag, a note) and commits a new version through the store's atomic commit, writing only
 * that column's data; the server then serves the new version (the open frame swapped, views that
 * read the column recomputed) and tells every tab. Edits run one at a time; each checks, under the
 * dataset's lock, that the cells it changes still hold what the client saw (compare-and-set per
 * cell), so two tabs editing different cells both keep their edits and a cell changed since is
 * refused with ConflictError: never lost. Undo commits a new version that restores the newest edit's
 * columns as its parent had them (history is never rewritten; undoing an undo redoes).
 */

import { type Condition, conditionRows } from '../../core/app/conditions.js';
import type { CellValue, EditResult } from '../../core/app/edit-replies.js';
import { carryServedAdditions } from '../../core/app/served-additions.js';
import type { Column } from '../../core/column/column.js';
import { resolveColumn } from '../../core/column/lazy.js';
import { allocateFixed, ScalarColumn, type ScalarValue } from '../../core/column/scalar.js';
import { setScalarCells } from '../../core/column/set-cells.js';
import type { ScalarDType } from '../../core/column/types.js';
import {
  ColumnNotFoundError,
  ConflictError,
  IndexOutOfRangeError,
  InvalidArgumentError,
  ReadOnlyError,
  TypeMismatchError,
} from '../../core/errors.js';
import type { DataFrame } from '../../core/frame/frame.js';
import type { Manifest } from '../../core/io/store/manifest.js';
import { commitColumns } from '../io/store/add-columns.js';
import { readManifest } from '../io/store/manifest-read.js';
import { read } from '../io/store/read.js';
import type { AppContext } from './context.js';
import type { VersionEvents } from './version-events.js';

/** One edit: `value` into column `column` at the rows given one of three ways. */
export interface EditRequest {
  column: string;
  value: CellValue;
  /** A few rows (positions in the dataset), with `expected`: the value the client saw in each. */
  rows?: readonly number[];
  expected?: readonly CellValue[];
  /** Every row passing a filter condition. */
  filter?: Condition;
  /** Every row of a view the server holds (the table's current filter). */
  view?: string;
  /**
   * For `filter` and `view`: the version the client saw; if the column changed since, the edit is
   * refused (ConflictError) rather than overwriting cells the client has not seen.
   */
  baseVersion?: number;
  /** Create the column (all other rows null) when the dataset has none of that name. */
  create?: boolean;
}

/** Scalar dtypes the app edits, and the JSON type their values take. */
const EDITABLE: Readonly<Partial<Record<ScalarDType, 'string' | 'number' | 'boolean'>>> = {
  string: 'string',
  float64: 'number',
  float32: 'number',
  int32: 'number',
  int64: 'number',
  uint8: 'number',
  bool: 'boolean',
};

const INTEGER_RANGE: Readonly<Partial<Record<ScalarDType, [number, number]>>> = {
  int32: [-(2 ** 31), 2 ** 31 - 1],
  uint8: [0, 255],
  int64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

/** Longest string a cell may be set to (characters). */
export const MAX_CELL_STRING = 65_536;

/** Why the server cannot write, or null when it can (`writable` is then true). */
export interface EditorState {
  /** The stored dataset's path, or null when the source is not one. */
  datasetPath: string | null;
  readOnly: boolean;
}

export class DatasetEditor {
  /** The version the open frame is (null: not a dataset). */
  version: number | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ctx: AppContext,
    private readonly state: EditorState,
    private readonly events: VersionEvents,
  ) {}

  /** Read the open dataset's version (once, at start). */
  async init(): Promise<void> {
    if (this.state.datasetPath !== null) this.version = (await readManifest(this.state.datasetPath)).version;
  }

  get datasetPath(): string | null {
    return this.state.datasetPath;
  }

  /** Why writes are refused on this server whatever the request carries, or null. */
  refusal(): ReadOnlyError | null {
    if (this.state.readOnly)
      return new ReadOnlyError('this app server is read-only (started with --read-only); edits are refused');
    if (this.state.datasetPath === null)
      return new ReadOnlyError(
        `${this.ctx.source.name} (${this.ctx.source.kind}) is not a stored Tessera dataset, and edits are saved as versions of one: write it to a dataset first with \`df.write(DIR)\` (e.g. \`(await read${readerOf(this.ctx.source.kind)}(...)).write(DIR)\`) and run \`tessera app DIR\``,
      );
    return null;
  }

  /** Apply `edit` (see {@link EditRequest}) as a new version. */
  edit(edit: EditRequest): Promise<EditResult> {
    return this.serially(() => this.commitEdit(edit));
  }

  /** Undo the newest version, which must be an edit and must be `expectedVersion` (what the client saw). */
  undo(expectedVersion: number): Promise<EditResult> {
    return this.serially(() => this.commitUndo(expectedVersion));
  }

  private serially<T>(run: () => Promise<T>): Promise<T> {
    const refused = this.refusal();
    if (refused !== null) return Promise.reject(refused);
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => {});
    return next;
  }

  private async commitEdit(edit: EditRequest): Promise<EditResult> {
    const root = this.state.datasetPath as string;
    const ways = [edit.rows, edit.filter, edit.view].filter((w) => w !== undefined).length;
    if (ways !== 1)
      throw new InvalidArgumentError(
        'an edit names its rows one way: `rows` (with `expected`), `filter` or `view`',
      );
    if (edit.rows !== undefined && (edit.expected === undefined || edit.expected.length !== edit.rows.length))
      throw new InvalidArgumentError(
        '`rows` needs `expected`: the value this page showed in each of those cells, in the same order',
      );
    const rows = await this.rowsOf(edit);
    let created = false;
    let next: DataFrame = this.ctx.frame;
    const result = await commitColumns(
      root,
      async (current) => {
        const base = await this.frameAt(current);
        if (edit.baseVersion !== undefined)
          await this.checkUnchangedSince(current, edit.column, edit.baseVersion);
        const exists = base.has(edit.column);
        if (!exists && edit.create !== true) throw new ColumnNotFoundError(edit.column, base.columnNames);
        if (exists && base.primaryKey === edit.column)
          throw new InvalidArgumentError(
            `column "${edit.column}" is the primary key, which the app does not edit`,
          );
        const old = exists ? scalarOf(base, edit.column) : emptyColumn(dtypeFor(edit), base.length);
        const value = checkedValue(edit.column, old.dtype, edit.value);
        if (edit.rows !== undefined) checkExpected(old, edit.column, edit.rows, edit.expected ?? []);
        const column = setScalarCells(old, rows, value);
        created = !exists;
        next = base.withColumn(edit.column, column);
        return exists ? { replace: { [edit.column]: column } } : { add: { [edit.column]: column } };
      },
      { operation: 'edit' },
    );
    this.serve(next, [edit.column], result.version);
    this.events.publish({
      version: result.version,
      operation: 'edit',
      columns: [edit.column],
      rows: rows.length,
    });
    return {
      version: result.version,
      parent: result.version - 1,
      columns: [edit.column],
      rows: rows.length,
      created,
    };
  }

  private async commitUndo(expectedVersion: number): Promise<EditResult> {
    const root = this.state.datasetPath as string;
    let frame: DataFrame = this.ctx.frame;
    let changed: string[] = [];
    const result = await commitColumns(
      root,
      async (current) => {
        if (current.version !== expectedVersion)
          throw new ConflictError(
            `undo was asked of version ${expectedVersion}, but the newest version is ${current.version} (another tab or process committed since); look at the history and undo again`,
          );
        if ((current.operation !== 'edit' && current.operation !== 'undo') || current.parent === null)
          throw new InvalidArgumentError(
            `version ${current.version} is a ${current.operation}, not an edit: only the app's edits are undone here`,
          );
        const parent = await readManifest(root, current.parent);
        const before = new Map(parent.columns.map((c) => [c.name, JSON.stringify(c)]));
        changed = current.columns.filter((c) => before.get(c.name) !== JSON.stringify(c)).map((c) => c.name);
        const now = new Set(current.columns.map((c) => c.name));
        // Columns the newest version dropped (an undone creation) come back too: undoing an undo redoes.
        const dropped = parent.columns.filter((c) => !now.has(c.name)).map((c) => c.name);
        changed = [...changed, ...dropped];
        const old = await read(root, {
          version: parent.version,
          columns: changed.filter((c) => before.has(c)),
        });
        const base = await this.frameAt(current);
        const replace: Record<string, Column> = {};
        const add: Record<string, Column> = {};
        const drop: string[] = [];
        let f = base;
        for (const name of changed) {
          if (!before.has(name)) {
            drop.push(name);
            f = f.drop(name);
            continue;
          }
          const col = resolveColumn(old.column(name));
          if (now.has(name)) replace[name] = col;
          else add[name] = col;
          f = f.withColumn(name, col);
        }
        frame = f;
        return { replace, add, drop };
      },
      { operation: 'undo' },
    );
    this.serve(frame, changed, result.version);
    this.events.publish({ version: result.version, operation: 'undo', columns: changed, rows: null });
    return { version: result.version, parent: expectedVersion, columns: changed, rows: null, created: false };
  }

  /**
   * Serve `frame` as version `version`; views reading a changed column are recomputed. The map's
   * layouts and slice discovery's cluster columns come along: edits keep the rows (they set cells or
   * add a column; a version with other rows is refused in frameAt), so they still line up.
   */
  private serve(frame: DataFrame, changed: readonly string[], version: number): void {
    const carried = carryServedAdditions(this.ctx, frame);
    this.ctx.frame = carried;
    this.ctx.views.replaceFrame(carried, changed);
    this.version = version;
  }

  /** The frame of the version an edit builds on: the open one, or the dataset read again if it moved on. */
  private async frameAt(current: Manifest): Promise<DataFrame> {
    if (current.version === this.version) return this.ctx.frame;
    // Another process (or the map's layout cache) committed since this server read the dataset.
    const frame = await read(this.state.datasetPath as string, { version: current.version });
    if (frame.length !== this.ctx.frame.length)
      throw new ConflictError(
        `the dataset now has ${frame.length} rows, not ${this.ctx.frame.length} (it was appended to or rewritten by another process); restart the app to see it`,
      );
    const changed = frame.columnNames.filter((n) => !this.ctx.frame.has(n));
    this.serve(frame, [...changed, ...this.ctx.frame.columnNames], current.version);
    return frame;
  }

  private async checkUnchangedSince(current: Manifest, column: string, baseVersion: number): Promise<void> {
    if (baseVersion === current.version) return;
    const base = await readManifest(this.state.datasetPath as string, baseVersion);
    const entry = (m: Manifest) => JSON.stringify(m.columns.find((c) => c.name === column) ?? null);
    if (entry(base) !== entry(current))
      throw new ConflictError(
        `column "${column}" changed after version ${baseVersion}, which this page showed (the newest is ${current.version}); reload to see the new values, then edit again`,
      );
  }

  /** The rows an edit names, ascending and distinct. */
  private async rowsOf(edit: EditRequest): Promise<Int32Array> {
    const n = this.ctx.frame.length;
    if (edit.rows !== undefined) {
      const rows = Int32Array.from(edit.rows);
      for (const r of edit.rows)
        if (!Number.isInteger(r) || r < 0 || r >= n) throw new IndexOutOfRangeError(r, n);
      const sorted = rows.slice().sort();
      for (let i = 1; i < sorted.length; i++)
        if (sorted[i] === sorted[i - 1]) throw new InvalidArgumentError(`row ${sorted[i]} is listed twice`);
      return sorted;
    }
    if (edit.filter !== undefined) return conditionRows(this.ctx.frame, edit.filter);
    const view = this.ctx.views.get(edit.view as string);
    return (view.order ?? (await view.done)).slice().sort();
  }
}

/** The dtype of a column an edit creates, from its value. */
function dtypeFor(edit: EditRequest): ScalarDType {
  switch (typeof edit.value) {
    case 'string':
      return 'string';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    default:
      throw new InvalidArgumentError(
        `column "${edit.column}" does not exist; to create it, set a string, number or boolean (its type), not null`,
      );
  }
}

/** An all-null scalar column. */
function emptyColumn(dtype: ScalarDType, n: number): ScalarColumn {
  const validity = new Uint8Array(Math.ceil(n / 8));
  if (dtype === 'string')
    return new ScalarColumn(dtype, n, {
      values: new Uint8Array(0),
      offsets: new Int32Array(n + 1),
      validity,
    });
  const values = dtype === 'bool' ? new Uint8Array(Math.ceil(n / 8)) : allocateFixed(dtype, n);
  return new ScalarColumn(dtype, n, { values, validity });
}

function scalarOf(frame: DataFrame, name: string): ScalarColumn {
  const col = resolveColumn(frame.column(name));
  const dtype = col.type.kind === 'scalar' ? col.type.dtype : null;
  if (!(col instanceof ScalarColumn) || dtype === null || EDITABLE[dtype] === undefined)
    throw new TypeMismatchError(
      `column "${name}" (${dtype ?? col.type.kind}) cannot be edited in the app: only string, number and boolean columns can`,
    );
  return col;
}

/** `value` checked against the column's dtype, as the column stores it. */
function checkedValue(column: string, dtype: ScalarDType, value: CellValue): ScalarValue | null {
  if (value === null) return null;
  const want = EDITABLE[dtype];
  if (typeof value !== want)
    throw new TypeMismatchError(
      `column "${column}" holds ${dtype} values; ${JSON.stringify(value)} is not one`,
    );
  if (typeof value === 'string' && value.length > MAX_CELL_STRING)
    throw new InvalidArgumentError(`a cell holds at most ${MAX_CELL_STRING} characters`);
  if (typeof value === 'number') {
    if (!Number.isFinite(value))
      throw new TypeMismatchError(`column "${column}": ${value} is not a finite number`);
    const range = INTEGER_RANGE[dtype];
    if (range !== undefined && (!Number.isInteger(value) || value < range[0] || value > range[1]))
      throw new TypeMismatchError(
        `column "${column}" holds ${dtype} values: whole numbers from ${range[0]} to ${range[1]}; ${value} is not one`,
      );
    if (dtype === 'int64') return BigInt(value);
  }
  return value;
}

/** Refuse (ConflictError) when a cell no longer holds what the client saw. */
function checkExpected(
  col: ScalarColumn,
  column: string,
  rows: readonly number[],
  expected: readonly CellValue[],
): void {
  for (let k = 0; k < rows.length; k++) {
    const now = plain(col.get(rows[k]));
    const saw = expected[k];
    const same =
      now === saw ||
      (typeof now === 'number' && typeof saw === 'number' && Number.isNaN(now) && Number.isNaN(saw));
    if (!same)
      throw new ConflictError(
        `row ${rows[k]} of column "${column}" is now ${JSON.stringify(now)}, not ${JSON.stringify(saw)} as this page showed: another tab or process changed it. Nothing was saved; reload to see the new value, then edit again`,
      );
  }
}

/** A cell as the client sees it in JSON (int64 as a number). */
function plain(v: unknown): CellValue {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Date) return v.toISOString() as string;
  return (v ?? null) as CellValue;
}

/** The reader's name for a source kind, for the message above. */
function readerOf(kind: string): string {
  const names: Record<string, string> = {
    parquet: 'Parquet',
    arrow: 'Arrow',
    csv: 'Csv',
    json: 'Json',
    jsonl: 'JsonLines',
    'hugging-face': 'HuggingFace',
    'image-folder': 'ImageFolder',
  };
  return names[kind] ?? 'Csv';
}
