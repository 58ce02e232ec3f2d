/**
 * An image the browser uploads as a request body: the content types taken, and a check of its
 * leading bytes, so that only the raster formats the image loader reads are decoded (never an SVG,
 * whatever the content type claims: its renderer could follow links).
 */
import { MediaDecodeError } from '../../core/errors.js';

/** Content types of an uploaded image (the body is the file's bytes). */
export const IMAGE_CONTENT_TYPES = [
  'image/png',
  'image/jpeg',
  'image/webp',
  'image/gif',
  'image/tiff',
] as const;

/** Largest upload by default: 16 MiB (a large phone photo). */
export const DEFAULT_MAX_UPLOAD_BYTES = 16 << 20;

/** The format of an image file by its leading bytes, or null for none of {@link IMAGE_CONTENT_TYPES}. */
export function sniffImageType(bytes: Uint8Array): (typeof IMAGE_CONTENT_TYPES)[number] | null {
  const starts = (sig: readonly number[], at = 0) => sig.every((b, i) => bytes[at + i] === b);
  if (starts([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (starts([0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (starts([0x47, 0x49, 0x46, 0x38])) return 'image/gif';
  if (starts([0x52, 0x49, 0x46, 0x46]) && starts([0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  if (starts([0x49, 0x49, 0x2a, 0x00]) || starts([0x4d, 0x4d, 0x00, 0x2a])) return 'image/tiff';
  return null;
}

/** `bytes`, checked to be an image of a format the loader reads. @throws MediaDecodeError otherwise. */
export function checkUploadedImage(bytes: Uint8Array): Uint8Array {
  if (sniffImageType(bytes) === null)
    throw new MediaDecodeError(
      'the uploaded file',
      'it is not a PNG, JPEG, WebP, GIF or TIFF image (by its first bytes); upload one of those',
    );
  return bytes;
}
