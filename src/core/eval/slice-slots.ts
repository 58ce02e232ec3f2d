/**
 * Where each row's metrics go when many slices are evaluated in one pass: a slot per slice of each
 * partition (a grouping column, each row in at most one of its slices) and a last slot for overall,
 * which every row is in.
 */
import { InvalidArgumentError } from '../errors.js';

/** Slots of the slices of several partitions of the same rows (see the file's comment). */
export interface SliceSlots {
  /** Per partition, each row's slice in it (`-1`: in none of its slices). */
  codes: readonly Int32Array[];
  /** Per partition, the slot of its slice 0 (slice `s` of partition `j` is `offsets[j] + s`). */
  offsets: Int32Array;
  /** Slots in all; the last, `total - 1`, is overall. */
  total: number;
}

/** The slots of partitions of `n` rows, each given as its rows' codes and its number of slices. */
export function sliceSlots(
  n: number,
  partitions: readonly { codes: Int32Array; slices: number }[],
): SliceSlots {
  const offsets = new Int32Array(partitions.length);
  let total = 0;
  partitions.forEach((p, j) => {
    if (p.codes.length !== n)
      throw new InvalidArgumentError(`slice codes of partition ${j} cover ${p.codes.length} rows, not ${n}`);
    for (let i = 0; i < n; i++)
      if (p.codes[i] >= p.slices)
        throw new InvalidArgumentError(`slice code ${p.codes[i]} at row ${i} is not below ${p.slices}`);
    offsets[j] = total;
    total += p.slices;
  });
  return { codes: partitions.map((p) => p.codes), offsets, total: total + 1 };
}
