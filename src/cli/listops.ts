/** `tessera listops`: writes seeded ListOps splits as LRA's TSV files. */
import { type Command, InvalidArgumentError as UsageError } from 'commander';

function int(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new UsageError(`not an integer: ${value}`);
  return n;
}

/** Adds the `listops` subcommand to `program`. */
export function addListOpsCommand(program: Command): void {
  program
    .command('listops')
    .description("write Long Range Arena ListOps train/val/test TSVs (LRA's generator, seeded)")
    .requiredOption('--out <dir>', 'output folder (created if missing)')
    .option('--seed <n>', 'seed of the generator', int, 0)
    .option('--train <n>', 'training examples', int, 96_000)
    .option('--val <n>', 'validation examples', int, 2_000)
    .option('--test <n>', 'test examples', int, 2_000)
    .option('--min-length <n>', 'examples are longer than this many tokens', int, 500)
    .option('--max-length <n>', 'examples are shorter than this many tokens', int, 2_000)
    .option('--max-depth <n>', 'depth at which a digit is forced', int, 10)
    .option('--max-args <n>', 'most arguments of an operator', int, 10)
    .action(async (o) => {
      const t0 = performance.now();
      const { writeListOpsTsv } = await import('../datasets/listops/tsv.js');
      const files = await writeListOpsTsv(o.out, {
        seed: o.seed,
        train: o.train,
        val: o.val,
        test: o.test,
        minLength: o.minLength,
        maxLength: o.maxLength,
        maxDepth: o.maxDepth,
        maxArgs: o.maxArgs,
      });
      const s = ((performance.now() - t0) / 1e3).toFixed(1);
      console.log(`wrote ${files.train}, ${files.val}, ${files.test} in ${s} s`);
    });
}
