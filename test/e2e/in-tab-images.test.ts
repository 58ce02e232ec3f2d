// A folder of images opened in the tab, no server: Python's PIL writes a class-per-folder of PNG
// and JPEG images (with a loose image at the top, a hidden one and a text file, all skipped), the
// static app opens it through the page's folder input, and the rows (path, label) equal a plain
// Python listing by torchvision's ImageFolder rule and `readImageFolder`'s rows. The gallery's
// thumbnails, read back from the page and decoded by PIL, match PIL's Lanczos resize of the
// original at the server's size rule; the zoomed row image is the file's exact bytes; a filter by
// label keeps that class; every image shown is a blob URL of the worker's reply. Screenshots go to test/e2e/artifacts/.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { readImageFolder } from '../../src/index.js';
import { exportStaticApp } from '../../src/node/server/static-export.js';
import { needs, PYTHON } from '../helpers/references.js';
import { artifact, ensureUiBuilt, launchChromium, UI_DIST } from './browser.js';
import { chooseSource, staticServer } from './in-tab-page.js';
import { setRule } from './table-page.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Images PIL writes: path below the folder, size, and mode (RGBA: transparency, flattened on white in thumbnails). */
const IMAGES: { path: string; size: [number, number]; mode: 'RGB' | 'RGBA' }[] = [
  { path: 'dog/b.jpg', size: [200, 150], mode: 'RGB' },
  { path: 'dog/a.JPG', size: [300, 100], mode: 'RGB' },
  { path: 'dog/more/c.jpeg', size: [64, 256], mode: 'RGB' },
  { path: 'cat/z.png', size: [90, 60], mode: 'RGB' },
  { path: 'cat/y.png', size: [240, 180], mode: 'RGBA' },
  { path: 'a-b/x.png', size: [120, 200], mode: 'RGB' },
  { path: 'a/w.png', size: [160, 100], mode: 'RGB' },
  { path: 'loose.png', size: [50, 50], mode: 'RGB' }, // directly in the folder: not a row
  { path: 'cat/.hidden.png', size: [50, 50], mode: 'RGB' }, // hidden: not a row
];

/** Smooth gradients with a disc on top, so resampling filters differ only slightly. */
const WRITE_IMAGES = `
import json, os, sys
from PIL import Image, ImageDraw
root = sys.argv[1]
for k, spec in enumerate(json.load(sys.stdin)):
    w, h = spec['size']
    im = Image.new('RGBA', (w, h))
    im.putdata([(int(255 * x / w), int(255 * y / h), (40 * k + x + y) % 256, 255 if spec['mode'] == 'RGB' else int(255 * x / w)) for y in range(h) for x in range(w)])
    ImageDraw.Draw(im).ellipse((w // 4, h // 4, w // 2, h // 2), fill=(250, 250 - 20 * k, 30, 255))
    p = os.path.join(root, spec['path'])
    os.makedirs(os.path.dirname(p), exist_ok=True)
    (im if spec['mode'] == 'RGBA' else im.convert('RGB')).save(p, quality=92)
with open(os.path.join(root, 'cat', 'notes.txt'), 'w') as f:
    f.write('not an image')
`;

/** torchvision's ImageFolder rule in plain Python: classes sorted, then files within each, hidden skipped. */
const LIST_ROWS = `
import json, os, sys
root = sys.argv[1]
ext = ('.jpg', '.jpeg', '.png', '.webp', '.gif', '.tif', '.tiff')
rows = []
for c in sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)) and not d.startswith('.')):
    files = []
    for dirpath, dirs, names in os.walk(os.path.join(root, c)):
        dirs[:] = [d for d in dirs if not d.startswith('.')]
        rel = os.path.relpath(dirpath, os.path.join(root, c))
        files += [n if rel == '.' else rel + '/' + n for n in names if not n.startswith('.') and os.path.splitext(n)[1].lower() in ext]
    rows += [{'path': c + '/' + f, 'label': c} for f in sorted(files)]
print(json.dumps(rows))
`;

/**
 * Each thumbnail (file, size) against PIL: the original upright, flattened on white, resized with
 * Lanczos to the server's size (fit inside size × size, never enlarged); prints sizes and the mean
 * absolute difference per channel value.
 */
const COMPARE_THUMBNAILS = `
import io, json, sys
import numpy as np
from PIL import Image, ImageOps
out = []
for t in json.load(sys.stdin):
    im = ImageOps.exif_transpose(Image.open(t['original']))
    rgba = im.convert('RGBA')
    white = Image.new('RGBA', im.size, (255, 255, 255, 255))
    white.alpha_composite(rgba)
    im = white.convert('RGB')
    w, h = im.size
    s = min(1, t['size'] / max(w, h))
    want = (max(1, round(w * s)), max(1, round(h * s)))
    thumb = Image.open(io.BytesIO(bytes(t['bytes'])))
    ref = im if want == (w, h) else im.resize(want, Image.LANCZOS)
    diff = np.abs(np.asarray(thumb.convert('RGB'), dtype=np.int16) - np.asarray(ref, dtype=np.int16)) if thumb.size == want else None
    out.append({'format': thumb.format, 'size': list(thumb.size), 'want': list(want), 'mean': None if diff is None else float(diff.mean())})
print(json.dumps(out))
`;

/**
 * Each image decoded by PIL as RGB (alpha dropped, as \`convert('RGB')\`) against the tab's pixels:
 * the largest difference beyond what the canvas's premultiplied alpha can lose (nothing where
 * opaque, 255 / alpha where translucent, everything where transparent).
 */
const COMPARE_PIXELS = `
import json, sys
import numpy as np
from PIL import Image
out = []
for t in json.load(sys.stdin):
    im = Image.open(t['original'])
    ref = np.asarray(im.convert('RGB'), dtype=np.int32)
    alpha = np.asarray(im.convert('RGBA'), dtype=np.int32)[..., 3:]
    lost = np.where(alpha == 255, 0, np.where(alpha > 0, np.ceil(255 / np.maximum(alpha, 1)), 255))
    got = np.array(t['data'], dtype=np.int32).reshape(t['shape'])
    out.append({'shape': list(ref.shape), 'max': int((np.abs(ref - got) - lost).max()) if ref.shape == got.shape else None})
print(json.dumps(out))
`;

/** ui/src/local/decode-image-file.ts bundled for a page, as \`window.decodeImageFile\`. */
async function decoderScript(): Promise<string> {
  const { build } = await import('vite');
  const out = await build({
    configFile: false,
    logLevel: 'error',
    build: {
      write: false,
      lib: {
        entry: path.join(ROOT, 'ui/src/local/decode-image-file.ts'),
        formats: ['iife'],
        name: 'tesseraDecode',
      },
    },
  });
  const [result] = Array.isArray(out) ? out : [out];
  const chunk = (result as { output: { type: string; code?: string }[] }).output.find(
    (o) => o.type === 'chunk',
  );
  return chunk?.code ?? '';
}

const python = (script: string, args: string[], input?: unknown): string =>
  execFileSync(PYTHON, ['-c', script, ...args], {
    ...(input !== undefined ? { input: JSON.stringify(input) } : {}),
    maxBuffer: 64 * 2 ** 20,
  }).toString();

/** The table's rendered rows (path and label texts), in row order. */
function tableRows(page: Page): Promise<{ path: string; label: string }[]> {
  return page.$$eval('.body .row', (rows) =>
    rows
      .sort((a, b) => Number(a.getAttribute('data-row')) - Number(b.getAttribute('data-row')))
      .map((r) => ({
        path: r.querySelector('[data-col="path"]')?.textContent?.trim() ?? '',
        label: r.querySelector('[data-col="label"]')?.textContent?.trim() ?? '',
      })),
  );
}

/** Wait until every image in `selector` has loaded (decoded with a size). */
async function imagesLoaded(page: Page, selector: string): Promise<void> {
  await page.waitForFunction(
    (s) => {
      const imgs = [...document.querySelectorAll<HTMLImageElement>(s)];
      return imgs.length > 0 && imgs.every((img) => img.complete && img.naturalWidth > 0);
    },
    selector,
    { timeout: 20_000 },
  );
}

/** The bytes and type behind an <img> (a blob URL of the worker's reply). */
function imageBytes(page: Page, selector: string): Promise<{ src: string; type: string; bytes: number[] }> {
  return page.$eval(selector, async (img) => {
    const src = (img as HTMLImageElement).src;
    const blob = await (await fetch(src)).blob();
    return { src, type: blob.type, bytes: [...new Uint8Array(await blob.arrayBuffer())] };
  });
}

const chromium = needs('chromium', 'PIL', 'numpy');

chromium.describe('an image folder in one tab, no server', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-in-tab-images-'));
  const site = path.join(dir, 'site');
  const folder = path.join(dir, 'pets');
  let browser: Browser;
  let server: Awaited<ReturnType<typeof staticServer>>;
  let page: Page;
  let expected: { path: string; label: string }[];

  beforeAll(async () => {
    fs.mkdirSync(folder);
    python(WRITE_IMAGES, [folder], IMAGES);
    expected = JSON.parse(python(LIST_ROWS, [folder]));
    const [b] = await Promise.all([launchChromium(), ensureUiBuilt()]);
    browser = b;
    exportStaticApp(site, UI_DIST);
    server = await staticServer(site);
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    page.on('pageerror', (e) => console.error('page error:', e));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  chromium.it('opens the folder: its rows equal the ImageFolder rule and readImageFolder', async () => {
    expect(expected.map((r) => r.path)).toEqual([
      'a/w.png',
      'a-b/x.png',
      'cat/y.png',
      'cat/z.png',
      'dog/a.JPG',
      'dog/b.jpg',
      'dog/more/c.jpeg',
    ]);
    expect((await readImageFolder(folder)).select('path', 'label').toRecords()).toEqual(expected);
    await page.goto(server.url);
    await chooseSource(page, 'folder', folder, 'pets');
    expect(await page.textContent('[data-testid="row-count"]')).toBe(`${expected.length} rows`);
    await page.waitForFunction(() => document.querySelector('.body .row .pending') === null);
    expect(await tableRows(page)).toEqual(expected);
    // The table's image cells show thumbnails, from the worker.
    await imagesLoaded(page, '.body .row img');
    await page.screenshot({ path: artifact('in-tab-images-table') });
  });

  chromium.it("shows gallery thumbnails that match PIL's resize of each image", async () => {
    await page.click('[data-testid="switch-gallery"]');
    await page.waitForFunction(() => window.location.hash.includes('view=gallery'));
    await imagesLoaded(page, '.tile .thumb img');
    const tiles = await page.$$eval('[data-testid="gallery"] .tile', (ts) =>
      ts.map((t) => Number(t.getAttribute('data-row'))),
    );
    expect(tiles.sort((a, b) => a - b)).toEqual(expected.map((_, i) => i));
    const thumbs = [];
    for (const row of tiles) {
      const { bytes, type } = await imageBytes(page, `.tile[data-row="${row}"] .thumb img`);
      expect(type).toBe('image/jpeg');
      thumbs.push({ original: path.join(folder, expected[row].path), size: 160, bytes });
    }
    const compared: { format: string; size: number[]; want: number[]; mean: number }[] = JSON.parse(
      python(COMPARE_THUMBNAILS, [], thumbs),
    );
    console.log(
      `in-tab thumbnails vs PIL Lanczos: mean |diff| per value ${compared.map((c) => c.mean.toFixed(2)).join(', ')}`,
    );
    for (const c of compared) {
      expect(c.format).toBe('JPEG');
      expect(c.size).toEqual(c.want);
      // JPEG at quality 80 alone differs by ~2-3 per value on these images.
      expect(c.mean).toBeLessThan(5);
    }
    await page.screenshot({ path: artifact('in-tab-images-gallery') });
  });

  chromium.it("zooms a row's image to the file's own bytes", async () => {
    const row = expected.findIndex((r) => r.path === 'cat/y.png');
    await page.click(`.tile[data-row="${row}"]`);
    await page.waitForSelector('[data-testid="detail"]');
    await imagesLoaded(page, '[data-testid="detail"] [data-detail-col="image"] img');
    await page.click('[data-testid="detail"] [data-detail-col="image"] img');
    await imagesLoaded(page, '[data-testid="zoom"] img');
    const { bytes, type } = await imageBytes(page, '[data-testid="zoom"] img');
    expect(type).toBe('image/png');
    expect(Buffer.from(bytes).equals(fs.readFileSync(path.join(folder, 'cat/y.png')))).toBe(true);
    expect(
      await page.$eval('[data-testid="zoom"] img', (i) => [
        (i as HTMLImageElement).naturalWidth,
        (i as HTMLImageElement).naturalHeight,
      ]),
    ).toEqual([240, 180]);
    await page.screenshot({ path: artifact('in-tab-images-zoom') });
    await page.keyboard.press('Escape');
    await page.waitForSelector('[data-testid="zoom"]', { state: 'detached' });
  });

  chromium.it('filters by label', async () => {
    await page.click('[data-testid="switch-table"]');
    await page.waitForSelector('.body .row[data-row]');
    await setRule(page, 0, 'label', '==', 'dog');
    const dogs = expected.filter((r) => r.label === 'dog');
    await page.waitForFunction(
      (t) => document.querySelector('[data-testid="row-count"]')?.textContent === t,
      `${dogs.length} of ${expected.length} rows`,
      { timeout: 20_000 },
    );
    await page.waitForFunction((n) => document.querySelectorAll('.body .row').length === n, dogs.length);
    await page.waitForFunction(() => document.querySelector('.body .row .pending') === null);
    expect(await tableRows(page)).toEqual(dogs);
    await imagesLoaded(page, '.body .row img');
    await page.screenshot({ path: artifact('in-tab-images-filtered') });
    // Every image shown came from the worker (a blob URL of its reply), none from the static host.
    const sources = await page.$$eval('.body .row img', (imgs) =>
      imgs.map((i) => i.getAttribute('src') ?? ''),
    );
    expect(sources.length).toBe(dogs.length);
    for (const src of sources) expect(src).toMatch(/^blob:/);
  });

  chromium.it('asks the static host for nothing under api/ (media, thumbnails, versions)', async () => {
    // After the table, the gallery, the zoom and a filter: the worker answered all of it, and the
    // edit session (versions, edits) is not started in the tab.
    const asked = server.requests.filter((r) => /(^|\/)api\//.test(r));
    expect(asked).toEqual([]);
    expect(server.requests.length).toBeGreaterThan(0);
  });

  chromium.it("decodes an image cell's pixels in the browser as PIL does", async () => {
    // The image column's loader (what an in-tab encoder reads), run in a page over the same files.
    const script = await decoderScript();
    const probe = await browser.newPage();
    await probe.goto(server.url);
    await probe.addScriptTag({ content: script });
    const decoded = [];
    for (const { path: p } of expected) {
      const bytes = [...fs.readFileSync(path.join(folder, p))];
      const got = await probe.evaluate(async (b) => {
        const decode = (
          window as unknown as {
            tesseraDecode: {
              decodeImageFile: (f: Blob, n: string) => Promise<{ data: Uint8Array; shape: number[] }>;
            };
          }
        ).tesseraDecode.decodeImageFile;
        const image = await decode(new Blob([new Uint8Array(b)]), 'x');
        return { data: [...image.data], shape: image.shape };
      }, bytes);
      decoded.push({ original: path.join(folder, p), ...got });
    }
    await probe.close();
    const compared: { shape: number[]; max: number | null }[] = JSON.parse(
      python(COMPARE_PIXELS, [], decoded),
    );
    console.log(`in-tab decoded pixels vs PIL: largest difference ${compared.map((c) => c.max).join(', ')}`);
    for (const [i, c] of compared.entries()) {
      expect(c.shape).toEqual(decoded[i].shape);
      // PNG is lossless: exact; JPEG decoders may round the colour transform differently.
      expect(c.max).toBeLessThanOrEqual(expected[i].path.endsWith('png') ? 0 : 3);
    }
  });

  chromium.it("shows another folder's own images in place of the open one's", async () => {
    // Row 0 of the open folder is a 160×100 image (96×60 in the table); the new one's is 70×50.
    const other = path.join(dir, 'other');
    python(WRITE_IMAGES, [other], [{ path: 'cat/q.png', size: [70, 50], mode: 'RGB' }]);
    await chooseSource(page, 'folder', other, 'other');
    await imagesLoaded(page, '.body .row img');
    expect(await tableRows(page)).toEqual([{ path: 'cat/q.png', label: 'cat' }]);
    expect(
      await page.$eval('.body .row img', (i) => [
        (i as HTMLImageElement).naturalWidth,
        (i as HTMLImageElement).naturalHeight,
      ]),
    ).toEqual([70, 50]);
  });

  chromium.it('says why a flat folder of images is not an image folder', async () => {
    const flat = path.join(dir, 'flat');
    fs.mkdirSync(flat);
    fs.copyFileSync(path.join(folder, 'loose.png'), path.join(flat, 'one.png'));
    fs.copyFileSync(path.join(folder, 'cat/z.png'), path.join(flat, 'two.png'));
    await page.goto(`${server.url}#`);
    await page.reload();
    await page.waitForSelector('[data-testid="in-tab-folder"]', { state: 'attached' });
    await page.setInputFiles('[data-testid="in-tab-folder"]', flat);
    await page.waitForSelector('[data-testid="in-tab-error"]');
    expect(await page.textContent('[data-testid="in-tab-error"]')).toMatch(
      /^ParseError: .*2 image\(s\) lie directly in the folder/,
    );
    await page.screenshot({ path: artifact('in-tab-flat-folder') });
  });
});
