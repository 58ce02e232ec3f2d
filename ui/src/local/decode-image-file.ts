/**
 * An image file decoded in the browser (a worker or the page): createImageBitmap, then the pixels
 * of an OffscreenCanvas, as RGB (alpha dropped, as PIL's `convert('RGB')`), height × width × 3.
 * EXIF orientation is not applied, so the size matches the file's header (as the Node loader's default).
 * Opaque pixels are exact (PNG) or as the browser's JPEG decoder rounds them; where an image is
 * translucent the canvas's premultiplied alpha rounds the colour (to within 255 / alpha), and fully
 * transparent pixels come out 0, 0, 0 (PIL keeps the stored colour there).
 */
import { MediaDecodeError } from '../../../src/core/errors.js';

/** A decoded image, shaped as the Node loader's ImageValue (src/node/media/image.ts). */
export interface DecodedImage {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 3;
  shape: [number, number, 3];
  colourSpace: 'rgb';
}

export async function decodeImageFile(file: Blob, name: string): Promise<DecodedImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, {
      imageOrientation: 'none',
      premultiplyAlpha: 'none',
      colorSpaceConversion: 'none',
    });
  } catch (e) {
    throw new MediaDecodeError(name, e instanceof Error ? e.message : String(e));
  }
  const { width, height } = bitmap;
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (context === null) throw new MediaDecodeError(name, 'this browser gives no 2D canvas in a worker');
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const rgba = context.getImageData(0, 0, width, height).data;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    data[j] = rgba[i] as number;
    data[j + 1] = rgba[i + 1] as number;
    data[j + 2] = rgba[i + 2] as number;
  }
  return { data, width, height, channels: 3, shape: [height, width, 3], colourSpace: 'rgb' };
}
