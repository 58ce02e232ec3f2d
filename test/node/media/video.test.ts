import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaLimitError, PathEscapeError, ToolNotFoundError } from '../../../src/core/errors.js';
import {
  decodeVideo,
  hasVideoTools,
  mediaInfo,
  probeVideo,
  setVideoTools,
  videoColumn,
} from '../../../src/index.js';
import { probeVideoAsync } from '../../../src/node/media/video.js';
import { needs } from '../../helpers/references.js';

const ffmpeg = needs('ffmpeg');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-video-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

ffmpeg.describe('video through ffmpeg', () => {
  beforeAll(() => {
    // 2 s of a 64×48 test pattern at 10 fps, lossless-ish MJPEG in AVI (codec present in every ffmpeg build).
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=64x48:rate=10:duration=2',
      '-c:v',
      'mjpeg',
      '-q:v',
      '2',
      path.join(dir, 'clip.avi'),
    ]);
  });
  it('probes metadata without decoding frames', () => {
    expect(probeVideo('clip.avi', { baseDir: dir })).toMatchObject({
      width: 64,
      height: 48,
      fps: 10,
      frames: 20,
      codec: 'mjpeg',
      hasAudio: false,
    });
  });
  it('probes the same without blocking (as the server does), from a path or bytes', async () => {
    const info = probeVideo('clip.avi', { baseDir: dir });
    expect(await probeVideoAsync('clip.avi', { baseDir: dir })).toEqual(info);
    const bytes = new Uint8Array(fs.readFileSync(path.join(dir, 'clip.avi')));
    expect(await probeVideoAsync(bytes)).toMatchObject({ width: 64, height: 48, fps: 10, codec: 'mjpeg' });
  });
  it('decodes frames, with maxFrames, fps, start and scale', async () => {
    const all = await decodeVideo('clip.avi', { baseDir: dir });
    expect(all).toMatchObject({ frames: 20, width: 64, height: 48, channels: 3, shape: [20, 48, 64, 3] });
    expect(all.data.length).toBe(20 * 48 * 64 * 3);
    const few = await decodeVideo('clip.avi', { baseDir: dir, maxFrames: 3, width: 32, height: 24 });
    expect(few.shape).toEqual([3, 24, 32, 3]);
    const slow = await decodeVideo('clip.avi', { baseDir: dir, fps: 2, start: 1 });
    expect(slow.frames).toBeGreaterThanOrEqual(1);
    expect(slow.frames).toBeLessThanOrEqual(3);
    const bytes = new Uint8Array(fs.readFileSync(path.join(dir, 'clip.avi')));
    expect((await decodeVideo(bytes, { maxFrames: 2 })).frames).toBe(2);
  });
  it('videoColumn prints `<video 2.0 s 64×48 10 fps>` and loads', async () => {
    const col = videoColumn(['clip.avi', null, '../x.avi'], { baseDir: dir, maxFrames: 4 });
    expect(col.type).toEqual({ kind: 'deferred', media: 'video' });
    expect(col.format(0)).toBe('<video 2.0 s 64×48 10 fps>');
    expect(col.format(1)).toBe('null');
    expect(col.format(2)).toBe('<video>');
    expect(mediaInfo(col, 0)).toMatchObject({ duration: 2 });
    const [v] = await col.load([0]);
    expect(v?.shape).toEqual([4, 48, 64, 3]);
    await expect(col.load([2])).rejects.toBeInstanceOf(PathEscapeError);
  });

  it('refuses, before running ffmpeg, frames over the decode limit (stored sizes are data from anyone)', async () => {
    const huge = decodeVideo('clip.avi', { baseDir: dir, width: 50000, height: 50000 });
    await expect(huge).rejects.toThrow(MediaLimitError);
    await expect(huge).rejects.toThrow(/elements each/);
  });
});

describe('missing ffmpeg', () => {
  it('raises ToolNotFoundError', async () => {
    fs.writeFileSync(path.join(dir, 'x.mp4'), 'not really');
    setVideoTools({ ffmpeg: 'tessera-no-such-ffmpeg', ffprobe: 'tessera-no-such-ffprobe' });
    try {
      expect(hasVideoTools()).toBe(false);
      expect(() => probeVideo('x.mp4', { baseDir: dir })).toThrow(ToolNotFoundError);
      await expect(decodeVideo('x.mp4', { baseDir: dir })).rejects.toThrow(/apt-get install -y ffmpeg/);
      expect(videoColumn(['x.mp4'], { baseDir: dir }).format(0)).toBe('<video>');
    } finally {
      setVideoTools({ ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' });
    }
  });
});
