/**
 * Headless Chromium driven by playwright-core, for `tessera demo --check` and the browser tests:
 * Debian's chromium (or a given path), never a downloaded browser.
 */
import * as fs from 'node:fs';
import type { Browser } from 'playwright-core';
import { BrowserNotFoundError } from '../core/errors.js';

/** Where Debian's `chromium` package puts the browser. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/** The launch flags DESIGN.md gives for Debian's chromium in CI. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];

/** `executablePath` if a file is there; {@link BrowserNotFoundError} otherwise (check before long work). */
export function requireChromium(executablePath = DEFAULT_CHROMIUM): string {
  if (!fs.statSync(executablePath, { throwIfNoEntry: false })?.isFile())
    throw new BrowserNotFoundError(executablePath);
  return executablePath;
}

/** Launch headless Chromium from `executablePath`; {@link BrowserNotFoundError} when none is there. */
export async function launchChromium(executablePath = DEFAULT_CHROMIUM): Promise<Browser> {
  requireChromium(executablePath);
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true });
}
