/**
 * `tessera demo --check`: open the served app in headless Chromium and wait until the table shows
 * rows and at least one image thumbnail has decoded; optionally save a screenshot.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { AppCheckError } from '../core/errors.js';
import { launchChromium } from '../node/browser.js';
import { DEFAULT_UI_DIR } from '../node/server/ui.js';

const ROWS_SHOWN = `((rows) => rows.length > 0 && rows.every((r) => r.querySelector('.pending') === null))(
  [...document.querySelectorAll('.body .row')])`;
const THUMBNAILS = "[...document.querySelectorAll('.body .cell.image img')]";
const DECODED = '(img) => img.complete && img.naturalWidth > 0';

/** Options of {@link checkApp}. */
export interface CheckAppOptions {
  /** Chromium's executable (default /usr/bin/chromium). */
  browser?: string;
  /** Save a PNG of the page here once it shows rows and thumbnails. */
  screenshot?: string;
  /** How long to wait for rows and for a thumbnail, each (default 30 s). */
  timeoutMs?: number;
}

/** Resolve when the app at `url` shows rows and a thumbnail; an {@link AppCheckError} otherwise. */
export async function checkApp(url: string, options: CheckAppOptions = {}): Promise<void> {
  if (!fs.existsSync(path.join(DEFAULT_UI_DIR, 'index.html')))
    throw new AppCheckError(
      `the app's page is not built (no ${DEFAULT_UI_DIR}/index.html); run npm run build`,
    );
  const timeout = options.timeoutMs ?? 30_000;
  const browser = await launchChromium(options.browser);
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 720 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(url);
    // Page-side predicates as expressions: src/ is compiled without the DOM's types.
    const waitFor = async (what: string, predicate: string) => {
      try {
        await page.waitForFunction(predicate, undefined, { timeout });
      } catch {
        const why = pageErrors.length ? `; the page reported: ${pageErrors[0]}` : '';
        throw new AppCheckError(`the app showed no ${what} within ${timeout / 1000} s${why}`);
      }
    };
    await waitFor('rows', ROWS_SHOWN);
    await waitFor('image thumbnail', `${THUMBNAILS}.some(${DECODED})`);
    if (options.screenshot !== undefined) {
      // Let the other visible thumbnails finish too, so the picture is whole (not required to pass).
      await page
        .waitForFunction(`${THUMBNAILS}.every(${DECODED})`, undefined, { timeout: 5_000 })
        .catch(() => {});
      // A palette PNG keeps the picture small enough to commit beside the README.
      await sharp(await page.screenshot())
        .png({ palette: true, compressionLevel: 9 })
        .toFile(options.screenshot);
    }
  } finally {
    await browser.close();
  }
}
