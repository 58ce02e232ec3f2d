import { describe, expect, it } from 'vitest';
import {
  DataFrame,
  InvalidArgumentError,
  readParquet,
  readParquetBatches,
  writeParquet,
} from '../../../../src/index.js';
import { plainRows } from '../../../helpers/arbitrary.js';
import { tempDir } from './helpers.js';

const tmp = tempDir('tessera-parquet-batch-');

async function batchesOf(file: string, batchSize: number, rowGroups?: number[]): Promise<DataFrame[]> {
  const out: DataFrame[] = [];
  for await (const b of readParquetBatches(file, { batchSize, rowGroups })) out.push(b);
  return out;
}

/** The sizes plain arithmetic gives: full batches, then the rest. */
function expectedSizes(rows: number, batchSize: number): number[] {
  const sizes = Array<number>(Math.floor(rows / batchSize)).fill(batchSize);
  if (rows % batchSize > 0) sizes.push(rows % batchSize);
  return sizes;
}

describe('readParquetBatches batchSize', () => {
  it('gives batches of exactly batchSize rows (but the last) across row-group boundaries', async () => {
    const n = 1000;
    const df = new DataFrame({
      i: Array.from({ length: n }, (_, i) => i),
      s: Array.from({ length: n }, (_, i) => `r${i}`),
    });
    const file = tmp();
    await writeParquet(df, file, { rowGroupSize: 300 });
    const whole = await readParquet(file);
    for (const batchSize of [1, 7, 128, 299, 300, 301, 999, 1000, 5000]) {
      const batches = await batchesOf(file, batchSize);
      expect(
        batches.map((b) => b.length),
        `batchSize ${batchSize}`,
      ).toEqual(expectedSizes(n, batchSize));
      let start = 0;
      for (const b of batches) {
        expect(plainRows(b)).toEqual(plainRows(whole.slice(start, start + b.length)));
        start += b.length;
      }
    }
    // Chosen row groups (300 + 100 rows) regroup too.
    const picked = await batchesOf(file, 128, [1, 3]);
    expect(picked.map((b) => b.length)).toEqual(expectedSizes(400, 128));
  });

  it('rejects a batchSize that is not a positive integer', async () => {
    const file = tmp();
    await writeParquet(new DataFrame({ i: [1, 2, 3] }), file);
    for (const bad of [0, -1, 1.5, Number.NaN])
      await expect(batchesOf(file, bad)).rejects.toBeInstanceOf(InvalidArgumentError);
  });
});
