/**
 * A dataset directory as a {@link ByteSource}: the core's readers over bytes (src/core/io/store)
 * read the store's files through it, with the store's checks (no links, regular files only, the
 * size the manifest records).
 */
import * as fs from 'node:fs';
import type { ByteSource } from '../../../core/io/store/byte-source.js';
import { LOAD_CHUNK_BYTES } from '../../../core/io/store/decode-blocks.js';
import { notRegularFile, openChecked, readAt } from './file-io.js';
import { dataPath } from './layout.js';

export function fsByteSource(root: string): ByteSource {
  return {
    name: (relative) => dataPath(root, relative),
    read(relative, size, from = 0, to = size) {
      const file = dataPath(root, relative);
      const fd = openChecked(file, size);
      try {
        // A fresh buffer (not Node's pooled one) so typed-array views over it are aligned.
        const out = new Uint8Array(to - from);
        readAt(fd, file, out, from);
        return out;
      } finally {
        fs.closeSync(fd);
      }
    },
    size(relative) {
      const file = dataPath(root, relative);
      let stat: fs.Stats;
      try {
        stat = fs.lstatSync(file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
      if (!stat.isFile()) throw notRegularFile(file, stat.isSymbolicLink());
      return stat.size;
    },
    openRanges(relative, size) {
      const file = dataPath(root, relative);
      const fd = openChecked(file, size);
      // One buffer for every read (a whole load's chunks stay in the CPU's caches), grown when needed.
      let scratch = new Uint8Array(0);
      return {
        read(from, to, into) {
          if (into === undefined && to - from > scratch.length)
            scratch = new Uint8Array(Math.max(to - from, Math.min(LOAD_CHUNK_BYTES, size)));
          const bytes = into ?? scratch.subarray(0, to - from);
          readAt(fd, file, bytes, from);
          return bytes;
        },
        close: () => fs.closeSync(fd),
      };
    },
  };
}
