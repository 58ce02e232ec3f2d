/**
 * The app's edit and history replies and values as both sides see them: the server that commits
 * edits and lists versions (src/node/server/routes/edits.ts, versions.ts) and the page that asks for
 * them (ui/src/edits/edits-api.ts). A version's own shapes are the store's (io/store/version-replies.ts).
 */
import type { VersionInfo } from '../io/store/version-replies.js';

/** A value a cell can be set to (null clears it). */
export type CellValue = string | number | boolean | null;

/** What an edit or undo committed. */
export interface EditResult {
  version: number;
  parent: number;
  columns: string[];
  /** Cells set (null for undo). */
  rows: number | null;
  created: boolean;
}

/** GET /api/edits/access: whether this page may edit, and why not. */
export interface EditAccess {
  writable: boolean;
  version: number | null;
  reason: string | null;
}

/** GET /api/versions: the dataset's versions, newest first (none for a source that is not a stored dataset). */
export interface VersionList {
  current: number | null;
  versions: VersionInfo[];
}
