import type { SearchMetric } from '../../../src/core/search/index.js';
import { naiveRanking } from '../../helpers/naive-search.js';

/**
 * Naive float64 brute force per query: the k best non-null rows with their scores, best first,
 * ties by row index, and the score of every row (`all`, in row order).
 */
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
  const everyRow = Array.from({ length: n }, (_, j) => j);
  const indices: number[][] = [];
  const scores: number[][] = [];
  const all: number[][] = [];
  for (let i = 0; i < nq; i++) {
    const q = Array.from({ length: d }, (_, t) => queries[i * d + t]);
    const ranked = naiveRanking(data, d, q, metric, everyRow);
    const row = new Array<number>(n);
    for (const r of ranked) row[r.row] = r.score;
    const top = ranked.filter((r) => valid[r.row]).slice(0, k);
    indices.push(top.map((r) => r.row));
    scores.push(top.map((r) => r.score));
    all.push(row);
  }
  return { indices, scores, all };
}
