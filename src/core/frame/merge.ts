import { bitmapBytes } from '../column/bitmap.js';
import type { Column } from '../column/column.js';
import { concatColumns } from '../column/concat.js';
import { ScalarColumn } from '../column/scalar.js';
import { formatType, type ScalarDType } from '../column/types.js';
import { DuplicateColumnError, InvalidArgumentError, TypeMismatchError } from '../errors.js';
import type { DataFrame } from './frame.js';
import { createFrame } from './frame-factory.js';

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
  let f = factorizeKey(build[0], probe[0]);
  for (let k = 1; k < build.length; k++) f = combine(f, factorizeKey(build[k], probe[k]));
  const out = hashJoin(f, how !== 'inner', how === 'outer');
  return swap
    ? { left: out.build, right: out.probe, split: out.split }
    : { left: out.probe, right: out.build, split: out.split };
}

/**
 * Keys turned into dense ids: each build row gets the id of its key (ids 0..count-1 in order of
 * first appearance), each probe row the id of the equal build key; -1 for nulls and for probe
 * keys that no build row has.
 */
interface Factorized {
  build: Int32Array;
  probe: Int32Array;
  count: number;
}

interface JoinRows {
  probe: Int32Array;
  build: Int32Array;
  split: number;
}

const MAX_ROWS = 0x7fffffff;

function checkTotal(total: number): void {
  if (total > MAX_ROWS)
    throw new InvalidArgumentError(
      `the join would give ${total} rows, more than the ${MAX_ROWS} a frame can hold; are the keys right?`,
    );
}

/** Pair up rows with equal ids, CSR style: build rows grouped per id (count, prefix sum, fill), then probe. */
function hashJoin(f: Factorized, keepProbe: boolean, keepBuild: boolean): JoinRows {
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
function uniqueJoin(f: Factorized, nonNull: number, keepProbe: boolean, keepBuild: boolean): JoinRows {
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

// ---- factorizing keys ----

const GOLDEN = 0x9e3779b1 | 0;
const MIX = 0x85ebca6b | 0;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Word order of a 64-bit value viewed as two int32s. */
const LO = LITTLE_ENDIAN ? 0 : 1;
const HI = 1 - LO;

function isValid(validity: Uint8Array | null, i: number): boolean {
  return validity === null || (validity[i >> 3] & (1 << (i & 7))) !== 0;
}

/** log2 of a power-of-two table size with load factor at most 1/2 for `n` keys. */
function tableBits(n: number): number {
  let bits = 4;
  while (1 << bits < 2 * n && bits < 30) bits++;
  return bits;
}

function countValid(validity: Uint8Array | null, n: number): number {
  if (validity === null) return n;
  let c = 0;
  for (let i = 0; i < n; i++) if (isValid(validity, i)) c++;
  return c;
}

function factorizeKey(b: ScalarColumn, p: ScalarColumn): Factorized {
  const bt = b.dtype;
  const pt = p.dtype;
  if (bt === 'string') return factorizeStrings(b, p);
  const narrow = (t: ScalarDType) => t === 'int32' || t === 'uint8' || t === 'bool' || t === 'date';
  if (narrow(bt) && narrow(pt))
    return factorizeInt32(asInt32(b), b.validity, b.length, asInt32(p), p.validity, p.length);
  const float = (t: ScalarDType) => t === 'float32' || t === 'float64';
  if (!float(bt) && !float(pt))
    return factorizePairs(asPairs(b), b.validity, b.length, asPairs(p), p.validity, p.length);
  const bf = asFloat64(b);
  const pf = asFloat64(p);
  // Integer-valued floats (the common case) take the faster int32 path.
  const bi = int32IfExact(bf, b.validity, b.length);
  if (bi !== null) {
    const pi = int32OrNoMatch(pf, p.validity, p.length);
    return factorizeInt32(bi, b.validity, b.length, pi.values, pi.validity, p.length);
  }
  return factorizePairs(
    floatBits(bf, b.length),
    b.validity,
    b.length,
    floatBits(pf, p.length),
    p.validity,
    p.length,
  );
}

/** Ids of the pairs (build id of key a, of key b) of two factorized keys. */
function combine(a: Factorized, b: Factorized): Factorized {
  const span = a.count * b.count;
  if (span <= MAX_ROWS) {
    const pack = (x: Int32Array, y: Int32Array) => {
      const n = x.length;
      const values = new Int32Array(n);
      const validity = new Uint8Array(bitmapBytes(n));
      for (let i = 0; i < n; i++)
        if (x[i] >= 0 && y[i] >= 0) {
          values[i] = x[i] * b.count + y[i];
          validity[i >> 3] |= 1 << (i & 7);
        }
      return { values, validity };
    };
    const pb = pack(a.build, b.build);
    const pp = pack(a.probe, b.probe);
    return factorizeInt32(pb.values, pb.validity, pb.values.length, pp.values, pp.validity, pp.values.length);
  }
  const pack = (x: Int32Array, y: Int32Array) => {
    const n = x.length;
    const values = new Int32Array(2 * n);
    const validity = new Uint8Array(bitmapBytes(n));
    for (let i = 0; i < n; i++)
      if (x[i] >= 0 && y[i] >= 0) {
        values[2 * i] = x[i];
        values[2 * i + 1] = y[i];
        validity[i >> 3] |= 1 << (i & 7);
      }
    return { values, validity };
  };
  const pb = pack(a.build, b.build);
  const pp = pack(a.probe, b.probe);
  return factorizePairs(pb.values, pb.validity, a.build.length, pp.values, pp.validity, a.probe.length);
}

/** int32 keys: a direct table when the build keys span a small range, else open addressing. */
function factorizeInt32(
  b: Int32Array,
  bValid: Uint8Array | null,
  nb: number,
  p: Int32Array,
  pValid: Uint8Array | null,
  np: number,
): Factorized {
  const build = new Int32Array(nb);
  const probe = new Int32Array(np);
  let min = 0x7fffffff;
  let max = -0x80000000;
  let nonNull = 0;
  for (let i = 0; i < nb; i++) {
    if (!isValid(bValid, i)) continue;
    const v = b[i];
    if (v < min) min = v;
    if (v > max) max = v;
    nonNull++;
  }
  if (nonNull === 0) {
    build.fill(-1);
    probe.fill(-1);
    return { build, probe, count: 0 };
  }
  let count = 0;
  const range = max - min + 1;
  if (range <= 2 * nonNull + 1024) {
    const table = new Int32Array(range); // id + 1; 0 = empty
    for (let i = 0; i < nb; i++) {
      if (!isValid(bValid, i)) {
        build[i] = -1;
        continue;
      }
      const s = b[i] - min;
      let id = table[s];
      if (id === 0) {
        id = ++count;
        table[s] = id;
      }
      build[i] = id - 1;
    }
    for (let i = 0; i < np; i++) {
      const s = p[i] - min;
      probe[i] = s >= 0 && s < range && isValid(pValid, i) ? table[s] - 1 : -1;
    }
    return { build, probe, count };
  }
  const bits = tableBits(nonNull);
  const mask = (1 << bits) - 1;
  const shift = 32 - bits;
  // Slot s holds its key at 2s and id + 1 at 2s + 1 (0 = empty): one cache line per probe.
  const slots = new Int32Array(2 * (mask + 1));
  for (let i = 0; i < nb; i++) {
    if (!isValid(bValid, i)) {
      build[i] = -1;
      continue;
    }
    const v = b[i];
    let s = Math.imul(v, GOLDEN) >>> shift;
    for (;;) {
      const id = slots[2 * s + 1];
      if (id === 0) {
        slots[2 * s] = v;
        slots[2 * s + 1] = ++count;
        build[i] = count - 1;
        break;
      }
      if (slots[2 * s] === v) {
        build[i] = id - 1;
        break;
      }
      s = (s + 1) & mask;
    }
  }
  for (let i = 0; i < np; i++) {
    if (!isValid(pValid, i)) {
      probe[i] = -1;
      continue;
    }
    const v = p[i];
    let s = Math.imul(v, GOLDEN) >>> shift;
    for (;;) {
      const id = slots[2 * s + 1];
      if (id === 0) {
        probe[i] = -1;
        break;
      }
      if (slots[2 * s] === v) {
        probe[i] = id - 1;
        break;
      }
      s = (s + 1) & mask;
    }
  }
  return { build, probe, count };
}

/** 64-bit keys as pairs of int32 words (interleaved), by open addressing. */
function factorizePairs(
  b: Int32Array,
  bValid: Uint8Array | null,
  nb: number,
  p: Int32Array,
  pValid: Uint8Array | null,
  np: number,
): Factorized {
  const build = new Int32Array(nb);
  const probe = new Int32Array(np);
  const bits = tableBits(countValid(bValid, nb));
  const mask = (1 << bits) - 1;
  const shift = 32 - bits;
  // Slot s holds its key words at 4s, 4s + 1 and id + 1 at 4s + 2 (0 = empty).
  const slots = new Int32Array(4 * (mask + 1));
  let count = 0;
  for (let i = 0; i < nb; i++) {
    if (!isValid(bValid, i)) {
      build[i] = -1;
      continue;
    }
    const lo = b[2 * i];
    const hi = b[2 * i + 1];
    const h = lo ^ Math.imul(hi, MIX);
    let s = Math.imul(h ^ (h >>> 15), GOLDEN) >>> shift;
    for (;;) {
      const id = slots[4 * s + 2];
      if (id === 0) {
        slots[4 * s] = lo;
        slots[4 * s + 1] = hi;
        slots[4 * s + 2] = ++count;
        build[i] = count - 1;
        break;
      }
      if (slots[4 * s] === lo && slots[4 * s + 1] === hi) {
        build[i] = id - 1;
        break;
      }
      s = (s + 1) & mask;
    }
  }
  for (let i = 0; i < np; i++) {
    if (!isValid(pValid, i)) {
      probe[i] = -1;
      continue;
    }
    const lo = p[2 * i];
    const hi = p[2 * i + 1];
    const h = lo ^ Math.imul(hi, MIX);
    let s = Math.imul(h ^ (h >>> 15), GOLDEN) >>> shift;
    for (;;) {
      const id = slots[4 * s + 2];
      if (id === 0) {
        probe[i] = -1;
        break;
      }
      if (slots[4 * s] === lo && slots[4 * s + 1] === hi) {
        probe[i] = id - 1;
        break;
      }
      s = (s + 1) & mask;
    }
  }
  return { build, probe, count };
}

/**
 * String keys: hashes of the UTF-8 bytes, equal hashes confirmed byte by byte (no decoding). Each
 * slot keeps where the bytes of its key are, so a probe reads the slot and then the bytes, and
 * never the offsets of the build column.
 */
function factorizeStrings(bc: ScalarColumn, pc: ScalarColumn): Factorized {
  const nb = bc.length;
  const np = pc.length;
  const bv = bc.values as Uint8Array;
  const bo = bc.offsets!;
  const pv = pc.values as Uint8Array;
  const po = pc.offsets!;
  const bValid = bc.validity;
  const pValid = pc.validity;
  const build = new Int32Array(nb);
  const probe = new Int32Array(np);
  const bits = tableBits(countValid(bValid, nb));
  const mask = (1 << bits) - 1;
  const shift = 32 - bits;
  // Slot s: hash at 4s, id + 1 at 4s + 1 (0 = empty), start and length of the key's bytes at 4s + 2, 4s + 3.
  const slots = new Int32Array(4 * (mask + 1));
  let count = 0;
  for (let i = 0; i < nb; i++) {
    if (!isValid(bValid, i)) {
      build[i] = -1;
      continue;
    }
    const a = bo[i];
    const n = bo[i + 1] - a;
    const h = hashBytes(bv, a, n);
    let s = h >>> shift;
    for (;;) {
      const at = 4 * s;
      const id = slots[at + 1];
      if (id === 0) {
        slots[at] = h;
        slots[at + 1] = ++count;
        slots[at + 2] = a;
        slots[at + 3] = n;
        build[i] = count - 1;
        break;
      }
      if (slots[at] === h && slots[at + 3] === n && bytesEqual(bv, slots[at + 2], bv, a, n)) {
        build[i] = id - 1;
        break;
      }
      s = (s + 1) & mask;
    }
  }
  for (let i = 0; i < np; i++) {
    if (!isValid(pValid, i)) {
      probe[i] = -1;
      continue;
    }
    const a = po[i];
    const n = po[i + 1] - a;
    const h = hashBytes(pv, a, n);
    let s = h >>> shift;
    for (;;) {
      const at = 4 * s;
      const id = slots[at + 1];
      if (id === 0) {
        probe[i] = -1;
        break;
      }
      if (slots[at] === h && slots[at + 3] === n && bytesEqual(bv, slots[at + 2], pv, a, n)) {
        probe[i] = id - 1;
        break;
      }
      s = (s + 1) & mask;
    }
  }
  return { build, probe, count };
}

/** FNV-1a over the `length` bytes at `start`, finished with murmur3's avalanche so every bit is mixed. */
function hashBytes(bytes: Uint8Array, start: number, length: number): number {
  let h = 0x811c9dc5 | 0;
  const end = start + length;
  for (let k = start; k < end; k++) h = Math.imul(h ^ bytes[k], 0x01000193);
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, MIX);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35 | 0);
  return h ^ (h >>> 16);
}

function bytesEqual(x: Uint8Array, xa: number, y: Uint8Array, ya: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (x[xa + k] !== y[ya + k]) return false;
  return true;
}

// ---- key representations ----

/** int32, uint8, bool or date values as int32 (no copy for int32 and date). */
function asInt32(c: ScalarColumn): Int32Array {
  const n = c.length;
  if (c.dtype === 'int32' || c.dtype === 'date') return c.values as Int32Array;
  const out = new Int32Array(n);
  if (c.dtype === 'bool') {
    const bits = c.values as Uint8Array;
    for (let i = 0; i < n; i++) out[i] = (bits[i >> 3] >> (i & 7)) & 1;
  } else {
    out.set(c.values.subarray(0, n) as Uint8Array);
  }
  return out;
}

/** Integer or date/time values as interleaved 64-bit words (int64 and timestamps without copying). */
function asPairs(c: ScalarColumn): Int32Array {
  const n = c.length;
  const v = c.values;
  if (v instanceof BigInt64Array) return new Int32Array(v.buffer, v.byteOffset, 2 * n);
  const out = new Int32Array(2 * n);
  if (c.dtype === 'date') {
    // Days to milliseconds: exact in a double; split into words by arithmetic.
    for (let i = 0; i < n; i++) {
      const ms = (v as Int32Array)[i] * 86_400_000;
      const hi = Math.floor(ms / 4294967296);
      out[2 * i + LO] = (ms - hi * 4294967296) | 0;
      out[2 * i + HI] = hi;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const x = v[i] as number;
      out[2 * i + LO] = x;
      out[2 * i + HI] = x < 0 ? -1 : 0;
    }
  }
  return out;
}

/** Numeric values as float64 (no copy for float64). */
function asFloat64(c: ScalarColumn): Float64Array {
  const n = c.length;
  const v = c.values;
  if (v instanceof Float64Array) return v;
  const out = new Float64Array(n);
  if (v instanceof BigInt64Array) for (let i = 0; i < n; i++) out[i] = Number(v[i]);
  else out.set(v.subarray(0, n) as Float32Array);
  return out;
}

/** The values as int32 if every valid one is an int32 exactly (-0 becomes 0), else null. */
function int32IfExact(f: Float64Array, validity: Uint8Array | null, n: number): Int32Array | null {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (!isValid(validity, i)) continue;
    const x = f[i];
    if ((x | 0) !== x) return null;
    out[i] = x;
  }
  return out;
}

/** Probe values for int32 build keys: values that are not an int32 cannot match, so become null. */
function int32OrNoMatch(
  f: Float64Array,
  validity: Uint8Array | null,
  n: number,
): { values: Int32Array; validity: Uint8Array | null } {
  const values = new Int32Array(n);
  let out = validity;
  for (let i = 0; i < n; i++) {
    if (!isValid(validity, i)) continue;
    const x = f[i];
    if ((x | 0) === x) values[i] = x;
    else {
      if (out === validity) out = validity ? validity.slice() : new Uint8Array(bitmapBytes(n)).fill(0xff);
      out![i >> 3] &= ~(1 << (i & 7));
    }
  }
  return { values, validity: out };
}

/** Float bits as interleaved words, with -0 as 0 and every NaN as one NaN, so equal bits = equal keys. */
function floatBits(f: Float64Array, n: number): Int32Array {
  const out = new Float64Array(n);
  const words = new Int32Array(out.buffer);
  for (let i = 0; i < n; i++) {
    const x = f[i];
    if (Number.isNaN(x)) {
      words[2 * i + HI] = 0x7ff80000;
      words[2 * i + LO] = 0;
    } else out[i] = x + 0;
  }
  return words;
}
