// Shared by every benchmark: a one-line description of the machine, and replacing one
// `## NAME` section of bench/RESULTS.md so each benchmark keeps its own table there. The rule of
// which runs may write results lives here, so no benchmark can forget it: `--quick` runs (small
// sizes, not the measurements a user should see) and `--no-write` runs never write.
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RESULTS_FILE = join(dirname(fileURLToPath(import.meta.url)), '..', 'RESULTS.md');

/** CPU model, core count, Node version and platform. */
export function machine(): string {
  let model = cpus()[0]?.model ?? 'unknown CPU';
  try {
    const m = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) model = m[1].trim();
  } catch {
    // not Linux: keep os.cpus()
  }
  return `nproc ${availableParallelism()}, ${model}, Node ${process.version}, ${process.platform} ${process.arch}`;
}

/** The 1-minute load average, formatted for a results header. */
export function load(): string {
  return loadavg()[0].toFixed(1);
}

/** Whether a run with these arguments writes its results (RESULTS.md, plots): not with `--quick` or `--no-write`. */
export function writesResults(args: readonly string[]): boolean {
  return !args.includes('--quick') && !args.includes('--no-write');
}

/** The command line that reproduces a run, for the results header. */
export function benchCommand(name: string, args: readonly string[]): string {
  return `npm run bench -- ${[name, ...args].join(' ')}`;
}

/**
 * Replaces (or appends) the section headed `## name` in bench/RESULTS.md with `body` (no heading),
 * unless the run's `args` say it must not write (see {@link writesResults}).
 */
export function writeSection(name: string, args: readonly string[], body: string): void {
  if (!writesResults(args)) {
    console.log(
      `bench/RESULTS.md left as it was (${args.includes('--quick') ? '--quick' : '--no-write'} run)`,
    );
    return;
  }
  const section = `## ${name}\n\n${body.trim()}\n`;
  let text = '';
  try {
    text = readFileSync(RESULTS_FILE, 'utf8');
  } catch {
    text = '# Benchmark results\n\n';
  }
  const start = text.search(new RegExp(`^## ${name}\\s*$`, 'm'));
  if (start < 0) {
    text = `${text.trimEnd()}\n\n${section}`;
  } else {
    const rest = text.slice(start + 1);
    const next = rest.search(/^## /m);
    text = text.slice(0, start) + section + (next < 0 ? '' : `\n${rest.slice(next)}`);
  }
  writeFileSync(RESULTS_FILE, `${text.trimEnd()}\n`);
  console.log(`wrote the ${name} section of ${RESULTS_FILE}`);
}
