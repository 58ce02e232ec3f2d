import { describe, expect, it } from 'vitest';
import { AbortedError, DataFrame } from '../../../src/core/index.js';

// A CPU-bound map: every batch holds the thread for `ms` without awaiting anything. The reference
// for "fair" is the event loop itself: a timer due during the run must fire before the run ends.
const BATCHES = 200;
const BATCH_MS = 2;
const frame = new DataFrame({ id: Int32Array.from({ length: BATCHES * 10 }, (_, i) => i) });

function busyMap(options: { signal?: AbortSignal }, onBatch: () => void) {
  return frame.map(
    (batch: DataFrame) => {
      onBatch();
      const end = performance.now() + BATCH_MS;
      while (performance.now() < end) {}
      return batch.column('id').toArray();
    },
    { batched: true, batchSize: 10, ...options },
  );
}

describe('the inline executor yields to the event loop between batches', () => {
  it('lets a timer set before a CPU-bound map fire while the map runs', async () => {
    let batches = 0;
    let batchesWhenFired = -1;
    const timer = setTimeout(() => {
      batchesWhenFired = batches;
    }, 5);
    await busyMap({}, () => batches++);
    clearTimeout(timer);
    expect(batches).toBe(BATCHES);
    expect(batchesWhenFired).toBeGreaterThan(0);
    expect(batchesWhenFired).toBeLessThan(BATCHES);
  });

  it('stops at an abort fired from a timer; the AbortedError carries the reason as cause', async () => {
    const controller = new AbortController();
    const reason = new Error('user stop');
    setTimeout(() => controller.abort(reason), 20);
    let batches = 0;
    const error = await busyMap({ signal: controller.signal }, () => batches++).catch((e) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect(error.cause).toBe(reason);
    expect(controller.signal.reason).toBe(reason);
    expect(error.message).toMatch(/cancelled after \d+ of 200 batches: user stop/);
    // The whole run takes BATCHES * BATCH_MS = 400 ms of batches; it stops soon after 20 ms instead
    // (counted in batches, which a loaded machine does not stretch as it stretches wall time).
    expect(batches).toBeLessThan(BATCHES / 2);
  });

  it('abort() without a reason: the cause is the signal’s DOMException "AbortError"', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const error = await busyMap({ signal: controller.signal }, () => {}).catch((e) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect(error.cause).toBe(controller.signal.reason);
    expect((error.cause as DOMException).name).toBe('AbortError');
  });

  it('an already aborted signal fails before the first batch, with its reason as cause', async () => {
    const reason = new Error('too late');
    let batches = 0;
    const error = await busyMap({ signal: AbortSignal.abort(reason) }, () => batches++).catch((e) => e);
    expect(error).toBeInstanceOf(AbortedError);
    expect(error.cause).toBe(reason);
    expect(batches).toBe(0);
  });
});
