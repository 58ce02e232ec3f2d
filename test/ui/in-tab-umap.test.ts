// The in-tab worker's UMAP in a Web Worker of its own (ui/src/local/in-tab-umap.ts), in Node over a
// stand-in worker that runs the worker's own code (umap-worker-stand-in.ts; the bytes are checked
// against the server's in in-tab-analysis.test.ts, the real worker in Chromium in test/e2e): one
// worker per layout, its script umap-worker.ts, the rows handed over; cancelling rejects with an
// AbortedError and stops the worker before its result; without a global Worker, an UnsupportedError.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AbortedError, UnsupportedError } from '../../src/core/errors.js';
import { umapInTab } from '../../ui/src/local/in-tab-umap.js';
import { UmapWorkerStandIn } from './umap-worker-stand-in.js';

const ROWS = 60;
const DIMS = 4;
const rows = () => Float64Array.from({ length: ROWS * DIMS }, (_, i) => Math.sin(i * 0.37) + (i % 3));

describe('umapInTab', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    UmapWorkerStandIn.started.length = 0;
  });

  it('lays the rows out in a worker of its own, with progress, and ends the worker', async () => {
    vi.stubGlobal('Worker', UmapWorkerStandIn);
    const data = rows();
    const progress: number[] = [];
    const xy = await umapInTab(
      data,
      ROWS,
      DIMS,
      (done, total) => progress.push(done / total),
      new AbortController().signal,
    );
    expect(xy.length).toBe(ROWS * 2);
    expect(xy.every(Number.isFinite)).toBe(true);
    expect(data.length).toBe(0); // the rows were handed over, not copied
    expect(progress.length).toBeGreaterThan(5);
    expect(progress.at(-1)).toBe(1);
    const [worker] = UmapWorkerStandIn.started;
    expect(UmapWorkerStandIn.started).toHaveLength(1);
    expect(String(worker.script)).toMatch(/\/umap-worker\.ts$/);
    expect(worker.options).toEqual({ type: 'module', name: 'tessera-umap' });
    expect(worker.terminated).toBe(true);
  });

  it('rejects with an AbortedError and ends the worker when cancelled mid-way', async () => {
    vi.stubGlobal('Worker', UmapWorkerStandIn);
    const cancel = new AbortController();
    let after = 0;
    const run = umapInTab(
      rows(),
      ROWS,
      DIMS,
      () => (cancel.signal.aborted ? after++ : cancel.abort()),
      cancel.signal,
    );
    await expect(run).rejects.toBeInstanceOf(AbortedError);
    expect(after).toBe(0);
    expect(UmapWorkerStandIn.started[0].terminated).toBe(true);
    const already = umapInTab(rows(), ROWS, DIMS, () => {}, cancel.signal);
    await expect(already).rejects.toBeInstanceOf(AbortedError);
    expect(UmapWorkerStandIn.started).toHaveLength(1);
  });

  it('says it needs Web Workers where there are none', async () => {
    expect(typeof (globalThis as { Worker?: unknown }).Worker).toBe('undefined');
    const run = umapInTab(rows(), ROWS, DIMS, () => {}, new AbortController().signal);
    await expect(run).rejects.toBeInstanceOf(UnsupportedError);
  });
});
