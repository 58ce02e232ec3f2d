import type { SearchMetric } from '../../../src/core/search/index.js';

/** Naive float64 brute force: every (query, non-null row) score, sorted best first, ties by row index. */
export function bruteForce(
  data: ArrayLike<number>,
  valid: boolean[],
  queries: ArrayLike<number>,
  d: number,
  metric: SearchMetric,
  k: number,
): { indices: number[][]; scores: number[][]; all: number[][] } {
  const n = valid.length;
  const nq = queries.length / d;
  const indices: number[][] = [];
  const scores: number[][] = [];
  const all: number[][] = [];
  for (let i = 0; i < nq; i++) {
    const row: number[] = [];
    const cands: { j: number; s: number }[] = [];
    for (let j = 0; j < n; j++) {
      let dot = 0;
      let qq = 0;
      let xx = 0;
      let l2 = 0;
      for (let t = 0; t < d; t++) {
        const a = queries[i * d + t];
        const b = data[j * d + t];
        dot += a * b;
        qq += a * a;
        xx += b * b;
        l2 += (a - b) * (a - b);
      }
      const s =
        metric === 'dot'
          ? dot
          : metric === 'l2'
            ? l2
            : qq > 0 && xx > 0
              ? dot / Math.sqrt(qq) / Math.sqrt(xx)
              : 0;
      row.push(s);
      if (valid[j]) cands.push({ j, s });
    }
    const sign = metric === 'l2' ? 1 : -1;
    cands.sort((x, y) => sign * (x.s - y.s) || x.j - y.j);
    const top = cands.slice(0, k);
    indices.push(top.map((c) => c.j));
    scores.push(top.map((c) => c.s));
    all.push(row);
  }
  return { indices, scores, all };
}
