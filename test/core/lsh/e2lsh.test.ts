import { describe, expect, it } from 'vitest';
import { E2LshFamily } from '../../../src/core/lsh/e2lsh.js';
import { Random } from '../../../src/core/random.js';

describe('E2LshFamily', () => {
  it('E2LSH: a probed key is the key of the slots stepped by ±1, in ascending Σ squared boundary distance', () => {
    const K = 4;
    const w = 2.5;
    const family = E2LshFamily.random(3, K, 5, w, 5);
    const rng = new Random(9);
    // Independent key of a slot tuple: Σ r·h mod 2³² with BigInt arithmetic.
    const keyOf = (slots: number[], table: number) =>
      Number(
        slots.reduce((acc, h, j) => acc + BigInt(family.multipliers[table * K + j]) * BigInt(h), 0n) &
          0xffffffffn,
      );
    for (let trial = 0; trial < 20; trial++) {
      const proj = Float32Array.from({ length: 3 * K }, () => 4 * rng.normal());
      for (const table of [0, 2]) {
        const f = Array.from(
          { length: K },
          (_, j) => (proj[table * K + j] + family.offsets[table * K + j]) / w,
        );
        const slots = f.map(Math.floor);
        // Every perturbation vector in {−1, 0, +1}^K with its cost, by brute force.
        const expected = new Map<number, number>();
        for (let code = 0; code < 3 ** K; code++) {
          let c = code;
          let cost = 0;
          const stepped = slots.map((s, j) => {
            const delta = (c % 3) - 1;
            c = Math.floor(c / 3);
            if (delta === -1) cost += (f[j] - s) ** 2;
            if (delta === 1) cost += (1 - (f[j] - s)) ** 2;
            return s + delta;
          });
          expected.set(keyOf(stepped, table), cost);
        }
        const out = new Uint32Array(3 ** K);
        const count = family.probeKeys(proj, 0, table, 3 ** K, out);
        expect(count).toBe(3 ** K);
        expect(out[0]).toBe(keyOf(slots, table));
        const costs = Array.from(out, (key) => expected.get(key));
        expect(costs.every((c) => c !== undefined)).toBe(true);
        expect(new Set(out).size).toBe(3 ** K);
        for (let i = 1; i < costs.length; i++) expect(costs[i]!).toBeGreaterThanOrEqual(costs[i - 1]! - 1e-9);
      }
    }
  });
});
