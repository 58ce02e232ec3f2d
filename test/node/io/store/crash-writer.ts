/**
 * Child process of crash.test.ts: commits versions of a dataset in a loop (writes, appends and
 * vacuums, chosen at random) until it is killed. Prints `ready` once started and
 * `committed VERSION LENGTH` after each commit. Every row is self-describing (see crash.test.ts).
 */
// Only the core and the store: the child is bundled into a temporary folder, where packages that
// load files beside themselves at run time (parquet-wasm's .wasm) could not find them.
import { DataFrame, registeredColumn, registerFunction, TensorColumn } from '../../../../src/core/index.js';
import { append, read, vacuum, write } from '../../../../src/node/io/store/index.js';
import { mulberry32 } from '../../../helpers/random.js';

export const DIM = 256;

registerFunction('crash.plus1', () => (x: number) => x + 1);

/** Rows `start .. start + n - 1` of generation `gen`: x = gen·10⁶ + row, everything else from x. */
export function crashFrame(start: number, n: number, gen: number): DataFrame {
  const x = Float64Array.from({ length: n }, (_, i) => gen * 1e6 + start + i);
  const emb = new Float32Array(n * DIM);
  for (let i = 0; i < n; i++) for (let k = 0; k < DIM; k++) emb[i * DIM + k] = (x[i] % 997) + k;
  const base = new DataFrame({
    x,
    s: Array.from(x, (v) => `r${v}`),
    emb: new TensorColumn(emb, [DIM], n),
    o: Array.from(x, (v) => ({ x: v })),
  });
  return base.withColumn('y', registeredColumn('crash.plus1', [base.column('x')]));
}

async function main() {
  const [path, seedText] = process.argv.slice(2);
  const rand = mulberry32(Number(seedText) | 0);
  process.stdout.write('ready\n');
  for (;;) {
    const current = await read(path);
    const gen = 1 + Math.floor(rand() * 1000);
    const result =
      rand() < 0.3
        ? await write(crashFrame(0, 50 + Math.floor(rand() * 400), gen), path)
        : await append(path, crashFrame(current.length, 10 + Math.floor(rand() * 100), gen).drop('y'));
    process.stdout.write(`committed ${result.version} ${result.length}\n`);
    if (rand() < 0.2) await vacuum(path, { keep: 2 });
  }
}

if (process.argv[1]?.includes('crash-writer')) void main();
