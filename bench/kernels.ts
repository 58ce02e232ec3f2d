// `npm run bench -- kernels [--quick] [--python PATH]`: GFLOP/s of square float32 matrix products,
// n × n times n × n, for the TypeScript kernels and the ONNX Runtime kernels beside numpy (its BLAS,
// usually OpenBLAS, run at its best by bench/lib/python.ts), measured in the same run. GFLOP/s = 2n³ / time, the median of several timed repetitions after
// warm-up. ONNX Runtime is timed from Float32Array in to Float32Array out; numpy inside Python with
// time.perf_counter around `a @ b`. numpy and ONNX Runtime alternate in rounds, so that load from
// elsewhere on a noisy machine falls on both alike; medians, not means, for the same reason.
import { availableParallelism } from 'node:os';
import { createInterface } from 'node:readline';
import { ortNodeKernels, tsKernels } from '../src/node/tensor/node-kernels.js';
import { describeNumpy, type NumpyConfig, numpyPython, startPython } from './lib/python.js';
import { machine } from './lib/results.js';
import { median, pause, ratio, table, timeRepeats } from './lib/stats.js';

const FULL_SIZES = [512, 1024, 2048, 4096];
const QUICK_SIZES = [128, 256, 512];
/** The TypeScript kernel runs at about 2 GFLOP/s: above this it would take minutes. */
const TS_MAX_FULL = 1024;

// Reads "n reps" lines, answers each with a JSON list of the seconds each repetition of a @ b took
// (after one untimed product). Arrays are made once per size.
const NUMPY_SERVER = `
import json, sys, time
import numpy as np
print("ready", flush=True)
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
  config: NumpyConfig;
  /** Seconds of each of `reps` repetitions of an n × n product. */
  time(n: number, reps: number): Promise<number[]>;
  close(): void;
}

/** Starts the Python side, or returns undefined (with the reason printed) if numpy is not there. */
async function startNumpy(python: string): Promise<NumpyPeer | undefined> {
  let config: NumpyConfig;
  try {
    config = await describeNumpy(python);
  } catch (e) {
    console.log(`numpy: not measured (${e instanceof Error ? e.message : e})`);
    return undefined;
  }
  const child = startPython(python, NUMPY_SERVER);
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const line = await lines.next();
    if (line.done) throw new Error(stderr.trim().split('\n').pop() || `${python} exited`);
    return line.value;
  };
  try {
    const spawned = new Promise<never>((_, reject) => child.on('error', reject));
    await Promise.race([next(), spawned]);
    return {
      config,
      async time(n, reps) {
        child.stdin.write(`${n} ${reps}\n`);
        return JSON.parse(await next());
      },
      close: () => child.stdin.end(),
    };
  } catch (e) {
    console.log(`numpy: not measured (${e instanceof Error ? e.message : e})`);
    child.kill();
    return undefined;
  }
}

function random(n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.random();
  return x;
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
  const numpy = await startNumpy(numpyPython(args));

  console.log(`matrix products, float32, n × n · n × n; ${machine()}`);
  console.log(
    `ts: TypeScript kernels, 1 thread; ort: onnxruntime-node, ${threads} intra-op threads; ` +
      `numpy: ${numpy ? numpy.config.text : '-'}`,
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
      await timeRepeats(() => ort.matmul(a, b, n, n, n), 2); // warm-up: session, arena, threads
      for (let r = 0; r < rounds; r++) {
        // A pause between the two sides: both keep worker threads spinning for a while after a
        // product, which would slow whoever runs next.
        if (numpy) {
          await pause(300);
          npTimes.push(...(await numpy.time(n, reps)));
        }
        await pause(300);
        await ort.matmul(a, b, n, n, n); // untimed: wakes the threads
        ortTimes.push(...(await timeRepeats(() => ort.matmul(a, b, n, n, n), reps)));
      }
      let tsTime: number | undefined;
      if (quick || n <= TS_MAX_FULL) {
        await pause(300);
        // Warm-up until V8 has optimised the loops: a few calls, or a third of a second.
        const warm = performance.now();
        for (let i = 0; i < 10 && performance.now() - warm < 300; i++) await tsKernels.matmul(a, b, n, n, n);
        tsTime = median(await timeRepeats(() => tsKernels.matmul(a, b, n, n, n), 3));
      }
      const ortTime = median(ortTimes);
      const npTime = numpy ? median(npTimes) : undefined;
      const fmt = (t: number | undefined, skipped = 'skipped') =>
        t === undefined ? skipped : gflops(n, t).toFixed(1);
      // Speed ratios: numpy's time over ours.
      rows.push([
        String(n),
        fmt(tsTime),
        fmt(ortTime),
        fmt(npTime, '-'),
        ratio(npTime, ortTime),
        ratio(npTime, tsTime),
      ]);
      console.log(`  n=${n} done`);
    }
  } finally {
    numpy?.close();
    await ort.release();
  }

  console.log(`\n${table(header, rows)}`);
}
