/**
 * A tensor column backed by a dataset's `.npy` fragment files, read with positioned reads: a row
 * or a set of rows costs the checksum blocks that hold them (about 4 KiB each), not the file.
 * Every block read is verified against its CRC-32 before its rows are used. The whole column's load
 * is the core's (src/core/io/store/tensor-fragment.ts).
 */
import * as fs from 'node:fs';
import { countSetBits, getBit, markNull } from '../../../core/column/bitmap.js';
import { Column, type Indices } from '../../../core/column/column.js';
import { TensorColumn } from '../../../core/column/tensor.js';
import { TENSOR_ARRAYS, type TensorArray, type TensorDType } from '../../../core/column/types.js';
import { IndexOutOfRangeError } from '../../../core/errors.js';
import { type ByteSource, readVerifiedEntry } from '../../../core/io/store/byte-source.js';
import { TENSOR_BYTES, type TensorFragment } from '../../../core/io/store/manifest.js';
import {
  checkTensorHeader,
  loadTensorColumn,
  loadTensorSums,
  verifyTensorBlocks,
} from '../../../core/io/store/tensor-fragment.js';
import { openChecked, readAt } from './file-io.js';
import { fsByteSource } from './fs-byte-source.js';

/** Largest single read when gathering rows (adjacent blocks are read together up to this). */
const MAX_READ_BYTES = 8 * 2 ** 20;

interface Part {
  entry: TensorFragment;
  /** First row of this fragment in the column. */
  start: number;
  file: string;
  /** Block checksums ([0] is the header's), loaded on first use. */
  sums: Uint32Array | null;
  /** Validity bitmap; undefined until loaded, null when no row is null. */
  validity: Uint8Array | null | undefined;
  headerChecked: boolean;
}

type TensorType = { readonly kind: 'tensor'; readonly dtype: TensorDType; readonly shape: readonly number[] };

export class MappedTensorColumn extends Column<TensorArray> {
  readonly type: TensorType;
  readonly length: number;
  /** Elements per row. */
  readonly rowSize: number;
  private readonly rowBytes: number;
  private readonly parts: Part[];
  private readonly source: ByteSource;
  private nulls = -1;

  constructor(root: string, type: TensorType, fragments: readonly TensorFragment[]) {
    super();
    this.source = fsByteSource(root);
    this.type = { kind: 'tensor', dtype: type.dtype, shape: Object.freeze([...type.shape]) };
    this.rowSize = type.shape.reduce((a, b) => a * b, 1);
    this.rowBytes = this.rowSize * TENSOR_BYTES[type.dtype];
    let start = 0;
    this.parts = fragments.map((entry) => {
      const part: Part = {
        entry,
        start,
        file: this.source.name(entry.data.path),
        sums: null,
        validity: entry.validity === null ? null : undefined,
        headerChecked: false,
      };
      start += entry.rows;
      return part;
    });
    this.length = start;
  }

  get dtype(): TensorDType {
    return this.type.dtype;
  }

  get shape(): readonly number[] {
    return this.type.shape;
  }

  get nullCount(): number {
    if (this.nulls < 0) {
      let n = 0;
      for (const p of this.parts) {
        const v = this.validity(p);
        if (v !== null) n += p.entry.rows - countSetBits(v, p.entry.rows);
      }
      this.nulls = n;
    }
    return this.nulls;
  }

  isNull(i: number): boolean {
    const p = this.parts[this.partOf(i)];
    const v = this.validity(p);
    return v !== null && !getBit(v, i - p.start);
  }

  getUnchecked(i: number): TensorArray | null {
    return this.take([i]).getUnchecked(0);
  }

  format(i: number): string {
    return this.isNull(i) ? 'null' : `<tensor ${this.shape.join('×') || 'scalar'}>`;
  }

  /** The rows at `indices` (-1 = null) as an in-memory tensor column, reading only their blocks. */
  take(indices: Indices): TensorColumn {
    const n = indices.length;
    const out = new TENSOR_ARRAYS[this.dtype](n * this.rowSize);
    const outBytes = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
    let validity: Uint8Array | null = null;
    // Requests sorted by row, so each file is read front to back and adjacent blocks coalesce.
    const order: number[] = [];
    for (let k = 0; k < n; k++) {
      const j = indices[k];
      if (j === -1) validity = markNull(validity, n, k);
      else {
        if (!Number.isInteger(j) || j < 0 || j >= this.length) throw new IndexOutOfRangeError(j, this.length);
        order.push(k);
      }
    }
    sortByRow(order, indices, this.length);
    let q = 0;
    while (q < order.length) {
      const pi = this.partOf(indices[order[q]]);
      const part = this.parts[pi];
      const end = part.start + part.entry.rows;
      let r = q;
      while (r < order.length && indices[order[r]] < end) r++;
      const positions = order.slice(q, r);
      const v = this.validity(part);
      const wanted: number[] = [];
      for (const k of positions) {
        if (v !== null && !getBit(v, indices[k] - part.start)) validity = markNull(validity, n, k);
        else wanted.push(k);
      }
      if (wanted.length && this.rowBytes > 0) this.gather(part, wanted, indices, outBytes);
      q = r;
    }
    return new TensorColumn(out, this.shape, n, validity);
  }

  /** Read the whole column into memory (every block verified): the core's whole load over the files. */
  load(): TensorColumn {
    return loadTensorColumn(
      this.source,
      this.type,
      this.parts.map((p) => p.entry),
    );
  }

  /** Read the blocks holding rows `indices[k]` (k in `positions`, sorted by row) of one part. */
  private gather(part: Part, positions: number[], indices: Indices, outBytes: Uint8Array) {
    const { rows, data } = part.entry;
    const rpb = data.rowsPerBlock;
    const blockBytes = rpb * this.rowBytes;
    const totalBytes = rows * this.rowBytes;
    const sums = this.sums(part);
    const fd = openChecked(part.file, data.bytes);
    try {
      this.checkHeader(part, fd, sums);
      let scratch = new Uint8Array(0);
      let i = 0;
      while (i < positions.length) {
        const first = Math.floor((indices[positions[i]] - part.start) / rpb);
        let last = first;
        let j = i;
        while (j + 1 < positions.length) {
          const b = Math.floor((indices[positions[j + 1]] - part.start) / rpb);
          if (b <= last) j++;
          else if (b === last + 1 && (b - first + 1) * blockBytes <= MAX_READ_BYTES) {
            last = b;
            j++;
          } else break;
        }
        const from = first * blockBytes;
        const to = Math.min(totalBytes, (last + 1) * blockBytes);
        if (scratch.length < to - from)
          scratch = new Uint8Array(Math.max(to - from, Math.min(MAX_READ_BYTES, 2 * scratch.length)));
        const buf = scratch.subarray(0, to - from);
        readAt(fd, part.file, buf, data.headerBytes + from);
        this.verifyBlocks(part, sums, buf, first);
        for (let k = i; k <= j; k++) {
          const p = positions[k];
          const at = (indices[p] - part.start) * this.rowBytes - from;
          outBytes.set(buf.subarray(at, at + this.rowBytes), p * this.rowBytes);
        }
        i = j + 1;
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Check whole blocks in `bytes`, which start at block `firstBlock` of the part's data. */
  private verifyBlocks(part: Part, sums: Uint32Array, bytes: Uint8Array, firstBlock: number) {
    verifyTensorBlocks(bytes, sums, firstBlock, part.entry, this.rowBytes, part.file);
  }

  private checkHeader(part: Part, fd: number, sums: Uint32Array) {
    if (part.headerChecked) return;
    const header = new Uint8Array(part.entry.data.headerBytes);
    readAt(fd, part.file, header, 0);
    checkTensorHeader(header, sums, part.file, this.type, part.entry.rows);
    part.headerChecked = true;
  }

  private sums(part: Part): Uint32Array {
    part.sums ??= loadTensorSums(this.source, part.entry);
    return part.sums;
  }

  private validity(part: Part): Uint8Array | null {
    if (part.validity === undefined) part.validity = readVerifiedEntry(this.source, part.entry.validity!);
    return part.validity;
  }

  /** Index of the part that holds row `i` (binary search). */
  private partOf(i: number): number {
    let lo = 0;
    let hi = this.parts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.parts[mid].start <= i) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** Sort positions by the row they request (stable), fast for the common already-sorted case. */
function sortByRow(order: number[], indices: Indices, rows: number) {
  let sorted = true;
  for (let k = 1; k < order.length; k++)
    if (indices[order[k]] < indices[order[k - 1]]) {
      sorted = false;
      break;
    }
  if (sorted) return;
  const n = indices.length;
  if (order.length > 1000 && rows * n < 2 ** 53) {
    // Numeric sort of row·n + position keys is several times faster than a comparator.
    const keys = new Float64Array(order.length);
    for (let k = 0; k < order.length; k++) keys[k] = indices[order[k]] * n + order[k];
    keys.sort();
    for (let k = 0; k < order.length; k++) order[k] = keys[k] % n;
    return;
  }
  order.sort((a, b) => indices[a] - indices[b] || a - b);
}
