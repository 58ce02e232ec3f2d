/**
 * Audio columns. WAV (RIFF/WAVE; not RF64) is parsed by hand here: PCM 8-bit (unsigned), 16, 24 and
 * 32-bit (signed), IEEE float 32 and 64-bit, in plain or WAVE_FORMAT_EXTENSIBLE headers; decoding is
 * synchronous (a file read and a loop), so `col.get(i)` works without `load`. Compressed formats
 * (MP3, FLAC, Ogg Vorbis/Opus, AAC/M4A, ...) decode asynchronously through `audio-decode` (WebAssembly
 * decoders shipped in the npm package): `await decodeAudioFile(src)` or `await col.load([i])`.
 * Samples come out as one Float32Array per channel (planar), scaled to [-1, 1). Metadata without
 * decoding: WAV and FLAC headers.
 */
import { MediaDecodeError, UnsupportedMediaError } from '../../core/errors.js';
import { type MediaColumnBuilder, registerBaseDirMedia } from './builder.js';
import { type MediaPlace, resolveMediaPath } from './paths.js';
import { type MediaSource, mediaFileSize, readRange, readSourceSync, sourceName } from './source.js';

/** Decoded audio: `channelData[c][t]` is sample t of channel c, in [-1, 1). */
export interface AudioValue {
  sampleRate: number;
  channels: number;
  /** Samples per channel. */
  frames: number;
  /** Seconds: frames / sampleRate. */
  duration: number;
  channelData: Float32Array[];
}

/** Metadata from the header, without reading the samples. */
export interface AudioInfo {
  format: 'wav' | 'flac';
  encoding: 'pcm' | 'float';
  bitsPerSample: number;
  sampleRate: number;
  channels: number;
  frames: number;
  duration: number;
}

/** How to decode audio: where its files are, and what to do with a truncated WAV. */
export interface AudioDecodeOptions extends MediaPlace {
  /**
   * A WAV whose header claims more samples than the file holds: `'error'` (default) raises
   * {@link MediaDecodeError}; `'warn'` decodes the whole frames that are there and emits a
   * `TesseraWarning` with code {@link TRUNCATED_AUDIO_WARNING}.
   */
  truncated?: 'error' | 'warn';
}

/** `process.emitWarning` code of a truncated WAV decoded with `{ truncated: 'warn' }`. */
export const TRUNCATED_AUDIO_WARNING = 'TESSERA_TRUNCATED_AUDIO';

export const AUDIO_FUNCTION = 'tessera.media.audio';

const SUPPORTED = 'WAV (RIFF/WAVE) with PCM 8/16/24/32-bit or IEEE float 32/64-bit samples';
const SUPPORTED_ASYNC = 'MP3, FLAC, Ogg Vorbis/Opus, AAC/M4A, AIFF, WebM and more through audio-decode';

const ascii = (b: Uint8Array, o: number, n: number) => String.fromCharCode(...b.subarray(o, o + n));

function sniff(b: Uint8Array): string | undefined {
  if (b.length >= 3 && ascii(b, 0, 3) === 'ID3') return 'MP3';
  if (b.length >= 2 && b[0] === 0xff && (b[1] & 0xe0) === 0xe0) return 'MP3 (or AAC)';
  if (b.length >= 4 && ascii(b, 0, 4) === 'fLaC') return 'FLAC';
  if (b.length >= 4 && ascii(b, 0, 4) === 'OggS') return 'Ogg';
  if (b.length >= 4 && ascii(b, 0, 4) === 'FORM') return 'AIFF';
  if (b.length >= 4 && ascii(b, 0, 4) === 'RF64') return 'RF64 (WAV over 4 GiB)';
  if (b.length >= 8 && ascii(b, 4, 4) === 'ftyp') return 'MP4/M4A';
  return undefined;
}

interface WavLayout extends Omit<AudioInfo, 'frames' | 'duration'> {
  blockAlign: number;
  dataOffset: number;
  dataSize: number;
}

/**
 * Walk the RIFF chunks with `read(position, length)`; returns where the samples are. Reads only chunk
 * headers and the fmt chunk.
 */
function parseWav(
  read: (pos: number, len: number) => Uint8Array,
  name: string,
  fileSize: number,
  truncated: 'error' | 'warn' | 'allow',
): WavLayout {
  const head = read(0, 12);
  if (head.length < 12 || ascii(head, 0, 4) !== 'RIFF' || ascii(head, 8, 4) !== 'WAVE') {
    const what = sniff(head);
    throw new UnsupportedMediaError(
      `${name} is ${what ? `${what}, not WAV` : 'not a WAV file'}; synchronous decoding reads ${SUPPORTED}` +
        (what ? `; decode ${what} with \`await decodeAudioFile(src)\` or \`await column.load(rows)\`` : ''),
    );
  }
  let fmt: Omit<WavLayout, 'dataOffset' | 'dataSize'> | undefined;
  for (let pos = 12; pos + 8 <= fileSize; ) {
    const h = read(pos, 8);
    if (h.length < 8) break;
    const id = ascii(h, 0, 4);
    const size = new DataView(h.buffer, h.byteOffset, 8).getUint32(4, true);
    if (id === 'fmt ') {
      const f = read(pos + 8, Math.min(size, 40));
      if (f.length < 16) throw new MediaDecodeError(name, 'the fmt chunk is truncated');
      const v = new DataView(f.buffer, f.byteOffset, f.length);
      let tag = v.getUint16(0, true);
      const channels = v.getUint16(2, true);
      const sampleRate = v.getUint32(4, true);
      const blockAlign = v.getUint16(12, true);
      const bitsPerSample = v.getUint16(14, true);
      if (tag === 0xfffe) {
        if (f.length < 26) throw new MediaDecodeError(name, 'the extensible fmt chunk is truncated');
        tag = v.getUint16(24, true); // first two bytes of the sub-format GUID
      }
      const encoding = tag === 1 ? 'pcm' : tag === 3 ? 'float' : undefined;
      const okBits = encoding === 'pcm' ? [8, 16, 24, 32] : [32, 64];
      if (encoding === undefined || !okBits.includes(bitsPerSample))
        throw new UnsupportedMediaError(
          `${name} is WAV with format tag ${tag} and ${bitsPerSample}-bit samples (compressed or unusual); audio columns read ${SUPPORTED}`,
        );
      if (channels < 1 || sampleRate < 1 || blockAlign !== (channels * bitsPerSample) / 8)
        throw new MediaDecodeError(
          name,
          `bad fmt chunk (channels ${channels}, rate ${sampleRate}, block ${blockAlign})`,
        );
      fmt = { format: 'wav', encoding, bitsPerSample, sampleRate, channels, blockAlign };
    } else if (id === 'data') {
      if (fmt === undefined) throw new MediaDecodeError(name, 'the data chunk comes before the fmt chunk');
      // A streamed WAV may leave the size at 0 or 0xffffffff: take the rest of the file then.
      const rest = fileSize - pos - 8;
      const streamed = size === 0 || size === 0xffffffff;
      if (!streamed && size > rest && truncated !== 'allow') {
        const message = `the header claims ${size} bytes of samples but the file holds ${rest}: it is truncated`;
        if (truncated === 'error')
          throw new MediaDecodeError(name, `${message}; pass { truncated: 'warn' } to load what is there`);
        process.emitWarning(`${name}: ${message}; loaded the whole frames that are there`, {
          type: 'TesseraWarning',
          code: TRUNCATED_AUDIO_WARNING,
        });
      }
      const dataSize = streamed || size > rest ? rest : size;
      return { ...fmt, dataOffset: pos + 8, dataSize: dataSize - (dataSize % fmt.blockAlign) };
    }
    pos += 8 + size + (size & 1);
  }
  throw new MediaDecodeError(name, fmt ? 'there is no data chunk' : 'there is no fmt chunk');
}

function toInfo(l: WavLayout): AudioInfo {
  const frames = l.dataSize / l.blockAlign;
  const { format, encoding, bitsPerSample, sampleRate, channels } = l;
  return { format, encoding, bitsPerSample, sampleRate, channels, frames, duration: frames / sampleRate };
}

/** Header metadata of a WAV or FLAC file or bytes, reading only its headers. */
export function readAudioInfo(
  src: MediaSource,
  baseDir?: string,
  allowedRoots?: readonly string[],
): AudioInfo {
  const name = sourceName(src, typeof src === 'string' ? { baseDir } : undefined);
  let read: (pos: number, len: number) => Uint8Array;
  let size: number;
  if (typeof src !== 'string') {
    read = (p, n) => src.subarray(p, p + n);
    size = src.length;
  } else {
    const file = resolveMediaPath(src, baseDir, allowedRoots);
    read = (p, n) => readRange(file, p, n, name);
    size = mediaFileSize(file, name);
  }
  const head = read(0, 42);
  if (head.length >= 4 && ascii(head, 0, 4) === 'fLaC') return flacInfo(head, name);
  // Header metadata for printouts: a truncated file reports the frames it holds.
  return toInfo(parseWav(read, name, size, 'allow'));
}

/**
 * FLAC's STREAMINFO block, which the format requires first: 20-bit sample rate, 3-bit channels - 1,
 * 5-bit bits per sample - 1 and a 36-bit total sample count, after 10 bytes of block and frame sizes.
 */
function flacInfo(b: Uint8Array, name: string): AudioInfo {
  if (b.length < 42 || (b[4] & 0x7f) !== 0)
    throw new MediaDecodeError(name, 'the FLAC header has no STREAMINFO block');
  const o = 8 + 10;
  const sampleRate = (b[o] << 12) | (b[o + 1] << 4) | (b[o + 2] >> 4);
  const channels = ((b[o + 2] >> 1) & 7) + 1;
  const bitsPerSample = (((b[o + 2] & 1) << 4) | (b[o + 3] >> 4)) + 1;
  const frames =
    (b[o + 3] & 0x0f) * 2 ** 32 + ((b[o + 4] << 24) >>> 0) + (b[o + 5] << 16) + (b[o + 6] << 8) + b[o + 7];
  if (sampleRate === 0) throw new MediaDecodeError(name, 'the FLAC header gives a sample rate of 0');
  return {
    format: 'flac',
    encoding: 'pcm',
    bitsPerSample,
    sampleRate,
    channels,
    frames,
    duration: frames / sampleRate,
  };
}

const isWav = (b: Uint8Array) => b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WAVE';

/**
 * Decode audio of any supported format: WAV here, everything else through `audio-decode`
 * (loaded on first use). A file it cannot decode is a {@link MediaDecodeError} or
 * {@link UnsupportedMediaError}.
 */
export async function decodeAudioFile(
  src: MediaSource,
  options: AudioDecodeOptions = {},
): Promise<AudioValue> {
  return decodeAnyAudio(src, options);
}

/** WAV synchronously, any other format as a promise (so WAV columns stay usable with `get`). */
function decodeAnyAudio(src: MediaSource, options: AudioDecodeOptions): AudioValue | Promise<AudioValue> {
  const bytes = readSourceSync(src, 'audio', options);
  const name = sourceName(src, options);
  return isWav(bytes) ? decodeWav(bytes, name, options) : decodeCompressed(bytes, name);
}

async function decodeCompressed(bytes: Uint8Array, name: string): Promise<AudioValue> {
  const { default: decode } = await import('audio-decode');
  let out: { channelData: Float32Array[]; sampleRate: number };
  try {
    out = await decode(bytes);
  } catch (e) {
    const what = sniff(bytes);
    const why = e instanceof Error ? e.message : String(e);
    if (what === undefined)
      throw new UnsupportedMediaError(
        `${name} is not audio this reader knows (${why}); it reads ${SUPPORTED} and ${SUPPORTED_ASYNC}`,
      );
    throw new MediaDecodeError(name, `cannot decode ${what}: ${why}`);
  }
  if (out.channelData.length === 0 || !(out.sampleRate > 0))
    throw new MediaDecodeError(name, 'the decoder found no audio');
  const scale = decoderIntegerScale(bytes, name);
  if (scale !== undefined) toWavScale(out.channelData, scale);
  return audioValue(out.sampleRate, out.channelData);
}

/** How a decoder of integer samples scaled them: their bit depth and its divisors. */
interface DecoderScale {
  bitsPerSample: number;
  /** true: s / (2^(b-1) - 1) both ways (FLAC); false: negatives / 2^(b-1), the rest / (2^(b-1) - 1). */
  symmetric: boolean;
}

/**
 * The lossless integer formats whose `audio-decode` decoders scale differently from WAV here and
 * ffmpeg (s / 2^(b-1)): FLAC, FLAC in Ogg, WavPack and TTA, with their bit depths from the headers.
 * Formats that decode to floats (MP3, Vorbis, Opus, AAC) and AIFF, CAF and ALAC already match.
 */
function decoderIntegerScale(b: Uint8Array, name: string): DecoderScale | undefined {
  const magic = b.length >= 4 ? ascii(b, 0, 4) : '';
  if (magic === 'fLaC')
    return { bitsPerSample: flacInfo(b.subarray(0, 42), name).bitsPerSample, symmetric: true };
  if (magic === 'OggS') {
    // Ogg FLAC: the first page holds 0x7F "FLAC", a version and a header count, then "fLaC" + STREAMINFO.
    const at = Buffer.from(b.buffer, b.byteOffset, Math.min(b.length, 128)).indexOf('\x7fFLAC', 0, 'latin1');
    if (at < 0) return undefined;
    return { bitsPerSample: flacInfo(b.subarray(at + 9, at + 51), name).bitsPerSample, symmetric: true };
  }
  if (magic === 'wvpk' && b.length >= 28) {
    const flags = new DataView(b.buffer, b.byteOffset, 28).getUint32(24, true);
    if (flags & 0x80) return undefined; // float samples
    return { bitsPerSample: ((flags & 3) + 1) * 8, symmetric: false };
  }
  if (magic === 'TTA1' && b.length >= 10)
    return { bitsPerSample: new DataView(b.buffer, b.byteOffset, 10).getUint16(8, true), symmetric: false };
  return undefined;
}

/**
 * Undo a decoder's scale: round back to the integer sample (the float32 error is under half a step
 * up to 24 bits) and divide by 2^(b-1), so these formats give exactly what the same samples in a WAV
 * give.
 */
function toWavScale(channelData: Float32Array[], { bitsPerSample, symmetric }: DecoderScale): void {
  const full = 2 ** (bitsPerSample - 1);
  for (const ch of channelData)
    for (let t = 0; t < ch.length; t++) {
      const x = ch[t];
      ch[t] = Math.round(x * (x < 0 && !symmetric ? full : full - 1)) / full;
    }
}

/** Decode a WAV file or bytes to planar float samples. */
export function decodeAudio(src: MediaSource, options: AudioDecodeOptions = {}): AudioValue {
  return decodeWav(readSourceSync(src, 'audio', options), sourceName(src, options), options);
}

function decodeWav(bytes: Uint8Array, name: string, options: AudioDecodeOptions): AudioValue {
  const truncated = options.truncated === 'warn' ? 'warn' : 'error'; // stored params are untrusted
  const l = parseWav((p, n) => bytes.subarray(p, p + n), name, bytes.length, truncated);
  const frames = l.dataSize / l.blockAlign;
  const v = new DataView(bytes.buffer, bytes.byteOffset + l.dataOffset, l.dataSize);
  const channelData = Array.from({ length: l.channels }, () => new Float32Array(frames));
  const step = l.bitsPerSample / 8;
  const read = sampleReader(l, v);
  for (let c = 0; c < l.channels; c++) {
    const out = channelData[c];
    for (let t = 0, o = c * step; t < frames; t++, o += l.blockAlign) out[t] = read(o);
  }
  return audioValue(l.sampleRate, channelData);
}

/** Decoded audio from its planar samples (at least one channel). */
function audioValue(sampleRate: number, channelData: Float32Array[]): AudioValue {
  const frames = channelData[0].length;
  return { sampleRate, channels: channelData.length, frames, duration: frames / sampleRate, channelData };
}

function sampleReader(l: WavLayout, v: DataView): (offset: number) => number {
  if (l.encoding === 'float')
    return l.bitsPerSample === 32 ? (o) => v.getFloat32(o, true) : (o) => v.getFloat64(o, true);
  switch (l.bitsPerSample) {
    case 8:
      return (o) => (v.getUint8(o) - 128) / 128;
    case 16:
      return (o) => v.getInt16(o, true) / 32768;
    case 24:
      return (o) =>
        ((v.getUint8(o) | (v.getUint8(o + 1) << 8) | (v.getInt8(o + 2) << 16)) as number) / 8388608;
    default:
      return (o) => v.getInt32(o, true) / 2147483648;
  }
}

/** The samples interleaved (frame by frame: c0 c1 c0 c1 ...), as many audio APIs take them. */
export function interleaveAudio(value: AudioValue): Float32Array {
  const { channels, frames, channelData } = value;
  const out = new Float32Array(channels * frames);
  for (let c = 0; c < channels; c++) {
    const ch = channelData[c];
    for (let t = 0; t < frames; t++) out[t * channels + c] = ch[t];
  }
  return out;
}

/** `16000` → `16 kHz`, `44100` → `44.1 kHz`, `800` → `800 Hz`. */
export function formatSampleRate(rate: number): string {
  return rate >= 1000 ? `${Number((rate / 1000).toFixed(3))} kHz` : `${rate} Hz`;
}

/** `<audio 2.0 s 16 kHz>` (with `stereo`/`N ch` when not mono). */
export function formatAudioInfo(info: AudioInfo): string {
  const ch = info.channels === 1 ? '' : info.channels === 2 ? ' stereo' : ` ${info.channels} ch`;
  return `<audio ${info.duration.toFixed(1)} s ${formatSampleRate(info.sampleRate)}${ch}>`;
}

/**
 * A column of audio (paths under baseDir, or bytes): `col.get(i)` gives an {@link AudioValue} for
 * WAV, `await col.load([i])` for every format; prints as `<audio 2.0 s 16 kHz>` from the header (WAV,
 * FLAC), and `mediaInfo(col, i)` gives {@link AudioInfo}.
 */
export const audioColumn: MediaColumnBuilder<
  AudioValue,
  Pick<AudioDecodeOptions, 'truncated'>
> = registerBaseDirMedia<AudioValue, AudioInfo, Pick<AudioDecodeOptions, 'truncated'>>(
  AUDIO_FUNCTION,
  'audio',
  decodeAnyAudio,
  readAudioInfo,
  formatAudioInfo,
  ['truncated'],
);
