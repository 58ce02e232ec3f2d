/**
 * Writes seeded ListOps splits as LRA's TSV files (`basic_train.tsv`, `basic_val.tsv`,
 * `basic_test.tsv`, each with the header `Source\tTarget`), so LRA's own input pipelines read them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateListOps, type ListOpsExample, type ListOpsOptions } from './generate.js';

/** The files written by {@link writeListOpsTsv}, by split. */
export interface ListOpsFiles {
  train: string;
  val: string;
  test: string;
}

/** One split as TSV text with LRA's header. */
export function listOpsTsv(examples: readonly ListOpsExample[]): string {
  const lines = ['Source\tTarget'];
  for (const e of examples) lines.push(`${e.source}\t${e.target}`);
  return `${lines.join('\n')}\n`;
}

/** Generates the splits (see `generateListOps`) and writes them under `dir` (created if missing). */
export async function writeListOpsTsv(dir: string, options: ListOpsOptions = {}): Promise<ListOpsFiles> {
  const sets = generateListOps(options);
  await mkdir(dir, { recursive: true });
  const files: ListOpsFiles = {
    train: join(dir, 'basic_train.tsv'),
    val: join(dir, 'basic_val.tsv'),
    test: join(dir, 'basic_test.tsv'),
  };
  await writeFile(files.train, listOpsTsv(sets.train));
  await writeFile(files.val, listOpsTsv(sets.val));
  await writeFile(files.test, listOpsTsv(sets.test));
  return files;
}
