import { describe, expect, it } from 'vitest';
import { DwtaHash } from '../../../src/core/lsh/dwta.js';
import { Random } from '../../../src/core/random.js';

function gaussianRows(seed: number, rows: number, dim: number, zeroShare = 0): Float32Array {
  const rng = new Random(seed);
  const x = new Float32Array(rows * dim);
  for (let i = 0; i < x.length; i++) x[i] = rng.next() < zeroShare ? 0 : rng.normal();
  return x;
}

/** DWTA written from its definition, reading only the bins and the probe sequence of the hash. */
function naiveDwta(h: DwtaHash, x: Float32Array, o: number): number[] {
  const m = h.hashesPerTable * h.tables;
  const codes: number[] = [];
  for (let b = 0; b < m; b++) {
    const values = Array.from({ length: h.binSize }, (_, i) => x[o + h.binDims[b * h.binSize + i]]);
    const nonzero = values.map((v, i) => [v, i] as const).filter(([v]) => v !== 0);
    if (nonzero.length === 0) {
      codes.push(-1);
      continue;
    }
    const max = Math.max(...nonzero.map(([v]) => v));
    codes.push(nonzero.find(([v]) => v === max)![1]);
  }
  const dense = codes.map((c, b) => {
    if (c >= 0 || codes.every((v) => v < 0)) return Math.max(c, 0);
    for (let a = 1; a <= h.maxProbes; a++) {
      const borrowed = codes[h.probe(b, a)];
      if (borrowed >= 0) return borrowed;
    }
    return 0;
  });
  const bits = Math.log2(h.binSize);
  const keys: number[] = [];
  for (let t = 0; t < h.tables; t++) {
    let key = 0;
    for (let j = 0; j < h.hashesPerTable; j++) key += dense[t * h.hashesPerTable + j] * 2 ** (j * bits);
    keys.push(key);
  }
  return keys;
}

describe('DwtaHash', () => {
  it('bins are disjoint within a permutation and cover K·L hashes', () => {
    const h = new DwtaHash({ dim: 32, hashesPerTable: 3, tables: 5, binSize: 8, seed: 1 });
    expect(h.binDims.length).toBe(15 * 8);
    for (let p = 0; p * 4 < 15; p++) {
      const dims = h.binDims.slice(p * 32, Math.min((p + 1) * 32, 15 * 8));
      expect(new Set(dims).size).toBe(dims.length);
    }
    expect(h.keyBits).toBe(9);
  });

  it.each([0, 0.5, 0.9])('equals a naive implementation (share of zeros %s)', async (zeros) => {
    const h = new DwtaHash({ dim: 40, hashesPerTable: 4, tables: 6, binSize: 4, seed: 7 });
    const x = gaussianRows(3, 30, 40, zeros);
    const keys = await h.hashRows(x, 30);
    let densified = 0;
    for (let i = 0; i < 30; i++) {
      expect(Array.from(keys.subarray(i * 6, i * 6 + 6))).toEqual(naiveDwta(h, x, i * 40));
      for (let b = 0; b < 24; b++) {
        if (Array.from({ length: 4 }, (_, k) => x[i * 40 + h.binDims[b * 4 + k]]).every((v) => v === 0))
          densified++;
      }
    }
    if (zeros >= 0.5) expect(densified).toBeGreaterThan(0); // the densification path ran
  });

  it('gives the zero vector key 0 and keys within keyBits', async () => {
    const h = new DwtaHash({ dim: 16, hashesPerTable: 2, tables: 3, binSize: 8, seed: 2 });
    expect(Array.from(await h.hashRows(new Float32Array(16), 1))).toEqual([0, 0, 0]);
    const keys = await h.hashRows(gaussianRows(5, 10, 16), 10);
    for (const k of keys) expect(k >>> h.keyBits).toBe(0);
  });
});
