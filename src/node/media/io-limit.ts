/**
 * The limit on concurrent media IO: a column of many thousand files loads in batches, and opening
 * them all at once would run out of file descriptors (and memory for decoded pixels).
 */

/** At most this many media files are open or decoding at once (per process). */
export const MAX_CONCURRENT_IO = 16;
let active = 0;
const waiting: (() => void)[] = [];

/** Run `task` when fewer than {@link MAX_CONCURRENT_IO} others are running. */
export async function limitIO<T>(task: () => Promise<T>): Promise<T> {
  if (active >= MAX_CONCURRENT_IO) await new Promise<void>((resolve) => waiting.push(resolve));
  active++;
  try {
    return await task();
  } finally {
    active--;
    waiting.shift()?.();
  }
}
