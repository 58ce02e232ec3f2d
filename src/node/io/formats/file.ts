/** File access shared by the importers and exporters: opening inputs and writing outputs. */
import * as fs from 'node:fs';
import { InvalidArgumentError } from '../../../core/errors.js';

/** Open a file for reading; a missing file or a directory is an {@link InvalidArgumentError}. */
export async function openInput(path: string): Promise<fs.promises.FileHandle> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(path, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InvalidArgumentError(`no file at ${path}; check the path`);
    if (code === 'EISDIR') throw new InvalidArgumentError(`${path} is a directory, not a file`);
    throw e;
  }
  const stat = await handle.stat();
  if (stat.isDirectory()) {
    await handle.close();
    throw new InvalidArgumentError(`${path} is a directory, not a file`);
  }
  return handle;
}

/** The whole file at `path`. */
export async function readInput(path: string): Promise<Uint8Array> {
  const handle = await openInput(path);
  try {
    return new Uint8Array(await handle.readFile());
  } finally {
    await handle.close();
  }
}

/** Fill `into` with the bytes of `handle` from `position` (an error where the file ends first). */
export async function readAt(
  handle: fs.promises.FileHandle,
  into: Uint8Array,
  position: number,
): Promise<void> {
  let done = 0;
  while (done < into.length) {
    const { bytesRead } = await handle.read(into, done, into.length - done, position + done);
    if (bytesRead === 0) throw new Error(`the file ended at byte ${position + done} while it was read`);
    done += bytesRead;
  }
}

/**
 * Write text or byte chunks to `path` through a temporary file renamed into place at the end, so
 * a failed export never leaves a half-written file under the final name.
 */
export async function writeChunks(
  path: string,
  chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
): Promise<void> {
  const tmp = `${path}.${process.pid}.${Date.now().toString(36)}.tmp`;
  const handle = await fs.promises.open(tmp, 'w');
  try {
    for await (const chunk of chunks) await handle.write(chunk as never);
    await handle.close();
  } catch (e) {
    await handle.close().catch(() => {});
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
  await fs.promises.rename(tmp, path);
}
