/**
 * The files of a dataset folder given to the tab, as the {@link ByteSource} the core's store
 * readers read (src/core/io/store). Reads are synchronous, as a lazy column's load is: in the
 * worker, `FileReaderSync` reads a file or a slice of it when a column first needs it. Where there
 * is no `FileReaderSync` (outside a worker, and in Node's tests), the files the manifest names are
 * read up front instead.
 */
import { type ByteSource, wrongSize } from '../../../src/core/io/store/byte-source.js';
import type { Manifest } from '../../../src/core/io/store/manifest.js';
import type { FolderFiles } from './open-folder.js';

/** Reads bytes `[from, to)` of a file. */
type SyncReader = (file: File, from: number, to: number) => Uint8Array;

/** The Web Worker API's synchronous file reader (not in TypeScript's DOM lib). */
interface FileReaderSyncLike {
  readAsArrayBuffer(blob: Blob): ArrayBuffer;
}

/** A source over `files`; `folder` names the folder in error messages. */
export async function folderByteSource(
  files: FolderFiles,
  folder: string,
  manifest: Manifest,
): Promise<ByteSource> {
  const name = (path: string) => `${folder}/${path}`;
  const read = syncReader() ?? (await preloaded(files, manifest));
  return {
    name,
    size: (path) => files.get(path)?.size ?? null,
    read(path, size, from = 0, to = size) {
      const file = files.get(path);
      if (file === undefined || file.size !== size) throw wrongSize(name(path), file?.size ?? null, size);
      return read(file, from, to);
    },
  };
}

function syncReader(): SyncReader | null {
  const Reader = (globalThis as { FileReaderSync?: new () => FileReaderSyncLike }).FileReaderSync;
  if (Reader === undefined) return null;
  const reader = new Reader();
  return (file, from, to) =>
    new Uint8Array(reader.readAsArrayBuffer(from === 0 && to === file.size ? file : file.slice(from, to)));
}

/** A reader over the bytes of every data file the manifest names, read now. */
async function preloaded(files: FolderFiles, manifest: Manifest): Promise<SyncReader> {
  const bytes = new Map<File, Uint8Array>();
  const paths = new Set<string>();
  for (const c of manifest.columns) {
    if (!('fragments' in c)) continue;
    for (const f of c.fragments) {
      if ('file' in f) {
        paths.add(f.file.path);
        if (f.blocks) paths.add(f.blocks.file.path);
      } else {
        paths.add(f.data.path);
        paths.add(f.data.checksums.path);
        if (f.validity !== null) paths.add(f.validity.path);
      }
    }
  }
  for (const path of paths) {
    const file = files.get(path);
    if (file !== undefined) bytes.set(file, new Uint8Array(await file.arrayBuffer()));
  }
  return (file, from, to) => {
    const whole = bytes.get(file);
    // The core's readers ask only for files the manifest names.
    if (whole === undefined) throw new Error(`${file.name} was not read with the dataset's files`);
    return whole.subarray(from, to);
  };
}
