// Long runs in this thread give the event loop a turn now and then, so timers, I/O and an
// AbortSignal's abort event can run (and a browser page stays responsive) between batches.
//
// Which yield (measured, 2000 yields each, see the g-exec report): Node's setImmediate costs ~3 µs
// and lets due timers run; in Chromium a MessageChannel message costs ~14 µs and lets timers run,
// while setTimeout(0) is clamped to ~4 ms there. In Node a MessageChannel loop starves timers, so
// setImmediate comes first.

type Schedule = (callback: () => void) => void;

/** The part of the web's MessageChannel used here (Node's own typing differs). */
interface WebMessageChannel {
  port1: { onmessage: (() => void) | null };
  port2: { postMessage(message: null): void };
}

let schedule: Schedule | null = null;

function scheduler(): Schedule {
  if (schedule !== null) return schedule;
  const g = globalThis as unknown as {
    setImmediate?: (callback: () => void) => unknown;
    MessageChannel?: new () => WebMessageChannel;
  };
  if (typeof g.setImmediate === 'function') {
    const setImmediate = g.setImmediate;
    schedule = (callback) => void setImmediate(callback);
  } else if (typeof g.MessageChannel === 'function') {
    const channel = new g.MessageChannel();
    const waiting: (() => void)[] = [];
    channel.port1.onmessage = () => waiting.shift()?.();
    schedule = (callback) => {
      waiting.push(callback);
      channel.port2.postMessage(null);
    };
  } else schedule = (callback) => void setTimeout(callback, 0);
  return schedule;
}

/**
 * Resolves in a macrotask, so timers, I/O and events get their turn (in Node a timer that is due
 * runs within two yields: setImmediate callbacks may come before timers in the same loop turn).
 */
export function yieldToEventLoop(): Promise<void> {
  const run = scheduler();
  return new Promise((resolve) => run(resolve));
}

/** How long a run may hold the thread before it yields (ms): short enough for timers and UI. */
export const YIELD_INTERVAL_MS = 10;

/**
 * A yield that only happens when `intervalMs` have passed since the last one, so many tiny batches
 * do not pay for it: `await yielder()` between batches.
 */
export function intervalYield(intervalMs = YIELD_INTERVAL_MS): () => Promise<void> | undefined {
  let last = performance.now();
  return () => {
    if (performance.now() - last < intervalMs) return undefined;
    return yieldToEventLoop().then(() => {
      last = performance.now();
    });
  };
}
