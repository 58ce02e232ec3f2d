// POST /api/slices asked again: what is kept between requests (a grouping column's groups, label
// codes, scores, the AUC walk's slot combos) never leaks into another request's numbers. Each
// reply's slice counts and accuracies (and AUCs, by pairs) against naive per-group tallies written
// here, across maxGroups, a filter, other classes and a second frame whose columns differ.
import { describe, expect, it } from 'vitest';
import { Random } from '../../../src/core/random.js';
import { DataFrame, TensorColumn } from '../../../src/index.js';
import { createAppServer } from '../../../src/node/server/index.js';

const CLASSES = ['a', 'b', 'c'];

function makeFrame(n: number, seed: number, groups: number) {
  const rng = new Random(seed);
  const label = Array.from({ length: n }, () => CLASSES[rng.int(3)]);
  const pred = label.map((l) => (rng.next() < 0.7 ? l : CLASSES[rng.int(3)]));
  // Group g holds about (g + 1) shares of the rows, so the largest groups are the last ones.
  const weights = Array.from({ length: groups }, (_, g) => g + 1);
  const total = weights.reduce((a, b) => a + b, 0);
  const site = Array.from({ length: n }, () => {
    let t = rng.next() * total;
    let g = 0;
    while (t >= weights[g]) t -= weights[g++];
    return `site ${g}`;
  });
  const probs = new Float32Array(n * 3);
  for (let i = 0; i < n * 3; i++) probs[i] = rng.next();
  const frame = new DataFrame({ label, pred, site, probs: new TensorColumn(probs, [3]) });
  return { frame, label, pred, site, probs };
}

/** Per site among `rows`: its rows and accuracy. */
function naive(
  data: { label: string[]; pred: string[]; site: string[] },
  rows: number[],
): Map<string, { count: number; accuracy: number }> {
  const out = new Map<string, { count: number; right: number }>();
  for (const i of rows) {
    const s = out.get(data.site[i]) ?? { count: 0, right: 0 };
    s.count++;
    if (data.label[i] === data.pred[i]) s.right++;
    out.set(data.site[i], s);
  }
  return new Map([...out].map(([k, v]) => [k, { count: v.count, accuracy: v.right / v.count }]));
}

/** Macro one-vs-rest AUC of `rows` by pairs (ties count one half), score column c for classes[c]. */
function naiveAuc(data: { label: string[]; probs: Float32Array }, rows: number[], classes: string[]): number {
  let sum = 0;
  let defined = 0;
  classes.forEach((cls, c) => {
    const pos = rows.filter((i) => data.label[i] === cls).map((i) => data.probs[i * 3 + c]);
    const neg = rows.filter((i) => data.label[i] !== cls).map((i) => data.probs[i * 3 + c]);
    if (pos.length === 0 || neg.length === 0) return;
    let wins = 0;
    for (const p of pos) for (const q of neg) wins += p > q ? 1 : p === q ? 0.5 : 0;
    sum += wins / (pos.length * neg.length);
    defined++;
  });
  return sum / defined;
}

interface Reply {
  slices: {
    value: string;
    count: number;
    metrics: { accuracy: { value: number }; roc_auc?: { value: number } };
  }[];
  truncated: Record<string, number>;
}

function expectSlices(
  reply: Reply,
  expected: Map<string, { count: number; accuracy: number }>,
  kept: number,
) {
  const largest = [...expected].sort((x, y) => y[1].count - x[1].count).slice(0, kept);
  expect(reply.slices.map((s) => s.value).sort()).toEqual(largest.map(([k]) => k).sort());
  for (const s of reply.slices) {
    const e = expected.get(s.value);
    expect(s.count).toBe(e?.count);
    expect(s.metrics.accuracy.value).toBeCloseTo(e?.accuracy as number, 12);
  }
}

describe('POST /api/slices asked again', () => {
  it('gives each request its own groups and numbers', async () => {
    const one = makeFrame(3000, 1, 6);
    const two = makeFrame(2000, 2, 4);
    const appOne = await createAppServer(one.frame);
    const appTwo = await createAppServer(two.frame);
    const ask = async (app: typeof appOne, body: object): Promise<Reply> => {
      const res = await app.inject({ method: 'POST', url: '/api/slices', payload: body });
      expect(res.statusCode).toBe(200);
      return res.json() as Reply;
    };
    const all = (n: number) => Array.from({ length: n }, (_, i) => i);
    const base = { label: 'label', prediction: 'pred', groups: ['site'], bootstrap: 10 };
    const scored = { ...base, scores: 'probs', classes: CLASSES };
    for (let round = 0; round < 2; round++) {
      expectSlices(await ask(appOne, base), naive(one, all(3000)), 6);
      expectSlices(await ask(appOne, { ...base, maxGroups: 2 }), naive(one, all(3000)), 2);
      expectSlices(await ask(appOne, scored), naive(one, all(3000)), 6);
      const filter = { column: 'label', op: '!=', value: 'a' };
      const kept = all(3000).filter((i) => one.label[i] !== 'a');
      expectSlices(await ask(appOne, { ...base, filter }), naive(one, kept), 6);
      for (const classes of [CLASSES, [...CLASSES].reverse()]) {
        const reply = await ask(appTwo, { ...scored, classes });
        expectSlices(reply, naive(two, all(2000)), 4);
        for (const s of reply.slices) {
          const rows = all(2000).filter((i) => two.site[i] === s.value);
          expect(s.metrics.roc_auc?.value).toBeCloseTo(naiveAuc(two, rows, classes), 12);
        }
      }
    }
    await appOne.close();
    await appTwo.close();
  });
});
