/**
 * The write lock of a dataset: `PATH/_lock`, created atomically (a hard link of a complete temporary
 * file, so it never exists half written) and holding the writer's pid, host, a random token and its
 * lease. The owner refreshes the file's mtime while it holds it (a heartbeat), so a lock whose mtime
 * is older than its lease is stale whatever its pid and host say (a dead writer on another host, a
 * reused pid, an empty or garbled file); a lock of a dead process on this host is stale at once.
 * A writer that finds a live lock waits with back-off up to its `lockTimeoutMs`.
 *
 * Removing a lock is conditional: only the process that creates `_lock.break-<id>` (exclusive create)
 * may remove the lock instance `id`, and it does so only after re-checking that `_lock` is still that
 * instance. A link never replaces a file, so `_lock` cannot change from that instance to another one
 * in between, and a takeover can never remove the lock of the live writer that took over before it.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConcurrentWriteError, InvalidArgumentError } from '../../../core/errors.js';
import type { LockOptions } from '../../../core/frame/writer.js';
import { LOCK, tempPath } from './layout.js';

export const DEFAULT_LOCK_TIMEOUT_MS = 5000;
export const DEFAULT_LOCK_LEASE_MS = 30_000;
/** A break claim older than this was left by a process that died while breaking (it takes µs). */
const ABANDONED_CLAIM_MS = 5000;
const MAX_BACKOFF_MS = 50;

interface LockInfo {
  pid: number;
  host: string;
  since: string;
  token: string;
  leaseMs: number;
}

/** What is in `_lock` now: its identity, parsed content (null when garbled) and age. */
interface LockState {
  id: string;
  info: Partial<LockInfo> | null;
  ageMs: number;
}

/** The lock one writer holds. */
export interface HeldLock {
  /** False once the lock was taken over (its heartbeat found another owner's lock): do not commit. */
  held(): boolean;
  release(): void;
}

/** Take the lock of the dataset at `root` (which must exist), waiting as `options` say. */
export async function acquireLock(root: string, options: LockOptions = {}): Promise<HeldLock> {
  const timeoutMs = checkMs(options.lockTimeoutMs, DEFAULT_LOCK_TIMEOUT_MS, 'lockTimeoutMs');
  const leaseMs = Math.max(1, checkMs(options.lockLeaseMs, DEFAULT_LOCK_LEASE_MS, 'lockLeaseMs'));
  const file = path.join(root, LOCK);
  const info: LockInfo = {
    pid: process.pid,
    host: os.hostname(),
    since: new Date().toISOString(),
    token: randomBytes(8).toString('hex'),
    leaseMs,
  };
  const start = Date.now();
  let backoff = 2;
  for (;;) {
    if (tryCreate(file, JSON.stringify(info))) break;
    const holder = lockState(file);
    if (holder === null) continue; // released meanwhile
    if (isStale(holder, leaseMs)) {
      removeIfStill(file, holder.id, (s) => isStale(s, leaseMs));
      // Gone: try again at once; still there (another process is breaking it): wait as for a live one.
      if (lockState(file)?.id !== holder.id) continue;
    }
    const waited = Date.now() - start;
    if (waited >= timeoutMs) throw busyError(root, file, holder, waited);
    await new Promise((r) => setTimeout(r, Math.min(backoff * (0.5 + Math.random()), timeoutMs - waited)));
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
  }
  let lost = false;
  const beat = () => {
    // Never throws (a timer's exception would end the process); a failed beat is seen by the next.
    try {
      if (lockState(file)?.id !== info.token) {
        lost = true;
        clearInterval(heartbeat);
        return;
      }
      const t = new Date();
      fs.utimesSync(file, t, t);
    } catch {}
  };
  const heartbeat = setInterval(beat, Math.max(1, Math.floor(leaseMs / 4)));
  heartbeat.unref();
  return {
    held: () => !lost && lockState(file)?.id === info.token,
    release: () => {
      clearInterval(heartbeat);
      try {
        removeIfStill(file, info.token, () => true);
      } catch {
        // Not removable (the dataset was deleted meanwhile, or is read-only now): no longer
        // refreshed, the lock is taken over once its lease has passed.
      }
    },
  };
}

/**
 * Remove the write lock of the dataset at `path`, whoever holds it; returns whether there was one.
 * Use it only when no process is writing the dataset (a lock left by a crashed writer on another
 * machine is otherwise taken over by itself once its lease, 30 s by default, has passed).
 */
export async function breakLock(datasetPath: string): Promise<boolean> {
  const file = path.join(path.resolve(datasetPath), LOCK);
  const holder = lockState(file);
  if (holder === null) return false;
  removeIfStill(file, holder.id, () => true);
  return true;
}

/** Create `file` with `text` unless it exists (link of a complete temporary file). */
function tryCreate(file: string, text: string): boolean {
  const tmp = tempPath(file);
  fs.writeFileSync(tmp, text);
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (e) {
    // ENOENT: a vacuum removed the temporary file as litter; the caller tries again.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOENT') throw e;
    return false;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * Remove `file` if it still is the instance `id` and `still` holds for it. Exactly one process can
 * hold the claim `FILE.break-ID`, so exactly one removes that instance and nobody removes another.
 */
function removeIfStill(file: string, id: string, still: (s: LockState) => boolean): void {
  const claim = `${file}.break-${id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  for (;;) {
    try {
      fs.writeFileSync(claim, randomBytes(8).toString('hex'), { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const other = lockState(claim);
      if (other === null) continue;
      // Another process is breaking this instance now, or died doing it (then its claim is cleared).
      if (other.ageMs <= ABANDONED_CLAIM_MS) return;
      removeIfStill(claim, other.id, (s) => s.ageMs > ABANDONED_CLAIM_MS);
    }
  }
  try {
    const now = lockState(file);
    if (now !== null && now.id === id && still(now)) fs.rmSync(file, { force: true });
  } finally {
    fs.rmSync(claim, { force: true });
  }
}

/** The lock file's state, or null when there is none. */
function lockState(file: string): LockState | null {
  let text: string;
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  let info: Partial<LockInfo> | null = null;
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (v !== null && typeof v === 'object') info = v;
  } catch {
    info = null;
  }
  // Our locks carry a random token; anything else is known by its inode, time and size.
  const id =
    typeof info?.token === 'string' && info.token.length > 0
      ? info.token
      : `${stat.ino}-${Math.round(stat.mtimeMs)}-${stat.size}`;
  return { id, info, ageMs: Date.now() - stat.mtimeMs };
}

function isStale(holder: LockState, defaultLeaseMs: number): boolean {
  const info = holder.info;
  const lease = typeof info?.leaseMs === 'number' && info.leaseMs > 0 ? info.leaseMs : defaultLeaseMs;
  if (holder.ageMs > lease) return true;
  if (typeof info?.pid !== 'number' || info.host !== os.hostname() || info.pid === process.pid) return false;
  try {
    process.kill(info.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function busyError(root: string, file: string, holder: LockState, waitedMs: number): ConcurrentWriteError {
  const i = holder.info;
  const owner =
    typeof i?.pid === 'number'
      ? `process ${i.pid} on ${i.host ?? '?'} since ${i.since ?? '?'}`
      : 'an unknown writer';
  return new ConcurrentWriteError(
    `dataset ${root} is being written by ${owner} (lock file ${file}, refreshed ${(holder.ageMs / 1000).toFixed(1)} s ago); ` +
      `waited ${waitedMs} ms. Retry later, or pass a longer lockTimeoutMs; if no process is writing it, ` +
      `call breakLock('${root}') (or delete ${file})`,
  );
}

function checkMs(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0)
    throw new InvalidArgumentError(`${name} must be a number of milliseconds, at least 0; got ${value}`);
  return value;
}
