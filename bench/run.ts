// Benchmark runner: `npm run bench -- NAME [--quick]` runs bench/NAME.ts, which prints this
// project beside its peers (as ratios) in one process.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const [name, ...rest] = process.argv.slice(2);
if (!name || name.startsWith('-')) {
  console.error('usage: npm run bench -- NAME [--quick]   (NAME: a file bench/NAME.ts, e.g. kernels, ops)');
  process.exit(2);
}
const file = join(here, `${name}.ts`);
if (!existsSync(file)) {
  console.error(`no benchmark "${name}": expected ${file}`);
  process.exit(2);
}
const mod = (await import(pathToFileURL(file).href)) as { main?: (args: string[]) => Promise<void> };
if (typeof mod.main !== 'function') {
  console.error(`bench/${name}.ts must export async function main(args: string[])`);
  process.exit(2);
}
await mod.main(rest);
