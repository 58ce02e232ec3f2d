import { column, DataFrame, DeferredColumn } from '../core/index.js';
import { Random } from '../core/random.js';

/**
 * A small example frame holding every column kind: scalars of each dtype (with nulls), a tensor
 * column of embeddings, an object column of graphs and boxes, and a deferred column computed lazily.
 */
export function exampleFrame(rows = 12, seed = 7): DataFrame {
  const rng = new Random(seed);
  const species = ['cat', 'dog', 'bird', 'fish'];
  const label = Array.from({ length: rows }, () => species[rng.int(species.length)]);
  const score = Float64Array.from({ length: rows }, () => Math.round(rng.next() * 1000) / 1000);
  const embeddingDim = 8;
  const embedding = rng.fillNormal(new Float32Array(rows * embeddingDim));
  const frame = new DataFrame({
    id: column(
      Array.from({ length: rows }, (_, i) => i),
      'int32',
    ),
    label,
    score,
    views: column(
      Array.from({ length: rows }, (_, i) => (i % 5 === 3 ? null : BigInt(1000 + rng.int(1e6)))),
      'int64',
    ),
    confidence: column(Float32Array.from(score, (s) => s * 0.9)),
    pixels: column(
      Array.from({ length: rows }, () => rng.int(256)),
      'uint8',
    ),
    verified: Array.from({ length: rows }, (_, i) => (i % 4 === 0 ? null : rng.next() < 0.5)),
    captured: column(
      Array.from({ length: rows }, (_, i) => 19700 + i),
      'date',
    ),
    updated: Array.from({ length: rows }, (_, i) => new Date(Date.UTC(2026, 0, 1 + i, 12))),
    embedding: column(embedding.length ? splitRows(embedding, embeddingDim) : [], {
      kind: 'tensor',
      dtype: 'float32',
      shape: [embeddingDim],
    }),
    scene: Array.from({ length: rows }, (_, i) =>
      i % 2 === 0
        ? { nodes: [{ id: 'a' }, { id: 'b' }], links: [{ source: 'a', target: 'b' }] }
        : { box: [rng.int(100), rng.int(100), 32, 32] },
    ),
  });
  // A deferred column: the embedding's norm, computed only for the rows that are read.
  return frame.withColumn(
    'norm',
    new DeferredColumn((e) => Math.hypot(...(e as Float32Array)), [frame.column('embedding')], {
      name: 'l2norm',
    }),
  );
}

function splitRows(data: Float32Array, dim: number): Float32Array[] {
  return Array.from({ length: data.length / dim }, (_, i) => data.subarray(i * dim, (i + 1) * dim));
}

/** The `tessera demo` job: build the example frame and print it with a few operations. */
export function runDemo(print: (text: string) => void = console.log): void {
  const df = exampleFrame();
  print(df.toString({ maxRows: 12 }));
  print('\nSchema:');
  for (const f of df.schema)
    print(`  ${f.name.padEnd(11)} ${f.type.kind}${'dtype' in f.type ? ` ${f.type.dtype}` : ''}`);
  print(`\nRow 0 (deferred "norm" computed on access): norm = ${(df.row(0).norm as number).toFixed(4)}`);
  print('\nScore above 0.5:');
  print(
    df
      .filter<number>('score', (s) => s > 0.5)
      .select('id', 'label', 'score')
      .toString(),
  );
  print('\nPer label:');
  const perLabel = df.groupby('label').agg({
    n: ['*', 'size'],
    mean_score: ['score', 'mean'],
    max_views: ['views', 'max'],
  });
  print(perLabel.toString());
}
