/**
 * Train a small classifier on a frame, write its predictions and embeddings back as columns, save
 * the frame, and find where the model is worse: metrics per slice with confidence intervals, then
 * slice discovery by clustering the model's own embeddings.
 *
 *   npx tsx examples/train-classifier.ts [--rows 3000] [--epochs 8] [--out DIR]
 *
 * The data are synthetic: three classes of 8-d measurements from three sensors. Sensor C is
 * miscalibrated (its readings are shifted and noisier), and some readings are taken in low light
 * (a little noisier); the model is trained on all of them with TensorFlow.js (wasm backend) fed by
 * `toTfDataset` (built on `df.batches`).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DataFrame,
  type DiscoveredSlices,
  discoverSlices,
  evaluate,
  predictions,
  Random,
  read,
  TensorColumn,
} from '../src/index.js';
import { toTfDataset } from '../src/node/models/index.js';
import { wasmTfjs } from '../src/node/models/tfjs-env.js';

export const CLASSES = ['circle', 'square', 'triangle'];
const FEATURES = 8;
const EMBEDDING = 16;

/** Options of {@link main}. */
export interface TrainClassifierOptions {
  rows?: number;
  epochs?: number;
  /** Where the frame is written; default a new temporary folder. */
  out?: string;
  seed?: number;
  /** Print the tables (default true). */
  print?: boolean;
}

/** What {@link main} produced, for callers (and the test) to inspect. */
export interface TrainClassifierResult {
  /** The frame with `probs`, `pred` and `embedding` columns, as read back from disk. */
  frame: DataFrame;
  path: string;
  /** Metrics per slice on the held-out rows. */
  bySlice: DataFrame;
  discovered: DiscoveredSlices;
  testAccuracy: number;
}

/** The synthetic dataset: features, label, sensor, low-light flag and a train/test split. */
export function makeDataset(rows: number, seed: number): DataFrame {
  const rng = new Random(seed);
  const centers = CLASSES.map(() => Array.from({ length: FEATURES }, () => rng.normal() * 1.6));
  const shift = Array.from({ length: FEATURES }, () => rng.normal() * 2.5);
  const features = new Float32Array(rows * FEATURES);
  const label: string[] = [];
  const sensor: string[] = [];
  const lowLight: boolean[] = [];
  const split: string[] = [];
  for (let i = 0; i < rows; i++) {
    const y = rng.int(CLASSES.length);
    const s = ['A', 'B', 'C'][rng.next() < 0.2 ? 2 : rng.int(2)];
    const dark = rng.next() < 0.3;
    const noise = (s === 'C' ? 1.6 : 0.7) * (dark ? 1.3 : 1);
    for (let j = 0; j < FEATURES; j++)
      features[i * FEATURES + j] = centers[y][j] + (s === 'C' ? shift[j] : 0) + noise * rng.normal();
    label.push(CLASSES[y]);
    sensor.push(s);
    lowLight.push(dark);
    split.push(rng.next() < 0.7 ? 'train' : 'test');
  }
  return new DataFrame({
    id: Int32Array.from({ length: rows }, (_, i) => i),
    features: new TensorColumn(features, [FEATURES]),
    label,
    sensor,
    low_light: lowLight,
    split,
  });
}

/** Train, predict, write, evaluate by slice, discover slices. */
export async function main(options: TrainClassifierOptions = {}): Promise<TrainClassifierResult> {
  const { rows = 3000, epochs = 8, seed = 0, print = true } = options;
  const log = print ? console.log : () => {};
  const tf = await wasmTfjs();
  const df = makeDataset(rows, seed);
  const train = df.filter('split', '==', 'train');

  // A small MLP; its second hidden layer is the embedding that slice discovery clusters.
  const init = (s: number) => tf.initializers.glorotUniform({ seed: seed + s });
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [FEATURES], units: 32, activation: 'relu', kernelInitializer: init(1) }),
      tf.layers.dense({
        units: EMBEDDING,
        activation: 'relu',
        kernelInitializer: init(2),
        name: 'embedding',
      }),
      tf.layers.dense({ units: CLASSES.length, activation: 'softmax', kernelInitializer: init(3) }),
    ],
  });
  model.compile({
    optimizer: tf.train.adam(0.01),
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
  // String labels become codes into their sorted distinct values: CLASSES is sorted, so code = index.
  const data = await toTfDataset(train, {
    features: 'features',
    label: 'label',
    batchSize: 64,
    shuffle: true,
    seed,
  });
  const t0 = performance.now();
  const history = await model.fitDataset(data, { epochs, verbose: 0 });
  const losses = history.history.loss as number[];
  log(
    `trained ${epochs} epochs on ${train.length} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s; ` +
      `loss ${losses[0].toFixed(3)} → ${losses[losses.length - 1].toFixed(3)}`,
  );

  // Predictions and penultimate-layer embeddings for every row, batch by batch.
  const embedder = tf.model({ inputs: model.inputs, outputs: model.getLayer('embedding').output });
  const probs = new Float32Array(df.length * CLASSES.length);
  const embedding = new Float32Array(df.length * EMBEDDING);
  for await (const batch of df.batches({ batchSize: 512, columns: ['features'] })) {
    const { data: x, shape } = batch.columns.features;
    const [p, e] = tf.tidy(() => {
      const input = tf.tensor(x, shape, 'float32');
      return [model.predict(input) as typeof input, embedder.predict(input) as typeof input];
    });
    probs.set(await p.data(), batch.rows[0] * CLASSES.length);
    embedding.set(await e.data(), batch.rows[0] * EMBEDDING);
    tf.dispose([p, e]);
  }
  const probsColumn = new TensorColumn(probs, [CLASSES.length]);
  const withOutputs = df.withColumns({
    probs: probsColumn,
    pred: Array.from(predictions(probsColumn), (c) => CLASSES[c]),
    embedding: new TensorColumn(embedding, [EMBEDDING]),
  });
  model.dispose();

  // Save with the native store, and carry on from what is on disk.
  const path = options.out ?? join(mkdtempSync(join(tmpdir(), 'tessera-classifier-')), 'predictions');
  await withOutputs.write(path);
  const frame = await read(path);
  log(`wrote ${frame.length} rows × ${frame.columnNames.length} columns to ${path}`);

  const test = frame.filter('split', '==', 'test');
  const bySlice = evaluate(test, {
    label: 'label',
    scores: 'probs',
    classes: CLASSES,
    by: 'sensor',
    slices: ['low_light'],
    metrics: ['accuracy', 'f1_macro', 'log_loss', 'ece'],
  });
  const testAccuracy = bySlice.row(0).accuracy as number;
  log('\nMetrics per slice (held-out rows), worst first:');
  log(
    bySlice
      .select('slice', 'count', 'accuracy', 'accuracy_lower', 'accuracy_upper', 'f1_macro', 'ece', 'gap')
      .toString(),
  );

  const discovered = await discoverSlices(test, {
    embedding: 'embedding',
    label: 'label',
    prediction: 'pred',
    k: 6,
    seed,
    restarts: 3,
  });
  log('\nClusters of the embedding, by error rate:');
  log(discovered.clusters.toString());
  const worst = discovered.clusters.row(0).cluster as number;
  const members = discovered.frame.filter('cluster', '==', worst);
  log(`\nWho is in cluster ${worst}:`);
  log(members.groupby('sensor').size().toString());
  return { frame, path, bySlice, discovered, testAccuracy };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  const arg = (name: string) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  await main({
    rows: arg('rows') ? Number(arg('rows')) : undefined,
    epochs: arg('epochs') ? Number(arg('epochs')) : undefined,
    out: arg('out'),
  });
}
