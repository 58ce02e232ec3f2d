/**
 * The analysis routes answered in the in-tab worker, with the server's bodies and replies and the
 * same core modules (src/core/app): the embedding map (`GET api/map/:column?method=pca|umap`, its
 * progress `api/map/:column/events` as followed events, `GET api/colors/:column`) and the slices
 * panel (`POST api/slices`). PCA runs on the core's kernels in this worker, UMAP with umap-js in
 * a Web Worker of its own (in-tab-umap.ts), so this one keeps answering meanwhile. Layouts and
 * discovery's cluster column live as long as the opened file.
 */
import { colorValues, encodeColorValues } from '../../../src/core/app/color-values.js';
import {
  embeddingPca,
  followLayoutJob,
  LAYOUT_METHODS,
  type LayoutEvent,
  LayoutJobs,
  type LayoutMethod,
  layoutHeaders,
  layoutOfNonNullRows,
} from '../../../src/core/app/map-layouts.js';
import { type ServedFrame, sliceReport } from '../../../src/core/app/slice-metrics.js';
import type { SliceRequest } from '../../../src/core/app/slice-replies.js';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import type { InTabReply } from './in-tab-api.js';
import { umapInTab } from './in-tab-umap.js';

const OCTET_STREAM = 'application/octet-stream';

/** The map and slices of the frame `served` holds (its frame grows a cluster column on discovery). */
export class InTabAnalysis {
  private readonly layouts: LayoutJobs;

  constructor(private readonly served: ServedFrame) {
    this.layouts = new LayoutJobs(
      () => served.frame,
      (embedding, _name, method, step, signal) =>
        method === 'pca'
          ? embeddingPca(embedding)
          : layoutOfNonNullRows(embedding, (rows, count, dims) => umapInTab(rows, count, dims, step, signal)),
    );
  }

  /** The reply to `method path` if it is one of these routes, else null. */
  async route(
    method: string,
    path: readonly string[],
    q: URLSearchParams,
    body: string | undefined,
  ): Promise<InTabReply | null> {
    const [, route, column] = path;
    if (method === 'GET' && route === 'map' && path.length === 3) {
      const job = this.layouts.layout(column, layoutMethod(q));
      const xy = await job.result;
      return {
        status: 200,
        contentType: OCTET_STREAM,
        body: new Uint8Array(xy.buffer, xy.byteOffset, xy.byteLength),
        headers: layoutHeaders(job, xy),
      };
    }
    if (method === 'GET' && route === 'colors' && path.length === 3) {
      const { header, data } = colorValues(this.served.frame, column);
      return { status: 200, contentType: OCTET_STREAM, body: encodeColorValues(header, data) };
    }
    if (method === 'POST' && route === 'slices' && path.length === 2) {
      const report = await sliceReport(this.served, checkSliceRequest(body));
      return {
        status: 200,
        contentType: 'application/json',
        body: new TextEncoder().encode(JSON.stringify(report)),
      };
    }
    return null;
  }

  /**
   * Follow `url`'s events (`api/map/:column/events?method=`) as the server streams them; a request
   * it cannot follow gets one `failed` event. The returned function stops following.
   */
  follow(url: string, send: (e: LayoutEvent) => void, end: () => void): () => void {
    const parsed = new URL(url, 'http://in-tab/');
    const path = parsed.pathname.replace(/^\//, '').split('/').map(decodeURIComponent);
    try {
      if (path.length !== 4 || path[0] !== 'api' || path[1] !== 'map' || path[3] !== 'events')
        throw new InvalidArgumentError(`${parsed.pathname} is not an event stream`);
      return followLayoutJob(this.layouts.layout(path[2], layoutMethod(parsed.searchParams)), send, end);
    } catch (e) {
      send({
        event: 'failed',
        data: { name: path[2] ?? '', message: e instanceof Error ? e.message : String(e) },
      });
      end();
      return () => {};
    }
  }

  /** Stop the layouts still computing (another file replaces this one). */
  close(): void {
    this.layouts.close();
  }
}

function layoutMethod(q: URLSearchParams): LayoutMethod {
  const method = q.get('method') ?? 'pca';
  if (!LAYOUT_METHODS.includes(method as LayoutMethod))
    throw new InvalidArgumentError(
      `"method" must be one of ${LAYOUT_METHODS.join(', ')}; got ${JSON.stringify(method)}`,
    );
  return method as LayoutMethod;
}

const REQUEST_KEYS = [
  'label',
  'prediction',
  'scores',
  'classes',
  'groups',
  'filter',
  'discover',
  'maxGroups',
  'bootstrap',
  'bootstrapRows',
];

/** The shape the server's JSON schema checks (routes/slices.ts); columns and values are checked by the core. */
function checkSliceRequest(text: string | undefined): SliceRequest {
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text ?? '');
  } catch {
    throw new InvalidArgumentError('the slices request body is not JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new InvalidArgumentError('the slices request body must be a JSON object');
  for (const key of Object.keys(body))
    if (!REQUEST_KEYS.includes(key))
      throw new InvalidArgumentError(`unknown slices request field "${key}"; use ${REQUEST_KEYS.join(', ')}`);
  const name = (v: unknown) => typeof v === 'string' && v.length > 0;
  if (!name(body.label)) throw new InvalidArgumentError('slices need a "label" column (a string)');
  for (const key of ['prediction', 'scores'] as const)
    if (body[key] !== undefined && !name(body[key]))
      throw new InvalidArgumentError(`"${key}" must name a column`);
  if (body.groups !== undefined && (!Array.isArray(body.groups) || !body.groups.every(name)))
    throw new InvalidArgumentError('"groups" must be a list of column names');
  if (body.filter !== undefined && (typeof body.filter !== 'object' || body.filter === null))
    throw new InvalidArgumentError('"filter" must be a condition object');
  const discover = body.discover as { embedding?: unknown; k?: unknown } | undefined;
  if (
    discover !== undefined &&
    (typeof discover !== 'object' ||
      !name(discover.embedding) ||
      (discover.k !== undefined &&
        !(Number.isInteger(discover.k) && (discover.k as number) >= 2 && (discover.k as number) <= 64)))
  )
    throw new InvalidArgumentError('"discover" must be { embedding: column, k?: integer 2..64 }');
  const bounded = { maxGroups: [1, 500], bootstrap: [10, 2000], bootstrapRows: [50, 1_000_000] } as const;
  for (const [key, [low, high]] of Object.entries(bounded)) {
    const v = body[key];
    if (v !== undefined && !(Number.isInteger(v) && (v as number) >= low && (v as number) <= high))
      throw new InvalidArgumentError(`"${key}" must be an integer from ${low} to ${high}`);
  }
  return body as unknown as SliceRequest;
}
