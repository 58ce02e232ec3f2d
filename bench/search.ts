// `npm run bench -- search [--quick] [--no-write] [--reps N] [--python PATH]`: k-nearest-neighbour
// search over float32 vectors.
//
// 1. Exact top-10 of 1000 queries (inner product of unit vectors, i.e. cosine) over 100k × 512 and
//    1M × 128, beside numpy (blocked Q @ Xᵀ with argpartition, timed inside Python on the same data,
//    passed as .npy files) and usearch's exact mode (`usearch.exactSearch`, its own threads).
// 2. Approximate: recall@10 (against the exact result) and queries per second of our LSH index
//    (SimHash, multi-probe) at several settings, beside HNSW graphs from usearch and hnswlib-node,
//    with build times, on the 1M × 128 data.
//
// Data: Gaussian clusters (centres ~ N(0, I), rows = centre + 0.35·N(0, I), about 100 rows per
// cluster), normalised to unit length; queries are rows plus noise, normalised. Times are medians of
// repeats after a warm-up call.
import * as fs from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import hnswlib from 'hnswlib-node';
import usearch from 'usearch';
import { TensorColumn } from '../src/core/column/tensor.js';
import { npyHeader } from '../src/core/io/store/npy.js';
import { Random } from '../src/core/random.js';
import { buildLshIndex, exactSearch, type LshIndex, type SearchResult } from '../src/core/search/index.js';
import { nodeKernels } from '../src/node/tensor/node-kernels.js';
import { countOption } from './lib/args.js';
import { describeNumpy, type NumpyConfig, numpyPython, runPython } from './lib/python.js';
import { benchCommand, load, machine, writeSection } from './lib/results.js';
import { mean, median, pause, ratio, table, timed } from './lib/stats.js';

const K = 10;

interface LshSetting {
  tables: number;
  bits: number;
  probes: number[];
}

interface Sizes {
  exact: { n: number; d: number }[];
  /** Index of the exact case whose data the LSH-versus-exact comparison uses. */
  ann: number;
  queries: number;
  reps: number;
  lsh: LshSetting[];
  /** Data of the comparison with the HNSW peers (their builds take minutes at a million rows here). */
  peers: { n: number; d: number; lsh: LshSetting[] };
  hnswEf: number[];
}

const FULL: Sizes = {
  exact: [
    { n: 100_000, d: 512 },
    { n: 1_000_000, d: 128 },
  ],
  ann: 1,
  queries: 1000,
  reps: 3,
  lsh: [
    { tables: 8, bits: 16, probes: [1, 4, 16] },
    { tables: 16, bits: 18, probes: [1, 4, 16] },
    { tables: 16, bits: 22, probes: [4, 16, 64] },
  ],
  peers: {
    n: 100_000,
    d: 128,
    lsh: [
      { tables: 8, bits: 14, probes: [4, 16] },
      { tables: 16, bits: 16, probes: [4, 16] },
    ],
  },
  hnswEf: [16, 64],
};

const QUICK: Sizes = {
  exact: [
    { n: 20_000, d: 256 },
    { n: 50_000, d: 64 },
  ],
  ann: 1,
  queries: 200,
  reps: 3,
  lsh: [
    { tables: 8, bits: 12, probes: [1, 4] },
    { tables: 16, bits: 14, probes: [4] },
  ],
  peers: { n: 10_000, d: 64, lsh: [{ tables: 8, bits: 10, probes: [4] }] },
  hnswEf: [16, 64],
};

/** Clustered unit vectors (see the header) and queries near rows. */
export function makeData(n: number, d: number, nq: number, seed: number) {
  const rng = new Random(seed);
  const clusters = Math.max(1, Math.round(n / 100));
  const centres = new Float32Array(clusters * d);
  for (let i = 0; i < centres.length; i++) centres[i] = rng.normal();
  const data = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = rng.int(clusters) * d;
    for (let t = 0; t < d; t++) data[i * d + t] = centres[c + t] + 0.35 * rng.normal();
  }
  normalise(data, d);
  const queries = new Float32Array(nq * d);
  for (let i = 0; i < nq; i++) {
    const r = rng.int(n) * d;
    for (let t = 0; t < d; t++) queries[i * d + t] = data[r + t] + (0.1 / Math.sqrt(d)) * rng.normal();
  }
  normalise(queries, d);
  return { data, queries };
}

function normalise(x: Float32Array, d: number): void {
  for (let o = 0; o < x.length; o += d) {
    let s = 0;
    for (let t = 0; t < d; t++) s += x[o + t] * x[o + t];
    const inv = 1 / Math.sqrt(s);
    for (let t = 0; t < d; t++) x[o + t] *= inv;
  }
}

function writeNpy(file: string, x: Float32Array, rows: number, d: number): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, npyHeader('float32', [rows, d]));
    fs.writeSync(fd, new Uint8Array(x.buffer, x.byteOffset, x.byteLength));
  } finally {
    fs.closeSync(fd);
  }
}

// numpy peer: loads X and Q, runs the blocked search once untimed and `reps` times timed, writes
// its result indices, and prints the times and its configuration as JSON.
const NUMPY_EXACT = `
import json, sys, time
import numpy as np
xf, qf, outf, k, reps, block = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
X = np.load(xf); Q = np.load(qf)
n, nq = X.shape[0], Q.shape[0]
def search():
    best_s = np.full((nq, k), -np.inf, dtype=np.float32)
    best_i = np.zeros((nq, k), dtype=np.int64)
    for s in range(0, n, block):
        S = Q @ X[s:s + block].T
        part = np.argpartition(-S, k - 1, axis=1)[:, :k] if S.shape[1] > k else np.arange(S.shape[1])[None, :].repeat(nq, 0)
        cs = np.concatenate([best_s, np.take_along_axis(S, part, 1)], 1)
        ci = np.concatenate([best_i, part + s], 1)
        sel = np.argpartition(-cs, k - 1, axis=1)[:, :k]
        best_s = np.take_along_axis(cs, sel, 1); best_i = np.take_along_axis(ci, sel, 1)
    order = np.argsort(-best_s, axis=1, kind='stable')
    return np.take_along_axis(best_i, order, 1)
Qall = Q; Q = Qall[:10]; nq = 10
search()  # warm-up: BLAS threads, allocator
Q = Qall; nq = Q.shape[0]
times = []
for _ in range(reps):
    t0 = time.perf_counter(); idx = search(); times.append(time.perf_counter() - t0)
np.save(outf, idx.astype(np.int32))
print(json.dumps({'times': times}))
`;

async function numpyExact(
  python: string,
  dir: string,
  k: number,
  reps: number,
  block: number,
): Promise<{ times: number[]; indices: Int32Array } | string> {
  const out = path.join(dir, 'np-idx.npy');
  const files = ['x.npy', 'q.npy'].map((f) => path.join(dir, f));
  let stdout: string;
  try {
    stdout = await runPython(python, NUMPY_EXACT, [...files, out, String(k), String(reps), String(block)]);
  } catch (e) {
    return `numpy failed: ${e instanceof Error ? e.message : e}`;
  }
  const r = JSON.parse(stdout.trim().split('\n').pop()!);
  const bytes = fs.readFileSync(out);
  const headerLength = bytes.readUInt16LE(8) + 10;
  const indices = new Int32Array(
    bytes.buffer.slice(bytes.byteOffset + headerLength, bytes.byteOffset + bytes.length),
  );
  return { times: r.times, indices };
}

/** Fraction of the true top-k ids of each query that `found` has (any order). */
function recallAt(
  truth: Int32Array,
  found: ArrayLike<number | bigint>,
  nq: number,
  k: number,
  stride = k,
): number {
  let hits = 0;
  for (let i = 0; i < nq; i++) {
    const want = new Set(truth.subarray(i * k, (i + 1) * k));
    for (let j = 0; j < k; j++) if (want.has(Number(found[i * stride + j]))) hits++;
  }
  return hits / (nq * k);
}

/** LSH rows (one per setting and probe count) beside exact search's queries per second. */
async function lshRows(
  col: TensorColumn,
  queries: Float32Array,
  truth: SearchResult,
  exactQps: number,
  settings: LshSetting[],
  reps: number,
  best: { label: string; qps: number }[],
): Promise<string[][]> {
  const kernels = nodeKernels();
  const nq = truth.queries;
  const rows: string[][] = [];
  for (const s of settings) {
    await pause();
    const { value: index, seconds: build } = await timed(() =>
      buildLshIndex(col, {
        kind: 'simhash',
        metric: 'dot',
        tables: s.tables,
        bits: s.bits,
        seed: 1,
        kernels,
      }),
    );
    for (const probes of s.probes) {
      const run = () => (index as LshIndex).search(queries, { k: K, probes, kernels });
      let res = await run();
      const times: number[] = [];
      for (let r = 0; r < reps; r++) {
        const x = await timed(run);
        times.push(x.seconds);
        res = x.value;
      }
      const qps = nq / median(times);
      const rec = recallAt(truth.indices, res.indices, nq, K);
      const label = `LSH L=${s.tables} K=${s.bits} probes=${probes}`;
      rows.push([
        label,
        build.toFixed(1),
        qps.toFixed(0),
        rec.toFixed(3),
        ratio(qps, exactQps, 1),
        mean(res.candidates).toFixed(0),
      ]);
      console.log(`  ${label}: build ${build.toFixed(1)} s, ${qps.toFixed(0)} q/s, recall ${rec.toFixed(3)}`);
      if (rec >= 0.9) best.push({ label, qps });
    }
  }
  return rows;
}

/** Exact search with our kernels: the result and the median seconds of `reps` runs after a warm-up. */
async function ourExact(col: TensorColumn, queries: Float32Array, reps: number) {
  const kernels = nodeKernels();
  const d = col.rowSize;
  const search = (q: Float32Array) => exactSearch(col, q, { k: K, metric: 'dot', kernels });
  await search(queries.subarray(0, 10 * d)); // warm-up: sessions, threads
  const times: number[] = [];
  let truth: SearchResult | null = null;
  for (let r = 0; r < reps; r++) {
    const x = await timed(() => search(queries));
    times.push(x.seconds);
    truth = x.value;
  }
  return { truth: truth!, seconds: median(times) };
}

export async function main(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  const sizes = { ...(quick ? QUICK : FULL) };
  // `--reps N`: fewer timed runs when the machine is too busy for the full count.
  sizes.reps = countOption(args, '--reps', sizes.reps);
  const python = numpyPython(args);
  const nq = sizes.queries;
  const threads = availableParallelism();
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'tessera-bench-search-'));
  const loads: number[] = [loadavg()[0]];
  const exactRows: string[][] = [];
  let annRows: string[][] = [];
  const peerRows: string[][] = [];
  const notes: string[] = [];
  const exactTargets: string[] = [];
  let lshTarget = '';
  let numpy: NumpyConfig | undefined;
  try {
    numpy = await describeNumpy(python);
    console.log(`numpy peer: ${numpy.text}`);
  } catch (e) {
    notes.push(`numpy not run: ${e instanceof Error ? e.message : e}`);
  }
  try {
    // ---- 1. exact, beside numpy and usearch ----
    for (let c = 0; c < sizes.exact.length; c++) {
      const { n, d } = sizes.exact[c];
      console.log(`exact: ${n} × ${d}, ${nq} queries ...`);
      const { data, queries } = makeData(n, d, nq, 1000 + c);
      const col = new TensorColumn(data, [d], n);
      writeNpy(path.join(dir, 'x.npy'), data, n, d);
      writeNpy(path.join(dir, 'q.npy'), queries, nq, d);
      const np = numpy ? await numpyExact(python, dir, K, sizes.reps, 16384) : undefined;
      loads.push(loadavg()[0]);
      await pause();
      const { truth, seconds: t } = await ourExact(col, queries, sizes.reps);
      await pause();
      usearch.exactSearch(data, queries.subarray(0, 10 * d), d, K, usearch.MetricKind.IP, 0); // warm-up
      const us: number[] = [];
      let usRecall = 0;
      for (let r = 0; r < sizes.reps; r++) {
        const { value, seconds } = await timed(() =>
          usearch.exactSearch(data, queries, d, K, usearch.MetricKind.IP, 0),
        );
        us.push(seconds);
        usRecall = recallAt(truth.indices, (value as InstanceType<typeof usearch.BatchMatches>).keys, nq, K);
      }
      loads.push(loadavg()[0]);
      const tu = median(us);
      let npCell = '-';
      let tn: number | undefined;
      let agree = '-';
      if (typeof np === 'string') notes.push(np);
      else if (np) {
        tn = median(np.times);
        npCell = (tn * 1000).toFixed(0);
        agree = recallAt(truth.indices, np.indices, nq, K).toFixed(4);
        // Against numpy on the reference BLAS the target says nothing: a handicapped peer.
        const verdict = !numpy?.optimised
          ? 'not measured: numpy runs on a reference BLAS'
          : t <= 1.2 * tn
            ? 'met'
            : 'missed';
        exactTargets.push(`${n.toLocaleString('en-US')} × ${d}: ${ratio(t, tn)} numpy's time (${verdict})`);
      }
      console.log(
        `  ours ${(t * 1000).toFixed(0)} ms, numpy ${npCell} ms, usearch ${(tu * 1000).toFixed(0)} ms`,
      );
      exactRows.push([
        `${n.toLocaleString('en-US')} × ${d}`,
        (t * 1000).toFixed(0),
        npCell,
        (tu * 1000).toFixed(0),
        ratio(t, tn),
        ratio(t, tu),
        `${(nq / t).toFixed(0)}`,
        agree,
        usRecall.toFixed(4),
      ]);
      // ---- 2. LSH against exact on the large data ----
      if (c === sizes.ann) {
        console.log(`LSH: ${n} × ${d} ...`);
        const exactQps = nq / t;
        const best: { label: string; qps: number }[] = [];
        annRows = [
          ['exact (ours)', '-', exactQps.toFixed(0), '1.000', '1.0×', n.toLocaleString('en-US')],
          ...(await lshRows(col, queries, truth, exactQps, sizes.lsh, sizes.reps, best)),
        ];
        best.sort((a, b) => b.qps - a.qps);
        lshTarget =
          best.length === 0
            ? 'no LSH setting reached recall@10 ≥ 0.9 (missed)'
            : `${best[0].label} reaches recall@10 ≥ 0.9 at ${ratio(best[0].qps, exactQps, 1)} the exact queries/s (${best[0].qps / exactQps >= 5 ? 'met' : 'missed'})`;
        loads.push(loadavg()[0]);
      }
    }

    // ---- 3. LSH beside HNSW graphs (usearch, hnswlib-node) ----
    const { n, d } = sizes.peers;
    console.log(`peers: ${n} × ${d} ...`);
    const { data, queries } = makeData(n, d, nq, 2000);
    const col = new TensorColumn(data, [d], n);
    const { truth, seconds: t } = await ourExact(col, queries, sizes.reps);
    const exactQps = nq / t;
    peerRows.push(['exact (ours)', '-', exactQps.toFixed(0), '1.000', '1.0×', n.toLocaleString('en-US')]);
    peerRows.push(...(await lshRows(col, queries, truth, exactQps, sizes.peers.lsh, sizes.reps, [])));
    loads.push(loadavg()[0]);

    // usearch HNSW: expansion_search is fixed when the index is made, so one search setting.
    await pause();
    const keys = new BigUint64Array(n);
    for (let i = 0; i < n; i++) keys[i] = BigInt(i);
    const usIndex = new usearch.Index({
      dimensions: d,
      metric: usearch.MetricKind.IP,
      connectivity: 16,
      expansion_add: 128,
      expansion_search: 64,
      quantization: usearch.ScalarKind.F32,
      multi: false,
    });
    const { seconds: usBuild } = await timed(() => usIndex.add(keys, data, 0));
    for (const used of [1, 0]) {
      let matches = usIndex.search(queries, K, used) as InstanceType<typeof usearch.BatchMatches>;
      const times: number[] = [];
      for (let r = 0; r < sizes.reps; r++) {
        const x = await timed(() => usIndex.search(queries, K, used));
        times.push(x.seconds);
        matches = x.value as InstanceType<typeof usearch.BatchMatches>;
      }
      const qps = nq / median(times);
      peerRows.push([
        `usearch HNSW M=16 ef=64, search on ${used === 1 ? '1 thread' : `${threads} threads`}`,
        usBuild.toFixed(1),
        qps.toFixed(0),
        recallAt(truth.indices, matches.keys, nq, K).toFixed(3),
        ratio(qps, exactQps, 1),
        '-',
      ]);
    }
    loads.push(loadavg()[0]);

    await pause();
    const h = new hnswlib.HierarchicalNSW('ip', d);
    const { seconds: hBuild } = await timed(() => {
      h.initIndex(n, 16, 128, 100);
      const row = new Array<number>(d);
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < d; c++) row[c] = data[i * d + c];
        h.addPoint(row, i);
      }
    });
    const qrows = Array.from({ length: nq }, (_, i) => Array.from(queries.subarray(i * d, (i + 1) * d)));
    for (const ef of sizes.hnswEf) {
      h.setEf(ef);
      const found = new Int32Array(nq * K);
      const runAll = () => {
        for (let i = 0; i < nq; i++) {
          const r = h.searchKnn(qrows[i], K);
          for (let j = 0; j < K; j++) found[i * K + j] = r.neighbors[j];
        }
      };
      runAll();
      const times: number[] = [];
      for (let r = 0; r < sizes.reps; r++) times.push((await timed(runAll)).seconds);
      const qps = nq / median(times);
      peerRows.push([
        `hnswlib-node M=16 ef=${ef}, 1 thread`,
        hBuild.toFixed(1),
        qps.toFixed(0),
        recallAt(truth.indices, found, nq, K).toFixed(3),
        ratio(qps, exactQps, 1),
        '-',
      ]);
    }
    loads.push(loadavg()[0]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const exactTable = table(
    [
      'rows × d',
      'ours ms',
      'numpy ms',
      'usearch ms',
      'ours / numpy',
      'ours / usearch',
      'ours q/s',
      'numpy agrees',
      'usearch recall',
    ],
    exactRows,
  );
  const annHeader = ['method', 'build s', 'queries/s', 'recall@10', 'vs exact', 'candidates/query'];
  const annTable = table(annHeader, annRows);
  const peerTable = table(annHeader, peerRows);
  const loadText = `load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} during the run (1-minute, ${load()} at the end)`;
  const exactTarget = exactTargets.join('; ') || 'not measured';
  console.log(
    `\n${exactTable}\n\n${annTable}\n\n${peerTable}\n\nexact within 1.2× numpy: ${exactTarget}\nLSH ≥ 5× exact at recall ≥ 0.9: ${lshTarget}\n${notes.join('\n')}\n${loadText}`,
  );

  const big = sizes.exact[sizes.ann];
  writeSection(
    'search',
    args,
    [
      `\`${benchCommand('search', args)}\`, ${new Date().toISOString().slice(0, 10)}, ${machine()}, ${loadText}.`,
      '',
      `Data: Gaussian clusters of about 100 rows (centres ~ N(0, I), spread 0.35 per coordinate), normalised to unit length; ${nq} queries are rows plus small noise, normalised. Scores are inner products (= cosine). Times are medians of ${sizes.reps} runs after a warm-up.`,
      '',
      `**Exact top-${K}.** Ours: \`exactSearch\` on \`nodeKernels()\` (ONNX Runtime MatMul and TopK, ${threads} threads, blocks of 16384 rows). numpy: ${numpy?.text ?? '-'}, blocked \`Q @ X[block].T\` + \`argpartition\`, same block size, timed inside Python on the same data (.npy files). usearch 2.25.3: \`exactSearch\`, its own threads. "agrees": fraction of numpy's ids that are ours.`,
      '',
      exactTable,
      '',
      `**LSH against exact** on the ${big.n.toLocaleString('en-US')} × ${big.d} data: SimHash, L tables of K bits, multi-probe (probes = buckets per table), candidates re-ranked exactly in one JavaScript thread (query projections on ONNX Runtime); recall@10 against the exact result.`,
      '',
      annTable,
      '',
      `**LSH beside HNSW graphs** on ${sizes.peers.n.toLocaleString('en-US')} × ${sizes.peers.d} data of the same kind (HNSW builds of a million rows take many minutes on this machine): usearch (M=16, expansion_add=128, expansion_search=64; build on ${threads} threads) and hnswlib-node 3.0.0 (M=16, efConstruction=128; one point per call, one thread).`,
      '',
      peerTable,
      '',
      `Targets: exact within 1.2× of numpy: ${exactTarget}. LSH ≥ 5× faster than exact at recall@10 ≥ 0.9 (${big.n.toLocaleString('en-US')} rows): ${lshTarget}.`,
      ...(notes.length ? ['', ...notes] : []),
    ].join('\n'),
  );
}
