import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaDecodeError } from '../../../src/core/errors.js';
import {
  audioColumn,
  decodeAudio,
  decodeAudioFile,
  decodeGraph,
  decodeImage,
  decodeVideo,
  decodeVolume,
  graphColumn,
  imageColumn,
  imageMetadata,
  probeVideo,
  readAudioInfo,
  readGraphInfo,
  readImageHeader,
  readVolumeInfo,
  volumeColumn,
} from '../../../src/index.js';

let base: string;
beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-missing-'));
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

/** A MediaDecodeError (a TesseraError, so it crosses workers) that says which file, under which base. */
function expectMissing(run: () => unknown, file: string) {
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(MediaDecodeError);
  expect((error as Error).message).toContain(file);
  expect((error as Error).message).toContain(base);
  expect((error as Error).message).toMatch(/does not exist/);
}

async function expectMissingAsync(run: () => Promise<unknown>, file: string) {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expectMissing(() => {
    if (error !== undefined) throw error;
  }, file);
}

describe('a missing media file, every kind and entry point', () => {
  it('audio', async () => {
    const place = { baseDir: base };
    expectMissing(() => decodeAudio('gone.wav', place), 'gone.wav');
    expectMissing(() => readAudioInfo('gone.wav', base), 'gone.wav');
    expectMissing(() => audioColumn(['gone.wav'], place).get(0), 'gone.wav');
    await expectMissingAsync(() => decodeAudioFile('gone.flac', place), 'gone.flac');
  });

  it('volumes and graphs', () => {
    const place = { baseDir: base };
    expectMissing(() => decodeVolume('gone.nii', place), 'gone.nii');
    expectMissing(() => readVolumeInfo('gone.nii.gz', base), 'gone.nii.gz');
    expectMissing(() => volumeColumn(['gone.nii'], place).get(0), 'gone.nii');
    expectMissing(() => decodeGraph('gone.json', place), 'gone.json');
    expectMissing(() => readGraphInfo('gone.graphml', base), 'gone.graphml');
    expectMissing(() => graphColumn(['gone.json'], place).get(0), 'gone.json');
  });

  it('images and video (before sharp or ffmpeg is asked)', async () => {
    const place = { baseDir: base };
    await expectMissingAsync(() => decodeImage('gone.png', place), 'gone.png');
    await expectMissingAsync(() => imageMetadata('gone.jpg', place), 'gone.jpg');
    expectMissing(() => readImageHeader('gone.png', base), 'gone.png');
    await expectMissingAsync(() => imageColumn(['gone.png'], place).load([0]), 'gone.png');
    expectMissing(() => probeVideo('gone.mp4', place), 'gone.mp4');
    await expectMissingAsync(() => decodeVideo('gone.mp4', place), 'gone.mp4');
  });

  it('a subfolder that is a file is a MediaDecodeError too, not a raw ENOTDIR', () => {
    fs.writeFileSync(path.join(base, 'plain'), 'x');
    expect(() => decodeAudio('plain/a.wav', { baseDir: base })).toThrow(MediaDecodeError);
    expect(() => decodeAudio('plain/a.wav', { baseDir: base })).toThrow(/plain\/a\.wav.*ENOTDIR/);
  });
});

describe('decode errors of a file name the file and its base directory', () => {
  it('WAV errors name the file, not <n bytes>', () => {
    fs.writeFileSync(path.join(base, 'short.wav'), Buffer.from('RIFF\0\0\0\0WAVEfmt '));
    expect(() => decodeAudio('short.wav', { baseDir: base })).toThrow(MediaDecodeError);
    expect(() => decodeAudio('short.wav', { baseDir: base })).toThrow(`short.wav (under ${base})`);
    expect(() => audioColumn(['short.wav'], { baseDir: base }).get(0)).toThrow(`short.wav (under ${base})`);
  });
});
