/** Atomic replacement of small files (manifests): write beside, flush, rename, flush the directory. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tempPath } from './layout.js';

/** Write `text` to `file` so that readers see either the old file or the whole new one. */
export async function writeFileAtomic(file: string, text: string, sync: boolean): Promise<void> {
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
  await fs.promises.rename(tmp, file);
  if (sync) await syncDirectory(path.dirname(file));
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
