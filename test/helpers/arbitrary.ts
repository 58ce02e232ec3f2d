/**
 * fast-check arbitraries for random frames with nulls, shared by the property tests. Values are
 * drawn from small domains so that ties, duplicate keys and nulls are common.
 */
import fc from 'fast-check';
import { DataFrame, type Row } from '../../src/index.js';

/** Which kinds of columns a random frame holds, with their value generators. */
export const columnValues = {
  /** Small integers (as float64) with nulls: good sort and group keys. */
  int: fc.option(fc.integer({ min: -3, max: 3 }), { nil: null, freq: 5 }),
  /** Floats with nulls, NaN, infinities, -0. */
  float: fc.option(
    fc.oneof(
      fc.double({ min: -100, max: 100, noNaN: true }),
      fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 1.5),
    ),
    { nil: null, freq: 5 },
  ),
  /** Strings from a small alphabet (incl. non-ASCII and astral) with nulls. */
  str: fc.option(fc.constantFrom('', 'a', 'b', 'ab', 'B', 'é', 'z', '😀', '\uffff'), { nil: null, freq: 5 }),
  bool: fc.option(fc.boolean(), { nil: null, freq: 5 }),
  /** 2-element float32-exact vectors. */
  vec: fc.option(fc.tuple(fc.integer({ min: -5, max: 5 }), fc.integer({ min: -5, max: 5 })), {
    nil: null,
    freq: 5,
  }),
  obj: fc.option(fc.record({ k: fc.integer({ min: 0, max: 3 }) }), { nil: null, freq: 5 }),
} as const;

export type ColumnSpec = keyof typeof columnValues;

/** Explicit types so an all-null random column still has the intended kind. */
export const columnTypes = {
  int: 'float64',
  float: 'float64',
  str: 'string',
  bool: 'bool',
  vec: { kind: 'tensor', dtype: 'float32', shape: [2] },
  obj: 'object',
} as const;

/** Random rows with the given columns (named after their spec), 0 to maxRows rows. */
export function arbRows(specs: ColumnSpec[] = ['int', 'float', 'str', 'bool', 'vec', 'obj'], maxRows = 30) {
  const record = Object.fromEntries(specs.map((s) => [s, columnValues[s]])) as Record<
    string,
    fc.Arbitrary<unknown>
  >;
  return fc.array(fc.record(record), { minLength: 0, maxLength: maxRows });
}

/** A frame built from rows of the given specs, with explicit column types. */
export function frameOf(
  rows: Row[],
  specs: ColumnSpec[] = ['int', 'float', 'str', 'bool', 'vec', 'obj'],
): DataFrame {
  const cols: Record<string, ReturnType<DataFrame['column']>> = {};
  const built = DataFrame.fromRecords(
    rows.length ? rows : [Object.fromEntries(specs.map((s) => [s, null]))],
    Object.fromEntries(specs.map((s) => [s, columnTypes[s]])) as never,
  );
  for (const s of specs) cols[s] = built.column(s);
  const frame = new DataFrame(cols);
  return rows.length ? frame : frame.head(0);
}

/** A random frame (rows and the frame built from them). */
export function arbFrame(specs?: ColumnSpec[], maxRows?: number) {
  return arbRows(specs, maxRows).map((rows) => ({ rows, frame: frameOf(rows, specs) }));
}

/** Plain comparable form of a cell: typed arrays as arrays, NaN kept, -0 kept as 0. */
export function plain(v: unknown): unknown {
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
  return v;
}

/** Rows of a frame in plain form (for toEqual against a naive reference). */
export function plainRows(df: DataFrame): Row[] {
  return df.toRecords().map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, plain(v)])));
}
