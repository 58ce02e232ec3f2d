import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaDecodeError, PathEscapeError, UnsupportedMediaError } from '../../../src/core/errors.js';
import { audioColumn, decodeAudio, decodeAudioFile, mediaInfo, readAudioInfo } from '../../../src/index.js';
import { formatSampleRate, interleaveAudio } from '../../../src/node/media/audio.js';
import { needs } from '../../helpers/references.js';

type Enc = { bits: 8 | 16 | 24 | 32 | 64; float: boolean; extensible?: boolean };

/** Write a WAV by hand: integer samples per channel (already quantised), or floats. */
function wav(channels: number[][], rate: number, enc: Enc, extra = false): Uint8Array {
  const n = channels[0].length;
  const bytes = enc.bits / 8;
  const block = bytes * channels.length;
  const fmtSize = enc.extensible ? 40 : 16;
  const extraChunk = extra ? 8 + 5 + 1 : 0; // an odd-sized LIST chunk with its pad byte
  const total = 12 + 8 + fmtSize + extraChunk + 8 + n * block;
  const b = Buffer.alloc(total);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(total - 8, 4);
  b.write('WAVE', 8, 'ascii');
  let o = 12;
  if (extra) {
    b.write('LIST', o, 'ascii');
    b.writeUInt32LE(5, o + 4);
    b.write('hello', o + 8, 'ascii');
    o += 14;
  }
  b.write('fmt ', o, 'ascii');
  b.writeUInt32LE(fmtSize, o + 4);
  const tag = enc.float ? 3 : 1;
  b.writeUInt16LE(enc.extensible ? 0xfffe : tag, o + 8);
  b.writeUInt16LE(channels.length, o + 10);
  b.writeUInt32LE(rate, o + 12);
  b.writeUInt32LE(rate * block, o + 16);
  b.writeUInt16LE(block, o + 20);
  b.writeUInt16LE(enc.bits, o + 22);
  if (enc.extensible) {
    b.writeUInt16LE(22, o + 24);
    b.writeUInt16LE(enc.bits, o + 26);
    b.writeUInt32LE(0, o + 28);
    b.writeUInt16LE(tag, o + 32); // sub-format GUID starts with the format tag
  }
  o += 8 + fmtSize;
  b.write('data', o, 'ascii');
  b.writeUInt32LE(n * block, o + 4);
  o += 8;
  for (let t = 0; t < n; t++)
    for (const ch of channels) {
      const v = ch[t];
      if (enc.float) enc.bits === 32 ? b.writeFloatLE(v, o) : b.writeDoubleLE(v, o);
      else if (enc.bits === 8) b.writeUInt8(v, o);
      else if (enc.bits === 16) b.writeInt16LE(v, o);
      else if (enc.bits === 24) b.writeIntLE(v, o, 3);
      else b.writeInt32LE(v, o);
      o += bytes;
    }
  return new Uint8Array(b);
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-audio-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const cases: { name: string; enc: Enc; raw: number[][]; expected: number[][] }[] = [
  {
    name: 'PCM 8-bit (unsigned)',
    enc: { bits: 8, float: false },
    raw: [[0, 128, 255, 64]],
    expected: [[-1, 0, 127 / 128, -0.5]],
  },
  {
    name: 'PCM 16-bit stereo',
    enc: { bits: 16, float: false },
    raw: [
      [-32768, 0, 32767, 16384],
      [1, -1, 100, -16384],
    ],
    expected: [
      [-1, 0, 32767 / 32768, 0.5],
      [1 / 32768, -1 / 32768, 100 / 32768, -0.5],
    ],
  },
  {
    name: 'PCM 24-bit',
    enc: { bits: 24, float: false },
    raw: [[-8388608, 8388607, 4194304, -1, 0x123456]],
    expected: [[-1, 8388607 / 8388608, 0.5, -1 / 8388608, 0x123456 / 8388608]],
  },
  {
    name: 'PCM 32-bit (extensible header)',
    enc: { bits: 32, float: false, extensible: true },
    raw: [[-2147483648, 1073741824, 2147483647]],
    expected: [[-1, 0.5, 2147483647 / 2147483648]],
  },
  {
    name: 'float 32-bit',
    enc: { bits: 32, float: true },
    raw: [[0.25, -0.75, 1]],
    expected: [[0.25, -0.75, 1]],
  },
  { name: 'float 64-bit', enc: { bits: 64, float: true }, raw: [[0.1, -0.2]], expected: [[0.1, -0.2]] },
];

describe('WAV decoding, each encoding', () => {
  for (const c of cases)
    it(c.name, () => {
      const bytes = wav(c.raw, 8000, c.enc, true);
      const a = decodeAudio(bytes);
      expect(a.sampleRate).toBe(8000);
      expect(a.channels).toBe(c.raw.length);
      expect(a.frames).toBe(c.raw[0].length);
      for (let ch = 0; ch < c.raw.length; ch++) {
        expect(a.channelData[ch]).toBeInstanceOf(Float32Array);
        expect(Array.from(a.channelData[ch])).toEqual(c.expected[ch].map((x) => Math.fround(x)));
      }
      expect(readAudioInfo(bytes)).toEqual({
        format: 'wav',
        encoding: c.enc.float ? 'float' : 'pcm',
        bitsPerSample: c.enc.bits,
        sampleRate: 8000,
        channels: c.raw.length,
        frames: c.raw[0].length,
        duration: c.raw[0].length / 8000,
      });
    });
});

describe('audioColumn', () => {
  it('prints `<audio 2.0 s 16 kHz>` from the header and decodes synchronously', () => {
    const samples = Array.from({ length: 32000 }, (_, t) => Math.round(10000 * Math.sin(t / 10)));
    fs.writeFileSync(path.join(dir, 'tone.wav'), wav([samples], 16000, { bits: 16, float: false }));
    fs.writeFileSync(
      path.join(dir, 'stereo.wav'),
      wav(
        [
          [0, 0],
          [0, 0],
        ],
        44100,
        { bits: 16, float: false },
      ),
    );
    const col = audioColumn(['tone.wav', 'stereo.wav', null], { baseDir: dir });
    expect(col.type).toEqual({ kind: 'deferred', media: 'audio' });
    expect(col.format(0)).toBe('<audio 2.0 s 16 kHz>');
    expect(col.format(1)).toBe('<audio 0.0 s 44.1 kHz stereo>');
    expect(col.format(2)).toBe('null');
    expect(col.cachedRows).toBe(0);
    expect(mediaInfo(col, 0)).toMatchObject({ sampleRate: 16000, frames: 32000, duration: 2 });
    const a = col.get(0)!;
    expect(a.frames).toBe(32000);
    expect(a.channelData[0][5]).toBeCloseTo(Math.round(10000 * Math.sin(0.5)) / 32768, 6);
    expect(col.get(2)).toBeNull();
  });
  it('interleaves', () => {
    const a = decodeAudio(
      wav(
        [
          [0, 16384],
          [-16384, 32767],
        ],
        8000,
        { bits: 16, float: false },
      ),
    );
    expect(Array.from(interleaveAudio(a))).toEqual([0, -0.5, 0.5, Math.fround(32767 / 32768)]);
  });
  it('formats sample rates', () => {
    expect(formatSampleRate(16000)).toBe('16 kHz');
    expect(formatSampleRate(22050)).toBe('22.05 kHz');
    expect(formatSampleRate(800)).toBe('800 Hz');
  });
  it('typed errors: other formats, broken files, escaping paths', () => {
    const mp3 = new Uint8Array([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(() => decodeAudio(mp3)).toThrow(UnsupportedMediaError);
    expect(() => decodeAudio(mp3)).toThrow(/MP3, not WAV.*PCM 8\/16\/24\/32-bit/);
    const flac = new Uint8Array([0x66, 0x4c, 0x61, 0x43, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(() => readAudioInfo(flac)).toThrow(/FLAC/);
    const adpcm = wav([[0, 0]], 8000, { bits: 16, float: false });
    adpcm[20] = 2; // format tag 2: MS ADPCM
    expect(() => decodeAudio(adpcm)).toThrow(UnsupportedMediaError);
    const truncated = wav([[1, 2]], 8000, { bits: 16, float: false }).subarray(0, 30);
    expect(() => decodeAudio(truncated)).toThrow(MediaDecodeError);
    const col = audioColumn(['../../x.wav'], { baseDir: dir });
    expect(() => col.get(0)).toThrow(PathEscapeError);
    expect(col.format(0)).toBe('<audio>');
  });
});

const ffmpeg = needs('ffmpeg');
ffmpeg.describe('compressed audio through audio-decode (ffmpeg encodes it)', () => {
  // A 0.5 s stereo chirp at 22.05 kHz in 16-bit WAV, encoded by ffmpeg to FLAC (lossless), MP3 and Ogg.
  const rate = 22050;
  const n = rate / 2;
  const left = Array.from({ length: n }, (_, t) =>
    Math.round(12000 * Math.sin((2 * Math.PI * 440 * t) / rate)),
  );
  const right = Array.from({ length: n }, (_, t) =>
    Math.round(8000 * Math.sin((2 * Math.PI * 660 * t) / rate)),
  );
  const encoded = (ext: string, args: string[]) => {
    const src = path.join(dir, 'chirp.wav');
    fs.writeFileSync(src, wav([left, right], rate, { bits: 16, float: false }));
    const out = path.join(dir, `chirp.${ext}`);
    execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-i', src, ...args, out]);
    return path.basename(out);
  };
  /** Correlation of a decoded channel with the source, over the source's length. */
  const correlation = (a: Float32Array, ref: number[]) => {
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let t = 0; t < Math.min(a.length, ref.length); t++) {
      ab += a[t] * ref[t];
      aa += a[t] * a[t];
      bb += ref[t] * ref[t];
    }
    return ab / Math.sqrt(aa * bb);
  };

  it('FLAC decodes to the WAV samples (lossless), and its header gives the metadata', async () => {
    const file = encoded('flac', []);
    const a = await decodeAudioFile(file, { baseDir: dir });
    expect(a).toMatchObject({ sampleRate: rate, channels: 2, frames: n });
    // Lossless, at WAV's scale: exactly the 16-bit samples / 32768.
    expect(Array.from(a.channelData[0])).toEqual(left.map((v) => v / 32768 + 0)); // +0: the source has -0 from Math.round
    expect(Array.from(a.channelData[1])).toEqual(right.map((v) => v / 32768 + 0));
    expect(readAudioInfo(file, dir)).toEqual({
      format: 'flac',
      encoding: 'pcm',
      bitsPerSample: 16,
      sampleRate: rate,
      channels: 2,
      frames: n,
      duration: 0.5,
    });
  });

  /** ffmpeg's own float decoding of a file (its pcm_f32le output), the reference scale. */
  const ffmpegFloats = (file: string) => {
    const out = execFileSync('ffmpeg', [
      '-loglevel',
      'error',
      '-i',
      file,
      '-f',
      'f32le',
      '-acodec',
      'pcm_f32le',
      '-',
    ]);
    return new Float32Array(out.buffer, out.byteOffset, out.length / 4);
  };

  it('every lossless format decodes the same samples to the same floats as ffmpeg and WAV', async () => {
    // Full scale both ways, and values whose scale error shows (decoders divided by 2^(b-1) - 1).
    for (const [bits, full] of [
      [16, 32768],
      [24, 8388608],
    ] as const) {
      const samples = [-full, full - 1, 0, 1, -1, full / 2, -full / 2, 12345, -(full / 3) | 0];
      const src = path.join(dir, `scale${bits}.wav`);
      fs.writeFileSync(src, wav([samples], 8000, { bits, float: false }));
      const expected = samples.map((s) => Math.fround(s / full));
      const pcm = (endian: string) => ['-c:a', `pcm_s${bits}${endian}`]; // ffmpeg's default is 16-bit
      const formats = [
        ['flac'],
        ['oga', '-c:a', 'flac'],
        ['wv'],
        ['tta'],
        ['aiff', ...pcm('be')],
        ['caf', ...pcm('le')],
        ['m4a', '-c:a', 'alac'],
      ];
      expect(Array.from(ffmpegFloats(src))).toEqual(expected);
      expect(Array.from(decodeAudio(path.basename(src), { baseDir: dir }).channelData[0])).toEqual(expected);
      for (const [ext, ...args] of formats) {
        const file = path.join(dir, `scale${bits}.${ext}`);
        execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-i', src, ...args, file]);
        expect(Array.from(ffmpegFloats(file)), `ffmpeg ${ext} ${bits}-bit`).toEqual(expected);
        const decoded = await decodeAudioFile(path.basename(file), { baseDir: dir });
        expect(Array.from(decoded.channelData[0]), `${ext} ${bits}-bit`).toEqual(expected);
      }
    }
  });

  it('MP3 and Ogg Vorbis decode to the signal (lossy: correlation with the source)', async () => {
    for (const [ext, args] of [
      ['mp3', ['-b:a', '192k']],
      ['ogg', ['-c:a', 'libvorbis', '-q:a', '6']],
    ] as const) {
      const a = await decodeAudioFile(encoded(ext, [...args]), { baseDir: dir });
      expect(a.sampleRate).toBe(rate);
      expect(a.channels).toBe(2);
      expect(Math.abs(a.frames - n) / n).toBeLessThan(0.15);
      // Encoders add a delay of up to a few hundred samples: take the best alignment.
      const best = (ch: Float32Array, ref: number[]) =>
        Math.max(...Array.from({ length: 1200 }, (_, d) => correlation(ch.subarray(d), ref)));
      expect(best(a.channelData[0], left)).toBeGreaterThan(0.95);
      expect(best(a.channelData[1], right)).toBeGreaterThan(0.95);
    }
  });

  it('a column mixes WAV (sync) and compressed rows (async load)', async () => {
    const flac = encoded('flac', []);
    fs.writeFileSync(path.join(dir, 'one.wav'), wav([[0, 16384]], 8000, { bits: 16, float: false }));
    const col = audioColumn(['one.wav', flac], { baseDir: dir });
    expect(col.format(1)).toBe('<audio 0.5 s 22.05 kHz stereo>');
    expect(col.get(0)!.frames).toBe(2);
    expect(() => col.get(1)).toThrow(/asynchronous/);
    const [, b] = await col.load([0, 1]);
    expect(b!.frames).toBe(n);
  });

  it('damaged compressed audio is a typed error', async () => {
    const bytes = fs.readFileSync(path.join(dir, encoded('flac', [])));
    const bad = bytes.subarray(0, 200);
    await expect(decodeAudioFile(new Uint8Array(bad))).rejects.toBeInstanceOf(MediaDecodeError);
    const junk = new Uint8Array(400).fill(7);
    await expect(decodeAudioFile(junk)).rejects.toBeInstanceOf(UnsupportedMediaError);
  });
});
