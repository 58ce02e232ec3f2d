/**
 * Full loads of stored scalar columns (format 2: record batches with a block index), which decode
 * every block straight into one column: the values equal those written (nulls, multibyte strings,
 * int64 beyond 2^53, float64, bool, an all-null block, several fragments), the file is read once,
 * and a flipped bit anywhere in the file (any block, head or footer) is a CorruptDataError.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { beforeAll, describe, expect, it } from 'vitest';
import { columnToArrowData } from '../../../../src/core/column/arrow.js';
import { blockCount, decodeBlockIndex } from '../../../../src/core/io/store/block-index.js';
import { append, CorruptDataError, read, ScalarColumn, write } from '../../../../src/index.js';
import { checkedTable } from '../../../../src/node/io/formats/arrow-ipc-check.js';
import { resetStoreIoStats, storeIoStats } from '../../../../src/node/io/store/index.js';
import { mulberry32 } from '../../../helpers/random.js';
import { blockValues, DTYPES, fragmentsOf, frameOf, manifestOf } from './block-data.js';
import { plainValue, tempDatasets } from './helpers.js';

const dataset = tempDatasets('tessera-full-');
const fast = { fsync: false };

/** Several blocks of every column (bool blocks hold 65536 rows), the last one partial. */
const N = 140_001;
const rng = mulberry32(11);
// The first 40000 rows of i are null: whole blocks of int32 with no valid value.
const values = blockValues(N, rng, { leadingNulls: 40_000, hugeFloats: true });

/** The column as JSON text of plain values (fast to compare). */
function text(v: readonly unknown[]): string {
  return JSON.stringify(v.map(plainValue));
}

async function loadError(p: string, name: string): Promise<unknown> {
  try {
    (await read(p)).column(name);
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('full loads of stored scalar columns', () => {
  let p: string;
  beforeAll(async () => {
    p = dataset();
    await write(frameOf(values), p, fast);
  });

  it('equal the values written, each file read once', async () => {
    const df = await read(p);
    for (const name of Object.keys(values)) {
      const f = fragmentsOf(manifestOf(p), name)[0];
      expect(blockCount(N, f.blocks!.rowsPerBlock), name).toBeGreaterThan(1);
      resetStoreIoStats();
      const column = df.column(name);
      expect(storeIoStats().bytesRead, name).toBe(f.file.bytes + f.blocks!.file.bytes);
      expect(column.nullCount, name).toBe(values[name].filter((v) => v === null).length);
      expect(text(column.toArray()), name).toBe(text(values[name]));
    }
  });

  it('are Arrow IPC files that any Arrow reader reads: footer, messages and layout check out', () => {
    for (const name of Object.keys(values)) {
      const file = path.join(p, fragmentsOf(manifestOf(p), name)[0].file.path);
      const table = checkedTable(new Uint8Array(fs.readFileSync(file)), file);
      expect(table.batches.length, name).toBe(
        blockCount(N, fragmentsOf(manifestOf(p), name)[0].blocks!.rowsPerBlock),
      );
      const column = table.getChildAt(0)!;
      expect(text(Array.from(column, (v) => (v instanceof Uint8Array ? null : v))), name).toBe(
        text(values[name]),
      );
    }
  });

  it("are byte for byte the files Arrow JS's own file writer gives for the same batches", () => {
    for (const name of Object.keys(values)) {
      const f = fragmentsOf(manifestOf(p), name)[0];
      const rpb = f.blocks!.rowsPerBlock;
      const dtype = DTYPES[name as keyof typeof DTYPES];
      const batches: arrow.RecordBatch[] = [];
      for (let start = 0; start < N; start += rpb) {
        const data = columnToArrowData(ScalarColumn.from(values[name].slice(start, start + rpb), dtype));
        batches.push(new arrow.RecordBatch({ [name]: data }));
      }
      const reference = arrow.RecordBatchFileWriter.writeAll(batches).toUint8Array(true);
      expect(Buffer.compare(fs.readFileSync(path.join(p, f.file.path)), reference), name).toBe(0);
    }
  });

  it('of several fragments equal the values written and appended', async () => {
    const q = dataset();
    const more = Object.fromEntries(Object.entries(values).map(([name, v]) => [name, v.slice(1000, 71_000)]));
    await write(frameOf(values), q, fast);
    await append(q, frameOf(more), fast);
    const df = await read(q);
    for (const name of Object.keys(values))
      expect(text(df.column(name).toArray()), name).toBe(text([...values[name], ...more[name]]));
  });

  it('a flipped bit in any block, the head or the footer fails the load and names the file', async () => {
    for (const name of Object.keys(values)) {
      const f = fragmentsOf(manifestOf(p), name)[0];
      const file = path.join(p, f.file.path);
      const indexFile = path.join(p, f.blocks!.file.path);
      const blocks = blockCount(f.rows, f.blocks!.rowsPerBlock);
      const { offsets } = decodeBlockIndex(fs.readFileSync(indexFile), indexFile, blocks, f.file.bytes);
      const original = fs.readFileSync(file);
      // A byte in the head, in each block (its header, its middle, its last byte), in the footer.
      const spots = [3, f.file.bytes - 12];
      for (let b = 0; b < blocks; b++)
        spots.push(offsets[b] + 9, Math.floor((offsets[b] + offsets[b + 1]) / 2), offsets[b + 1] - 1);
      for (const at of spots) {
        const bytes = Buffer.from(original);
        bytes[at] ^= 1 << Math.floor(rng() * 8);
        fs.writeFileSync(file, bytes);
        const error = await loadError(p, name);
        expect(error, `column ${name}, byte ${at}`).toBeInstanceOf(CorruptDataError);
        expect((error as CorruptDataError).file).toBe(file);
        const b = offsets.findIndex((o, k) => k < blocks && at >= o && at < offsets[k + 1]);
        if (b >= 0) expect((error as Error).message).toContain(`block ${b} (rows`);
      }
      fs.writeFileSync(file, original);
      expect(text((await read(p)).column(name).toArray())).toBe(text(values[name]));
    }
  });
});
