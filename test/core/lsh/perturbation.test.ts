import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { perturbationSets } from '../../../src/core/lsh/perturbation.js';

describe('perturbationSets (multi-probe order)', () => {
  it('lists the cheapest valid subsets in ascending cost, each once, as a brute-force enumeration does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 300 }),
        (raw, paired, count) => {
          const costs = [...raw].sort((a, b) => a - b);
          // "paired": positions 2i and 2i+1 perturb the same hash, as E2LSH's left and right steps.
          const owner = paired ? costs.map((_, i) => i >> 1) : null;
          const got = perturbationSets(costs, count, owner);
          const all: number[] = [];
          for (let mask = 1; mask < 1 << costs.length; mask++) {
            const set = costs.map((_, i) => i).filter((i) => mask & (1 << i));
            if (owner && new Set(set.map((i) => owner[i])).size !== set.length) continue;
            all.push(set.reduce((s, i) => s + costs[i], 0));
          }
          all.sort((a, b) => a - b);
          expect(got.length).toBe(Math.min(count, all.length));
          const keys = new Set(got.map((s) => s.join(',')));
          expect(keys.size).toBe(got.length);
          got.forEach((set, r) => {
            const score = set.reduce((s, i) => s + costs[i], 0);
            expect(score).toBeCloseTo(all[r], 9);
            if (owner) expect(new Set(set.map((i) => owner[i])).size).toBe(set.length);
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});
