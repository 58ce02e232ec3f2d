/**
 * The write lock: writers wait for each other (bounded, with back-off), a lock not refreshed for its
 * lease is taken over whatever it names (a reused pid, another host, nothing), the owner's heartbeat
 * keeps a long write's lock fresh, and breakLock removes a lock on request.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  append,
  breakLock,
  ConcurrentWriteError,
  DataFrame,
  read,
  versions,
  write,
} from '../../../../src/index.js';
import { acquireLock } from '../../../../src/node/io/store/lock.js';
import { tempDatasets } from './helpers.js';

const dataset = tempDatasets('tessera-lock-');
const fast = { fsync: false };
const noWait = { fsync: false, lockTimeoutMs: 0 };

function rows(start: number, n: number): DataFrame {
  return new DataFrame({ id: Float64Array.from({ length: n }, (_, i) => start + i) });
}

const ids = async (p: string) =>
  ((await read(p)).column('id').toArray() as number[]).slice().sort((a, b) => a - b);

/** Set a file's mtime `seconds` into the past. */
function age(file: string, seconds: number): void {
  const t = new Date(Date.now() - seconds * 1000);
  fs.utimesSync(file, t, t);
}

async function datasetWithLock(content: string): Promise<{ p: string; lock: string }> {
  const p = dataset();
  await write(rows(0, 1), p, fast);
  const lock = path.join(p, '_lock');
  fs.writeFileSync(lock, content);
  return { p, lock };
}

describe('the write lock', () => {
  it('concurrent appenders wait for each other by default: all succeed, all rows present', async () => {
    const p = dataset();
    await write(rows(0, 1), p, fast);
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, k) => append(p, rows(1 + k * 10, 10), fast)),
    );
    expect(results.map((r) => r.version).sort()).toEqual([2, 3, 4, 5]);
    expect(await ids(p)).toEqual([0, ...Array.from({ length: 40 }, (_, i) => 1 + i)]);
    expect((await versions(p)).length).toBe(5);
    expect(fs.existsSync(path.join(p, '_lock'))).toBe(false);
  });

  it('with lockTimeoutMs: 0 the second of two concurrent appenders fails at once, losing nothing', async () => {
    const p = dataset();
    await write(rows(0, 1), p, fast);
    const outcomes = await Promise.allSettled([append(p, rows(1, 1), noWait), append(p, rows(2, 1), noWait)]);
    const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect(failed[0].reason).toBeInstanceOf(ConcurrentWriteError);
    expect(await ids(p)).toHaveLength(2);
  });

  it('a wait is bounded: a live lock gives ConcurrentWriteError naming the file, owner, age and breakLock', async () => {
    const { p, lock } = await datasetWithLock(
      JSON.stringify({ pid: process.ppid, host: os.hostname(), since: '2026-01-01T00:00:00.000Z' }),
    );
    const start = Date.now();
    const error = await append(p, rows(1, 1), { ...fast, lockTimeoutMs: 150 }).catch((e) => e);
    expect(Date.now() - start).toBeGreaterThanOrEqual(140);
    expect(error).toBeInstanceOf(ConcurrentWriteError);
    expect(error.message).toContain(lock);
    expect(error.message).toContain(`process ${process.ppid} on ${os.hostname()}`);
    expect(error.message).toMatch(/refreshed \d+\.\d s ago/);
    expect(error.message).toContain(`breakLock('${p}')`);
    expect(await ids(p)).toEqual([0]);
  });

  const cases: [string, string][] = [
    [
      'names a live unrelated process (a reused pid)',
      JSON.stringify({ pid: process.ppid, host: os.hostname(), since: '' }),
    ],
    ['comes from another host', JSON.stringify({ pid: 1, host: `not-${os.hostname()}`, since: '' })],
    ['is empty', ''],
    ['is garbled', '{"pid": 12'],
  ];
  for (const [what, content] of cases)
    it(`a lock that ${what} blocks while fresh and is taken over once older than its lease`, async () => {
      const { p, lock } = await datasetWithLock(content);
      await expect(append(p, rows(1, 1), noWait)).rejects.toThrow(ConcurrentWriteError);
      age(lock, 31); // the default lease is 30 s
      await append(p, rows(1, 1), noWait);
      expect(await ids(p)).toEqual([0, 1]);
      expect(fs.existsSync(lock)).toBe(false);
      // A shorter lease, given by the writer that judges a lock naming none.
      fs.writeFileSync(lock, content);
      age(lock, 2);
      await expect(append(p, rows(2, 1), noWait)).rejects.toThrow(ConcurrentWriteError);
      await append(p, rows(2, 1), { ...noWait, lockLeaseMs: 1000 });
      expect(await ids(p)).toEqual([0, 1, 2]);
    });

  it('the owner refreshes its lock, so a write longer than the lease keeps it', async () => {
    const p = dataset();
    await write(rows(0, 1), p, fast);
    const held = await acquireLock(p, { lockLeaseMs: 80 });
    try {
      await new Promise((r) => setTimeout(r, 300));
      expect(Date.now() - fs.statSync(path.join(p, '_lock')).mtimeMs).toBeLessThan(80);
      await expect(append(p, rows(1, 1), noWait)).rejects.toThrow(ConcurrentWriteError);
      expect(held.held()).toBe(true);
    } finally {
      held.release();
    }
    expect(fs.existsSync(path.join(p, '_lock'))).toBe(false);
    await append(p, rows(1, 1), noWait);
  });

  it("a writer whose lock was taken over knows it, and its release leaves the new owner's lock", async () => {
    const p = dataset();
    await write(rows(0, 1), p, fast);
    const held = await acquireLock(p, { lockLeaseMs: 60_000 });
    // What a takeover does to a writer that stalled past its lease: its lock is replaced.
    await breakLock(p);
    const other = await acquireLock(p, noWait);
    expect(held.held()).toBe(false);
    held.release(); // must not remove the new owner's lock
    expect(fs.existsSync(path.join(p, '_lock'))).toBe(true);
    expect(other.held()).toBe(true);
    other.release();
  });

  it('a takeover left half done by a process that died is finished by the next writer', async () => {
    const dead = JSON.stringify({
      pid: 1,
      host: `not-${os.hostname()}`,
      since: '',
      token: 'abc',
      leaseMs: 1000,
    });
    const { p, lock } = await datasetWithLock(dead);
    age(lock, 5);
    // The claim of a breaker that is at work blocks a takeover; one abandoned for 5 s does not.
    const claim = `${lock}.break-abc`;
    fs.writeFileSync(claim, 'x');
    await expect(append(p, rows(1, 1), noWait)).rejects.toThrow(ConcurrentWriteError);
    age(claim, 6);
    await append(p, rows(1, 1), noWait);
    expect(await ids(p)).toEqual([0, 1]);
    expect(fs.readdirSync(p).filter((n) => n.startsWith('_lock'))).toEqual([]);
  });

  it('breakLock removes any lock, and says whether there was one', async () => {
    const { p, lock } = await datasetWithLock(
      JSON.stringify({ pid: process.ppid, host: os.hostname(), since: '' }),
    );
    await expect(append(p, rows(1, 1), noWait)).rejects.toThrow(ConcurrentWriteError);
    expect(await breakLock(p)).toBe(true);
    expect(fs.existsSync(lock)).toBe(false);
    expect(await breakLock(p)).toBe(false);
    await append(p, rows(1, 1), noWait);
    expect(await ids(p)).toEqual([0, 1]);
  });

  it('lock options are checked', async () => {
    const p = dataset();
    await write(rows(0, 1), p, fast);
    await expect(append(p, rows(1, 1), { lockTimeoutMs: -1 })).rejects.toThrow(/lockTimeoutMs must be/);
    await expect(append(p, rows(1, 1), { lockLeaseMs: Number.NaN })).rejects.toThrow(/lockLeaseMs must be/);
  });
});
