// Audio and video cells in real headless Chromium: WAVs written with numpy (one half silent, one
// loud, so the drawn waveform's shape is known) and clips made by ffmpeg (WebM VP8 and VP9, MP4
// H.264). The table draws waveforms (pixels checked per half) and video posters; a play button
// plays through /api/media with range requests and a second one stops the first; the row detail's
// waveform seeks its <audio> on a click, and its <video> loads metadata (duration as ffprobe reads
// it) and seeks. Screenshots go to test/e2e/artifacts/.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { audioColumn, DataFrame, setVideoTools, videoColumn } from '../../src/index.js';
import { type RunningApp, serveApp } from '../../src/node/server/index.js';
import { needs, PYTHON } from '../helpers/references.js';
import { artifact, ensureUiBuilt, launchChromium } from './browser.js';

const browserAndNumpy = needs('chromium', 'numpy');
const video = needs('chromium', 'ffmpeg');

/** Row i's audio and video files. */
const SOUNDS = ['half.wav', 'stereo.wav', 'short.wav', 'half.wav'];
const CLIPS = ['vp8.webm', 'vp9.webm', 'h264.mp4', 'vp8.webm'];
const CLIP_SECONDS = 1.5;

/** half.wav: 1 s at 8 kHz, silent then a 440 Hz tone at 0.8; stereo.wav: 2 s; short.wav: 0.25 s. */
const WAVS = `
import sys, wave
import numpy as np
out = sys.argv[1]
def write(name, rate, channels):
    with wave.open(f"{out}/{name}", "wb") as w:
        w.setnchannels(channels.shape[1]); w.setsampwidth(2); w.setframerate(rate)
        w.writeframes((channels * 32767).astype("<i2").tobytes())
t = np.arange(8000) / 8000
write("half.wav", 8000, np.where(t < 0.5, 0, 0.8 * np.sin(2 * np.pi * 440 * t))[:, None])
t = np.arange(32000) / 16000
write("stereo.wav", 16000, np.stack([0.5 * np.sin(2 * np.pi * 220 * t), 0.9 * t / 2 * np.sin(2 * np.pi * 3 * t)], axis=1))
t = np.arange(2000) / 8000
write("short.wav", 8000, (0.3 * np.sin(2 * np.pi * 880 * t))[:, None])
`;

/** Per pixel column of a canvas, how many pixels are drawn (alpha > 0), in device pixels. */
function columnHeights(page: Page, selector: string): Promise<number[]> {
  return page.$eval(selector, (canvas) => {
    const c = canvas as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    return Array.from({ length: c.width }, (_, x) => {
      let n = 0;
      for (let y = 0; y < c.height; y++) if (data[(y * c.width + x) * 4 + 3] > 0) n++;
      return n;
    });
  });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

browserAndNumpy.describe('audio and video cells in Chromium', () => {
  let browser: Browser;
  let running: RunningApp;
  let page: Page;
  let frame: DataFrame;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-e2e-av-'));
  /** Responses of /api/media: status and whether the request asked for a range. */
  const media: { url: string; status: number; range: boolean }[] = [];

  beforeAll(async () => {
    execFileSync(PYTHON, ['-c', WAVS, root]);
    if (video.present) {
      const source = [
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        `testsrc2=size=160x120:rate=25:duration=${CLIP_SECONDS}`,
      ];
      const codecs: Record<string, string[]> = {
        'vp8.webm': ['-c:v', 'libvpx', '-b:v', '400k'],
        'vp9.webm': ['-c:v', 'libvpx-vp9', '-b:v', '400k', '-deadline', 'realtime', '-cpu-used', '8'],
        'h264.mp4': ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart'],
      };
      for (const [file, codec] of Object.entries(codecs))
        execFileSync('ffmpeg', [...source, ...codec, path.join(root, file)]);
    }
    const [b] = await Promise.all([launchChromium(), ensureUiBuilt()]);
    browser = b;
    frame = new DataFrame({ name: SOUNDS.map((s, i) => `${i}: ${s} / ${CLIPS[i]}`) })
      .withColumn('sound', audioColumn(SOUNDS, { baseDir: root }))
      .withColumn('clip', videoColumn(CLIPS, { baseDir: root }));
    running = await serveApp(frame, { mediaRoots: [root], thumbnailDir: path.join(root, 'thumbs') });
    page = await browser.newPage({ viewport: { width: 1280, height: 600 } });
    page.on('pageerror', (e) => console.error('page error:', e));
    page.on('response', (r) => {
      if (r.url().includes('/api/media/'))
        media.push({ url: r.url(), status: r.status(), range: r.request().headers().range !== undefined });
    });
    await page.goto(running.url);
    await page.waitForSelector('[data-row="3"] canvas[data-waveform="drawn"]', { timeout: 20_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await running?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  browserAndNumpy.it(
    'draws each audio cell as its waveform: the silent half flat, the loud half tall',
    async () => {
      const heights = await columnHeights(page, '[data-row="0"] [data-col="sound"] canvas');
      const height = await page.$eval(
        '[data-row="0"] [data-col="sound"] canvas',
        (c) => (c as HTMLCanvasElement).height,
      );
      const half = Math.floor(heights.length / 2);
      // Silence is a line a pixel or two thick; 0.8 of full scale fills most of the lane.
      expect(mean(heights.slice(2, half - 2))).toBeLessThanOrEqual(3);
      expect(mean(heights.slice(half + 2, -2))).toBeGreaterThan(0.6 * height);
      // Every audio cell is drawn (no blank canvas).
      const drawn = await page.$$eval('[data-col="sound"] canvas', (cs) =>
        cs.map((c) => {
          const canvas = c as HTMLCanvasElement;
          const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
          let n = 0;
          for (let i = 3; i < data.length; i += 4) if (data[i] > 0) n++;
          return n;
        }),
      );
      expect(drawn).toHaveLength(SOUNDS.length);
      for (const n of drawn) expect(n).toBeGreaterThan(50);
      await page.screenshot({ path: artifact('media-cells-table') });
    },
  );

  browserAndNumpy.it('plays a cell with range requests, and playing another stops it', async () => {
    const state = () =>
      page.$eval('[data-testid="cell-audio"]', (a) => {
        const audio = a as HTMLAudioElement;
        return { paused: audio.paused, time: audio.currentTime, src: audio.src };
      });
    await page.click('[data-row="1"] [data-play="sound"]');
    await page.waitForFunction(
      () => {
        const a = document.querySelector<HTMLAudioElement>('[data-testid="cell-audio"]');
        return a !== null && !a.paused && a.currentTime > 0.2;
      },
      undefined,
      { timeout: 10_000 },
    );
    expect((await state()).src).toMatch(/\/api\/media\/sound\/1$/);
    expect(await page.textContent('[data-row="1"] [data-play="sound"]')).toBe('■');
    await page.screenshot({ path: artifact('media-cells-playing') });
    // Another cell: the same element now plays row 3's file, and row 1's button is ▶ again.
    await page.click('[data-row="3"] [data-play="sound"]');
    await page.waitForFunction(() =>
      document
        .querySelector<HTMLAudioElement>('[data-testid="cell-audio"]')
        ?.src.endsWith('/api/media/sound/3'),
    );
    expect(await page.textContent('[data-row="1"] [data-play="sound"]')).toBe('▶');
    expect(await page.textContent('[data-row="3"] [data-play="sound"]')).toBe('■');
    await page.click('[data-row="3"] [data-play="sound"]');
    await page.waitForFunction(
      () => document.querySelector<HTMLAudioElement>('[data-testid="cell-audio"]')?.paused,
    );
    const sound = media.filter((m) => m.url.includes('/api/media/sound/'));
    expect(sound.some((m) => m.range && m.status === 206)).toBe(true);
  });

  browserAndNumpy.it(
    'seeks the detail audio where its waveform is clicked; the playhead follows',
    async () => {
      await page.click('[data-row="1"] [data-col="name"]');
      const canvas = '[data-detail-col="sound"] canvas[data-waveform="drawn"]';
      await page.waitForSelector(canvas, { timeout: 10_000 });
      await page.waitForFunction(() => {
        const a = document.querySelector<HTMLAudioElement>('[data-detail-col="sound"] audio');
        return a !== null && a.readyState >= 1;
      });
      // stereo.wav: 2 s, a lane per channel.
      const box = (await page.$(canvas))!.boundingBox();
      const b = (await box)!;
      await page.mouse.click(b.x + b.width * 0.75, b.y + b.height / 2);
      await page.waitForFunction(() => {
        const a = document.querySelector<HTMLAudioElement>('[data-detail-col="sound"] audio');
        return a !== null && Math.abs(a.currentTime - 1.5) < 0.05;
      });
      // The playhead (red) is drawn at three quarters of the width.
      const red = await page.$eval(canvas, (c) => {
        const cv = c as HTMLCanvasElement;
        const data = cv.getContext('2d')!.getImageData(0, Math.floor(cv.height / 4), cv.width, 1).data;
        const xs: number[] = [];
        for (let x = 0; x < cv.width; x++)
          if (data[x * 4] > 180 && data[x * 4 + 1] < 100 && data[x * 4 + 3] > 0) xs.push(x / cv.width);
        return xs;
      });
      expect(red.length).toBeGreaterThan(0);
      expect(Math.abs(mean(red) - 0.75)).toBeLessThan(0.02);
      expect(await page.textContent('[data-audio-time]')).toMatch(/^1\.50 \/ 2\.00 s$/);
      await page.screenshot({ path: artifact('media-cells-detail-audio') });
    },
  );

  browserAndNumpy.it('plays one sound at a time: the detail player stops a playing cell', async () => {
    // The detail shows row 1 (the test before), its player at 1.5 of 2 s.
    await page.click('[data-row="3"] [data-play="sound"]');
    await page.waitForFunction(
      () => !document.querySelector<HTMLAudioElement>('[data-testid="cell-audio"]')?.paused,
    );
    await page.$eval('[data-detail-col="sound"] audio', (a) => (a as HTMLAudioElement).play());
    await page.waitForFunction(
      () => document.querySelector<HTMLAudioElement>('[data-testid="cell-audio"]')?.paused,
    );
    expect(await page.textContent('[data-row="3"] [data-play="sound"]')).toBe('▶');
    // The playhead moves on with the playing detail audio.
    await page.waitForFunction(() => {
      const shown = Number.parseFloat(document.querySelector('[data-audio-time]')?.textContent ?? '0');
      return shown > 1.6;
    });
  });

  video.it('shows video posters in the table, and plays and seeks a WebM in the detail', async () => {
    await page.waitForFunction(
      () => {
        const imgs = [...document.querySelectorAll<HTMLImageElement>('[data-col="clip"] img')];
        return imgs.length === 4 && imgs.every((i) => i.complete && i.naturalWidth > 0);
      },
      undefined,
      { timeout: 20_000 },
    );
    const sizes = await page.$$eval('[data-col="clip"] img', (imgs) =>
      imgs.map((i) => [(i as HTMLImageElement).naturalWidth, (i as HTMLImageElement).naturalHeight]),
    );
    for (const s of sizes) expect(s).toEqual([96, 72]);
    await page.screenshot({ path: artifact('media-cells-table') });
    const probed = Number(
      execFileSync(
        'ffprobe',
        ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', path.join(root, 'vp8.webm')],
        {
          encoding: 'utf8',
        },
      ),
    );
    await page.click('[data-row="0"] [data-col="name"]');
    const selector = '[data-detail-col="clip"] video';
    await page.waitForFunction(
      (s) => (document.querySelector<HTMLVideoElement>(s)?.readyState ?? 0) >= 1,
      selector,
      { timeout: 15_000 },
    );
    const duration = await page.$eval(selector, (v) => (v as HTMLVideoElement).duration);
    // Laid out at the video's shape (335 px wide in the panel: 160×120 makes it 251 high).
    const box = (await (await page.$(selector))!.boundingBox())!;
    expect(box.height / box.width).toBeCloseTo(120 / 160, 2);
    expect(Math.abs(duration - probed)).toBeLessThan(0.1);
    const seeked = await page.$eval(
      selector,
      (v) =>
        new Promise<number>((resolve) => {
          const el = v as HTMLVideoElement;
          el.addEventListener('seeked', () => resolve(el.currentTime), { once: true });
          el.currentTime = 1;
        }),
    );
    expect(Math.abs(seeked - 1)).toBeLessThan(0.05);
    const clip = media.filter((m) => m.url.includes('/api/media/clip/0'));
    expect(clip.some((m) => m.range && m.status === 206)).toBe(true);
    await page.screenshot({ path: artifact('media-cells-detail-video') });
  });

  video.it('plays VP9 WebM and says whether this Chromium plays H.264 MP4', async () => {
    const outcome: Record<string, string> = {};
    for (const row of [1, 2]) {
      await page.click(`[data-row="${row}"] [data-col="name"]`);
      await page.waitForFunction(
        (r) => document.querySelector('[data-testid="detail"] strong')?.textContent === `Row ${r}`,
        row,
      );
      // Decoded, not only probed: seek to 0.5 s and draw the frame; testsrc2's colour bars are bright.
      outcome[CLIPS[row]] = await page.$eval(
        '[data-detail-col="clip"]',
        (dd) =>
          new Promise<string>((resolve) => {
            const poll = () => {
              const why = dd.querySelector('.why');
              if (why !== null) return resolve(why.textContent ?? 'failed');
              const v = dd.querySelector('video');
              if (v === null || v.readyState < 1) return setTimeout(poll, 50);
              // On a loaded machine the seeked frame may reach the canvas a little after the event:
              // draw again for up to a second before calling it no picture.
              const draw = (tries: number) => {
                const c = document.createElement('canvas');
                c.width = 16;
                c.height = 12;
                const g = c.getContext('2d')!;
                g.drawImage(v, 0, 0, 16, 12);
                const px = g.getImageData(0, 0, 16, 12).data;
                let sum = 0;
                for (let i = 0; i < px.length; i += 4) sum += px[i] + px[i + 1] + px[i + 2];
                const brightness = sum / (px.length * 0.75);
                if (brightness <= 40 && tries > 0) return void setTimeout(() => draw(tries - 1), 100);
                resolve(
                  `${brightness > 40 ? 'plays' : 'no picture'} (${v.duration.toFixed(2)} s, mean ${brightness.toFixed(0)})`,
                );
              };
              v.addEventListener('seeked', () => draw(10), { once: true });
              v.currentTime = 0.5;
            };
            poll();
          }),
      );
    }
    console.log('video formats in this Chromium:', outcome);
    expect(outcome['vp9.webm']).toMatch(/^plays/);
    // H.264 depends on the build (Debian's chromium ships its codecs): either it plays or the
    // detail says why and keeps a link to the file.
    expect(outcome['h264.mp4']).toMatch(/^plays|cannot play this video/);
    await page.screenshot({ path: artifact('media-cells-detail-mp4') });
  });

  video.it('without ffmpeg on the server, shows video cells as chips that say why', async () => {
    setVideoTools({ ffmpeg: path.join(root, 'no-ffmpeg'), ffprobe: path.join(root, 'no-ffprobe') });
    const bare = await serveApp(frame, { mediaRoots: [root], thumbnailDir: path.join(root, 'thumbs-bare') });
    const other = await browser.newPage({ viewport: { width: 1280, height: 400 } });
    try {
      await other.goto(bare.url);
      // The chip shows at once; its title becomes the server's reason when that reply arrives.
      await other.waitForFunction(
        () => {
          const chips = [...document.querySelectorAll('[data-video-cell="chip"]')];
          return chips.length === 4 && chips.every((c) => c.getAttribute('title') !== 'no poster');
        },
        undefined,
        {
          timeout: 20_000,
        },
      );
      const titles = await other.$$eval('[data-video-cell="chip"]', (cs) =>
        cs.map((c) => c.getAttribute('title')),
      );
      for (const t of titles) expect(t).toMatch(/needs the program .*no-ffprobe.*apt-get install -y ffmpeg/);
      await other.screenshot({ path: artifact('media-cells-no-ffmpeg') });
    } finally {
      setVideoTools({ ffmpeg: 'ffmpeg', ffprobe: 'ffprobe' });
      await other.close();
      await bare.close();
    }
  });
});
