/**
 * The server's edit and history routes, seen from the browser (src/node/server/routes/edits.ts and
 * versions.ts). Writes carry the page's `?token=` (the write secret) as api.ts's `request` sends it.
 */

import type { CellValue, EditResult } from '../../../src/core/app/edit-replies.js';
import { type Condition, request } from '../api';

export type { CellValue, EditResult };

export interface EditAccess {
  writable: boolean;
  version: number | null;
  reason: string | null;
}

export interface VersionInfo {
  version: number;
  parent: number | null;
  operation: string;
  createdAt: string;
  length: number;
  columns: string[];
  current: boolean;
}

export interface ColumnDiff {
  column: string;
  change: 'added' | 'dropped' | 'rewritten';
  changedRows: number | null;
  cells: { row: number; old: unknown; new: unknown }[];
}

export interface VersionDiff {
  version: number;
  parent: number | null;
  columns: ColumnDiff[];
}

/** The edit as POST /api/edits takes it: rows with the values this page saw, or a filter, or a view. */
export type EditBody = { column: string; value: CellValue; create?: boolean } & (
  | { rows: number[]; expected: CellValue[] }
  | { filter: Condition; baseVersion?: number }
  | { view: string; baseVersion?: number }
);

async function post<T>(url: string, body: unknown): Promise<T> {
  const response = await request(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return response.json();
}

export async function fetchAccess(): Promise<EditAccess> {
  return (await request('api/edits/access')).json();
}

export function postEdit(body: EditBody): Promise<EditResult> {
  return post('api/edits', body);
}

export function postUndo(version: number): Promise<EditResult> {
  return post('api/undo', { version });
}

export async function fetchVersions(): Promise<{ current: number | null; versions: VersionInfo[] }> {
  return (await request('api/versions')).json();
}

export async function fetchDiff(version: number, limit: number): Promise<VersionDiff> {
  return (await request(`api/versions/${version}/diff?limit=${limit}`)).json();
}
