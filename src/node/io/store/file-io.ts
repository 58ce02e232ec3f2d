/**
 * Low-level file access of the store: checked opens, positioned reads (whole files are read through
 * fs-byte-source.ts), and an append-only file sink that sums what it writes. Every read goes through
 * here and is counted, so tests and benchmarks can see how many bytes an operation read.
 */
import * as fs from 'node:fs';
import { hex } from '../../../core/crc32.js';
import { CorruptDataError } from '../../../core/errors.js';
import { wrongSize } from '../../../core/io/store/byte-source.js';
import { crc32 } from './checksum.js';

export { hex };

/** Counters of the store's reads since the last reset. */
export interface StoreIoStats {
  /** Bytes read from data files and manifests. */
  bytesRead: number;
  /** Read calls. */
  reads: number;
  /** Files opened for reading. */
  opens: number;
}

const stats: StoreIoStats = { bytesRead: 0, reads: 0, opens: 0 };

/** A copy of the read counters (process-wide). */
export function storeIoStats(): StoreIoStats {
  return { ...stats };
}

/** Set the read counters to zero. */
export function resetStoreIoStats(): void {
  stats.bytesRead = 0;
  stats.reads = 0;
  stats.opens = 0;
}

/**
 * Open a dataset file for reading, checking that it has `bytes` bytes; a missing or short file is a
 * {@link CorruptDataError} naming it. Links are not followed and only regular files are read (no
 * FIFO can block the open), so a dataset from someone else cannot make us read, or report the size
 * of, a file outside it.
 */
export function openChecked(file: string, bytes: number): number {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CorruptDataError(file, 'the file is missing');
    if (code === 'ELOOP') throw notRegularFile(file, true);
    throw e;
  }
  stats.opens++;
  const stat = fs.fstatSync(fd);
  if (!stat.isFile()) {
    fs.closeSync(fd);
    throw notRegularFile(file, false);
  }
  if (stat.size !== bytes) {
    fs.closeSync(fd);
    throw wrongSize(file, stat.size, bytes);
  }
  return fd;
}

/** The error for a dataset file that is a symbolic link (`link`) or something else not a file. */
export function notRegularFile(file: string, link: boolean): CorruptDataError {
  return new CorruptDataError(
    file,
    link
      ? 'it is a symbolic link; Tessera does not follow links inside a dataset'
      : 'it is not a regular file',
  );
}

/** Read exactly `into.length` bytes at `position`; a short read is a truncated file. */
export function readAt(fd: number, file: string, into: Uint8Array, position: number): void {
  let done = 0;
  while (done < into.length) {
    const n = fs.readSync(fd, into, done, into.length - done, position + done);
    stats.reads++;
    if (n === 0)
      throw new CorruptDataError(file, `the file ended at byte ${position + done}; expected more data`);
    done += n;
    stats.bytesRead += n;
  }
}

/** Largest single write of a {@link FileSink}. */
export const WRITE_CHUNK_BYTES = 16 * 2 ** 20;

/**
 * A new file written front to back, keeping its size and running CRC-32. Created exclusively (it
 * never replaces a file), flushed to disk on `close(true)`.
 */
export class FileSink {
  bytes = 0;
  crc = 0;
  private constructor(
    readonly file: string,
    private readonly handle: fs.promises.FileHandle,
    private readonly sum: boolean,
  ) {}

  /** A new file; `sum: false` skips the running CRC (when the caller sums blocks itself). */
  static async create(file: string, sum = true): Promise<FileSink> {
    return new FileSink(file, await fs.promises.open(file, 'wx'), sum);
  }

  /**
   * Append bytes (written in chunks of at most 16 MiB; no copy is made). `during(part, at)` is called
   * for each chunk (`at`: its offset in `data`) while that chunk's write runs on the thread pool, so
   * checksumming overlaps writing; the running CRC is computed the same way.
   */
  async write(data: Uint8Array, during?: (part: Uint8Array, at: number) => void): Promise<void> {
    for (let s = 0; s < data.length; s += WRITE_CHUNK_BYTES) {
      const part = data.subarray(s, Math.min(data.length, s + WRITE_CHUNK_BYTES));
      const first = this.handle.write(part, 0, part.length);
      try {
        if (this.sum) this.crc = crc32(part, this.crc);
        during?.(part, s);
      } finally {
        // Always wait for the write in flight, even if the callback threw.
        let done = (await first).bytesWritten;
        while (done < part.length) {
          const { bytesWritten } = await this.handle.write(part, done, part.length - done);
          done += bytesWritten;
        }
      }
      this.bytes += part.length;
    }
  }

  async close(sync: boolean): Promise<void> {
    try {
      if (sync) await this.handle.sync();
    } finally {
      await this.handle.close();
    }
  }

  /** Close and delete (after a failed write). */
  async abort(): Promise<void> {
    await this.handle.close().catch(() => {});
    await fs.promises.rm(this.file, { force: true });
  }
}

/**
 * A manifest's text, read without following a link (a manifest that links to a file elsewhere is a
 * {@link CorruptDataError}: its parse error would quote that file). Other errors, ENOENT included,
 * are thrown as they are.
 */
export async function readManifestText(file: string): Promise<string> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(
      file,
      fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK,
    );
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw notRegularFile(file, true);
    throw e;
  }
  try {
    if (!(await handle.stat()).isFile()) throw notRegularFile(file, false);
    const text = await handle.readFile('utf8');
    countRead(Buffer.byteLength(text));
    return text;
  } finally {
    await handle.close();
  }
}

/** Count bytes read outside this module (manifests). */
export function countRead(bytes: number): void {
  stats.bytesRead += bytes;
  stats.reads++;
  stats.opens++;
}
