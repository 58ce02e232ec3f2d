/**
 * The server's edit and history routes, seen from the browser (src/node/server/routes/edits.ts and
 * versions.ts). Writes carry the page's `?token=` (the write secret) as api.ts's `request` sends it.
 */

import type { CellValue, EditAccess, EditResult, VersionList } from '../../../src/core/app/edit-replies.js';
import type { VersionDiff, VersionInfo } from '../../../src/core/io/store/version-replies.js';
import { type Condition, request } from '../api';

export type { CellValue, EditAccess, EditResult, VersionDiff, VersionInfo, VersionList };

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

export async function fetchVersions(): Promise<VersionList> {
  return (await request('api/versions')).json();
}

export async function fetchDiff(version: number, limit: number): Promise<VersionDiff> {
  return (await request(`api/versions/${version}/diff?limit=${limit}`)).json();
}
