/**
 * Where the map's layouts of a source other than a dataset are cached: a folder per source path and
 * version of its file (size and modification time), so an edited file never gets an old layout.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function layoutCacheDir(sourcePath: string, key: string): string {
  const stat = fs.statSync(sourcePath, { throwIfNoEntry: false });
  const version = createHash('sha256')
    .update(stat ? `${stat.size}:${stat.mtimeMs}` : 'gone')
    .digest('hex')
    .slice(0, 12);
  return path.join(os.tmpdir(), 'tessera-maps', `${key}-${version}`);
}
