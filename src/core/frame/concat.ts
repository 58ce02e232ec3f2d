import type { Column } from '../column/column.js';
import { concatColumns } from '../column/concat.js';
import {
  DuplicateColumnError,
  DuplicateKeyError,
  InvalidArgumentError,
  LengthMismatchError,
} from '../errors.js';
import type { DataFrame } from './frame.js';
import { createFrame, isDataFrame } from './frame-factory.js';

export interface ConcatOptions {
  /** 'rows' (default): stack frames with the same columns; 'columns': put frames of equal length side by side. */
  axis?: 'rows' | 'columns';
}

/**
 * Concatenate frames.
 *
 * **By rows** (default): every frame must have the same column names (the result uses the first
 * frame's order; a missing or extra column is an error that names it). Columns of one name must
 * be of the same kind; scalar dtypes are promoted where no value can change (int32 + float64 →
 * float64, float32 + float64 → float64, uint8 → int32, date → timestamp, ...; a string with a
 * number is a {@link TypeMismatchError}), tensor columns need equal row shapes (dtypes promoted the
 * same way), deferred columns stay lazy. Nulls are kept. The result is a plain frame (not a view)
 * of newly concatenated columns. It keeps the primary key when every frame has the same one and the
 * stacked keys are still unique; otherwise it has none.
 *
 * **By columns**: frames of equal length side by side, in order; a name in two frames is a
 * {@link DuplicateColumnError}. Frames without columns are skipped. Rows are unchanged, so the
 * primary key of the first frame that has one is kept.
 *
 * No frames gives an empty frame.
 */
export function concat(frames: readonly DataFrame[], options: ConcatOptions = {}): DataFrame {
  if (!Array.isArray(frames)) throw new InvalidArgumentError('concat needs an array of frames');
  frames.forEach((f, i) => {
    if (!isDataFrame(f))
      throw new InvalidArgumentError(`concat needs DataFrames, but item ${i} is ${describe(f)}`);
  });
  const axis = options?.axis ?? 'rows';
  if (axis === 'rows') return concatRows(frames);
  if (axis === 'columns') return concatSideBySide(frames);
  throw new InvalidArgumentError(`axis must be "rows" or "columns", not ${JSON.stringify(axis)}`);
}

function concatRows(frames: readonly DataFrame[]): DataFrame {
  if (frames.length === 0) return createFrame();
  const names = frames[0].columnNames;
  const nameSet = new Set(names);
  for (let i = 1; i < frames.length; i++) {
    const other = frames[i].columnNames;
    const otherSet = new Set(other);
    const missing = names.filter((n) => !otherSet.has(n));
    const extra = other.filter((n) => !nameSet.has(n));
    if (missing.length || extra.length) {
      const parts = [
        missing.length ? `lacks ${quoteList(missing)}` : '',
        extra.length ? `has ${quoteList(extra)}, which frame 0 lacks` : '',
      ].filter(Boolean);
      throw new InvalidArgumentError(
        `cannot concatenate by rows: frame ${i} ${parts.join(' and ')}; frames stacked by rows need the same column names (select, drop or rename columns first)`,
      );
    }
  }
  const cols = new Map<string, Column>();
  for (const n of names)
    cols.set(
      n,
      concatColumns(
        frames.map((f) => f.column(n)),
        { name: n },
      ),
    );
  const out = createFrame(cols);
  const pk = frames[0].primaryKey;
  if (pk !== null && frames.every((f) => f.primaryKey === pk)) {
    try {
      return out.setPrimaryKey(pk);
    } catch (e) {
      if (!(e instanceof DuplicateKeyError)) throw e;
    }
  }
  return out;
}

function concatSideBySide(frames: readonly DataFrame[]): DataFrame {
  const withColumns = frames.map((f, i) => ({ f, i })).filter(({ f }) => f.columnNames.length > 0);
  if (withColumns.length === 0) return createFrame();
  const first = withColumns[0];
  const cols = new Map<string, Column>();
  const owner = new Map<string, number>();
  for (const { f, i } of withColumns) {
    if (f.length !== first.f.length)
      throw new LengthMismatchError(
        `cannot concatenate by columns: frame ${i} has ${f.length} rows but frame ${first.i} has ${first.f.length}; frames side by side need the same length`,
      );
    for (const n of f.columnNames) {
      const prev = owner.get(n);
      if (prev !== undefined)
        throw new DuplicateColumnError(
          `cannot concatenate by columns: column "${n}" is in frame ${prev} and frame ${i}; rename one first`,
        );
      owner.set(n, i);
      cols.set(n, f.column(n));
    }
  }
  const pk = withColumns.find(({ f }) => f.primaryKey !== null)?.f.primaryKey ?? null;
  return createFrame(cols, { primaryKey: pk });
}

function quoteList(names: readonly string[]): string {
  return `${names.length === 1 ? 'column' : 'columns'} ${names.map((n) => `"${n}"`).join(', ')}`;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return `an object of class ${(v as object).constructor?.name ?? 'Object'}`;
  return `a ${typeof v}`;
}
