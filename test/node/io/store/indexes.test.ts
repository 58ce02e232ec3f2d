import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TensorColumn } from '../../../../src/core/column/tensor.js';
import {
  ColumnNotFoundError,
  CorruptDataError,
  InvalidArgumentError,
  StaleIndexError,
  TypeMismatchError,
} from '../../../../src/core/errors.js';
import { DataFrame } from '../../../../src/core/frame/frame.js';
import { Random } from '../../../../src/core/random.js';
import { buildLshIndex, type LshIndexOptions } from '../../../../src/core/search/index.js';
import { crc32 } from '../../../../src/node/io/store/checksum.js';
import {
  append,
  dropIndex,
  read,
  readManifest,
  saveIndex,
  vacuum,
  versions,
  write,
} from '../../../../src/node/io/store/index.js';
import { serializeManifest } from '../../../../src/node/io/store/manifest-write.js';
import { naiveRanking } from '../../../helpers/naive-search.js';
import { replaceCurrentManifest } from './damage.js';
import { tempDatasets } from './helpers.js';

const dataset = tempDatasets('tessera-indexes-');
const d = 16;

function frame(n: number, seed: number, from = 0): DataFrame {
  const rng = new Random(seed);
  const centres = Float32Array.from({ length: 8 * d }, () => rng.normal());
  const v = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = rng.int(8);
    for (let t = 0; t < d; t++) v[i * d + t] = centres[c * d + t] + 0.3 * rng.normal();
  }
  return new DataFrame({
    id: Array.from({ length: n }, (_, i) => from + i),
    emb: new TensorColumn(v, [d], n),
  });
}

const queries = (() => {
  const rng = new Random(99);
  return Float32Array.from({ length: 20 * d }, () => rng.normal());
})();

async function withIndex(n: number, options: LshIndexOptions) {
  const root = dataset();
  await write(frame(n, 1), root);
  const df = await read(root);
  const index = await buildLshIndex(df.column('emb'), options);
  await saveIndex(root, 'emb', index);
  return { root, index };
}

describe('search indexes saved with a dataset', () => {
  it.each<LshIndexOptions>([
    { kind: 'simhash', tables: 6, bits: 8, seed: 5 },
    { kind: 'e2lsh', tables: 5, hashes: 4, seed: 5 },
  ])('round-trip ($kind): the loaded index gives identical results, without rebuilding', async (options) => {
    const { root, index } = await withIndex(1500, options);
    const manifest = await readManifest(root);
    expect(manifest.version).toBe(2);
    expect(manifest.operation).toBe('index');
    const entry = manifest.indexes!.emb;
    expect(entry).toMatchObject({ kind: options.kind, rows: 1500, version: 1 });
    // The file is a data file like any other: under data/, with its size and checksum.
    const bytes = fs.readFileSync(path.join(root, entry.file.path));
    expect(entry.file.path.startsWith('data/')).toBe(true);
    expect(bytes.length).toBe(entry.file.bytes);
    expect(crc32(bytes)).toBe(entry.file.crc32);
    expect((await versions(root)).map((v) => v.operation)).toEqual(['write', 'index']);

    const df = await read(root);
    const saved = df.savedIndex('emb')!;
    expect(saved).toMatchObject({ column: 'emb', kind: options.kind, rows: 1500, version: 1 });
    const loaded = await saved.load();
    expect(loaded.params).toEqual(index.params);
    expect(loaded.column).toBe(df.column('emb'));
    const a = await index.search(queries, { k: 10, probes: 4 });
    const b = await loaded.search(queries, { k: 10, probes: 4 });
    expect(b.indices).toEqual(a.indices);
    expect(b.scores).toEqual(a.scores);
    // Through df.search too; the older version has no index.
    const hits = await df.search(queries.subarray(0, d), { by: 'emb', k: 10, index: true, probes: 4 });
    const found = Array.from(a.indices.subarray(0, 10)).filter((i) => i >= 0);
    expect(hits.column('id').toArray()).toEqual(found);
    expect((await read(root, { version: 1 })).savedIndex('emb')).toBeUndefined();
    // Reading other columns only: nothing is attached for the missing column.
    expect((await read(root, { columns: ['id'] })).has('emb')).toBe(false);
  });

  it('an append makes the saved index stale: a clear error until it is rebuilt and saved again', async () => {
    const { root } = await withIndex(800, { kind: 'simhash', tables: 4, bits: 6 });
    await append(root, frame(50, 2, 800));
    const df = await read(root);
    expect(df.length).toBe(850);
    expect(df.savedIndex('emb')).toMatchObject({ rows: 800, version: 1 });
    await expect(df.savedIndex('emb')!.load()).rejects.toThrow(StaleIndexError);
    await expect(df.search({ row: 820 }, { by: 'emb', index: true })).rejects.toThrow(
      /built at version 1 over 800 rows, but version 3 has 850/,
    );
    // Exact search still works, and finds the appended row.
    expect((await df.search({ row: 820 }, { by: 'emb', k: 1 })).column('id').toArray()).toEqual([820]);
    await saveIndex(
      root,
      'emb',
      await buildLshIndex(df.column('emb'), { kind: 'simhash', tables: 4, bits: 6 }),
    );
    const fresh = await read(root);
    const hit = await fresh.search({ row: 820 }, { by: 'emb', k: 1, index: true, probes: 2 });
    expect(hit.column('id').toArray()).toEqual([820]);
    expect(fresh.savedIndex('emb')).toMatchObject({ rows: 850, version: 3 });
  });

  it('a damaged index file is CorruptDataError, and so is a manifest entry that does not fit', async () => {
    const { root } = await withIndex(600, { kind: 'e2lsh', tables: 3, hashes: 3 });
    const manifest = await readManifest(root);
    const file = path.join(root, manifest.indexes!.emb.file.path);
    const original = fs.readFileSync(file);
    const flipped = Buffer.from(original);
    flipped[flipped.length >> 1] ^= 0x40;
    fs.writeFileSync(file, flipped);
    await expect((await read(root)).savedIndex('emb')!.load()).rejects.toThrow(CorruptDataError);
    fs.writeFileSync(file, original.subarray(0, 100));
    await expect((await read(root)).search({ row: 0 }, { by: 'emb', index: true })).rejects.toThrow(
      CorruptDataError,
    );
    fs.writeFileSync(file, original);
    await (await read(root)).savedIndex('emb')!.load();
    // Manifest entries are validated on read (checksum recomputed so only the content is wrong).
    for (const bad of [
      { rows: 601 },
      { version: 9 },
      { kind: 'hnsw' },
      { file: { path: '../x', bytes: 1, crc32: 0 } },
    ]) {
      const { checksum: _c, ...m } = JSON.parse(fs.readFileSync(path.join(root, 'manifest.json'), 'utf8'));
      m.indexes.emb = { ...m.indexes.emb, ...bad };
      const undo = replaceCurrentManifest(root, serializeManifest(m));
      await expect(read(root)).rejects.toThrow(CorruptDataError);
      undo();
    }
    const { checksum: _c, ...m } = JSON.parse(fs.readFileSync(path.join(root, 'manifest.json'), 'utf8'));
    m.indexes = { id: m.indexes.emb };
    replaceCurrentManifest(root, serializeManifest(m));
    await expect(read(root)).rejects.toThrow(/no tensor column "id"/);
  });

  it('refuses an index of other rows, a missing column or a non-tensor column', async () => {
    const root = dataset();
    await write(frame(300, 1), root);
    const other = await buildLshIndex(frame(300, 7).column('emb'), { kind: 'simhash', bits: 4 });
    await expect(saveIndex(root, 'emb', other)).rejects.toThrow(InvalidArgumentError);
    const shorter = await buildLshIndex(frame(200, 1).column('emb'), { kind: 'simhash', bits: 4 });
    await expect(saveIndex(root, 'emb', shorter)).rejects.toThrow(InvalidArgumentError);
    const own = await buildLshIndex((await read(root)).column('emb'), { kind: 'simhash', bits: 4 });
    await expect(saveIndex(root, 'embedding', own)).rejects.toThrow(ColumnNotFoundError);
    await expect(saveIndex(root, 'id', own)).rejects.toThrow(TypeMismatchError);
    // Nothing was committed by the failed calls.
    expect((await readManifest(root)).version).toBe(1);
    expect(fs.readdirSync(path.join(root, 'data')).some((f) => f.endsWith('.lsh'))).toBe(false);
  });

  it('vacuum keeps a saved index file while a kept version uses it, and removes it after dropIndex', async () => {
    const { root } = await withIndex(400, { kind: 'simhash', tables: 2, bits: 5 });
    const lshFiles = () => fs.readdirSync(path.join(root, 'data')).filter((f) => f.endsWith('.lsh'));
    await vacuum(root);
    expect(lshFiles().length).toBe(1);
    await (await read(root)).savedIndex('emb')!.load();
    await dropIndex(root, 'emb');
    expect((await read(root)).savedIndex('emb')).toBeUndefined();
    expect((await readManifest(root)).indexes).toBeUndefined();
    await expect(dropIndex(root, 'emb')).rejects.toThrow(InvalidArgumentError);
    await vacuum(root);
    expect(lshFiles()).toEqual([]);
  });

  describe('views of a read dataset find its saved index', () => {
    const n = 900;
    // The written data, kept here as the independent reference for the rows a view shows.
    const written = frame(n, 1);
    const ids = written.column('id').toArray() as number[];
    const vectors = written.column<TensorColumn>('emb').data as Float32Array;

    /** The k best of `rows` (stored row numbers, in view order) by cosine, computed plainly. */
    const naiveTopK = (rows: readonly number[], q: Float32Array, k: number) =>
      naiveRanking(vectors, d, q, 'cosine', rows)
        .slice(0, k)
        .map((r) => ({ id: ids[r.row], score: r.score }));

    const views: [string, (df: DataFrame) => DataFrame, number[]][] = [
      ['a filter', (df) => df.filter('id', (v: number) => v % 3 !== 0), ids.filter((v) => v % 3 !== 0)],
      ['a slice', (df) => df.slice(250, 610), ids.slice(250, 610)],
      ['a sort', (df) => df.sort('id', { descending: true }), [...ids].reverse()],
      ['a selection of columns', (df) => df.select('emb', 'id'), ids],
      ['a take with repeats', (df) => df.take([7, 500, 7, 31, 899, 500]), [7, 500, 7, 31, 899, 500]],
      [
        'a filter of a slice, renamed',
        (df) =>
          df
            .slice(100, 800)
            .filter('id', (v: number) => v % 2 === 0)
            .rename({ emb: 'vec' }),
        ids.slice(100, 800).filter((v) => v % 2 === 0),
      ],
    ];

    it.each(views)(
      '%s: an index that ranks every row gives exact search over the view',
      async (_, view, rows) => {
        const root = dataset();
        await write(written, root);
        // One bit and two probes per table visit both buckets: every row is a candidate, so the
        // index's answer over any set of rows is the exact one.
        await saveIndex(
          root,
          'emb',
          await buildLshIndex((await read(root)).column('emb'), { kind: 'simhash', bits: 1, tables: 2 }),
        );
        const v = view(await read(root));
        const by = v.has('vec') ? 'vec' : 'emb';
        expect(v.savedIndex(by)).toMatchObject({ column: 'emb', rows: n });
        for (let qi = 0; qi < 5; qi++) {
          const q = queries.subarray(qi * d, (qi + 1) * d);
          const k = 8;
          const hits = await v.search(q, { by, k, index: true, probes: 2 });
          const expected = naiveTopK(rows, q, k);
          expect(hits.column('id').toArray()).toEqual(expected.map((e) => e.id));
          const scores = hits.column('score').toArray() as number[];
          expect(scores.length).toBe(expected.length);
          for (let t = 0; t < expected.length; t++) expect(scores[t]).toBeCloseTo(expected[t].score, 5);
          // The same rows as exact search over the view.
          const exact = await v.search(q, { by, k });
          expect(hits.column('id').toArray()).toEqual(exact.column('id').toArray());
        }
      },
    );

    it('with a selective index: only rows the view shows, scored exactly, best first, most of the true ones', async () => {
      const root = dataset();
      await write(written, root);
      await saveIndex(
        root,
        'emb',
        await buildLshIndex((await read(root)).column('emb'), {
          kind: 'simhash',
          bits: 6,
          tables: 6,
          seed: 3,
        }),
      );
      const [, view, rows] = views[0];
      const v = view(await read(root));
      const shown = new Set(rows.map((r) => ids[r]));
      let recalled = 0;
      const k = 10;
      for (let qi = 0; qi < 20; qi++) {
        // Queries near stored rows, as a search by example would be.
        const q = Float32Array.from(vectors.subarray(qi * 37 * d, (qi * 37 + 1) * d), (x) => x + 0.05);
        const hits = await v.search(q, { by: 'emb', k, index: true, probes: 4 });
        const got = hits.column('id').toArray() as number[];
        const scores = hits.column('score').toArray() as number[];
        const truth = naiveTopK(rows, q, k);
        const byId = new Map(naiveTopK(rows, q, rows.length).map((e) => [e.id, e.score]));
        expect(got.length).toBe(k);
        for (let t = 0; t < got.length; t++) {
          expect(shown.has(got[t])).toBe(true);
          expect(scores[t]).toBeCloseTo(byId.get(got[t])!, 5);
          if (t > 0) expect(scores[t]).toBeLessThanOrEqual(scores[t - 1]);
        }
        recalled += truth.filter((e) => got.includes(e.id)).length;
      }
      expect(recalled / (20 * k)).toBeGreaterThan(0.7);
    });
  });
});
