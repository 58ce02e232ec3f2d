/**
 * The app's HTTP server: `createAppServer` builds the Fastify instance (not listening) over a PATH
 * or a frame, with the security checks, the API routes and the UI; `serveApp` (serve.ts) listens.
 */
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ViewStore } from '../../core/app/views.js';
import type { DataFrame } from '../../core/frame/frame.js';
import type { AppContext } from './context.js';
import { DatasetEditor } from './dataset-editor.js';
import { installErrorReplies } from './error-reply.js';
import { DEFAULT_MAX_UPLOAD_BYTES } from './image-upload.js';
import { layoutCacheDir } from './layout-cache-dir.js';
import { LayoutStore } from './map-layouts.js';
import { servedRoots } from './media-cell.js';
import { openSource } from './open.js';
import { QueryEncoders } from './query-encoders.js';
import { cellRoutes } from './routes/cells.js';
import { editRoutes } from './routes/edits.js';
import { graphRoutes } from './routes/graph.js';
import { mapRoutes } from './routes/map.js';
import { mediaRoutes } from './routes/media.js';
import { rowRoutes } from './routes/rows.js';
import { schemaRoutes } from './routes/schema.js';
import { conditionSchema } from './routes/schemas.js';
import { searchRoutes } from './routes/search.js';
import { imageSearchRoutes } from './routes/search-image.js';
import { sliceRoutes } from './routes/slices.js';
import { thumbnailRoutes } from './routes/thumbnails.js';
import { versionRoutes } from './routes/versions.js';
import { viewRoutes } from './routes/views.js';
import { volumeRoutes } from './routes/volume.js';
import { waveformRoutes } from './routes/waveform.js';
import { type SecurityOptions, securityHook, writeAccess } from './security.js';
import { DEFAULT_UI_DIR, uiRoutes } from './ui.js';
import { VersionEvents } from './version-events.js';

/** Options of {@link createAppServer}. */
export interface AppServerOptions extends SecurityOptions {
  /**
   * Directories outside the dataset its media may be served from (as `read`'s `mediaRoots`). A
   * dataset or folder's own directory is always allowed; a frame given in code has only these.
   */
  mediaRoots?: readonly string[];
  /** Folder of the built UI (default: the package's ui/dist); without an index.html, a placeholder page. */
  uiDir?: string;
  /** Folder for cached thumbnails (default: os.tmpdir()/tessera-thumbs/<hash of the dataset path>). */
  thumbnailDir?: string;
  /** Folder for cached map layouts of sources other than a dataset (default: os.tmpdir()/tessera-maps/…). */
  layoutDir?: string;
  /**
   * Whether a stored dataset keeps its map layouts as columns of a new version (default true, but
   * false on a `readOnly` server); when false they go to `layoutDir` like other sources', and the
   * dataset is never written.
   */
  layoutsInDataset?: boolean;
  /** Most views kept at once (default 64; the least recently used is dropped). */
  maxViews?: number;
  /** Most rows one window may ask for (default 10 000). */
  maxWindowRows?: number;
  /** Longest wait, in ms, for one request's computed cells (default 30 000). */
  cellTimeoutMs?: number;
  /**
   * The registered encoder (e.g. 'mobilenet-v2') that encodes uploaded images for embedding columns
   * whose dataset does not record the encoder that made them (`tessera app --encoder NAME`).
   */
  encoder?: string;
  /** Largest uploaded image for image search, in bytes (default 16 MiB). */
  maxUploadBytes?: number;
  /** Fastify's logger (default off). */
  logger?: boolean;
  /** Refuse every write (edits, undo) whatever the request carries (`tessera app --read-only`). */
  readOnly?: boolean;
}

/**
 * The app's server over `source` (a path `tessera app` opens, or a frame), not yet listening: use
 * `inject` to test it or {@link serveApp} to listen. Every request must address it by a loopback
 * name (or one of `allowedHosts`), come from no other origin, and carry `token` if one is set.
 * Edits of a stored dataset need the write secret (`writeToken`, or `token` where one is set; with
 * neither, or with `readOnly`, the server accepts no writes).
 */
export async function createAppServer(
  source: string | DataFrame,
  options: AppServerOptions = {},
): Promise<FastifyInstance> {
  const opened =
    typeof source === 'string' ? await openSource(source, { mediaRoots: options.mediaRoots ?? [] }) : null;
  const frame = opened?.frame ?? (source as DataFrame);
  const key = createHash('sha256')
    .update(opened?.path ?? `frame:${process.pid}:${Date.now()}:${Math.random()}`)
    .digest('hex')
    .slice(0, 16);
  const views = new ViewStore(frame, {
    ...(options.maxViews !== undefined ? { maxViews: options.maxViews } : {}),
  });
  const ctx: AppContext = {
    frame,
    source: opened
      ? { kind: opened.kind, name: path.basename(opened.path) }
      : { kind: 'frame', name: 'frame' },
    views,
    mediaRoots: servedRoots([...(opened ? [opened.root] : []), ...(options.mediaRoots ?? [])]),
    thumbnailDir: options.thumbnailDir ?? path.join(os.tmpdir(), 'tessera-thumbs', key),
    maxWindowRows: options.maxWindowRows ?? 10_000,
    cellTimeoutMs: options.cellTimeoutMs ?? 30_000,
    encoders: new QueryEncoders(frame, options.encoder),
    maxUploadBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    // The frame served now: a layout made after slice discovery is registered on that one.
    layouts: new LayoutStore(() => ctx.frame, {
      datasetPath:
        opened?.kind === 'dataset' && (options.layoutsInDataset ?? options.readOnly !== true)
          ? opened.path
          : null,
      cacheDir: opened ? (options.layoutDir ?? layoutCacheDir(opened.path, key)) : null,
    }),
  };
  const events = new VersionEvents();
  const editor = new DatasetEditor(
    ctx,
    { datasetPath: opened?.kind === 'dataset' ? opened.path : null, readOnly: options.readOnly === true },
    events,
  );
  await editor.init();
  // Loaded on first use: importing tessera should not pay for the web server.
  const { default: Fastify } = await import('fastify');
  const app = Fastify({
    logger: options.logger ?? false,
    // Validation fails instead of quietly dropping what a schema does not allow.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, allErrors: false } },
    bodyLimit: 1 << 20,
    // A URL Fastify cannot route (bad percent-encoding) is bad input like any other.
    frameworkErrors: (error, _request, reply) => {
      (reply as FastifyReply)
        .code(400)
        .type('application/json')
        .send({ error: { type: 'InvalidArgumentError', message: error.message } });
    },
  });
  installErrorReplies(app);
  app.addHook('onRequest', securityHook(options));
  app.addHook('onClose', async () => {
    views.clear();
    await ctx.encoders.dispose();
    ctx.layouts.close();
  });
  app.addSchema(conditionSchema);
  schemaRoutes(app, ctx);
  rowRoutes(app, ctx);
  viewRoutes(app, ctx);
  mediaRoutes(app, ctx);
  thumbnailRoutes(app, ctx);
  searchRoutes(app, ctx);
  cellRoutes(app, ctx);
  imageSearchRoutes(app, ctx);
  waveformRoutes(app, ctx);
  volumeRoutes(app, ctx);
  graphRoutes(app, ctx);
  sliceRoutes(app, ctx);
  mapRoutes(app, ctx);
  editRoutes(app, editor, writeAccess(options));
  versionRoutes(app, editor, events);
  await uiRoutes(app, options.uiDir ?? DEFAULT_UI_DIR, options.token);
  return app;
}
