// A Tessera dataset folder with an audio column, opened in the tab (no server): Python's stdlib
// `wave` writes the clips and reads back their durations (the reference). A cell's play button
// plays the clip from a blob URL of the worker's bytes (the static host has none); the row detail's
// <audio> loads the same clip and its duration equals Python's. The tab draws no waveform: the cell
// says so (a chip with the reason) instead of breaking, and the static host gets no api/ request.
// Screenshots go to test/e2e/artifacts/.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { audioColumn, DataFrame } from '../../src/index.js';
import { exportStaticApp } from '../../src/node/server/static-export.js';
import { needs, PYTHON } from '../helpers/references.js';
import { artifact, ensureUiBuilt, launchChromium, UI_DIST } from './browser.js';
import { staticServer } from './in-tab-page.js';

const SOUNDS = ['tone.wav', 'long.wav', 'tone.wav'];

/** Writes mono 16-bit clips with the stdlib and prints each one's duration in seconds. */
const WAVS = `
import json, math, struct, sys, wave
out = sys.argv[1]
def write(name, rate, seconds, hz):
    n = int(rate * seconds)
    with wave.open(f"{out}/{name}", "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", int(20000 * math.sin(2 * math.pi * hz * i / rate))) for i in range(n)))
write("tone.wav", 8000, 3.0, 440)
write("long.wav", 16000, 2.0, 220)
durations = {}
for name in ("tone.wav", "long.wav"):
    with wave.open(f"{out}/{name}", "rb") as r:
        durations[name] = r.getnframes() / r.getframerate()
print(json.dumps(durations))
`;

const chromium = needs('chromium', 'python3');

chromium.describe('an audio column of a dataset folder in the tab', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-in-tab-audio-'));
  const root = path.join(dir, 'clips');
  const site = path.join(dir, 'site');
  let browser: Browser;
  let server: Awaited<ReturnType<typeof staticServer>>;
  let page: Page;
  let durations: Record<string, number>;

  beforeAll(async () => {
    const sounds = path.join(root, 'sounds');
    const frame = new DataFrame({ name: SOUNDS.map((s, i) => `${i}: ${s}`), file: SOUNDS });
    await frame.withColumn('sound', audioColumn(frame.column('file'), { baseDir: sounds })).write(root);
    fs.mkdirSync(sounds);
    durations = JSON.parse(execFileSync(PYTHON, ['-c', WAVS, sounds], { encoding: 'utf8' }));
    const [b] = await Promise.all([launchChromium(), ensureUiBuilt()]);
    browser = b;
    exportStaticApp(site, UI_DIST);
    server = await staticServer(site);
    page = await browser.newPage({ viewport: { width: 1280, height: 600 } });
    page.on('pageerror', (e) => console.error('page error:', e));
    await page.goto(server.url);
    await page.waitForSelector('[data-testid="in-tab-folder"]', { state: 'attached' });
    await page.setInputFiles('[data-testid="in-tab-folder"]', root);
    await page.waitForFunction(
      () => document.querySelector('[data-testid="row-count"]')?.textContent === '3 rows',
      undefined,
      { timeout: 30_000 },
    );
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  chromium.it('says in the cell that the tab draws no waveform', async () => {
    await page.waitForSelector('.body .row[data-row="0"] [data-audio-cell] .chip');
    const chips = await page.$$eval('.body .row [data-audio-cell] .chip', (cs) =>
      cs.map((c) => [c.textContent, c.getAttribute('title')]),
    );
    expect(chips).toHaveLength(SOUNDS.length);
    for (const [text, title] of chips) {
      expect(text).toBe('audio');
      expect(title).toMatch(/no waveform in the tab.*still plays/);
    }
    await page.screenshot({ path: artifact('in-tab-audio-table') });
  });

  chromium.it("plays a cell from the worker's bytes, and playing another stops it", async () => {
    const playing = (row: number) =>
      page.waitForFunction(
        (min) => {
          const a = document.querySelector<HTMLAudioElement>('[data-testid="cell-audio"]');
          return a !== null && !a.paused && a.currentTime > min;
        },
        row === 1 ? 0.2 : 0.05,
        { timeout: 10_000 },
      );
    const audio = () =>
      page.$eval('[data-testid="cell-audio"]', (a) => ({
        src: (a as HTMLAudioElement).src,
        duration: (a as HTMLAudioElement).duration,
      }));
    await page.click('[data-row="1"] [data-play="sound"]');
    await playing(1);
    const first = await audio();
    expect(first.src).toMatch(/^blob:/);
    expect(first.duration).toBeCloseTo(durations['long.wav'], 2);
    expect(await page.textContent('[data-row="1"] [data-play="sound"]')).toBe('■');
    await page.screenshot({ path: artifact('in-tab-audio-playing') });
    await page.click('[data-row="0"] [data-play="sound"]');
    await page.waitForFunction((d) => {
      const a = document.querySelector<HTMLAudioElement>('[data-testid="cell-audio"]');
      return a !== null && Math.abs(a.duration - d) < 0.01;
    }, durations['tone.wav']);
    const second = await audio();
    expect(second.src).toMatch(/^blob:/);
    expect(second.src).not.toBe(first.src);
    expect(second.duration).toBeCloseTo(durations['tone.wav'], 2);
    expect(await page.textContent('[data-row="1"] [data-play="sound"]')).toBe('▶');
    await page.click('[data-row="0"] [data-play="sound"]');
    await page.waitForFunction(
      () =>
        document.querySelector<HTMLAudioElement>('[data-testid="cell-audio"]')?.paused &&
        document.querySelector('[data-row="0"] [data-play="sound"]')?.textContent === '▶',
    );
  });

  chromium.it("loads the row detail's audio from a blob URL, with the reason for no waveform", async () => {
    await page.click('.body .row[data-row="1"] [data-col="name"]');
    await page.waitForSelector('[data-testid="detail"] [data-audio-detail] audio');
    await page.waitForFunction(() => {
      const a = document.querySelector<HTMLAudioElement>('[data-testid="detail"] [data-audio-detail] audio');
      return a !== null && Number.isFinite(a.duration) && a.duration > 0;
    });
    const detail = await page.$eval('[data-testid="detail"] [data-audio-detail] audio', (a) => ({
      src: (a as HTMLAudioElement).src,
      duration: (a as HTMLAudioElement).duration,
    }));
    expect(detail.src).toMatch(/^blob:/);
    expect(detail.duration).toBeCloseTo(durations['long.wav'], 2);
    expect(await page.textContent('[data-testid="detail"] [data-audio-detail] .why')).toMatch(
      /no waveform in the tab/,
    );
    await page.screenshot({ path: artifact('in-tab-audio-detail') });
  });

  chromium.it('asks the static host for nothing under api/', () => {
    expect(server.requests.filter((r) => /(^|\/)api\//.test(r))).toEqual([]);
  });
});
