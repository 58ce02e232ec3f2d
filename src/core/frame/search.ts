/**
 * Similarity search over a frame: the rows whose vectors in a tensor column are closest to a query,
 * best first, with their scores. Exact by default; with an LSH index (given, or saved with the
 * dataset the frame was read from) approximate and much faster on large columns.
 */
import type { Column } from '../column/column.js';
import { TensorColumn } from '../column/tensor.js';
import {
  DuplicateColumnError,
  IndexOutOfRangeError,
  InvalidArgumentError,
  TypeMismatchError,
} from '../errors.js';
import type { LshKind } from '../lsh/hash-family.js';
import type { Encoder } from '../models/encoder.js';
import { exactSearch, type SearchMetric } from '../search/exact.js';
import type { LshIndex } from '../search/lsh-index.js';
import type { TensorKernels } from '../tensor/kernels.js';
import type { DataFrame } from './frame.js';

/**
 * What to search for:
 * - a vector (`Float32Array`, `Float64Array` or `number[]`) of the column's row size;
 * - a row of the frame: `{ row: i }` (or a plain number `i`; negative counts from the end), or
 *   `{ key: k }` for the row whose primary key is `k`; its vector in the column is the query;
 * - with the `encoder` option, any input of that encoder (a string for a text encoder, an image for
 *   an image encoder), encoded first.
 */
export type SearchQuery =
  | Float32Array
  | Float64Array
  | readonly number[]
  | number
  | { row: number }
  | { key: unknown };

/** Options of `DataFrame.search`. */
export interface FrameSearchOptions {
  /** The tensor column to search (float32 or float64 vectors). */
  by: string;
  /** How many rows to return; default 10. */
  k?: number;
  /** `cosine` (default without an index), `dot` or `l2`; with an index, default and only the index's. */
  metric?: SearchMetric;
  /**
   * An LSH index over the column (from `buildLshIndex`), or `true` for the index saved with the
   * dataset this frame was read from. Default `false`: exact search.
   */
  index?: LshIndex | boolean;
  /** Buckets per table an index visits; default 1 (see `LshIndex.search`). */
  probes?: number;
  /** Encodes the query first: the query is an input of this encoder, not a vector. */
  encoder?: Encoder;
  /** Kernels for the products; default the plain TypeScript kernels. */
  kernels?: TensorKernels;
  /** Name of the added score column; default `score`. */
  scoreColumn?: string;
}

/** An index saved with a dataset, loaded when first asked for. */
export interface SavedIndex {
  /** The stored column it indexes (a frame may show that column under another name). */
  column: string;
  kind: LshKind;
  /** Rows of the column when it was built. */
  rows: number;
  /** The dataset version it was built for. */
  version: number;
  /**
   * The index, bound to the stored column (all its rows; a view of it is searched through the
   * index and mapped to the view's rows); loaded and checked once.
   * @throws StaleIndexError if the column changed since (e.g. rows were appended).
   * @throws CorruptDataError if its file is damaged.
   */
  load(): Promise<LshIndex>;
}

/**
 * Saved indexes by the stored column they index. A frame's views, selections and column subsets
 * share its columns, so all of them find the index of the dataset they came from.
 */
const saved = new WeakMap<Column, SavedIndex>();

/** @internal Called by dataset readers: makes a saved index available on every frame of `stored`. */
export function attachSavedIndex(stored: Column, index: SavedIndex): void {
  let loading: Promise<LshIndex> | undefined;
  saved.set(stored, {
    ...index,
    load: () => {
      loading ??= index.load();
      // A failed load is not kept, so a later call reports the error again rather than a stale promise.
      loading.catch(() => {
        loading = undefined;
      });
      return loading;
    },
  });
}

/**
 * The indexes saved with the dataset that `df`'s columns were read from, by the frame's column
 * names (empty for other frames).
 */
export function savedIndexes(df: DataFrame): ReadonlyMap<string, SavedIndex> {
  const out = new Map<string, SavedIndex>();
  for (const name of df.columnNames) {
    const index = saved.get(df.columnSource(name).column);
    if (index !== undefined) out.set(name, index);
  }
  return out;
}

/** The rows of `df` closest to `query` in column `by`, best first, with a score column. */
export async function searchFrame(
  df: DataFrame,
  query: unknown,
  options: FrameSearchOptions,
): Promise<DataFrame> {
  const { by, k = 10, probes, encoder, kernels, scoreColumn = 'score' } = options;
  const col = df.column(by);
  if (
    !(col instanceof TensorColumn) ||
    !(col.data instanceof Float32Array || col.data instanceof Float64Array)
  )
    throw new TypeMismatchError(
      `search: column "${by}" is ${col.type.kind === 'tensor' ? `a ${col.type.dtype} tensor` : `a ${col.type.kind}`} column; search needs float32 or float64 vectors`,
    );
  if (df.has(scoreColumn))
    throw new DuplicateColumnError(
      `search: the frame already has a column "${scoreColumn}"; pass another name as scoreColumn`,
    );
  const vector = await queryVector(df, col, by, query, encoder);

  let index: LshIndex | null = null;
  /** Rows of the indexed column that this frame shows (null: all, in order). */
  let shown: Int32Array | null = null;
  if (options.index === true) {
    const entry = savedIndexes(df).get(by);
    if (entry === undefined)
      throw new InvalidArgumentError(
        `search: no index is saved for column "${by}" with this frame; build one with buildLshIndex (and save it with saveIndex), or pass index: false for exact search`,
      );
    index = await entry.load();
    shown = df.columnSource(by).rows;
  } else if (options.index) index = options.index;

  let result: { k: number; indices: Int32Array; scores: Float32Array };
  if (index !== null) {
    if (shown === null && index.column !== col && index.column.data !== col.data)
      throw new InvalidArgumentError(
        `search: the index was built over another column than "${by}" of this frame (a view or a changed frame has other rows); search the frame it was built for, or rebuild it`,
      );
    if (options.metric !== undefined && options.metric !== index.params.metric)
      throw new InvalidArgumentError(
        `search: the index ranks by '${index.params.metric}', not '${options.metric}'; leave metric out or build an index for it`,
      );
    result =
      shown === null
        ? await index.search(vector, { k, probes, kernels })
        : await searchShownRows(index, shown, vector, { k, probes, kernels });
  } else {
    result = await exactSearch(col, vector, { k, metric: options.metric ?? 'cosine', kernels });
  }
  let found = 0;
  while (found < result.k && result.indices[found] >= 0) found++;
  const rows = result.indices.slice(0, found);
  return df.takeValid(rows).withColumn(scoreColumn, result.scores.slice(0, found));
}

/**
 * The index's best `k` rows among the rows `shown` (a view of the indexed column), as positions in
 * the view, best first. The index ranks stored rows, so its ranking is filtered to the shown ones;
 * when its first `k` are not enough, every candidate it finds is ranked once more and filtered, so
 * the answer is the best `k` shown rows among the index's candidates.
 */
async function searchShownRows(
  index: LshIndex,
  shown: Int32Array,
  vector: Float32Array | Float64Array,
  options: { k: number; probes?: number; kernels?: TensorKernels },
): Promise<{ k: number; indices: Int32Array; scores: Float32Array }> {
  // Positions in the view of each stored row, grouped by row (a view may show a row several times).
  const rows = index.params.rows;
  const starts = new Int32Array(rows + 1);
  for (let p = 0; p < shown.length; p++) starts[shown[p] + 1]++;
  for (let i = 0; i < rows; i++) starts[i + 1] += starts[i];
  const positions = new Int32Array(shown.length);
  const next = starts.slice(0, rows);
  for (let p = 0; p < shown.length; p++) positions[next[shown[p]]++] = p;

  const { k } = options;
  let ask = k;
  for (;;) {
    const ranked = await index.search(vector, { ...options, k: ask });
    const indices = new Int32Array(k).fill(-1);
    const scores = new Float32Array(k).fill(Number.NaN);
    let found = 0;
    let returned = 0;
    for (; returned < ranked.k && ranked.indices[returned] >= 0 && found < k; returned++) {
      const row = ranked.indices[returned];
      for (let s = starts[row]; s < starts[row + 1] && found < k; s++, found++) {
        indices[found] = positions[s];
        scores[found] = ranked.scores[returned];
      }
    }
    const candidates = ranked.candidates[0];
    // Done when k rows were found or every candidate was ranked.
    if (found === k || returned < ask || ask >= candidates) return { k, indices, scores };
    ask = candidates;
  }
}

async function queryVector(
  df: DataFrame,
  col: TensorColumn,
  by: string,
  query: unknown,
  encoder: Encoder | undefined,
): Promise<Float32Array | Float64Array> {
  const d = col.rowSize;
  let vector: Float32Array | Float64Array;
  if (encoder !== undefined) {
    vector = await encoder.encode([query]);
    if (vector.length !== d)
      throw new TypeMismatchError(
        `search: encoder "${encoder.name}" gives vectors of ${vector.length} values, but column "${by}" holds ${d}; use the encoder the column was made with`,
      );
    return vector;
  }
  if (query instanceof Float32Array || query instanceof Float64Array) vector = query;
  else if (Array.isArray(query)) {
    if (!query.every((v) => typeof v === 'number'))
      throw new TypeMismatchError('search: a query array must hold numbers only');
    vector = Float64Array.from(query as number[]);
  } else if (typeof query === 'number' || isRecord(query, 'row') || isRecord(query, 'key')) {
    let i: number | undefined;
    if (typeof query === 'number') i = query;
    else if ('row' in query) i = query.row as number;
    else {
      i = df.locIndex(query.key);
      if (i === undefined)
        throw new InvalidArgumentError(`search: no row has the primary key ${String(query.key)}`);
    }
    const j = i < 0 ? col.length + i : i;
    if (!Number.isInteger(j) || j < 0 || j >= col.length) throw new IndexOutOfRangeError(i, col.length);
    const row = col.getUnchecked(j);
    if (row === null)
      throw new InvalidArgumentError(`search: row ${i} has no vector in column "${by}" (it is null)`);
    vector = row as Float32Array | Float64Array;
  } else
    throw new TypeMismatchError(
      'search: the query must be a vector (Float32Array, Float64Array, number[]), a row ({ row: i } or a number), a primary key ({ key }), or an input of the `encoder` option',
    );
  if (vector.length !== d)
    throw new TypeMismatchError(
      `search: the query has ${vector.length} values, but column "${by}" holds vectors of ${d}`,
    );
  return vector;
}

function isRecord<K extends string>(v: unknown, key: K): v is Record<K, unknown> {
  return typeof v === 'object' && v !== null && key in v && Object.keys(v).length === 1;
}
