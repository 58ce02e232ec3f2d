/**
 * The browser tests' helpers: Debian's chromium driven by playwright-core (no browser download),
 * the UI built into ui/dist when it is missing or older than its sources, and screenshots kept in
 * test/e2e/artifacts/ (gitignored) to look at.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchChromium as launchBrowser } from '../../src/node/browser.js';
import { CHROMIUM } from '../helpers/reference-probes.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const UI_DIST = path.join(ROOT, 'ui', 'dist');
export const ARTIFACTS = path.join(ROOT, 'test', 'e2e', 'artifacts');

/** Chromium at the path the reference probes use (TESSERA_TEST_CHROMIUM or Debian's). */
export function launchChromium(): Promise<Browser> {
  return launchBrowser(CHROMIUM);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    newest = Math.max(newest, fs.statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** Build ui/dist with vite's API unless it is there and newer than every file of ui/src. */
export async function ensureUiBuilt(): Promise<void> {
  const index = path.join(UI_DIST, 'index.html');
  const sources = Math.max(
    newestMtime(path.join(ROOT, 'ui', 'src')),
    // The in-tab worker bundles the core (ui/src/local).
    newestMtime(path.join(ROOT, 'src', 'core')),
    fs.statSync(path.join(ROOT, 'ui', 'index.html')).mtimeMs,
  );
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs >= sources) return;
  const { build } = await import('vite');
  await build({ configFile: path.join(ROOT, 'ui', 'vite.config.ts'), logLevel: 'error' });
}

/** The path of screenshot `name`.png in the artifacts folder (made if missing). */
export function artifact(name: string): string {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, `${name}.png`);
}
