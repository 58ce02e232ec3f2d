import type { Column } from '../column/column.js';
import { concatColumns } from '../column/concat.js';
import { ScalarColumn } from '../column/scalar.js';
import { formatType, type ScalarDType } from '../column/types.js';
import { DuplicateColumnError, InvalidArgumentError, TypeMismatchError } from '../errors.js';
import type { DataFrame } from './frame.js';
import { createFrame } from './frame-factory.js';
import { type JoinIds, joinIds } from './keys/join-ids.js';

/** How rows without a match are treated: dropped (inner), kept from one side, or kept from both. */
export type JoinHow = 'inner' | 'left' | 'right' | 'outer';

export interface MergeOptions {
  /** Which unmatched rows to keep (default 'inner'). See {@link merge} for the row order. */
  how?: JoinHow;
  /** Key column(s) with the same name on both sides. The key appears once in the result. */
  on?: string | string[];
  /** Key column(s) of the left frame, paired one to one with `rightOn`. Both sides' keys are kept. */
  leftOn?: string | string[];
  /** Key column(s) of the right frame, paired one to one with `leftOn`. */
  rightOn?: string | string[];
  /** Suffixes for columns whose names appear on both sides (default ['_x', '_y']). */
  suffixes?: [string, string];
}

const HOWS: readonly JoinHow[] = ['inner', 'left', 'right', 'outer'];

/**
 * Join two frames on equal keys (a hash join: linear in the rows in and out).
 *
 * **Matching.** Rows match when every key pair is equal. Null keys never match anything, not even
 * other nulls (SQL semantics, as in DuckDB and Polars); rows with a null key still appear,
 * unmatched, in left/right/outer joins. For float keys NaN equals NaN and -0 equals 0 (as DuckDB).
 * Key types must be compatible, else {@link TypeMismatchError}: numbers with numbers (float64,
 * float32, int32, uint8, int64; compared as numbers, int64 with a float as float64), strings with
 * strings, booleans with booleans, dates and timestamps with each other (a date is its midnight UTC).
 * Key columns must be scalar. Many-to-many matches give every pair.
 *
 * **Row order.** inner and left: left row order, and the matches of one left row in right row
 * order. right: right row order, and the matches of one right row in left row order. outer: the
 * rows of the left join first, then the right rows that matched nothing, in right row order.
 *
 * **Columns.** The left frame's columns in order, then the right frame's. Every column kind
 * (scalar, tensor, object, deferred) follows its rows; unmatched rows get nulls. A key named the
 * same on both sides (`on`, or equal names in `leftOn`/`rightOn`) appears once, in the left
 * position: taken from the left rows for inner and left joins, from the right rows for right
 * joins, and for outer joins from the left where there is a left row, else from the right (its
 * dtype then promoted to hold both, e.g. int32 + float64 → float64). Keys with different names are
 * both kept. Any other name on both sides gets `suffixes` (left, right); a clash that remains after
 * suffixing throws {@link DuplicateColumnError}. The result is a plain frame without a primary key.
 *
 * @example
 * merge(people, groups, { how: 'left', leftOn: 'name', rightOn: 'person' })
 */
export function merge(left: DataFrame, right: DataFrame, options: MergeOptions): DataFrame {
  if (options === null || typeof options !== 'object')
    throw new InvalidArgumentError('merge needs options, e.g. { on: "id" } or { leftOn: "a", rightOn: "b" }');
  const how = options.how ?? 'inner';
  if (!HOWS.includes(how))
    throw new InvalidArgumentError(
      `how must be "inner", "left", "right" or "outer", not ${JSON.stringify(how)}`,
    );
  const suffixes = options.suffixes ?? ['_x', '_y'];
  if (!Array.isArray(suffixes) || suffixes.length !== 2 || suffixes.some((s) => typeof s !== 'string'))
    throw new InvalidArgumentError('suffixes must be two strings, e.g. ["_x", "_y"]');
  const [leftOn, rightOn] = keyNames(options);

  const leftKeys = leftOn.map((n) => keyColumn(left, n, 'left'));
  const rightKeys = rightOn.map((n) => keyColumn(right, n, 'right'));
  for (let k = 0; k < leftOn.length; k++) checkKeyTypes(leftKeys[k], rightKeys[k], leftOn[k], rightOn[k]);

  // Output names, checked before any work is done.
  const shared = new Set<string>();
  for (let k = 0; k < leftOn.length; k++) if (leftOn[k] === rightOn[k]) shared.add(leftOn[k]);
  const leftNames = left.columnNames;
  const rightNames = right.columnNames.filter((n) => !shared.has(n));
  const leftSet = new Set(leftNames);
  const rightSet = new Set(rightNames);
  const names = new Map<string, string>();
  const claim = (name: string, from: string) => {
    const prev = names.get(name);
    if (prev !== undefined)
      throw new DuplicateColumnError(
        `merge would give two columns named "${name}" (${prev} and ${from}) with suffixes ${JSON.stringify(suffixes)}; pass other suffixes or rename a column first`,
      );
    names.set(name, from);
  };
  const leftOut = leftNames.map((n) => {
    const name = rightSet.has(n) ? n + suffixes[0] : n;
    claim(name, `left column "${n}"`);
    return name;
  });
  const rightOut = rightNames.map((n) => {
    const name = leftSet.has(n) ? n + suffixes[1] : n;
    claim(name, `right column "${n}"`);
    return name;
  });

  const { left: li, right: ri, split } = joinIndices(leftKeys, rightKeys, how);

  // Where a side's rows come out all in order (left joins, lookups that match every row), its
  // columns are shared as they are instead of gathered: columns are immutable.
  const leftAll = isIdentity(li, left.length);
  const rightAll = isIdentity(ri, right.length);
  const fromLeft = (n: string) => (leftAll ? left.column(n) : left.column(n).take(li));
  const fromRight = (n: string) => (rightAll ? right.column(n) : right.column(n).take(ri));
  const cols = new Map<string, Column>();
  for (let c = 0; c < leftNames.length; c++) {
    const n = leftNames[c];
    let col: Column;
    if (!shared.has(n) || how === 'inner' || how === 'left') col = fromLeft(n);
    else if (how === 'right') col = fromRight(n);
    else
      col = concatColumns(
        [left.column(n).take(li.subarray(0, split)), right.column(n).take(ri.subarray(split))],
        {
          name: n,
          lossy: true,
        },
      );
    cols.set(leftOut[c], col);
  }
  for (let c = 0; c < rightNames.length; c++) cols.set(rightOut[c], fromRight(rightNames[c]));
  return createFrame(cols);
}

/** Whether `rows` is 0, 1, ..., length - 1. */
function isIdentity(rows: Int32Array, length: number): boolean {
  if (rows.length !== length) return false;
  for (let i = 0; i < length; i++) if (rows[i] !== i) return false;
  return true;
}

function keyNames(options: MergeOptions): [string[], string[]] {
  const list = (v: unknown, what: string): string[] | undefined => {
    if (v === undefined || v === null) return undefined;
    const a = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(a) || a.length === 0 || a.some((x) => typeof x !== 'string'))
      throw new InvalidArgumentError(`${what} must be a column name or a non-empty array of names`);
    return [...(a as string[])];
  };
  const on = list(options.on, 'on');
  const lo = list(options.leftOn, 'leftOn');
  const ro = list(options.rightOn, 'rightOn');
  if (on && (lo || ro))
    throw new InvalidArgumentError('pass either `on` or `leftOn` with `rightOn`, not both');
  if (on) return [on, on];
  if (!lo && !ro)
    throw new InvalidArgumentError(
      'merge needs key columns: pass `on` (same names on both sides) or `leftOn` and `rightOn`',
    );
  if (!lo || !ro)
    throw new InvalidArgumentError(
      `${lo ? 'leftOn' : 'rightOn'} was given without ${lo ? 'rightOn' : 'leftOn'}; pass both`,
    );
  if (lo.length !== ro.length)
    throw new InvalidArgumentError(
      `leftOn names ${lo.length} key column(s) but rightOn names ${ro.length}; they pair up one to one`,
    );
  return [lo, ro];
}

function keyColumn(frame: DataFrame, name: string, side: string): ScalarColumn {
  const c = frame.column(name);
  if (!(c instanceof ScalarColumn))
    throw new TypeMismatchError(
      `${side} key "${name}" is a ${formatType(c.type)} column; join keys must be scalar columns (numbers, strings, booleans, dates)`,
    );
  return c;
}

function keyClass(t: ScalarDType): string {
  switch (t) {
    case 'string':
      return 'string';
    case 'bool':
      return 'boolean';
    case 'date':
    case 'timestamp':
      return 'date';
    default:
      return 'number';
  }
}

function checkKeyTypes(l: ScalarColumn, r: ScalarColumn, lname: string, rname: string): void {
  if (keyClass(l.dtype) !== keyClass(r.dtype))
    throw new TypeMismatchError(
      `cannot join left key "${lname}" (${l.dtype}) with right key "${rname}" (${r.dtype}): key types must be compatible (numbers with numbers, strings with strings, booleans with booleans, dates and timestamps with each other)`,
    );
}

// ---- join indices ----

/** Row indices of a join: output row `i` takes left row `left[i]` and right row `right[i]` (-1: none). */
export interface JoinIndices {
  left: Int32Array;
  right: Int32Array;
  /** For outer joins, where the unmatched right rows start (all earlier rows have a left row). */
  split: number;
}

/**
 * The row pairs of a join of scalar key columns (paired one to one; types must be compatible),
 * in the order {@link merge} documents. Gathering every column with these indices gives the join.
 */
export function joinIndices(
  leftKeys: readonly ScalarColumn[],
  rightKeys: readonly ScalarColumn[],
  how: JoinHow,
): JoinIndices {
  if (leftKeys.length === 0 || leftKeys.length !== rightKeys.length)
    throw new InvalidArgumentError('joinIndices needs the same, non-zero number of keys on both sides');
  for (let k = 0; k < leftKeys.length; k++) checkKeyTypes(leftKeys[k], rightKeys[k], `#${k}`, `#${k}`);
  // The right side is the build side, except for right joins, which are left joins mirrored.
  const swap = how === 'right';
  const build = swap ? leftKeys : rightKeys;
  const probe = swap ? rightKeys : leftKeys;
  const out = hashJoin(joinIds(build, probe), how !== 'inner', how === 'outer');
  return swap
    ? { left: out.build, right: out.probe, split: out.split }
    : { left: out.probe, right: out.build, split: out.split };
}

interface JoinRows {
  probe: Int32Array;
  build: Int32Array;
  split: number;
}

/** The most rows a frame can hold (row selections are Int32Array). */
export const MAX_FRAME_ROWS = 0x7fffffff;

function checkTotal(total: number): void {
  if (total > MAX_FRAME_ROWS)
    throw new InvalidArgumentError(
      `the join would give ${total} rows, more than the ${MAX_FRAME_ROWS} a frame can hold; are the keys right?`,
    );
}

/** Pair up rows with equal ids, CSR style: build rows grouped per id (count, prefix sum, fill), then probe. */
function hashJoin(f: JoinIds, keepProbe: boolean, keepBuild: boolean): JoinRows {
  const { build, probe, count } = f;
  const nb = build.length;
  const np = probe.length;
  let nonNull = 0;
  for (let r = 0; r < nb; r++) if (build[r] >= 0) nonNull++;
  if (nonNull === count) return uniqueJoin(f, nonNull, keepProbe, keepBuild);
  const start = new Int32Array(count + 1);
  for (let r = 0; r < nb; r++) {
    const id = build[r];
    if (id >= 0) start[id + 1]++;
  }
  for (let k = 0; k < count; k++) start[k + 1] += start[k];
  const rows = new Int32Array(start[count]);
  const fill = start.slice(0, count);
  for (let r = 0; r < nb; r++) {
    const id = build[r];
    if (id >= 0) rows[fill[id]++] = r;
  }

  const matched = keepBuild ? new Uint8Array(count) : null;
  let total = 0;
  for (let i = 0; i < np; i++) {
    const id = probe[i];
    if (id >= 0) {
      total += start[id + 1] - start[id];
      if (matched !== null) matched[id] = 1;
    } else if (keepProbe) total++;
  }
  const split = total;
  if (matched !== null) for (let r = 0; r < nb; r++) if (build[r] < 0 || matched[build[r]] === 0) total++;
  checkTotal(total);

  const probeOut = new Int32Array(total);
  const buildOut = new Int32Array(total);
  let o = 0;
  for (let i = 0; i < np; i++) {
    const id = probe[i];
    if (id >= 0) {
      const end = start[id + 1];
      for (let k = start[id]; k < end; k++) {
        probeOut[o] = i;
        buildOut[o] = rows[k];
        o++;
      }
    } else if (keepProbe) {
      probeOut[o] = i;
      buildOut[o] = -1;
      o++;
    }
  }
  if (matched !== null) appendUnmatchedBuild(build, matched, probeOut, buildOut, o);
  return { probe: probeOut, build: buildOut, split };
}

/**
 * {@link hashJoin} when every build key is unique (the common lookup-table join): at most one
 * match per probe row, and no per-key lists. Ids are given in build order, so without null keys
 * the id of a build row is the row itself.
 */
function uniqueJoin(f: JoinIds, nonNull: number, keepProbe: boolean, keepBuild: boolean): JoinRows {
  const { build, probe } = f;
  const nb = build.length;
  const np = probe.length;
  let rowOf: Int32Array | null = null;
  if (nonNull !== nb) {
    rowOf = new Int32Array(nonNull);
    for (let r = 0; r < nb; r++) if (build[r] >= 0) rowOf[build[r]] = r;
  }
  let total = 0;
  if (keepProbe) total = np;
  else for (let i = 0; i < np; i++) if (probe[i] >= 0) total++;
  const split = total;
  let matched: Uint8Array | null = null;
  if (keepBuild) {
    matched = new Uint8Array(nonNull);
    for (let i = 0; i < np; i++) if (probe[i] >= 0) matched[probe[i]] = 1;
    for (let r = 0; r < nb; r++) if (build[r] < 0 || matched[build[r]] === 0) total++;
  }
  checkTotal(total);
  const probeOut = new Int32Array(total);
  const buildOut = new Int32Array(total);
  let o = 0;
  if (keepProbe) {
    for (let i = 0; i < np; i++) {
      const id = probe[i];
      probeOut[i] = i;
      buildOut[i] = id < 0 ? -1 : rowOf === null ? id : rowOf[id];
    }
    o = np;
  } else {
    for (let i = 0; i < np; i++) {
      const id = probe[i];
      if (id < 0) continue;
      probeOut[o] = i;
      buildOut[o] = rowOf === null ? id : rowOf[id];
      o++;
    }
  }
  if (matched !== null) appendUnmatchedBuild(build, matched, probeOut, buildOut, o);
  return { probe: probeOut, build: buildOut, split };
}

/** For right and outer joins: append the build rows no probe row matched (null keys included), from `o` on. */
function appendUnmatchedBuild(
  build: Int32Array,
  matched: Uint8Array,
  probeOut: Int32Array,
  buildOut: Int32Array,
  o: number,
): void {
  for (let r = 0; r < build.length; r++) {
    const id = build[r];
    if (id < 0 || matched[id] === 0) {
      probeOut[o] = -1;
      buildOut[o] = r;
      o++;
    }
  }
}
