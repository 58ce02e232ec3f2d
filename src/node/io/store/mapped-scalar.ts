/**
 * A scalar column backed by a dataset's Arrow IPC fragments, read a record batch at a time: rows
 * `[a, b)` (or any rows) cost the batches that hold them, each read with one positioned read and
 * verified against its CRC-32 from the block index before it is decoded. Format 1 fragments (one
 * batch, no index) are read whole. Decoded batches are kept in a small cache, so row-by-row access
 * reads each batch once. The whole column's load is the core's (scalar-fragment.ts).
 */
import { Column, type Indices } from '../../../core/column/column.js';
import { concatColumns } from '../../../core/column/concat.js';
import { ScalarColumn, type ScalarValue } from '../../../core/column/scalar.js';
import type { ScalarDType } from '../../../core/column/types.js';
import { IndexOutOfRangeError } from '../../../core/errors.js';
import type { BlockIndex } from '../../../core/io/store/block-index.js';
import { blockCount } from '../../../core/io/store/block-index.js';
import type { ByteSource } from '../../../core/io/store/byte-source.js';
import { decodeBlocks } from '../../../core/io/store/decode-blocks.js';
import type { FileFragment } from '../../../core/io/store/manifest.js';
import { loadBlockIndex, loadScalarFragment } from '../../../core/io/store/scalar-fragment.js';
import { fsByteSource } from './fs-byte-source.js';

/** Decoded batches kept per column (about this many times 128 KiB). */
const CACHED_BLOCKS = 32;
/** Largest single read when adjacent batches are read together. */
const MAX_READ_BYTES = 8 * 2 ** 20;
/**
 * A take that needs more than this share of all batches loads the whole column instead; so does a
 * scattered take once scattered takes have read that share.
 */
const WHOLE_LOAD_SHARE = 0.25;
/** A take of more blocks than this is scattered. */
const SCATTERED_BLOCKS = 8;

interface Part {
  entry: FileFragment;
  /** First row of this fragment in the column. */
  start: number;
  /** Id of its first block among the column's blocks. */
  firstBlock: number;
  /** Rows per block (a format 1 fragment is one block). */
  rowsPerBlock: number;
  blocks: number;
  /** Loaded on first use. */
  index: BlockIndex | null;
}

export class MappedScalarColumn extends Column<ScalarValue> {
  readonly type: { readonly kind: 'scalar'; readonly dtype: ScalarDType };
  readonly length: number;
  private readonly parts: Part[];
  private readonly totalBlocks: number;
  /** Decoded blocks by id, least recently used first. */
  private readonly cache = new Map<number, ScalarColumn>();
  /** The block of the last single-row read, so reading rows in order does not look each one up. */
  private lastBlock: { first: number; column: ScalarColumn } | null = null;
  /** Blocks read by scattered takes so far. */
  private scatteredReads = 0;
  private readonly source: ByteSource;

  /**
   * `whole` loads the whole column (the lazy column's full load, which is kept): used for the null
   * count and for takes that touch most blocks.
   */
  constructor(
    root: string,
    dtype: ScalarDType,
    fragments: readonly FileFragment[],
    private readonly whole: () => Column,
  ) {
    super();
    this.type = { kind: 'scalar', dtype };
    this.source = fsByteSource(root);
    let start = 0;
    let firstBlock = 0;
    this.parts = fragments.map((entry) => {
      const rowsPerBlock = entry.blocks?.rowsPerBlock ?? Math.max(1, entry.rows);
      const blocks = entry.blocks ? blockCount(entry.rows, rowsPerBlock) : entry.rows > 0 ? 1 : 0;
      const part: Part = {
        entry,
        start,
        firstBlock,
        rowsPerBlock,
        blocks,
        index: null,
      };
      start += entry.rows;
      firstBlock += blocks;
      return part;
    });
    this.length = start;
    this.totalBlocks = firstBlock;
  }

  get dtype(): ScalarDType {
    return this.type.dtype;
  }

  get nullCount(): number {
    return this.whole().nullCount;
  }

  isNull(i: number): boolean {
    const [c, j] = this.locate(i);
    return c.isNull(j);
  }

  getUnchecked(i: number): ScalarValue | null {
    const [c, j] = this.locate(i);
    return c.getUnchecked(j);
  }

  format(i: number): string {
    const [c, j] = this.locate(i);
    return c.format(j);
  }

  /** The rows at `indices` (-1 = null) as an in-memory column, reading only the blocks that hold them. */
  take(indices: Indices): Column<ScalarValue> {
    const n = indices.length;
    const blockOf = new Int32Array(n);
    const wanted = new Set<number>();
    for (let k = 0; k < n; k++) {
      const j = indices[k];
      if (j === -1) {
        blockOf[k] = -1;
        continue;
      }
      if (!Number.isInteger(j) || j < 0 || j >= this.length) throw new IndexOutOfRangeError(j, this.length);
      const b = this.blockOfRow(j);
      blockOf[k] = b;
      wanted.add(b);
    }
    if (wanted.size > SCATTERED_BLOCKS) {
      // Scattered takes (windows of a sorted view) come again: once they have read a good share
      // of the column block by block, the whole column is loaded (and kept) instead.
      for (const b of wanted) if (!this.cache.has(b)) this.scatteredReads++;
      if (
        wanted.size > WHOLE_LOAD_SHARE * this.totalBlocks ||
        this.scatteredReads > WHOLE_LOAD_SHARE * this.totalBlocks
      )
        return this.whole().take(indices) as Column<ScalarValue>;
    }
    const ids = [...wanted].sort((a, b) => a - b);
    const columns = this.blocks(ids);
    // Each block gives its rows (a copy of those rows only, not of the block); the pieces, in
    // block order, are joined and put back in the order asked for.
    const slot = new Map<number, number>(ids.map((id, q) => [id, q]));
    const count = new Int32Array(ids.length + 1);
    for (let k = 0; k < n; k++) if (blockOf[k] !== -1) count[slot.get(blockOf[k])! + 1]++;
    for (let q = 0; q < ids.length; q++) count[q + 1] += count[q];
    const local = new Int32Array(count[ids.length]);
    const order = new Int32Array(n);
    const fill = count.slice(0, ids.length);
    for (let k = 0; k < n; k++) {
      if (blockOf[k] === -1) {
        order[k] = -1;
        continue;
      }
      const q = slot.get(blockOf[k])!;
      const at = fill[q]++;
      local[at] = indices[k] - this.firstRowOf(ids[q]);
      order[k] = at;
    }
    const pieces = columns.map((c, q) => c.take(local.subarray(count[q], count[q + 1])));
    const joined = pieces.length === 0 ? ScalarColumn.from([], this.dtype) : concatColumns(pieces);
    return joined.take(order) as Column<ScalarValue>;
  }

  /** The block holding row `i` and the row's position in it (the last one used is checked first). */
  private locate(i: number): [ScalarColumn, number] {
    const last = this.lastBlock;
    if (last !== null && i >= last.first && i < last.first + last.column.length)
      return [last.column, i - last.first];
    const b = this.blockOfRow(i);
    const column = this.blocks([b])[0];
    const first = this.firstRowOf(b);
    this.lastBlock = { first, column };
    return [column, i - first];
  }

  private blockOfRow(i: number): number {
    const p = this.parts[this.partOf(i)];
    return p.firstBlock + Math.floor((i - p.start) / p.rowsPerBlock);
  }

  private firstRowOf(block: number): number {
    const p = this.parts[this.partOfBlock(block)];
    return p.start + (block - p.firstBlock) * p.rowsPerBlock;
  }

  /** Decoded blocks `ids` (ascending), from the cache or read (adjacent ones with one read). */
  private blocks(ids: readonly number[]): ScalarColumn[] {
    const out: ScalarColumn[] = new Array(ids.length);
    let q = 0;
    while (q < ids.length) {
      const hit = this.cache.get(ids[q]);
      if (hit !== undefined) {
        this.cache.delete(ids[q]);
        this.cache.set(ids[q], hit);
        out[q++] = hit;
        continue;
      }
      const part = this.parts[this.partOfBlock(ids[q])];
      const first = ids[q] - part.firstBlock;
      let last = first;
      let r = q + 1;
      if (part.entry.blocks) {
        const index = this.index(part);
        while (
          r < ids.length &&
          ids[r] === part.firstBlock + last + 1 &&
          last + 1 < part.blocks &&
          !this.cache.has(ids[r]) &&
          index.offsets[last + 2] - index.offsets[first] <= MAX_READ_BYTES
        ) {
          last++;
          r++;
        }
      }
      const decoded = part.entry.blocks
        ? readBlocks(this.source, part.entry, this.index(part), this.dtype, first, last)
        : [loadScalarFragment(this.source, this.dtype, part.entry)];
      for (let k = 0; k < decoded.length; k++) {
        out[q + k] = decoded[k];
        this.remember(part.firstBlock + first + k, decoded[k]);
      }
      q = r;
    }
    return out;
  }

  private remember(id: number, c: ScalarColumn) {
    this.cache.set(id, c);
    if (this.cache.size > CACHED_BLOCKS) this.cache.delete(this.cache.keys().next().value!);
  }

  private index(part: Part): BlockIndex {
    part.index ??= loadBlockIndex(this.source, part.entry);
    return part.index;
  }

  /** Index of the part that holds row `i` (binary search). */
  private partOf(i: number): number {
    return lastAtMost(this.parts, (p) => p.start, i);
  }

  private partOfBlock(b: number): number {
    return lastAtMost(this.parts, (p) => p.firstBlock, b);
  }
}

/** The last index of `parts` whose key is at most `x` (keys ascending). */
function lastAtMost(parts: readonly Part[], key: (p: Part) => number, x: number): number {
  let lo = 0;
  let hi = parts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (key(parts[mid]) <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Blocks `first..last` of a format 2 fragment, read with one positioned read, each verified and decoded. */
function readBlocks(
  source: ByteSource,
  f: FileFragment,
  index: BlockIndex,
  dtype: ScalarDType,
  first: number,
  last: number,
): ScalarColumn[] {
  const file = source.name(f.file.path);
  const from = index.offsets[first];
  const bytes = source.read(f.file.path, f.file.bytes, from, index.offsets[last + 1]);
  const out: ScalarColumn[] = [];
  for (let b = first; b <= last; b++) out.push(decodeBlocks(bytes, from, index, file, f, dtype, b, b));
  return out;
}
