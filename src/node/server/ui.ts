/**
 * The browser app's files: the built UI (ui/dist) when it is there; otherwise a placeholder page
 * that says plainly that the UI is not built and links to the API.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { plainQuery } from './routes/schemas.js';

/** ui/dist of the package: three folders above this file both in src/ (tsx) and in dist/ (the build). */
export const DEFAULT_UI_DIR = fileURLToPath(new URL('../../../ui/dist', import.meta.url));

/** Serve the UI from `dir` if it holds an index.html, else the placeholder at `/`. */
export async function uiRoutes(app: FastifyInstance, dir: string, token: string | undefined): Promise<void> {
  if (fs.existsSync(`${dir}/index.html`)) {
    const { default: fastifyStatic } = await import('@fastify/static');
    const realRoot = realPath(dir);
    await app.register(fastifyStatic, {
      root: dir,
      prefix: '/',
      dotfiles: 'deny',
      index: ['index.html'],
      // Only files really inside the folder: no link in it may lead elsewhere.
      allowedPath: (pathName) => isInside(realPath(path.join(dir, pathName)), realRoot),
    });
    return;
  }
  const schemaLink = `/api/schema${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`;
  app.get('/', { schema: { querystring: plainQuery } }, async (_request, reply) =>
    reply.type('text/html; charset=utf-8').send(placeholderPage(schemaLink)),
  );
}

function placeholderPage(schemaLink: string): string {
  const href = schemaLink.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Tessera app</title></head>
<body>
<h1>Tessera app</h1>
<p>The browser UI is not built (ui/dist is missing), so there is nothing to show here yet.</p>
<p>The server and its API work: see the open dataset's schema at <a href="${href}">/api/schema</a>.</p>
</body></html>
`;
}

function realPath(p: string): string {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return path.resolve(p);
  }
}

function isInside(child: string, root: string): boolean {
  const rel = path.relative(root, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
