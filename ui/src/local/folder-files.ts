/**
 * The files of a folder the user gave the page, as paths below the folder: from the File System
 * Access API's directory picker (a directory handle), from `<input webkitdirectory>` (each file's
 * `webkitRelativePath` starts with the folder's name) or from a drop (a directory entry). Hidden
 * files and folders (a leading dot) are left out, as `tessera app` leaves them out.
 */
import type { FolderFile } from './protocol.js';

/** A picked folder: its name and files. */
export interface PickedFolder {
  name: string;
  files: FolderFile[];
}

const hidden = (name: string) => name.startsWith('.');

/** The minimal File System Access API types used here (not in TypeScript's DOM lib for every target). */
interface DirectoryHandle {
  kind: 'directory';
  name: string;
  values(): AsyncIterable<DirectoryHandle | FileHandle>;
}
interface FileHandle {
  kind: 'file';
  name: string;
  getFile(): Promise<File>;
}

/** The files under a directory handle (from `showDirectoryPicker`). */
export async function filesOfHandle(handle: DirectoryHandle): Promise<PickedFolder> {
  const files: FolderFile[] = [];
  async function walk(dir: DirectoryHandle, prefix: string): Promise<void> {
    for await (const entry of dir.values()) {
      if (hidden(entry.name)) continue;
      if (entry.kind === 'file') files.push({ path: prefix + entry.name, file: await entry.getFile() });
      else await walk(entry, `${prefix}${entry.name}/`);
    }
  }
  await walk(handle, '');
  return { name: handle.name, files };
}

/** The files an `<input webkitdirectory>` gave: paths with the folder's own name taken off. */
export function filesOfInput(list: FileList): PickedFolder {
  const files: FolderFile[] = [];
  let name = '';
  for (const file of Array.from(list)) {
    const parts = file.webkitRelativePath.split('/');
    name = parts[0] ?? name;
    const below = parts.slice(1);
    if (below.length === 0 || below.some(hidden)) continue;
    files.push({ path: below.join('/'), file });
  }
  return { name, files };
}

/** The folder dropped on the page, or null when what was dropped is not one folder. */
export async function folderOfDrop(items: DataTransferItemList): Promise<PickedFolder | null> {
  if (items.length !== 1) return null;
  const entry = items[0]?.webkitGetAsEntry();
  if (!entry?.isDirectory) return null;
  const files: FolderFile[] = [];
  async function walk(dir: FileSystemDirectoryEntry, prefix: string): Promise<void> {
    const reader = dir.createReader();
    // readEntries gives the entries in chunks (100 in Chromium) until it gives none.
    for (;;) {
      const chunk = await new Promise<FileSystemEntry[]>((resolve, reject) =>
        reader.readEntries(resolve, reject),
      );
      if (chunk.length === 0) return;
      for (const e of chunk) {
        if (hidden(e.name)) continue;
        if (e.isFile) {
          const file = await new Promise<File>((resolve, reject) =>
            (e as FileSystemFileEntry).file(resolve, reject),
          );
          files.push({ path: prefix + e.name, file });
        } else if (e.isDirectory) await walk(e as FileSystemDirectoryEntry, `${prefix}${e.name}/`);
      }
    }
  }
  await walk(entry as FileSystemDirectoryEntry, '');
  return { name: entry.name, files };
}
