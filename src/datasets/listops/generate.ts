/**
 * The ListOps task of Long Range Arena (Tay et al. 2020), generated as in LRA's
 * `lra_benchmarks/data/listops.py`: nested lists of the operators `[MIN`, `[MAX`, `[MED` (the integer
 * part of the median) and `[SM` (sum mod 10) over the digits 0–9, labelled with their value (10
 * classes).
 *
 * A tree is drawn from depth 1: below `maxDepth`, with probability 0.25 it is an operator with a
 * uniform 2..`maxArgs` arguments (each a tree one level deeper) and a uniform operator, otherwise a
 * uniform digit; at `maxDepth` it is always a digit. Its length counts digits, operators and closing
 * brackets (parentheses excluded). Examples with `minLength < length < maxLength` are kept,
 * de-duplicated, and split in order of generation into train, validation and test. The source text
 * is LRA's: `( ( ( [MAX 2 ) 9 ) ] )` for `[MAX 2 9 ]`.
 */
import { InvalidArgumentError } from '../../core/errors.js';
import { Random } from '../../core/random.js';

/** The operators, in the order LRA draws them from. */
export const LISTOPS_OPERATORS = ['[MIN', '[MAX', '[MED', '[SM'] as const;

/** One ListOps operator token. */
export type ListOpsOperator = (typeof LISTOPS_OPERATORS)[number];

/** The closing token of an operator's argument list. */
export const LISTOPS_END = ']';

/** Probability that a node above the depth limit is an operator rather than a digit. */
export const LISTOPS_OPERATOR_PROBABILITY = 0.25;

/** A ListOps expression: a digit or an operator applied to its arguments. */
export type ListOpsTree = number | { op: ListOpsOperator; args: ListOpsTree[] };

/** One labelled example. */
export interface ListOpsExample {
  /** The expression in LRA's text form (with parentheses). */
  source: string;
  /** Its value, 0–9. */
  target: number;
  /** Number of tokens without parentheses (digits, operators, closing brackets). */
  length: number;
}

/** Tree shape options, with LRA's defaults. */
export interface ListOpsTreeOptions {
  /** Depth at which a digit is forced (the root is at depth 1). Default 10. */
  maxDepth?: number;
  /** Most arguments of an operator (at least 2 are drawn). Default 10. */
  maxArgs?: number;
}

/** Options of {@link generateListOps}. */
export interface ListOpsOptions extends ListOpsTreeOptions {
  /** Number of training examples. Default 96,000. */
  train?: number;
  /** Number of validation examples. Default 2,000. */
  val?: number;
  /** Number of test examples. Default 2,000. */
  test?: number;
  /** Examples must be longer than this many tokens. Default 500. */
  minLength?: number;
  /** Examples must be shorter than this many tokens. Default 2,000. */
  maxLength?: number;
  /** Seed of the generator. Default 0. */
  seed?: number;
  /**
   * Give up (with an error) after this many drawn trees without completing the sets, e.g. when the
   * length bounds can hardly be met. Default 1,000 draws per requested example, at least 10⁶.
   */
  maxDraws?: number;
}

/** The three splits. */
export interface ListOpsSplits {
  train: ListOpsExample[];
  val: ListOpsExample[];
  test: ListOpsExample[];
}

function checkCount(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new InvalidArgumentError(`ListOps: ${name} must be an integer ≥ ${min}, got ${value}`);
  }
  return value;
}

/**
 * Draws one tree and its token length, consuming `rng` as LRA's `generate_tree` consumes Python's
 * `random`: one uniform per node above the depth limit, then the argument count, the arguments in
 * order, and the operator; or the digit.
 */
export function drawListOpsTree(
  rng: Random,
  options: ListOpsTreeOptions = {},
  depth = 1,
): { tree: ListOpsTree; length: number } {
  const maxDepth = checkCount('maxDepth', options.maxDepth ?? 10, 1);
  const maxArgs = checkCount('maxArgs', options.maxArgs ?? 10, 2);
  return draw(rng, depth, maxDepth, maxArgs);
}

function draw(
  rng: Random,
  depth: number,
  maxDepth: number,
  maxArgs: number,
): { tree: ListOpsTree; length: number } {
  const r = depth < maxDepth ? rng.next() : 1;
  if (r > LISTOPS_OPERATOR_PROBABILITY) return { tree: rng.int(10), length: 1 };
  const count = 2 + rng.int(maxArgs - 1);
  const args: ListOpsTree[] = [];
  let length = 2; // the operator and its closing bracket
  for (let a = 0; a < count; a++) {
    const sub = draw(rng, depth + 1, maxDepth, maxArgs);
    args.push(sub.tree);
    length += sub.length;
  }
  const op = LISTOPS_OPERATORS[rng.int(LISTOPS_OPERATORS.length)];
  return { tree: { op, args }, length };
}

/** The value of a tree (`[MED` takes the integer part of the median, `[SM` the sum mod 10). */
export function evaluateListOps(tree: ListOpsTree): number {
  if (typeof tree === 'number') return tree;
  const xs = tree.args.map(evaluateListOps);
  switch (tree.op) {
    case '[MIN':
      return Math.min(...xs);
    case '[MAX':
      return Math.max(...xs);
    case '[MED': {
      const s = xs.sort((a, b) => a - b);
      const mid = s.length >> 1;
      return s.length % 2 ? s[mid] : Math.floor((s[mid - 1] + s[mid]) / 2);
    }
    case '[SM':
      return xs.reduce((a, b) => a + b, 0) % 10;
  }
}

/**
 * LRA's text form: the operator and each argument are folded left into nested pairs, each pair
 * written `( a b )`, so `[MAX 2 9 ]` reads `( ( ( [MAX 2 ) 9 ) ] )`.
 */
export function listOpsToString(tree: ListOpsTree): string {
  if (typeof tree === 'number') return String(tree);
  let s = `( ${tree.op} ${listOpsToString(tree.args[0])} )`;
  for (let a = 1; a < tree.args.length; a++) s = `( ${s} ${listOpsToString(tree.args[a])} )`;
  return `( ${s} ${LISTOPS_END} )`;
}

/** The tokens of a source text without parentheses: digits, operators and `]`. */
export function listOpsTokens(source: string): string[] {
  return source.split(/\s+/).filter((t) => t !== '' && t !== '(' && t !== ')');
}

/** Number of nested operator levels (0 for a digit). */
export function listOpsOperatorDepth(tree: ListOpsTree): number {
  if (typeof tree === 'number') return 0;
  let deepest = 0;
  for (const a of tree.args) deepest = Math.max(deepest, listOpsOperatorDepth(a));
  return 1 + deepest;
}

/**
 * Seeded ListOps train, validation and test sets, as LRA makes them: trees drawn until enough
 * distinct examples with `minLength < length < maxLength` are found, split in the order found.
 */
export function generateListOps(options: ListOpsOptions = {}): ListOpsSplits {
  const train = checkCount('train', options.train ?? 96_000, 0);
  const val = checkCount('val', options.val ?? 2_000, 0);
  const test = checkCount('test', options.test ?? 2_000, 0);
  const minLength = checkCount('minLength', options.minLength ?? 500, 0);
  const maxLength = checkCount('maxLength', options.maxLength ?? 2_000, 1);
  const maxDepth = checkCount('maxDepth', options.maxDepth ?? 10, 1);
  const maxArgs = checkCount('maxArgs', options.maxArgs ?? 10, 2);
  if (maxLength - minLength < 2) {
    throw new InvalidArgumentError(
      `ListOps: no length lies strictly between minLength=${minLength} and maxLength=${maxLength}`,
    );
  }
  const total = train + val + test;
  const maxDraws = checkCount('maxDraws', options.maxDraws ?? Math.max(1e6, 1000 * total), 1);
  const rng = new Random(options.seed ?? 0);
  const seen = new Set<string>();
  const examples: ListOpsExample[] = [];
  for (let draws = 0; examples.length < total; draws++) {
    if (draws >= maxDraws) {
      throw new InvalidArgumentError(
        `ListOps: found only ${examples.length} of ${total} examples in ${maxDraws} draws; ` +
          `widen minLength/maxLength (${minLength}, ${maxLength}) or raise maxDraws`,
      );
    }
    const { tree, length } = draw(rng, 1, maxDepth, maxArgs);
    if (length <= minLength || length >= maxLength) continue;
    const source = listOpsToString(tree);
    if (seen.has(source)) continue;
    seen.add(source);
    examples.push({ source, target: evaluateListOps(tree), length });
  }
  return {
    train: examples.slice(0, train),
    val: examples.slice(train, train + val),
    test: examples.slice(train + val),
  };
}
