// Executors of map and embed: `npm run bench -- map [--quick] [--no-write]`.
//
// 1. map on a worker pool vs inline: a CPU-bound batched function (`churn` in bench/lib/map-work.ts,
//    20 000 logistic-map steps per row) over a float64 column, the same function named by module and
//    export on both executors. The pool (os.availableParallelism() threads) is started and warmed
//    before timing; its start-up (from TypeScript sources under tsx) is reported apart. Target: ≥ 1.7×
//    on 2 cores.
// 2. embed vs calling the model directly: the real ONNX encoder from src/node/models (MobileNetV2 from
//    the weights nsfwjs ships, converted to ONNX, run by onnxruntime-node on every core) over random
//    224 × 224 RGB images, batches of 16. "direct" is `encoder.encode(images.slice(s, s + 16))` in a
//    loop; "embed" is `df.embed('image', encoder, { batchSize: 16 })` on the same images. Target:
//    overhead ≤ 10%. Falls back to a small MLP built with onnx-builder if the models cannot load.
//
// Each timed repetition alternates the two sides; the table shows medians.
import { loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ScalarColumn } from '../src/core/column/scalar.js';
import { DataFrame } from '../src/core/frame/frame.js';
import type { Encoder } from '../src/core/models/encoder.js';
import { Random } from '../src/core/random.js';
import { encodeModel } from '../src/core/tensor/onnx-builder.js';
import { WorkerPoolExecutor } from '../src/node/exec/index.js';
import { STEPS } from './lib/map-work.js';
import { benchCommand, load, machine, writeSection } from './lib/results.js';
import { elapsed, median, ratio } from './lib/stats.js';

const WORK = new URL('./lib/map-work.ts', import.meta.url);

/** CPU seconds (user + system) of this process, all threads, while `fn` runs. */
async function cpuTime(fn: () => Promise<unknown>): Promise<number> {
  const before = process.cpuUsage();
  await fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1e6;
}

/**
 * The peer: the same work on bare worker_threads, hand-written: the column cut into one contiguous
 * part per thread, each part moved to its thread and back. What this machine allows right now.
 */
class BareWorkers {
  private readonly workers: Worker[];

  constructor(readonly size: number) {
    const code = `
      const { parentPort } = require('node:worker_threads');
      parentPort.on('message', (x) => {
        const out = new Float64Array(x.length);
        for (let i = 0; i < x.length; i++) {
          let v = x[i];
          const r = 3.7 + 0.2 * v;
          for (let s = 0; s < ${STEPS}; s++) v = r * v * (1 - v);
          out[i] = v;
        }
        parentPort.postMessage(out, [out.buffer]);
      });`;
    this.workers = Array.from({ length: size }, () => new Worker(code, { eval: true }));
  }

  run(x: Float64Array): Promise<Float64Array> {
    const part = Math.ceil(x.length / this.size);
    return Promise.all(
      this.workers.map(
        (w, k) =>
          new Promise<Float64Array>((resolve) => {
            w.once('message', resolve);
            const chunk = x.slice(k * part, Math.min(x.length, (k + 1) * part));
            w.postMessage(chunk, [chunk.buffer]);
          }),
      ),
    ).then((parts) => {
      const out = new Float64Array(x.length);
      for (const [k, p] of parts.entries()) out.set(p, k * part);
      return out;
    });
  }

  close(): Promise<unknown> {
    return Promise.all(this.workers.map((w) => w.terminate()));
  }
}

interface MapResult {
  rows: number;
  inline: number;
  pool: number;
  threads: number;
  startup: number;
  bare: number;
  /** CPU seconds of one run, all threads: inline and on the pool. */
  inlineCpu: number;
  poolCpu: number;
}

async function benchMap(quick: boolean): Promise<MapResult> {
  const rows = quick ? 8_000 : 20_000;
  const rounds = quick ? 3 : 5;
  const rng = new Random(1);
  const df = new DataFrame({ x: Float64Array.from({ length: rows }, () => 0.05 + 0.9 * rng.next()) });
  const fn = { module: WORK, export: 'churn' };
  const options = { batched: true, batchSize: 100, progressBar: false } as const;
  const pool = new WorkerPoolExecutor();
  const bare = new BareWorkers(pool.size);
  const x = (df.column('x') as ScalarColumn).values as Float64Array;
  try {
    const startup = await elapsed(() =>
      df.head(pool.size * 2).map(fn, { ...options, batchSize: 1, executor: pool }),
    );
    const reference = (await df.map(fn, options)).column('output').toArray();
    const inline: number[] = [];
    const workers: number[] = [];
    const bareTimes: number[] = [];
    if (JSON.stringify(Array.from(await bare.run(x))) !== JSON.stringify(reference))
      throw new Error('bare worker results differ from inline');
    // CPU time, all threads: the pool's extra work (messages, copies) independent of other load.
    await df.map(fn, { ...options, executor: pool }); // warm-up of the workers' JIT
    const inlineCpu = await cpuTime(() => df.map(fn, options));
    const poolCpu = await cpuTime(() => df.map(fn, { ...options, executor: pool }));
    for (let r = 0; r < rounds; r++) {
      inline.push(await elapsed(() => df.map(fn, options)));
      let out: DataFrame | null = null;
      workers.push(
        await elapsed(async () => {
          out = await df.map(fn, { ...options, executor: pool });
        }),
      );
      const got = (out as DataFrame | null)?.column('output').toArray();
      if (JSON.stringify(got) !== JSON.stringify(reference))
        throw new Error('worker results differ from inline');
      bareTimes.push(await elapsed(() => bare.run(x)));
    }
    return {
      rows,
      inline: median(inline),
      pool: median(workers),
      threads: pool.size,
      startup,
      bare: median(bareTimes),
      inlineCpu,
      poolCpu,
    };
  } finally {
    await pool.close();
    await bare.close();
  }
}

interface EmbedResult {
  model: string;
  images: number;
  direct: number;
  embed: number;
  /** Median over embed runs of (run time − time inside encode) / time inside encode. */
  ownShare: number;
}

async function realEncoder(): Promise<{ encoder: Encoder; model: string; inputs: unknown[] } | null> {
  try {
    const { createMobileNetV2Encoder } = await import('../src/node/models/mobilenet.js');
    const encoder = await createMobileNetV2Encoder({ runtime: 'onnx' });
    return { encoder, model: 'MobileNetV2 (nsfwjs weights) on onnxruntime-node, 1280-d', inputs: [] };
  } catch (e) {
    console.log(`MobileNetV2 encoder unavailable (${e instanceof Error ? e.message : e}); using an ONNX MLP`);
    return null;
  }
}

/** Fallback: a 2-layer MLP (512 → 1024 → 256, ReLU) as an ONNX graph, run by OnnxEncoder. */
async function mlpEncoder(): Promise<Encoder> {
  const { createOnnxEncoder } = await import('../src/node/models/onnx.js');
  const rng = new Random(3);
  const w = (n: number) => Float32Array.from({ length: n }, () => rng.next() - 0.5);
  const model = encodeModel({
    name: 'mlp',
    inputs: [{ name: 'x', type: 'float32', shape: ['n', 512] }],
    outputs: [{ name: 'y', type: 'float32', shape: ['n', 256] }],
    initializers: [
      { name: 'w1', type: 'float32', dims: [512, 1024], data: w(512 * 1024) },
      { name: 'w2', type: 'float32', dims: [1024, 256], data: w(1024 * 256) },
    ],
    nodes: [
      { op: 'MatMul', inputs: ['x', 'w1'], outputs: ['h'] },
      { op: 'Relu', inputs: ['h'], outputs: ['r'] },
      { op: 'MatMul', inputs: ['r', 'w2'], outputs: ['y'] },
    ],
  });
  return createOnnxEncoder({ model, modality: 'tensor', name: 'mlp' });
}

async function benchEmbed(quick: boolean): Promise<EmbedResult> {
  const rounds = quick ? 3 : 5;
  const batchSize = 16;
  const rng = new Random(2);
  const real = await realEncoder();
  const model = real?.encoder ?? (await mlpEncoder());
  // The same model behind a stopwatch, for both sides: embed's own time is its run minus this.
  let inside = 0;
  const encoder: Encoder = {
    name: model.name,
    dimensions: model.dimensions,
    modality: model.modality,
    async encode(batch) {
      const t = performance.now();
      const out = await model.encode(batch);
      inside += performance.now() - t;
      return out;
    },
  };
  const n = real ? (quick ? 32 : 64) : quick ? 2_048 : 8_192;
  const inputs: unknown[] = real
    ? Array.from({ length: n }, () => {
        const data = new Uint8Array(224 * 224 * 3);
        for (let i = 0; i < data.length; i++) data[i] = rng.nextUint32() & 0xff;
        return { data, width: 224, height: 224, channels: 3, shape: [224, 224, 3] };
      })
    : Array.from({ length: n }, () => Float32Array.from({ length: 512 }, () => rng.next()));
  const df = new DataFrame({ image: inputs });
  try {
    const direct = async () => {
      const out = new Float32Array(n * encoder.dimensions);
      for (let s = 0; s < n; s += batchSize)
        out.set(await encoder.encode(inputs.slice(s, s + batchSize)), s * encoder.dimensions);
      return out;
    };
    const viaEmbed = () => df.embed('image', encoder, { batchSize, progressBar: false });
    await direct(); // warm-up: sessions, arenas, threads
    const directTimes: number[] = [];
    const embedTimes: number[] = [];
    const ownShares: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? ['direct', 'embed'] : ['embed', 'direct'];
      for (const side of order)
        if (side === 'direct') directTimes.push(await elapsed(direct));
        else {
          inside = 0;
          const t = await elapsed(viaEmbed);
          embedTimes.push(t);
          ownShares.push((t * 1000 - inside) / inside);
        }
    }
    return {
      model: real?.model ?? 'ONNX MLP 512→1024→256 (onnx-builder) on onnxruntime-node',
      images: n,
      direct: median(directTimes),
      embed: median(embedTimes),
      ownShare: median(ownShares),
    };
  } finally {
    await model.dispose?.();
  }
}

export async function main(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const loadAtStart = load();
  console.log(`map executors; ${machine()}; load ${loadAtStart}\n`);

  const m = await benchMap(quick);
  const speedup = m.inline / m.pool;
  const mapTable = [
    '| rows | inline s | worker pool s | speed-up | target ≥ 1.7× | bare worker_threads s | bare speed-up | pool / bare time | CPU s inline | CPU s pool (all threads) | pool CPU / inline CPU |',
    '|---:|---:|---:|---:|:---:|---:|---:|---:|---:|---:|---:|',
    `| ${m.rows} | ${m.inline.toFixed(3)} | ${m.pool.toFixed(3)} | ${ratio(m.inline, m.pool)} | ${speedup >= 1.7 ? '✓' : '✗'} | ` +
      `${m.bare.toFixed(3)} | ${ratio(m.inline, m.bare)} | ${(m.pool / m.bare).toFixed(2)} | ` +
      `${m.inlineCpu.toFixed(3)} | ${m.poolCpu.toFixed(3)} | ${(m.poolCpu / m.inlineCpu).toFixed(2)} |`,
  ];
  console.log(mapTable.join('\n'));
  console.log(`(pool of ${m.threads} threads; start-up ${m.startup.toFixed(2)} s, not timed above)\n`);

  const e = await benchEmbed(quick);
  const overhead = e.embed / e.direct - 1;
  const embedTable = [
    '| model | inputs | direct encode s | df.embed s | embed / direct | target ≤ 1.10 | embed time outside encode |',
    '|---|---:|---:|---:|---:|:---:|---:|',
    `| ${e.model} | ${e.images} | ${e.direct.toFixed(3)} | ${e.embed.toFixed(3)} | ${(1 + overhead).toFixed(3)} | ` +
      `${overhead <= 0.1 ? '✓' : '✗'} | ${(100 * e.ownShare).toFixed(2)}% |`,
  ];
  console.log(embedTable.join('\n'));

  const body = [
    `Command: \`${benchCommand('map', args)}\`  `,
    `Date: ${new Date().toISOString().slice(0, 10)}  `,
    `Machine: ${machine()}; 1-min load average ${loadAtStart} at the start, ${loadavg()[0].toFixed(1)} at the end`,
    '',
    `**map: worker pool vs inline.** A CPU-bound batched function (20 000 logistic-map steps per row, batches`,
    `of 100 rows) named by module and export, run inline and on a \`WorkerPoolExecutor\` of ${m.threads} threads`,
    `(started and warmed before timing; start-up from TypeScript sources under tsx: ${m.startup.toFixed(1)} s).`,
    'Peer: the same loop on bare worker_threads (hand-written, one contiguous part per thread, moved there and',
    'back): the speed-up the machine allows at that moment. Worker results are checked equal to inline ones.',
    'Medians of alternating repetitions. The CPU columns',
    '(process.cpuUsage over one run, every thread) show the work the pool adds (messages, copies), which',
    'does not depend on other load: with CPU ratio c, a quiet machine with p free cores gives about p / c.',
    '',
    ...mapTable,
    '',
    '**embed vs the model called directly** on the same batches of 16 (inline executor; ONNX Runtime uses every core):',
    'the overhead of slicing the column, gathering each batch and assembling the tensor column. The last',
    "column is embed's own time (its run minus the time inside `encode`) relative to the time inside",
    '`encode`: the same overhead, measured within one run, so less exposed to other load than the wall ratio.',
    '',
    ...embedTable,
  ].join('\n');
  writeSection('map', args, body);
}
