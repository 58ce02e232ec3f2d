/**
 * Tessera's dataset format: a directory with a manifest per version and immutable data files.
 * Importing this module makes `df.write(path)` work (it registers {@link write} with DataFrame).
 *
 * @example
 * await df.write('runs/eval');                    // or: await write(df, 'runs/eval')
 * await append('runs/eval', moreRows);            // a new version; writes only the new rows
 * const back = await read('runs/eval');           // reads only the manifest; columns load on access
 * const page = await readRows('runs/eval', { start: 1000, end: 1100 }); // reads only those rows' blocks
 * const old = await read('runs/eval', { version: 1 });
 * await vacuum('runs/eval', { keep: 2 });         // drop older versions and their files
 * const report = await verify('runs/eval');       // read and check every file of every version
 */
import { registerFrameWriter } from '../../../core/frame/writer.js';
import { write } from './write.js';

export type {
  ColumnEntry,
  DeferredEntry,
  FileEntry,
  IndexEntry,
  Manifest,
  TensorFragment,
} from '../../../core/io/store/manifest.js';
export { parseNpyHeader } from '../../../core/io/store/npy.js';
export {
  addColumns,
  type ColumnChanges,
  type CommitColumnsOptions,
  commitColumns,
} from './add-columns.js';
export { type CellChange, type ColumnDiff, type DiffOptions, diffVersion, type VersionDiff } from './diff.js';
export { resetStoreIoStats, type StoreIoStats, storeIoStats } from './file-io.js';
export { dropIndex, type SaveIndexOptions, saveIndex } from './indexes.js';
export { breakLock } from './lock.js';
export { readManifest } from './manifest-read.js';
export { MappedTensorColumn } from './mapped-tensor.js';
export { type ReadOptions, read } from './read.js';
export { type ReadRowsOptions, readRows } from './read-rows.js';
export { type RepairOptions, type RepairResult, repair } from './repair.js';
export {
  type VerifyOptions,
  type VerifyProblem,
  type VerifyReport,
  type VersionCheck,
  verify,
} from './verify.js';
export {
  type VacuumOptions,
  type VacuumResult,
  type VersionInfo,
  vacuum,
  versions,
} from './versions.js';
export { append, type WriteOptions, type WriteResult, write } from './write.js';

registerFrameWriter(write);
