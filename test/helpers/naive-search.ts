/** Brute-force similarity ranking, written plainly: the reference that search tests compare with. */

/** Score of `q` against each of `rows` (row numbers of `vectors`, `[rows, d]`), best first, ties by position in `rows`. */
export function naiveRanking(
  vectors: ArrayLike<number>,
  d: number,
  q: ArrayLike<number>,
  metric: 'cosine' | 'dot' | 'l2',
  rows: readonly number[],
): { position: number; row: number; score: number }[] {
  const scored = rows.map((row, position) => {
    let dot = 0;
    let qq = 0;
    let xx = 0;
    let l2 = 0;
    for (let t = 0; t < d; t++) {
      const x = vectors[row * d + t];
      dot += q[t] * x;
      qq += q[t] * q[t];
      xx += x * x;
      l2 += (q[t] - x) ** 2;
    }
    // Cosine with a zero vector is 0, as the library defines it.
    const cosine = qq > 0 && xx > 0 ? dot / Math.sqrt(qq) / Math.sqrt(xx) : 0;
    const score = metric === 'dot' ? dot : metric === 'l2' ? l2 : cosine;
    return { position, row, score };
  });
  scored.sort((a, b) => (metric === 'l2' ? a.score - b.score : b.score - a.score) || a.position - b.position);
  return scored;
}
