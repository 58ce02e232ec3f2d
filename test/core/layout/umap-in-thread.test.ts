// The UMAP run and how its thread is driven (core/layout/umap-run.ts, umap-in-thread.ts), over a
// stand-in thread in this one: the request carries the rows (handed over when they span their
// buffer, else copied) and the options; progress comes every twentieth of umap-js's 500 epochs
// (its rule for fewer than 10 000 rows); a failed run rejects with its typed error, a crash with
// the crash's, a cancel with an AbortedError, each ending the thread and ignoring later replies.
import { describe, expect, it } from 'vitest';
import { AbortedError, InvalidArgumentError, WorkerCrashedError } from '../../../src/core/errors.js';
import { serializeError } from '../../../src/core/exec/worker-protocol.js';
import {
  type UmapThread,
  type UmapThreadEvents,
  umapInThread,
} from '../../../src/core/layout/umap-in-thread.js';
import { answerUmapRequest, type UmapReply, type UmapRequest } from '../../../src/core/layout/umap-run.js';
import { mulberry32 } from '../../helpers/random.js';

const ROWS = 40;
const DIMS = 3;
const rows = () => {
  const random = mulberry32(5);
  return Float64Array.from({ length: ROWS * DIMS }, (_, i) => random() + (Math.floor(i / DIMS) % 2) * 4);
};

/** A thread whose answers a script gives, delivered later as a thread's would be. */
class ScriptedThread implements UmapThread {
  readonly posted: UmapRequest[] = [];
  terminated = false;
  constructor(
    readonly events: UmapThreadEvents,
    private readonly answer: (request: UmapRequest, thread: ScriptedThread) => void,
  ) {}
  post(request: UmapRequest, transfer: ArrayBuffer[]): void {
    const moved = structuredClone(request, { transfer });
    this.posted.push(moved);
    setTimeout(() => this.answer(moved, this));
  }
  terminate(): void {
    this.terminated = true;
  }
  /** Deliver `reply` unless the thread was stopped (as a terminated thread posts nothing). */
  send(reply: UmapReply): void {
    if (!this.terminated) this.events.reply(structuredClone(reply));
  }
}

function starter(answer: (request: UmapRequest, thread: ScriptedThread) => void) {
  const started: ScriptedThread[] = [];
  const start = (events: UmapThreadEvents) => {
    const thread = new ScriptedThread(events, answer);
    started.push(thread);
    return thread;
  };
  return { start, started };
}

/** Runs core's UMAP in this thread, as the server's thread and the tab's worker do. */
const running = starter((request, thread) => answerUmapRequest(request, (reply) => thread.send(reply)));

describe('umapInThread', () => {
  it('hands the rows to the thread with its options, reports progress per twentieth, ends the thread', async () => {
    const data = rows();
    const progress: [number, number][] = [];
    const xy = await umapInThread(running.start, data, ROWS, DIMS, {
      onProgress: (done, total) => progress.push([done, total]),
      neighbors: 5,
      seed: 7,
    });
    expect(xy.length).toBe(ROWS * 2);
    expect(xy.every(Number.isFinite)).toBe(true);
    expect(data.length).toBe(0); // handed over, not copied
    const thread = running.started.at(-1) as ScriptedThread;
    expect(thread.posted.map(({ rows, dims, neighbors, seed }) => ({ rows, dims, neighbors, seed }))).toEqual(
      [{ rows: ROWS, dims: DIMS, neighbors: 5, seed: 7 }],
    );
    expect(new Float64Array(thread.posted[0].data)).toEqual(rows());
    expect(progress).toEqual(Array.from({ length: 20 }, (_, i) => [(i + 1) * 25, 500]));
    expect(thread.terminated).toBe(true);
    // Seeded: the same rows and options give the same bytes; another seed, others.
    const again = await umapInThread(running.start, rows(), ROWS, DIMS, { neighbors: 5, seed: 7 });
    expect(again).toEqual(xy);
    const other = await umapInThread(running.start, rows(), ROWS, DIMS, { neighbors: 5, seed: 8 });
    expect(other).not.toEqual(xy);
  });

  it('copies rows that are part of a larger buffer, and lays out fewer than 3 rows at the origin', async () => {
    const whole = rows();
    const part = whole.subarray(DIMS, (ROWS - 1) * DIMS + DIMS);
    const xy = await umapInThread(running.start, part, ROWS - 1, DIMS);
    expect(xy.length).toBe((ROWS - 1) * 2);
    expect(whole).toEqual(rows());
    const before = running.started.length;
    expect(await umapInThread(running.start, rows(), 2, DIMS)).toEqual(new Float32Array(4));
    expect(running.started.length).toBe(before);
  });

  it('rejects with the run’s typed error, or the crash’s, and ends the thread', async () => {
    const failing = starter((_, thread) =>
      thread.send({ kind: 'failed', error: serializeError(new InvalidArgumentError('no such rows')) }),
    );
    const failed = umapInThread(failing.start, rows(), ROWS, DIMS);
    await expect(failed).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(failed).rejects.toThrow('no such rows');
    expect(failing.started[0].terminated).toBe(true);

    const crash = new WorkerCrashedError(1, 'the UMAP worker exited (code 1)');
    const crashing = starter((_, thread) => {
      thread.events.crash(crash);
      thread.send({ kind: 'done', xy: new Float32Array(ROWS * 2).buffer });
    });
    await expect(umapInThread(crashing.start, rows(), ROWS, DIMS)).rejects.toBe(crash);
    expect(crashing.started[0].terminated).toBe(true);
  });

  it('rejects with an AbortedError when cancelled, ends the thread, and reports no progress after', async () => {
    const cancel = new AbortController();
    let after = 0;
    const run = umapInThread(running.start, rows(), ROWS, DIMS, {
      signal: cancel.signal,
      onProgress: () => (cancel.signal.aborted ? after++ : cancel.abort()),
    });
    await expect(run).rejects.toBeInstanceOf(AbortedError);
    expect(after).toBe(0);
    expect((running.started.at(-1) as ScriptedThread).terminated).toBe(true);
    const before = running.started.length;
    await expect(
      umapInThread(running.start, rows(), ROWS, DIMS, { signal: cancel.signal }),
    ).rejects.toBeInstanceOf(AbortedError);
    expect(running.started.length).toBe(before); // none started once cancelled
  });
});
