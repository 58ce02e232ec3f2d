/**
 * Area under the ROC curve: binary, and one-vs-rest per class with a macro average. Computed from
 * ranks (the Mann–Whitney U statistic): the chance that a random positive scores above a random
 * negative, ties counting one half, which average ranks give exactly.
 */
import { InvalidArgumentError } from '../errors.js';
import { argsortFloat64 } from '../frame/sort.js';
import { sortFloat32Columns } from '../frame/sort-float32.js';
import type { LabelsInput } from './labels.js';
import { labelsWithScores, type ScoreClassOptions, type ScoresInput } from './scores.js';
import type { SliceSlots } from './slice-slots.js';
import { type SlotCombos, slotCombos } from './slot-combos.js';

/** Options of {@link rocAuc}. */
export interface RocAucOptions extends ScoreClassOptions {
  /** `macro` (default): one number; `none`: one AUC per class (one-vs-rest), NaN where undefined. */
  average?: 'macro' | 'none';
}

/**
 * Binary AUC of the scores `scores[offset + i * stride]` against `isPositive[i]` (1 = positive).
 * NaN when there are no positives or no negatives, or a score is NaN.
 */
export function binaryAuc(isPositive: Uint8Array, scores: Float64Array, stride = 1, offset = 0): number {
  const n = isPositive.length;
  const values = new Float64Array(n);
  let positives = 0;
  for (let i = 0; i < n; i++) {
    const v = scores[offset + i * stride];
    if (Number.isNaN(v)) return Number.NaN;
    values[i] = v;
    positives += isPositive[i];
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  const order = argsortFloat64(values);
  // Walk runs of equal scores: every member of a run gets the run's mean rank (1-based).
  let rankSum = 0;
  for (let start = 0; start < n; ) {
    let end = start + 1;
    while (end < n && values[order[end]] === values[order[start]]) end++;
    const meanRank = (start + 1 + end) / 2;
    for (let r = start; r < end; r++) if (isPositive[order[r]]) rankSum += meanRank;
    start = end;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Per-class one-vs-rest AUC from class codes and an `[n, k]` score matrix (k = 1: binary). */
export function aucPerClass(truth: Int32Array, scores: Float64Array, k: number): Float64Array {
  const n = truth.length;
  const isPositive = new Uint8Array(n);
  if (k === 1 || k === 2) {
    // Binary: one AUC, of the positive class (code 1), from its score column.
    for (let i = 0; i < n; i++) isPositive[i] = truth[i] === 1 ? 1 : 0;
    return Float64Array.of(binaryAuc(isPositive, scores, k, k - 1));
  }
  const out = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    for (let i = 0; i < n; i++) isPositive[i] = truth[i] === c ? 1 : 0;
    out[c] = binaryAuc(isPositive, scores, k, c);
  }
  return out;
}

/** Mean of the values that are not NaN (NaN when none is). */
export function nanMean(values: Float64Array): number {
  let sum = 0;
  let count = 0;
  for (const v of values)
    if (!Number.isNaN(v)) {
      sum += v;
      count++;
    }
  return count === 0 ? Number.NaN : sum / count;
}

/** Macro one-vs-rest AUC (binary AUC for one or two score columns) from class codes. */
export function rocAucOfCodes(truth: Int32Array, scores: Float64Array, k: number): number {
  return nanMean(aucPerClass(truth, scores, k));
}

/** The one-vs-rest problems of `k` score columns: `[column, positive class]` each (one for k ≤ 2). */
function aucProblems(k: number): [number, number][] {
  return k === 1 || k === 2 ? [[k - 1, 1]] : Array.from({ length: k }, (_, c) => [c, c] as [number, number]);
}

/** One column of an `[n, k]` matrix at the rows `rows` (all rows when undefined). */
function scoreColumn(scores: Float64Array, k: number, column: number, rows?: Int32Array): Float64Array {
  const n = rows?.length ?? scores.length / k;
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) out[r] = scores[(rows === undefined ? r : rows[r]) * k + column];
  return out;
}

/** The order of a sort, its sorted scores kept with it. */
function keptOrder({ order, sorted }: { order: Int32Array; sorted: Float64Array }): Int32Array {
  SORTED_SCORES.set(order, sorted);
  return order;
}

/**
 * The ascending order of the scores of each one-vs-rest problem of an `[n, k]` matrix (one for
 * k ≤ 2: the positive column), as {@link aucBySlot} walks them; callers that evaluate the same
 * scores again may keep them. `scores` may be a float32 matrix of the same values (a column's own).
 * Scores that are all float32 (probabilities mostly are) sort by a 32-bit key, which leaves them in
 * that order: they are kept with the order (see {@link SORTED_SCORES}), so a walk of it gathers no scores.
 */
export function scoreOrders(scores: Float64Array | Float32Array, k: number): Int32Array[] {
  const columns = aucProblems(k).map(([column]) => column);
  const narrow = scores instanceof Float32Array ? scores : float32Columns(scores, k, columns);
  if (narrow !== null) return sortFloat32Columns(narrow, k, columns).map(keptOrder);
  return columns.map((column) => argsortFloat64(scoreColumn(scores as Float64Array, k, column)));
}

/** An `[n, k]` matrix as float32, if the values of `columns` are all float32 (or NaN); else null. */
function float32Columns(scores: Float64Array, k: number, columns: readonly number[]): Float32Array | null {
  const narrow = new Float32Array(scores);
  for (const column of columns)
    for (let i = column; i < scores.length; i += k)
      if (narrow[i] !== scores[i] && !Number.isNaN(scores[i])) return null;
  return narrow;
}

/** Binary AUC from rank sums (NaN for no positive, no negative, or a NaN score). */
function aucOfRanks(rankSum: number, positives: number, rows: number, nan: boolean): number {
  const negatives = rows - positives;
  if (nan || positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Per score order, the scores it orders, in that order. Callers that evaluate the same scores again
 * keep their orders (score-orders.ts keeps a column's), so a walk of a kept order gathers no scores.
 */
const SORTED_SCORES = new WeakMap<Int32Array, Float64Array>();

/**
 * The kept scores of `order`, if they are this column's: an order stands for the scores it was
 * made from, and spot checks of its positions catch an order handed over with other scores.
 */
function keptScores(order: Int32Array, scores: Float64Array, k: number, column: number): Float64Array | null {
  const kept = SORTED_SCORES.get(order);
  if (kept === undefined || kept.length !== order.length) return null;
  const n = order.length;
  for (let t = 0; t < 64 && t < n; t++) {
    const i = Math.floor((t * n) / Math.min(64, n));
    const v = scores[order[i] * k + column];
    if (!Object.is(kept[i], v) && !(Number.isNaN(kept[i]) && Number.isNaN(v))) return null;
  }
  return kept;
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

/** Per kept score order, the combo codes of its rows in that order, and the codes they came from. */
const GATHERED_COMBOS = new WeakMap<Int32Array, { from: SlotCombos['codes']; at: Int32Array }>();

/**
 * Macro one-vs-rest AUC (binary for k ≤ 2) of every slot of `slots`, with one sort per score column
 * for all of them: a slot's rows are a subsequence of the sorted order, already in order, and a run
 * of tied scores in it is the slot's share of a run of the whole order. Each slot's AUC equals
 * {@link rocAucOfCodes} of its rows alone (rank sums are sums of half-integers: exact). `orders`:
 * the {@link scoreOrders} of these rows, when the caller keeps them.
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
  const overall = total - 1;
  const sum = new Float64Array(total);
  const defined = new Int32Array(total);
  const seen = new Float64Array(total);
  const rankSum = new Float64Array(total);
  const positives = new Float64Array(total);
  const nan = new Uint8Array(total);
  const runRows = new Float64Array(total);
  const runPositives = new Float64Array(total);
  const touched = new Int32Array(total);
  const sums: RankSums = { overall, seen, rankSum, positives, nan, runRows, runPositives, touched };
  // The walk reads rows in score order: gathering what it reads into arrays in that order first,
  // from arrays as small as they can be (random reads of big arrays are what it waits on), leaves
  // the walk itself sequential.
  const combos = keptCombos(truth, slots);
  const { packed } = combos;
  const positiveOf = new Uint8Array(combos.size);
  // Per row, its score as a float32 and its code side by side: one cache line for both.
  let pairs: Uint32Array | null = null;
  let pairScores: Float32Array | null = null;
  let column64: Float64Array | null = null;
  const slotAt = codes.slice(packed).map(() => new Int32Array(n));
  for (const [problem, [column, positive]] of aucProblems(k).entries()) {
    const order = orders[problem];
    if (order.length !== n) throw new InvalidArgumentError(`a score order of ${order.length} rows, not ${n}`);
    let value = keptScores(order, scores, k, column);
    let comboAt: Int32Array;
    if (value !== null) {
      // The scores in this order are kept from an earlier walk of it: only the codes to gather,
      // unless they were gathered from these codes before.
      const gathered = GATHERED_COMBOS.get(order);
      if (gathered !== undefined && gathered.from === combos.codes) comboAt = gathered.at;
      else {
        comboAt = gatherCodes(combos.codes, order);
        GATHERED_COMBOS.set(order, { from: combos.codes, at: comboAt });
      }
    } else {
      comboAt = new Int32Array(n);
      value = new Float64Array(n);
      pairs ??= new Uint32Array(2 * n);
      pairScores ??= new Float32Array(pairs.buffer);
      let narrow = true;
      for (let i = 0; i < n; i++) {
        const v = scores[i * k + column];
        pairScores[2 * i] = v;
        pairs[2 * i + 1] = combos.codes[i];
        if (pairScores[2 * i] !== v && !Number.isNaN(v)) narrow = false;
      }
      if (narrow)
        for (let i = 0; i < n; i++) {
          const at = 2 * order[i];
          value[i] = pairScores[at];
          comboAt[i] = pairs[at + 1];
        }
      else {
        column64 ??= new Float64Array(n);
        for (let i = 0; i < n; i++) column64[i] = scores[i * k + column];
        for (let i = 0; i < n; i++) value[i] = column64[order[i]];
        for (let i = 0; i < n; i++) comboAt[i] = combos.codes[order[i]];
      }
      SORTED_SCORES.set(order, value);
    }
    for (let j = 0; j < slotAt.length; j++)
      gatherSlots(codes[packed + j], offsets[packed + j], order, slotAt[j]);
    for (let c = 0; c < combos.size; c++) positiveOf[c] = combos.classOf[c] === positive ? 1 : 0;
    walkRanks(value, comboAt, positiveOf, combos, slotAt, sums);
    for (let slot = 0; slot < total; slot++) {
      const auc = aucOfRanks(rankSum[slot], positives[slot], rows[slot], nan[slot] === 1);
      if (!Number.isNaN(auc)) {
        sum[slot] += auc;
        defined[slot]++;
      }
    }
  }
  return Float64Array.from(sum, (s, slot) => (defined[slot] === 0 ? Number.NaN : s / defined[slot]));
}

/**
 * `codes` in the order `order`. A function of its own, as {@link walkRanks} is: it runs once per
 * one-vs-rest problem, compiled whole after the first.
 */
function gatherCodes(codes: SlotCombos['codes'], order: Int32Array): Int32Array {
  const out = new Int32Array(order.length);
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

/** Per slot, what the walks of score orders sum (see {@link aucBySlot}); `overall` is the last slot. */
interface RankSums {
  overall: number;
  seen: Float64Array;
  rankSum: Float64Array;
  positives: Float64Array;
  nan: Uint8Array;
  runRows: Float64Array;
  runPositives: Float64Array;
  touched: Int32Array;
}

/**
 * One walk of a score order (`value`: the scores in it, `comboAt`: each row's combo code), its
 * rank sums and positives per slot into `sums` (cleared first). A function of its own: it runs
 * once per one-vs-rest problem, so it is compiled as a whole after the first, where a walk inline
 * in {@link aucBySlot} would wait for on-stack replacement on every request.
 */
function walkRanks(
  value: Float64Array,
  comboAt: Int32Array,
  positiveOf: Uint8Array,
  combos: SlotCombos,
  slotAt: readonly Int32Array[],
  sums: RankSums,
): void {
  const n = value.length;
  const { packed, slotsOf } = combos;
  const { overall, seen, rankSum, positives, nan, runRows, runPositives, touched } = sums;
  seen.fill(0);
  rankSum.fill(0);
  positives.fill(0);
  nan.fill(0);
  // Overall holds every row: a row's rank in it is its position, no count to keep. Its sums of
  // untied rows stay in locals, added once at the end (rank sums are exact in any order).
  let overallRankSum = 0;
  let overallPositives = 0;
  for (let start = 0; start < n; ) {
    const v = value[start];
    let end = start + 1;
    while (end < n && value[end] === v) end++;
    const combo = comboAt[start];
    if (Number.isNaN(v)) {
      nan[overall] = 1;
      for (let j = 0; j < packed; j++)
        if (slotsOf[combo * packed + j] >= 0) nan[slotsOf[combo * packed + j]] = 1;
      for (let j = 0; j < slotAt.length; j++) if (slotAt[j][start] >= 0) nan[slotAt[j][start]] = 1;
    } else if (end === start + 1) {
      // A score of its own: its rank in a slot is one past the slot's rows so far.
      // Branch-free: a negative row adds 0 to the sums (exact), where a branch would mispredict.
      const p = positiveOf[combo];
      overallRankSum += p * (start + 1);
      overallPositives += p;
      for (let j = -packed; j < slotAt.length; j++) {
        const slot = j < 0 ? slotsOf[combo * packed + packed + j] : slotAt[j][start];
        if (slot < 0) continue;
        rankSum[slot] += p * ++seen[slot];
        positives[slot] += p;
      }
    } else {
      // Tied scores: each slot's members share the mean of the ranks they take in it.
      seen[overall] = start;
      let touchedCount = 0;
      for (let r = start; r < end; r++) {
        const rowCombo = comboAt[r];
        const isPositive = positiveOf[rowCombo];
        for (let j = -1 - packed; j < slotAt.length; j++) {
          const slot =
            j === -1 - packed ? overall : j < 0 ? slotsOf[rowCombo * packed + packed + j] : slotAt[j][r];
          if (slot < 0) continue;
          if (runRows[slot] === 0) touched[touchedCount++] = slot;
          runRows[slot]++;
          runPositives[slot] += isPositive;
        }
      }
      for (let t = 0; t < touchedCount; t++) {
        const slot = touched[t];
        rankSum[slot] += runPositives[slot] * (seen[slot] + (runRows[slot] + 1) / 2);
        positives[slot] += runPositives[slot];
        seen[slot] += runRows[slot];
        runRows[slot] = 0;
        runPositives[slot] = 0;
      }
    }
    start = end;
  }
  rankSum[overall] += overallRankSum;
  positives[overall] += overallPositives;
}

/**
 * Macro AUC of bootstrap resamples of the rows `rows`: sort them once per score column, then
 * score each resample by walking that order with each row weighted by how often the resample drew
 * it. `resampleAuc(picks)` (positions into `rows`) equals {@link rocAucOfCodes} of the resampled
 * rows, at a walk per resample instead of a sort.
 */
export function resampledAuc(
  truth: Int32Array,
  scores: Float64Array,
  k: number,
  rows: Int32Array,
): (picks: Int32Array) => number {
  const m = rows.length;
  // Per problem, what a walk reads laid out in score order once: the order, the positives in it,
  // and where each run of tied scores starts (none when no two scores tie).
  const problems = aucProblems(k).map(([column, positive]) => {
    const values = scoreColumn(scores, k, column, rows);
    const order = argsortFloat64(values);
    const isPositive = new Uint8Array(m);
    const starts: number[] = [];
    let firstNaN = m;
    for (let r = 0; r < m; r++) {
      const row = order[r];
      isPositive[r] = truth[rows[row]] === positive ? 1 : 0;
      const v = values[row];
      if (r === 0 || v !== values[order[r - 1]]) starts.push(r);
      if (Number.isNaN(v) && firstNaN === m) firstNaN = r;
    }
    const tied = starts.length < m;
    starts.push(m);
    return { order, isPositive, runStarts: tied ? Int32Array.from(starts) : null, firstNaN };
  });
  const weight = new Int32Array(m);
  return (picks) => {
    let sum = 0;
    let defined = 0;
    weight.fill(0);
    for (let i = 0; i < picks.length; i++) weight[picks[i]]++;
    for (const { order, isPositive, runStarts, firstNaN } of problems) {
      let seen = 0;
      let rankSum = 0;
      let positives = 0;
      // A run no draw hit adds 0 to every sum (exactly), so the walks need not branch on it.
      if (runStarts === null)
        for (let r = 0; r < m; r++) {
          const w = weight[order[r]];
          const runPositives = w * isPositive[r];
          rankSum += runPositives * (seen + (w + 1) / 2);
          positives += runPositives;
          seen += w;
        }
      else
        for (let run = 0; run + 1 < runStarts.length; run++) {
          let runRows = 0;
          let runPositives = 0;
          for (let r = runStarts[run]; r < runStarts[run + 1]; r++) {
            const w = weight[order[r]];
            runRows += w;
            runPositives += w * isPositive[r];
          }
          rankSum += runPositives * (seen + (runRows + 1) / 2);
          positives += runPositives;
          seen += runRows;
        }
      // NaN scores sort last: a draw of one makes the AUC undefined.
      let nan = false;
      for (let r = firstNaN; r < m; r++) if (weight[order[r]] > 0) nan = true;
      const auc = aucOfRanks(rankSum, positives, picks.length, nan);
      if (!Number.isNaN(auc)) {
        sum += auc;
        defined++;
      }
    }
    return defined === 0 ? Number.NaN : sum / defined;
  };
}

/**
 * ROC-AUC. With one score per row (or two columns, of which the second is used), the binary AUC of
 * the positive class; with `k ≥ 3` score columns, the one-vs-rest AUC of each class and their
 * unweighted (macro) mean. A class with no positive or no negative rows has no AUC and is left out
 * of the mean (scikit-learn raises instead). Tied scores count one half.
 *
 * ```ts
 * rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]); // 0.75
 * rocAuc(df.column('label'), df.column('probs')); // tensor column [k]: macro one-vs-rest
 * ```
 */
export function rocAuc(
  truth: LabelsInput,
  scores: ScoresInput,
  options?: RocAucOptions & { average?: 'macro' },
): number;
export function rocAuc(
  truth: LabelsInput,
  scores: ScoresInput,
  options: RocAucOptions & { average: 'none' },
): Float64Array;
export function rocAuc(
  truth: LabelsInput,
  scores: ScoresInput,
  options: RocAucOptions = {},
): number | Float64Array {
  const enc = labelsWithScores(truth, scores, options);
  const per = aucPerClass(enc.truth, enc.scores, enc.k);
  return options.average === 'none' ? per : nanMean(per);
}
