// SLIDE's LSH sparse output layer against the dense output layer, and MONGOOSE's drift-triggered
// rehash against SLIDE's fixed interval: `npm run bench -- slide [--quick] [--no-write]
// [--classes N] [--epochs E] [--only dense,simhash,...]`.
//
// Task (seeded): extreme classification with `classes` classes (100k in the full run) in d = 128.
// Class c has a centroid μ_c ~ N(0, I/d); a sample of class c is x = μ_c + σ·ε, ε ~ N(0, I/d), σ = 0.7
// (so cos(x, μ_c) ≈ 0.82, while the best of 100k wrong centroids reaches ≈ 0.42). One epoch shows every
// class once, in a random order, with fresh noise; the test set is fresh samples of random classes.
// Every run trains a softmax output layer (no hidden layer: the input is the feature vector) from the
// same initial weights (N(0, 0.01²)), with the same optimizer, batch size and number of samples:
//   dense     logits = X·W on ONNX Runtime (nodeKernels(): onnxruntime-node MatMul, all cores), softmax
//             over all classes and the update in TypeScript, gradient Xᵀ·G on ONNX Runtime.
//   torch     the same dense layer and SGD in PyTorch (Debian's python3-torch, CPU, all cores),
//             the peer that plays TensorFlow-on-CPU of the SLIDE paper.
//   slide-*   SlideLayer: LSH active sets (SimHash or DWTA tables over the neurons), forward, softmax,
//             backward and update on the active set only (TypeScript, one thread), labels always active.
// Accuracy: top-1 on the test set, scoring all classes with the trained weights (the same dense
// predictor for every run), and for the sparse runs also SLIDE's sparse inference (best logit within
// the LSH active set). Times exclude data generation and evaluation; rehashes are included.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FixedIntervalRehash,
  MongooseScheduler,
  type RehashScheduler,
} from '../src/core/efficient/layers/index.js';
import { SlideLayer } from '../src/core/efficient/layers/slide-layer.js';
import { DwtaHash } from '../src/core/lsh/dwta.js';
import type { NeuronHash } from '../src/core/lsh/neuron-hash.js';
import { SimHash } from '../src/core/lsh/simhash.js';
import { Random } from '../src/core/random.js';
import type { TensorKernels } from '../src/core/tensor/kernels.js';
import { nodeKernels } from '../src/node/tensor/node-kernels.js';
import { countOption, numberOption, textOption } from './lib/args.js';
import { DEBIAN_PYTHON, runPython } from './lib/python.js';
import { benchCommand, machine, writeSection } from './lib/results.js';
import { elapsed, median, ratio, table } from './lib/stats.js';

const DIM = 128;
const NOISE = 0.7;
const BATCH = 128;
const INIT_STD = 0.01;

interface Config {
  classes: number;
  epochs: number;
  testSize: number;
  learningRate: number;
  runs: string[];
  schedulerClasses: number;
  schedulerEpochs: number;
}

interface Task {
  centroids: Float32Array;
  /** Per epoch: inputs [classes, d] and labels. */
  epochs: { x: Float32Array; y: Int32Array }[];
  test: { x: Float32Array; y: Int32Array };
  init: Float32Array;
}

function makeTask(cfg: Config): Task {
  const rng = new Random(1);
  const { classes } = cfg;
  const std = 1 / Math.sqrt(DIM);
  const centroids = Float32Array.from({ length: classes * DIM }, () => rng.normal() * std);
  const sample = (labels: Int32Array) => {
    const x = new Float32Array(labels.length * DIM);
    for (let i = 0; i < labels.length; i++) {
      const c = labels[i] * DIM;
      for (let k = 0; k < DIM; k++) x[i * DIM + k] = centroids[c + k] + NOISE * std * rng.normal();
    }
    return x;
  };
  const epochs = [];
  for (let e = 0; e < cfg.epochs; e++) {
    const y = Int32Array.from({ length: classes }, (_, i) => i);
    for (let i = classes - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [y[i], y[j]] = [y[j], y[i]];
    }
    epochs.push({ x: sample(y), y });
  }
  const ty = Int32Array.from({ length: cfg.testSize }, () => rng.int(classes));
  const init = Float32Array.from({ length: classes * DIM }, () => rng.normal() * INIT_STD);
  return { centroids, epochs, test: { x: sample(ty), y: ty }, init };
}

/** A trainer: one epoch of SGD steps, and the weights `[classes, d]` plus bias for evaluation. */
interface Trainer {
  name: string;
  trainEpoch(x: Float32Array, y: Int32Array): Promise<void>;
  weights(): { w: Float32Array; b: Float32Array };
  sparsePredict?(x: Float32Array, rows: number): Promise<Int32Array>;
  stats?(): string;
  layer?: SlideLayer;
}

/** The dense softmax layer: products on ONNX Runtime, softmax and update in TypeScript. */
function denseTrainer(task: Task, classes: number, lr: number, kernels: TensorKernels): Trainer {
  // Stored transposed, [d, classes], so both products are plain MatMuls.
  const wt = new Float32Array(DIM * classes);
  for (let c = 0; c < classes; c++)
    for (let k = 0; k < DIM; k++) wt[k * classes + c] = task.init[c * DIM + k];
  const bias = new Float32Array(classes);
  const xt = new Float32Array(DIM * BATCH);
  return {
    name: 'dense',
    async trainEpoch(x, y) {
      for (let s = 0; s + BATCH <= y.length; s += BATCH) {
        const xb = x.subarray(s * DIM, (s + BATCH) * DIM);
        const g = await kernels.matmul(xb, wt, BATCH, DIM, classes);
        for (let i = 0; i < BATCH; i++) {
          const o = i * classes;
          let max = Number.NEGATIVE_INFINITY;
          for (let c = 0; c < classes; c++) {
            const v = g[o + c] + bias[c];
            g[o + c] = v;
            if (v > max) max = v;
          }
          let z = 0;
          for (let c = 0; c < classes; c++) {
            const e = Math.exp(g[o + c] - max);
            g[o + c] = e;
            z += e;
          }
          const scale = 1 / (z * BATCH);
          for (let c = 0; c < classes; c++) g[o + c] *= scale;
          g[o + y[s + i]] -= 1 / BATCH;
        }
        for (let i = 0; i < BATCH; i++) for (let k = 0; k < DIM; k++) xt[k * BATCH + i] = xb[i * DIM + k];
        const gw = await kernels.matmul(xt, g, DIM, BATCH, classes);
        for (let i = 0; i < wt.length; i++) wt[i] -= lr * gw[i];
        for (let i = 0; i < BATCH; i++) {
          const o = i * classes;
          for (let c = 0; c < classes; c++) bias[c] -= lr * g[o + c];
        }
      }
    },
    weights() {
      const w = new Float32Array(classes * DIM);
      for (let c = 0; c < classes; c++) for (let k = 0; k < DIM; k++) w[c * DIM + k] = wt[k * classes + c];
      return { w, b: bias };
    },
  };
}

const TORCH_SCRIPT = `
import json, sys, time
import numpy as np, torch
d, classes, epochs, test_n, batch, lr, threads = json.loads(sys.argv[2])
torch.set_num_threads(threads)
f = lambda name, dtype, shape: torch.from_numpy(np.fromfile(sys.argv[1] + "/" + name, dtype=dtype).reshape(shape))
w = f("init", np.float32, (classes, d)).clone().requires_grad_(True)
b = torch.zeros(classes, requires_grad=True)
tx, ty = f("test_x", np.float32, (test_n, d)), f("test_y", np.int32, (test_n,)).long()
out = []
for e in range(epochs):
    x, y = f("x%d" % e, np.float32, (classes, d)), f("y%d" % e, np.int32, (classes,)).long()
    t0 = time.perf_counter()
    for s in range(0, classes - batch + 1, batch):
        loss = torch.nn.functional.cross_entropy(x[s:s+batch] @ w.t() + b, y[s:s+batch])
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad; b -= lr * b.grad
            w.grad = None; b.grad = None
    sec = time.perf_counter() - t0
    with torch.no_grad():
        acc = sum(int(((tx[i:i+64] @ w.t() + b).argmax(1) == ty[i:i+64]).sum()) for i in range(0, test_n, 64)) / test_n
    out.append([sec, acc])
    print("  torch epoch %d: %.1f s, top-1 %.1f%%" % (e + 1, sec, 100 * acc), file=sys.stderr, flush=True)
import re
blas = re.search(r"BLAS_INFO=(\\w+)", torch.__config__.show())
print(json.dumps({"version": torch.__version__, "blas": blas.group(1) if blas else "?", "epochs": out}))
`;

/** The dense layer in PyTorch on the same data (written to a temporary folder), or undefined. */
async function torchRun(
  task: Task,
  cfg: Config,
): Promise<{ version: string; blas: string; epochs: [number, number][] } | undefined> {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-slide-'));
  try {
    const put = (name: string, a: Float32Array | Int32Array) =>
      writeFileSync(join(dir, name), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    put('init', task.init);
    put('test_x', task.test.x);
    put('test_y', task.test.y);
    task.epochs.forEach((e, i) => {
      put(`x${i}`, e.x);
      put(`y${i}`, e.y);
    });
    const params = [
      DIM,
      cfg.classes,
      task.epochs.length,
      cfg.testSize,
      BATCH,
      cfg.learningRate,
      availableParallelism(),
    ];
    try {
      return JSON.parse(
        await runPython(DEBIAN_PYTHON, TORCH_SCRIPT, [dir, JSON.stringify(params)], { echo: true }),
      );
    } catch (e) {
      console.log(`torch: not measured (${e instanceof Error ? e.message : e}; is python3-torch installed?)`);
      return undefined;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function slideTrainer(
  name: string,
  task: Task,
  classes: number,
  lr: number,
  hash: NeuronHash,
  scheduler: RehashScheduler,
  kernels: TensorKernels,
): Promise<Trainer> {
  const layer = await SlideLayer.create({
    inputDim: DIM,
    outputDim: classes,
    hash,
    weights: task.init,
    optimizer: { kind: 'sgd', learningRate: lr },
    scheduler,
    kernels,
    seed: 2,
  });
  let active = 0;
  let steps = 0;
  return {
    name,
    async trainEpoch(x, y) {
      for (let s = 0; s + BATCH <= y.length; s += BATCH) {
        const r = await layer.trainStep(
          x.subarray(s * DIM, (s + BATCH) * DIM),
          BATCH,
          y.subarray(s, s + BATCH),
        );
        active += r.meanActive;
        steps++;
      }
    },
    weights: () => ({ w: layer.weights, b: layer.bias }),
    sparsePredict: (x, rows) => layer.predict(x, rows, true),
    stats: () =>
      `mean active ${(active / Math.max(steps, 1)).toFixed(0)}, ${layer.rehashes} rehashes ` +
      `(${(layer.rehashMilliseconds / 1e3).toFixed(1)} s)`,
    layer,
  };
}

async function accuracy(
  kernels: TensorKernels,
  w: Float32Array,
  b: Float32Array,
  classes: number,
  test: { x: Float32Array; y: Int32Array },
): Promise<number> {
  const n = test.y.length;
  let right = 0;
  const chunk = 64;
  for (let i0 = 0; i0 < n; i0 += chunk) {
    const rows = Math.min(chunk, n - i0);
    const logits = await kernels.matmul(test.x.subarray(i0 * DIM, (i0 + rows) * DIM), w, rows, DIM, classes, {
      transposeB: true,
    });
    for (let r = 0; r < rows; r++) {
      let best = 0;
      let bestV = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < classes; c++) {
        const v = logits[r * classes + c] + b[c];
        if (v > bestV) {
          bestV = v;
          best = c;
        }
      }
      if (best === test.y[i0 + r]) right++;
    }
  }
  return right / n;
}

interface Row {
  name: string;
  epochSeconds: number[];
  accuracy: number[];
  sparseAccuracy?: number;
  stats: string;
}

function parse(args: string[]): Config & { quick: boolean } {
  const quick = args.includes('--quick');
  const classes = countOption(args, '--classes', quick ? 2000 : 100_000);
  return {
    quick,
    classes,
    epochs: countOption(args, '--epochs', quick ? 2 : 1),
    testSize: quick ? 500 : 2000,
    learningRate: numberOption(args, '--lr', 32),
    runs: (textOption(args, '--only') ?? 'dense,torch,slide-simhash,slide-dwta').split(','),
    schedulerClasses: countOption(args, '--scheduler-classes', quick ? 2000 : 20_000),
    schedulerEpochs: quick ? 2 : 4,
  };
}

export async function main(args: string[]): Promise<void> {
  const cfg = parse(args);
  const loadAtStart = loadavg()[0].toFixed(1);
  const kernels = nodeKernels();
  console.log(
    `slide: ${cfg.classes} classes, d=${DIM}, ${cfg.epochs} epochs of ${cfg.classes} samples, batch ${BATCH}, ` +
      `SGD lr ${cfg.learningRate}; ${machine()}; load ${loadAtStart}`,
  );
  const task = makeTask(cfg);
  const { classes } = cfg;
  // Hash settings: about 2^K ≥ classes/16 buckets per SimHash table; DWTA as in SLIDE (bins of 8).
  const simK = Math.max(6, Math.round(Math.log2(classes / 16)));
  const dwtaK = Math.max(2, Math.round(Math.log2(classes / 4) / 3));
  const tables = 20;
  const rehashEvery = 50;
  const rows: Row[] = [];
  for (const run of cfg.runs) {
    let trainer: Trainer;
    if (run === 'torch') {
      const result = await torchRun(task, cfg);
      if (result) {
        rows.push({
          name: `torch ${result.version} (BLAS_INFO=${result.blas})`,
          epochSeconds: result.epochs.map((e) => e[0]),
          accuracy: result.epochs.map((e) => e[1]),
          stats: 'dense, PyTorch CPU',
        });
      }
      continue;
    }
    if (run === 'dense') trainer = denseTrainer(task, classes, cfg.learningRate, kernels);
    else if (run === 'slide-simhash' || run === 'slide-simhash-mongoose') {
      const hash = new SimHash({ dim: DIM, hashesPerTable: simK, tables, seed: 3 });
      const scheduler = run.endsWith('mongoose')
        ? new MongooseScheduler({ threshold: 0.01, seed: 4 })
        : new FixedIntervalRehash(rehashEvery);
      trainer = await slideTrainer(run, task, classes, cfg.learningRate, hash, scheduler, kernels);
    } else if (run === 'slide-dwta') {
      const hash = new DwtaHash({ dim: DIM, hashesPerTable: dwtaK, tables, binSize: 8, seed: 3 });
      trainer = await slideTrainer(
        run,
        task,
        classes,
        cfg.learningRate,
        hash,
        new FixedIntervalRehash(rehashEvery),
        kernels,
      );
    } else throw new Error(`unknown run "${run}"`);
    const row: Row = { name: run, epochSeconds: [], accuracy: [], stats: '' };
    for (const [e, epoch] of task.epochs.entries()) {
      row.epochSeconds.push(await elapsed(() => trainer.trainEpoch(epoch.x, epoch.y)));
      const { w, b } = trainer.weights();
      row.accuracy.push(await accuracy(kernels, w, b, classes, task.test));
      console.log(
        `  ${run} epoch ${e + 1}: ${row.epochSeconds[e].toFixed(1)} s, top-1 ${(100 * row.accuracy[e]).toFixed(1)}%` +
          (trainer.stats ? `, ${trainer.stats()}` : ''),
      );
    }
    if (trainer.sparsePredict) {
      const p = await trainer.sparsePredict(task.test.x, task.test.y.length);
      row.sparseAccuracy = p.reduce((s, v, i) => s + (v === task.test.y[i] ? 1 : 0), 0) / p.length;
    }
    row.stats = trainer.stats?.() ?? '';
    rows.push(row);
  }
  const dense = rows.find((r) => r.name === 'dense');
  const torch = rows.find((r) => r.name.startsWith('torch'));
  const header = [
    'layer',
    's / epoch (median)',
    'samples/s',
    'vs dense',
    'vs torch',
    ...task.epochs.map((_, e) => `top-1 ep ${e + 1}`),
    'sparse inference top-1',
    'notes',
  ];
  const body: string[][] = [];
  for (const r of rows) {
    const sec = median(r.epochSeconds);
    body.push([
      r.name,
      sec.toFixed(1),
      (classes / sec).toFixed(0),
      dense ? ratio(median(dense.epochSeconds), sec) : '-',
      torch ? ratio(median(torch.epochSeconds), sec) : '-',
      ...r.accuracy.map((a) => `${(100 * a).toFixed(1)}%`),
      r.sparseAccuracy === undefined ? '-' : `${(100 * r.sparseAccuracy).toFixed(1)}%`,
      r.stats,
    ]);
  }
  const text = table(header, body, 1);
  console.log(`\n${text}`);
  const verdict = summary(rows, dense, torch);
  console.log(`\n${verdict}`);
  const schedulerText = cfg.schedulerClasses > 0 ? await schedulers(cfg, kernels) : '';
  const loadAtEnd = loadavg()[0].toFixed(1);
  writeSection(
    'slide',
    args,
    [
      `Command: \`${benchCommand('slide', args)}\`  `,
      `Date: ${new Date().toISOString().slice(0, 10)}  `,
      `Machine: ${machine()}; 1-min load average ${loadAtStart} at the start, ${loadAtEnd} at the end`,
      '',
      `Task: ${classes} classes, d = ${DIM}, x = μ_c + ${NOISE}·ε (μ, ε ~ N(0, I/d)); each epoch shows every class once; ` +
        `batch ${BATCH}, SGD lr ${cfg.learningRate}, same initial weights; test ${cfg.testSize} fresh samples. ` +
        `SimHash K=${simK}, DWTA K=${dwtaK} (bins of 8), L=${tables} tables, buckets of 128; rehash every ${rehashEvery} steps ` +
        'or (mongoose) when > 1% of 10 tracked bits of 1000 sampled neurons changed. Top-1 scores all classes; ' +
        '"sparse inference" scores only the LSH active set.',
      '',
      text,
      '',
      verdict,
      '',
      schedulerText,
      '',
      PAPER_NOTE,
    ].join('\n'),
  );
}

/**
 * MONGOOSE's scheduler against fixed intervals: the same SimHash SLIDE layer trained for several
 * epochs, counting rehashes per epoch and the time they take.
 */
async function schedulers(cfg: Config, kernels: TensorKernels): Promise<string> {
  const classes = cfg.schedulerClasses;
  const task = makeTask({ ...cfg, classes, epochs: cfg.schedulerEpochs });
  const simK = Math.max(6, Math.round(Math.log2(classes / 16)));
  const runs: [string, () => RehashScheduler][] = [
    ['fixed every 10 steps', () => new FixedIntervalRehash(10)],
    ['fixed every 50 steps', () => new FixedIntervalRehash(50)],
    ['fixed every 200 steps', () => new FixedIntervalRehash(200)],
    ['mongoose 1%', () => new MongooseScheduler({ threshold: 0.01, seed: 4 })],
    ['mongoose 5%', () => new MongooseScheduler({ threshold: 0.05, seed: 4 })],
  ];
  console.log(`\nschedulers: ${classes} classes, ${cfg.schedulerEpochs} epochs, SimHash K=${simK}, L=20`);
  const header = [
    'rehash schedule',
    'rehashes per epoch',
    'rehash s',
    'train s (all epochs)',
    'top-1',
    'sparse inference top-1',
  ];
  const body: string[][] = [];
  for (const [name, make] of runs) {
    const hash = new SimHash({ dim: DIM, hashesPerTable: simK, tables: 20, seed: 3 });
    const trainer = await slideTrainer(name, task, classes, cfg.learningRate, hash, make(), kernels);
    const layer = trainer.layer!;
    const perEpoch: number[] = [];
    let seconds = 0;
    for (const epoch of task.epochs) {
      const before = layer.rehashes;
      seconds += await elapsed(() => trainer.trainEpoch(epoch.x, epoch.y));
      perEpoch.push(layer.rehashes - before);
    }
    const top1 = await accuracy(kernels, layer.weights, layer.bias, classes, task.test);
    const p = await layer.predict(task.test.x, task.test.y.length, true);
    const sparse = p.reduce((s, v, i) => s + (v === task.test.y[i] ? 1 : 0), 0) / p.length;
    const row = [
      name,
      perEpoch.join(' / '),
      (layer.rehashMilliseconds / 1e3).toFixed(1),
      seconds.toFixed(1),
      `${(100 * top1).toFixed(1)}%`,
      `${(100 * sparse).toFixed(1)}%`,
    ];
    console.log(`  ${row.join(', ')}`);
    body.push(row);
  }
  const text = table(header, body, 1);
  console.log(`\n${text}`);
  return [
    `Rehash schedules: ${classes} classes, ${cfg.schedulerEpochs} epochs, SimHash K=${simK}, L=20, otherwise as above ` +
      `(${Math.floor(classes / BATCH)} steps per epoch).`,
    '',
    text,
  ].join('\n');
}

/** What the SLIDE and MONGOOSE papers claim, for the comparison under the tables. */
const PAPER_NOTE = [
  'Paper claims (reference notes): SLIDE (Amazon-670K, 135,909 → 128 → 670,091, K 6, L 50, DWTA) on a',
  '44-core CPU reaches any accuracy faster than TensorFlow on a V100 (1 h vs 3.5 h) and is more than 10×',
  'faster than TensorFlow on the same CPU; MONGOOSE claims up to 6.5× speed-up, 6× less memory and up to',
  '8% better accuracy than earlier LSH approaches, from its drift-triggered rehashing and learnable hash.',
  'Here SLIDE runs on one JavaScript thread while the dense layer uses ONNX Runtime on all cores (2), so',
  "the ratio is SLIDE's work saving minus JavaScript's speed deficit; the paper's ratio also counts 44",
  'cores of HOGWILD updates against a dense GPU or CPU peer.',
].join('\n');

/** The speed ratio of each sparse run to the dense runs and whether it reached similar accuracy. */
function summary(rows: Row[], dense: Row | undefined, torch: Row | undefined): string {
  const lines: string[] = [];
  const last = (r: Row) => r.accuracy[r.accuracy.length - 1];
  for (const r of rows) {
    if (!r.name.startsWith('slide')) continue;
    const sec = median(r.epochSeconds);
    const parts = [dense && ['the dense layer (ONNX Runtime)', dense], torch && ['PyTorch', torch]]
      .filter((p): p is [string, Row] => Boolean(p))
      .map(([name, peer]) => {
        const speed = median(peer.epochSeconds) / sec;
        const gap = 100 * (last(r) - last(peer));
        const similar =
          Math.abs(gap) <= 2 ? 'similar accuracy' : gap > 0 ? 'higher accuracy' : 'lower accuracy';
        return `${speed >= 1 ? `${speed.toFixed(2)}× faster` : `${(1 / speed).toFixed(2)}× slower`} than ${name}, ${similar} (${gap >= 0 ? '+' : ''}${gap.toFixed(1)} points top-1)`;
      });
    if (parts.length > 0) lines.push(`- ${r.name}: ${parts.join('; ')}.`);
  }
  return lines.length
    ? `Per epoch, same samples, "similar" meaning within 2 points of top-1:\n${lines.join('\n')}`
    : '';
}
