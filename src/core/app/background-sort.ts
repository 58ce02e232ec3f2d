/**
 * A full sort that shares the event loop: the rows are sorted in chunks with the core's sort and the
 * sorted chunks merged by the core's sort keys, yielding between steps so other requests are served
 * while a large sort runs. The result equals `sortIndices` (stable: ties keep frame order).
 */
import { AbortedError } from '../errors.js';
import { yieldToEventLoop } from '../exec/event-loop-yield.js';
import type { DataFrame } from '../frame/frame.js';
import type { Field } from '../frame/keys/sort-fields.js';
import {
  rowBefore,
  type SortBy,
  type SortOptions,
  sortByKeyWords,
  sortIndices,
  sortKeyWords,
} from '../frame/sort.js';

/** Rows per chunk sorted in one step (about 50–100 ms of work). */
const CHUNK_ROWS = 1 << 19;
/** Rows merged between yields. */
const MERGE_STEP = 1 << 17;

/** The stable sort order of `df` by `by`, computed in steps that yield to the event loop. */
export async function sortInSteps(
  df: DataFrame,
  by: SortBy,
  options: SortOptions = {},
  signal?: AbortSignal,
  chunkRows = CHUNK_ROWS,
): Promise<Int32Array> {
  if (df.length <= chunkRows) return sortIndices(df, by, options);
  const words = sortKeyWords(df, by, options);
  await step(signal);
  return sortWordsInSteps(words, df.length, signal, chunkRows);
}

/**
 * The stable order of rows 0..n-1 by their key words (as `sortKeyWords` gives them), in steps:
 * chunks radix-sorted, then merged, yielding between steps; `signal` cancels it between steps.
 */
export async function sortWordsInSteps(
  keyWords: Field[],
  n: number,
  signal?: AbortSignal,
  chunkRows = CHUNK_ROWS,
): Promise<Int32Array> {
  if (signal?.aborted) throw new AbortedError('the sort was cancelled');
  if (n <= chunkRows) return sortByKeyWords(keyWords, n);
  const words = keyWords.map((w) => w.data);
  let runs = new Int32Array(n);
  const bounds: number[] = [0];
  for (let a = 0; a < n; a += chunkRows) {
    const b = Math.min(n, a + chunkRows);
    const order = sortByKeyWords(
      keyWords.map((w) => ({ data: w.data.subarray(a, b), bits: w.bits })),
      b - a,
    );
    for (let i = 0; i < order.length; i++) runs[a + i] = order[i] + a;
    bounds.push(b);
    await step(signal);
  }
  // Bottom-up merges of neighbouring runs until one is left.
  let scratch = new Int32Array(n);
  let edges = bounds;
  while (edges.length > 2) {
    const next: number[] = [0];
    for (let r = 0; r + 1 < edges.length; r += 2) {
      const lo = edges[r];
      const mid = edges[r + 1];
      const hi = r + 2 < edges.length ? edges[r + 2] : mid;
      await merge(runs, scratch, lo, mid, hi, words, signal);
      next.push(hi);
    }
    [runs, scratch] = [scratch, runs];
    edges = next;
  }
  return runs;
}

async function merge(
  src: Int32Array,
  dst: Int32Array,
  lo: number,
  mid: number,
  hi: number,
  words: readonly Uint32Array[],
  signal: AbortSignal | undefined,
): Promise<void> {
  let i = lo;
  let j = mid;
  let k = lo;
  const first = words[0] as Uint32Array | undefined;
  while (k < hi) {
    const stop = Math.min(hi, k + MERGE_STEP);
    for (; k < stop; k++) {
      if (j >= hi) dst[k] = src[i++];
      else if (i >= mid) dst[k] = src[j++];
      else {
        const a = src[i];
        const b = src[j];
        // The first word decides most comparisons; ties go on to the rest (and then to the left
        // run's row, which comes earlier in the frame).
        const left =
          first === undefined || first[a] === first[b] ? !rowBefore(words, b, a) : first[a] < first[b];
        if (left) {
          dst[k] = a;
          i++;
        } else {
          dst[k] = b;
          j++;
        }
      }
    }
    await step(signal);
  }
}

function step(signal: AbortSignal | undefined): Promise<void> {
  return yieldToEventLoop().then(() => {
    if (signal?.aborted) throw new AbortedError('the sort was cancelled');
  });
}
