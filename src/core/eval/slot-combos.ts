/**
 * Each row's class and its slice slots (see slice-slots.ts) packed into one small code. A walk
 * over the rows in another order than theirs (ROC-AUC's score order) then gathers one array of
 * 8- or 16-bit codes, not the class and every partition's slice codes apart: random reads of big arrays
 * are what such a walk waits on. A table turns a code back into its class and slots. Partitions
 * whose slices would make more codes than 16 bits hold stay apart (gathered as they are).
 */
import type { SliceSlots } from './slice-slots.js';

/** The packed codes of some rows (see the file's comment). */
export interface SlotCombos {
  /** Per row, its code (8 bits when they hold every code, else 16 but for more classes than 16 bits hold). */
  codes: Uint8Array | Uint16Array | Int32Array;
  /** Codes in all (the tables' length). */
  size: number;
  /** Per code, the row's class. */
  classOf: Int32Array;
  /** The partitions packed: the first `packed` of `slots.codes`. */
  packed: number;
  /** Per code, its slot in each packed partition (-1: none), `[size, packed]` row-major. */
  slotsOf: Int32Array;
}

/** Most codes: what a Uint16Array holds. */
const MAX_CODES = 1 << 16;

/** Pack the class (`truth`, integers) and the slots of each row (see the file's comment). */
export function slotCombos(truth: Int32Array, slots: SliceSlots): SlotCombos {
  const n = truth.length;
  let min = 0;
  let max = 0;
  for (let i = 0; i < n; i++) {
    const t = truth[i];
    if (i === 0 || t < min) min = t;
    if (i === 0 || t > max) max = t;
  }
  const classes = max - min + 1;
  // radix[j]: what slice s of packed partition j adds to a code (its slice + 1, 0 for none).
  const radix: number[] = [];
  let size = classes;
  for (let j = 0; j < slots.codes.length; j++) {
    const slices = (j + 1 < slots.offsets.length ? slots.offsets[j + 1] : slots.total - 1) - slots.offsets[j];
    if (size * (slices + 1) > MAX_CODES) break;
    radix.push(size);
    size *= slices + 1;
  }
  const packed = radix.length;
  // The smallest codes that hold them: the walk's random reads of them miss the cache less.
  const codes = size > MAX_CODES ? new Int32Array(n) : size > 256 ? new Uint16Array(n) : new Uint8Array(n);
  for (let i = 0; i < n; i++) codes[i] = truth[i] - min;
  for (let j = 0; j < packed; j++) {
    const slice = slots.codes[j];
    const r = radix[j];
    for (let i = 0; i < n; i++) codes[i] += (slice[i] + 1) * r;
  }
  const classOf = new Int32Array(size);
  const slotsOf = new Int32Array(size * packed);
  for (let c = 0; c < size; c++) {
    classOf[c] = (c % classes) + min;
    for (let j = 0; j < packed; j++) {
      const slices = (j + 1 < packed ? radix[j + 1] : size) / radix[j];
      const s = (Math.floor(c / radix[j]) % slices) - 1;
      slotsOf[c * packed + j] = s < 0 ? -1 : slots.offsets[j] + s;
    }
  }
  return { codes, size, classOf, packed, slotsOf };
}
