/** `serveApp`: the app's server, listening (127.0.0.1 and a free port by default). */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { InvalidArgumentError } from '../../core/errors.js';
import type { DataFrame } from '../../core/frame/frame.js';
import { type AppServerOptions, createAppServer } from './app.js';
import { detectSourceKind } from './open.js';
import { isLoopbackHost, writeSecretOf } from './security.js';

/** Options of {@link serveApp}. */
export interface ServeAppOptions extends AppServerOptions {
  /** Address to bind (default 127.0.0.1); anything but loopback needs `token`. */
  host?: string;
  /** Port (default 0: a free one). */
  port?: number;
}

/** A listening app server. */
export interface RunningApp {
  app: FastifyInstance;
  /**
   * The address to open: `http://HOST:PORT/?token=SECRET` with the token, or else the write secret
   * made for this launch (as Jupyter's token); without `?token=` on a read-only server.
   */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Start the app's server over `source` and listen. Over a stored dataset (unless `readOnly`), a
 * random write secret is made for this launch (or `writeToken` is used) and the URL carries it: only
 * a page opened from that URL can edit. Binding beyond loopback without a token is
 * refused ({@link InvalidArgumentError}): anyone on the network could otherwise read the data.
 */
export async function serveApp(
  source: string | DataFrame,
  options: ServeAppOptions = {},
): Promise<RunningApp> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidArgumentError(`port must be a whole number from 0 to 65535, got ${port}`);
  if (!isLoopbackHost(host) && (options.token === undefined || options.token === ''))
    throw new InvalidArgumentError(
      `binding to ${host} would expose the data beyond this machine; give a token too (--token SECRET), or bind to 127.0.0.1`,
    );
  const allowedHosts = isLoopbackHost(host)
    ? (options.allowedHosts ?? [])
    : [host, ...(options.allowedHosts ?? [])];
  const writeToken = (await editable(source, options))
    ? (options.writeToken ?? randomBytes(24).toString('base64url'))
    : undefined;
  const app = await createAppServer(source, {
    ...options,
    allowedHosts,
    ...(writeToken !== undefined ? { writeToken } : {}),
  });
  await app.listen({ host, port });
  const address = app.server.address();
  const bound = typeof address === 'object' && address !== null ? address.port : port;
  const shownHost =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  const secret = options.token ?? (writeToken === undefined ? undefined : writeSecretOf({ writeToken }));
  const token = secret === undefined ? '' : `?token=${encodeURIComponent(secret)}`;
  return { app, url: `http://${shownHost}:${bound}/${token}`, port: bound, close: () => app.close() };
}

/** Whether the server over `source` can take edits: a stored dataset, not read-only. */
async function editable(source: string | DataFrame, options: ServeAppOptions): Promise<boolean> {
  if (options.readOnly === true || typeof source !== 'string') return false;
  // A path that cannot be opened fails in createAppServer, with its own clear error.
  return (await detectSourceKind(source).catch(() => null)) === 'dataset';
}
