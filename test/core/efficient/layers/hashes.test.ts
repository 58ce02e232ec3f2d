import { describe, expect, it } from 'vitest';
import { DwtaHash } from '../../../../src/core/efficient/layers/dwta.js';
import { LshTables } from '../../../../src/core/efficient/layers/lsh-tables.js';
import { SimHash } from '../../../../src/core/efficient/layers/simhash.js';
import { Random } from '../../../../src/core/random.js';

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
          for (let c = 0; c < 12; c++) s += h.projection[(t * 5 + j) * 12 + c] * x[i * 12 + c];
          if (s > 0) key += 2 ** j;
        }
        expect(keys[i * 4 + t]).toBe(key);
      }
    }
  });

  it('sparse ±1 directions have about the asked density', () => {
    const h = new SimHash({ dim: 300, hashesPerTable: 10, tables: 10, seed: 1, density: 1 / 3 });
    const nonzero = h.projection.filter((v) => v !== 0);
    expect(nonzero.every((v) => v === 1 || v === -1)).toBe(true);
    expect(nonzero.length / h.projection.length).toBeCloseTo(1 / 3, 1);
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
});

describe('LshTables', () => {
  it('buckets hold the neurons with that key, the last inserted when full; collect is their union', () => {
    const rng = new Random(11);
    const n = 300;
    const L = 3;
    const keys = new Int32Array(n * L);
    for (let i = 0; i < keys.length; i++) keys[i] = rng.int(16);
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = (i * 7) % n; // 7 is coprime with 300: a permutation
    const tables = new LshTables({ tables: L, keyBits: 4, bucketCapacity: 10 });
    tables.build(keys, n, order);
    for (let t = 0; t < L; t++) {
      for (let key = 0; key < 16; key++) {
        const inserted = Array.from(order).filter((i) => keys[i * L + t] === key);
        expect(Array.from(tables.bucket(t, key))).toEqual(inserted.slice(-10));
      }
    }
    const query = new Int32Array([3, 5, 3]);
    const out = new Int32Array(n);
    const marks = new Int32Array(n);
    const count = tables.collect(query, 0, marks, 1, out, 0);
    const union = new Set([...tables.bucket(0, 3), ...tables.bucket(1, 5), ...tables.bucket(2, 3)]);
    expect(new Set(out.subarray(0, count))).toEqual(union);
    expect(count).toBe(union.size);
  });

  it('folds keys wider than the table into its buckets consistently', () => {
    const tables = new LshTables({ tables: 1, keyBits: 24, maxBucketBits: 6 });
    expect(tables.bucketBits).toBe(6);
    const keys = new Int32Array([5, 1 << 20, 5, 123456]);
    tables.build(keys, 4);
    expect(Array.from(tables.bucket(0, 5))).toContain(0);
    expect(Array.from(tables.bucket(0, 5))).toContain(2);
    expect(Array.from(tables.bucket(0, 123456))).toContain(3);
  });
});
