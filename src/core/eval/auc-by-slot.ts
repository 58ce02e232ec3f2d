/**
 * ROC-AUC of many slices at once (see slice-slots.ts), one sort per score column for all of them:
 * a slot's rows are a subsequence of the sorted order, already in order, so one walk of the order
 * gives every slot's rank sums. Callers that evaluate the same scores again (the app's slices
 * panel) keep the orders (score-orders.ts), and what this module derives from an order and a set
 * of slots is kept with them, so asking again sorts and gathers nothing.
 */
import { InvalidArgumentError } from '../errors.js';
import { float32BitsOfOrderedWord } from '../frame/keys/normalize.js';
import { argsortFloat64 } from '../frame/sort.js';
import { sortFloat32Columns } from '../frame/sort-float32.js';
import { aucOfRanks, aucProblems, scoreColumn } from './roc-auc.js';
import { gatherRows } from './scores.js';
import type { SliceSlots } from './slice-slots.js';
import { type SlotCombos, slotCombos } from './slot-combos.js';

/**
 * Where the tied scores of an order are, found once per order: the walk then takes every row as
 * untied (a tight loop) and corrects the runs of ties after.
 */
interface ScoreTies {
  /** Runs of 2+ equal scores, as `[start, end)` pairs of positions in the order (before `firstNaN`). */
  runs: Int32Array;
  /** Where the NaN scores start (they sort last); the order's length when none is NaN. */
  firstNaN: number;
  /** Spot checks: positions in the order, and the scores there. */
  at: Int32Array;
  values: Float64Array;
}

/** Per score order made here, its ties (see {@link keptTies}). */
const TIES = new WeakMap<Int32Array, ScoreTies>();

/** Spot checks per order. */
const CHECKS = 64;

/**
 * The ascending order of the scores of each one-vs-rest problem of an `[n, k]` matrix (one for
 * k ≤ 2: the positive column), as {@link aucBySlot} walks them; callers that evaluate the same
 * scores again may keep them. `scores` may be a float32 matrix of the same values (a column's own).
 * Scores that are all float32 (probabilities mostly are) sort by a 32-bit key.
 */
export function scoreOrders(scores: Float64Array | Float32Array, k: number): Int32Array[] {
  const columns = aucProblems(k).map(([column]) => column);
  const narrow = scores instanceof Float32Array ? scores : float32Columns(scores, k, columns);
  if (narrow !== null)
    return sortFloat32Columns(narrow, k, columns).map(({ order, keys }) => {
      TIES.set(order, tiesOfKeys(keys));
      return order;
    });
  return columns.map((column) => {
    const values = scoreColumn(scores as Float64Array, k, column);
    const order = argsortFloat64(values);
    TIES.set(order, tiesOfValues(gatherRows(values, order)));
    return order;
  });
}

/** An `[n, k]` matrix as float32, if the values of `columns` are all float32 (or NaN); else null. */
function float32Columns(scores: Float64Array, k: number, columns: readonly number[]): Float32Array | null {
  const narrow = new Float32Array(scores);
  for (const column of columns)
    for (let i = column; i < scores.length; i += k)
      if (narrow[i] !== scores[i] && !Number.isNaN(scores[i])) return null;
  return narrow;
}

/** The ordered word of every NaN: the largest key (see `orderedFloat32Word`). */
const NAN_KEY = 0xffc00000;

/** The ties of sorted float32 keys (equal keys: equal scores; NaNs all one key, last). */
function tiesOfKeys(keys: Uint32Array): ScoreTies {
  let firstNaN = keys.length;
  while (firstNaN > 0 && keys[firstNaN - 1] === NAN_KEY) firstNaN--;
  const bits = new Uint32Array(1);
  const value = new Float32Array(bits.buffer);
  return withChecks(tieRuns(keys, firstNaN), firstNaN, keys.length, (i) => {
    bits[0] = float32BitsOfOrderedWord(keys[i]);
    return value[0];
  });
}

/** The ties of sorted float64 scores (NaNs last). */
function tiesOfValues(sorted: Float64Array): ScoreTies {
  let firstNaN = sorted.length;
  while (firstNaN > 0 && Number.isNaN(sorted[firstNaN - 1])) firstNaN--;
  return withChecks(tieRuns(sorted, firstNaN), firstNaN, sorted.length, (i) => sorted[i]);
}

/** The runs of 2+ equal values among the first `end` of sorted values, as `[start, end)` pairs. */
function tieRuns(sorted: Uint32Array | Float64Array, end: number): Int32Array {
  const runs = new RunList();
  for (let i = 1; i < end; i++)
    if (sorted[i] === sorted[i - 1]) {
      const start = i - 1;
      while (i + 1 < end && sorted[i + 1] === sorted[i]) i++;
      runs.add(start, i + 1);
    }
  return runs.done();
}

/** `[start, end)` pairs, growing. */
class RunList {
  private pairs = new Int32Array(256);
  private length = 0;

  add(start: number, end: number): void {
    if (this.length + 2 > this.pairs.length) {
      const grown = new Int32Array(2 * this.pairs.length);
      grown.set(this.pairs);
      this.pairs = grown;
    }
    this.pairs[this.length++] = start;
    this.pairs[this.length++] = end;
  }

  done(): Int32Array {
    return this.pairs.slice(0, this.length);
  }
}

/** Ties with their spot checks: {@link CHECKS} positions spread over the `n` rows, and the scores there. */
function withChecks(
  runs: Int32Array,
  firstNaN: number,
  n: number,
  valueAt: (i: number) => number,
): ScoreTies {
  const checks = Math.min(CHECKS, n);
  const at = Int32Array.from({ length: checks }, (_, t) => Math.floor((t * n) / checks));
  return { runs, firstNaN, at, values: Float64Array.from(at, valueAt) };
}

/**
 * The ties of `order`, kept when it was made here from these scores: an order stands for the
 * scores it was made from, and spot checks of its positions catch an order handed over with other
 * scores (their ties are then found again from the scores).
 */
function keptTies(order: Int32Array, scores: Float64Array, k: number, column: number): ScoreTies {
  const kept = TIES.get(order);
  if (kept !== undefined && kept.at.length === Math.min(CHECKS, order.length)) {
    let same = true;
    for (let t = 0; t < kept.at.length && same; t++) {
      const v = scores[order[kept.at[t]] * k + column];
      const w = kept.values[t];
      same = v === w || (Number.isNaN(v) && Number.isNaN(w));
    }
    if (same) return kept;
  }
  const ties = tiesOfValues(scoreColumn(scores, k, column, order));
  TIES.set(order, ties);
  return ties;
}

/**
 * Per truth, the slot combos of its rows last made, and the slots they were made for. The slices
 * panel asks for the same kept label codes and kept partitions (see slice-metrics.ts) again and
 * again; arrays it hands over are never written, so the same arrays make the same combos.
 */
const KEPT_COMBOS = new WeakMap<Int32Array, { slots: SliceSlots; combos: SlotCombos }>();

function keptCombos(truth: Int32Array, slots: SliceSlots): SlotCombos {
  const kept = KEPT_COMBOS.get(truth);
  if (kept !== undefined && sameSlots(kept.slots, slots)) return kept.combos;
  const combos = slotCombos(truth, slots);
  KEPT_COMBOS.set(truth, { slots, combos });
  return combos;
}

/** Whether two slot sets are of the same code arrays (the same objects) and slot offsets. */
function sameSlots(a: SliceSlots, b: SliceSlots): boolean {
  if (a.total !== b.total || a.codes.length !== b.codes.length) return false;
  for (let j = 0; j < a.codes.length; j++)
    if (a.codes[j] !== b.codes[j] || a.offsets[j] !== b.offsets[j]) return false;
  return true;
}

/** Per score order, the combo codes of its rows in that order, and the codes they came from. */
const GATHERED_COMBOS = new WeakMap<Int32Array, { from: SlotCombos['codes']; at: SlotCombos['codes'] }>();

/**
 * Macro one-vs-rest AUC (binary for k ≤ 2) of every slot of `slots` (see the file's comment). Each
 * slot's AUC equals `rocAucOfCodes` of its rows alone: rank sums are sums of half-integers, exact
 * in any order. `orders`: the {@link scoreOrders} of these rows, when the caller keeps them.
 */
export function aucBySlot(
  truth: Int32Array,
  scores: Float64Array,
  k: number,
  slots: SliceSlots,
  /** Rows per slot (the confusion counts' sums). */
  rows: Int32Array,
  orders: readonly Int32Array[] = scoreOrders(scores, k),
): Float64Array {
  const n = truth.length;
  const { codes, offsets, total } = slots;
  const sum = new Float64Array(total);
  const defined = new Int32Array(total);
  const sums: RankSums = {
    overall: total - 1,
    seen: new Float64Array(total),
    rankSum: new Float64Array(total),
    positives: new Float64Array(total),
    nan: new Uint8Array(total),
    runRows: new Float64Array(total),
    runPositives: new Float64Array(total),
    runRankSum: new Float64Array(total),
    touched: new Int32Array(total),
  };
  // The walk reads rows in score order: gathering what it reads into arrays in that order first,
  // from arrays as small as they can be (random reads of big arrays are what it waits on), leaves
  // the walk itself sequential.
  const combos = keptCombos(truth, slots);
  const { packed } = combos;
  const positiveOf = new Uint8Array(combos.size);
  const slotAt = codes.slice(packed).map(() => new Int32Array(n));
  for (const [problem, [column, positive]] of aucProblems(k).entries()) {
    const order = orders[problem];
    if (order.length !== n) throw new InvalidArgumentError(`a score order of ${order.length} rows, not ${n}`);
    const ties = keptTies(order, scores, k, column);
    const gathered = GATHERED_COMBOS.get(order);
    let comboAt: SlotCombos['codes'];
    if (gathered !== undefined && gathered.from === combos.codes) comboAt = gathered.at;
    else {
      comboAt = gatherCodes(combos.codes, order);
      GATHERED_COMBOS.set(order, { from: combos.codes, at: comboAt });
    }
    for (let j = 0; j < slotAt.length; j++)
      gatherSlots(codes[packed + j], offsets[packed + j], order, slotAt[j]);
    for (let c = 0; c < combos.size; c++) positiveOf[c] = combos.classOf[c] === positive ? 1 : 0;
    const walk: Walk = { comboAt, positiveOf, combos, slotAt };
    walkUntied(walk, ties.firstNaN, sums);
    correctTies(walk, ties.runs, sums);
    markNaN(walk, ties.firstNaN, sums);
    for (let slot = 0; slot < total; slot++) {
      const auc = aucOfRanks(sums.rankSum[slot], sums.positives[slot], rows[slot], sums.nan[slot] === 1);
      if (!Number.isNaN(auc)) {
        sum[slot] += auc;
        defined[slot]++;
      }
    }
  }
  return Float64Array.from(sum, (s, slot) => (defined[slot] === 0 ? Number.NaN : s / defined[slot]));
}

/**
 * `codes` in the order `order`. A function of its own, as the walks are: it runs once per
 * one-vs-rest problem, compiled whole after the first.
 */
function gatherCodes(codes: SlotCombos['codes'], order: Int32Array): SlotCombos['codes'] {
  // As small as the codes: the walks read them back.
  const out = new (codes.constructor as Uint8ArrayConstructor)(order.length);
  for (let i = 0; i < order.length; i++) out[i] = codes[order[i]];
  return out;
}

/** The slots (`offset` + slice, -1 for none) of a partition's slice codes, in the order `order`, into `out`. */
function gatherSlots(codes: Int32Array, offset: number, order: Int32Array, out: Int32Array): void {
  for (let i = 0; i < order.length; i++) {
    const s = codes[order[i]];
    out[i] = s < 0 ? -1 : offset + s;
  }
}

/** What a walk of one score order reads, in that order. */
interface Walk {
  /** Per position, its row's combo code. */
  comboAt: SlotCombos['codes'];
  /** Per combo code, 1 if its class is this problem's positive class. */
  positiveOf: Uint8Array;
  combos: SlotCombos;
  /** Per partition not packed in the combos, each position's slot (-1: none). */
  slotAt: readonly Int32Array[];
}

/** Per slot, what the walks of score orders sum; `overall` is the last slot. */
interface RankSums {
  overall: number;
  seen: Float64Array;
  rankSum: Float64Array;
  positives: Float64Array;
  nan: Uint8Array;
  /** Per slot, scratch of a run of ties: its rows, positives and their summed untied ranks. */
  runRows: Float64Array;
  runPositives: Float64Array;
  runRankSum: Float64Array;
  touched: Int32Array;
}

/**
 * The rank sums and positives of every slot over positions [0, `end`), as if no two scores tied:
 * a row's rank in a slot is one past the slot's rows before it. No branch on ties or NaNs, which
 * a compiled walk would meet first after it was compiled (and stop there) — correctTies and
 * markNaN see to them. The functions run once per one-vs-rest problem, compiled whole after the first.
 */
function walkUntied(walk: Walk, end: number, sums: RankSums): void {
  const { comboAt, positiveOf, combos, slotAt } = walk;
  const { packed, slotsOf } = combos;
  const { overall, seen, rankSum, positives } = sums;
  seen.fill(0);
  rankSum.fill(0);
  positives.fill(0);
  // Overall holds every row: a row's rank in it is its position. Its sums stay in locals, added
  // once at the end; they start as float64 (-0), as a sum past 2^31 would stop the compiled walk.
  let overallRankSum = -0;
  let overallPositives = -0;
  for (let i = 0; i < end; i++) {
    // Branch-free: a negative row adds 0 to the sums (exact), where a branch would mispredict.
    const combo = comboAt[i];
    const p = positiveOf[combo];
    overallRankSum += p * (i + 1);
    overallPositives += p;
    for (let j = -packed; j < slotAt.length; j++) {
      const slot = j < 0 ? slotsOf[combo * packed + packed + j] : slotAt[j][i];
      if (slot < 0) continue;
      rankSum[slot] += p * ++seen[slot];
      positives[slot] += p;
    }
  }
  rankSum[overall] += overallRankSum;
  positives[overall] += overallPositives;
}

/**
 * Tied scores share the mean of the ranks they take: per run of ties `[start, end)` and slot, the
 * walk gave the slot's m members of the run the ranks s+1 .. s+m in turn, where each should have
 * s + (m+1)/2. The difference for the run's positives is added to the slot's rank sum (all sums
 * of half-integers: exact).
 */
function correctTies(walk: Walk, runs: Int32Array, sums: RankSums): void {
  const { comboAt, positiveOf, combos, slotAt } = walk;
  const { packed, slotsOf } = combos;
  const { overall, rankSum, runRows, runPositives, runRankSum, touched } = sums;
  for (let r = 0; r < runs.length; r += 2) {
    let touchedCount = 0;
    for (let i = runs[r]; i < runs[r + 1]; i++) {
      const combo = comboAt[i];
      const p = positiveOf[combo];
      for (let j = -1 - packed; j < slotAt.length; j++) {
        const slot =
          j === -1 - packed ? overall : j < 0 ? slotsOf[combo * packed + packed + j] : slotAt[j][i];
        if (slot < 0) continue;
        if (runRows[slot] === 0) touched[touchedCount++] = slot;
        runRankSum[slot] += p * ++runRows[slot];
        runPositives[slot] += p;
      }
    }
    for (let t = 0; t < touchedCount; t++) {
      const slot = touched[t];
      rankSum[slot] += (runPositives[slot] * (runRows[slot] + 1)) / 2 - runRankSum[slot];
      runRows[slot] = 0;
      runPositives[slot] = 0;
      runRankSum[slot] = 0;
    }
  }
}

/** A NaN score (from `from` on: they sort last) leaves the AUC of each of its row's slots undefined. */
function markNaN(walk: Walk, from: number, sums: RankSums): void {
  const { comboAt, combos, slotAt } = walk;
  const { packed, slotsOf } = combos;
  const { overall, nan } = sums;
  nan.fill(0);
  for (let i = from; i < comboAt.length; i++) {
    nan[overall] = 1;
    const combo = comboAt[i];
    for (let j = 0; j < packed; j++)
      if (slotsOf[combo * packed + j] >= 0) nan[slotsOf[combo * packed + j]] = 1;
    for (let j = 0; j < slotAt.length; j++) if (slotAt[j][i] >= 0) nan[slotAt[j][i]] = 1;
  }
}
