/**
 * One LSH hash table, stored flat so it can be saved and loaded as three typed arrays: the distinct
 * bucket keys in ascending order, where each bucket's rows start, and the row ids grouped by bucket
 * (ascending within a bucket). A lookup is a binary search over the keys.
 */

export interface BucketTable {
  /** Distinct bucket keys, strictly ascending. */
  keys: Uint32Array;
  /** `starts[b]..starts[b + 1]` are bucket b's positions in `ids`; length `keys.length + 1`. */
  starts: Uint32Array;
  /** Row ids, bucket by bucket. */
  ids: Int32Array;
}

/**
 * Groups rows by key: `keys[i]` is the key of row `rowIds[i]` (of row `i` when `rowIds` is null).
 * A stable two-pass radix sort on 16-bit digits, so rows stay in id order within a bucket.
 */
export function buildBucketTable(keys: Uint32Array, rowIds: Int32Array | null): BucketTable {
  const n = keys.length;
  // Two passes swap the buffers twice, so the sorted result ends up in these copies.
  let k = keys.slice();
  let ids = rowIds !== null ? rowIds.slice() : Int32Array.from({ length: n }, (_, i) => i);
  let kOut = new Uint32Array(n);
  let iOut = new Int32Array(n);
  const count = new Uint32Array(65537);
  for (const shift of [0, 16]) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[((k[i] >>> shift) & 0xffff) + 1]++;
    for (let d = 0; d < 65536; d++) count[d + 1] += count[d];
    for (let i = 0; i < n; i++) {
      const at = count[(k[i] >>> shift) & 0xffff]++;
      kOut[at] = k[i];
      iOut[at] = ids[i];
    }
    [k, kOut] = [kOut, k];
    [ids, iOut] = [iOut, ids];
  }
  let distinct = 0;
  for (let i = 0; i < n; i++) if (i === 0 || k[i] !== k[i - 1]) distinct++;
  const unique = new Uint32Array(distinct);
  const starts = new Uint32Array(distinct + 1);
  let b = 0;
  for (let i = 0; i < n; i++)
    if (i === 0 || k[i] !== k[i - 1]) {
      unique[b] = k[i];
      starts[b++] = i;
    }
  starts[distinct] = n;
  return { keys: unique, starts, ids };
}

/** Position of `key` among the table's keys, or −1 if no row has it. */
export function findBucket(table: BucketTable, key: number): number {
  const keys = table.keys;
  let lo = 0;
  let hi = keys.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = keys[mid];
    if (v < key) lo = mid + 1;
    else if (v > key) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/**
 * Checks a loaded table against the number of rows it may refer to; returns what is wrong, or null.
 */
export function checkBucketTable(table: BucketTable, rows: number): string | null {
  const { keys, starts, ids } = table;
  if (starts.length !== keys.length + 1) return 'bucket starts do not match the keys';
  if (starts[0] !== 0 || starts[keys.length] !== ids.length) return 'bucket starts do not cover the ids';
  for (let b = 0; b < keys.length; b++) {
    if (starts[b + 1] <= starts[b]) return 'bucket starts are not increasing';
    if (b > 0 && keys[b] <= keys[b - 1]) return 'bucket keys are not increasing';
  }
  if (ids.length > rows) return `the table holds ${ids.length} rows, more than the column's ${rows}`;
  for (let i = 0; i < ids.length; i++)
    if (!(ids[i] >= 0 && ids[i] < rows)) return `row id ${ids[i]} is outside the column's ${rows} rows`;
  return null;
}
