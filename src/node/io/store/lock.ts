/**
 * The write lock of a dataset: `PATH/_lock`, created atomically (a hard link of a complete temporary
 * file, so it never exists half written) and holding the writer's pid and host. A lock left by a
 * process that died (same host, pid gone) is taken over; one held by a live process is an error.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConcurrentWriteError } from '../../../core/errors.js';
import { LOCK, tempPath } from './layout.js';

interface LockInfo {
  pid: number;
  host: string;
  since: string;
}

/** Take the lock of the dataset at `root` (which must exist); returns the function that frees it. */
export function acquireLock(root: string): () => void {
  const file = path.join(root, LOCK);
  const info: LockInfo = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() };
  const tmp = tempPath(file);
  fs.writeFileSync(tmp, JSON.stringify(info));
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        fs.linkSync(tmp, file);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        const holder = readLock(file);
        if (attempt < 3 && holder !== null && isStale(holder)) {
          fs.rmSync(file, { force: true });
          continue;
        }
        throw new ConcurrentWriteError(
          `dataset ${root} is being written by ` +
            (holder ? `process ${holder.pid} on ${holder.host} since ${holder.since}` : 'another process') +
            `; wait for it to finish (if no process is writing it, delete ${file})`,
        );
      }
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return () => {
    const holder = readLock(file);
    if (holder?.pid === process.pid && holder.host === info.host) fs.rmSync(file, { force: true });
  };
}

function readLock(file: string): LockInfo | null {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as LockInfo;
    return typeof v.pid === 'number' && typeof v.host === 'string' ? v : null;
  } catch {
    return null;
  }
}

function isStale(holder: LockInfo): boolean {
  if (holder.host !== os.hostname()) return false;
  if (holder.pid === process.pid) return false;
  try {
    process.kill(holder.pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
