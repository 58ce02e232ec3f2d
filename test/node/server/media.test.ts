// Media and thumbnail routes: byte ranges compared with slices of the file (206/416 as RFC 7233),
// every way out of the dataset refused (../, encoded .., absolute paths, a link leading out, a cell
// naming a file outside), thumbnails sized as PIL reads them and cached on disk.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioColumn, DataFrame, imageColumn } from '../../../src/index.js';
import { createAppServer } from '../../../src/node/server/index.js';
import { needs, PYTHON } from '../../helpers/references.js';

const pil = needs('PIL');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-server-media-'));
const media = path.join(tmp, 'media');
const secret = path.join(tmp, 'secret.txt');
const SECRET = 'TOP-SECRET-CONTENTS';
const clip = Uint8Array.from({ length: 5000 }, (_, i) => (i * 31 + 7) & 255);

beforeAll(async () => {
  fs.mkdirSync(path.join(media, 'cats'), { recursive: true });
  fs.writeFileSync(secret, SECRET);
  fs.writeFileSync(path.join(media, 'clip.wav'), clip);
  fs.writeFileSync(path.join(media, 'empty.wav'), new Uint8Array(0));
  fs.symlinkSync(secret, path.join(media, 'link.wav'));
  await sharp({ create: { width: 300, height: 200, channels: 3, background: '#336699' } })
    .png()
    .toFile(path.join(media, 'cats', 'a.png'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A frame of audio cells, some naming files outside the media folder. */
function audioFrame(): DataFrame {
  const paths = ['clip.wav', 'empty.wav', 'link.wav', '../secret.txt', secret, 'missing.wav', null];
  return new DataFrame({ name: paths.map((p) => p ?? 'none') }).withColumn(
    'sound',
    audioColumn(paths, { baseDir: media }),
  );
}

describe('GET /api/media/:column/:row', () => {
  it('sends the whole file, and byte ranges as 206 with the right slice', async () => {
    const app = await createAppServer(audioFrame(), { mediaRoots: [media] });
    const whole = await app.inject({ url: '/api/media/sound/0' });
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.headers['content-type']).toBe('audio/wav');
    expect(new Uint8Array(whole.rawPayload)).toEqual(clip);
    const cases: [string, number, number][] = [
      ['bytes=0-99', 0, 99],
      ['bytes=100-', 100, 4999],
      ['bytes=-300', 4700, 4999],
      ['bytes=4990-9999', 4990, 4999],
      ['bytes=-9999', 0, 4999],
    ];
    for (const [range, start, end] of cases) {
      const res = await app.inject({ url: '/api/media/sound/0', headers: { range } });
      expect(res.statusCode, range).toBe(206);
      expect(res.headers['content-range'], range).toBe(`bytes ${start}-${end}/5000`);
      expect(new Uint8Array(res.rawPayload), range).toEqual(clip.subarray(start, end + 1));
    }
    for (const range of ['bytes=5000-', 'bytes=6000-7000', 'bytes=-0']) {
      const res = await app.inject({ url: '/api/media/sound/0', headers: { range } });
      expect(res.statusCode, range).toBe(416);
      expect(res.headers['content-range'], range).toBe('bytes */5000');
      expect(res.json().error.type).toBe('RangeNotSatisfiableError');
    }
    // Unparsable or multiple ranges are ignored: the whole file.
    for (const range of ['bytes=5-2', 'items=0-1', 'bytes=0-1,5-6']) {
      const res = await app.inject({ url: '/api/media/sound/0', headers: { range } });
      expect(res.statusCode, range).toBe(200);
      expect(res.rawPayload.length).toBe(5000);
    }
    const empty = await app.inject({ url: '/api/media/sound/1' });
    expect(empty.statusCode).toBe(200);
    expect(empty.rawPayload.length).toBe(0);
  });

  it('never serves a file outside the media folder', async () => {
    const app = await createAppServer(audioFrame(), { mediaRoots: [media] });
    const refused = [
      '/api/media/sound/2', // a link inside the folder that leads out
      '/api/media/sound/3', // a cell naming ../secret.txt
      '/api/media/sound/4', // a cell naming an absolute path
      '/api/media/..%2f..%2fsecret.txt/0',
      '/api/media/%2e%2e%2f%2e%2e%2fsecret.txt/0',
      '/api/media/../../secret.txt',
      '/api/media/sound/..%2f..%2fsecret.txt',
      `/api/media/${encodeURIComponent(secret)}/0`,
      '/api/media/sound/%2e%2e',
      '/api/media/sound/0/../../../secret.txt',
      '/..%2f..%2fsecret.txt',
      `/${encodeURIComponent(secret)}`,
      '/%2e%2e/%2e%2e/secret.txt',
    ];
    for (const url of refused) {
      const res = await app.inject({ url });
      expect([403, 404], url).toContain(res.statusCode);
      expect(res.body, url).not.toContain(SECRET);
      expect(res.json().error.type, url).toMatch(/Error$/);
    }
    expect((await app.inject({ url: '/api/media/sound/2' })).json().error.type).toBe('PathEscapeError');
    expect((await app.inject({ url: '/api/media/sound/3' })).statusCode).toBe(403);
    expect((await app.inject({ url: '/api/media/sound/5' })).statusCode).toBe(404); // missing file
    expect((await app.inject({ url: '/api/media/sound/6' })).statusCode).toBe(404); // null cell
    expect((await app.inject({ url: '/api/media/sound/99' })).statusCode).toBe(404);
    expect((await app.inject({ url: '/api/media/name/0' })).statusCode).toBe(400); // not media
  });

  it('serves nothing from a frame given in code unless its folder is granted', async () => {
    const app = await createAppServer(audioFrame());
    const res = await app.inject({ url: '/api/media/sound/0' });
    expect(res.statusCode).toBe(403);
  });

  it('serves a folder that is opened by path, inside that folder only', async () => {
    const app = await createAppServer(media, { thumbnailDir: path.join(tmp, 'thumbs-folder') });
    const schema = (await app.inject({ url: '/api/schema' })).json();
    expect(schema.source).toEqual({ kind: 'image-folder', name: 'media' });
    expect(schema.rows).toBe(1);
    expect((await app.inject({ url: '/api/media/image/0' })).statusCode).toBe(200);
    // The file turns into a link leading out after the folder was opened.
    const file = path.join(media, 'cats', 'a.png');
    fs.renameSync(file, `${file}.bak`);
    fs.symlinkSync(secret, file);
    try {
      const link = await app.inject({ url: '/api/media/image/0' });
      expect(link.statusCode).toBe(403);
      expect(link.body).not.toContain(SECRET);
    } finally {
      fs.unlinkSync(file);
      fs.renameSync(`${file}.bak`, file);
    }
  });
});

describe('GET /api/thumbnails/:column/:row', () => {
  pil.it('makes a thumbnail of the size asked for (as PIL reads it) and caches it on disk', async () => {
    const thumbs = path.join(tmp, 'thumbs');
    const frame = new DataFrame({ path: ['cats/a.png'] });
    const app = await createAppServer(
      frame.withColumn('image', imageColumn(frame.column('path'), { baseDir: media })),
      {
        mediaRoots: [media],
        thumbnailDir: thumbs,
      },
    );
    const res = await app.inject({ url: '/api/thumbnails/image/0?size=64' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    const out = path.join(tmp, 'thumb.jpg');
    fs.writeFileSync(out, res.rawPayload);
    const size = execFileSync(
      PYTHON,
      [
        '-c',
        'import sys; from PIL import Image; im = Image.open(sys.argv[1]); print(im.format, *im.size)',
        out,
      ],
      { encoding: 'utf8' },
    );
    expect(size.trim()).toBe('JPEG 64 43');
    const cached = fs.readdirSync(thumbs);
    expect(cached).toHaveLength(1);
    const again = await app.inject({ url: '/api/thumbnails/image/0?size=64' });
    expect(Buffer.compare(again.rawPayload, res.rawPayload)).toBe(0);
    expect(fs.readdirSync(thumbs)).toEqual(cached);
    expect((await app.inject({ url: '/api/thumbnails/image/0?size=5000' })).statusCode).toBe(400);
  });
});
