import { describe, expect, it } from 'vitest';
import { TensorColumn } from '../../../src/core/column/tensor.js';
import {
  DuplicateColumnError,
  IndexOutOfRangeError,
  InvalidArgumentError,
  TypeMismatchError,
} from '../../../src/core/errors.js';
import { DataFrame } from '../../../src/core/frame/frame.js';
import type { Encoder } from '../../../src/core/models/encoder.js';
import { Random } from '../../../src/core/random.js';
import { buildLshIndex, type SearchMetric } from '../../../src/core/search/index.js';
import { naiveRanking } from '../../helpers/naive-search.js';

const d = 8;
const n = 200;
const rng = new Random(42);
const vectors = Float32Array.from({ length: n * d }, () => rng.normal());
const ids = Array.from({ length: n }, (_, i) => `id${i}`);
const frame = () =>
  new DataFrame({ id: ids, label: ids.map((_, i) => i % 3), emb: new TensorColumn(vectors, [d], n) });

/** Naive best-first (row, score) of every row (or of `rows`, ascending) against `q`, ties by row. */
function naive(q: ArrayLike<number>, metric: SearchMetric, rows: number[] = ids.map((_, i) => i)) {
  return naiveRanking(vectors, d, q, metric, rows).map((r) => ({ j: r.row, s: r.score }));
}

/**
 * A small real encoder for the test: letter counts of a string, a–h, as an 8-vector. Deterministic,
 * so its output can be computed independently below.
 */
const letterEncoder: Encoder = {
  name: 'letters',
  dimensions: d,
  modality: 'text',
  async encode(inputs) {
    const out = new Float32Array(inputs.length * d);
    inputs.forEach((text, i) => {
      for (const ch of String(text)) {
        const c = ch.charCodeAt(0) - 97;
        if (c >= 0 && c < d) out[i * d + c]++;
      }
    });
    return out;
  },
};

describe('DataFrame.search', () => {
  it.each<SearchMetric>(['cosine', 'dot', 'l2'])(
    'exact %s: the k best rows with their scores, best first, as brute force ranks them',
    async (metric) => {
      const q = Array.from({ length: d }, () => rng.normal());
      const res = await frame().search(q, { by: 'emb', k: 7, metric });
      const ref = naive(q, metric).slice(0, 7);
      expect(res.length).toBe(7);
      expect(res.columnNames).toEqual(['id', 'label', 'emb', 'score']);
      expect(res.column('id').toArray()).toEqual(ref.map((r) => `id${r.j}`));
      const scores = res.column('score').toArray() as number[];
      scores.forEach((s, i) => {
        expect(s).toBeCloseTo(ref[i].s, 4);
      });
      // The rows carry their vectors.
      expect(Array.from(res.row(0).emb as Float32Array)).toEqual(
        Array.from(vectors.subarray(ref[0].j * d, (ref[0].j + 1) * d)),
      );
    },
  );

  it('takes a row of the frame as the query: index, negative index, { row }, { key }', async () => {
    const df = frame().setPrimaryKey('id');
    const expected = naive(vectors.subarray(17 * d, 18 * d), 'cosine')
      .slice(0, 5)
      .map((r) => `id${r.j}`);
    expect(expected[0]).toBe('id17'); // a row is its own best match
    for (const query of [17, { row: 17 }, { key: 'id17' }, 17 - n]) {
      const res = await df.search(query, { by: 'emb', k: 5 });
      expect(res.column('id').toArray()).toEqual(expected);
    }
    await expect(df.search(n, { by: 'emb' })).rejects.toThrow(IndexOutOfRangeError);
    await expect(df.search({ key: 'nope' }, { by: 'emb' })).rejects.toThrow(InvalidArgumentError);
  });

  it('encodes the query with the encoder option first', async () => {
    const res = await frame().search('abba cafe', { by: 'emb', k: 4, encoder: letterEncoder, metric: 'dot' });
    // a×3, b×2, c×1, e×1, f×1 (by hand).
    const q = [3, 2, 1, 0, 1, 1, 0, 0];
    expect(res.column('id').toArray()).toEqual(
      naive(q, 'dot')
        .slice(0, 4)
        .map((r) => `id${r.j}`),
    );
    const wide: Encoder = {
      ...letterEncoder,
      dimensions: d + 1,
      encode: async () => new Float32Array(d + 1),
    };
    await expect(frame().search('x', { by: 'emb', encoder: wide })).rejects.toThrow(TypeMismatchError);
  });

  it('searches only the rows of a view, and returns them as rows of the frame', async () => {
    const view = frame().filter('label', '==', 1);
    const q = vectors.subarray(0, d);
    const res = await view.search(q, { by: 'emb', k: 6, metric: 'l2' });
    const inView = ids.map((_, i) => i).filter((i) => i % 3 === 1);
    expect(res.column('id').toArray()).toEqual(
      naive(q, 'l2', inView)
        .slice(0, 6)
        .map((r) => `id${r.j}`),
    );
    expect(res.column('label').toArray()).toEqual(new Array(6).fill(1));
  });

  it('uses an LSH index when given one: the rows and scores of index.search', async () => {
    const df = frame();
    const index = await buildLshIndex(df.column('emb'), { kind: 'simhash', tables: 4, bits: 4, seed: 1 });
    const q = Float32Array.from({ length: d }, () => rng.normal());
    const direct = await index.search(q, { k: 5, probes: 3 });
    const res = await df.search(q, { by: 'emb', k: 5, index, probes: 3 });
    const found = Array.from(direct.indices).filter((i) => i >= 0);
    expect(res.column('id').toArray()).toEqual(found.map((i) => `id${i}`));
    expect(res.column('score').toArray()).toEqual(Array.from(direct.scores.subarray(0, found.length)));
    // The same index on a view, or with another metric, or no saved index: clear errors.
    await expect(df.head(50).search(q, { by: 'emb', index })).rejects.toThrow(InvalidArgumentError);
    await expect(df.search(q, { by: 'emb', index, metric: 'l2' })).rejects.toThrow(InvalidArgumentError);
    await expect(df.search(q, { by: 'emb', index: true })).rejects.toThrow(InvalidArgumentError);
    expect(df.savedIndex('emb')).toBeUndefined();
  });

  it('rejects a non-vector column, a wrong-sized query and a taken score column', async () => {
    const df = frame();
    await expect(df.search([1, 2], { by: 'label' })).rejects.toThrow(TypeMismatchError);
    await expect(df.search([1, 2], { by: 'emb' })).rejects.toThrow(TypeMismatchError);
    await expect(df.search('text', { by: 'emb' } as never)).rejects.toThrow(TypeMismatchError);
    const scored = df.withColumn('score', new Float64Array(n));
    await expect(scored.search({ row: 0 }, { by: 'emb' })).rejects.toThrow(DuplicateColumnError);
    await expect(scored.search({ row: 0 }, { by: 'emb' })).rejects.toThrow(/"score".*scoreColumn/);
    const res = await scored.search({ row: 0 }, { by: 'emb', k: 2, scoreColumn: 'similarity' });
    expect(res.column('similarity').length).toBe(2);
    // The frame's own score column comes through untouched beside the new one.
    expect(res.column('score').toArray()).toEqual([0, 0]);
  });
});
