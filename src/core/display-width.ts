/**
 * Terminal display width of text, measured per grapheme cluster (what a reader sees as one
 * character): East Asian Wide/Fullwidth characters and emoji take 2 columns, combining marks,
 * joiners and other zero-width code points 0, everything else 1. Isomorphic (Intl.Segmenter).
 */

// Grapheme clusters never split a surrogate pair, a ZWJ sequence, a flag or a base from its marks.
// Made on first use: building a segmenter loads ICU's break rules (15-25 ms here), which importing
// Tessera, or opening a dataset in the app, should not wait for.
let segmenter: Intl.Segmenter | undefined;
function graphemes(text: string): Intl.Segments {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return segmenter.segment(text);
}

/** Columns a terminal gives `text`. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const { segment } of graphemes(text)) width += graphemeWidth(segment);
  return width;
}

/**
 * `text` cut at a grapheme boundary so that it fits `width` columns, ending in `ellipsis` when cut.
 * Reads only as far as the cut, so a long cell costs no more than a short one.
 */
export function truncateToWidth(text: string, width: number, ellipsis = '…'): string {
  const room = width - displayWidth(ellipsis);
  let used = 0;
  let cut = -1; // where the kept part ends, once the text is known not to fit
  for (const { segment, index } of graphemes(text)) {
    used += graphemeWidth(segment);
    if (cut < 0 && used > room) cut = index;
    if (used > width) return text.slice(0, cut) + ellipsis;
  }
  return text;
}

/** `text` padded with spaces to `width` columns, on the left (`right` aligned) or the right. */
export function padToWidth(text: string, width: number, right = false): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return right ? fill + text : text + fill;
}

// Emoji drawn as pictures: by default, or asked for with variation selector 16; flags (a pair of
// regional indicators) too.
const emojiPicture = /\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F|\p{Regional_Indicator}{2}/u;
const zeroWidth = /^[\p{Mn}\p{Me}\p{Cf}\p{Cc}]/u;

function graphemeWidth(g: string): number {
  if (emojiPicture.test(g)) return 2;
  const first = g.codePointAt(0) ?? 0;
  if (isWide(first)) return 2;
  return zeroWidth.test(g) ? 0 : 1;
}

function isWide(cp: number): boolean {
  if (cp < WIDE[0]) return false;
  let lo = 0;
  let hi = WIDE.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < WIDE[2 * mid]) hi = mid - 1;
    else if (cp > WIDE[2 * mid + 1]) lo = mid + 1;
    else return true;
  }
  return false;
}

// East_Asian_Width W or F, as inclusive [first, last] pairs (from the Unicode Character Database,
// unassigned code points inside a block merged in; planes 2 and 3 are wide throughout).
// prettier-ignore
const WIDE = [
  0x1100, 0x115f, 0x231a, 0x231b, 0x2329, 0x232a, 0x23e9, 0x23ec, 0x23f0, 0x23f0, 0x23f3, 0x23f3, 0x25fd,
  0x25fe, 0x2614, 0x2615, 0x2648, 0x2653, 0x267f, 0x267f, 0x2693, 0x2693, 0x26a1, 0x26a1, 0x26aa, 0x26ab,
  0x26bd, 0x26be, 0x26c4, 0x26c5, 0x26ce, 0x26ce, 0x26d4, 0x26d4, 0x26ea, 0x26ea, 0x26f2, 0x26f3, 0x26f5,
  0x26f5, 0x26fa, 0x26fa, 0x26fd, 0x26fd, 0x2705, 0x2705, 0x270a, 0x270b, 0x2728, 0x2728, 0x274c, 0x274c,
  0x274e, 0x274e, 0x2753, 0x2755, 0x2757, 0x2757, 0x2795, 0x2797, 0x27b0, 0x27b0, 0x27bf, 0x27bf, 0x2b1b,
  0x2b1c, 0x2b50, 0x2b50, 0x2b55, 0x2b55, 0x2e80, 0x303e, 0x3041, 0x3247, 0x3250, 0x4dbf, 0x4e00, 0xa4c6,
  0xa960, 0xa97c, 0xac00, 0xd7a3, 0xf900, 0xfad9, 0xfe10, 0xfe19, 0xfe30, 0xfe6b, 0xff01, 0xff60, 0xffe0,
  0xffe6, 0x16fe0, 0x1b2fb, 0x1f004, 0x1f004, 0x1f0cf, 0x1f0cf, 0x1f18e, 0x1f18e, 0x1f191, 0x1f19a, 0x1f200,
  0x1f320, 0x1f32d, 0x1f335, 0x1f337, 0x1f37c, 0x1f37e, 0x1f393, 0x1f3a0, 0x1f3ca, 0x1f3cf, 0x1f3d3, 0x1f3e0,
  0x1f3f0, 0x1f3f4, 0x1f3f4, 0x1f3f8, 0x1f43e, 0x1f440, 0x1f440, 0x1f442, 0x1f4fc, 0x1f4ff, 0x1f53d, 0x1f54b,
  0x1f54e, 0x1f550, 0x1f567, 0x1f57a, 0x1f57a, 0x1f595, 0x1f596, 0x1f5a4, 0x1f5a4, 0x1f5fb, 0x1f64f, 0x1f680,
  0x1f6c5, 0x1f6cc, 0x1f6cc, 0x1f6d0, 0x1f6d2, 0x1f6d5, 0x1f6df, 0x1f6eb, 0x1f6ec, 0x1f6f4, 0x1f6fc, 0x1f7e0,
  0x1f7f0, 0x1f90c, 0x1f93a, 0x1f93c, 0x1f945, 0x1f947, 0x1f9ff, 0x1fa70, 0x1faf6, 0x20000, 0x3fffd,
];
