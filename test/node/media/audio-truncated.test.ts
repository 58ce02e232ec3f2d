import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DeferredColumn } from '../../../src/core/column/deferred.js';
import { resolveColumn } from '../../../src/core/column/lazy.js';
import { MediaDecodeError } from '../../../src/core/errors.js';
import { audioColumn, DataFrame, decodeAudio, decodeAudioFile, read, write } from '../../../src/index.js';
import { TRUNCATED_AUDIO_WARNING } from '../../../src/node/media/audio.js';
import { needs, PYTHON } from '../../helpers/references.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-audio-cut-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/**
 * Python's `wave` writes a stereo 16-bit WAV of `frames` frames, then the file is cut `cut` bytes
 * short; it reports the header's frame count and the sample values that are really there.
 */
function truncatedWav(file: string, frames: number, cut: number): { nframes: number; present: number[] } {
  const script = `
import wave, struct, sys, os, json
f, n, cut = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
w = wave.open(f, 'wb'); w.setnchannels(2); w.setsampwidth(2); w.setframerate(8000)
w.writeframes(struct.pack('<%dh' % (2 * n), *[((t * 7919) % 65536) - 32768 for t in range(2 * n)])); w.close()
os.truncate(f, os.path.getsize(f) - cut)
r = wave.open(f, 'rb'); nframes = r.getnframes(); data = r.readframes(nframes)
data = data[: len(data) - len(data) % 4]
print(json.dumps({'nframes': nframes, 'present': list(struct.unpack('<%dh' % (len(data) // 2), data))}))`;
  return JSON.parse(
    execFileSync(PYTHON, ['-c', script, file, String(frames), String(cut)], { encoding: 'utf8' }),
  );
}

const python = needs('python3');
python.describe('a WAV whose header claims more data than the file holds', () => {
  it('is a MediaDecodeError naming the file by default, in every entry point', async () => {
    const file = path.join(dir, 'cut.wav');
    const { nframes, present } = truncatedWav(file, 1000, 1001);
    expect(nframes).toBe(1000); // the reference reads the header's claim...
    expect(present.length / 2).toBe(749); // ...and finds fewer whole frames
    expect(() => decodeAudio('cut.wav', { baseDir: dir })).toThrow(MediaDecodeError);
    expect(() => decodeAudio('cut.wav', { baseDir: dir })).toThrow(/cut\.wav.*truncated/);
    await expect(decodeAudioFile('cut.wav', { baseDir: dir })).rejects.toThrow(MediaDecodeError);
    expect(() => audioColumn(['cut.wav'], { baseDir: dir }).get(0)).toThrow(MediaDecodeError);
  });

  it("with { truncated: 'warn' } loads the whole frames there, as Python reads them, and warns", async () => {
    const file = path.join(dir, 'cut2.wav');
    // Trials: cuts at every byte of the last frames, so partial frames are dropped the same way.
    for (let cut = 1; cut <= 9; cut++) {
      const { nframes, present } = truncatedWav(file, 50, cut);
      expect(nframes).toBe(50);
      expect(() => decodeAudio('cut2.wav', { baseDir: dir })).toThrow(MediaDecodeError);
      const warnings: Error[] = [];
      const listen = (w: Error) => {
        if ((w as Error & { code?: string }).code === TRUNCATED_AUDIO_WARNING) warnings.push(w);
      };
      process.on('warning', listen);
      try {
        const a = decodeAudio('cut2.wav', { baseDir: dir, truncated: 'warn' });
        const col = audioColumn(['cut2.wav'], { baseDir: dir, truncated: 'warn' });
        const b = col.get(0)!;
        await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
        expect(warnings.length).toBe(2);
        expect(warnings[0].message).toMatch(/cut2\.wav/);
        for (const v of [a, b]) {
          expect(v.frames).toBe(present.length / 2);
          expect(Array.from(v.channelData[0])).toEqual(
            present.filter((_, i) => i % 2 === 0).map((s) => s / 32768),
          );
          expect(Array.from(v.channelData[1])).toEqual(
            present.filter((_, i) => i % 2 === 1).map((s) => s / 32768),
          );
        }
      } finally {
        process.off('warning', listen);
      }
    }
  });

  it('a stored column keeps its { truncated } choice', async () => {
    const media = path.join(dir, 'media');
    fs.mkdirSync(media);
    const { present } = truncatedWav(path.join(media, 'cut.wav'), 100, 7);
    const files = ['cut.wav'];
    const df = new DataFrame({
      file: files,
      strict: audioColumn(files, { baseDir: media, inputNames: ['file'] }),
      lenient: audioColumn(files, { baseDir: media, truncated: 'warn', inputNames: ['file'] }),
    });
    await write(df, path.join(dir, 'ds'));
    const back = await read(path.join(dir, 'ds'), { mediaRoots: [media] });
    const column = (name: string) => resolveColumn(back.column(name)) as DeferredColumn<{ frames: number }>;
    const strict = await column('strict')
      .load([0])
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(strict).toBeInstanceOf(MediaDecodeError);
    const [lenient] = await column('lenient').load([0]);
    expect(lenient!.frames).toBe(present.length / 2);
  });
});
