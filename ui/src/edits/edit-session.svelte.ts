/**
 * Whether this page may edit, the dataset version it shows, and the version events: one
 * EventSource per page (GET /api/versions/events), so a tab refreshes after another tab's edit.
 * In-tab (no server) there are no versions to commit: the session stays read-only and asks nothing.
 */
import type { ColumnInfo } from '../api';
import { IN_TAB } from '../local/mode';
import { fetchAccess } from './edits-api';

/** Column dtypes the server edits (dataset-editor.ts). */
const EDITABLE_DTYPES = new Set(['string', 'float64', 'float32', 'int32', 'int64', 'uint8', 'bool']);

export const editSession = $state({
  writable: false,
  version: null as number | null,
  reason: null as string | null,
});

type Listener = (version: number, columns: string[]) => void;
const listeners = new Set<Listener>();
let started = false;

/** Ask the server once whether this page may edit, and listen for new versions. */
export function startEditSession(): void {
  if (started) return;
  started = true;
  if (IN_TAB) {
    editSession.reason =
      'edits are saved as dataset versions by `tessera app DIR`; this in-tab page is read-only';
    return;
  }
  fetchAccess().then(
    (a) => Object.assign(editSession, a),
    () => {}, // an older server without edits: no editors
  );
  const events = new EventSource('api/versions/events');
  events.addEventListener('version', (e) => {
    const data = JSON.parse((e as MessageEvent).data) as { version: number; columns: string[] };
    editSession.version = data.version;
    for (const l of listeners) l(data.version, data.columns);
  });
}

/** Call `listener` on every new version (until the returned function is called). */
export function onVersion(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Whether cells of `column` can be edited here (scalar string, number or bool; not the key). */
export function isEditable(column: ColumnInfo, primaryKey: string | null): boolean {
  return (
    editSession.writable &&
    column.kind === 'scalar' &&
    EDITABLE_DTYPES.has(column.dtype ?? '') &&
    column.name !== primaryKey
  );
}

/** A cell as the server compares it: Arrow's int64 bigints as numbers. */
export function seenValue(value: unknown): string | number | boolean | null {
  if (typeof value === 'bigint') return Number(value);
  if (value === undefined) return null;
  return value as string | number | boolean | null;
}
