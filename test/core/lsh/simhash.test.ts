import { describe, expect, it } from 'vitest';
import { SimHash } from '../../../src/core/lsh/simhash.js';
import { Random } from '../../../src/core/random.js';

function gaussianRows(seed: number, rows: number, dim: number, zeroShare = 0): Float32Array {
  const rng = new Random(seed);
  const x = new Float32Array(rows * dim);
  for (let i = 0; i < x.length; i++) x[i] = rng.next() < zeroShare ? 0 : rng.normal();
  return x;
}

describe('SimHash', () => {
  it('bit j of table t is the sign of projection t·K + j (batched and single agree)', async () => {
    const h = new SimHash({ dim: 12, hashesPerTable: 5, tables: 4, seed: 3 });
    const x = gaussianRows(4, 20, 12);
    const keys = await h.hashRows(x, 20);
    const one = new Int32Array(4);
    for (let i = 0; i < 20; i++) {
      h.hashOne(x, i * 12, one, 0);
      expect(Array.from(one)).toEqual(Array.from(keys.subarray(i * 4, i * 4 + 4)));
      for (let t = 0; t < 4; t++) {
        let key = 0;
        for (let j = 0; j < 5; j++) {
          let s = 0;
          for (let c = 0; c < 12; c++) s += h.projections[(t * 5 + j) * 12 + c] * x[i * 12 + c];
          if (s >= 0) key += 2 ** j;
        }
        expect(keys[i * 4 + t]).toBe(key);
      }
    }
  });

  it('sparse ±1 directions have about the asked density', () => {
    const h = new SimHash({ dim: 300, hashesPerTable: 10, tables: 10, seed: 1, density: 1 / 3 });
    const nonzero = h.projections.filter((v) => v !== 0);
    expect(nonzero.every((v) => v === 1 || v === -1)).toBe(true);
    expect(nonzero.length / h.projections.length).toBeCloseTo(1 / 3, 1);
  });

  it('collides at the rate 1 − θ/π per bit', async () => {
    // Two fixed vectors at 60°: a bit agrees with probability 2/3 over the random directions.
    const h = new SimHash({ dim: 2, hashesPerTable: 1, tables: 4000, seed: 9 });
    const x = new Float32Array([1, 0, Math.cos(Math.PI / 3), Math.sin(Math.PI / 3)]);
    const keys = await h.hashRows(x, 2);
    let agree = 0;
    for (let t = 0; t < 4000; t++) if (keys[t] === keys[4000 + t]) agree++;
    expect(agree / 4000).toBeCloseTo(2 / 3, 1.5);
  });
  it('SimHash: probing 2^bits buckets visits every key once, by ascending sum of flipped |projections|', () => {
    const bits = 5;
    const all = 2 ** bits;
    const family = new SimHash({ dim: 3, hashesPerTable: bits, tables: 2, seed: 11 });
    const rng = new Random(3);
    for (let trial = 0; trial < 20; trial++) {
      const proj = Float32Array.from({ length: 2 * bits }, () => rng.normal());
      for (const table of [0, 1]) {
        const out = new Uint32Array(all);
        expect(family.probeKeys(proj, 0, table, all, out)).toBe(all);
        expect(new Set(out).size).toBe(all);
        const p = proj.subarray(table * bits, (table + 1) * bits);
        const home = p.reduce((key, v, b) => (v >= 0 ? key | (1 << b) : key), 0);
        expect(out[0]).toBe(home);
        const cost = (key: number) =>
          p.reduce((s, v, b) => ((key ^ home) & (1 << b) ? s + Math.abs(v) : s), 0);
        for (let i = 1; i < out.length; i++)
          expect(cost(out[i])).toBeGreaterThanOrEqual(cost(out[i - 1]) - 1e-6);
      }
    }
  });
});
