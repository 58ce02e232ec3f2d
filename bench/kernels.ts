// `npm run bench -- kernels [--quick]`: GFLOP/s of square float32 matrix products, n × n times n × n,
// for the TypeScript kernels and the ONNX Runtime kernels beside numpy (its BLAS, usually OpenBLAS),
// measured in the same run. GFLOP/s = 2n³ / time, the median of several timed repetitions after
// warm-up. ONNX Runtime is timed from Float32Array in to Float32Array out; numpy inside Python with
// time.perf_counter around `a @ b`. numpy and ONNX Runtime alternate in rounds, so that load from
// elsewhere on a noisy machine falls on both alike; medians, not means, for the same reason.
import { spawn } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { ortNodeKernels, tsKernels } from '../src/node/tensor.js';

const FULL_SIZES = [512, 1024, 2048, 4096];
const QUICK_SIZES = [128, 256, 512];
/** The TypeScript kernel runs at about 2 GFLOP/s: above this it would take minutes. */
const TS_MAX_FULL = 1024;

// Reads "n reps" lines, answers each with a JSON list of the seconds each repetition of a @ b took
// (after one untimed product). Arrays are made once per size.
const NUMPY_SERVER = `
import json, os, sys, time
import numpy as np
info = {"numpy": np.__version__, "blas": "?", "threads": os.environ.get("OPENBLAS_NUM_THREADS", "default")}
try:
    info["blas"] = np.show_config(mode="dicts")["Build Dependencies"]["blas"]["name"]
except Exception:
    pass
print(json.dumps(info), flush=True)
rng = np.random.default_rng(0)
arrays = {}
for line in sys.stdin:
    n, reps = map(int, line.split())
    if n not in arrays:
        arrays = {n: (rng.random((n, n), dtype=np.float32), rng.random((n, n), dtype=np.float32))}
        a, b = arrays[n]
        a @ b
    a, b = arrays[n]
    a @ b  # untimed: wakes the BLAS threads
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        c = a @ b
        times.append(time.perf_counter() - t0)
        del c
    print(json.dumps(times), flush=True)
`;

interface NumpyPeer {
  info: { numpy: string; blas: string; threads: string };
  /** Seconds of each of `reps` repetitions of an n × n product. */
  time(n: number, reps: number): Promise<number[]>;
  close(): void;
}

/** Starts the Python side, or returns undefined (with the reason printed) if numpy is not there. */
async function startNumpy(): Promise<NumpyPeer | undefined> {
  const child = spawn('python3', ['-c', NUMPY_SERVER], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const line = await lines.next();
    if (line.done) throw new Error(stderr.trim() || 'python3 exited');
    return line.value;
  };
  try {
    const spawned = new Promise<never>((_, reject) => child.on('error', reject));
    const info = JSON.parse(await Promise.race([next(), spawned]));
    return {
      info,
      async time(n, reps) {
        child.stdin.write(`${n} ${reps}\n`);
        return JSON.parse(await next());
      },
      close: () => child.stdin.end(),
    };
  } catch (e) {
    console.log(`numpy: not measured (${e instanceof Error ? e.message.split('\n').pop() : e})`);
    child.kill();
    return undefined;
  }
}

function random(n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.random();
  return x;
}

async function timeKernel(run: () => Promise<unknown>, reps: number): Promise<number[]> {
  const seconds: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await run();
    seconds.push((performance.now() - t0) / 1e3);
  }
  return seconds;
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 300));

function median(xs: number[]): number {
  const s = [...xs].sort((p, q) => p - q);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Repetitions per round: about a second of work per round at the speed of a fast BLAS. */
function repsFor(n: number): number {
  return Math.max(2, Math.min(20, Math.round(1e11 / (2 * n ** 3))));
}

const gflops = (n: number, seconds: number) => (2 * n ** 3) / seconds / 1e9;

export async function main(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const sizes = quick ? QUICK_SIZES : FULL_SIZES;
  const rounds = 3;
  const threads = availableParallelism();
  const ort = ortNodeKernels({ intraOpNumThreads: threads });
  const numpy = await startNumpy();

  console.log(
    `matrix products, float32, n × n · n × n; ${cpus()[0]?.model ?? 'unknown CPU'}, ${threads} threads, ` +
      `Node ${process.versions.node}`,
  );
  console.log(
    `ts: TypeScript kernels, 1 thread; ort: onnxruntime-node, ${threads} intra-op threads; ` +
      (numpy ? `numpy ${numpy.info.numpy} (${numpy.info.blas}, threads: ${numpy.info.threads})` : 'numpy: -'),
  );
  console.log(`median of ${rounds} rounds of repetitions after warm-up\n`);

  const header = ['n', 'ts GFLOP/s', 'ort GFLOP/s', 'numpy GFLOP/s', 'ort / numpy', 'ts / numpy'];
  const rows: string[][] = [];
  try {
    for (const n of sizes) {
      const a = random(n * n);
      const b = random(n * n);
      const reps = repsFor(n);
      const ortTimes: number[] = [];
      const npTimes: number[] = [];
      await timeKernel(() => ort.matmul(a, b, n, n, n), 2); // warm-up: session, arena, threads
      for (let r = 0; r < rounds; r++) {
        // A pause between the two sides: both keep worker threads spinning for a while after a
        // product, which would slow whoever runs next.
        if (numpy) {
          await pause();
          npTimes.push(...(await numpy.time(n, reps)));
        }
        await pause();
        await ort.matmul(a, b, n, n, n); // untimed: wakes the threads
        ortTimes.push(...(await timeKernel(() => ort.matmul(a, b, n, n, n), reps)));
      }
      let tsTime: number | undefined;
      if (quick || n <= TS_MAX_FULL) {
        await pause();
        // Warm-up until V8 has optimised the loops: a few calls, or a third of a second.
        const warm = performance.now();
        for (let i = 0; i < 10 && performance.now() - warm < 300; i++) await tsKernels.matmul(a, b, n, n, n);
        tsTime = median(await timeKernel(() => tsKernels.matmul(a, b, n, n, n), 3));
      }
      const ortTime = median(ortTimes);
      const npTime = numpy ? median(npTimes) : undefined;
      const fmt = (t: number | undefined, skipped = 'skipped') =>
        t === undefined ? skipped : gflops(n, t).toFixed(1);
      const ratio = (t: number | undefined) =>
        t === undefined || npTime === undefined ? '-' : `${(npTime / t).toFixed(2)}×`;
      rows.push([String(n), fmt(tsTime), fmt(ortTime), fmt(npTime, '-'), ratio(ortTime), ratio(tsTime)]);
      console.log(`  n=${n} done`);
    }
  } finally {
    numpy?.close();
    await ort.release();
  }

  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i])).join(' | ')} |`;
  console.log(`\n${line(header)}`);
  console.log(`|${widths.map((w) => `${'-'.repeat(w + 1)}:`).join('|')}|`);
  for (const r of rows) console.log(line(r));
}
