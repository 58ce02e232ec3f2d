/**
 * Arrow-layout bitmaps: bit `i` lives in byte `i >> 3` at position `i & 7` (least significant
 * bit first). Used both for validity (1 = valid) and for boolean values.
 */

export function bitmapBytes(length: number): number {
  // Arrow pads buffers to 8 bytes; keeping that lets Arrow consumers use our buffers as they are.
  return ((length + 63) >> 6) << 3;
}

export function getBit(bitmap: Uint8Array, i: number): boolean {
  return (bitmap[i >> 3] & (1 << (i & 7))) !== 0;
}

export function setBit(bitmap: Uint8Array, i: number, value: boolean): void {
  if (value) bitmap[i >> 3] |= 1 << (i & 7);
  else bitmap[i >> 3] &= ~(1 << (i & 7));
}

/**
 * Marks row `i` null in a validity bitmap of `length` rows, allocating an all-valid bitmap at the
 * first null so that columns without nulls keep none. Returns the bitmap to keep.
 */
export function markNull(validity: Uint8Array | null, length: number, i: number): Uint8Array {
  const bits = validity ?? new Uint8Array(bitmapBytes(length)).fill(0xff);
  bits[i >> 3] &= ~(1 << (i & 7));
  return bits;
}

/** Number of null rows of a validity bitmap (none when there is no bitmap). */
export function nullCountOf(validity: Uint8Array | null, length: number): number {
  return validity === null ? 0 : length - countSetBits(validity, length);
}

export function countSetBits(bitmap: Uint8Array, length: number): number {
  let count = 0;
  const full = length >> 3;
  for (let b = 0; b < full; b++) {
    let v = bitmap[b];
    v = v - ((v >> 1) & 0x55);
    v = (v & 0x33) + ((v >> 2) & 0x33);
    count += (v + (v >> 4)) & 0x0f;
  }
  for (let i = full << 3; i < length; i++) if (getBit(bitmap, i)) count++;
  return count;
}

/** Bits `[start, start + length)` of `bitmap` as a new bitmap starting at bit 0. */
export function sliceBitmap(bitmap: Uint8Array, start: number, length: number): Uint8Array {
  if ((start & 7) === 0) return bitmap.subarray(start >> 3, (start >> 3) + bitmapBytes(length));
  const out = new Uint8Array(bitmapBytes(length));
  for (let i = 0; i < length; i++) if (getBit(bitmap, start + i)) out[i >> 3] |= 1 << (i & 7);
  return out;
}

/** Gather bits at `indices` into a new bitmap; index -1 gives 0. */
export function takeBits(
  bitmap: Uint8Array | null,
  indices: ArrayLike<number>,
  defaultBit = true,
): Uint8Array {
  const n = indices.length;
  const out = new Uint8Array(bitmapBytes(n));
  for (let i = 0; i < n; i++) {
    const j = indices[i];
    const bit = j < 0 ? false : bitmap === null ? defaultBit : getBit(bitmap, j);
    if (bit) out[i >> 3] |= 1 << (i & 7);
  }
  return out;
}
