/**
 * The messages between the page and the in-tab worker (worker.ts). The page asks with the same
 * requests it sends the server (method, API path, JSON body), so api.ts keeps one code path; the
 * worker answers with a status, a content type and the body bytes (Arrow IPC windows transferred,
 * not copied). `open` hands the worker a file; `cancel` drops a request the page no longer needs.
 * `follow` subscribes to an event stream the server sends as server-sent events (a map layout's
 * progress): the worker answers with `event` messages until the stream ends, or `cancel` stops it.
 */

/** A request of the app's HTTP API, answered in the worker. */
export interface ApiRequestMessage {
  kind: 'api';
  id: number;
  method: string;
  /** The API path with its query, as api.ts writes it (e.g. `api/rows?start=0&end=100`). */
  url: string;
  /** A JSON body as text, if any. */
  body?: string;
}

/** Open a file (its rows replace what was open). */
export interface OpenMessage {
  kind: 'open';
  id: number;
  file: File;
}

/** One file of an opened folder: its path below the folder ('/'-separated, the folder's own name left out). */
export interface FolderFile {
  path: string;
  file: File;
}

/** Open a folder (a Tessera dataset or a folder of images): its files, which the worker keeps for media. */
export interface OpenFolderMessage {
  kind: 'open-folder';
  id: number;
  /** The folder's name, as shown. */
  name: string;
  files: FolderFile[];
}

/** The page no longer wants the reply of request `id`. */
export interface CancelMessage {
  kind: 'cancel';
  id: number;
}

/** Follow the events of an API path that the server streams (e.g. `api/map/emb/events?method=umap`). */
export interface FollowMessage {
  kind: 'follow';
  id: number;
  url: string;
}

export type PageMessage = ApiRequestMessage | OpenMessage | OpenFolderMessage | CancelMessage | FollowMessage;

/** One event of followed stream `id` (as a server-sent event: its name and JSON data); `end` closes it. */
export interface EventMessage {
  kind: 'event';
  id: number;
  event: string;
  data: unknown;
  end: boolean;
}

/** The worker's answer to request `id`: an HTTP-like reply (errors as `{ error: { type, message } }`). */
export interface ReplyMessage {
  kind: 'reply';
  id: number;
  status: number;
  contentType: string;
  body: ArrayBuffer;
  /** Other headers the server would send (a map layout's name). */
  headers?: Record<string, string>;
}

export type WorkerMessage = ReplyMessage | EventMessage;

/** What opening a file or a folder gave: its name, format and size. */
export interface OpenedFile {
  name: string;
  format: InTabFormat;
  rows: number;
  columns: number;
}

/**
 * What the tab reads: files (`csv` covers tab-separated `.tsv` files too, as the server's source
 * kinds do) and folders (`tessera`: a dataset folder written by the store; `image-folder`: images,
 * one sub-folder per class).
 */
export type InTabFormat = 'parquet' | 'arrow' | 'csv' | 'tessera' | 'image-folder';
