import { bitmapBytes, markNull, nullCountOf } from '../../column/bitmap.js';
import { DAY_MS, type ScalarColumn } from '../../column/scalar.js';
import type { ScalarDType } from '../../column/types.js';
import { hashBytes, mix, tableBits } from './hash.js';
import {
  int64Numbers,
  isValid,
  orderedFloatWords,
  orderedInt64Words,
  safeIntegerHi,
  safeIntegerLo,
} from './normalize.js';

/**
 * Join keys turned into dense ids: each build row gets the id of its key (ids 0..count-1 in order
 * of first appearance), each probe row the id of the equal build key; -1 for nulls and for probe
 * keys that no build row has.
 */
export interface JoinIds {
  build: Int32Array;
  probe: Int32Array;
  count: number;
}

/** Largest id span packed into one int32 when two keys are combined. */
const MAX_PACKED = 0x7fffffff;

/**
 * Ids of the key tuples of the build and probe rows (key columns paired one to one; their types
 * compatible, as `merge` checks). Keys compare by value: numbers across dtypes (-0 = 0, NaN = NaN),
 * dates with timestamps; nulls never match.
 */
export function joinIds(build: readonly ScalarColumn[], probe: readonly ScalarColumn[]): JoinIds {
  let ids = keyIds(build[0], probe[0]);
  for (let k = 1; k < build.length; k++) ids = combine(ids, keyIds(build[k], probe[k]));
  return ids;
}

function keyIds(b: ScalarColumn, p: ScalarColumn): JoinIds {
  const bt = b.dtype;
  const pt = p.dtype;
  if (bt === 'string') return stringIds(b, p);
  const narrow = (t: ScalarDType) => t === 'int32' || t === 'uint8' || t === 'bool' || t === 'date';
  if (narrow(bt) && narrow(pt))
    return int32Ids(asInt32(b), b.validity, b.length, asInt32(p), p.validity, p.length);
  const float = (t: ScalarDType) => t === 'float32' || t === 'float64';
  if (!float(bt) && !float(pt)) return pairIds(integerWords(b), b.validity, integerWords(p), p.validity);
  const bf = asFloat64(b);
  const pf = asFloat64(p);
  // Integer-valued floats (the common case) take the faster int32 path.
  const bi = int32IfExact(bf, b.validity, b.length);
  if (bi !== null) {
    const pi = int32OrNoMatch(pf, p.validity, p.length);
    return int32Ids(bi, b.validity, b.length, pi.values, pi.validity, p.length);
  }
  return pairIds(floatWords(bf), b.validity, floatWords(pf), p.validity);
}

/** Ids of the pairs (build id of key a, of key b) of two keys' ids. */
function combine(a: JoinIds, b: JoinIds): JoinIds {
  const packed = a.count * b.count <= MAX_PACKED;
  // Rows where either id is -1 (null or no match) become null.
  const pack = (x: Int32Array, y: Int32Array) => {
    const n = x.length;
    const hi = new Uint32Array(packed ? 0 : n);
    const lo = new Uint32Array(n);
    const validity = new Uint8Array(bitmapBytes(n));
    for (let i = 0; i < n; i++)
      if (x[i] >= 0 && y[i] >= 0) {
        if (packed) lo[i] = x[i] * b.count + y[i];
        else {
          hi[i] = x[i];
          lo[i] = y[i];
        }
        validity[i >> 3] |= 1 << (i & 7);
      }
    return { words: { hi, lo }, validity };
  };
  const pb = pack(a.build, b.build);
  const pp = pack(a.probe, b.probe);
  if (!packed) return pairIds(pb.words, pb.validity, pp.words, pp.validity);
  const bl = pb.words.lo;
  const pl = pp.words.lo;
  return int32Ids(
    new Int32Array(bl.buffer, bl.byteOffset, bl.length),
    pb.validity,
    bl.length,
    new Int32Array(pl.buffer, pl.byteOffset, pl.length),
    pp.validity,
    pl.length,
  );
}

/** int32 keys: a direct table when the build keys span a small range, else open addressing. */
function int32Ids(
  b: Int32Array,
  bValid: Uint8Array | null,
  nb: number,
  p: Int32Array,
  pValid: Uint8Array | null,
  np: number,
): JoinIds {
  let min = 0x7fffffff;
  let max = -0x80000000;
  let nonNull = 0;
  for (let i = 0; i < nb; i++) {
    if (!isValid(bValid, i)) continue;
    const v = b[i];
    if (v < min) min = v;
    if (v > max) max = v;
    nonNull++;
  }
  if (nonNull === 0)
    return { build: new Int32Array(nb).fill(-1), probe: new Int32Array(np).fill(-1), count: 0 };
  const range = max - min + 1;
  if (range <= 2 * nonNull + 1024) {
    const build = new Int32Array(nb);
    const probe = new Int32Array(np);
    let count = 0;
    const table = new Int32Array(range); // id + 1; 0 = empty
    for (let i = 0; i < nb; i++) {
      if (!isValid(bValid, i)) {
        build[i] = -1;
        continue;
      }
      const s = b[i] - min;
      let id = table[s];
      if (id === 0) {
        id = ++count;
        table[s] = id;
      }
      build[i] = id - 1;
    }
    for (let i = 0; i < np; i++) {
      const s = p[i] - min;
      probe[i] = s >= 0 && s < range && isValid(pValid, i) ? table[s] - 1 : -1;
    }
    return { build, probe, count };
  }
  const mask = (1 << tableBits(nonNull)) - 1;
  // Slot s holds its key at 2s and id + 1 at 2s + 1 (0 = empty): one cache line per probe.
  const slots = new Int32Array(2 * (mask + 1));
  let count = 0;
  /** The id of each row's key; with `insert`, keys not in the table are added, else get -1. */
  const lookup = (keys: Int32Array, validity: Uint8Array | null, n: number, insert: boolean) => {
    const ids = new Int32Array(n);
    let added = count; // a local: the loop is hot
    for (let i = 0; i < n; i++) {
      if (!isValid(validity, i)) {
        ids[i] = -1;
        continue;
      }
      const v = keys[i];
      let s = mix(v, 0) & mask;
      for (;;) {
        const id = slots[2 * s + 1];
        if (id === 0) {
          if (insert) {
            slots[2 * s] = v;
            slots[2 * s + 1] = ++added;
          }
          ids[i] = insert ? added - 1 : -1;
          break;
        }
        if (slots[2 * s] === v) {
          ids[i] = id - 1;
          break;
        }
        s = (s + 1) & mask;
      }
    }
    count = added;
    return ids;
  };
  const build = lookup(b, bValid, nb, true);
  return { build, probe: lookup(p, pValid, np, false), count };
}

/** Keys as two words each (the ordered words of `normalize.ts`). */
interface Words {
  hi: Uint32Array;
  lo: Uint32Array;
}

/** 64-bit keys by open addressing on both words. */
function pairIds(b: Words, bValid: Uint8Array | null, p: Words, pValid: Uint8Array | null): JoinIds {
  const nb = b.hi.length;
  const mask = (1 << tableBits(nb - nullCountOf(bValid, nb))) - 1;
  // Slot s holds its key words at 4s, 4s + 1 and id + 1 at 4s + 2 (0 = empty).
  const slots = new Uint32Array(4 * (mask + 1));
  let count = 0;
  const lookup = ({ hi, lo }: Words, validity: Uint8Array | null, insert: boolean) => {
    const n = hi.length;
    const ids = new Int32Array(n);
    let added = count; // a local: the loop is hot
    for (let i = 0; i < n; i++) {
      if (!isValid(validity, i)) {
        ids[i] = -1;
        continue;
      }
      const h = hi[i];
      const l = lo[i];
      let s = mix(l, h) & mask;
      for (;;) {
        const id = slots[4 * s + 2];
        if (id === 0) {
          if (insert) {
            slots[4 * s] = h;
            slots[4 * s + 1] = l;
            slots[4 * s + 2] = ++added;
          }
          ids[i] = insert ? added - 1 : -1;
          break;
        }
        if (slots[4 * s] === h && slots[4 * s + 1] === l) {
          ids[i] = id - 1;
          break;
        }
        s = (s + 1) & mask;
      }
    }
    count = added;
    return ids;
  };
  const build = lookup(b, bValid, true);
  return { build, probe: lookup(p, pValid, false), count };
}

/**
 * String keys: hashes of the UTF-8 bytes, equal hashes confirmed byte by byte (no decoding). Each
 * slot keeps where the bytes of its key are, so a probe reads the slot and then the bytes, and
 * never the offsets of the build column.
 */
function stringIds(bc: ScalarColumn, pc: ScalarColumn): JoinIds {
  const bv = bc.values as Uint8Array;
  const mask = (1 << tableBits(bc.length - bc.nullCount)) - 1;
  // Slot s: hash at 4s, id + 1 at 4s + 1 (0 = empty), start and length of the key's bytes at 4s + 2, 4s + 3.
  const slots = new Int32Array(4 * (mask + 1));
  let count = 0;
  const lookup = (c: ScalarColumn, insert: boolean) => {
    const n = c.length;
    const bytes = c.values as Uint8Array;
    const offsets = c.offsets!;
    const validity = c.validity;
    const ids = new Int32Array(n);
    let added = count; // a local: the loop is hot
    for (let i = 0; i < n; i++) {
      if (!isValid(validity, i)) {
        ids[i] = -1;
        continue;
      }
      const a = offsets[i];
      const len = offsets[i + 1] - a;
      const h = hashBytes(bytes, a, len);
      let s = h & mask;
      for (;;) {
        const at = 4 * s;
        const id = slots[at + 1];
        if (id === 0) {
          if (insert) {
            slots[at] = h;
            slots[at + 1] = ++added;
            slots[at + 2] = a;
            slots[at + 3] = len;
          }
          ids[i] = insert ? added - 1 : -1;
          break;
        }
        if (slots[at] === h && slots[at + 3] === len && bytesEqual(bv, slots[at + 2], bytes, a, len)) {
          ids[i] = id - 1;
          break;
        }
        s = (s + 1) & mask;
      }
    }
    count = added;
    return ids;
  };
  const build = lookup(bc, true);
  return { build, probe: lookup(pc, false), count };
}

function bytesEqual(x: Uint8Array, xa: number, y: Uint8Array, ya: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (x[xa + k] !== y[ya + k]) return false;
  return true;
}

// ---- key representations ----

/** int32, uint8, bool or date values as int32 (no copy for int32 and date). */
function asInt32(c: ScalarColumn): Int32Array {
  const n = c.length;
  if (c.dtype === 'int32' || c.dtype === 'date') return c.values as Int32Array;
  const out = new Int32Array(n);
  if (c.dtype === 'bool') {
    const bits = c.values as Uint8Array;
    for (let i = 0; i < n; i++) out[i] = (bits[i >> 3] >> (i & 7)) & 1;
  } else {
    out.set(c.values.subarray(0, n) as Uint8Array);
  }
  return out;
}

/** Integer or date/time values as ordered int64 words (dates as their midnight in milliseconds). */
function integerWords(c: ScalarColumn): Words {
  const n = c.length;
  const v = c.values;
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  if (v instanceof BigInt64Array) orderedInt64Words(v, n, hi, lo);
  else {
    // Exact in a double: int32 and uint8 values, and days as milliseconds.
    const scale = c.dtype === 'date' ? DAY_MS : 1;
    for (let i = 0; i < n; i++) {
      const x = (v[i] as number) * scale;
      hi[i] = safeIntegerHi(x);
      lo[i] = safeIntegerLo(x);
    }
  }
  return { hi, lo };
}

/** Float values as ordered words: -0 and 0 are equal, and so are all NaNs. */
function floatWords(f: Float64Array): Words {
  const hi = new Uint32Array(f.length);
  const lo = new Uint32Array(f.length);
  orderedFloatWords(f, f.length, hi, lo);
  return { hi, lo };
}

/** Numeric values as float64 (no copy for float64). */
function asFloat64(c: ScalarColumn): Float64Array {
  const n = c.length;
  const v = c.values;
  if (v instanceof Float64Array) return v.length === n ? v : v.subarray(0, n);
  if (v instanceof BigInt64Array) return int64Numbers(v, n);
  const out = new Float64Array(n);
  out.set(v.subarray(0, n) as Float32Array);
  return out;
}

/** The values as int32 if every valid one is an int32 exactly (-0 becomes 0), else null. */
function int32IfExact(f: Float64Array, validity: Uint8Array | null, n: number): Int32Array | null {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    if (!isValid(validity, i)) continue;
    const x = f[i];
    if ((x | 0) !== x) return null;
    out[i] = x;
  }
  return out;
}

/** Probe values for int32 build keys: values that are not an int32 cannot match, so become null. */
function int32OrNoMatch(
  f: Float64Array,
  validity: Uint8Array | null,
  n: number,
): { values: Int32Array; validity: Uint8Array | null } {
  const values = new Int32Array(n);
  let out = validity;
  for (let i = 0; i < n; i++) {
    if (!isValid(validity, i)) continue;
    const x = f[i];
    if ((x | 0) === x) values[i] = x;
    else {
      // The caller's bitmap is copied before its first change.
      if (out === validity && validity !== null) out = validity.slice();
      out = markNull(out, n, i);
    }
  }
  return { values, validity: out };
}
