/*
 * The one hash of key words, shared by group codes and join ids: a murmur3-style finaliser, so the
 * low bits (table slots are `hash & mask`) depend on every input bit.
 */

/** A 32-bit hash of two 32-bit words. */
export function mix(lo: number, hi: number): number {
  let h = Math.imul(lo ^ Math.imul(hi, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h ^ hi, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** A hash of the `length` bytes at `start`: FNV-1a over the bytes, then {@link mix} with the length. */
export function hashBytes(bytes: Uint8Array, start: number, length: number): number {
  let h = 0x811c9dc5 | 0;
  const end = start + length;
  for (let k = start; k < end; k++) h = Math.imul(h ^ bytes[k], 0x01000193);
  return mix(h, length);
}

/** log2 of a power-of-two table size with load factor at most 1/2 for `n` keys. */
export function tableBits(n: number): number {
  let bits = 4;
  while (1 << bits < 2 * n && bits < 30) bits++;
  return bits;
}
