/**
 * Atomic writes of small files (manifests): write beside and flush, then either rename over the old
 * file (replace) or hard-link to the final name (create, failing if the name exists), and flush the
 * directory.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempPath } from './layout.js';

/** Write `text` to `file` so that readers see either the old file or the whole new one. */
export async function writeFileAtomic(file: string, text: string, sync: boolean): Promise<void> {
  const tmp = await writeTemporary(file, text, sync);
  await fs.promises.rename(tmp, file);
  if (sync) await syncDirectory(path.dirname(file));
}

/**
 * Create `file` with `text` if no file has that name, atomically: returns false (and writes nothing)
 * when it exists, so of several writers creating one name exactly one succeeds.
 */
export async function createFileAtomic(file: string, text: string, sync: boolean): Promise<boolean> {
  const tmp = await writeTemporary(file, text, sync);
  try {
    await fs.promises.link(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await fs.promises.rm(tmp, { force: true });
  }
  if (sync) await syncDirectory(path.dirname(file));
  return true;
}

/** Write and flush `text` to a fresh temporary name beside `file`; returns that name. */
async function writeTemporary(file: string, text: string, sync: boolean): Promise<string> {
  const tmp = tempPath(file);
  const handle = await fs.promises.open(tmp, 'wx');
  try {
    await handle.writeFile(text);
    if (sync) await handle.sync();
  } catch (e) {
    await handle.close().catch(() => {});
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
  await handle.close();
  return tmp;
}

/** Flush a directory's entries (new names, renames) to disk; a no-op where the OS cannot. */
export async function syncDirectory(dir: string): Promise<void> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(dir, 'r');
    await handle.sync();
  } catch {
    // Windows cannot open or flush directories; the rename is still atomic there.
  } finally {
    await handle?.close().catch(() => {});
  }
}
