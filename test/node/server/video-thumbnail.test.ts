// Video thumbnails through GET /api/thumbnails: a WebM (VP8) made by ffmpeg whose green level
// rises with time, so the frame a tenth into it is told apart from the first; its thumbnail
// compared with the frame ffmpeg extracts itself at that time, resized by PIL (a tolerance for
// JPEG); cached on disk; ffmpeg missing is a 501 ToolNotFoundError; an undecodable file a 400.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { DataFrame, setVideoTools, videoColumn } from '../../../src/index.js';
import { createAppServer } from '../../../src/node/server/index.js';
import { needs, PYTHON } from '../../helpers/references.js';

const tools = needs('ffmpeg', 'numpy', 'PIL');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-video-thumb-'));
const thumbs = path.join(tmp, 'thumbs');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const DURATION = 2;
/** 160×120, 25 fps: red across, blue down, green rising 100 levels a second. */
const SOURCE = `nullsrc=s=160x120:r=25:d=${DURATION},geq=r='X*255/W':g='T*100':b='Y*255/H'`;

beforeAll(() => {
  if (!tools.present) return;
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-f', 'lavfi', '-i', SOURCE],
    ...['-c:v', 'libvpx', '-b:v', '2M', '-pix_fmt', 'yuv420p', path.join(tmp, 'clip.webm')],
  ]);
  fs.writeFileSync(path.join(tmp, 'broken.webm'), 'not a video at all');
});

/**
 * Mean absolute difference (0–255) between `thumb` (a JPEG) and the frame ffmpeg extracts at
 * `seconds`, resized by PIL to the thumbnail's size; also the thumbnail's format and size.
 */
function compare(thumb: string, seconds: number): { format: string; size: number[]; diff: number } {
  const frame = path.join(tmp, `frame-${seconds}.png`);
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-y', '-ss', String(seconds), '-i', path.join(tmp, 'clip.webm')],
    ...['-frames:v', '1', frame],
  ]);
  const script = `
import json, sys
import numpy as np
from PIL import Image
t = Image.open(sys.argv[1]); f = Image.open(sys.argv[2]).convert("RGB").resize(t.size, Image.BICUBIC)
d = np.abs(np.asarray(t.convert("RGB"), dtype=np.float64) - np.asarray(f, dtype=np.float64)).mean()
print(json.dumps({"format": t.format, "size": list(t.size), "diff": d}))
`;
  return JSON.parse(execFileSync(PYTHON, ['-c', script, thumb, frame], { encoding: 'utf8' }));
}

async function server() {
  return createAppServer(
    new DataFrame({ name: ['clip', 'broken'] }).withColumn(
      'video',
      videoColumn(['clip.webm', 'broken.webm'], { baseDir: tmp }),
    ),
    { mediaRoots: [tmp], thumbnailDir: thumbs },
  );
}

tools.describe('GET /api/thumbnails of a video cell', () => {
  tools.it('is the frame a tenth into the video, as ffmpeg and PIL make it, cached on disk', async () => {
    const app = await server();
    const res = await app.inject({ url: '/api/thumbnails/video/0?size=64' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    const file = path.join(tmp, 'thumb.jpg');
    fs.writeFileSync(file, res.rawPayload);
    const tenth = compare(file, DURATION / 10);
    expect(tenth.format).toBe('JPEG');
    expect(tenth.size).toEqual([64, 48]);
    expect(tenth.diff).toBeLessThan(4);
    // The first frame is 20 green levels away: the time matters.
    expect(compare(file, 0).diff).toBeGreaterThan(tenth.diff + 3);
    expect(fs.readdirSync(thumbs)).toHaveLength(1);
    const again = await app.inject({ url: '/api/thumbnails/video/0?size=64' });
    expect(Buffer.compare(again.rawPayload, res.rawPayload)).toBe(0);
    expect(fs.readdirSync(thumbs)).toHaveLength(1);
    // Never enlarged: the video is 160×120.
    const big = await app.inject({ url: '/api/thumbnails/video/0?size=1024' });
    fs.writeFileSync(file, big.rawPayload);
    expect(compare(file, DURATION / 10).size).toEqual([160, 120]);
    await app.close();
  });

  tools.it('answers 501 ToolNotFoundError without ffmpeg, 400 for a file it cannot decode', async () => {
    const app = await server();
    const broken = await app.inject({ url: '/api/thumbnails/video/1?size=64' });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error.type).toBe('MediaDecodeError');
    setVideoTools({ ffmpeg: path.join(tmp, 'no-ffmpeg'), ffprobe: path.join(tmp, 'no-ffprobe') });
    try {
      const res = await app.inject({ url: '/api/thumbnails/video/0?size=32' });
      expect(res.statusCode).toBe(501);
      expect(res.json().error.type).toBe('ToolNotFoundError');
      expect(res.json().error.message).toContain('apt-get install');
    } finally {
      setVideoTools({ ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' });
    }
    await app.close();
  });
});
