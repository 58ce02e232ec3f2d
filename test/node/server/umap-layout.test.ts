// The server's UMAP thread (src/node/server/umap-layout.ts, a module file started as the worker
// pool starts its threads): the bytes equal core's run computed in this thread (the one the tab's
// worker runs), its progress comes per twentieth of the epochs, and cancelling mid-way rejects with
// an AbortedError and reports no progress after.
import { describe, expect, it } from 'vitest';
import { AbortedError } from '../../../src/core/errors.js';
import { answerUmapRequest, type UmapReply } from '../../../src/core/layout/umap-run.js';
import { umapLayout } from '../../../src/node/server/umap-layout.js';
import { mulberry32 } from '../../helpers/random.js';

const ROWS = 90;
const DIMS = 6;
const rows = () => {
  const random = mulberry32(11);
  return Float64Array.from({ length: ROWS * DIMS }, (_, i) => random() + (Math.floor(i / DIMS) % 3) * 5);
};

/** Core's run, here in this thread. */
function runHere(neighbors: number, seed: number): Float32Array {
  let xy: Float32Array | null = null;
  answerUmapRequest({ data: rows().buffer, rows: ROWS, dims: DIMS, neighbors, seed }, (reply: UmapReply) => {
    if (reply.kind === 'done') xy = new Float32Array(reply.xy);
    if (reply.kind === 'failed') throw new Error(reply.error.message);
  });
  if (xy === null) throw new Error('the run gave no layout');
  return xy;
}

describe('umapLayout', () => {
  it('lays the rows out in its thread as core’s run does here, with progress per twentieth', async () => {
    const progress: number[] = [];
    const xy = await umapLayout(rows(), ROWS, DIMS, {
      onProgress: (done, total) => progress.push(done / total),
    });
    expect(Buffer.from(xy.buffer).equals(Buffer.from(runHere(15, 1).buffer))).toBe(true);
    expect(progress).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) / 20));
    const seeded = await umapLayout(rows(), ROWS, DIMS, { neighbors: 6, seed: 4 });
    expect(Buffer.from(seeded.buffer).equals(Buffer.from(runHere(6, 4).buffer))).toBe(true);
  }, 30_000);

  it('rejects with an AbortedError when cancelled mid-way, with no progress after', async () => {
    const cancel = new AbortController();
    let after = 0;
    const run = umapLayout(rows(), ROWS, DIMS, {
      signal: cancel.signal,
      onProgress: () => (cancel.signal.aborted ? after++ : cancel.abort()),
    });
    await expect(run).rejects.toBeInstanceOf(AbortedError);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(after).toBe(0);
    await expect(umapLayout(rows(), ROWS, DIMS, { signal: cancel.signal })).rejects.toBeInstanceOf(
      AbortedError,
    );
  }, 30_000);
});
