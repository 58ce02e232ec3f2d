// `npm run bench -- attention [--quick] [--no-write] [--qkv DIR]`: the efficient attention methods
// against exact softmax attention.
//
// 1. Approximation error against memory budget (Scatterbrain's equal-memory units: one stored score
//    per query is one unit, a random feature two), relative Frobenius error of the attention matrix
//    and of the output against exact attention in float64, on (a) Gaussian queries and keys over a
//    temperature sweep and (b) the Q, K, V of a transformer trained on ListOps
//    (examples/listops-transformer.ts --dump DIR). Scatterbrain's error is reported over the better
//    of its parts (sparse alone, Performer alone) at the same budget.
// 2. Time and peak memory against n for every method with exact attention in the same run, each
//    method in its own child process (peak RSS over a baseline), and exact attention in PyTorch on
//    the CPU (Debian's python3-torch) in the same run.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type AttentionResult,
  exactAttention,
  linearAttention,
  linformerAttention,
  linformerProjections,
  localAttention,
  memoryUnits,
  performerAttention,
  reformerAttention,
  scatterbrainAttention,
  smyrfAttention,
} from '../src/core/efficient/attention/index.js';
import { parseNpyHeader } from '../src/core/io/store/npy.js';
import { Random } from '../src/core/random.js';
import type { FloatArray, TensorKernels } from '../src/core/tensor/kernels.js';
import { nodeKernels } from '../src/node/tensor/node-kernels.js';
import { textOption } from './lib/args.js';
import { runProcess } from './lib/process.js';
import { DEBIAN_PYTHON, runPython } from './lib/python.js';
import { benchCommand, load, machine, writeSection, writesResults } from './lib/results.js';
import { median, ratio, table, timeRepeats } from './lib/stats.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const D = 64;
const DEFAULT_QKV = join(HERE, 'out', 'listops-qkv');

type Arr = Float32Array | Float64Array;

interface Input {
  q: Arr;
  k: Arr;
  v: Arr;
  heads: number;
  n: number;
}

/** One method at one memory budget (units per query): its call and its actual units. */
interface Method {
  name: string;
  /** Units per query of the configuration used at budget `b` (for the table). */
  units: (b: number, n: number) => number;
  run: <T extends FloatArray>(
    x: { q: T; k: T; v: T },
    shape: { heads: number; n: number; d: number },
    b: number,
    extra: { returnMatrix: boolean; kernels: TensorKernels; seed: number },
  ) => Promise<AttentionResult<T>>;
}

const half = (b: number) => Math.max(1, Math.floor(b / 2));
const quarter = (b: number) => Math.max(1, Math.floor(b / 4));
/** Half-width of a window with at most `keys` keys. */
const windowFor = (keys: number) => Math.max(0, Math.floor((keys - 1) / 2));

/**
 * The budget split, as in the paper's equal-memory table (T2T-ViT, 98 units): Performer `b/2`
 * features; Reformer and SMYRF `b/2` × 2 rounds; local `b` keys; Linformer `b` projected keys;
 * Scatterbrain half to the sparse part and half to features (`b/4` features).
 */
export function methods(sbSparseShare = 0.5): Method[] {
  const sbFeatures = (b: number) => Math.max(1, Math.round((b * (1 - sbSparseShare)) / 2));
  const sbSparse = (b: number) => Math.max(1, Math.round(b * sbSparseShare));
  return [
    {
      name: 'local',
      units: (b) => memoryUnits.local({ window: windowFor(b) }),
      run: (x, s, b, e) => localAttention(x.q, x.k, x.v, s, { window: windowFor(b), ...e }),
    },
    {
      name: 'performer',
      units: (b) => memoryUnits.performer({ features: half(b) }),
      run: (x, s, b, e) => performerAttention(x.q, x.k, x.v, s, { features: half(b), ...e }),
    },
    {
      name: 'linformer',
      units: (b) => memoryUnits.linformer({ projectedLength: b }),
      run: (x, s, b, e) => linformerAttention(x.q, x.k, x.v, s, { projectedLength: b, ...e }),
    },
    {
      name: 'reformer',
      units: (b) => memoryUnits.reformer({ bucketSize: half(b), rounds: 2 }),
      run: (x, s, b, e) => reformerAttention(x.q, x.k, x.v, s, { bucketSize: half(b), rounds: 2, ...e }),
    },
    {
      name: 'smyrf',
      units: (b) => memoryUnits.smyrf({ clusterSize: half(b), rounds: 2 }),
      run: (x, s, b, e) => smyrfAttention(x.q, x.k, x.v, s, { clusterSize: half(b), rounds: 2, ...e }),
    },
    {
      name: 'sb-local',
      units: (b) =>
        memoryUnits.scatterbrain({
          variant: 'local',
          window: windowFor(sbSparse(b)),
          features: sbFeatures(b),
        }),
      run: (x, s, b, e) =>
        scatterbrainAttention(x.q, x.k, x.v, s, {
          window: windowFor(sbSparse(b)),
          features: sbFeatures(b),
          ...e,
        }),
    },
    {
      name: 'sb-smyrf',
      units: (b) =>
        memoryUnits.scatterbrain({
          variant: 'smyrf',
          clusterSize: half(sbSparse(b)),
          rounds: 2,
          features: sbFeatures(b),
        }),
      run: (x, s, b, e) =>
        scatterbrainAttention(x.q, x.k, x.v, s, {
          variant: 'smyrf',
          clusterSize: half(sbSparse(b)),
          rounds: 2,
          features: sbFeatures(b),
          ...e,
        }),
    },
  ];
}

/** Linear attention has no budget (d features); only timed. */
const LINEAR: Method = {
  name: 'linear',
  units: () => memoryUnits.linear(D),
  run: (x, s, _b, e) => linearAttention(x.q, x.k, x.v, s, e),
};

const EXACT: Method = {
  name: 'exact',
  units: (_b, n) => n,
  run: (x, s, _b, e) => exactAttention(x.q, x.k, x.v, s, e),
};

export function gaussianInput(n: number, std: number, seed: number, heads = 1): Input {
  const rng = new Random(seed);
  const fill = (scale: number) => {
    const a = new Float64Array(heads * n * D);
    for (let i = 0; i < a.length; i++) a[i] = rng.normal() * scale;
    return a;
  };
  return { q: fill(std), k: fill(std), v: fill(1), heads, n };
}

/**
 * Attention with the structure Scatterbrain assumes: a local peak plus a diffuse background. Queries
 * and keys share a position code (32 frequencies, so qᵢᵀkⱼ falls with |i − j|) of norm `alpha`,
 * plus N(0, noise²) entries.
 */
export function localPlusDiffuseInput(n: number, alpha: number, noise: number, seed: number): Input {
  const rng = new Random(seed);
  const q = new Float64Array(n * D);
  const k = new Float64Array(n * D);
  const v = new Float64Array(n * D);
  const amp = alpha / Math.sqrt(2);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < D / 2; f++) {
      const w = Math.PI / (2 + 4 * f);
      const [c, s] = [Math.cos(w * i) * amp, Math.sin(w * i) * amp];
      q[i * D + 2 * f] = c + rng.normal() * noise;
      q[i * D + 2 * f + 1] = s + rng.normal() * noise;
      k[i * D + 2 * f] = c + rng.normal() * noise;
      k[i * D + 2 * f + 1] = s + rng.normal() * noise;
    }
  }
  for (let i = 0; i < v.length; i++) v[i] = rng.normal();
  return { q, k, v, heads: 1, n };
}

function readNpy(path: string): { data: Float32Array; shape: number[] } {
  const bytes = new Uint8Array(readFileSync(path));
  const h = parseNpyHeader(bytes);
  if (h?.dtype !== 'float32') throw new Error(`${path}: not a float32 .npy file`);
  const copy = bytes.slice(h.headerBytes);
  return { data: new Float32Array(copy.buffer, 0, copy.byteLength / 4), shape: h.shape };
}

/** The dumped Q, K, V of the ListOps model at length n, as float64 `[count·heads, n, 64]`. */
export function listOpsInput(dir: string, n: number): Input | string {
  const paths = ['q', 'k', 'v'].map((x) => join(dir, `listops-${x}-n${n}.npy`));
  const missing = paths.find((p) => !existsSync(p));
  if (missing) {
    return `missing ${missing}: run \`npx tsx examples/listops-transformer.ts --dump ${dir} --dump-n ${n}\``;
  }
  const [q, k, v] = paths.map(readNpy);
  if (q.shape[3] !== D || q.shape[2] !== n)
    return `${paths[0]}: shape ${q.shape}, expected [*, *, ${n}, ${D}]`;
  return {
    q: Float64Array.from(q.data),
    k: Float64Array.from(k.data),
    v: Float64Array.from(v.data),
    heads: q.shape[0] * q.shape[1],
    n,
  };
}

function relFrobenius(x: ArrayLike<number>, ref: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < ref.length; i++) {
    const e = x[i] - ref[i];
    num += e * e;
    den += ref[i] * ref[i];
  }
  return Math.sqrt(num / den);
}

/** Mean row entropy (nats) of an attention matrix `[rows, n]`. */
function rowEntropy(p: ArrayLike<number>, rows: number, n: number): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    let h = 0;
    for (let j = 0; j < n; j++) {
      const x = p[r * n + j];
      if (x > 0) h -= x * Math.log(x);
    }
    total += h;
  }
  return total / rows;
}

interface ErrorRow {
  input: string;
  n: number;
  entropy: number;
  budget: number;
  method: string;
  units: number;
  matrixError: number;
  outputError: number;
}

/** Errors of every method at every budget on one input (NaN where a method refused). */
export async function errorRows(
  label: string,
  x: Input,
  budgets: number[],
  list: Method[],
  kernels: TensorKernels,
  notes: Set<string>,
): Promise<ErrorRow[]> {
  const shape = { heads: x.heads, n: x.n, d: D };
  const ref = await exactAttention(x.q as Float64Array, x.k as Float64Array, x.v as Float64Array, shape, {
    returnMatrix: true,
    kernels,
  });
  const entropy = rowEntropy(ref.matrix!, x.heads * x.n, x.n);
  const rows: ErrorRow[] = [];
  for (const b of budgets) {
    for (const m of list) {
      let matrixError = Number.NaN;
      let outputError = Number.NaN;
      try {
        const r = await m.run(
          { q: x.q as Float64Array, k: x.k as Float64Array, v: x.v as Float64Array },
          shape,
          b,
          {
            returnMatrix: true,
            kernels,
            seed: 0,
          },
        );
        matrixError = relFrobenius(r.matrix!, ref.matrix!);
        outputError = relFrobenius(r.output, ref.output);
      } catch (e) {
        notes.add(`${m.name}: not measured (${e instanceof Error ? e.message : String(e)})`);
      }
      rows.push({
        input: label,
        n: x.n,
        entropy,
        budget: b,
        method: m.name,
        units: m.units(b, x.n),
        matrixError,
        outputError,
      });
    }
  }
  return rows;
}

/** The numbers behind the budget-split argument for one input at budget b (see the table text). */
async function splitEvidence(label: string, x: Input, b: number, kernels: TensorKernels): Promise<string[]> {
  const shape = { heads: x.heads, n: x.n, d: D };
  const [q, k, v] = [x.q as Float64Array, x.k as Float64Array, x.v as Float64Array];
  const ref = (await exactAttention(q, k, v, shape, { returnMatrix: true, kernels })).matrix!;
  const perf = async (m: number) =>
    (await performerAttention(q, k, v, shape, { features: m, returnMatrix: true, kernels })).matrix!;
  const p2 = await perf(half(b));
  const p4 = await perf(quarter(b));
  const e2 = relFrobenius(p2, ref);
  const e4 = relFrobenius(p4, ref);
  // ‖x+y‖² over a sample of (query, key) pairs of head 0.
  const rng = new Random(1);
  const sq: number[] = [];
  const s = D ** -0.25;
  for (let t = 0; t < 2000; t++) {
    const i = rng.int(x.n);
    const j = rng.int(x.n);
    let acc = 0;
    for (let c = 0; c < D; c++) acc += ((q[i * D + c] + k[j * D + c]) * s) ** 2;
    sq.push(acc);
  }
  const cells = [label, String(b), median(sq).toFixed(1), fmt(e2), fmt(e4), fmt(e4 / e2, 2)];
  const sbSparse = Math.round(b / 2);
  const supports: [Float64Array, Float64Array][] = [
    [
      (await localAttention(q, k, v, shape, { window: windowFor(sbSparse), returnMatrix: true })).matrix!,
      (
        await scatterbrainAttention(q, k, v, shape, {
          window: windowFor(sbSparse),
          features: quarter(b),
          returnMatrix: true,
          kernels,
        })
      ).matrix!,
    ],
    [
      // Seed 1: the hash vectors SB-SMYRF draws with its default seed 0 (see ScatterbrainOptions).
      (
        await smyrfAttention(q, k, v, shape, {
          clusterSize: half(sbSparse),
          rounds: 2,
          seed: 1,
          returnMatrix: true,
        })
      ).matrix!,
      (
        await scatterbrainAttention(q, k, v, shape, {
          variant: 'smyrf',
          clusterSize: half(sbSparse),
          rounds: 2,
          features: quarter(b),
          returnMatrix: true,
          kernels,
        })
      ).matrix!,
    ],
  ];
  for (const [support, sb] of supports) {
    let on = 0;
    let all = 0;
    let mass = 0;
    for (let i = 0; i < ref.length; i++) {
      const e = (p4[i] - ref[i]) ** 2;
      all += e;
      if (support[i] !== 0) {
        on += e;
        mass += ref[i];
      }
    }
    const f = on / all;
    cells.push(
      fmt(mass / (x.heads * x.n), 2),
      fmt(f, 2),
      fmt(e4 * Math.sqrt(1 - f)),
      fmt(relFrobenius(sb, ref)),
    );
  }
  return cells;
}

const fmt = (x: number, digits = 3) => (Number.isNaN(x) ? '-' : x.toFixed(digits));

/** Scatterbrain over the better of its parts (sparse alone, Performer alone), per input and budget. */
function ratios(rows: ErrorRow[], metric: 'outputError' | 'matrixError') {
  const out: { input: string; n: number; budget: number; sbLocal: number; sbSmyrf: number }[] = [];
  const key = (r: ErrorRow) => `${r.input}|${r.n}|${r.budget}`;
  const groups = new Map<string, ErrorRow[]>();
  for (const r of rows) groups.set(key(r), [...(groups.get(key(r)) ?? []), r]);
  for (const g of groups.values()) {
    const e = (name: string) => g.find((r) => r.method === name)?.[metric] ?? Number.NaN;
    out.push({
      input: g[0].input,
      n: g[0].n,
      budget: g[0].budget,
      sbLocal: e('sb-local') / Math.min(e('local'), e('performer')),
      sbSmyrf: e('sb-smyrf') / Math.min(e('smyrf'), e('performer')),
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// SVG plots, written by hand.

const COLORS: Record<string, string> = {
  local: '#1f77b4',
  performer: '#ff7f0e',
  linformer: '#8c564b',
  reformer: '#7f7f7f',
  smyrf: '#2ca02c',
  'sb-local': '#d62728',
  'sb-smyrf': '#9467bd',
  linear: '#e377c2',
  exact: '#000000',
  'pytorch exact': '#17becf',
};

interface Series {
  name: string;
  points: [number, number][];
}

/** One log-log (or log-x) panel at (x0, y0) of size w × h. */
function panel(
  x0: number,
  y0: number,
  w: number,
  h: number,
  title: string,
  series: Series[],
  opts: { logY: boolean; xLabel: string; yLabel: string; yRange?: [number, number] },
): string {
  const pts = series
    .flatMap((s) => s.points)
    .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && y > 0);
  if (pts.length === 0) return '';
  const xs = pts.map((p) => Math.log2(p[0]));
  const tx = (v: number) => Math.log2(v);
  const ty = (v: number) => (opts.logY ? Math.log10(v) : v);
  const ys = pts.map((p) => ty(p[1]));
  const [xmin, xmax] = [Math.min(...xs), Math.max(...xs)];
  let [ymin, ymax] = opts.yRange ? opts.yRange.map(ty) : [Math.min(...ys), Math.max(...ys)];
  if (ymax - ymin < 1e-9) [ymin, ymax] = [ymin - 0.5, ymax + 0.5];
  const pad = { l: 46, r: 8, t: 18, b: 30 };
  const px = (v: number) => x0 + pad.l + ((tx(v) - xmin) / (xmax - xmin || 1)) * (w - pad.l - pad.r);
  const py = (v: number) =>
    y0 + h - pad.b - ((Math.min(Math.max(ty(v), ymin), ymax) - ymin) / (ymax - ymin)) * (h - pad.t - pad.b);
  const parts: string[] = [];
  parts.push(
    `<rect x="${x0 + pad.l}" y="${y0 + pad.t}" width="${w - pad.l - pad.r}" height="${h - pad.t - pad.b}" fill="none" stroke="#ccc"/>`,
  );
  parts.push(`<text x="${x0 + w / 2}" y="${y0 + 12}" text-anchor="middle" font-size="11">${title}</text>`);
  const xticks = [...new Set(pts.map((p) => p[0]))].sort((a, b) => a - b);
  for (const t of xticks) {
    parts.push(
      `<text x="${px(t)}" y="${y0 + h - pad.b + 12}" text-anchor="middle" font-size="9">${t}</text>`,
    );
  }
  parts.push(
    `<text x="${x0 + w / 2}" y="${y0 + h - 4}" text-anchor="middle" font-size="9">${opts.xLabel}</text>`,
  );
  const yticks: number[] = [];
  if (opts.logY) for (let e = Math.floor(ymin); e <= Math.ceil(ymax); e++) yticks.push(10 ** e);
  else for (let i = 0; i <= 4; i++) yticks.push(ymin + ((ymax - ymin) * i) / 4);
  for (const t of yticks) {
    if (ty(t) < ymin - 1e-9 || ty(t) > ymax + 1e-9) continue;
    const label = opts.logY ? `1e${Math.round(Math.log10(t))}` : t.toFixed(2);
    parts.push(`<line x1="${x0 + pad.l}" x2="${x0 + w - pad.r}" y1="${py(t)}" y2="${py(t)}" stroke="#eee"/>`);
    parts.push(
      `<text x="${x0 + pad.l - 3}" y="${py(t) + 3}" text-anchor="end" font-size="9">${label}</text>`,
    );
  }
  parts.push(
    `<text x="${x0 + 10}" y="${y0 + h / 2}" font-size="9" transform="rotate(-90 ${x0 + 10} ${y0 + h / 2})" text-anchor="middle">${opts.yLabel}</text>`,
  );
  for (const s of series) {
    const ok = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && y > 0);
    if (ok.length === 0) continue;
    const color = COLORS[s.name] ?? '#333';
    const dash = s.name.startsWith('sb-') ? '' : ' stroke-dasharray="4 2"';
    parts.push(
      `<polyline fill="none" stroke="${color}" stroke-width="1.5"${dash} points="${ok.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`,
    );
    for (const [x, y] of ok)
      parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="2" fill="${color}"/>`);
  }
  return parts.join('\n');
}

function legend(x: number, y: number, names: string[]): string {
  return names
    .map(
      (n, i) =>
        `<line x1="${x}" x2="${x + 18}" y1="${y + i * 14}" y2="${y + i * 14}" stroke="${COLORS[n] ?? '#333'}" stroke-width="2"/>` +
        `<text x="${x + 22}" y="${y + i * 14 + 3}" font-size="10">${n}</text>`,
    )
    .join('\n');
}

function svg(width: number, height: number, title: string, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">\n<title>${title}</title>\n<rect width="100%" height="100%" fill="white"/>\n${body}\n</svg>\n`;
}

function errorPlot(rows: ErrorRow[], names: string[]): string {
  const inputs = [...new Set(rows.map((r) => `${r.input}|${r.n}`))];
  const cols = 4;
  const pw = 260;
  const ph = 190;
  const gridRows = Math.ceil(inputs.length / cols);
  const panels = inputs.map((key, i) => {
    const [input, n] = key.split('|');
    const rs = rows.filter((r) => r.input === input && String(r.n) === n);
    const series = names.map((name) => ({
      name,
      points: rs.filter((r) => r.method === name).map((r) => [r.budget, r.outputError] as [number, number]),
    }));
    return panel((i % cols) * pw, Math.floor(i / cols) * ph, pw, ph, `${input}, n=${n}`, series, {
      logY: true,
      xLabel: 'memory units per query',
      yLabel: 'output rel. error',
    });
  });
  const title = 'Attention approximation error against memory budget';
  return svg(cols * pw + 110, gridRows * ph, title, panels.join('\n') + legend(cols * pw + 8, 20, names));
}

function timePlot(times: Map<string, Map<number, number>>): string {
  const names = [...times.keys()];
  const series = names.map((name) => ({
    name,
    points: [...times.get(name)!].map(([n, s]) => [n, s * 1e3] as [number, number]),
  }));
  return svg(
    560,
    320,
    'Attention time per call against sequence length',
    panel(0, 0, 440, 320, 'time per call (d = 64, one head)', series, {
      logY: true,
      xLabel: 'n',
      yLabel: 'ms',
    }) + legend(448, 20, names),
  );
}

// ---------------------------------------------------------------------------------------------
// Timing: each method in a child process (its own peak RSS), PyTorch in Python.

interface TimeResult {
  n: number;
  seconds: number;
  peakMiB: number;
}

const ALL_TIMED = [
  'exact',
  'local',
  'performer',
  'linear',
  'linformer',
  'reformer',
  'smyrf',
  'sb-local',
  'sb-smyrf',
];
const TIME_BUDGET = 128;

/**
 * In a child: times each of `names` (comma-separated) at each n (ascending), printing one JSON line
 * per method and n. The peak RSS is the process's, so it is per method only when one method runs.
 */
async function worker(names: string, sizes: number[], reps: number): Promise<void> {
  const list = [EXACT, LINEAR, ...methods()];
  const kernels = nodeKernels();
  const gc = (globalThis as { gc?: () => void }).gc;
  for (const name of names.split(',')) {
    const m = list.find((x) => x.name === name);
    if (!m) throw new Error(`unknown method ${name}`);
    await timeSizes(m, sizes, reps, kernels, gc);
  }
}

async function timeSizes(
  m: Method,
  sizes: number[],
  reps: number,
  kernels: TensorKernels,
  gc: (() => void) | undefined,
): Promise<void> {
  const name = m.name;
  for (const n of sizes) {
    const rng = new Random(n);
    const mk = () => Float32Array.from({ length: n * D }, () => rng.normal());
    const x = { q: mk(), k: mk(), v: mk() };
    gc?.();
    const base = process.memoryUsage().rss;
    const peakBefore = process.resourceUsage().maxRSS * 1024;
    const shape = { heads: 1, n, d: D };
    const extra = { returnMatrix: false, kernels, seed: 0 };
    let result: string;
    try {
      // Linformer's E and F are weights of a model: drawn once, outside the timed calls.
      const fixed = name === 'linformer' ? linformerProjections(TIME_BUDGET, n, 0) : undefined;
      const projection = fixed && { e: Float32Array.from(fixed.e), f: Float32Array.from(fixed.f) };
      const run: Method['run'] = projection
        ? (y, sh, _b, e) => linformerAttention(y.q, y.k, y.v, sh, { projection, ...e })
        : m.run;
      await run(x, shape, TIME_BUDGET, extra); // warm-up: ORT sessions, JIT
      const times = await timeRepeats(() => run(x, shape, TIME_BUDGET, extra), reps);
      const peak = process.resourceUsage().maxRSS * 1024;
      result = JSON.stringify({
        name,
        n,
        seconds: median(times),
        peakMiB: Math.max(0, peak - Math.max(base, peakBefore)) / 2 ** 20,
      });
    } catch (e) {
      result = JSON.stringify({ name, n, error: e instanceof Error ? e.message : String(e) });
    }
    process.stdout.write(`${result}\n`);
  }
}

async function timeMethods(
  names: string[],
  sizes: number[],
  reps: number,
): Promise<((TimeResult | { n: number; error: string }) & { name: string })[]> {
  const out = await runProcess(process.execPath, [
    '--expose-gc',
    '--import',
    'tsx',
    fileURLToPath(import.meta.url),
    '--worker',
    names.join(','),
    String(reps),
    ...sizes.map(String),
  ]);
  return out
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
}

const TORCH = `
import json, resource, sys, time, torch
torch.set_num_threads(int(sys.argv[1]))
reps = int(sys.argv[2])
import re
blas = re.search(r"BLAS_INFO=(\\w+)", torch.__config__.show())
a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
a @ b
t0 = time.perf_counter(); a @ b; mm = 2 * 1024 ** 3 / (time.perf_counter() - t0) / 1e9
out = {"version": torch.__version__, "threads": torch.get_num_threads(), "rows": [],
       "blas": blas.group(1) if blas else "?", "gflops": mm}
for n in map(int, sys.argv[3:]):
    g = torch.Generator().manual_seed(n)
    q, k, v = (torch.randn(n, 64, generator=g) for _ in range(3))
    def run():
        return torch.softmax(q @ k.T / 8.0, dim=-1) @ v
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with torch.no_grad():
        run()
        ts = []
        for _ in range(reps):
            t0 = time.perf_counter(); run(); ts.append(time.perf_counter() - t0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    ts.sort()
    out["rows"].append({"n": n, "seconds": ts[len(ts) // 2], "peakMiB": max(0, peak - base) / 1024})
print(json.dumps(out))
`;

// ---------------------------------------------------------------------------------------------

function parseArgs(args: string[]) {
  return {
    quick: args.includes('--quick'),
    qkv: textOption(args, '--qkv') ?? DEFAULT_QKV,
  };
}

export async function main(args: string[]): Promise<void> {
  const { quick, qkv } = parseArgs(args);
  const started = performance.now();
  const loadAtStart = load();
  const kernels = nodeKernels();
  const notes = new Set<string>();
  const out: string[] = [];
  const say = (s = '') => {
    console.log(s);
    out.push(s);
  };
  const command = benchCommand('attention', args);

  // ---- 1. error against budget
  // Logit standard deviation t: entries of q and k are N(0, t) so qᵀk/√d has std t.
  // `alphas`: local-plus-diffuse inputs (position-code norm alpha, noise 0.3).
  const plan: { n: number; temps: number[]; alphas: number[]; budgets: number[]; real: boolean }[] = quick
    ? [
        { n: 512, temps: [2], alphas: [1.5], budgets: [32, 128], real: false },
        { n: 128, temps: [], alphas: [], budgets: [16, 32], real: true },
      ]
    : [
        { n: 128, temps: [], alphas: [], budgets: [16, 32, 64], real: true },
        {
          n: 1024,
          temps: [0.25, 0.5, 1, 2, 4, 8],
          alphas: [1.5, 2],
          budgets: [32, 64, 128, 256],
          real: true,
        },
        { n: 4096, temps: [1, 4], alphas: [1.5], budgets: [128], real: true },
      ];
  const sizes = plan.map((p) => p.n);
  const list = methods();
  const rows: ErrorRow[] = [];
  for (const { n, temps, alphas, budgets, real } of plan) {
    for (const t of temps) {
      const x = gaussianInput(n, Math.sqrt(t), 17 + n);
      rows.push(...(await errorRows(`gauss t=${t}`, x, budgets, list, kernels, notes)));
      console.log(`  errors: n=${n} t=${t} done (${((performance.now() - started) / 1e3).toFixed(0)} s)`);
    }
    for (const a of alphas) {
      const x = localPlusDiffuseInput(n, a, 0.3, 5 + n);
      rows.push(...(await errorRows(`local+diffuse a=${a}`, x, budgets, list, kernels, notes)));
      console.log(`  errors: n=${n} alpha=${a} done (${((performance.now() - started) / 1e3).toFixed(0)} s)`);
    }
    if (!real) continue;
    const x = listOpsInput(qkv, n);
    if (typeof x === 'string') notes.add(`ListOps attention at n=${n}: ${x}`);
    else {
      rows.push(...(await errorRows('listops', x, budgets, list, kernels, notes)));
      console.log(`  errors: n=${n} listops done (${((performance.now() - started) / 1e3).toFixed(0)} s)`);
    }
  }

  say(
    `Command: \`${command}\`, ${new Date().toISOString().slice(0, 16)} UTC; ${machine()}; load ${loadAtStart}.`,
  );
  say();
  say('### Approximation error against memory budget');
  say();
  say(
    'd = 64; relative Frobenius error against exact attention in float64, of the output (`out`) and of the ' +
      'attention matrix (`mat`). Budget `b` in memory units per query (a stored score is one unit, a random ' +
      'feature two): local `b` keys, Performer `b/2` features, Linformer `b` projected keys, Reformer and ' +
      'SMYRF clusters of `b/2` × 2 rounds, Scatterbrain half sparse (window of `b/2` keys, or SMYRF `b/4` × 2) ' +
      'and `b/4` features. Gaussian inputs: q, k entries N(0, t) so logits have std t. local+diffuse: q, k ' +
      'share a position code of norm a (so logits fall with |i − j|) plus N(0, 0.3²) noise: a local peak over ' +
      'a diffuse background, the structure Scatterbrain is built for. listops: Q, K, V of the last layer of ' +
      'the ListOps example model (trained at lengths 20..128; n = 1024, 4096 are truncated longer test ' +
      'expressions, 2 per n, as heads). H = mean row entropy ' +
      `(nats; uniform is ln n). Reformer shares QK (keys are the normalised queries), so it approximates a ` +
      'different matrix than softmax(QKᵀ/√d) with Q ≠ K. Linformer uses random projections (no training).',
  );
  for (const n of sizes) {
    const inputs = [...new Set(rows.filter((r) => r.n === n).map((r) => r.input))];
    const names = list.map((m) => m.name);
    say();
    say(`n = ${n} (ln n = ${Math.log(n).toFixed(2)}); cells: out / mat`);
    say();
    const body: string[][] = [];
    const budgets = plan.find((p) => p.n === n)!.budgets;
    for (const input of inputs) {
      for (const b of budgets) {
        const rs = rows.filter((r) => r.n === n && r.input === input && r.budget === b);
        body.push([
          input,
          fmt(rs[0].entropy, 2),
          String(b),
          ...names.map((name) => {
            const r = rs.find((x) => x.method === name)!;
            return Number.isNaN(r.outputError) ? '-' : `${fmt(r.outputError, 2)} / ${fmt(r.matrixError, 2)}`;
          }),
        ]);
      }
    }
    say(table(['input', 'H', 'b', ...names], body));
  }
  say();
  say('### Scatterbrain over the better of its parts (output error; < 1: Scatterbrain wins)');
  say();
  const rOut = ratios(rows, 'outputError');
  const rMat = ratios(rows, 'matrixError');
  say(
    table(
      [
        'input',
        'n',
        'b',
        'SB-local / min(local, performer)',
        'SB-SMYRF / min(smyrf, performer)',
        'matrix: SB-local',
        'matrix: SB-SMYRF',
      ],
      rOut.map((r, i) => [
        r.input,
        String(r.n),
        String(r.budget),
        fmt(r.sbLocal),
        fmt(r.sbSmyrf),
        fmt(rMat[i].sbLocal),
        fmt(rMat[i].sbSmyrf),
      ]),
    ),
  );

  // ---- 1b. why: variance of the random features, and how much of it the sparse support removes
  if (!quick) {
    const evidence: string[][] = [];
    const diag: [string, Input | string, number][] = [
      ['gauss t=0.25', gaussianInput(1024, 0.5, 17 + 1024), 128],
      ['gauss t=1', gaussianInput(1024, 1, 17 + 1024), 128],
      ['gauss t=2', gaussianInput(1024, Math.SQRT2, 17 + 1024), 128],
      ['local+diffuse a=1.5', localPlusDiffuseInput(1024, 1.5, 0.3, 5 + 1024), 128],
      ['listops n=128', listOpsInput(qkv, 128), 32],
      ['listops n=1024', listOpsInput(qkv, 1024), 128],
    ];
    for (const [label, x, b] of diag) {
      if (typeof x === 'string') continue;
      evidence.push(await splitEvidence(label, x, b, kernels));
      console.log(`  evidence: ${label} done`);
    }
    say();
    say('### Why Scatterbrain does or does not win: evidence');
    say();
    say(
      'Matrix errors at budget b. `|x+y|²`: median over (query, key) pairs of ‖(q+k)·d^(−1/4)‖²; one positive ' +
        'random feature estimates exp(qᵀk/√d) with relative variance exp(‖x+y‖²) − 1 (iid features), so m ' +
        'features give a relative error of about √((e^‖x+y‖² − 1)/m) per entry. `P(m)`: Performer matrix error ' +
        'with m features; P(b/4)/P(b/2) ≈ √2 when the error is variance (∝ 1/m). `f`: share of the squared ' +
        "error of P(b/4) that falls on Scatterbrain's sparse support (local window of b/2 keys; SMYRF clusters " +
        'b/4 × 2); `mass`: attention mass on that support. Scatterbrain keeps the exact scores on the support ' +
        'and P(b/4) elsewhere, so its error is about P(b/4)·√(1 − f) (`pred`), and it beats Performer at b/2 ' +
        'features only when 1 − f < (P(b/2)/P(b/4))² ≈ 1/2, i.e. when the support holds more than half of the ' +
        "low-rank part's squared error. `meas`: Scatterbrain's measured matrix error.",
    );
    say();
    say(
      table(
        [
          'input',
          'b',
          '|x+y|²',
          'P(b/2)',
          'P(b/4)',
          'ratio',
          'local: mass',
          'f',
          'pred',
          'meas',
          'smyrf: mass',
          'f',
          'pred',
          'meas',
        ],
        evidence,
      ),
    );
  }

  // ---- 2. time and memory against n
  const timeSizes = quick ? [512, 1024] : [512, 1024, 2048, 4096, 8192, 16384];
  const reps = quick ? 1 : 3;
  const threads = availableParallelism();
  const times = new Map<string, Map<number, number>>();
  const mem = new Map<string, Map<number, number>>();
  // One process per method for its own peak memory; the quick run puts all in one (no memory column).
  for (const group of quick ? [ALL_TIMED] : ALL_TIMED.map((m) => [m])) {
    try {
      const res = await timeMethods(group, timeSizes, reps);
      for (const r of res) {
        const name = r.name;
        if ('error' in r) {
          notes.add(`${name} at n=${r.n}: ${r.error}`);
          continue;
        }
        if (!times.has(name)) times.set(name, new Map());
        if (!mem.has(name)) mem.set(name, new Map());
        times.get(name)!.set(r.n, r.seconds);
        mem.get(name)!.set(r.n, r.peakMiB);
      }
    } catch (e) {
      notes.add(`${group.join(', ')}: timing failed (${e instanceof Error ? e.message : String(e)})`);
    }
    console.log(`  timed ${group.join(', ')} (${((performance.now() - started) / 1e3).toFixed(0)} s)`);
  }
  let torchInfo = '';
  /** Why the PyTorch peer is handicapped (a reference BLAS), if it is. */
  let torchHandicap = '';
  // PyTorch with all cores and with one thread: on a loaded machine its OpenMP threads wait on each
  // other, so the one-thread row shows what the arithmetic alone costs.
  for (const torchThreads of threads > 1 && !quick ? [threads, 1] : [threads]) {
    try {
      const t = JSON.parse(
        await runPython(DEBIAN_PYTHON, TORCH, [String(torchThreads), String(reps), ...timeSizes.map(String)]),
      );
      const label = torchThreads === threads ? 'pytorch exact' : 'pytorch exact 1t';
      torchInfo =
        `PyTorch ${t.version} (CPU; 'pytorch exact' ${threads} threads, '1t' one thread; BLAS_INFO=${t.blas}, ` +
        `a 1024² float32 product at ${t.gflops.toFixed(1)} GFLOP/s)`;
      if (t.gflops < 20) {
        torchHandicap = `PyTorch on the reference BLAS (BLAS_INFO=${t.blas}, ${t.gflops.toFixed(1)} GFLOP/s)`;
        notes.add(
          `PyTorch multiplies a 1024² float32 product at only ${t.gflops.toFixed(1)} GFLOP/s (BLAS_INFO=${t.blas}: ` +
            "Debian's torch linked to the reference BLAS), so the exact-vs-PyTorch target compares against a weak peer",
        );
      }
      times.set(label, new Map(t.rows.map((r: TimeResult) => [r.n, r.seconds])));
      mem.set(label, new Map(t.rows.map((r: TimeResult) => [r.n, r.peakMiB])));
    } catch (e) {
      notes.add(
        `PyTorch (${torchThreads} threads): not measured (${e instanceof Error ? e.message : String(e)})`,
      );
    }
    console.log(
      `  timed PyTorch, ${torchThreads} thread(s) (${((performance.now() - started) / 1e3).toFixed(0)} s)`,
    );
  }
  say();
  say('### Time and memory against n');
  say();
  say(
    `float32, d = 64, one head, budget ${TIME_BUDGET} units (as above); Tessera on nodeKernels (ONNX Runtime for ` +
      `large products, ${threads} threads), ${quick ? 'all methods in one process' : 'each method in its own process'}, median of ${reps} calls after a warm-up; ` +
      `peak MiB = peak RSS over the larger of the process's RSS before the first call at that n and its earlier ` +
      `peak (0: below what RSS resolves, i.e. within the memory earlier sizes already touched). ${torchInfo ? `${torchInfo}: softmax(q kᵀ/8) v, timed inside Python.` : ''} ` +
      "'speed-up' = exact time / method time.",
  );
  say();
  const exactT = times.get('exact');
  const names = [...times.keys()];
  say(
    table(
      [
        'method',
        ...timeSizes.map((n) => `n=${n} ms`),
        `speed-up n=${timeSizes.at(-1)}`,
        `peak MiB n=${timeSizes.at(-1)}`,
      ],
      names.map((name) => {
        const t = times.get(name)!;
        const last = timeSizes.at(-1)!;
        return [
          name,
          ...timeSizes.map((n) => (t.has(n) ? (t.get(n)! * 1e3).toFixed(1) : '-')),
          ratio(exactT?.get(last), t.get(last), 1),
          !quick && mem.get(name)?.has(last) ? mem.get(name)!.get(last)!.toFixed(0) : '-',
        ];
      }),
    ),
  );

  // ---- targets
  const last = timeSizes.at(-1)!;
  const linearCost = ['local', 'performer', 'linear', 'linformer', 'sb-local'];
  const speedups = linearCost
    .filter((m) => times.get(m)?.has(last) && exactT?.has(last))
    .map((m) => `${m} ${ratio(exactT!.get(last), times.get(m)!.get(last), 1)}`);
  const torchT = Math.min(
    times.get('pytorch exact')?.get(last) ?? Number.POSITIVE_INFINITY,
    times.get('pytorch exact 1t')?.get(last) ?? Number.POSITIVE_INFINITY,
  );
  const vsTorch = Number.isFinite(torchT) && exactT?.get(last) ? exactT.get(last)! / torchT : Number.NaN;
  const mid = rOut.filter((r) => r.input === 'gauss t=1' || r.input === 'gauss t=2');
  const real = rOut.filter((r) => r.input === 'listops');
  const best = (xs: number[]) =>
    xs.filter(Number.isFinite).length ? Math.min(...xs.filter(Number.isFinite)) : Number.NaN;
  say();
  say('### Targets');
  say();
  say(
    `- Linear-cost methods ≥ 10× faster than exact at n = ${last}: ${speedups.join(', ') || '-'}` +
      (quick ? ' (quick run: small n, not the target size)' : ''),
  );
  say(
    `- Exact within 1.2× of PyTorch at n = ${last}: ${
      Number.isNaN(vsTorch)
        ? 'not measured'
        : `${vsTorch.toFixed(2)}× the faster PyTorch row's time (${
            // Beating a handicapped peer says nothing about the target.
            torchHandicap ? `not measured: ${torchHandicap}` : vsTorch <= 1.2 ? 'met' : 'missed'
          })`
    }`,
  );
  say(
    `- Scatterbrain / better part < 1 in the middle of the sweep (t = 1, 2): best SB-local ${fmt(best(mid.map((r) => r.sbLocal)))}, ` +
      `best SB-SMYRF ${fmt(best(mid.map((r) => r.sbSmyrf)))}; worst SB-local ${fmt(Math.max(...mid.map((r) => r.sbLocal)))}`,
  );
  say(
    `- ≤ 0.5 on trained (ListOps) attention: ${real.length ? `best SB-local ${fmt(best(real.map((r) => r.sbLocal)))}, best SB-SMYRF ${fmt(best(real.map((r) => r.sbSmyrf)))}` : 'not measured (no dump)'}`,
  );
  const structured = rOut.filter((r) => r.input.startsWith('local+diffuse'));
  say(
    `- (not a target) on local+diffuse inputs: ${structured.map((r) => `${r.input} n=${r.n} b=${r.budget}: SB-local ${fmt(r.sbLocal)}`).join('; ') || '-'}`,
  );
  if (!quick) {
    const bestStructured = best(structured.map((r) => r.sbLocal));
    say();
    say('### Findings');
    say();
    say(
      '- Implementation: where the random features are accurate (gauss t=0.25) P(b/4)/P(b/2) is close to √2 ' +
        '(error ∝ 1/√m) and Scatterbrain measures what "exact on the support, Performer elsewhere" predicts ' +
        '(evidence table, `pred` vs `meas`); the unit tests check exactness when the support covers every key.',
    );
    say(
      '- Variance: for Gaussian q, k with t ≥ 1 and for the trained ListOps Q, K the median ‖x+y‖² is about ' +
        '16–32, so one positive feature estimates exp(qᵀk/√d) with relative variance e^16 ≈ 10^7 or more; at ' +
        '≤ 128 features the low-rank part is noise (P(m) ≈ 1 or above and barely falls with m). This is the ' +
        'regime our earlier numpy experiment hit.',
    );
    say(
      '- Budget split: at equal memory Scatterbrain has half the features of Performer, so it wins only when ' +
        "its sparse support holds more than half of the low-rank part's squared error (f > 1/2). On Gaussian " +
        'inputs the window and the SMYRF clusters hold about as much mass and error as random keys would ' +
        '(f ≈ 0.06–0.08; no locality, and 1-D E2LSH clusters of b/4 barely beat random), so Scatterbrain ≈ ' +
        'P(b/4)·√(1 − f) > P(b/2): ratios ≈ 1.1–1.5. Other splits (the sparse share) do not change the sign.',
    );
    say(
      `- The claim: on local+diffuse inputs (a local peak over a diffuse background, the structure of the ` +
        `image attention the paper measured) SB-local beats both of its parts (best ratio ${fmt(bestStructured)}), so ` +
        'the mechanism works where attention has that structure. The ListOps model of the example attends ' +
        'diffusely with little locality (H close to ln n in its last layer, trained at ≤ 128 tokens) and its ' +
        'Q, K norms put the features in the high-variance regime, so the ≤ 0.5 target on trained attention is ' +
        'missed; a model trained longer, at the benchmark length, or on local data (images) may differ.',
    );
  }
  if (notes.size) {
    say();
    for (const n of notes) say(`- note: ${n}`);
  }
  say();
  say(
    `Plots: bench/attention-error.svg (output error against budget), bench/attention-time.svg. Total ${((performance.now() - started) / 1e3).toFixed(0)} s.`,
  );

  writeSection('attention', args, out.join('\n'));
  if (writesResults(args)) {
    writeFileSync(
      join(HERE, 'attention-error.svg'),
      errorPlot(
        rows,
        list.map((m) => m.name),
      ),
    );
    writeFileSync(join(HERE, 'attention-time.svg'), timePlot(times));
    mkdirSync(join(HERE, 'out'), { recursive: true });
    writeFileSync(join(HERE, 'out', 'attention-errors.json'), JSON.stringify(rows));
  }
}

if (
  process.argv[1] &&
  import.meta.url === pathToFileURL(process.argv[1]).href &&
  process.argv[2] === '--worker'
) {
  const [name, reps, ...sizes] = process.argv.slice(3);
  await worker(name, sizes.map(Number), Number(reps));
}
