/**
 * Image inputs of encoders: decoded HWC tensors (what an image column loads), file paths or encoded
 * bytes, brought to the model's size with sharp and turned into one float32 batch in the layout and
 * normalisation the model was trained with.
 */
import type { Sharp } from 'sharp';
import { InvalidArgumentError } from '../../core/errors.js';
import { decodeImage, type ImageValue } from '../media/image.js';
import type { MediaSource } from '../media/source.js';

/** One image for an encoder: a decoded {@link ImageValue}, a path (under `baseDir`) or encoded bytes. */
export type ImageInput = ImageValue | MediaSource;

/**
 * How a model wants its pixels, in the terms of Hugging Face preprocessor configs: each value is
 * `(pixel · rescale − mean[c]) / std[c]` with `pixel` in 0..255.
 */
export interface ImagePreprocessing {
  /** Model input width and height in pixels. */
  width: number;
  height: number;
  /**
   * How the image is brought to width × height: 'cover' (scale to cover, centre crop; default),
   * 'fill' (stretch, aspect ratio ignored) or 'contain' (scale to fit, pad with black).
   */
  fit?: 'cover' | 'fill' | 'contain';
  /** Factor applied to 0..255 pixels first; default 1/255. */
  rescale?: number;
  /** Per-channel mean subtracted after rescaling; default 0. */
  mean?: readonly number[];
  /** Per-channel standard deviation divided by; default 1. */
  std?: readonly number[];
  /** 'nchw' (PyTorch and most ONNX exports; default) or 'nhwc' (TensorFlow). */
  layout?: 'nchw' | 'nhwc';
  /** 3 (RGB, default; alpha dropped, grey replicated) or 1 (greyscale). */
  channels?: 1 | 3;
}

function isImageValue(x: unknown): x is ImageValue {
  return (
    typeof x === 'object' &&
    x !== null &&
    !(x instanceof Uint8Array) &&
    'data' in x &&
    'width' in x &&
    'height' in x &&
    'channels' in x
  );
}

/** Checks a preprocessing description; returns it with defaults filled in. */
export function checkImagePreprocessing(p: ImagePreprocessing): Required<ImagePreprocessing> {
  for (const side of [p.width, p.height])
    if (!(Number.isInteger(side) && side > 0))
      throw new InvalidArgumentError(`image width and height must be positive integers, got ${side}`);
  const channels = p.channels ?? 3;
  if (channels !== 1 && channels !== 3)
    throw new InvalidArgumentError(`image channels must be 1 or 3, got ${String(channels)}`);
  const fit = p.fit ?? 'cover';
  if (!['cover', 'fill', 'contain'].includes(fit))
    throw new InvalidArgumentError(`image fit must be 'cover', 'fill' or 'contain', got ${String(fit)}`);
  const layout = p.layout ?? 'nchw';
  if (layout !== 'nchw' && layout !== 'nhwc')
    throw new InvalidArgumentError(`image layout must be 'nchw' or 'nhwc', got ${String(layout)}`);
  const perChannel = (v: readonly number[] | undefined, fill: number, what: string): number[] => {
    if (v === undefined) return new Array(channels).fill(fill);
    if (v.length === 1) return new Array(channels).fill(v[0]);
    if (v.length !== channels)
      throw new InvalidArgumentError(`image ${what} needs 1 or ${channels} values, got ${v.length}`);
    return [...v];
  };
  const std = perChannel(p.std, 1, 'std');
  if (std.some((s) => !(s !== 0 && Number.isFinite(s))))
    throw new InvalidArgumentError(`image std must be finite and non-zero, got [${std.join(', ')}]`);
  return {
    width: p.width,
    height: p.height,
    fit,
    rescale: p.rescale ?? 1 / 255,
    mean: perChannel(p.mean, 0, 'mean'),
    std,
    layout,
    channels,
  };
}

/**
 * A decoded image as 0..255 bytes (16-bit images hold 0..65535 and float32 ones 0..1, as the image
 * loader makes them).
 */
function toBytes(img: ImageValue): Uint8Array {
  if (img.data instanceof Uint8Array) return img.data;
  const out = new Uint8Array(img.data.length);
  if (img.data instanceof Uint16Array)
    for (let i = 0; i < out.length; i++) out[i] = Math.round(img.data[i] / 257);
  else for (let i = 0; i < out.length; i++) out[i] = Math.round(Math.min(1, Math.max(0, img.data[i])) * 255);
  return out;
}

/**
 * One input as a decoded image. Paths and bytes are decoded exactly as an image column decodes them
 * by default (sharp, pixels as stored: the EXIF orientation is not applied), so that
 * `encoder.encode([path])` and `df.embed` over an image column of the same file see the same
 * pixels, and give identical vectors.
 */
async function decodedImage(input: ImageInput, baseDir?: string): Promise<ImageValue> {
  if (isImageValue(input)) return input;
  if (typeof input !== 'string' && !(input instanceof Uint8Array))
    throw new InvalidArgumentError(
      `an image encoder takes decoded images ({ data, width, height, channels }), paths or bytes; got ${typeof input}`,
    );
  const img = await decodeImage(input, { baseDir });
  // A CMYK file is brought to RGB through its colour profile, as imageColumn(files, { channels: 3 }) does.
  return img.colourSpace === 'cmyk' ? await decodeImage(input, { baseDir, channels: 3 }) : img;
}

/** sharp over raw HWC pixels; loaded here, not at the top, so that importing the encoders does not load libvips. */
async function rawImage(bytes: Uint8Array, width: number, height: number, channels: number) {
  const { default: sharp } = await import('sharp');
  return sharp(bytes, { raw: { width, height, channels: channels as 1 | 2 | 3 | 4 } });
}

/** Raw pixels of `img` as an 8-bit buffer, checked to be `width × height × channels`. */
async function rawPixels(
  img: Sharp,
  width: number,
  height: number,
  channels: number,
  from: string,
): Promise<Uint8Array> {
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  if (info.channels !== channels || info.width !== width || info.height !== height)
    throw new InvalidArgumentError(`could not bring a ${from} image to ${width}×${height}×${channels}`);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

/**
 * One input as uint8 HWC pixels of exactly width × height × channels: the one image pipeline of
 * every encoder, whatever the input (a decoded image, a path, bytes). In two steps, as PIL's
 * `img.convert('RGB').resize(size, Image.LANCZOS, reducing_gap=2.0)` does them: first the channels
 * (alpha dropped, grey replicated; RGB to grey for 1 channel), at the image's own size, so that
 * transparent pixels do not bleed into the resize; then the resize, with sharp's default kernel
 * (Lanczos-3, after a box shrink by the integer part of large factors, as PIL's reducing_gap does).
 * Images already of the model's shape are used as they are.
 */
export async function pixelsOf(
  input: ImageInput,
  p: Required<ImagePreprocessing>,
  baseDir?: string,
): Promise<Uint8Array> {
  const { width, height, channels, fit } = p;
  const img = await decodedImage(input, baseDir);
  if (img.colourSpace === 'cmyk')
    throw new InvalidArgumentError(
      'an image encoder takes grey or RGB pixels, not CMYK; decode the image with channels: 3 ' +
        '(imageColumn(files, { channels: 3 })) to convert it through its colour profile',
    );
  let bytes = toBytes(img);
  const from = `${img.width}×${img.height}×${img.channels}`;
  if (bytes.length !== img.width * img.height * img.channels)
    throw new InvalidArgumentError(
      `image data has ${bytes.length} values but ${from} needs ${img.width * img.height * img.channels}`,
    );
  if (img.channels !== channels) {
    const raw = await rawImage(bytes, img.width, img.height, img.channels);
    const converted =
      channels === 1 ? raw.greyscale().extractChannel(0) : raw.removeAlpha().toColourspace('srgb');
    bytes = await rawPixels(converted, img.width, img.height, channels, from);
  }
  if (img.width !== width || img.height !== height) {
    const raw = await rawImage(bytes, img.width, img.height, channels);
    bytes = await rawPixels(raw.resize({ width, height, fit }), width, height, channels, from);
  }
  return bytes;
}

/**
 * A batch of images as one float32 tensor, `[n, c, h, w]` or `[n, h, w, c]`, normalised as `p`
 * says. Images are prepared concurrently (sharp runs off the main thread).
 */
export async function imageBatch(
  inputs: readonly unknown[],
  preprocessing: Required<ImagePreprocessing>,
  baseDir?: string,
): Promise<{ data: Float32Array; dims: number[] }> {
  const { width, height, channels, rescale, mean, std, layout } = preprocessing;
  const pixels = await Promise.all(inputs.map((x) => pixelsOf(x as ImageInput, preprocessing, baseDir)));
  const plane = width * height;
  const data = new Float32Array(inputs.length * plane * channels);
  const scale = std.map((s) => rescale / s);
  const shift = mean.map((m, c) => m / std[c]);
  for (let i = 0; i < pixels.length; i++) {
    const px = pixels[i];
    const base = i * plane * channels;
    for (let c = 0; c < channels; c++) {
      const a = scale[c];
      const b = shift[c];
      if (layout === 'nchw') {
        const o = base + c * plane;
        for (let k = 0; k < plane; k++) data[o + k] = px[k * channels + c] * a - b;
      } else {
        for (let k = 0; k < plane; k++) data[base + k * channels + c] = px[k * channels + c] * a - b;
      }
    }
  }
  const dims =
    layout === 'nchw' ? [inputs.length, channels, height, width] : [inputs.length, height, width, channels];
  return { data, dims };
}

/**
 * One input as an 8-bit RGB image at its own size (for runtimes that resize themselves, such as
 * transformers.js image processors), through the same decode and channel step as {@link pixelsOf}.
 */
export async function rgbImage(input: ImageInput, baseDir?: string): Promise<ImageValue> {
  const img = await decodedImage(input, baseDir);
  const { width, height } = img;
  const data = await pixelsOf(img, checkImagePreprocessing({ width, height, channels: 3 }));
  return { data, width, height, channels: 3, shape: [height, width, 3], colourSpace: 'rgb' };
}
