/**
 * Reading model scores (probabilities, logits, decision values) as an `[n, k]` matrix, and pairing
 * them with true labels: which class each score column stands for.
 */
import { Column } from '../column/column.js';
import { ScalarColumn } from '../column/scalar.js';
import { TensorColumn } from '../column/tensor.js';
import { formatType } from '../column/types.js';
import { InvalidArgumentError, LengthMismatchError, TypeMismatchError } from '../errors.js';
import { keptFloat64Values } from './column-reads.js';
import {
  encodeLabelInputs,
  encodeLabels,
  intLabels,
  type Label,
  type LabelsInput,
  labelValues,
} from './labels.js';

/**
 * Scores, one row per example: a tensor column of shape `[k]` (or `[]`/`[1]` for one score per
 * row), a numeric scalar column (one score per row), an array of rows, or a flat typed array of
 * `n × k` values, row-major.
 */
export type ScoresInput = Column | ArrayLike<number> | ArrayLike<ArrayLike<number>>;

/** Scores as a dense row-major float64 matrix. */
export interface ScoreMatrix {
  /** `n × k` values, row-major. */
  data: Float64Array;
  n: number;
  /** Scores per row (1 for a single score, e.g. the positive class's probability). */
  k: number;
  /** Per row, whether it is missing (a null row); null when none is. */
  missing: Uint8Array | null;
}

/**
 * Read scores as an `[n, k]` matrix. `n` is the number of rows expected (from the labels); a flat
 * typed array of length `n × k` is split into rows of `k`; pass `n` undefined to take the rows from
 * the input (a flat array is then one score per row).
 */
export function readScores(input: ScoresInput, n?: number, what = 'scores'): ScoreMatrix {
  let out: ScoreMatrix;
  if (input instanceof TensorColumn) {
    if (input.data instanceof BigInt64Array)
      throw new TypeMismatchError(
        `${what} must hold numbers; ${formatType(input.type)} holds bigints (convert it to a float tensor first)`,
      );
    const k = input.rowSize;
    // Kept per column (column-reads.ts): callers read scores, never write them.
    const data = keptFloat64Values(input);
    let missing: Uint8Array | null = null;
    if (input.nullCount > 0) {
      missing = new Uint8Array(input.length);
      for (let i = 0; i < input.length; i++) missing[i] = input.isNull(i) ? 1 : 0;
    }
    out = { data, n: input.length, k, missing };
  } else if (input instanceof Column) {
    if (!(input instanceof ScalarColumn) || input.dtype === 'string')
      throw new TypeMismatchError(
        `${what} must be a tensor column or a numeric scalar column, not ${formatType(input.type)}`,
      );
    const data = new Float64Array(input.length);
    let missing: Uint8Array | null = null;
    for (let i = 0; i < input.length; i++) {
      if (input.isNull(i)) {
        missing ??= new Uint8Array(input.length);
        missing[i] = 1;
      } else data[i] = input.numberAt(i);
    }
    out = { data, n: input.length, k: 1, missing };
  } else if (input.length > 0 && typeof input[0] === 'object' && input[0] !== null) {
    const rows = input as ArrayLike<ArrayLike<number>>;
    const k = rows[0].length;
    const data = new Float64Array(rows.length * k);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (r === null || typeof r !== 'object' || r.length !== k)
        throw new LengthMismatchError(`${what}[${i}] is not a row of ${k} numbers like ${what}[0]`);
      for (let j = 0; j < k; j++) data[i * k + j] = r[j];
    }
    out = { data, n: rows.length, k, missing: null };
  } else {
    const flat = input as ArrayLike<number>;
    const rows = n ?? flat.length;
    if (rows === 0 ? flat.length !== 0 : flat.length % rows !== 0)
      throw new LengthMismatchError(
        `${what} hold ${flat.length} values, not a whole number of scores for each of ${rows} rows`,
      );
    const data = Float64Array.from(flat);
    out = { data, n: rows, k: rows === 0 ? 1 : flat.length / rows, missing: null };
  }
  if (n !== undefined && out.n !== n)
    throw new LengthMismatchError(`${what} have ${out.n} rows but the labels have ${n}`);
  if (out.k === 0) throw new InvalidArgumentError(`${what} have no values per row`);
  return out;
}

/** Options that say which class each score column stands for. */
export interface ScoreClassOptions {
  /**
   * The class of each score column, in column order. Default: `0 .. k-1` for integer labels,
   * `[false, true]` for booleans; string labels need it. For a single score per row, the classes
   * are `[negative, positive]`.
   */
  classes?: readonly Label[];
  /**
   * For a single score per row: the positive class (the score is its probability or decision
   * value); every other label is negative. Default: 1, or true.
   */
  positive?: Label;
}

/** True labels encoded against score columns, with the scores of the kept rows. */
export interface LabelsWithScores {
  /** Classes in code order (for one score per row: `[negative, positive]`). */
  classes: Label[];
  /** Per kept row, the code of its true class. */
  truth: Int32Array;
  /** Scores of the kept rows, `[rows.length, k]`. */
  scores: Float64Array;
  /** Score columns (1 for a single score per row). */
  k: number;
  /** Positions of the kept rows in the inputs (label and scores present). */
  rows: Int32Array;
}

/** Pair true labels with score columns; rows with a missing label or score row are left out. */
export function labelsWithScores(
  truthInput: LabelsInput,
  scoresInput: ScoresInput,
  options: ScoreClassOptions = {},
): LabelsWithScores {
  const s = readScores(scoresInput, truthInput.length);
  const ints = intLabels(truthInput);
  if (ints !== null && s.missing === null && s.k >= 2) {
    if (options.classes !== undefined) checkClassCount(options.classes, s.k);
    const classes = options.classes ? [...options.classes] : Array.from({ length: s.k }, (_, j) => j);
    const enc = encodeLabelInputs([ints], classes, ['labels']);
    return { classes, truth: enc.codes[0], scores: s.data, k: s.k, rows: enc.rows };
  }
  if (
    truthInput instanceof ScalarColumn &&
    truthInput.dtype === 'string' &&
    options.classes !== undefined &&
    s.missing === null &&
    s.k >= 2
  ) {
    // String labels with their classes: encoded through the column's dictionary, nulls left out.
    checkClassCount(options.classes, s.k);
    const classes = [...options.classes];
    const enc = encodeLabelInputs([truthInput], classes, ['labels']);
    const scores = enc.rows.length === s.n ? s.data : gatherRows(s.data, enc.rows, s.k);
    return { classes, truth: enc.codes[0], scores, k: s.k, rows: enc.rows };
  }
  const truth = labelValues(truthInput, 'labels');
  if (s.missing) for (let i = 0; i < truth.length; i++) if (s.missing[i]) truth[i] = null;
  const kinds = new Set<string>();
  for (const v of truth) if (v !== null) kinds.add(typeof v);
  let codes: Int32Array;
  let rows: Int32Array;
  let classes: Label[];
  if (s.k === 1) {
    const positive = options.positive ?? options.classes?.[1] ?? (kinds.has('boolean') ? true : 1);
    if (options.classes !== undefined && options.classes.length !== 2)
      throw new InvalidArgumentError('with one score per row, classes must be [negative, positive]');
    if (kinds.has('string') && options.positive === undefined && options.classes === undefined)
      throw new InvalidArgumentError(
        'string labels with one score per row need { positive: "..." }: the class the score is for',
      );
    const kept: number[] = [];
    for (let i = 0; i < truth.length; i++) if (truth[i] !== null) kept.push(i);
    rows = Int32Array.from(kept);
    codes = new Int32Array(rows.length);
    for (let r = 0; r < rows.length; r++) codes[r] = truth[rows[r]] === positive ? 1 : 0;
    const negative =
      options.classes?.[0] ??
      truth.find((v) => v !== null && v !== positive) ??
      (typeof positive === 'boolean' ? !positive : typeof positive === 'number' ? 0 : 'other');
    classes = [negative as Label, positive];
  } else {
    if (options.classes !== undefined) {
      checkClassCount(options.classes, s.k);
      classes = [...options.classes];
    } else if (kinds.has('string'))
      throw new InvalidArgumentError(
        `string labels need { classes: [...] }: the class of each of the ${s.k} score columns, in order`,
      );
    else if (kinds.has('boolean')) {
      if (s.k !== 2)
        throw new InvalidArgumentError(`boolean labels need 2 score columns, not ${s.k}, or pass classes`);
      classes = [false, true];
    } else classes = Array.from({ length: s.k }, (_, j) => j);
    const enc = encodeLabels([truth], classes, ['labels']);
    codes = enc.codes[0];
    rows = enc.rows;
  }
  const scores = rows.length === s.n ? s.data : gatherRows(s.data, rows, s.k);
  return { classes, truth: codes, scores, k: s.k, rows };
}

/** Rows `rows` of an `[n, k]` row-major matrix (or of a plain array with `k` 1), as a new matrix. */
export function gatherRows(matrix: Float64Array, rows: Int32Array, k = 1): Float64Array {
  const out = new Float64Array(rows.length * k);
  for (let i = 0; i < rows.length; i++) for (let j = 0; j < k; j++) out[i * k + j] = matrix[rows[i] * k + j];
  return out;
}

function checkClassCount(classes: readonly Label[], k: number): void {
  if (classes.length !== k)
    throw new InvalidArgumentError(
      `classes lists ${classes.length} classes but the scores have ${k} columns`,
    );
}
