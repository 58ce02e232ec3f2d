/**
 * The app's edit replies and values as both sides see them: the server that commits edits
 * (src/node/server/dataset-editor.ts) and the page that asks for them (ui/src/edits/edits-api.ts).
 */

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
