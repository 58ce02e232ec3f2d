/**
 * The app server's HTTP API, seen from the browser. Row windows arrive as Arrow IPC and become
 * plain column arrays; a token given in the page URL (`?token=`) is sent as a Bearer header (the
 * page request itself set a cookie for the requests the browser makes alone: scripts, images).
 */
import { tableFromIPC } from 'apache-arrow';
import { inTabFetch } from './local/in-tab-client';
import { IN_TAB } from './local/mode';

export interface ColumnInfo {
  name: string;
  kind: 'scalar' | 'tensor' | 'object' | 'deferred';
  type: string;
  dtype?: string;
  media?: string;
  /** A tensor column's row shape. */
  shape?: number[];
  /** On an embedding column: the encoder that searches it by an uploaded image (searchByImage). */
  encoder?: string;
}

export interface Schema {
  source: { kind: string; name: string };
  rows: number;
  primaryKey: string | null;
  columns: ColumnInfo[];
}

/** A filter condition as POST /api/views takes it (src/core/app/conditions.ts). */
export type Condition =
  | { column: string; op: string; value?: unknown; ignoreCase?: boolean }
  | { and: readonly Condition[] }
  | { or: readonly Condition[] };

export interface SortKey {
  column: string;
  descending?: boolean;
}

export interface ViewInfo {
  id: string;
  rows: number;
  complete: boolean;
}

/** Rows [start, end) of the frame or a view: one array per column, and each row's frame row number. */
export interface RowWindow {
  start: number;
  end: number;
  columns: Map<string, unknown[]>;
  frameRows: number[];
}

/** The column of frame row numbers a window carries when asked with `rowIndex` (arrow-window.ts). */
const ROW_INDEX_COLUMN = '__row';

const token = new URLSearchParams(window.location.search).get('token');

/** The server's error reply `{ error: { type, message } }` as a thrown Error. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = type;
  }
}

/** A request to the server with the token; a failed one throws its error reply as an {@link ApiError}. */
export async function request(url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token !== null) headers.set('authorization', `Bearer ${token}`);
  // In-tab mode: the worker answers the same API (ui/src/local).
  const response = await (IN_TAB ? inTabFetch : fetch)(url, { ...init, headers });
  if (!response.ok) {
    let type = 'HttpError';
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = await response.json();
      type = body.error?.type ?? type;
      message = body.error?.message ?? message;
    } catch {
      // not a JSON error reply: keep the status line
    }
    throw new ApiError(response.status, type, message);
  }
  return response;
}

export async function fetchSchema(): Promise<Schema> {
  return (await request('api/schema')).json();
}

/**
 * A filtered and/or sorted view of the frame; `replaces` drops the view it supersedes on the
 * server, and `signal` cancels the request when a newer one supersedes it.
 */
export async function createView(
  sort: SortKey[],
  filter: Condition | null,
  replaces: string | null,
  signal?: AbortSignal,
): Promise<ViewInfo> {
  const body = {
    ...(sort.length > 0 ? { sort } : {}),
    ...(filter !== null ? { filter } : {}),
    ...(replaces !== null ? { replaces } : {}),
  };
  const response = await request('api/views', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
  return response.json();
}

/** Drop a view the page no longer shows (its rows free the server's memory). */
export async function dropView(id: string): Promise<void> {
  await request(`api/views/${encodeURIComponent(id)}`, { method: 'DELETE' });
}

/** Rows [start, end) of the frame (viewId null) or of a view, the given columns only. */
export async function fetchWindow(
  viewId: string | null,
  start: number,
  end: number,
  columns: readonly string[],
  signal?: AbortSignal,
  preview?: number,
): Promise<RowWindow> {
  const params = new URLSearchParams({ start: String(start), end: String(end), rowIndex: 'true' });
  if (columns.length > 0) params.set('columns', columns.join(','));
  // 1-D tensors as `preview` [min, max] pairs per row (src/core/app/tensor-preview.ts), not their values.
  if (preview !== undefined) params.set('preview', String(preview));
  const base = viewId === null ? 'api/rows' : `api/views/${encodeURIComponent(viewId)}/rows`;
  const response = await request(`${base}?${params}`, signal ? { signal } : {});
  const table = tableFromIPC(new Uint8Array(await response.arrayBuffer()));
  const out = new Map<string, unknown[]>();
  let frameRows: number[] = [];
  for (const field of table.schema.fields) {
    const vector = table.getChild(field.name);
    if (vector === null) continue;
    const values: unknown[] = new Array(table.numRows);
    for (let i = 0; i < table.numRows; i++) values[i] = vector.get(i);
    // Object columns travel as JSON text (marked in the field's metadata): their cells are the values.
    if (field.metadata.get('tessera.kind') === 'object')
      for (let i = 0; i < values.length; i++)
        if (typeof values[i] === 'string') values[i] = JSON.parse(values[i] as string);
    if (field.name === ROW_INDEX_COLUMN) frameRows = values as number[];
    else out.set(field.name, values);
  }
  return { start, end: start + table.numRows, columns: out, frameRows };
}

/** The URL of a thumbnail of a media cell (frame row `row`), `size` pixels on its longer side. */
export function thumbnailUrl(column: string, row: number, size: number): string {
  return `api/thumbnails/${encodeURIComponent(column)}/${row}?size=${size}`;
}

/** The URL of a media cell itself. */
export function mediaUrl(column: string, row: number): string {
  return `api/media/${encodeURIComponent(column)}/${row}`;
}

/**
 * The `k` frame rows most similar to frame row `row` by embedding column `column`, best first, and
 * whether the dataset's saved index answered (`index`) or an exact search (`exact`).
 */
export async function searchSimilar(column: string, row: number, k: number): Promise<SearchResult> {
  const response = await request('api/search', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ column, row, k }),
  });
  return response.json();
}

/**
 * One computed cell (a deferred column that is not media) as POST /api/cells/:column sends it
 * (src/core/app/computed-cells.ts): a JSON value, a tensor, or the error computing it gave.
 */
export type ComputedCell =
  | { row: number; value: unknown }
  | { row: number; tensor: { dtype: string; shape: number[]; values: (number | string)[] } }
  | { row: number; error: { type: string; message: string } };

/** The cells of computed column `column` at frame rows `rows`, computed by the server now. */
export async function computeCells(column: string, rows: readonly number[]): Promise<ComputedCell[]> {
  const response = await request(`api/cells/${encodeURIComponent(column)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ rows }),
  });
  return (await response.json()).cells;
}

/** The reply of a similarity search: frame rows and scores, best first, and how they were found. */
export interface SearchResult {
  rows: number[];
  scores: number[];
  method: 'index' | 'exact';
}

/** Content types the server takes for an image search (src/node/server/image-upload.ts). */
export const IMAGE_UPLOAD_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/gif', 'image/tiff'];

/**
 * The `k` frame rows most similar to an image file by embedding column `column` (one whose schema
 * names an `encoder`): the server encodes the image as the column's vectors were made.
 */
export async function searchByImage(
  column: string,
  image: Blob,
  k: number,
  signal?: AbortSignal,
): Promise<SearchResult> {
  const params = new URLSearchParams({ column, k: String(k) });
  const response = await request(`api/search/image?${params}`, {
    method: 'POST',
    headers: { 'content-type': image.type },
    body: image,
    ...(signal ? { signal } : {}),
  });
  return response.json();
}
