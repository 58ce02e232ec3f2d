/**
 * The content type of a media file from its first bytes (its magic number), for replies made
 * without a file name to go by (the in-tab worker serves the files the user gave the page).
 */

const ascii = (b: Uint8Array, at: number, text: string) =>
  b.length >= at + text.length && [...text].every((c, i) => b[at + i] === c.charCodeAt(0));

const includesAscii = (b: Uint8Array, text: string) => {
  for (let at = 0; at + text.length <= b.length; at++) if (ascii(b, at, text)) return true;
  return false;
};

/** Bytes needed by {@link contentTypeOfBytes}. */
export const CONTENT_TYPE_HEAD_BYTES = 64;

/** The content type of a file that starts with `head`, or `application/octet-stream` when unknown. */
export function contentTypeOfBytes(head: Uint8Array): string {
  const b = head;
  if (ascii(b, 1, 'PNG') && b[0] === 0x89) return 'image/png';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (ascii(b, 0, 'GIF87a') || ascii(b, 0, 'GIF89a')) return 'image/gif';
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP')) return 'image/webp';
  if (ascii(b, 0, 'RIFF') && ascii(b, 8, 'WAVE')) return 'audio/wav';
  if (ascii(b, 0, 'II*\0') || ascii(b, 0, 'MM\0*')) return 'image/tiff';
  if (ascii(b, 0, 'fLaC')) return 'audio/flac';
  if (ascii(b, 0, 'OggS')) return 'audio/ogg';
  if (ascii(b, 0, 'ID3') || (b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0)) return 'audio/mpeg';
  if (ascii(b, 4, 'ftyp')) {
    if (ascii(b, 8, 'qt  ')) return 'video/quicktime';
    if (ascii(b, 8, 'M4A ')) return 'audio/mp4';
    return 'video/mp4';
  }
  // EBML: WebM or Matroska, told apart by the doc type in the header that follows.
  if (b[0] === 0x1a && b[1] === 0x45 && b[2] === 0xdf && b[3] === 0xa3)
    return includesAscii(b, 'webm') ? 'video/webm' : 'video/x-matroska';
  return 'application/octet-stream';
}
