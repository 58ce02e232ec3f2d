// DataFrame operations, Tessera beside nodejs-polars 0.24.1, DuckDB (@duckdb/node-api) and Arquero 8,
// measured in one run and printed as ratios:
// `npm run bench -- ops [--quick] [--no-write] [--runs N] [--sizes 1e6,1e7] [--scale-join-take]`.
//
// Data (seeded, generated once per size, loaded into every system before timing; loading is not timed):
//   k  int32 key, uniform in [0, 1000)
//   f  float64, uniform in [0, 1)
//   s  string 's' + u with u uniform in [0, 100000) (2 to 6 ASCII characters, ~100k distinct values,
//      independent of k)
// Join: left = 1M rows (id: a random permutation of 0..1M-1, plus k, f, s), right = 1M rows (id: another
// permutation, g float64), inner join on id; 1M × 1M at every size of a full run, so the 10M run
// joins 1M rows too. Take: 1M indices uniform in [0, n), with repeats. `--scale-join-take` (and the
// quick run) join n × n rows and take n indices at each size n instead.
//
// What each system must materialise (so lazy results are not timed as free):
//   Tessera  row selections are views; the timed call reads every column of the result (`column(name)`
//            for all names), which gathers them.
//   Polars   eager DataFrame results; take is `df.select(pl.all().gather(pl.lit(idx).explode()))`.
//   DuckDB   every query is `CREATE TEMP TABLE r AS ...` on in-memory tables (loaded from a Parquet file
//            written by Polars); take is a join of an index table on t.rowid, ORDER BY position.
//   Arquero  filter/orderby are lazy and get `.reify()`; rollup and join materialise; take is
//            `dt.reify(indices)`. Arquero runs in a worker thread of this process (one system at a
//            time, never concurrently) so that a time budget and a heap limit can stop it without
//            stopping the run: it is then reported as "skipped (reason)".
// Polars and DuckDB use all cores (their defaults); Tessera and Arquero run on one thread. A full GC
// (untimed) precedes every timed call, and the main thread keeps no JavaScript copy of the data.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { ColumnTable } from 'arquero';
import type { DataFrame as PlDataFrame } from 'nodejs-polars';
import { DataFrame, Random, ScalarColumn } from '../src/index.js';
import { countOption, countsOption, numberOption } from './lib/args.js';
import { benchCommand, machine, writeSection } from './lib/results.js';
import { collectGarbage, formatCount, formatMs, median, ratio, table } from './lib/stats.js';

type Pl = typeof import('nodejs-polars').default;

// ---- what is measured ----

const OPS = ['filter', 'sort1', 'sort2', 'groupby', 'join', 'take'] as const;
type Op = (typeof OPS)[number];

/** What a check reports about a result, to compare systems: row count, first `f`, or a column sum. */
const CHECKS: Record<Op, { sum?: string; first?: string }> = {
  filter: { sum: 'f' },
  sort1: { first: 'f' },
  sort2: { first: 'f' },
  groupby: { sum: 'mean_f' },
  join: { sum: 'g' },
  take: { sum: 'f' },
};

const SEED = { data: 1, joinLeft: 2, joinLeftId: 3, joinRight: 4, joinRightId: 5, take: 6 };
const JOIN_ROWS = 1_000_000;
const TAKE_ROWS = 1_000_000;

interface Spec {
  /** Rows of the main frame. */
  n: number;
  /** Rows of each side of the join. */
  joinRows: number;
  /** Number of indices for take. */
  takeRows: number;
}

function opLabel(op: Op, spec: Spec): string {
  switch (op) {
    case 'filter':
      return 'filter f > 0.5';
    case 'sort1':
      return 'sort by f';
    case 'sort2':
      return 'sort by k, f';
    case 'groupby':
      return 'groupby k, mean f';
    case 'join':
      return `inner join ${formatCount(spec.joinRows)} × ${formatCount(spec.joinRows)} on id`;
    case 'take':
      return `take ${formatCount(spec.takeRows)} random indices`;
  }
}

// ---- data (identical in the main thread and the Arquero worker) ----

interface MainData {
  k: Int32Array;
  f: Float64Array;
  s: string[];
}
interface JoinData {
  left: { id: Int32Array; k: Int32Array; f: Float64Array; s: string[] };
  right: { id: Int32Array; g: Float64Array };
}

function makeData(n: number, seed: number): MainData {
  const rng = new Random(seed);
  const k = new Int32Array(n);
  const f = new Float64Array(n);
  const s = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    k[i] = rng.int(1000);
    f[i] = rng.next();
    s[i] = `s${rng.int(100_000)}`;
  }
  return { k, f, s };
}

function permutation(n: number, seed: number): Int32Array {
  const rng = new Random(seed);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = p[i];
    p[i] = p[j];
    p[j] = t;
  }
  return p;
}

function makeJoinData(m: number): JoinData {
  const { k, f, s } = makeData(m, SEED.joinLeft);
  const rng = new Random(SEED.joinRight);
  const g = new Float64Array(m);
  for (let i = 0; i < m; i++) g[i] = rng.next();
  return {
    left: { id: permutation(m, SEED.joinLeftId), k, f, s },
    right: { id: permutation(m, SEED.joinRightId), g },
  };
}

function makeTakeIndices(count: number, n: number): Int32Array {
  const rng = new Random(SEED.take);
  const idx = new Int32Array(count);
  for (let i = 0; i < count; i++) idx[i] = rng.int(n);
  return idx;
}

// ---- timing ----

/** How one system did on one operation in one run. */
type Outcome = { ms: number[]; check: string } | { skipped: string };

/** One system's way to run an operation (timed) and to describe its result (not timed). */
interface Runner<R> {
  run: () => R | Promise<R>;
  check: (result: R) => string | Promise<string>;
  /** Frees what `run` left behind (not timed). */
  cleanup?: () => Promise<void>;
}

function describeError(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  if (/^TODO\b/.test(msg)) return 'not implemented yet (TODO)';
  return `error: ${msg.split('\n')[0].slice(0, 120)}`;
}

/** Warm up once (its result gives the check), then time `reps` runs, each after a full GC. */
async function measure<R>(runner: Runner<R>, reps: number): Promise<Outcome> {
  try {
    collectGarbage();
    let warm: R | null = await runner.run();
    const check = await runner.check(warm);
    warm = null;
    await runner.cleanup?.();
    const ms: number[] = [];
    for (let r = 0; r < reps; r++) {
      collectGarbage();
      const t0 = performance.now();
      await runner.run();
      ms.push(performance.now() - t0);
      await runner.cleanup?.();
    }
    return { ms, check };
  } catch (e) {
    await runner.cleanup?.().catch(() => undefined);
    return { skipped: describeError(e) };
  }
}

function summarise(rows: number, first: number | null, sum: number | null): string {
  let out = `${rows} rows`;
  if (first !== null) out += `, first f ${first.toPrecision(8)}`;
  if (sum !== null) out += `, sum ${sum.toPrecision(9)}`;
  return out;
}

function sumOf(values: ArrayLike<unknown>): number {
  let t = 0;
  for (let i = 0; i < values.length; i++) t += Number(values[i]);
  return t;
}

// ---- Tessera ----

function tesseraRunners(data: MainData, join: JoinData, takeIdx: Int32Array): Record<Op, Runner<DataFrame>> {
  const df = new DataFrame({ k: data.k, f: data.f, s: data.s });
  const left = new DataFrame({ id: join.left.id, k: join.left.k, f: join.left.f, s: join.left.s });
  const right = new DataFrame({ id: join.right.id, g: join.right.g });
  /** Read every column, so a view gathers its rows. */
  const force = (r: DataFrame): DataFrame => {
    for (const name of r.columnNames) r.column(name);
    return r;
  };
  const runner = (op: Op, run: () => DataFrame): Runner<DataFrame> => ({
    run: () => force(run()),
    check: (r) => {
      const c = CHECKS[op];
      const first = c.first && r.length > 0 ? Number(r.column(c.first).get(0)) : null;
      const sum = c.sum ? sumOf(numbers(r, c.sum)) : null;
      return summarise(r.length, first, sum);
    },
  });
  return {
    filter: runner('filter', () => df.filter('f', '>', 0.5)),
    sort1: runner('sort1', () => df.sort('f')),
    sort2: runner('sort2', () => df.sort(['k', 'f'])),
    groupby: runner('groupby', () => df.groupby('k').agg({ mean_f: ['f', 'mean'] })),
    join: runner('join', () => left.merge(right, { on: 'id', how: 'inner' })),
    take: runner('take', () => df.take(takeIdx)),
  };
}

function numbers(r: DataFrame, name: string): ArrayLike<unknown> {
  const c = r.column(name);
  return c instanceof ScalarColumn && c.validity === null && c.dtype !== 'string' && c.dtype !== 'bool'
    ? (c.values as ArrayLike<number>)
    : c.toArray();
}

// ---- Polars ----

function polarsRunners(
  pl: Pl,
  data: MainData,
  join: JoinData,
  takeIdx: Int32Array,
): Record<Op, Runner<PlDataFrame>> {
  const df = pl.DataFrame([
    pl.Series('k', data.k, pl.Int32),
    pl.Series('f', data.f, pl.Float64),
    pl.Series('s', data.s, pl.Utf8),
  ]);
  const left = pl.DataFrame([
    pl.Series('id', join.left.id, pl.Int32),
    pl.Series('k', join.left.k, pl.Int32),
    pl.Series('f', join.left.f, pl.Float64),
    pl.Series('s', join.left.s, pl.Utf8),
  ]);
  const right = pl.DataFrame([
    pl.Series('id', join.right.id, pl.Int32),
    pl.Series('g', join.right.g, pl.Float64),
  ]);
  const idx = pl.Series('idx', takeIdx, pl.Int32).cast(pl.UInt32);
  const runner = (op: Op, run: () => PlDataFrame): Runner<PlDataFrame> => ({
    run,
    check: (r) => {
      const c = CHECKS[op];
      const first = c.first && r.height > 0 ? Number(r.getColumn(c.first).get(0)) : null;
      const sum = c.sum ? sumOf(r.getColumn(c.sum).toArray()) : null;
      return summarise(r.height, first, sum);
    },
  });
  return {
    filter: runner('filter', () => df.filter(pl.col('f').gt(0.5))),
    sort1: runner('sort1', () => df.sort('f')),
    sort2: runner('sort2', () => df.sort(['k', 'f'])),
    groupby: runner('groupby', () => df.groupBy('k').agg(pl.col('f').mean().alias('mean_f'))),
    join: runner('join', () => left.join(right, { on: 'id', how: 'inner' })),
    // `gather(idx)` with a Series crashes nodejs-polars 0.24.1 (SIGSEGV); a literal of it works.
    take: runner('take', () => df.select(pl.all().gather(pl.lit(idx).explode()))),
  };
}

// ---- DuckDB ----

interface Duck {
  connection: DuckDBConnection;
  close: () => void;
}

async function duckdbLoad(pl: Pl, data: MainData, join: JoinData, takeIdx: Int32Array): Promise<Duck> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  const dir = mkdtempSync(joinPath(tmpdir(), 'tessera-bench-ops-'));
  try {
    const tables: Record<string, PlDataFrame> = {
      t: pl.DataFrame([
        pl.Series('k', data.k, pl.Int32),
        pl.Series('f', data.f, pl.Float64),
        pl.Series('s', data.s, pl.Utf8),
      ]),
      jl: pl.DataFrame([
        pl.Series('id', join.left.id, pl.Int32),
        pl.Series('k', join.left.k, pl.Int32),
        pl.Series('f', join.left.f, pl.Float64),
        pl.Series('s', join.left.s, pl.Utf8),
      ]),
      jr: pl.DataFrame([pl.Series('id', join.right.id, pl.Int32), pl.Series('g', join.right.g, pl.Float64)]),
      idx: pl.DataFrame([
        pl.Series(
          'pos',
          Int32Array.from({ length: takeIdx.length }, (_, i) => i),
          pl.Int32,
        ),
        pl.Series('i', takeIdx, pl.Int32),
      ]),
    };
    for (const [name, frame] of Object.entries(tables)) {
      const file = joinPath(dir, `${name}.parquet`);
      frame.writeParquet(file);
      await connection.run(`CREATE TABLE ${name} AS SELECT * FROM read_parquet('${file}')`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return {
    connection,
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

function duckdbRunners(duck: Duck): Record<Op, Runner<void>> {
  const c = duck.connection;
  const runner = (op: Op, query: string): Runner<void> => ({
    run: async () => {
      await c.run(`CREATE TEMP TABLE r AS ${query}`);
    },
    check: async () => {
      const spec = CHECKS[op];
      const rows = Number((await c.runAndReadAll('SELECT count(*) FROM r')).getRows()[0][0]);
      const first = spec.first
        ? Number((await c.runAndReadAll(`SELECT ${spec.first} FROM r WHERE rowid = 0`)).getRows()[0][0])
        : null;
      const sum = spec.sum
        ? Number((await c.runAndReadAll(`SELECT sum(${spec.sum}) FROM r`)).getRows()[0][0])
        : null;
      return summarise(rows, first, sum);
    },
    cleanup: async () => {
      await c.run('DROP TABLE IF EXISTS r');
    },
  });
  return {
    filter: runner('filter', 'SELECT * FROM t WHERE f > 0.5'),
    sort1: runner('sort1', 'SELECT * FROM t ORDER BY f'),
    sort2: runner('sort2', 'SELECT * FROM t ORDER BY k, f'),
    groupby: runner('groupby', 'SELECT k, avg(f) AS mean_f FROM t GROUP BY k'),
    join: runner('join', 'SELECT jl.*, jr.g FROM jl JOIN jr USING (id)'),
    take: runner('take', 'SELECT t.* FROM idx JOIN t ON t.rowid = idx.i ORDER BY idx.pos'),
  };
}

// ---- Arquero (in a worker thread) ----

type ToWorker = { kind: 'load'; spec: Spec } | { kind: 'op'; op: Op; reps: number };
type FromWorker = { kind: 'loaded' } | { kind: 'outcome'; outcome: Outcome };

async function arqueroRunners(spec: Spec): Promise<Record<Op, Runner<ColumnTable>>> {
  const aq = await import('arquero');
  const data = makeData(spec.n, SEED.data);
  const join = makeJoinData(spec.joinRows);
  const takeIdx = Array.from(makeTakeIndices(spec.takeRows, spec.n));
  const dt = aq.table({ k: data.k, f: data.f, s: data.s });
  const left = aq.table({ id: join.left.id, k: join.left.k, f: join.left.f, s: join.left.s });
  const right = aq.table({ id: join.right.id, g: join.right.g });
  const runner = (op: Op, run: () => ColumnTable): Runner<ColumnTable> => ({
    run,
    check: (r) => {
      const c = CHECKS[op];
      const first = c.first && r.numRows() > 0 ? Number(r.get(c.first, 0)) : null;
      const sum = c.sum ? sumOf(r.array(c.sum) as ArrayLike<unknown>) : null;
      return summarise(r.numRows(), first, sum);
    },
  });
  return {
    filter: runner('filter', () => dt.filter((d: { f: number }) => d.f > 0.5).reify()),
    sort1: runner('sort1', () => dt.orderby('f').reify()),
    sort2: runner('sort2', () => dt.orderby('k', 'f').reify()),
    groupby: runner('groupby', () => dt.groupby('k').rollup({ mean_f: aq.op.mean('f') })),
    join: runner('join', () => left.join(right, 'id')),
    take: runner('take', () => dt.reify(takeIdx)),
  };
}

function arqueroWorkerMain(): void {
  const port = parentPort!;
  let runners: Record<Op, Runner<ColumnTable>> | null = null;
  port.on('message', async (msg: ToWorker) => {
    if (msg.kind === 'load') {
      runners = await arqueroRunners(msg.spec);
      port.postMessage({ kind: 'loaded' } satisfies FromWorker);
    } else {
      const outcome = await measure(runners![msg.op], msg.reps);
      port.postMessage({ kind: 'outcome', outcome } satisfies FromWorker);
    }
  });
}

/** Arquero in a worker thread with a heap limit and a per-operation time budget. */
class ArqueroWorker {
  private worker: Worker | null = null;
  /** Operations already over budget or out of memory in an earlier run: not tried again. */
  private readonly given_up = new Map<Op, string>();

  constructor(
    private readonly spec: Spec,
    private readonly budgetMs: number,
    private readonly heapMb: number,
  ) {}

  async run(op: Op, reps: number): Promise<Outcome> {
    const before = this.given_up.get(op);
    if (before !== undefined) return { skipped: `${before}, in an earlier run` };
    try {
      if (this.worker === null) {
        this.worker = this.spawn();
        await this.request({ kind: 'load', spec: this.spec }, 30 * 60_000);
      }
      const reply = await this.request({ kind: 'op', op, reps }, this.budgetMs);
      if (reply.kind !== 'outcome') throw new Error(`unexpected reply ${reply.kind}`);
      return reply.outcome;
    } catch (e) {
      await this.stop();
      const reason = e instanceof Error ? e.message : String(e);
      this.given_up.set(op, reason);
      return { skipped: reason };
    }
  }

  async stop(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    if (w !== null) await w.terminate();
  }

  private spawn(): Worker {
    const self = import.meta.url;
    // Under tsx the worker must register the TypeScript loader before it imports this file.
    const code = self.endsWith('.ts')
      ? `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(self)}); });`
      : `import(${JSON.stringify(self)});`;
    return new Worker(code, {
      eval: true,
      workerData: { role: WORKER_ROLE },
      resourceLimits: { maxOldGenerationSizeMb: this.heapMb },
    });
  }

  private request(msg: ToWorker, timeoutMs: number): Promise<FromWorker> {
    const w = this.worker!;
    return new Promise<FromWorker>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        w.off('message', onMessage);
        w.off('error', onError);
        w.off('exit', onExit);
      };
      const onMessage = (m: FromWorker) => {
        done();
        resolve(m);
      };
      const onError = (e: Error & { code?: string }) => {
        done();
        reject(
          new Error(
            e.code === 'ERR_WORKER_OUT_OF_MEMORY'
              ? `out of memory (heap limit ${this.heapMb} MB)`
              : e.message,
          ),
        );
      };
      const onExit = (code: number) => {
        done();
        reject(new Error(`worker exited (${code})`));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`over the ${Math.round(timeoutMs / 1000)} s budget`));
      }, timeoutMs);
      w.on('message', onMessage);
      w.on('error', onError);
      w.on('exit', onExit);
      w.postMessage(msg);
    });
  }
}

const WORKER_ROLE = 'tessera-bench-ops-arquero';

// ---- the run ----

const SYSTEMS = ['tessera', 'polars', 'duckdb', 'arquero'] as const;
type System = (typeof SYSTEMS)[number];

interface Options {
  quick: boolean;
  sizes: number[];
  runs: number;
  reps: (n: number) => number;
  arqueroBudgetS: number;
  arqueroHeapMb: number;
  /** Join n × n rows and take n indices at each size n, instead of 1M × 1M and 1M indices. */
  scaleJoinTake: boolean;
}

function parseArgs(args: string[]): Options {
  const quick = args.includes('--quick');
  const sizes = countsOption(args, '--sizes', quick ? [100_000] : [1_000_000, 10_000_000]);
  const runs = countOption(args, '--runs', 1);
  return {
    quick,
    sizes,
    runs,
    reps: (n) => (quick ? 1 : n >= 5_000_000 ? 3 : 5),
    arqueroBudgetS: numberOption(args, '--arquero-budget', quick ? 30 : 300),
    arqueroHeapMb: countOption(args, '--arquero-heap', 8192),
    scaleJoinTake: quick || args.includes('--scale-join-take'),
  };
}

/** Per size, per op, per system: the outcome of each run. */
type SizeResults = Map<Op, Map<System, Outcome[]>>;

export async function main(args: string[]): Promise<void> {
  const opts = parseArgs(args);
  const pl = (await import('nodejs-polars')).default;
  const sections: string[] = [];
  const started = Date.now();
  const loadAtStart = loadavg()[0].toFixed(1);
  for (const n of opts.sizes) {
    const spec: Spec = {
      n,
      joinRows: opts.scaleJoinTake ? n : JOIN_ROWS,
      takeRows: opts.scaleJoinTake ? n : TAKE_ROWS,
    };
    const reps = opts.reps(n);
    log(`\n== ${formatCount(n)} rows: loading (not timed) ==`);
    const { duck, runners } = await load(pl, spec);
    const arquero = new ArqueroWorker(spec, opts.arqueroBudgetS * 1000, opts.arqueroHeapMb);
    const results: SizeResults = new Map(OPS.map((op) => [op, new Map(SYSTEMS.map((s) => [s, []]))]));
    for (let run = 1; run <= opts.runs; run++) {
      log(`-- ${formatCount(n)} rows, run ${run}/${opts.runs} (warm-up + ${reps} reps each) --`);
      for (const op of OPS) {
        for (const system of SYSTEMS) {
          const outcome =
            system === 'arquero' ? await arquero.run(op, reps) : await measure(runners[system][op], reps);
          results.get(op)!.get(system)!.push(outcome);
          log(
            `${opLabel(op, spec).padEnd(34)} ${system.padEnd(8)} ${
              'ms' in outcome
                ? `${outcome.ms.map((x) => x.toFixed(1)).join(' ')} ms  [${outcome.check}]`
                : `skipped (${outcome.skipped})`
            }`,
          );
        }
      }
    }
    await arquero.stop();
    duck.close();
    const table = formatTable(spec, reps, opts.runs, results);
    console.log(`\n${table}`);
    sections.push(table);
  }
  log(`\ntotal ${((Date.now() - started) / 1000).toFixed(0)} s`);
  writeResults(args, opts, sections, loadAtStart);
}

/**
 * Generate the data and load it into Tessera, Polars and DuckDB. The JavaScript arrays (10M strings
 * at 10M rows) are dropped when this returns: kept alive, they would make every full GC of the main
 * thread slower, which taxes Tessera's timings (and not the native peers') for the harness's sake.
 */
async function load(
  pl: Pl,
  spec: Spec,
): Promise<{ duck: Duck; runners: Record<Exclude<System, 'arquero'>, Record<Op, Runner<unknown>>> }> {
  const data = makeData(spec.n, SEED.data);
  const joinData = makeJoinData(spec.joinRows);
  const takeIdx = makeTakeIndices(spec.takeRows, spec.n);
  const duck = await duckdbLoad(pl, data, joinData, takeIdx);
  return {
    duck,
    runners: {
      tessera: tesseraRunners(data, joinData, takeIdx) as Record<Op, Runner<unknown>>,
      polars: polarsRunners(pl, data, joinData, takeIdx) as Record<Op, Runner<unknown>>,
      duckdb: duckdbRunners(duck) as Record<Op, Runner<unknown>>,
    },
  };
}

function log(line: string): void {
  console.log(line);
}

// ---- reporting ----

/** Median over runs of each run's median, or why it has no time. */
function timeOf(outcomes: readonly Outcome[]): { ms: number } | { skipped: string } {
  const per: number[] = [];
  for (const o of outcomes) {
    if (!('ms' in o)) return { skipped: o.skipped };
    per.push(median(o.ms));
  }
  return { ms: median(per) };
}

function fmtMs(t: { ms: number } | { skipped: string }): string {
  return 'ms' in t ? formatMs(t.ms) : `skipped (${t.skipped})`;
}

function formatTable(spec: Spec, reps: number, runs: number, results: SizeResults): string {
  const lines = [
    `### ${formatCount(spec.n)} rows`,
    '',
    `Median of ${reps} reps after one warm-up${runs > 1 ? `, then the median over ${runs} runs` : ''}; ms.`,
    '',
  ];
  const rows: string[][] = [];
  const mismatches: string[] = [];
  for (const op of OPS) {
    const bySystem = results.get(op)!;
    const t = Object.fromEntries(SYSTEMS.map((s) => [s, timeOf(bySystem.get(s)!)])) as Record<
      System,
      { ms: number } | { skipped: string }
    >;
    const tp =
      'ms' in t.tessera && 'ms' in t.polars
        ? `${ratio(t.tessera.ms, t.polars.ms)} ${t.tessera.ms <= 2 * t.polars.ms ? '✓' : '✗'}`
        : '–';
    const at =
      'ms' in t.tessera && 'ms' in t.arquero
        ? `${ratio(t.arquero.ms, t.tessera.ms)} ${t.arquero.ms >= 3 * t.tessera.ms ? '✓' : '✗'}`
        : '–';
    rows.push([opLabel(op, spec), ...SYSTEMS.map((s) => fmtMs(t[s])), tp, at]);
    const checks = new Map<string, System[]>();
    for (const s of SYSTEMS)
      for (const o of bySystem.get(s)!)
        if ('check' in o) {
          const list = checks.get(o.check) ?? [];
          if (!list.includes(s)) list.push(s);
          checks.set(o.check, list);
        }
    if (checks.size > 1)
      mismatches.push(
        `${opLabel(op, spec)}: ${[...checks].map(([c, systems]) => `${systems.join('/')} → ${c}`).join('; ')}`,
      );
  }
  lines.push(
    table(['op', ...SYSTEMS.map((s) => `${s} ms`), 'tessera/polars', 'arquero/tessera'], rows, 1),
    '',
    'Targets: tessera/polars ≤ 2 (✓/✗; the target applies at 10M rows) and arquero/tessera ≥ 3 (at every size).',
  );
  if (mismatches.length > 0)
    lines.push('', '**Results differ between systems:**', ...mismatches.map((m) => `- ${m}`));
  else
    lines.push(
      '',
      'Every system gave the same row count, first `f` (sorts) and column sum (others) on each op.',
    );
  return lines.join('\n');
}

function writeResults(args: string[], opts: Options, sections: string[], loadAtStart: string): void {
  const heap = process.env.NODE_OPTIONS ? ` (NODE_OPTIONS=${process.env.NODE_OPTIONS})` : '';
  const section = [
    `Command: \`${benchCommand('ops', args)}\`${heap}  `,
    `Date: ${new Date().toISOString().slice(0, 10)}  `,
    `Machine: ${machine()}; 1-min load average ${loadAtStart} at the start, ${loadavg()[0].toFixed(1)} at the end`,
    '',
    'Data: `k` int32 uniform in [0, 1000), `f` float64 uniform in [0, 1), `s` = `"s" + u` with u uniform in',
    `[0, 100000) (seeded). Join: ${opts.scaleJoinTake ? 'n × n' : '1M × 1M at every size'} on a unique \`id\` (two random permutations), right side has a float \`g\`.`,
    `Take: ${opts.scaleJoinTake ? 'n' : '1M'} indices uniform in [0, n), with repeats. Data is loaded into every system before timing.`,
    'Each result is materialised: Tessera reads every column of the result view; Polars is eager',
    '(take = `select(pl.all().gather(pl.lit(idx).explode()))`, idx a UInt32 Series); DuckDB runs',
    '`CREATE TEMP TABLE r AS <query>` on in-memory tables (take = join of an index table on `t.rowid`,',
    'ordered by position); Arquero `.reify()`s filter/orderby, and take is `reify(indices)`. A full GC',
    '(untimed) precedes every timed call. Polars and DuckDB use all cores; Tessera and Arquero one thread',
    `(Arquero in a worker thread, time budget ${opts.arqueroBudgetS} s per op, heap ${opts.arqueroHeapMb} MB).`,
    '',
    ...sections.flatMap((s) => [s, '']),
  ].join('\n');
  writeSection('ops', args, section);
}

if (!isMainThread && (workerData as { role?: string } | null)?.role === WORKER_ROLE) arqueroWorkerMain();
