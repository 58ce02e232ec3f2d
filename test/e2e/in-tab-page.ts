/**
 * What the in-tab browser tests share: a plain static file server for the exported app (what any
 * static host does; no Tessera code) and setting a rule of the filter bar.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import type { Page } from 'playwright-core';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.wasm': 'application/wasm',
};

/** A plain static file server over `root` (what any static host does; no Tessera code). */
export function staticServer(root: string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    const rel = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    const file = path.join(root, rel.endsWith('/') ? `${rel}index.html` : rel);
    if (!file.startsWith(root) || !fs.existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(response);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({
        url: `http://127.0.0.1:${port}/`,
        close: () => new Promise((done) => server.close(() => done())),
      });
    }),
  );
}

/** Set a rule of the filter bar (added if missing). */
export async function setRule(
  page: Page,
  i: number,
  column: string,
  op: string,
  value: string,
): Promise<void> {
  if ((await page.$(`[data-rule="${i}"]`)) === null) await page.click('[data-testid="add-rule"]');
  const rule = `[data-rule="${i}"]`;
  await page.selectOption(`${rule} [data-field="column"]`, column);
  await page.selectOption(`${rule} [data-field="op"]`, op);
  const field = page.locator(`${rule} [data-field="value"]`);
  if ((await field.evaluate((e) => e.tagName)) === 'SELECT') await field.selectOption(value);
  else await field.fill(value);
}
