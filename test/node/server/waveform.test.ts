// GET /api/waveform: WAVs written by Python's wave module from numpy samples, and the route's
// min/max per bucket checked against numpy's min/max of the same sample spans (bucket b covers
// samples [⌊b·n/B⌋, ⌊(b+1)·n/B⌋) with B = min(buckets, n)): mono, stereo (channels apart), a
// 1-sample file, more buckets than samples, audio bytes held in the cell; the cache; 4xx replies.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Waveform } from '../../../src/core/app/media-replies.js';
import { audioColumn, DataFrame, imageColumn } from '../../../src/index.js';
import { createAppServer } from '../../../src/node/server/index.js';
import { WaveformCache } from '../../../src/node/server/waveform.js';
import { needs, PYTHON } from '../../helpers/references.js';
import { type ErrorCase, expectErrorReplies } from './error-cases.js';

const numpy = needs('numpy');
const numpyAndFfmpeg = needs('numpy', 'ffmpeg');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-waveform-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** name → [channels, samples, rate]: each file's samples come from a seeded generator in Python. */
const FILES: Record<string, [number, number, number]> = {
  'mono.wav': [1, 10_007, 8000],
  'stereo.wav': [2, 4410, 44100],
  'one.wav': [1, 1, 16000],
  'short.wav': [2, 5, 8000],
};

/**
 * Writes the WAVs (int16 PCM, wave module) and prints, per file and bucket count, numpy's
 * min/max of each span of each channel, as float32 numbers of sample / 32768.
 */
const SCRIPT = `
import json, sys, wave
import numpy as np
out, files, counts = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
rng = np.random.default_rng(7)
ref = {}
for name, (channels, n, rate) in files.items():
    t = np.arange(n)
    samples = np.stack([
        (np.sin(t * (0.01 + 0.02 * c)) * (12000 + 9000 * c) + rng.integers(-3000, 3000, n)).astype(np.int16)
        for c in range(channels)], axis=1)
    with wave.open(f"{out}/{name}", "wb") as w:
        w.setnchannels(channels); w.setsampwidth(2); w.setframerate(rate)
        w.writeframes(samples.astype("<i2").tobytes())
    x = samples.astype(np.float32) / np.float32(32768)
    ref[name] = {}
    for asked in counts:
        b = min(asked, n)
        bounds = (np.arange(b + 1) * n) // b
        peaks = [[[float(x[bounds[i]:bounds[i + 1], c].min()), float(x[bounds[i]:bounds[i + 1], c].max())]
                  for i in range(b)] for c in range(channels)]
        ref[name][asked] = peaks
print(json.dumps(ref))
`;

const COUNTS = [1, 7, 200, 5000];
let reference: Record<string, Record<string, number[][][]>>;

beforeAll(() => {
  if (!numpy.present) return;
  reference = JSON.parse(
    execFileSync(PYTHON, ['-c', SCRIPT, tmp, JSON.stringify(FILES), JSON.stringify(COUNTS)], {
      encoding: 'utf8',
      maxBuffer: 64 * 2 ** 20,
    }),
  );
});

/** A frame of the WAVs by path, the mono one again as bytes, and an image column. */
async function server() {
  const names = Object.keys(FILES);
  const frame = new DataFrame({ name: names })
    .withColumn('sound', audioColumn(names, { baseDir: tmp }))
    .withColumn(
      'held',
      audioColumn(
        names.map(() => new Uint8Array(fs.readFileSync(path.join(tmp, 'mono.wav')))),
        {},
      ),
    )
    .withColumn('picture', imageColumn(names, { baseDir: tmp }));
  return createAppServer(frame, { mediaRoots: [tmp], thumbnailDir: path.join(tmp, 'thumbs') });
}

/** The reply's peaks as [channel][bucket] = [min, max], from little-endian Float32. */
function peaksOf(body: Buffer, channels: number, buckets: number): number[][][] {
  expect(body.length).toBe(channels * buckets * 2 * 4);
  const view = new DataView(body.buffer, body.byteOffset, body.length);
  return Array.from({ length: channels }, (_, c) =>
    Array.from({ length: buckets }, (_, b) => [
      view.getFloat32(2 * (c * buckets + b) * 4, true),
      view.getFloat32((2 * (c * buckets + b) + 1) * 4, true),
    ]),
  );
}

numpy.describe('GET /api/waveform/:column/:row', () => {
  numpy.it('gives numpy min/max per bucket and channel, with the audio numbers in headers', async () => {
    const app = await server();
    const names = Object.keys(FILES);
    for (const [row, name] of names.entries()) {
      const [channels, n, rate] = FILES[name];
      for (const asked of COUNTS) {
        const res = await app.inject({ url: `/api/waveform/sound/${row}?buckets=${asked}` });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.headers['content-type']).toBe('application/octet-stream');
        const buckets = Math.min(asked, n);
        expect(res.headers['x-waveform-buckets']).toBe(String(buckets));
        expect(res.headers['x-audio-channels']).toBe(String(channels));
        expect(res.headers['x-audio-frames']).toBe(String(n));
        expect(res.headers['x-audio-sample-rate']).toBe(String(rate));
        expect(Number(res.headers['x-audio-duration'])).toBeCloseTo(n / rate, 9);
        expect(peaksOf(res.rawPayload, channels, buckets), `${name} ${asked}`).toEqual(
          reference[name][String(asked)],
        );
      }
    }
    // The default: 256 buckets.
    const plain = await app.inject({ url: '/api/waveform/sound/0' });
    expect(plain.headers['x-waveform-buckets']).toBe('256');
    // Bytes held in the cell decode as the file does.
    const held = await app.inject({ url: '/api/waveform/held/3?buckets=200' });
    expect(peaksOf(held.rawPayload, 1, 200)).toEqual(reference['mono.wav']['200']);
    await app.close();
  });

  numpyAndFfmpeg.it(
    'decodes compressed audio (FLAC made by ffmpeg from the stereo WAV) to the same peaks',
    async () => {
      execFileSync('ffmpeg', [
        '-v',
        'error',
        '-y',
        '-i',
        path.join(tmp, 'stereo.wav'),
        path.join(tmp, 'stereo.flac'),
      ]);
      const app = await createAppServer(
        new DataFrame({ n: [0] }).withColumn('sound', audioColumn(['stereo.flac'], { baseDir: tmp })),
        { mediaRoots: [tmp] },
      );
      const res = await app.inject({ url: '/api/waveform/sound/0?buckets=200' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['x-audio-frames']).toBe('4410');
      expect(peaksOf(res.rawPayload, 2, 200)).toEqual(reference['stereo.wav']['200']);
      await app.close();
    },
  );

  numpy.it('caches waveforms, and a changed file gets a new one', async () => {
    const app = await server();
    const first = await app.inject({ url: '/api/waveform/sound/1?buckets=7' });
    const again = await app.inject({ url: '/api/waveform/sound/1?buckets=7' });
    expect(Buffer.compare(first.rawPayload, again.rawPayload)).toBe(0);
    const stereo = path.join(tmp, 'stereo.wav');
    const saved = fs.readFileSync(stereo);
    fs.copyFileSync(path.join(tmp, 'one.wav'), stereo);
    try {
      const changed = await app.inject({ url: '/api/waveform/sound/1?buckets=7' });
      expect(changed.headers['x-audio-frames']).toBe('1');
      expect(peaksOf(changed.rawPayload, 1, 1)).toEqual(reference['one.wav']['7']);
    } finally {
      fs.writeFileSync(stereo, saved);
    }
    await app.close();
  });

  numpy.it('refuses what is not an audio cell or a bucket count, with a typed 4xx', async () => {
    const app = await server();
    const cases: ErrorCase[] = [
      ['/api/waveform/picture/0', 400, 'InvalidArgumentError'],
      ['/api/waveform/name/0', 400, 'InvalidArgumentError'],
      ['/api/waveform/nothing/0', 404, 'ColumnNotFoundError'],
      ['/api/waveform/sound/99', 404, 'IndexOutOfRangeError'],
      ['/api/waveform/sound/0?buckets=0', 400, 'InvalidArgumentError'],
      ['/api/waveform/sound/0?buckets=9000', 400, 'InvalidArgumentError'],
      ['/api/waveform/sound/0?buckets=many', 400, 'InvalidArgumentError'],
      ['/api/waveform/sound/0?bins=4', 400, 'InvalidArgumentError'],
      ['/api/waveform/sound/-1', 400, 'InvalidArgumentError'],
    ];
    await expectErrorReplies(app, cases);
    await app.close();
  });
});

describe('WaveformCache', () => {
  const waveform = (floats: number): Waveform => ({
    sampleRate: 8000,
    channels: 1,
    frames: floats / 2,
    duration: floats / 16000,
    buckets: floats / 2,
    peaks: new Float32Array(floats),
  });

  it('keeps at most its bytes of peaks, dropping the least recently used first', () => {
    const cache = new WaveformCache(100); // 25 floats
    cache.set('a', waveform(10));
    cache.set('b', waveform(10));
    expect(cache.get('a')).toBeDefined(); // a is now the most recent
    cache.set('c', waveform(10)); // 120 bytes: b goes
    expect([cache.get('a'), cache.get('b'), cache.get('c')].map((w) => w !== undefined)).toEqual([
      true,
      false,
      true,
    ]);
    cache.set('big', waveform(40)); // larger than the whole cache: not kept, nothing dropped
    expect(cache.get('big')).toBeUndefined();
    expect(cache.size).toBe(2);
    cache.set('a', waveform(20)); // replacing counts the new size only: c (40) + a (80) > 100, c goes
    expect(cache.get('c')).toBeUndefined();
    expect(cache.get('a')?.peaks.length).toBe(20);
  });
});
