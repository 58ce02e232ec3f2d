// Row windows with `preview=N`: each 1-D tensor cell arrives as N [min, max] pairs, equal to a naive
// min/max per bucket (value i of d in bucket ⌊i·N/d⌋, non-finite values skipped), nulls stay null,
// 2-D tensors and short vectors come whole, views preview too, and a bad preview is a typed 400.
import * as arrow from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { DataFrame, TensorColumn } from '../../../src/index.js';
import { createAppServer } from '../../../src/node/server/index.js';

const N = 60;
const D = 512;

/** Deterministic values with spikes, a NaN and an Infinity in some rows, and null rows. */
function sampleFrame(): DataFrame {
  const emb = new Float32Array(N * D);
  for (let i = 0; i < N; i++)
    for (let j = 0; j < D; j++) emb[i * D + j] = Math.sin(i * 0.7 + j * 0.13) + (j % 97 === i % 97 ? 5 : 0);
  emb[3 * D + 10] = Number.NaN;
  emb[4 * D + 511] = Number.POSITIVE_INFINITY;
  // Row 5's first bucket (of 64: values 0..7) holds no finite value.
  for (let j = 0; j < 8; j++) emb[5 * D + j] = Number.NaN;
  const validity = new Uint8Array(Math.ceil(N / 8)).fill(0xff);
  validity[0] &= ~(1 << 2); // row 2 is null
  const grid = Float32Array.from({ length: N * 12 }, (_, k) => k % 13);
  return new DataFrame({
    id: Int32Array.from({ length: N }, (_, i) => i),
    emb: new TensorColumn(emb, [D], N, validity),
    grid: new TensorColumn(grid, [3, 4], N),
    short: new TensorColumn(
      Float64Array.from({ length: N * 6 }, (_, k) => k),
      [6],
      N,
    ),
  });
}

/** The naive preview of one row: per bucket, [min, max] of its finite values (NaN, NaN if none). */
function naivePreview(row: ArrayLike<number>, buckets: number): number[] {
  const lo = new Array<number>(buckets).fill(Number.POSITIVE_INFINITY);
  const hi = new Array<number>(buckets).fill(Number.NEGATIVE_INFINITY);
  for (let i = 0; i < row.length; i++) {
    const b = Math.floor((i * buckets) / row.length);
    if (!Number.isFinite(row[i])) continue;
    lo[b] = Math.min(lo[b], row[i]);
    hi[b] = Math.max(hi[b], row[i]);
  }
  const out: number[] = [];
  for (let b = 0; b < buckets; b++)
    out.push(...(lo[b] <= hi[b] ? [Math.fround(lo[b]), Math.fround(hi[b])] : [Number.NaN, Number.NaN]));
  return out;
}

function cells(body: Buffer, name: string): (number[] | null)[] {
  const vector = arrow.tableFromIPC(body).getChild(name)!;
  return Array.from({ length: vector.length }, (_, i) => {
    const v = vector.get(i);
    return v === null ? null : Array.from(v.toArray() as ArrayLike<number>);
  });
}

describe('row windows with preview=N', () => {
  it('send each 1-D tensor as N [min, max] buckets, equal to a naive min/max per bucket', async () => {
    const frame = sampleFrame();
    const app = await createAppServer(frame);
    const full = await app.inject({ url: `/api/rows?start=0&end=${N}&columns=id,emb` });
    const res = await app.inject({ url: `/api/rows?start=0&end=${N}&columns=id,emb&preview=64` });
    expect(res.statusCode, res.body).toBe(200);
    const emb = frame.column<TensorColumn<Float32Array>>('emb');
    const got = cells(res.rawPayload, 'emb');
    expect(got).toHaveLength(N);
    for (let i = 0; i < N; i++) {
      if (i === 2) {
        expect(got[i]).toBeNull();
        continue;
      }
      const row = emb.data.subarray(i * D, (i + 1) * D);
      expect(got[i], `row ${i}`).toEqual(naivePreview(row, 64));
    }
    // 128 float32 numbers a row instead of 512: about a quarter of the bytes.
    expect(res.rawPayload.length).toBeLessThan(full.rawPayload.length * 0.3);
  });

  it('leave 2-D tensors and vectors no longer than 2N whole; views preview too', async () => {
    const frame = sampleFrame();
    const app = await createAppServer(frame);
    const res = await app.inject({ url: '/api/rows?start=10&end=20&columns=grid,short&preview=3' });
    expect(res.statusCode, res.body).toBe(200);
    const grid = frame.column<TensorColumn<Float32Array>>('grid').data;
    const short = frame.column<TensorColumn<Float64Array>>('short').data;
    expect(cells(res.rawPayload, 'grid')).toEqual(
      Array.from({ length: 10 }, (_, k) => Array.from(grid.subarray((10 + k) * 12, (11 + k) * 12))),
    );
    expect(cells(res.rawPayload, 'short')).toEqual(
      Array.from({ length: 10 }, (_, k) => Array.from(short.subarray((10 + k) * 6, (11 + k) * 6))),
    );

    const view = await app.inject({
      method: 'POST',
      url: '/api/views',
      payload: { sort: [{ column: 'id', descending: true }] },
    });
    expect(view.statusCode, view.body).toBe(201);
    const id = view.json().id as string;
    const rows = await app.inject({ url: `/api/views/${id}/rows?start=0&end=5&columns=emb&preview=16` });
    expect(rows.statusCode, rows.body).toBe(200);
    const emb = frame.column<TensorColumn<Float32Array>>('emb').data;
    expect(cells(rows.rawPayload, 'emb')).toEqual(
      Array.from({ length: 5 }, (_, k) => naivePreview(emb.subarray((N - 1 - k) * D, (N - k) * D), 16)),
    );
  });

  it('refuse a preview that is not a whole number from 1 to 4096 with a typed 400', async () => {
    const app = await createAppServer(sampleFrame());
    for (const p of ['0', '-3', '1.5', 'x', '5000']) {
      const res = await app.inject({ url: `/api/rows?start=0&end=3&preview=${p}` });
      expect(res.statusCode, p).toBe(400);
      expect(res.json().error.type, p).toBe('InvalidArgumentError');
    }
  });
});
