// `npm run bench -- encoders [--quick] [--no-write]`: images per second of the built-in MobileNetV2
// image encoder (the pretrained network nsfwjs ships), on ONNX Runtime (our conversion of the Keras
// graph) and on TensorFlow.js's wasm backend, beside nsfwjs's own API running the same network
// (`NSFWJS.infer`, one image per call: the only way it takes images), measured in the same run.
// Inputs are 224 × 224 RGB images already decoded (pure model throughput), and, for ours, the same
// images as JPEG bytes (decode + resize with sharp included). Rounds alternate the runners so load
// from elsewhere falls on all alike; medians of the rounds.
import { availableParallelism } from 'node:os';
import sharp from 'sharp';
import type { Encoder } from '../src/core/models/encoder.js';
import { mobileNetV2Encoder } from '../src/node/models/mobilenet.js';
import { wasmTfjs } from '../src/node/models/tfjs-env.js';
import { benchCommand, load, machine, writeSection } from './lib/results.js';
import { median, ratio, table, timed } from './lib/stats.js';

function images(n: number): { data: Uint8Array; width: number; height: number; channels: 3 }[] {
  let s = 12345;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
  return Array.from({ length: n }, () => {
    const data = new Uint8Array(224 * 224 * 3);
    // Smooth random blobs rather than white noise: closer to photos, and JPEG-friendly.
    const cx = next() % 224;
    const cy = next() % 224;
    const hue = next() % 256;
    for (let y = 0; y < 224; y++)
      for (let x = 0; x < 224; x++) {
        const d = Math.hypot(x - cx, y - cy);
        const o = (y * 224 + x) * 3;
        data[o] = (hue + d) & 255;
        data[o + 1] = (255 - d) & 255;
        data[o + 2] = (x + y) & 255;
      }
    return { data, width: 224, height: 224, channels: 3 as const };
  });
}

export async function main(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const n = quick ? 16 : 64;
  const rounds = quick ? 3 : 5;
  const startLoad = load();
  const decoded = images(n);
  const jpegs = await Promise.all(
    decoded.map(async (img) => {
      const buf = await sharp(img.data, { raw: { width: 224, height: 224, channels: 3 } })
        .resize(320, 240, { fit: 'fill' })
        .jpeg({ quality: 90 })
        .toBuffer();
      return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    }),
  );

  const onnx = mobileNetV2Encoder({ runtime: 'onnx' });
  const tfjs = mobileNetV2Encoder({ runtime: 'tfjs' });
  const tf = await wasmTfjs();
  const { load: loadNsfw } = await import('nsfwjs/core');
  const { MobileNetV2Model } = await import('nsfwjs/models/mobilenet_v2');
  const info = console.info;
  console.info = () => {};
  const nsfw = await loadNsfw('MobileNetV2', { modelDefinitions: [MobileNetV2Model] });
  console.info = info;
  const nsfwFeatures = async (batch: typeof decoded) => {
    for (const img of batch) {
      const x = tf.tensor3d(img.data, [224, 224, 3], 'int32');
      const y = nsfw.infer(x, 'flatten_1');
      await y.data();
      y.dispose();
      x.dispose();
    }
  };

  const runners: [string, () => Promise<unknown>][] = [
    ['Tessera, ONNX Runtime (decoded)', () => onnx.encode(decoded)],
    ['Tessera, ONNX Runtime (JPEG bytes)', () => onnx.encode(jpegs)],
    ['Tessera, TensorFlow.js wasm (decoded)', () => tfjs.encode(decoded)],
    ['nsfwjs infer (decoded)', () => nsfwFeatures(decoded)],
  ];
  // Warm-up: loads every model and compiles kernels.
  for (const [, run] of runners) await run();
  const times = new Map<string, number[]>(runners.map(([name]) => [name, []]));
  for (let r = 0; r < rounds; r++)
    for (const [name, run] of runners) times.get(name)?.push((await timed(run)).seconds);
  const peer = n / median(times.get('nsfwjs infer (decoded)') as number[]);
  const rows = runners.map(([name]) => {
    const ips = n / median(times.get(name) as number[]);
    return [name, ips.toFixed(1), ratio(ips, peer)];
  });
  const results = table(['runner', 'images/s', '× nsfwjs'], rows, 1);
  console.log(results);
  await Promise.all([onnx, tfjs].map((e: Encoder) => e.dispose?.()));
  // nsfw.dispose() would fail: nsfwjs disposes its cut models and then the full one, which shares their layers.

  writeSection(
    'encoders',
    args,
    [
      `\`${benchCommand('encoders', args)}\`, ${new Date().toISOString().slice(0, 10)}, ${machine()}, load average ${startLoad} at the start, ${load()} at the end.`,
      '',
      `MobileNetV2 image embeddings (1280-d, layer \`flatten_1\`) of ${n} images of 224 × 224, batches of 16, median of ${rounds} rounds after a warm-up. ONNX Runtime: ${availableParallelism()} threads; TensorFlow.js wasm (SIMD) and nsfwjs: one thread (the wasm backend has no threads in Node). nsfwjs takes one image per call. "JPEG bytes": 320 × 240 JPEGs decoded and stretched to 224 × 224 by sharp inside the encoder.`,
      '',
      results,
    ].join('\n'),
  );
}
