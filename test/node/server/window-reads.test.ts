// A row window of a stored dataset reads only its rows: asking for an embedding column by name
// must not load the column whole (the app's table names its columns in every window). Checked by
// the store's read counters, and the window's values against the formula they were written from.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as arrow from 'apache-arrow';
import { afterAll, describe, expect, it } from 'vitest';
import { DataFrame, TensorColumn, write } from '../../../src/index.js';
import { resetStoreIoStats, storeIoStats } from '../../../src/node/io/store/index.js';
import { createAppServer } from '../../../src/node/server/index.js';

const ROWS = 20_000;
const DIM = 64;
const value = (row: number, k: number) => ((row * 31 + k * 7) % 1000) / 8;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-window-reads-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('a row window of a stored dataset', () => {
  it('reads its rows of a named embedding column, not the column', async () => {
    const vectors = new Float32Array(ROWS * DIM);
    for (let i = 0; i < ROWS; i++) for (let k = 0; k < DIM; k++) vectors[i * DIM + k] = value(i, k);
    const ds = path.join(tmp, 'ds');
    await write(
      new DataFrame({
        id: Int32Array.from({ length: ROWS }, (_, i) => i),
        emb: new TensorColumn(vectors, [DIM]),
      }),
      ds,
      { fsync: false },
    );
    const app = await createAppServer(ds);
    try {
      resetStoreIoStats();
      const res = await app.inject({ url: '/api/rows?start=5000&end=5100&columns=id,emb' });
      expect(res.statusCode).toBe(200);
      const read = storeIoStats().bytesRead;
      // The embedding alone is ROWS × DIM × 4 bytes (5 MB); the window's rows are 100 × DIM × 4.
      expect(read).toBeLessThan((ROWS * DIM * 4) / 10);
      const table = arrow.tableFromIPC(res.rawPayload);
      expect(table.getChild('id')!.toArray()).toEqual(Int32Array.from({ length: 100 }, (_, j) => 5000 + j));
      const emb = table.getChild('emb')!;
      for (const j of [0, 57, 99]) {
        const expected = Float32Array.from({ length: DIM }, (_, k) => value(5000 + j, k));
        expect(Float32Array.from(emb.get(j) as Iterable<number>)).toEqual(expected);
      }
      // An unknown column is still a clear 4xx naming the columns there are.
      const bad = await app.inject({ url: '/api/rows?start=0&end=1&columns=id,embb' });
      expect(bad.statusCode).toBeGreaterThanOrEqual(400);
      expect(bad.statusCode).toBeLessThan(500);
      expect(bad.json().error).toMatchObject({ type: 'ColumnNotFoundError' });
      expect(bad.json().error.message).toContain('did you mean "emb"');
    } finally {
      await app.close();
    }
  });
});
