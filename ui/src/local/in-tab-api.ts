/**
 * The app's HTTP API answered in the worker over the opened file: the same paths, bodies and
 * replies as the server's routes (src/node/server/routes), computed with the same core modules
 * (src/core/app: conditions, views, windows as Arrow IPC, search, computed cells; the map and the
 * slices in in-tab-analysis.ts). A folder's media and thumbnails come from its files
 * (in-tab-media.ts). Routes that need the server (media of single files, image upload) answer 404
 * with a message saying so.
 */
import { computeCells, MAX_CELL_ROWS } from '../../../src/core/app/computed-cells.js';
import { CONDITION_OPS, type Condition } from '../../../src/core/app/conditions.js';
import { schemaColumns } from '../../../src/core/app/schema-columns.js';
import { searchRows } from '../../../src/core/app/search-rows.js';
import { type View, ViewStore } from '../../../src/core/app/views.js';
import { windowBounds, windowBytes } from '../../../src/core/app/window-ipc.js';
import { rowRange } from '../../../src/core/column/column.js';
import {
  ColumnNotFoundError,
  IndexOutOfRangeError,
  InvalidArgumentError,
  ResourceNotFoundError,
  TesseraError,
} from '../../../src/core/errors.js';
import type { DataFrame } from '../../../src/core/frame/frame.js';
import type { SortKey } from '../../../src/core/frame/sort.js';
import { datasetMediaPath } from './folder-media.js';
import { imageFolderMediaPath } from './image-folder-media.js';
import { InTabAnalysis } from './in-tab-analysis.js';
import { InTabEmbeds } from './in-tab-embed.js';
import { InTabMedia } from './in-tab-media.js';
import type { FolderFiles } from './open-folder.js';

/** An HTTP-like reply: status, content type, body bytes and any other headers. */
export interface InTabReply {
  status: number;
  contentType: string;
  body: Uint8Array;
  headers?: Record<string, string>;
}

const ARROW_STREAM_TYPE = 'application/vnd.apache.arrow.stream';
/** Most rows one window may ask for (as the server's default). */
const MAX_WINDOW_ROWS = 10_000;
/** How long computing a request's cells may take (as the server's default). */
const CELL_TIMEOUT_MS = 30_000;
/** Most rows a similarity search may return (as the server's route schema). */
const MAX_SEARCH_K = 1000;

const encoder = new TextEncoder();

function json(value: unknown, status = 200): InTabReply {
  return { status, contentType: 'application/json', body: encoder.encode(JSON.stringify(value)) };
}

/** A failed request as the server answers it: `{ error: { type, message } }`. */
export function errorReply(e: unknown): InTabReply {
  if (e instanceof TesseraError) {
    const notFound =
      e instanceof ResourceNotFoundError ||
      e instanceof ColumnNotFoundError ||
      e instanceof IndexOutOfRangeError;
    return json({ error: { type: e.name, message: e.message } }, notFound ? 404 : 400);
  }
  const message = e instanceof Error ? e.message : String(e);
  return json({ error: { type: 'InternalError', message } }, 500);
}

/** The open frame and its views, answering the API's requests. */
export class InTabApi {
  /** The media routes, over an opened image folder's files (in-tab-media.ts). */
  private readonly media: InTabMedia | null;
  readonly views: ViewStore;
  /** The map and the slices (in-tab-analysis.ts); discovery's cluster column replaces `frame`. */
  readonly analysis: InTabAnalysis;
  /** Embedding image columns with the built-in encoder (in-tab-embed.ts); a finished job replaces `frame`. */
  readonly embeds: InTabEmbeds;

  constructor(
    public frame: DataFrame,
    private readonly source: { kind: string; name: string },
    /** The opened folder's files (media cells read them), or null for a single file. */
    readonly files: FolderFiles | null = null,
  ) {
    this.views = new ViewStore(frame);
    this.media =
      files === null
        ? null
        : new InTabMedia(
            frame,
            files,
            source.kind === 'image-folder' ? imageFolderMediaPath : datasetMediaPath,
          );
    this.analysis = new InTabAnalysis(this);
    this.embeds = new InTabEmbeds(this);
  }

  /** Answer `method url` (a path relative to the page, with its query) with `body` (JSON text). */
  async handle(method: string, url: string, body: string | undefined): Promise<InTabReply> {
    try {
      return await this.route(method, url, body);
    } catch (e) {
      return errorReply(e);
    }
  }

  /** Cancel every unfinished sort (a new file replaces this one). */
  close(): void {
    this.views.clear();
    this.analysis.close();
    this.embeds.close();
  }

  private async route(method: string, url: string, body: string | undefined): Promise<InTabReply> {
    const parsed = new URL(url, 'http://in-tab/');
    const path = parsed.pathname.replace(/^\//, '').split('/').map(decodeURIComponent);
    const q = parsed.searchParams;
    const route = `${method} ${path.slice(0, 2).join('/')}`;
    const viewId = path[2];
    if (route === 'GET api/schema' && path.length === 2) return json(this.schema());
    if (route === 'GET api/rows' && path.length === 2) return this.window(null, q);
    if (route === 'POST api/views' && path.length === 2) return json(this.createView(parseBody(body)), 201);
    if (route === 'POST api/search' && path.length === 2) return json(await this.search(parseBody(body)));
    if (route === 'POST api/embed' && path.length === 2) return json(this.embeds.start(parseBody(body)), 202);
    if (route === 'GET api/embed' && path.length === 3) return json(this.embeds.get(path[2]));
    if (route === 'DELETE api/embed' && path.length === 3) {
      this.embeds.cancel(path[2]);
      return { status: 204, contentType: 'application/json', body: new Uint8Array(0) };
    }
    if (route === 'GET api/views' && path.length === 3) return json(describeView(this.views.get(viewId)));
    if (route === 'GET api/views' && path.length === 4 && path[3] === 'rows') return this.window(viewId, q);
    if (this.media !== null && InTabMedia.handles(route, path.length))
      return this.media.answer(path[1] as string, path[2] as string, path[3] as string, q);
    if (route === 'POST api/cells' && path.length === 3)
      return json({
        cells: await computeCells(this.frame, path[2], cellRows(parseBody(body)), CELL_TIMEOUT_MS),
      });
    if (route === 'DELETE api/views' && path.length === 3) {
      this.views.get(viewId); // 404 for an unknown view
      this.views.drop(viewId);
      return { status: 204, contentType: 'application/json', body: new Uint8Array(0) };
    }
    const analysed = await this.analysis.route(method, path, q, body);
    if (analysed !== null) return analysed;
    if (route === 'GET api/waveform')
      throw new ResourceNotFoundError(
        "no waveform in the tab: the app's server draws them (it decodes the audio); the clip still plays here",
      );
    throw new ResourceNotFoundError(
      `${method} ${parsed.pathname} needs the app's server: a file opened in the tab has no media or uploads yet`,
    );
  }

  private schema() {
    return {
      source: this.source,
      rows: this.frame.length,
      primaryKey: this.frame.primaryKey ?? null,
      columns: schemaColumns(this.frame),
    };
  }

  private createView(body: Record<string, unknown>) {
    const { filter, sort, replaces } = body;
    if (typeof replaces === 'string') this.views.drop(replaces);
    const view = this.views.create({
      ...(filter !== undefined ? { filter: checkCondition(filter) } : {}),
      ...(sort !== undefined ? { sort: checkSort(sort) } : {}),
    });
    return describeView(view);
  }

  private async window(viewId: string | null, q: URLSearchParams): Promise<InTabReply> {
    const start = integerParam(q, 'start');
    const end = integerParam(q, 'end');
    const length = viewId === null ? this.frame.length : this.views.get(viewId).length;
    const [s, e] = windowBounds({ start, end }, length, MAX_WINDOW_ROWS);
    const rows = viewId === null ? rowRange(s, e) : await this.views.window(viewId, s, e);
    const preview = q.get('preview');
    const bytes = windowBytes(
      this.frame,
      rows,
      this.columns(q.get('columns')),
      q.get('rowIndex') === 'true',
      preview === null ? undefined : Number(preview),
    );
    return { status: 200, contentType: ARROW_STREAM_TYPE, body: bytes };
  }

  /** The columns a window holds: those asked for, or every column that is not deferred. */
  private columns(asked: string | null): string[] {
    if (asked === null || asked === '')
      return this.frame.schema.filter((f) => f.type.kind !== 'deferred').map((f) => f.name);
    const names = asked.split(',');
    for (const n of names) if (!this.frame.has(n)) throw new ColumnNotFoundError(n, this.frame.columnNames);
    return names;
  }

  private async search(body: Record<string, unknown>) {
    const { column, row, k = 10, metric } = body;
    if (typeof column !== 'string') throw new InvalidArgumentError('a search needs a "column" (a string)');
    if (!Number.isInteger(row) || (row as number) < 0)
      throw new InvalidArgumentError('a search needs a "row" (an integer >= 0)');
    if (!Number.isInteger(k) || (k as number) < 1 || (k as number) > MAX_SEARCH_K)
      throw new InvalidArgumentError(`"k" must be an integer from 1 to ${MAX_SEARCH_K}`);
    if (metric !== undefined && metric !== 'cosine' && metric !== 'dot' && metric !== 'l2')
      throw new InvalidArgumentError('"metric" must be cosine, dot or l2');
    if ((row as number) >= this.frame.length)
      throw new IndexOutOfRangeError(row as number, this.frame.length);
    return searchRows(this.frame, column, { row: row as number }, k as number, metric);
  }
}

function describeView(view: View) {
  return { id: view.id, rows: view.length, complete: view.order !== null };
}

function parseBody(body: string | undefined): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body ?? '{}');
  } catch {
    throw new InvalidArgumentError('the request body is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new InvalidArgumentError('the request body must be a JSON object');
  return value as Record<string, unknown>;
}

/** The rows of a cells request, shaped as the server's route schema wants them. */
function cellRows(body: Record<string, unknown>): number[] {
  const { rows } = body;
  if (!Array.isArray(rows) || rows.length === 0 || rows.length > MAX_CELL_ROWS)
    throw new InvalidArgumentError(`"rows" must be a list of 1 to ${MAX_CELL_ROWS} row numbers`);
  return rows as number[];
}

function integerParam(q: URLSearchParams, name: string): number {
  const text = q.get(name);
  const n = Number(text);
  if (text === null || text === '' || !Number.isInteger(n) || n < 0)
    throw new InvalidArgumentError(`"${name}" must be an integer >= 0; got ${JSON.stringify(text)}`);
  return n;
}

/** The shape the server's JSON schema checks (routes/schemas.ts); the values are checked by the core. */
function checkCondition(c: unknown): Condition {
  if (typeof c !== 'object' || c === null || Array.isArray(c))
    throw new InvalidArgumentError(`a filter condition must be an object; got ${JSON.stringify(c)}`);
  const o = c as Record<string, unknown>;
  if ('and' in o || 'or' in o) {
    const parts = o.and ?? o.or;
    if (!Array.isArray(parts)) throw new InvalidArgumentError('"and" / "or" need a list of conditions');
    for (const part of parts) checkCondition(part);
    return c as Condition;
  }
  if (typeof o.column !== 'string') throw new InvalidArgumentError('a filter condition needs a "column"');
  if (!CONDITION_OPS.includes(o.op as never))
    throw new InvalidArgumentError(
      `unknown filter operator ${JSON.stringify(o.op)}; use one of ${CONDITION_OPS.join(', ')}`,
    );
  return c as Condition;
}

function checkSort(sort: unknown): SortKey[] {
  if (!Array.isArray(sort))
    throw new InvalidArgumentError('"sort" must be a list of { column, descending? }');
  for (const key of sort)
    if (typeof key !== 'object' || key === null || typeof (key as { column?: unknown }).column !== 'string')
      throw new InvalidArgumentError('each sort key needs a "column"');
  return sort as SortKey[];
}
