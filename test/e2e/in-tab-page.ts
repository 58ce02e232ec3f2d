/**
 * Helpers for the app in one tab (the static export, no Tessera server), shared by the e2e tests and
 * the in-tab benchmark: a plain static file server and opening a file through the page's input.
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

/** A plain static file server over `root` (what any static host does; no Tessera code) on a free port of 127.0.0.1; `requests` lists the paths asked for, in order. */
export function staticServer(
  root: string,
): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    const rel = decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname);
    requests.push(rel);
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
        requests,
        close: () => new Promise((done) => server.close(() => done())),
      });
    }),
  );
}

/** Open `file` through the page's file input; answers ms from setting the file to the first rows drawn. */
export async function openFile(page: Page, file: string): Promise<number> {
  await page.waitForSelector('[data-testid="in-tab-file"]', { state: 'attached' });
  const t0 = Date.now();
  await page.setInputFiles('[data-testid="in-tab-file"]', file);
  await page.waitForFunction(
    // (globalThis's document: this helper also compiles with bench/, without the DOM's types)
    () =>
      (globalThis as unknown as { document: { querySelector(s: string): unknown } }).document.querySelector(
        '.body .row .cell:not(.pending)',
      ) !== null,
    undefined,
    { timeout: 30_000, polling: 'raf' },
  );
  return Date.now() - t0;
}

/**
 * Choose `file` (a file, or a folder for `input` 'folder') through the page's input, and wait until
 * the page names `source` as what it has open.
 */
export async function chooseSource(
  page: Page,
  input: 'file' | 'folder',
  file: string,
  source: string,
  timeout = 30_000,
): Promise<void> {
  const selector = `[data-testid="in-tab-${input}"]`;
  await page.waitForSelector(selector, { state: 'attached' });
  await page.setInputFiles(selector, file);
  await page.waitForFunction(
    // (globalThis's document: this helper also compiles with bench/, without the DOM's types)
    (name) =>
      (
        globalThis as unknown as {
          document: { querySelector(s: string): { textContent: string | null } | null };
        }
      ).document.querySelector('[data-testid="source"]')?.textContent === name,
    source,
    { timeout },
  );
}
