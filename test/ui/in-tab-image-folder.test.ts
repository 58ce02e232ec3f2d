// An image folder opened in the tab (ui/src/local: open-folder.ts, in-tab-media.ts), run in Node
// without a worker over File objects of files that PIL and ffmpeg wrote: the schema's media column,
// the media route's bytes (exactly the file's) typed as libmagic (`file --mime-type`) types them,
// and the routes' typed errors. (Thumbnails need createImageBitmap: test/e2e/in-tab-images.test.ts.)
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { contentTypeOfBytes } from '../../src/core/io/media-content-type.js';
import { InTabApi, type InTabReply } from '../../ui/src/local/in-tab-api.js';
import { frameOfFolder } from '../../ui/src/local/open-folder.js';
import { needs, PYTHON } from '../helpers/references.js';

const IMAGES = ['c/x.png', 'c/x.jpg', 'c/x.gif', 'c/x.webp', 'c/x.tif'];
const AV = ['x.wav', 'x.flac', 'x.ogg', 'x.mp3', 'x.mp4', 'x.webm', 'x.mov', 'x.m4a', 'x.mkv'];
/** libmagic's names where the app's server names the type otherwise (routes/media.ts). */
const SERVER_NAME: Record<string, string> = { 'audio/x-wav': 'audio/wav', 'audio/x-m4a': 'audio/mp4' };

const decode = (reply: InTabReply) => JSON.parse(new TextDecoder().decode(reply.body));
const media = needs('PIL', 'ffmpeg');
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-in-tab-folder-'));
  fs.mkdirSync(path.join(dir, 'c'));
  execFileSync(PYTHON, [
    '-c',
    `import sys
from PIL import Image
im = Image.new('RGB', (12, 8), (200, 30, 60))
for p in sys.argv[1:]: im.save(p)`,
    ...IMAGES.map((p) => path.join(dir, p)),
  ]);
  for (const f of AV) {
    const video = /\.(mp4|webm|mov|mkv)$/.test(f);
    execFileSync('ffmpeg', [
      ...['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=d=0.2'],
      ...(video ? ['-f', 'lavfi', '-i', 'color=c=red:s=16x16:d=0.2', '-shortest'] : []),
      path.join(dir, f),
    ]);
  }
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function fileOf(p: string): File {
  return new File([fs.readFileSync(path.join(dir, p))], path.basename(p));
}

media.it('types media bytes by their magic number as libmagic does', () => {
  for (const p of [...IMAGES, ...AV]) {
    const magic = execFileSync('file', ['--mime-type', '-b', path.join(dir, p)])
      .toString()
      .trim();
    const head = fs.readFileSync(path.join(dir, p)).subarray(0, 64);
    expect([p, contentTypeOfBytes(head)]).toEqual([p, SERVER_NAME[magic] ?? magic]);
  }
  expect(contentTypeOfBytes(new TextEncoder().encode('just text'))).toBe('application/octet-stream');
});

media.it("serves an image cell's file bytes, typed, and refuses bad requests with typed errors", async () => {
  const { frame, format, files } = await frameOfFolder(
    IMAGES.map((p) => ({ path: p, file: fileOf(p) })),
    'pics',
  );
  expect(format).toBe('image-folder');
  const api = new InTabApi(frame, { kind: format, name: 'pics' }, files);
  const schema = decode(await api.handle('GET', 'api/schema', undefined));
  expect(schema.columns).toEqual([
    { name: 'path', kind: 'scalar', type: 'string', dtype: 'string' },
    { name: 'label', kind: 'scalar', type: 'string', dtype: 'string' },
    { name: 'image', kind: 'deferred', type: 'deferred<image>', media: 'image' },
  ]);
  const sorted = [...IMAGES].sort();
  for (const [row, p] of sorted.entries()) {
    const reply = await api.handle('GET', `api/media/image/${row}`, undefined);
    expect(reply.status).toBe(200);
    expect(Buffer.from(reply.body).equals(fs.readFileSync(path.join(dir, p)))).toBe(true);
    expect(reply.contentType).toBe(contentTypeOfBytes(reply.body.subarray(0, 64)));
  }
  const error = async (url: string) => {
    const reply = await api.handle('GET', url, undefined);
    return [reply.status, decode(reply).error.type];
  };
  expect(await error('api/media/image/99')).toEqual([404, 'IndexOutOfRangeError']);
  expect(await error('api/media/image/-1')).toEqual([400, 'InvalidArgumentError']);
  expect(await error('api/media/image/1.5')).toEqual([400, 'InvalidArgumentError']);
  expect(await error('api/media/label/0')).toEqual([400, 'InvalidArgumentError']);
  expect(await error('api/media/nope/0')).toEqual([404, 'ColumnNotFoundError']);
  expect(await error('api/media/image/0?x=1')).toEqual([400, 'InvalidArgumentError']);
  expect(await error('api/thumbnails/image/0?size=8')).toEqual([400, 'InvalidArgumentError']);
  expect(await error('api/thumbnails/image/0?size=2000')).toEqual([400, 'InvalidArgumentError']);
  expect(await error('api/thumbnails/image/0?size=64&x=1')).toEqual([400, 'InvalidArgumentError']);
});
