/**
 * Multi-probe LSH (Lv, Josephson, Wang, Charikar, Li: "Multi-Probe LSH", VLDB 2007): the buckets
 * next to a query's own are visited in the order of how likely they hold its neighbours. A probe is
 * a set of perturbations (a bit flip, a step of one hash value to the left or right), each with a
 * cost that grows with the query's distance to that boundary; sets are scored by the sum of their
 * costs and generated in ascending score with a min-heap and two operations on sets of positions in
 * the cost-sorted order: shift (replace the largest position p by p + 1) and expand (add p + 1).
 * Every subset is reached exactly once, and both operations only raise the score.
 */

/** A set of positions into the sorted costs, with its score. */
interface Candidate {
  score: number;
  positions: number[];
}

/**
 * The `count` cheapest non-empty perturbation sets, cheapest first, as arrays of positions into
 * `costs` (which must be sorted ascending and non-negative).
 *
 * `owner`, if given, maps each position to the hash it perturbs; a set with two positions of one
 * owner (e.g. stepping one hash value both left and right) is invalid and skipped, though the sets
 * grown from it are still explored.
 */
export function perturbationSets(
  costs: ArrayLike<number>,
  count: number,
  owner: ArrayLike<number> | null = null,
): number[][] {
  const m = costs.length;
  const out: number[][] = [];
  if (count <= 0 || m === 0) return out;
  const heap: Candidate[] = [{ score: costs[0], positions: [0] }];
  while (out.length < count && heap.length > 0) {
    const best = pop(heap);
    const set = best.positions;
    if (owner === null || isValid(set, owner)) out.push(set);
    const last = set[set.length - 1];
    if (last + 1 < m) {
      const shifted = set.slice();
      shifted[shifted.length - 1] = last + 1;
      push(heap, { score: best.score - costs[last] + costs[last + 1], positions: shifted });
      push(heap, { score: best.score + costs[last + 1], positions: [...set, last + 1] });
    }
  }
  return out;
}

function isValid(set: number[], owner: ArrayLike<number>): boolean {
  for (let a = 0; a < set.length; a++)
    for (let b = a + 1; b < set.length; b++) if (owner[set[a]] === owner[set[b]]) return false;
  return true;
}

function push(heap: Candidate[], c: Candidate): void {
  heap.push(c);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent].score <= c.score) break;
    heap[i] = heap[parent];
    i = parent;
  }
  heap[i] = c;
}

function pop(heap: Candidate[]): Candidate {
  const top = heap[0];
  const last = heap.pop()!;
  if (heap.length > 0) {
    let i = 0;
    const n = heap.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && heap[r].score < heap[l].score ? r : l;
      if (heap[child].score >= last.score) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = last;
  }
  return top;
}
