/**
 * A JPEG thumbnail of an image file, made in the browser (the in-tab worker) with createImageBitmap
 * and an OffscreenCanvas, by the server's rule (src/node/media/image.ts `imageThumbnail`, sharp):
 * turned upright by its EXIF orientation, fitted inside size × size and never enlarged,
 * transparency flattened on white, JPEG at quality 80.
 */
import { MediaDecodeError } from '../../../src/core/errors.js';

/** JPEG quality, as the server's default (80 of 100). */
const JPEG_QUALITY = 0.8;

/** The thumbnail's size: the image fitted inside `size` × `size` (aspect kept, sides rounded), never larger. */
export function thumbnailSize(
  width: number,
  height: number,
  size: number,
): { width: number; height: number } {
  const scale = Math.min(1, size / Math.max(width, height));
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

export async function imageThumbnail(file: Blob, name: string, size: number): Promise<Uint8Array> {
  let image: ImageBitmap;
  try {
    image = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch (e) {
    throw new MediaDecodeError(name, e instanceof Error ? e.message : String(e));
  }
  const { width, height } = thumbnailSize(image.width, image.height, size);
  // The browser's high-quality resampling (filtered over the whole source), not a nearest pick.
  const small =
    width === image.width && height === image.height
      ? image
      : await createImageBitmap(image, { resizeWidth: width, resizeHeight: height, resizeQuality: 'high' });
  if (small !== image) image.close();
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  if (context === null) throw new MediaDecodeError(name, 'this browser gives no 2D canvas in a worker');
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, width, height);
  context.drawImage(small, 0, 0);
  small.close();
  const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: JPEG_QUALITY });
  return new Uint8Array(await blob.arrayBuffer());
}
