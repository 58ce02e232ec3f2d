/**
 * Multi-probe LSH (Lv, Josephson, Wang, Charikar, Li: "Multi-Probe LSH", VLDB 2007): the buckets
 * next to a query's own are visited in the order of how likely they hold its neighbours. A probe is
 * a set of perturbations (a bit flip, a step of one hash value to the left or right), each with a
 * cost that grows with the query's distance to that boundary; sets are scored by the sum of their
 * costs and generated in ascending score with a min-heap and two operations on sets of positions in
 * the cost-sorted order: shift (replace the largest position p by p + 1) and expand (add p + 1).
 * Every subset is reached exactly once, and both operations only raise the score.
 *
 * Sets are bit masks over the sorted positions, so generating probes allocates nothing per set.
 * Only the 32 cheapest positions take part: a set with a costlier one scores above at least 2³¹
 * sets of the cheapest 31, far beyond any useful number of probes.
 */

/** Most positions a perturbation set draws from (one uint32 mask). */
export const MAX_PERTURBATION_POSITIONS = 32;

/**
 * Reusable state of the generator; one per hash family, so probing allocates nothing per query.
 * Not safe to share between concurrent calls (all calls are synchronous).
 */
export class PerturbationGenerator {
  private scores = new Float64Array(64);
  private masks = new Int32Array(64);
  private lasts = new Int32Array(64);
  private size = 0;

  /**
   * Writes the `count` cheapest non-empty perturbation sets, cheapest first, into `out` as bit masks
   * over positions in `costs` (sorted ascending, non-negative); returns how many it wrote.
   *
   * `owner`, if given, maps each position to the hash it perturbs; a set with two positions of one
   * owner (e.g. stepping one hash value both left and right) is invalid and skipped, though the sets
   * grown from it are still explored.
   */
  generate(
    costs: ArrayLike<number>,
    count: number,
    owner: ArrayLike<number> | null,
    out: Int32Array,
  ): number {
    const m = Math.min(costs.length, MAX_PERTURBATION_POSITIONS);
    if (count <= 0 || m === 0) return 0;
    this.size = 0;
    this.push(costs[0], 1, 0);
    let written = 0;
    while (written < count && this.size > 0) {
      const score = this.scores[0];
      const mask = this.masks[0];
      const last = this.lasts[0];
      this.popTop();
      if (owner === null || isValid(mask, owner, m)) out[written++] = mask;
      if (last + 1 < m) {
        const next = 1 << (last + 1);
        this.push(score - costs[last] + costs[last + 1], (mask & ~(1 << last)) | next, last + 1); // shift
        this.push(score + costs[last + 1], mask | next, last + 1); // expand
      }
    }
    return written;
  }

  private push(score: number, mask: number, last: number): void {
    if (this.size === this.scores.length) this.grow();
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.scores[parent] <= score) break;
      this.scores[i] = this.scores[parent];
      this.masks[i] = this.masks[parent];
      this.lasts[i] = this.lasts[parent];
      i = parent;
    }
    this.scores[i] = score;
    this.masks[i] = mask;
    this.lasts[i] = last;
  }

  private popTop(): void {
    const n = --this.size;
    if (n === 0) return;
    const score = this.scores[n];
    const mask = this.masks[n];
    const last = this.lasts[n];
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && this.scores[r] < this.scores[l] ? r : l;
      if (this.scores[child] >= score) break;
      this.scores[i] = this.scores[child];
      this.masks[i] = this.masks[child];
      this.lasts[i] = this.lasts[child];
      i = child;
    }
    this.scores[i] = score;
    this.masks[i] = mask;
    this.lasts[i] = last;
  }

  private grow(): void {
    const cap = this.scores.length * 2;
    const s = new Float64Array(cap);
    const m = new Int32Array(cap);
    const l = new Int32Array(cap);
    s.set(this.scores);
    m.set(this.masks);
    l.set(this.lasts);
    this.scores = s;
    this.masks = m;
    this.lasts = l;
  }
}

function isValid(mask: number, owner: ArrayLike<number>, m: number): boolean {
  let seen = 0;
  for (let p = 0; p < m; p++) {
    if (!(mask & (1 << p))) continue;
    const bit = 1 << owner[p];
    if (seen & bit) return false;
    seen |= bit;
  }
  return true;
}

/**
 * The `count` cheapest non-empty perturbation sets as arrays of positions, cheapest first (see
 * {@link PerturbationGenerator.generate}; `owner` values must be below 32).
 */
export function perturbationSets(
  costs: ArrayLike<number>,
  count: number,
  owner: ArrayLike<number> | null = null,
): number[][] {
  const masks = new Int32Array(Math.max(0, count));
  const written = new PerturbationGenerator().generate(costs, count, owner, masks);
  return Array.from(masks.subarray(0, written), (mask) => {
    const set: number[] = [];
    for (let p = 0; p < MAX_PERTURBATION_POSITIONS; p++) if (mask & (1 << p)) set.push(p);
    return set;
  });
}
