import { describe, expect, it } from 'vitest';
import { intervalYield, yieldToEventLoop } from '../../../src/core/exec/event-loop-yield.js';

describe('yielding to the event loop', () => {
  it('lets a due timer run (a macrotask, not a microtask)', async () => {
    let fired = false;
    setTimeout(() => {
      fired = true;
    }, 0);
    const end = performance.now() + 3; // the timer is due by now
    while (performance.now() < end) {}
    await Promise.resolve();
    expect(fired).toBe(false); // a microtask does not let it run
    // Node runs setImmediate callbacks before timers when called from the poll phase: a timer due
    // now runs within two yields (one turn of the loop), which a 10 ms interval leaves room for.
    await yieldToEventLoop();
    await yieldToEventLoop();
    expect(fired).toBe(true);
  });

  it('an interval yield pays only once the interval has passed', async () => {
    const yielded = intervalYield(5);
    expect(yielded()).toBeUndefined();
    const end = performance.now() + 6;
    while (performance.now() < end) {}
    const pause = yielded();
    expect(pause).toBeInstanceOf(Promise);
    await pause;
    expect(yielded()).toBeUndefined(); // the clock restarts after a yield
  });
});
