/**
 * The checks every request to the app's server passes before any route runs (an onRequest hook):
 * its Host must name this server (so a page on another site cannot reach it by DNS rebinding), an
 * Origin, when sent, must be this server (no cross-site requests), and where a token is set, the
 * request must carry it (`Authorization: Bearer T`, `?token=T`, or the cookie a valid `?token=` sets),
 * compared in constant time. Writes (the app's edits) need the write secret besides, in the same ways
 * (`writeAccess`): the per-launch secret `tessera app` puts in the URL it prints, checked even on
 * loopback, so no other page or local process can write. A path with a `..` segment (plain or percent-encoded) is refused too: no
 * route needs one.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccessDeniedError } from '../../core/errors.js';

export interface SecurityOptions {
  /** Host names (no port) requests may address besides localhost, 127.0.0.1 and [::1]. */
  allowedHosts?: readonly string[];
  /** The token every request must carry; unset: none needed (loopback only). */
  token?: string;
  /**
   * The secret a write (an edit, an undo) must carry, in the same ways as the token; where `token`
   * is set, the token is the write secret. Unset (and no token): the server accepts no writes.
   */
  writeToken?: string;
}

/** The secret writes need under `options` (the token where one is set), or undefined: no writes. */
export function writeSecretOf(options: SecurityOptions): string | undefined {
  const secret = options.token ?? options.writeToken;
  return secret === undefined || secret === '' ? undefined : secret;
}

/**
 * Whether `request` carries the write secret (compared in constant time); false when the server
 * has none. The security hook has already let the request in.
 */
export function writeAccess(options: SecurityOptions): (request: FastifyRequest) => boolean {
  const secret = writeSecretOf(options);
  const expected = secret === undefined ? undefined : digest(secret);
  return (request) => {
    if (expected === undefined) return false;
    const given = tokenOf(request, tokenCookieName(request.headers.host ?? ''));
    return given !== undefined && timingSafeEqual(digest(given.token), expected);
  };
}

const LOOPBACK_NAMES: readonly string[] = ['localhost', '127.0.0.1', '[::1]', '::1'];

/** Whether `host` (an address or name, no port) is a loopback address. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return LOOPBACK_NAMES.includes(h) || /^127(\.\d{1,3}){3}$/.test(h) || h === 'localhost.';
}

/** The onRequest hook that refuses a request failing the checks with {@link AccessDeniedError}. */
export function securityHook(
  options: SecurityOptions,
): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const allowed = new Set([...LOOPBACK_NAMES, ...(options.allowedHosts ?? [])].map((h) => h.toLowerCase()));
  const anyHost = allowed.has('0.0.0.0') || allowed.has('::') || allowed.has('[::]');
  const token = options.token === undefined ? undefined : digest(options.token);
  const hostAllowed = (name: string) => allowed.has(name) || (anyHost && token !== undefined);
  return async (request, reply) => {
    const host = request.headers.host;
    const hostName = host === undefined ? undefined : hostNameOf(host);
    if (hostName === undefined || !hostAllowed(hostName))
      throw new AccessDeniedError(
        `refused a request for host ${JSON.stringify(host ?? '')}: this server answers only to ${[...allowed].join(', ')}`,
      );
    const origin = request.headers.origin;
    if (origin !== undefined) {
      // The page must come from this very server: same host name and port as the request's Host
      // (another local server on another port is another origin).
      const originHost = originHostOf(origin);
      if (originHost === undefined || !hostAllowed(originHost.name) || originHost.port !== portOf(host ?? ''))
        throw new AccessDeniedError(`refused a cross-site request from origin ${JSON.stringify(origin)}`);
    }
    if (climbsOut(request.raw.url ?? '/'))
      throw new AccessDeniedError('refused a path with a ".." segment, a backslash or a NUL byte');
    if (request.headers['sec-fetch-site'] === 'cross-site')
      throw new AccessDeniedError('refused a cross-site request (Sec-Fetch-Site: cross-site)');
    if (token !== undefined) {
      const cookieName = tokenCookieName(host ?? '');
      const given = tokenOf(request, cookieName);
      if (given === undefined || !timingSafeEqual(digest(given.token), token))
        throw new AccessDeniedError(
          given === undefined
            ? 'this server needs a token: send `Authorization: Bearer TOKEN` or add ?token=TOKEN to the URL'
            : 'wrong token',
        );
      // The page's own requests for scripts and images carry no header: a valid ?token= on the
      // page sets a cookie that later requests carry (as Jupyter does). HttpOnly: no script reads
      // it; SameSite=Strict: no other site's page sends it.
      if (given.from === 'query')
        reply.header(
          'set-cookie',
          `${cookieName}=${encodeURIComponent(given.token)}; Path=/; HttpOnly; SameSite=Strict`,
        );
    }
  };
}

/**
 * Whether a URL's path has a `..` segment, a backslash or a NUL byte, also once percent-decoded
 * (twice, for double encoding): no route needs one, so such a request is refused before routing.
 */
function climbsOut(url: string): boolean {
  let p = url.split('?')[0];
  for (let round = 0; round < 3; round++) {
    if (p.includes('\\') || p.includes('\0') || p.split('/').some((seg) => seg === '..')) return true;
    try {
      const decoded = decodeURIComponent(p);
      if (decoded === p) return false;
      p = decoded;
    } catch {
      return true; // malformed percent-encoding
    }
  }
  return true;
}

/** Fixed-length digests, so comparing them takes the same time whatever the token's length. */
function digest(s: string): Buffer {
  return createHash('sha256').update(s, 'utf8').digest();
}

/**
 * The token cookie's name, one per port: cookies are shared by every port of a host, and two app
 * servers on one machine must not overwrite each other's.
 */
function tokenCookieName(host: string): string {
  return `tessera-token-${portOf(host)}`;
}

interface GivenToken {
  token: string;
  from: 'header' | 'query' | 'cookie';
}

function tokenOf(request: FastifyRequest, cookieName: string): GivenToken | undefined {
  const auth = request.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return { token: m[1], from: 'header' };
  }
  const q = (request.query as Record<string, unknown> | undefined)?.token;
  if (typeof q === 'string') return { token: q, from: 'query' };
  // The query is parsed after onRequest for some requests; read the raw URL too.
  const raw = request.raw.url ?? '';
  const i = raw.indexOf('?');
  const fromUrl = i < 0 ? null : new URLSearchParams(raw.slice(i + 1)).get('token');
  if (fromUrl !== null) return { token: fromUrl, from: 'query' };
  const cookie = cookieOf(request.headers.cookie, cookieName);
  return cookie === undefined ? undefined : { token: cookie, from: 'cookie' };
}

/** The value of cookie `name` in a Cookie header, undefined if absent or malformed. */
function cookieOf(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(eq + 1).trim());
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The host name of a Host header (`name:port`, `[v6]:port`), lower case; undefined if malformed. */
function hostNameOf(host: string): string | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(host.trim());
  return m ? m[1].toLowerCase() : undefined;
}

function originHostOf(origin: string): { name: string; port: string } | undefined {
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return { name: url.hostname.toLowerCase(), port: url.port || (url.protocol === 'https:' ? '443' : '80') };
  } catch {
    return undefined;
  }
}

/** The port of a Host header (80 when it names none). */
function portOf(host: string): string {
  const m = /:(\d{1,5})$/.exec(host.trim());
  return m && !host.trim().endsWith(']') ? String(Number(m[1])) : '80';
}
