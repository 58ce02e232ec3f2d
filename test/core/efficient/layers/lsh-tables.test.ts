import { describe, expect, it } from 'vitest';
import { LshTables } from '../../../../src/core/efficient/layers/lsh-tables.js';
import { Random } from '../../../../src/core/random.js';

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
