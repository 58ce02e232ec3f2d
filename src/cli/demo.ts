/** `tessera demo`: the multi-modal demo dataset, written and served in the app (or checked in Chromium). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvalidArgumentError } from '../core/errors.js';
import { requireChromium } from '../node/browser.js';
import { serveApp } from '../node/server/serve.js';
import { checkApp } from './check-app.js';
import { buildDemoDataset, PLANTED_BACKGROUND } from './demo-dataset.js';

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Folder to write into (default: a new temporary folder); it must be new, empty or an earlier demo's. */
  out?: string;
  /** Load the app in headless Chromium, check it, and exit instead of serving. */
  check?: boolean;
  /** Chromium's executable for `check`. */
  browser?: string;
  /** With `check`: save a PNG of the page here. */
  screenshot?: string;
  port?: number;
}

/**
 * The `tessera demo` job: build the multi-modal demo dataset, write it, and serve the app on it
 * until Ctrl-C; with `check`, load the page in headless Chromium instead and return once it works.
 */
export async function runDemo(
  options: DemoOptions = {},
  print: (text: string) => void = console.log,
): Promise<void> {
  if (options.screenshot !== undefined && !options.check)
    throw new InvalidArgumentError('--screenshot takes a picture during --check; add --check');
  if (options.out !== undefined) checkOutFolder(options.out);
  // Fail before the build, not after it, when --check has no browser to use.
  if (options.check) requireChromium(options.browser);
  const out = options.out ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-demo-'));
  // Fail before the build, not after it, when --check has no browser to use.
  if (options.check) requireChromium(options.browser);
  const started = performance.now();
  const demo = await buildDemoDataset(out);
  const percent = (x: number) => `${Math.round(100 * x)}%`;
  print(
    `Built ${demo.frame.length} images of shapes with labels, audio, volumes, graphs, MobileNetV2 embeddings ` +
      `and a classifier's predictions in ${((performance.now() - started) / 1000).toFixed(1)} s.`,
  );
  print(
    `Planted error: on the ${PLANTED_BACKGROUND} background most labels are wrong; held-out accuracy there ` +
      `${percent(demo.accuracy.planted)}, elsewhere ${percent(demo.accuracy.elsewhere)}.`,
  );
  print(`Dataset: ${demo.dataset}`);
  const running = await serveApp(demo.dataset, {
    mediaRoots: [demo.media],
    ...(options.port !== undefined ? { port: options.port } : {}),
  });
  if (options.check) {
    try {
      await checkApp(running.url, {
        ...(options.browser !== undefined ? { browser: options.browser } : {}),
        ...(options.screenshot !== undefined ? { screenshot: options.screenshot } : {}),
      });
    } finally {
      await running.close();
    }
    print(`Checked: the app at ${running.url} showed rows and thumbnails in Chromium.`);
    if (options.screenshot !== undefined) print(`Screenshot: ${options.screenshot}`);
    return;
  }
  print(`Tessera app: ${running.url}  (Ctrl-C stops it)`);
  const stop = () => void running.close().finally(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

/** Refuse a folder holding anything but an earlier demo's output: the demo must not overwrite files. */
function checkOutFolder(out: string): void {
  if (!fs.existsSync(out)) return;
  if (!fs.statSync(out).isDirectory())
    throw new InvalidArgumentError(`--out ${out} is a file; give a folder`);
  const foreign = fs.readdirSync(out).filter((name) => name !== 'media' && name !== 'shapes');
  if (foreign.length)
    throw new InvalidArgumentError(
      `--out ${out} holds other files (${foreign.slice(0, 3).join(', ')}); give a new or empty folder, or an earlier demo's`,
    );
}
