/**
 * A dataset's history as plain data: its versions (src/node/io/store/versions.ts) and what one
 * version changed against its parent (diff.ts). The same shapes travel as JSON from the app's
 * history routes (src/node/server/routes/versions.ts) to the page (ui/src/edits/edits-api.ts):
 * every field is already a string, number, null or a JSON value.
 */
import type { Manifest } from './manifest.js';

/** One committed version of a dataset. */
export interface VersionInfo {
  version: number;
  parent: number | null;
  operation: Manifest['operation'];
  /** ISO time of the commit. */
  createdAt: string;
  length: number;
  columns: string[];
  /** Whether this is the current version. */
  current: boolean;
}

/** One changed cell; values as JSON carries them (int64 as a number when exact, else text; dates as ISO text). */
export interface CellChange {
  row: number;
  old: unknown;
  new: unknown;
}

/** How one column differs between a version and its parent. */
export interface ColumnDiff {
  column: string;
  change: 'added' | 'dropped' | 'rewritten';
  /** Cells that differ (for a rewritten column whose cells can be compared; null otherwise). */
  changedRows: number | null;
  /** The first `limit` changed cells, by row (added columns list their non-null cells). */
  cells: CellChange[];
}

/** What a version changed against its parent. */
export interface VersionDiff {
  version: number;
  parent: number | null;
  /** Rows of the version and of its parent. */
  length: number;
  parentLength: number | null;
  columns: ColumnDiff[];
}
