import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TensorColumn } from '../../../src/core/column/tensor.js';
import {
  CorruptDataError,
  InvalidArgumentError,
  ShapeError,
  TypeMismatchError,
} from '../../../src/core/errors.js';
import { SimHash } from '../../../src/core/lsh/simhash.js';
import { Random } from '../../../src/core/random.js';
import {
  buildBucketTable,
  buildLshIndex,
  decodeLshIndex,
  encodeLshIndex,
  exactSearch,
  findBucket,
  type LshIndexOptions,
  type SearchMetric,
} from '../../../src/core/search/index.js';
import { nodeKernels } from '../../../src/node/tensor/node-kernels.js';
import { bruteForce } from './brute-force.js';

/** Gaussian clusters: `clusters` centres ~ N(0, 1), rows = centre + spread · N(0, 1). */
function clustered(n: number, d: number, clusters: number, spread: number, seed: number): Float32Array {
  const rng = new Random(seed);
  const centres = rng.fillNormal(new Float32Array(clusters * d));
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = rng.int(clusters);
    for (let t = 0; t < d; t++) out[i * d + t] = centres[c * d + t] + spread * rng.normal();
  }
  return out;
}

/** Queries near random rows of `data`. */
function nearRows(data: Float32Array, d: number, nq: number, noise: number, seed: number): Float32Array {
  const rng = new Random(seed);
  const n = data.length / d;
  const out = new Float32Array(nq * d);
  for (let i = 0; i < nq; i++) {
    const r = rng.int(n);
    for (let t = 0; t < d; t++) out[i * d + t] = data[r * d + t] + noise * rng.normal();
  }
  return out;
}

/** Fraction of the true top-k (per query) that `found` holds. */
function recall(truth: Int32Array, found: Int32Array, nq: number, k: number): number {
  let hits = 0;
  for (let i = 0; i < nq; i++) {
    const want = new Set(truth.subarray(i * k, (i + 1) * k));
    for (let j = 0; j < k; j++) if (want.has(found[i * k + j])) hits++;
  }
  return hits / (nq * k);
}

describe('bucket tables', () => {
  it('put every row under its key once, ids ascending within a bucket', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 300 }),
        fc.boolean(),
        (raw, withIds) => {
          // Few distinct keys, so buckets hold several rows.
          const keys = Uint32Array.from(raw, (k, i) => (i % 3 === 0 ? k : (raw[0] ?? 0)));
          const ids = withIds ? Int32Array.from(keys, (_, i) => 7 * i + 3) : null;
          const before = keys.slice();
          const table = buildBucketTable(keys, ids);
          expect(Array.from(keys)).toEqual(Array.from(before)); // input untouched
          expect(table.ids.length).toBe(keys.length);
          const expected = new Map<number, number[]>();
          keys.forEach((k, i) => {
            expected.set(k, [...(expected.get(k) ?? []), ids ? ids[i] : i]);
          });
          expect(table.keys.length).toBe(expected.size);
          for (const [k, rows] of expected) {
            const b = findBucket(table, k);
            expect(b).toBeGreaterThanOrEqual(0);
            expect(Array.from(table.ids.subarray(table.starts[b], table.starts[b + 1]))).toEqual(rows);
          }
          for (let i = 1; i < table.keys.length; i++)
            expect(table.keys[i]).toBeGreaterThan(table.keys[i - 1]);
          const missing = [0, 1, 0xffffffff, 12345].find((k) => !expected.has(k));
          if (missing !== undefined) expect(findBucket(table, missing)).toBe(-1);
        },
      ),
    );
  });
});

describe('LSH index', () => {
  const d = 24;
  const n = 3000;
  const nq = 60;
  const k = 10;
  const data = clustered(n, d, 60, 0.35, 1);
  const queries = nearRows(data, d, nq, 0.1, 2);
  const col = new TensorColumn(data, [d], n);

  it('finds exactly the brute-force top-k when the probes cover every bucket', async () => {
    const all = new Array<boolean>(n).fill(true);
    for (const metric of ['cosine', 'dot'] as const) {
      const index = await buildLshIndex(col, { kind: 'simhash', metric, tables: 1, bits: 3, seed: 4 });
      const res = await index.search(queries, { k, probes: 8 });
      expect(Array.from(res.candidates)).toEqual(new Array(nq).fill(n));
      for (let i = 0; i < nq; i++) {
        const ref = bruteForce(data, all, queries.subarray(i * d, (i + 1) * d), d, metric, k);
        expect(Array.from(res.indices.subarray(i * k, (i + 1) * k))).toEqual(ref.indices[0]);
        res.scores.subarray(i * k, (i + 1) * k).forEach((s, t) => {
          expect(s).toBeCloseTo(ref.scores[0][t], 3);
        });
      }
    }
  });

  it.each<[string, Omit<LshIndexOptions, 'tables'>, SearchMetric]>([
    ['SimHash, cosine', { kind: 'simhash', bits: 10 }, 'cosine'],
    ['E2LSH, l2', { kind: 'e2lsh', hashes: 6 }, 'l2'],
  ])(
    '%s: recall against exact search grows with tables and probes and reaches 0.9',
    async (_n, opts, metric) => {
      const truth = await exactSearch(col, queries, { k, metric });
      const recalls: number[][] = [];
      for (const tables of [1, 4, 12]) {
        const index = await buildLshIndex(col, { ...opts, tables, seed: 7 });
        const row: number[] = [];
        for (const probes of [1, 4, 16]) {
          const res = await index.search(queries, { k, probes });
          row.push(recall(truth.indices, res.indices, nq, k));
        }
        // More probes see a superset of buckets, so recall never drops.
        expect(row[1]).toBeGreaterThanOrEqual(row[0]);
        expect(row[2]).toBeGreaterThanOrEqual(row[1]);
        recalls.push(row);
      }
      expect(recalls[2][0]).toBeGreaterThan(recalls[0][0]); // more tables
      expect(recalls[0][2]).toBeGreaterThan(recalls[0][0]); // more probes
      expect(recalls[0][0]).toBeLessThan(0.9); // the small settings are really approximate
      expect(Math.max(...recalls.flat())).toBeGreaterThanOrEqual(0.9);
    },
  );

  it('keys its SimHash tables with the one SimHash that SLIDE layers use too', async () => {
    const tables = 3;
    const bits = 7;
    const index = await buildLshIndex(col, { kind: 'simhash', tables, bits, seed: 5 });
    const keys = await new SimHash({ dim: d, hashesPerTable: bits, tables, seed: 5 }).hashRows(data, n);
    for (let t = 0; t < tables; t++) {
      const table = index.buckets[t];
      for (let i = 0; i < n; i++) {
        const b = findBucket(table, keys[i * tables + t] >>> 0);
        expect(b).toBeGreaterThanOrEqual(0);
        expect(Array.from(table.ids.subarray(table.starts[b], table.starts[b + 1]))).toContain(i);
      }
    }
  });

  it('builds the same index with the ONNX Runtime kernels (same recall, seeded)', async () => {
    const truth = await exactSearch(col, queries, { k, metric: 'cosine' });
    const opts = { kind: 'simhash', tables: 8, bits: 10, seed: 3 } as const;
    const a = await buildLshIndex(col, opts);
    const b = await buildLshIndex(col, { ...opts, kernels: nodeKernels({ thresholds: { matmul: 0 } }) });
    const ra = await a.search(queries, { k, probes: 4 });
    const rb = await b.search(queries, { k, probes: 4, kernels: nodeKernels() });
    // Signs of projections within rounding of zero may differ between backends; nothing else.
    expect(
      Math.abs(recall(truth.indices, ra.indices, nq, k) - recall(truth.indices, rb.indices, nq, k)),
    ).toBeLessThan(0.02);
    // Bucket of each row in each table, from both builds: they agree for nearly every row.
    const keyOfRow = (table: (typeof a.buckets)[number]) => {
      const out = new Float64Array(n);
      for (let bkt = 0; bkt < table.keys.length; bkt++)
        for (let s = table.starts[bkt]; s < table.starts[bkt + 1]; s++) out[table.ids[s]] = table.keys[bkt];
      return out;
    };
    let same = 0;
    for (let t = 0; t < 8; t++) {
      const ka = keyOfRow(a.buckets[t]);
      const kb = keyOfRow(b.buckets[t]);
      for (let i = 0; i < n; i++) same += Number(ka[i] === kb[i]);
    }
    expect(same / (8 * n)).toBeGreaterThan(0.99);
  });

  it('never returns null rows, caps k at the non-null rows, and pads queries without enough candidates', async () => {
    const m = 40;
    const small = clustered(m, 4, 2, 0.2, 5);
    const bits = new Uint8Array(Math.ceil(m / 8));
    const valid = Array.from({ length: m }, (_, i) => i % 3 !== 0);
    valid.forEach((v, i) => {
      if (v) bits[i >> 3] |= 1 << (i & 7);
    });
    const c = new TensorColumn(small, [4], m, bits);
    const index = await buildLshIndex(c, { kind: 'e2lsh', tables: 2, hashes: 2, width: 1e6 });
    const res = await index.search(small.subarray(0, 8), { k: 100, probes: 3 });
    expect(res.k).toBe(valid.filter(Boolean).length);
    for (const id of res.indices) if (id >= 0) expect(valid[id]).toBe(true);
    // A huge width puts every row in one slot: all non-null rows are candidates.
    expect(Array.from(res.candidates)).toEqual([res.k, res.k]);
    // Tiny width and one probe: a far query finds nothing and gets −1 / NaN.
    const tiny = await buildLshIndex(c, { kind: 'e2lsh', tables: 1, hashes: 4, width: 1e-3 });
    const far = await tiny.search(Float32Array.of(100, 100, 100, 100), { k: 3 });
    expect(Array.from(far.indices)).toEqual([-1, -1, -1]);
    expect(far.scores.every(Number.isNaN)).toBe(true);
  });

  it('rejects bad options and inputs with typed errors', async () => {
    await expect(buildLshIndex(col, { kind: 'simhash', metric: 'l2' })).rejects.toThrow(InvalidArgumentError);
    await expect(buildLshIndex(col, { kind: 'e2lsh', metric: 'cosine' })).rejects.toThrow(
      InvalidArgumentError,
    );
    await expect(buildLshIndex(col, { kind: 'simhash', bits: 33 })).rejects.toThrow(InvalidArgumentError);
    await expect(buildLshIndex(col, { kind: 'simhash', tables: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(buildLshIndex(col, { kind: 'e2lsh', width: -1 })).rejects.toThrow(InvalidArgumentError);
    await expect(buildLshIndex(col, { kind: 'nope' as 'simhash' })).rejects.toThrow(InvalidArgumentError);
    const ints = new TensorColumn(new Int32Array(8), [2], 4);
    await expect(buildLshIndex(ints, { kind: 'simhash' })).rejects.toThrow(TypeMismatchError);
    const index = await buildLshIndex(col, { kind: 'simhash', tables: 1, bits: 4 });
    await expect(index.search(new Float32Array(d + 1), { k: 1 })).rejects.toThrow(ShapeError);
    await expect(index.search(new Float32Array(d), { k: 0 })).rejects.toThrow(InvalidArgumentError);
    await expect(index.search(new Float32Array(d), { k: 1, probes: 0 })).rejects.toThrow(
      InvalidArgumentError,
    );
  });

  it('round-trips through bytes with identical results; damaged bytes are CorruptDataError', async () => {
    for (const opts of [
      { kind: 'simhash', tables: 5, bits: 9, seed: 2, metric: 'dot' },
      { kind: 'e2lsh', tables: 4, hashes: 5, seed: 2 },
    ] as const) {
      const index = await buildLshIndex(col, opts);
      const bytes = encodeLshIndex(index);
      const x = await index.search(queries, { k, probes: 5 });
      // Decode from an unaligned copy too (a view into a larger buffer).
      const shifted = new Uint8Array(bytes.length + 1);
      shifted.set(bytes, 1);
      for (const b of [bytes, shifted.subarray(1)]) {
        const back = decodeLshIndex(b, col, 'test');
        expect(back.params).toEqual(index.params);
        const y = await back.search(queries, { k, probes: 5 });
        expect(y.indices).toEqual(x.indices);
        expect(y.scores).toEqual(x.scores);
        expect(y.candidates).toEqual(x.candidates);
      }
      expect(() => decodeLshIndex(bytes, new TensorColumn(data.subarray(0, 10 * d), [d], 10), 't')).toThrow(
        ShapeError,
      );
      // Damage anywhere (magic, header, projections, tables), truncation or appended bytes: the
      // promise is a CorruptDataError, or exactly the undamaged index's neighbours, never others.
      const rng = new Random(1);
      let rejected = 0;
      for (let trial = 0; trial < 60; trial++) {
        let bad: Uint8Array;
        if (trial % 6 === 0) bad = bytes.slice(0, rng.int(bytes.length));
        else if (trial % 6 === 1) bad = Uint8Array.from([...bytes, rng.int(256)]);
        else {
          bad = bytes.slice();
          bad[rng.int(bytes.length)] ^= 1 << rng.int(8);
        }
        try {
          const back = decodeLshIndex(bad, col, 'test');
          const y = await back.search(queries, { k, probes: 5 });
          expect(y.indices).toEqual(x.indices);
          expect(y.scores).toEqual(x.scores);
        } catch (e) {
          expect(e).toBeInstanceOf(CorruptDataError);
          rejected++;
        }
      }
      // Every one of these changes the bytes, and the checksum covers them all.
      expect(rejected).toBe(60);
    }
  });
});
