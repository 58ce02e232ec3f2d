// `npm run bench -- eval [--quick] [--no-write] [--python PATH]`: model-evaluation metrics and k-means beside numpy,
// measured in the same run. Both sides compute the same quantities from the same data (written
// by this script to temporary files and loaded by numpy before timing): macro F1 from a confusion
// matrix, binary and one-vs-rest ROC-AUC from average ranks, clipped log-loss, 15-bin ECE, and
// k-means (k-means++ start, then a fixed number of Lloyd iterations). numpy is timed inside Python
// with time.perf_counter; Tessera with performance.now in this process; each number is the median
// of the repetitions. Tessera runs on one thread; numpy's matrix product (k-means) may use several.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  classificationReport,
  expectedCalibrationError,
  kmeans,
  logLoss,
  Random,
  rocAuc,
  TensorColumn,
} from '../src/index.js';
import { describeNumpy, numpyPython, runPython } from './lib/python.js';
import { benchCommand, machine, writeSection } from './lib/results.js';
import { median, ratio, table, timed } from './lib/stats.js';

interface Sizes {
  /** Rows of the classification data. */
  n: number;
  /** Classes. */
  k: number;
  /** k-means: rows, dimensions, clusters, Lloyd iterations. */
  km: { n: number; d: number; k: number; iterations: number };
  reps: number;
}

const FULL: Sizes = { n: 1_000_000, k: 10, km: { n: 100_000, d: 32, k: 16, iterations: 10 }, reps: 5 };
const QUICK: Sizes = { n: 100_000, k: 10, km: { n: 20_000, d: 32, k: 16, iterations: 5 }, reps: 3 };

// Reads the data files, then prints one JSON object: per task, the seconds of each repetition and
// the value computed (so the two sides can be checked against each other).
const NUMPY = `
import json, sys, time
import numpy as np
d, n, k, reps, kn, kd, kk, iters = sys.argv[1], *map(int, sys.argv[2:9])
y = np.fromfile(f'{d}/y.bin', dtype=np.int32)
p = np.fromfile(f'{d}/p.bin', dtype=np.int32)
P = np.fromfile(f'{d}/probs.bin', dtype=np.float32).reshape(n, k).astype(np.float64)
yb = np.fromfile(f'{d}/yb.bin', dtype=np.int32)
s = np.fromfile(f'{d}/s.bin', dtype=np.float64)
X = np.fromfile(f'{d}/x.bin', dtype=np.float32).reshape(kn, kd)

def macro_f1():
    cm = np.bincount(y * k + p, minlength=k * k).reshape(k, k)
    tp = np.diag(cm); pred = cm.sum(0); true = cm.sum(1)
    return float(np.mean(np.where(pred + true > 0, 2 * tp / np.maximum(pred + true, 1), 0)))

def auc(pos, score):
    order = np.argsort(score, kind='stable')
    ss = score[order]
    starts = np.flatnonzero(np.r_[True, ss[1:] != ss[:-1]])
    ends = np.r_[starts[1:], len(ss)]
    mean_rank = (starts + 1 + ends) / 2
    ranks = np.empty(len(ss)); ranks[order] = np.repeat(mean_rank, ends - starts)
    npos = pos.sum(); nneg = len(pos) - npos
    return float((ranks[pos].sum() - npos * (npos + 1) / 2) / (npos * nneg))

def auc_binary():
    return auc(yb == 1, s)

def auc_ovr():
    return float(np.mean([auc(y == c, P[:, c]) for c in range(k)]))

def log_loss():
    return float(-np.mean(np.log(np.clip(P[np.arange(n), y], 1e-15, 1 - 1e-15))))

def ece():
    conf = P.max(1); hat = P.argmax(1)
    b = np.clip(np.ceil(conf * 15).astype(np.int64) - 1, 0, 14)
    cnt = np.bincount(b, minlength=15)
    acc = np.bincount(b, weights=(hat == y), minlength=15)
    cs = np.bincount(b, weights=conf, minlength=15)
    m = cnt > 0
    return float(np.sum(np.abs(acc[m] - cs[m])) / n)

def km():
    rng = np.random.default_rng(0)
    C = np.empty((kk, kd)); C[0] = X[rng.integers(kn)]
    near = ((X - C[0]) ** 2).sum(1)
    for c in range(1, kk):
        C[c] = X[rng.choice(kn, p=near / near.sum())]
        near = np.minimum(near, ((X - C[c]) ** 2).sum(1))
    xx = (X.astype(np.float64) ** 2).sum(1)
    for _ in range(iters + 1):
        Cf = C.astype(np.float32)
        dist = (Cf ** 2).sum(1)[None, :] - 2 * (X @ Cf.T)
        lab = dist.argmin(1)
        if _ == iters:
            break
        for c in range(kk):
            m = lab == c
            if m.any():
                C[c] = X[m].mean(0)
    return float((xx + (C ** 2).sum(1)[lab] - 2 * np.einsum('ij,ij->i', X, C[lab])).sum())

out = {}
for name, f in [('macro F1', macro_f1), ('ROC-AUC binary', auc_binary), ('ROC-AUC one-vs-rest', auc_ovr),
                ('log-loss', log_loss), ('ECE', ece), ('k-means', km)]:
    f()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter(); v = f(); times.append(time.perf_counter() - t0)
    out[name] = {'times': times, 'value': v}
print(json.dumps(out))
`;

async function timeIt(f: () => unknown, reps: number): Promise<{ seconds: number; value: number }> {
  let value = (await f()) as number; // warm-up: V8 optimises the loops
  const times: number[] = [];
  for (let r = 0; r < reps; r++) {
    const run = await timed(f);
    value = run.value as number;
    times.push(run.seconds);
  }
  return { seconds: median(times), value };
}

export async function main(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const sz = quick ? QUICK : FULL;
  const loadAtStart = loadavg()[0].toFixed(1);
  const { n, k, km } = sz;

  // Data: labels uniform over k classes, predictions right 70% of the time, probabilities uniform
  // then normalised, binary scores quantised to 1000 levels (so ties are common), k-means rows from
  // k Gaussian blobs.
  const rng = new Random(1);
  const y = new Int32Array(n).map(() => rng.int(k));
  const p = y.map((v) => (rng.next() < 0.7 ? v : rng.int(k)));
  const probs = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += probs[i * k + j] = rng.next() + (j === y[i] ? 0.5 : 0);
    for (let j = 0; j < k; j++) probs[i * k + j] /= sum;
  }
  const yb = y.map((v) => v % 2);
  const s = new Float64Array(n).map((_, i) => Math.round((rng.next() + 0.3 * yb[i]) * 1000) / 1000);
  const centers = Array.from({ length: km.k * km.d }, () => rng.normal() * 3);
  const x = new Float32Array(km.n * km.d);
  for (let i = 0; i < km.n; i++) {
    const c = rng.int(km.k);
    for (let j = 0; j < km.d; j++) x[i * km.d + j] = centers[c * km.d + j] + rng.normal();
  }
  const dir = mkdtempSync(join(tmpdir(), 'tessera-bench-eval-'));
  const files: Record<string, ArrayBufferView> = { y, p, probs, yb, s, x };
  for (const [name, a] of Object.entries(files))
    writeFileSync(join(dir, `${name}.bin`), new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

  const classes = Array.from({ length: k }, (_, j) => j);
  const probsColumn = new TensorColumn(probs, [k]);
  const xColumn = new TensorColumn(x, [km.d]);
  const tasks: [string, string, () => unknown][] = [
    ['macro F1', `${n} rows, ${k} classes`, () => classificationReport(y, p, { classes }).macro.f1],
    ['ROC-AUC binary', `${n} rows`, () => rocAuc(yb, s)],
    ['ROC-AUC one-vs-rest', `${n} × ${k}`, () => rocAuc(y, probsColumn)],
    ['log-loss', `${n} × ${k}`, () => logLoss(y, probsColumn)],
    ['ECE', `${n} × ${k}, 15 bins`, () => expectedCalibrationError(y, probsColumn)],
    [
      'k-means',
      `${km.n} × ${km.d}, k ${km.k}, ${km.iterations} iterations`,
      async () =>
        (await kmeans(xColumn, { k: km.k, seed: 0, maxIterations: km.iterations, tolerance: 0 })).inertia,
    ],
  ];

  console.log(`eval metrics and k-means beside numpy; ${machine()}; load ${loadAtStart}`);
  const ours = new Map<string, { seconds: number; value: number }>();
  for (const [name, , f] of tasks) {
    ours.set(name, await timeIt(f, sz.reps));
    console.log(`  tessera ${name}: ${(ours.get(name)!.seconds * 1e3).toFixed(1)} ms`);
  }
  const python = numpyPython(args);
  let theirs: Record<string, { times: number[]; value: number }> | null = null;
  let numpyText = '-';
  try {
    numpyText = (await describeNumpy(python)).text;
    console.log(`numpy peer: ${numpyText}`);
    const sizes = [n, k, sz.reps, km.n, km.d, km.k, km.iterations].map(String);
    theirs = JSON.parse(await runPython(python, NUMPY, [dir, ...sizes]));
  } catch (e) {
    console.log(`numpy: not measured (${e instanceof Error ? e.message : e})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const header = ['task', 'size', 'Tessera ms', 'numpy ms', 'numpy time / Tessera time', 'same value'];
  const rows = tasks.map(([name, size]) => {
    const o = ours.get(name)!;
    const t = theirs?.[name];
    const tm = t ? median(t.times) : undefined;
    let same: string = '-';
    if (t && name === 'k-means')
      // The two sides draw different k-means++ starts, so only the objectives' sizes compare.
      same = `objective ${(o.value / t.value).toFixed(3)}× numpy's`;
    else if (t)
      same =
        Math.abs(o.value - t.value) <= 1e-9 * Math.max(1, Math.abs(t.value))
          ? 'yes'
          : `no (${o.value} vs ${t.value})`;
    return [
      name,
      size,
      (o.seconds * 1e3).toFixed(1),
      tm === undefined ? '-' : (tm * 1e3).toFixed(1),
      ratio(tm, o.seconds),
      same,
    ];
  });
  const results = table(header, rows, 2);
  console.log(`\n${results}`);
  writeSection(
    'eval',
    args,
    [
      `Command: \`${benchCommand('eval', args)}\`  `,
      `Date: ${new Date().toISOString().slice(0, 10)}  `,
      `Machine: ${machine()}; 1-min load average ${loadAtStart} at the start, ${loadavg()[0].toFixed(1)} at the end`,
      '',
      `numpy: ${numpyText}.`,
      'Same data on both sides; numpy computes the same formulas vectorised (confusion matrix by',
      '`bincount`, AUC from average ranks, clipped log-loss, 15-bin ECE, k-means++ then Lloyd with `X @ C.T`).',
      `Median of ${sz.reps} repetitions after a warm-up. "numpy time / Tessera time" above 1 means Tessera is faster.`,
      'k-means: the two sides draw different k-means++ starts, so the table compares their final objectives.',
      '',
      results,
    ].join('\n'),
  );
}
