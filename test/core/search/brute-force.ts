import type { SearchMetric } from '../../../src/core/search/index.js';
import { naiveRanking } from '../../helpers/naive-search.js';

/**
 * Naive float64 brute force over `queries` (`[nq, d]`): the top `k` non-null rows of each query, best
 * first, ties by row index, and every row's score (`all`, nulls included), from {@link naiveRanking}.
 */
export function bruteForce(
  data: ArrayLike<number>,
  valid: boolean[],
  queries: ArrayLike<number>,
  d: number,
  metric: SearchMetric,
  k: number,
): { indices: number[][]; scores: number[][]; all: number[][] } {
  const rows = valid.map((_, j) => j);
  const indices: number[][] = [];
  const scores: number[][] = [];
  const all: number[][] = [];
  for (let i = 0; i < queries.length / d; i++) {
    const q = Array.from({ length: d }, (_, t) => queries[i * d + t]);
    const ranked = naiveRanking(data, d, q, metric, rows);
    const row = new Array<number>(rows.length);
    for (const r of ranked) row[r.row] = r.score;
    const top = ranked.filter((r) => valid[r.row]).slice(0, k);
    indices.push(top.map((r) => r.row));
    scores.push(top.map((r) => r.score));
    all.push(row);
  }
  return { indices, scores, all };
}
