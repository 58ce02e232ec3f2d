/**
 * CRC-32 (IEEE, as zlib and PNG use it), table-driven and isomorphic: the one implementation in
 * the project. The core uses it for small binary formats (e.g. a saved LSH index) and for the dataset
 * store's checks; in Node the store plugs in `node:zlib`'s native crc32 (same values, faster) with
 * {@link useNativeCrc32}. Block checksums fold into the checksum of the whole ({@link combineBlockCrcs}).
 */

let table: Uint32Array | null = null;

/** The byte table of the reflected polynomial 0xedb88320 (entry n = CRC register after byte n). */
export function crc32Table(): Uint32Array {
  if (table === null) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  return table;
}

/** A CRC-32 function: of `data`, continuing from `value` (the CRC of the bytes before it; 0 to start). */
export type Crc32 = (data: Uint8Array, value?: number) => number;

let native: Crc32 | null = null;

/** Use `fn` (a native CRC-32 with the same values, e.g. `node:zlib`'s) for {@link crc32} from now on. */
export function useNativeCrc32(fn: Crc32): void {
  native = fn;
}

/** CRC-32 of `data`, continuing from `value` (the CRC of the bytes before it; 0 to start). */
export function crc32(data: Uint8Array, value = 0): number {
  return native === null ? tableCrc32(data, value) : native(data, value);
}

/** A checksum as the store's messages print it: 8 hex digits. */
export function hex(crc: number): string {
  return crc.toString(16).padStart(8, '0');
}

let slices: Uint32Array[] | null = null;

/** Tables for eight bytes at a time ("slicing-by-8"): entry n of table k is byte n followed by k zero bytes. */
function sliceTables(): Uint32Array[] {
  if (slices === null) {
    const t0 = crc32Table();
    slices = [t0];
    for (let k = 1; k < 8; k++) {
      const prev = slices[k - 1];
      const t = new Uint32Array(256);
      for (let n = 0; n < 256; n++) t[n] = (prev[n] >>> 8) ^ t0[prev[n] & 0xff];
      slices.push(t);
    }
  }
  return slices;
}

/**
 * The table-driven CRC-32 (the one a browser uses; the native one must agree with it), eight bytes
 * a step, several times faster than a byte a step.
 */
export function tableCrc32(data: Uint8Array, value = 0): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = sliceTables();
  let c = ~value >>> 0;
  let i = 0;
  for (const end = data.length - 8; i <= end; i += 8) {
    const a = c ^ (data[i] | (data[i + 1] << 8) | (data[i + 2] << 16) | (data[i + 3] << 24));
    c =
      t7[a & 0xff] ^
      t6[(a >>> 8) & 0xff] ^
      t5[(a >>> 16) & 0xff] ^
      t4[a >>> 24] ^
      t3[data[i + 4]] ^
      t2[data[i + 5]] ^
      t1[data[i + 6]] ^
      t0[data[i + 7]];
  }
  for (; i < data.length; i++) c = t0[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/**
 * Folding block checksums into the checksum of their concatenation, so that a whole-file read can
 * be verified with one CRC pass over it instead of one call per 4 KiB block:
 * `crc(a ‖ b) = shift(crc(a), |b|) ^ crc(b)` (zlib's crc32_combine), where shifting by `n` bytes is
 * a fixed linear map of the 32-bit value. {@link crc32Shifter} tabulates that map for one `n`.
 */
export type Crc32Shifter = (crc: number) => number;

const shifters = new Map<number, Crc32Shifter>();

/** The map `crc ↦ crc · x^(8n) mod P`, as four 256-entry tables (a few operations a call). */
export function crc32Shifter(n: number): Crc32Shifter {
  let s = shifters.get(n);
  if (s === undefined) {
    s = buildShifter(n);
    shifters.set(n, s);
  }
  return s;
}

function buildShifter(n: number): Crc32Shifter {
  // Feeding n zero bytes through the CRC register without the pre/post inversion applies exactly
  // the shift; do it for each of the 32 bit positions, then combine bits bytewise.
  const t = crc32Table();
  const basis = new Uint32Array(32);
  for (let bit = 0; bit < 32; bit++) {
    let c = (1 << bit) >>> 0;
    for (let i = 0; i < n; i++) c = t[c & 0xff] ^ (c >>> 8);
    basis[bit] = c >>> 0;
  }
  const tables = [0, 1, 2, 3].map((k) => {
    const out = new Uint32Array(256);
    for (let v = 1; v < 256; v++) {
      let acc = 0;
      for (let b = 0; b < 8; b++) if (v & (1 << b)) acc ^= basis[8 * k + b];
      out[v] = acc >>> 0;
    }
    return out;
  });
  const [t0, t1, t2, t3] = tables;
  return (crc) => (t0[crc & 0xff] ^ t1[(crc >>> 8) & 0xff] ^ t2[(crc >>> 16) & 0xff] ^ t3[crc >>> 24]) >>> 0;
}

/**
 * The CRC-32 of the concatenation of blocks whose CRCs are `sums[from..to)`, every block
 * `blockBytes` long except possibly the last, which is `lastBytes` long.
 */
export function combineBlockCrcs(
  sums: Uint32Array,
  from: number,
  to: number,
  blockBytes: number,
  lastBytes: number,
): number {
  if (to <= from) return 0;
  const shift = crc32Shifter(blockBytes);
  let c = sums[from];
  for (let b = from + 1; b < to - 1; b++) c = (shift(c) ^ sums[b]) >>> 0;
  if (to - from > 1)
    c = ((lastBytes === blockBytes ? shift : crc32Shifter(lastBytes))(c) ^ sums[to - 1]) >>> 0;
  return c;
}
