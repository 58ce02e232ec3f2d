/**
 * Image columns: JPEG, PNG, WebP, GIF (first frame) and TIFF decoded with sharp to an HWC tensor.
 *
 * Metadata (width, height, channels, bit depth, colour space) for the printout comes from the file
 * header, read synchronously by hand (PNG, JPEG, GIF, WebP: the first bytes; TIFF: its first IFD; no
 * pixels are decoded). `imageMetadata` gives the same through sharp, asynchronously.
 *
 * Images decode as stored, as Python's PIL gives them (`np.asarray(Image.open(p))`): greyscale stays
 * one channel (two with alpha), 16-bit samples stay 16-bit (a Uint16Array), CMYK JPEGs and TIFFs give
 * their four CMYK channels (Adobe's inverted CMYK un-inverted, as PIL does). Where PIL keeps palette
 * indices, palette images (PNG 'P', GIF) expand to RGB, or RGBA with transparency, as
 * `convert('RGB' | 'RGBA')` gives (but a GIF's fully transparent pixels are 0, 0, 0, 0); 1-bit
 * images give 0 and 255. Embedded ICC profiles are not applied (PIL does not apply them either).
 * Other sample formats (float or 32-bit TIFFs) raise UnsupportedMediaError.
 * Header, `mediaInfo`, printout and decoded array agree on channels and bit depth.
 */
import type { Metadata, OutputInfo, Sharp, SharpOptions } from 'sharp';
import type { Column } from '../../core/column/column.js';
import type { DeferredColumn } from '../../core/column/deferred.js';
import { registerFunction } from '../../core/column/registry.js';
import {
  InvalidArgumentError,
  MediaDecodeError,
  MediaLimitError,
  UnsupportedMediaError,
} from '../../core/errors.js';
import { type MediaColumnOptions, mediaColumn } from './builder.js';
import { limitIO } from './io-limit.js';
import { MAX_DECODED_ELEMENTS } from './limits.js';
import { makeLoader } from './loader.js';
import { allowedRootsOf, type MediaPlace, resolveMediaPath } from './paths.js';
import { checkMediaFile, type MediaSource, readRange, sourceName } from './source.js';

/** A decoded image: `data` is row-major height × width × channels (HWC). */
export interface ImageValue {
  /** Uint8Array for 8-bit images, Uint16Array for 16-bit ones, Float32Array (0..1) on request. */
  data: Uint8Array | Uint16Array | Float32Array;
  width: number;
  height: number;
  channels: number;
  /** Tensor shape of `data`: [height, width, channels]. */
  shape: [number, number, number];
  /**
   * What the channels hold (set by {@link decodeImage}; an image made by hand without it is grey
   * or RGB by its channel count).
   */
  colourSpace?: ImageColourSpace;
}

/** Image metadata read from the header, without decoding pixels. */
export interface ImageInfo {
  format: 'png' | 'jpeg' | 'gif' | 'webp' | 'tiff';
  width: number;
  height: number;
  /** Channels the file decodes to (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA or CMYK). */
  channels: number;
  /** Bits per decoded sample: 8 (a Uint8Array) or 16 (a Uint16Array). 1-, 2- and 4-bit files decode to 8. */
  bitDepth: 8 | 16;
  /** What the channels hold: grey (+ alpha), RGB (+ alpha; palette images expand to it) or CMYK. */
  colourSpace: ImageColourSpace;
}

export type ImageColourSpace = 'grey' | 'rgb' | 'cmyk';

export interface ImageDecodeOptions {
  /**
   * Element type. Default: as stored, 'uint8' for 8-bit images and 'uint16' for 16-bit ones.
   * 'uint8' or 'uint16' ask for that depth (16 → 8 bits rounds v / 257; 8 → 16 bits is v · 257);
   * 'float32' scales to 0..1 by the stored maximum (255 or 65535).
   */
  dtype?: 'uint8' | 'uint16' | 'float32';
  /** Resize to this size (either side may be omitted to keep the aspect ratio). */
  resize?: { width?: number; height?: number; fit?: 'cover' | 'contain' | 'fill' | 'inside' | 'outside' };
  /**
   * Force the channel count: 1 (greyscale), 3 (RGB, alpha dropped) or 4 (RGBA); CMYK converts to
   * RGB through its colour profile. Default: as stored (see {@link ImageInfo}).
   */
  channels?: 1 | 3 | 4;
  /** Rotate by the EXIF orientation first (default false: pixels as stored, matching the header size). */
  autoOrient?: boolean;
  /**
   * Refuse (with `MediaLimitError`, before allocating) a decode whose output has more than this
   * many elements, width × height × channels (default {@link MAX_DECODED_ELEMENTS}, 2^28). A stored
   * dataset may lower it but not raise it.
   */
  maxElements?: number;
}

export type ImageColumnOptions = MediaColumnOptions & ImageDecodeOptions;

export interface ThumbnailOptions {
  /** Longest side in pixels (default 128); the image is never enlarged. */
  size?: number;
  /** Encoded format (default 'jpeg'). */
  format?: 'jpeg' | 'webp';
  /** Encoder quality 1..100 (default 80). */
  quality?: number;
}

/** Names the image loaders are registered under (the store saves a column as name + params). */
export const IMAGE_FUNCTION = 'tessera.media.image';
export const THUMBNAIL_FUNCTION = 'tessera.media.thumbnail';

export type SharpFactory = (input: string | Buffer, options?: SharpOptions) => Sharp;
let sharpLoading: Promise<SharpFactory> | undefined;

/**
 * sharp, imported on first use: it loads libvips (a large native library), which importing Tessera
 * must not do for programs that never decode an image.
 */
export function loadSharp(): Promise<SharpFactory> {
  sharpLoading ??= import('sharp').then((m) => m.default);
  return sharpLoading;
}

function sharpInput(src: MediaSource, place: MediaPlace): string | Buffer {
  return typeof src === 'string'
    ? checkMediaFile(src, place, 'image')
    : Buffer.from(src.buffer, src.byteOffset, src.byteLength);
}

/**
 * Width × height × channels of the decoded output, from the input's size and the options (resize
 * fits as sharp computes them), so an oversized decode is refused before sharp allocates it.
 */
function outputElements(m: Metadata, o: ImageDecodeOptions): number {
  let w = m.width ?? 0;
  let h = m.height ?? 0;
  if (o.autoOrient && (m.orientation ?? 1) >= 5) [w, h] = [h, w];
  const r = o.resize;
  if (r !== undefined && w > 0 && h > 0) {
    const fit = r.fit ?? 'cover';
    if (r.width !== undefined && r.height !== undefined && fit !== 'inside' && fit !== 'outside')
      [w, h] = [r.width, r.height];
    else {
      const sx = r.width !== undefined ? r.width / w : undefined;
      const sy = r.height !== undefined ? r.height / h : undefined;
      const scale =
        sx === undefined
          ? sy!
          : sy === undefined
            ? sx
            : fit === 'inside'
              ? Math.min(sx, sy)
              : Math.max(sx, sy);
      [w, h] = [Math.max(1, Math.round(w * scale)), Math.max(1, Math.round(h * scale))];
    }
  }
  const channels = o.channels ?? Math.max(m.channels ?? 4, m.hasAlpha ? 4 : 3);
  return w * h * channels;
}

function checkDecodeOptions(o: ImageDecodeOptions): void {
  if (o.dtype !== undefined && !['uint8', 'uint16', 'float32'].includes(o.dtype))
    throw new InvalidArgumentError(
      `image dtype must be 'uint8', 'uint16' or 'float32', got ${String(o.dtype)}`,
    );
  if (o.channels !== undefined && ![1, 3, 4].includes(o.channels))
    throw new InvalidArgumentError(`image channels must be 1, 3 or 4, got ${String(o.channels)}`);
  const r = o.resize;
  if (r !== undefined) {
    for (const side of [r.width, r.height])
      if (side !== undefined && !(Number.isInteger(side) && side > 0))
        throw new InvalidArgumentError(`resize width and height must be positive integers, got ${side}`);
    if (r.width === undefined && r.height === undefined)
      throw new InvalidArgumentError('resize needs a width, a height or both');
  }
  if (o.maxElements !== undefined && !(Number.isSafeInteger(o.maxElements) && o.maxElements > 0))
    throw new InvalidArgumentError(
      `image maxElements must be a positive integer, got ${String(o.maxElements)}`,
    );
}

/** Decode one image (path under baseDir, or bytes) to an HWC tensor. */
export async function decodeImage(
  src: MediaSource,
  options: ImageDecodeOptions & MediaPlace = {},
): Promise<ImageValue> {
  checkDecodeOptions(options);
  const input = sharpInput(src, options);
  const sharp = await loadSharp();
  return await limitIO(async () => {
    // Pixels as stored, as PIL gives them: an embedded ICC profile (Display P3 from phones, Adobe
    // RGB) is not applied, which sharp does by default (CMYK to RGB, when asked for, still uses it).
    let img = sharp(input, { failOn: 'error' }).keepIccProfile();
    let meta: Metadata;
    try {
      meta = await img.metadata();
    } catch (e) {
      throw decodeError(src, e, options);
    }
    const maxElements = options.maxElements ?? MAX_DECODED_ELEMENTS;
    const elements = outputElements(meta, options);
    if (elements > maxElements)
      throw new MediaLimitError(
        sourceName(src),
        `decoding it would give ${elements} elements (width × height × channels), over the limit of ${maxElements}; ` +
          'resize it smaller, or raise maxElements when you build the column',
      );
    if (options.autoOrient) img = img.rotate();
    if (options.resize) {
      const { width, height, fit } = options.resize;
      img = img.resize({ width, height, fit: fit ?? 'cover' });
    }
    const stored = storedLayout(src, meta);
    const plan = outputPlan(stored, meta.hasAlpha ?? false, options.channels);
    img = plan.space === undefined ? img : img.pipelineColourspace(plan.space).toColourspace(plan.space);
    if (options.channels === 1)
      img = stored.bitDepth === 16 ? img.removeAlpha().extractChannel(0) : img.greyscale().extractChannel(0);
    else if (options.channels === 3) img = img.removeAlpha();
    else if (options.channels === 4) img = img.ensureAlpha();
    let out: { data: Buffer; info: OutputInfo };
    try {
      out = await img
        .raw({ depth: stored.bitDepth === 16 ? 'ushort' : 'uchar' })
        .toBuffer({ resolveWithObject: true });
    } catch (e) {
      throw decodeError(src, e, options);
    }
    const { width, height } = out.info;
    let samples = samplesOf(out.data, stored.bitDepth);
    let channels: number = out.info.channels;
    if (plan.keepBands !== undefined) {
      samples = pickBands(samples, channels, plan.keepBands);
      channels = plan.keepBands.length;
    }
    const data = convertDepth(samples, stored.bitDepth, options.dtype);
    const colourSpace =
      options.channels === undefined ? stored.colourSpace : options.channels === 1 ? 'grey' : 'rgb';
    return { data, width, height, channels, shape: [height, width, channels], colourSpace };
  });
}

/** Bit depth and colour space of a file as sharp reads it; other sample formats are refused. */
function storedLayout(src: MediaSource, m: Metadata): Pick<ImageInfo, 'bitDepth' | 'colourSpace'> {
  if (m.depth !== 'uchar' && m.depth !== 'ushort')
    throw new UnsupportedMediaError(
      `${sourceName(src)} holds ${m.depth} samples; Tessera decodes 8- and 16-bit integer images`,
    );
  const colourSpace =
    m.space === 'b-w' || m.space === 'grey16' ? 'grey' : m.space === 'cmyk' ? 'cmyk' : 'rgb';
  return { bitDepth: m.depth === 'ushort' ? 16 : 8, colourSpace };
}

type SharpSpace = 'b-w' | 'grey16' | 'srgb' | 'rgb16' | 'cmyk';

/**
 * The libvips colour space to process and write in (undefined: sharp's default, 8-bit sRGB), and the
 * bands to keep afterwards. sharp writes 8-bit 'b-w' as its first band only, dropping alpha, so an
 * 8-bit grey+alpha image goes through sRGB (grey copied to R, G and B) and keeps bands 0 and 3.
 */
function outputPlan(
  stored: Pick<ImageInfo, 'bitDepth' | 'colourSpace'>,
  hasAlpha: boolean,
  channels: 1 | 3 | 4 | undefined,
): { space?: SharpSpace; keepBands?: number[] } {
  const deep = stored.bitDepth === 16;
  if (channels === 1) return deep ? { space: 'grey16' } : {};
  if (channels !== undefined) return deep ? { space: 'rgb16' } : { space: 'srgb' };
  if (stored.colourSpace === 'cmyk') return { space: 'cmyk' };
  if (stored.colourSpace === 'grey') {
    if (deep) return { space: 'grey16' };
    return hasAlpha ? { space: 'srgb', keepBands: [0, 3] } : { space: 'b-w' };
  }
  return { space: deep ? 'rgb16' : 'srgb' };
}

/** sharp's raw output as samples of its depth (16-bit samples are in the machine's byte order). */
function samplesOf(buf: Buffer, bitDepth: 8 | 16): Uint8Array | Uint16Array {
  if (bitDepth === 8) return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.byteOffset % 2 === 0) return new Uint16Array(buf.buffer, buf.byteOffset, buf.byteLength / 2);
  return new Uint16Array(new Uint8Array(buf).buffer); // a copy, aligned
}

function pickBands<A extends Uint8Array | Uint16Array>(data: A, bands: number, keep: number[]): A {
  const pixels = data.length / bands;
  const out = new (data.constructor as new (n: number) => A)(pixels * keep.length);
  for (let i = 0; i < pixels; i++)
    for (let k = 0; k < keep.length; k++) out[i * keep.length + k] = data[i * bands + keep[k]];
  return out;
}

/** Samples of `bitDepth` bits as the dtype asked for (default: as they are). */
function convertDepth(
  samples: Uint8Array | Uint16Array,
  bitDepth: 8 | 16,
  dtype: ImageDecodeOptions['dtype'],
): Uint8Array | Uint16Array | Float32Array {
  const max = bitDepth === 16 ? 65535 : 255;
  if (dtype === 'float32') {
    const out = new Float32Array(samples.length);
    for (let i = 0; i < samples.length; i++) out[i] = samples[i] / max;
    return out;
  }
  if (dtype === 'uint8' && bitDepth === 16) {
    const out = new Uint8Array(samples.length);
    for (let i = 0; i < samples.length; i++) out[i] = Math.round(samples[i] / 257);
    return out;
  }
  if (dtype === 'uint16' && bitDepth === 8) {
    const out = new Uint16Array(samples.length);
    for (let i = 0; i < samples.length; i++) out[i] = samples[i] * 257;
    return out;
  }
  return samples;
}

/** The decode failure as a typed error naming the file and the folder it was resolved against. */
function decodeError(src: MediaSource, e: unknown, place: MediaPlace): Error {
  const message = e instanceof Error ? e.message : String(e);
  if (
    /unsupported image format|Input file contains unsupported|Input buffer contains unsupported/i.test(
      message,
    )
  )
    return new UnsupportedMediaError(
      `${sourceName(src, place)} is not an image format this build reads; supported: jpg, png, webp, gif, tiff`,
    );
  if (/no such file|ENOENT|Input file is missing/i.test(message))
    return new MediaDecodeError(sourceName(src, place), 'the file does not exist');
  return new MediaDecodeError(sourceName(src, place), message);
}

/** Metadata through sharp (all formats sharp reads, TIFF included), without decoding pixels. */
export async function imageMetadata(
  src: MediaSource,
  options: MediaPlace = {},
): Promise<ImageInfo & { hasAlpha: boolean; orientation?: number }> {
  const input = sharpInput(src, options);
  const sharp = await loadSharp();
  let m: Metadata;
  try {
    m = await limitIO(() => sharp(input).metadata());
  } catch (e) {
    throw decodeError(src, e, options);
  }
  const format = (m.format as string) === 'jpg' ? 'jpeg' : m.format;
  if (!['png', 'jpeg', 'gif', 'webp', 'tiff'].includes(format as string))
    throw new UnsupportedMediaError(`${sourceName(src)} is ${format}; supported: jpg, png, webp, gif, tiff`);
  return {
    format: format as ImageInfo['format'],
    width: m.width ?? 0,
    height: m.height ?? 0,
    channels: m.channels ?? 0,
    ...storedLayout(src, m),
    hasAlpha: m.hasAlpha ?? false,
    ...(m.orientation !== undefined ? { orientation: m.orientation } : {}),
  };
}

/** Encode a thumbnail (longest side ≤ size, never enlarged) as JPEG or WebP bytes. */
export async function imageThumbnail(
  src: MediaSource,
  options: ThumbnailOptions & MediaPlace = {},
): Promise<Uint8Array> {
  const size = options.size ?? 128;
  const quality = options.quality ?? 80;
  const format = options.format ?? 'jpeg';
  if (!(Number.isInteger(size) && size > 0))
    throw new InvalidArgumentError(`thumbnail size must be a positive integer, got ${size}`);
  if (format !== 'jpeg' && format !== 'webp')
    throw new InvalidArgumentError(`thumbnail format must be 'jpeg' or 'webp', got ${String(format)}`);
  const input = sharpInput(src, options);
  const sharp = await loadSharp();
  return await limitIO(async () => {
    let img = sharp(input)
      .rotate()
      .resize({ width: size, height: size, fit: 'inside', withoutEnlargement: true });
    img =
      format === 'jpeg' ? img.flatten({ background: '#ffffff' }).jpeg({ quality }) : img.webp({ quality });
    try {
      const buf = await img.toBuffer();
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    } catch (e) {
      throw decodeError(src, e, options);
    }
  });
}

// ---------------------------------------------------------------------------------------------------
// Header parsing (sync, no pixel decoding)

const be16 = (b: Uint8Array, o: number) => (b[o] << 8) | b[o + 1];
const le16 = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8);
const be32 = (b: Uint8Array, o: number) =>
  ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
const le24 = (b: Uint8Array, o: number) => b[o] | (b[o + 1] << 8) | (b[o + 2] << 16);
const ascii = (b: Uint8Array, o: number, n: number) => String.fromCharCode(...b.subarray(o, o + n));

/** Width, height and channels from the first bytes of a PNG, JPEG, GIF or WebP; undefined if not found. */
export function parseImageHeader(b: Uint8Array): ImageInfo | undefined {
  if (b.length >= 24 && b[0] === 0x89 && ascii(b, 1, 3) === 'PNG') return parsePng(b);
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) return parseJpeg(b);
  if (b.length >= 13 && ascii(b, 0, 4) === 'GIF8') return parseGif(b);
  if (b.length >= 30 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return parseWebp(b);
  return undefined;
}

/**
 * A GIF decodes to RGB, or RGBA when a frame declares a transparent colour: its graphic control
 * extensions are looked for in the bytes given (a transparent frame past them is not seen).
 */
function parseGif(b: Uint8Array): ImageInfo {
  const info = {
    format: 'gif',
    width: le16(b, 6),
    height: le16(b, 8),
    bitDepth: 8,
    colourSpace: 'rgb',
  } as const;
  const table = (packed: number) => (packed & 0x80 ? 3 << ((packed & 7) + 1) : 0);
  let o = 13 + table(b[10]);
  const skipSubBlocks = () => {
    while (o < b.length && b[o] !== 0) o += b[o] + 1;
    o++;
  };
  while (o < b.length) {
    if (b[o] === 0x21) {
      if (b[o + 1] === 0xf9 && o + 3 < b.length && b[o + 3] & 1) return { ...info, channels: 4 };
      o += 2;
      skipSubBlocks();
    } else if (b[o] === 0x2c) {
      if (o + 10 > b.length) break;
      o += 10 + table(b[o + 9]) + 1; // descriptor, local colour table, LZW code size
      skipSubBlocks();
    } else break; // the trailer (0x3b) or damage
  }
  return { ...info, channels: 3 };
}

function parsePng(b: Uint8Array): ImageInfo | undefined {
  const width = be32(b, 16);
  const height = be32(b, 20);
  const colourType = b[25];
  const base = ({ 0: 1, 2: 3, 3: 3, 4: 2, 6: 4 } as Record<number, number>)[colourType];
  if (base === undefined) return undefined;
  // A tRNS chunk (before IDAT) adds an alpha channel when decoding grey, RGB or palette images.
  let transparent = false;
  for (let o = 8; o + 8 <= b.length; ) {
    const len = be32(b, o);
    const type = ascii(b, o + 4, 4);
    if (type === 'tRNS') transparent = true;
    if (type === 'IDAT' || type === 'IEND') break;
    o += 12 + len;
    if (o > b.length) return undefined; // header chunks go past what was read
  }
  return {
    format: 'png',
    width,
    height,
    channels: transparent && base !== 2 && base !== 4 ? base + 1 : base,
    // Palette entries and 1-, 2- and 4-bit samples all decode to 8 bits.
    bitDepth: b[24] === 16 ? 16 : 8,
    colourSpace: colourType === 0 || colourType === 4 ? 'grey' : 'rgb',
  };
}

function parseJpeg(b: Uint8Array): ImageInfo | undefined {
  let o = 2;
  while (o + 4 <= b.length) {
    if (b[o] !== 0xff) return undefined;
    const marker = b[o + 1];
    if (marker === 0xff) {
      o++;
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      o += 2;
      continue;
    }
    const len = be16(b, o + 2);
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (o + 10 > b.length) return undefined;
      const components = b[o + 9];
      return {
        format: 'jpeg',
        height: be16(b, o + 5),
        width: be16(b, o + 7),
        channels: components,
        bitDepth: b[o + 4] > 8 ? 16 : 8,
        colourSpace: components === 1 ? 'grey' : components === 4 ? 'cmyk' : 'rgb',
      };
    }
    if (marker === 0xda || marker === 0xd9) return undefined;
    o += 2 + len;
  }
  return undefined;
}

const webp = { format: 'webp', bitDepth: 8, colourSpace: 'rgb' } as const;

function parseWebp(b: Uint8Array): ImageInfo | undefined {
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8 ') {
    // Key frame: 3-byte tag, start code 9d 01 2a, then 14-bit width and height.
    return { ...webp, width: le16(b, 26) & 0x3fff, height: le16(b, 28) & 0x3fff, channels: 3 };
  }
  if (chunk === 'VP8L') {
    const bits = b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24);
    const width = (bits & 0x3fff) + 1;
    const height = ((bits >>> 14) & 0x3fff) + 1;
    const alpha = (bits >>> 28) & 1;
    return { ...webp, width, height, channels: alpha ? 4 : 3 };
  }
  if (chunk === 'VP8X') {
    const alpha = (b[20] & 0x10) !== 0;
    return { ...webp, width: le24(b, 24) + 1, height: le24(b, 27) + 1, channels: alpha ? 4 : 3 };
  }
  return undefined;
}

/**
 * Width, height and channels from the first IFD of a (classic, not Big) TIFF; `read(pos, len)` gives
 * bytes of the file, since the IFD is often written at its end.
 */
export function parseTiff(read: (pos: number, len: number) => Uint8Array): ImageInfo | undefined {
  const h = read(0, 8);
  if (h.length < 8) return undefined;
  const le = h[0] === 0x49 && h[1] === 0x49;
  if (!le && !(h[0] === 0x4d && h[1] === 0x4d)) return undefined;
  const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (dv(h).getUint16(2, le) !== 42) return undefined;
  const ifd = dv(h).getUint32(4, le);
  const countBytes = read(ifd, 2);
  if (countBytes.length < 2) return undefined;
  const n = dv(countBytes).getUint16(0, le);
  const entries = read(ifd + 2, 12 * n);
  if (entries.length < 12 * n) return undefined;
  const v = dv(entries);
  const tags = new Map<number, number>();
  for (let k = 0; k < n; k++) {
    const o = 12 * k;
    const type = v.getUint16(o + 2, le);
    const count = v.getUint32(o + 4, le);
    // SHORT (3) or LONG (4) values sit in the entry itself when they fit in 4 bytes; otherwise its
    // value is an offset, so read the first one there (BitsPerSample has one per sample).
    if (type === 3 && count <= 2) tags.set(v.getUint16(o, le), v.getUint16(o + 8, le));
    else if (type === 3) {
      const first = read(v.getUint32(o + 8, le), 2);
      if (first.length === 2) tags.set(v.getUint16(o, le), dv(first).getUint16(0, le));
    } else if (type === 4) tags.set(v.getUint16(o, le), v.getUint32(o + 8, le));
  }
  const width = tags.get(256);
  const height = tags.get(257);
  if (width === undefined || height === undefined) return undefined;
  const photometric = tags.get(262);
  const bits = tags.get(258) ?? 1;
  // Palette images decode to 8-bit RGB; otherwise one channel per sample, of 8 or 16 bits.
  if (photometric === 3)
    return { format: 'tiff', width, height, channels: 3, bitDepth: 8, colourSpace: 'rgb' };
  // Other sample formats (floats, 32-bit integers) are left to sharp, which says what they are.
  if ((tags.get(339) ?? 1) !== 1 || bits > 16) return undefined;
  return {
    format: 'tiff',
    width,
    height,
    channels: tags.get(277) ?? 1,
    bitDepth: bits > 8 ? 16 : 8,
    colourSpace: photometric === 0 || photometric === 1 ? 'grey' : photometric === 5 ? 'cmyk' : 'rgb',
  };
}

const isTiff = (b: Uint8Array) =>
  b.length >= 4 &&
  ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 42) || (b[0] === 0x4d && b[1] === 0x4d && b[3] === 42));

/** Header metadata of a file or bytes, synchronously; undefined where the header does not tell. */
export function readImageHeader(
  src: MediaSource,
  baseDir?: string,
  allowedRoots?: readonly string[],
): ImageInfo | undefined {
  if (typeof src !== 'string')
    return isTiff(src) ? parseTiff((p, n) => src.subarray(p, p + n)) : parseImageHeader(src);
  const file = resolveMediaPath(src, baseDir, allowedRoots);
  let head = readRange(file, 0, 64 * 1024, sourceName(src, { baseDir }));
  if (isTiff(head))
    return parseTiff((p, n) => (p + n <= head.length ? head.subarray(p, p + n) : readRange(file, p, n)));
  let info = parseImageHeader(head);
  // A JPEG's frame header can sit after large EXIF/ICC segments: read further, at most 16 MiB.
  for (
    let size = 1 << 20;
    info === undefined && head[0] === 0xff && head[1] === 0xd8 && size <= 1 << 24;
    size *= 4
  ) {
    const more = readRange(file, 0, size);
    if (more.length === head.length) break;
    head = more;
    info = parseImageHeader(head);
  }
  return info;
}

/**
 * `<image 224×224×3>`: width × height × channels, then what is not 8-bit grey or RGB:
 * `<image 64×64×1 uint16>`, `<image 64×64×4 cmyk>`.
 */
export function formatImageInfo(info: ImageInfo): string {
  const notes = [info.bitDepth === 16 ? ' uint16' : '', info.colourSpace === 'cmyk' ? ' cmyk' : ''];
  return `<image ${info.width}×${info.height}×${info.channels}${notes.join('')}>`;
}

// ---------------------------------------------------------------------------------------------------
// Columns

registerFunction(
  IMAGE_FUNCTION,
  (params, context) => {
    const baseDir = params.baseDir as string | undefined;
    const allowedRoots = allowedRootsOf(context);
    const decode: ImageDecodeOptions = {
      ...(params.dtype !== undefined ? { dtype: params.dtype as ImageDecodeOptions['dtype'] } : {}),
      ...(params.resize !== undefined ? { resize: params.resize as ImageDecodeOptions['resize'] } : {}),
      ...(params.channels !== undefined
        ? { channels: params.channels as ImageDecodeOptions['channels'] }
        : {}),
      ...(params.autoOrient !== undefined ? { autoOrient: params.autoOrient as boolean } : {}),
      ...(params.maxElements !== undefined ? { maxElements: params.maxElements as number } : {}),
    };
    checkDecodeOptions(decode);
    if (allowedRoots !== undefined && (decode.maxElements ?? 0) > MAX_DECODED_ELEMENTS)
      throw new InvalidArgumentError(
        `a stored image column asks for maxElements ${decode.maxElements}, over the default ${MAX_DECODED_ELEMENTS}; ` +
          'a dataset can lower the limit but not raise it: rebuild the column with imageColumn(..., { maxElements })',
      );
    return makeLoader<ImageInfo>(
      'image',
      (src) => decodeImage(src, { ...decode, baseDir, allowedRoots }),
      (src) => readImageHeader(src, baseDir, allowedRoots),
      formatImageInfo,
    );
  },
  { media: 'image' },
);

registerFunction(THUMBNAIL_FUNCTION, (params, context) => {
  const baseDir = params.baseDir as string | undefined;
  const { size, format, quality } = params as ThumbnailOptions;
  const place: MediaPlace = { baseDir, allowedRoots: allowedRootsOf(context) };
  return (value: MediaSource | null) =>
    value === null ? null : imageThumbnail(value, { size, format, quality, ...place });
});

/**
 * A column of images, decoded on load: `await col.load([i])` gives {@link ImageValue}s (sharp is
 * asynchronous, so `col.get(i)` works only for rows already loaded). Prints as `<image W×H×C>` from
 * the file header, and `mediaInfo(col, i)` gives that metadata, without decoding.
 *
 * @example
 * const img = imageColumn(['a.png', 'b.jpg'], { baseDir: '${DATA}/images', resize: { width: 224, height: 224 } });
 * const [a] = await img.load([0]); // { data: Uint8Array, width: 224, height: 224, channels: 3, shape }
 */
export function imageColumn(
  sources: Column | readonly (MediaSource | null)[],
  options: ImageColumnOptions = {},
): DeferredColumn<ImageValue> {
  const { baseDir, env, inputNames, ...decode } = options;
  return mediaColumn<ImageValue>(IMAGE_FUNCTION, sources, { baseDir, ...decode }, { env, inputNames });
}

/** A column of thumbnails (JPEG or WebP bytes) of the images in `sources`. */
export function thumbnailColumn(
  sources: Column | readonly (MediaSource | null)[],
  options: MediaColumnOptions & ThumbnailOptions = {},
): DeferredColumn<Uint8Array> {
  const { baseDir, env, inputNames, ...thumb } = options;
  return mediaColumn<Uint8Array>(THUMBNAIL_FUNCTION, sources, { baseDir, ...thumb }, { env, inputNames });
}
