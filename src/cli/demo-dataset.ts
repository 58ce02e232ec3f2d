/**
 * The `tessera demo` dataset, built offline in a few seconds: images of coloured shapes labelled by
 * their shape, with a planted error pattern (on the grey background most labels are wrong), a tone
 * per shape as audio, a few NIfTI volumes and node-link graphs, MobileNetV2 embeddings, and the
 * predictions of a softmax classifier trained on them with TensorFlow.js.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Tensor } from '@tensorflow/tfjs';
import sharp from 'sharp';
import { TensorColumn } from '../core/column/tensor.js';
import { predictions } from '../core/eval/index.js';
import { DataFrame } from '../core/frame/frame.js';
import { Random } from '../core/random.js';
import { write } from '../node/io/store/index.js';
import { audioColumn } from '../node/media/audio.js';
import { graphColumn } from '../node/media/graph.js';
import { imageColumn } from '../node/media/image.js';
import { volumeColumn } from '../node/media/volume.js';
import { mobileNetV2Encoder, toTfDataset } from '../node/models/index.js';
import { wasmTfjs } from '../node/models/tfjs-env.js';

/** Shapes in sorted order: `toTfDataset` codes string labels into their sorted distinct values. */
export const DEMO_SHAPES = ['circle', 'square', 'triangle'] as const;
export const DEMO_BACKGROUNDS = {
  sand: '#e8d8a8',
  sky: '#a8cce8',
  mint: '#b8e8c0',
  grey: '#9a9a9a',
} as const;
/** The background on which most labels are wrong: the planted error pattern. */
export const PLANTED_BACKGROUND = 'grey';
/** Share of the planted background's labels that are wrong. */
const PLANTED_WRONG = 0.6;
const SHAPE_COLOURS = ['#d62828', '#1d4ed8', '#15803d', '#7c3aed', '#ea580c'];
/** One tone per shape (Hz), 0.5 s of 16-bit mono PCM at 16 kHz. */
export const DEMO_TONES: Record<string, number> = { circle: 262, square: 330, triangle: 392 };
export const DEMO_SAMPLE_RATE = 16_000;
const TONE_SECONDS = 0.5;
/** How many volumes and graphs there are; row i shows number i mod this. */
const EXTRA_MEDIA = 3;

/** The tone's samples as written: round(0.3 · 32767 · sin(2π f n / rate)). */
export function toneSample(frequency: number, n: number): number {
  return Math.round(0.3 * 32767 * Math.sin((2 * Math.PI * frequency * n) / DEMO_SAMPLE_RATE));
}

/** What {@link buildDemoDataset} wrote. */
export interface DemoDataset {
  /** The stored dataset (open it with `read` or `tessera app`). */
  dataset: string;
  /** The folder of its media files (images, audio, volumes, graphs). */
  media: string;
  frame: DataFrame;
  /** Accuracy of the predictions on the held-out rows: on the planted background and elsewhere. */
  accuracy: { planted: number; elsewhere: number };
}

/** Build the demo dataset under `out`: `out/media/...` and the store at `out/shapes`. */
export async function buildDemoDataset(out: string, images = 200, seed = 1): Promise<DemoDataset> {
  const rng = new Random(seed);
  const media = path.join(path.resolve(out), 'media');
  for (const dir of ['images', 'audio', 'volumes', 'graphs'])
    fs.mkdirSync(path.join(media, dir), { recursive: true });

  const backgrounds = Object.keys(DEMO_BACKGROUNDS) as (keyof typeof DEMO_BACKGROUNDS)[];
  const rows = {
    id: [] as number[],
    image: [] as string[],
    label: [] as string[],
    background: [] as string[],
    split: [] as string[],
  };
  const writes: Promise<unknown>[] = [];
  for (let i = 0; i < images; i++) {
    const shape = DEMO_SHAPES[i % DEMO_SHAPES.length];
    const background = backgrounds[Math.floor(i / DEMO_SHAPES.length) % backgrounds.length];
    const width = 96 + 16 * rng.int(3);
    const file = `images/${String(i).padStart(4, '0')}-${shape}.png`;
    writes.push(
      sharp(Buffer.from(shapeSvg(shape, DEMO_BACKGROUNDS[background], width, 96, rng)))
        .removeAlpha()
        .png()
        .toFile(path.join(media, file)),
    );
    const wrong = background === PLANTED_BACKGROUND && rng.next() < PLANTED_WRONG;
    const label = wrong ? DEMO_SHAPES[(i + 1 + rng.int(2)) % DEMO_SHAPES.length] : shape;
    rows.id.push(i);
    rows.image.push(file);
    rows.label.push(label);
    rows.background.push(background);
    rows.split.push(rng.next() < 0.6 ? 'train' : 'test');
  }
  await Promise.all(writes);
  for (const shape of DEMO_SHAPES)
    fs.writeFileSync(path.join(media, `audio/${shape}.wav`), toneWav(DEMO_TONES[shape]));
  for (let k = 0; k < EXTRA_MEDIA; k++) {
    fs.writeFileSync(path.join(media, `volumes/sphere-${k}.nii`), sphereNifti(16 + 8 * k));
    fs.writeFileSync(path.join(media, `graphs/ring-${k}.json`), JSON.stringify(ringGraph(5 + 3 * k)));
  }

  const shapes = rows.image.map((f) => f.slice(f.indexOf('-') + 1, -4));
  // Media columns are stored as functions of their path columns, so the paths are columns too.
  const files = new DataFrame({
    id: Int32Array.from(rows.id),
    image_file: rows.image,
    label: rows.label,
    background: rows.background,
    split: rows.split,
    sound_file: shapes.map((s) => `audio/${s}.wav`),
    volume_file: rows.id.map((i) => `volumes/sphere-${i % EXTRA_MEDIA}.nii`),
    graph_file: rows.id.map((i) => `graphs/ring-${i % EXTRA_MEDIA}.json`),
  });
  const place = { baseDir: media };
  let frame = files.withColumns({
    image: imageColumn(files.column('image_file'), place),
    sound: audioColumn(files.column('sound_file'), place),
    volume: volumeColumn(files.column('volume_file'), place),
    graph: graphColumn(files.column('graph_file'), place),
  });
  frame = frame.withColumn('embedding', await frame.embed('image', mobileNetV2Encoder(), { batchSize: 32 }));
  const probs = await trainAndPredict(frame, seed);
  const pred = Array.from(predictions(probs), (c) => DEMO_SHAPES[c]);
  frame = frame.withColumns({
    probs,
    pred,
    correct: pred.map((p, i) => p === rows.label[i]),
  });
  // What a person looks at first goes first in the app's table; the path columns last.
  const first = [
    'id',
    'image',
    'label',
    'pred',
    'correct',
    'background',
    'split',
    'sound',
    'volume',
    'graph',
  ];
  frame = frame.select(...first, ...frame.columnNames.filter((name) => !first.includes(name)));

  const dataset = path.join(path.resolve(out), 'shapes');
  await write(frame, dataset);
  return { dataset, media, frame, accuracy: heldOutAccuracy(rows, pred) };
}

/** A softmax classifier (one dense layer) on the embeddings of the train rows; probabilities for all. */
async function trainAndPredict(frame: DataFrame, seed: number): Promise<TensorColumn> {
  const tf = await wasmTfjs();
  const train = frame.filter('split', '==', 'train');
  const dims = [...(frame.column('embedding') as TensorColumn).shape];
  const model = tf.sequential({
    layers: [
      tf.layers.dense({
        inputShape: dims,
        units: DEMO_SHAPES.length,
        activation: 'softmax',
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
      }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy' });
  const data = await toTfDataset(train, {
    features: 'embedding',
    label: 'label',
    batchSize: 32,
    shuffle: true,
    seed,
  });
  await model.fitDataset(data, { epochs: 30, verbose: 0 });
  const embedding = frame.column('embedding') as TensorColumn;
  const probs = tf.tidy(
    () =>
      model.predict(tf.tensor(embedding.data as Float32Array, [frame.length, ...embedding.shape])) as Tensor,
  );
  const values = (await probs.data()) as Float32Array;
  tf.dispose(probs);
  model.dispose();
  return new TensorColumn(Float32Array.from(values), [DEMO_SHAPES.length]);
}

function heldOutAccuracy(
  rows: { label: string[]; background: string[]; split: string[] },
  pred: string[],
): { planted: number; elsewhere: number } {
  const hits = { planted: [0, 0], elsewhere: [0, 0] };
  rows.label.forEach((label, i) => {
    if (rows.split[i] !== 'test') return;
    const h = rows.background[i] === PLANTED_BACKGROUND ? hits.planted : hits.elsewhere;
    h[0] += pred[i] === label ? 1 : 0;
    h[1]++;
  });
  return { planted: hits.planted[0] / hits.planted[1], elsewhere: hits.elsewhere[0] / hits.elsewhere[1] };
}

/** An SVG of one shape, randomly placed and sized, on a plain background. */
function shapeSvg(shape: string, background: string, width: number, height: number, rng: Random): string {
  const r = 22 + rng.int(12);
  const cx = r + 4 + rng.int(width - 2 * r - 8);
  const cy = r + 4 + rng.int(height - 2 * r - 8);
  const fill = SHAPE_COLOURS[rng.int(SHAPE_COLOURS.length)];
  const body =
    shape === 'circle'
      ? `<circle cx="${cx}" cy="${cy}" r="${r}"/>`
      : shape === 'square'
        ? `<rect x="${cx - r}" y="${cy - r}" width="${2 * r}" height="${2 * r}"/>`
        : `<polygon points="${cx},${cy - r} ${cx + r},${cy + r} ${cx - r},${cy + r}"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="${background}"/><g fill="${fill}">${body}</g></svg>`;
}

/** A 16-bit mono PCM WAV of {@link toneSample}. */
function toneWav(frequency: number): Buffer {
  const n = Math.round(TONE_SECONDS * DEMO_SAMPLE_RATE);
  const b = Buffer.alloc(44 + 2 * n);
  b.write('RIFF', 0, 'ascii');
  b.writeUInt32LE(36 + 2 * n, 4);
  b.write('WAVEfmt ', 8, 'ascii');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20); // PCM
  b.writeUInt16LE(1, 22); // mono
  b.writeUInt32LE(DEMO_SAMPLE_RATE, 24);
  b.writeUInt32LE(2 * DEMO_SAMPLE_RATE, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write('data', 36, 'ascii');
  b.writeUInt32LE(2 * n, 40);
  for (let k = 0; k < n; k++) b.writeInt16LE(toneSample(frequency, k), 44 + 2 * k);
  return b;
}

/** A NIfTI-1 uint8 volume of size³ voxels (1 mm): a bright ball in a dark box. */
function sphereNifti(size: number): Buffer {
  const b = Buffer.alloc(352 + size ** 3);
  b.writeInt32LE(348, 0);
  for (const [k, d] of [3, size, size, size, 1, 1, 1, 1].entries()) b.writeInt16LE(d, 40 + 2 * k);
  b.writeInt16LE(2, 70); // uint8
  b.writeInt16LE(8, 72);
  for (let k = 0; k < 8; k++) b.writeFloatLE(1, 76 + 4 * k); // pixdim: 1 mm voxels
  b.writeFloatLE(352, 108);
  b.write('n+1\0', 344, 'ascii');
  const c = (size - 1) / 2;
  for (let z = 0; z < size; z++)
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        const d = Math.hypot(x - c, y - c, z - c) / (size / 2);
        b[352 + x + size * (y + size * z)] = d < 0.7 ? 200 : 20;
      }
  return b;
}

/** A ring of n nodes with one chord, as node-link JSON. */
function ringGraph(n: number): object {
  const nodes = Array.from({ length: n }, (_, i) => ({ id: `n${i}` }));
  const links = nodes.map((_, i) => ({ source: `n${i}`, target: `n${(i + 1) % n}` }));
  links.push({ source: 'n0', target: `n${Math.floor(n / 2)}` });
  return { directed: false, multigraph: false, graph: {}, nodes, links };
}
