import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/core/errors.js';
import { Random } from '../../../src/core/random.js';
import {
  drawListOpsTree,
  generateListOps,
  type ListOpsTree,
  listOpsOperatorDepth,
  listOpsTokens,
  listOpsToString,
} from '../../../src/datasets/listops/generate.js';

/**
 * An evaluator of LRA's text form written independently of the generator: a recursive-descent
 * parser over the tokens with parentheses, checking that they nest as LRA writes them.
 */
function parseAndEvaluate(source: string): { value: number; tokens: number; depth: number } {
  const toks = source.split(' ');
  let pos = 0;
  let tokens = 0;
  const expect = (t: string) => {
    if (toks[pos] !== t) throw new Error(`expected ${t} at ${pos}, got ${toks[pos]}`);
    pos++;
  };
  // expr := digit | '(' list ']' ')', list := '(' list expr ')' | '(' op expr ')'
  const expr = (): { value: number; depth: number } => {
    const t = toks[pos];
    if (/^[0-9]$/.test(t)) {
      pos++;
      tokens++;
      return { value: Number(t), depth: 0 };
    }
    expect('(');
    const { op, args, depth } = list();
    expect(']');
    tokens++;
    expect(')');
    const sorted = [...args].sort((a, b) => a - b);
    let value: number;
    if (op === '[MIN') value = sorted[0];
    else if (op === '[MAX') value = sorted[sorted.length - 1];
    else if (op === '[SM') value = args.reduce((a, b) => a + b, 0) % 10;
    else if (op === '[MED') {
      // numpy's median, then int(): the mean of the two middle values when even, truncated.
      const h = sorted.length / 2;
      value = sorted.length % 2 ? sorted[Math.floor(h)] : Math.trunc((sorted[h - 1] + sorted[h]) / 2);
    } else throw new Error(`unknown operator ${op}`);
    return { value, depth: depth + 1 };
  };
  const list = (): { op: string; args: number[]; depth: number } => {
    expect('(');
    let head: { op: string; args: number[]; depth: number };
    if (toks[pos] === '(') head = list();
    else {
      const op = toks[pos++];
      tokens++;
      head = { op, args: [], depth: 0 };
    }
    const arg = expr();
    expect(')');
    return { op: head.op, args: [...head.args, arg.value], depth: Math.max(head.depth, arg.depth) };
  };
  const out = expr();
  if (pos !== toks.length) throw new Error(`trailing tokens at ${pos}`);
  return { value: out.value, tokens, depth: out.depth };
}

describe('ListOps', () => {
  it('writes LRA text form', () => {
    const tree: ListOpsTree = { op: '[MAX', args: [2, 9] };
    expect(listOpsToString(tree)).toBe('( ( ( [MAX 2 ) 9 ) ] )');
    expect(listOpsTokens(listOpsToString(tree))).toEqual(['[MAX', '2', '9', ']']);
    const nested: ListOpsTree = { op: '[SM', args: [{ op: '[MED', args: [1, 4, 2, 7] }, 8] };
    expect(parseAndEvaluate(listOpsToString(nested)).value).toBe((3 + 8) % 10);
  });

  it('labels every example with its value; lengths within the bounds; distinct', () => {
    const sets = generateListOps({ train: 300, val: 50, test: 50, minLength: 100, maxLength: 512, seed: 7 });
    const all = [...sets.train, ...sets.val, ...sets.test];
    expect(sets.train).toHaveLength(300);
    expect(sets.val).toHaveLength(50);
    expect(sets.test).toHaveLength(50);
    for (const e of all) {
      const parsed = parseAndEvaluate(e.source);
      expect(parsed.value).toBe(e.target);
      expect(parsed.tokens).toBe(e.length);
      expect(listOpsTokens(e.source)).toHaveLength(e.length);
      expect(e.length).toBeGreaterThan(100);
      expect(e.length).toBeLessThan(512);
      expect(parsed.depth).toBeLessThanOrEqual(9); // operators only at depths 1..9
    }
    expect(new Set(all.map((e) => e.source)).size).toBe(all.length);
  });

  it('is reproducible from its seed and differs between seeds', () => {
    const a = generateListOps({ train: 20, val: 5, test: 5, minLength: 50, maxLength: 300, seed: 3 });
    const b = generateListOps({ train: 20, val: 5, test: 5, minLength: 50, maxLength: 300, seed: 3 });
    const c = generateListOps({ train: 20, val: 5, test: 5, minLength: 50, maxLength: 300, seed: 4 });
    expect(b).toEqual(a);
    expect(c.train.map((e) => e.source)).not.toEqual(a.train.map((e) => e.source));
  });

  it('draws nodes as specified: operator w.p. 0.25, 2..10 uniform arguments, uniform operators, leaves at depth 10', () => {
    const rng = new Random(11);
    const trials = 8_000;
    let operatorRoots = 0;
    const argCounts = new Map<number, number>();
    const ops = new Map<string, number>();
    const digits = new Array(10).fill(0);
    let deepest = 0;
    for (let t = 0; t < trials; t++) {
      const { tree, length } = drawListOpsTree(rng);
      deepest = Math.max(deepest, listOpsOperatorDepth(tree));
      if (typeof tree === 'number') {
        digits[tree]++;
        expect(length).toBe(1);
        continue;
      }
      operatorRoots++;
      argCounts.set(tree.args.length, (argCounts.get(tree.args.length) ?? 0) + 1);
      ops.set(tree.op, (ops.get(tree.op) ?? 0) + 1);
      if (t < 1000) expect(listOpsTokens(listOpsToString(tree))).toHaveLength(length);
    }
    // Binomial(8000, 0.25): sd ≈ 39; allow 5 sd.
    expect(Math.abs(operatorRoots - 0.25 * trials)).toBeLessThan(5 * 39);
    expect([...argCounts.keys()].sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    for (const c of argCounts.values()) expect(Math.abs(c / operatorRoots - 1 / 9)).toBeLessThan(0.02);
    expect([...ops.keys()].sort()).toEqual(['[MAX', '[MED', '[MIN', '[SM']);
    for (const c of ops.values()) expect(Math.abs(c / operatorRoots - 0.25)).toBeLessThan(0.03);
    for (const c of digits) expect(Math.abs(c / (trials - operatorRoots) - 0.1)).toBeLessThan(0.015);
    expect(deepest).toBeLessThanOrEqual(9);
    // Depth limit: with maxDepth 2 only the root can be an operator, with digit arguments.
    const shallow = drawListOpsTree(new Random(1), { maxDepth: 2 });
    for (let t = 0; t < 200; t++) {
      const { tree } = drawListOpsTree(rng, { maxDepth: 2 });
      expect(listOpsOperatorDepth(tree)).toBeLessThanOrEqual(1);
    }
    expect(listOpsOperatorDepth(shallow.tree)).toBeLessThanOrEqual(1);
  });

  it('has LRA label balance at LRA lengths: majority class about 17%, labels 0 and 9', () => {
    const { train } = generateListOps({ train: 800, val: 0, test: 0, seed: 5 });
    const counts = new Array(10).fill(0);
    for (const e of train) counts[e.target]++;
    const order = counts.map((c, i) => [c, i]).sort((a, b) => b[0] - a[0]);
    expect(new Set([order[0][1], order[1][1]])).toEqual(new Set([0, 9]));
    expect(order[0][0] / train.length).toBeGreaterThan(0.13);
    expect(order[0][0] / train.length).toBeLessThan(0.22);
  });

  it('refuses impossible bounds and bad counts', () => {
    expect(() => generateListOps({ minLength: 10, maxLength: 11 })).toThrow(InvalidArgumentError);
    expect(() => generateListOps({ train: -1 })).toThrow(InvalidArgumentError);
    expect(() =>
      generateListOps({ train: 5, val: 0, test: 0, minLength: 5000, maxLength: 9000, maxDraws: 1000 }),
    ).toThrow(/found only/);
  });
});
