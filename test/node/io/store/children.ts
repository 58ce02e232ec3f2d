/**
 * Child processes of the store's concurrency and crash tests. A child script is bundled once with
 * esbuild (which tsx is built on) and run with plain node: starting it through tsx costs 1 to 2 s a
 * time on a small machine, 0.2 s bundled.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';

/** Bundle `test/node/io/store/<name>.ts` into `outDir`; returns the bundle's path. */
export function bundleChild(name: string, outDir: string): string {
  const dir = path.dirname(fileURLToPath(import.meta.url));
  const outfile = path.join(outDir, `${name}.mjs`);
  buildSync({
    entryPoints: [path.join(dir, `${name}.ts`)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

/** A running child with its output so far. */
export interface Child {
  proc: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<void>;
}

/** Start a bundled child with `args`, and wait until it prints `ready`. */
export async function startChild(
  bundle: string,
  args: string[],
  stdin: 'ignore' | 'pipe' = 'ignore',
): Promise<Child> {
  const proc = spawn(process.execPath, [bundle, ...args], { stdio: [stdin, 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
  const child = { proc, out: () => out, err: () => err, exited };
  await waitUntil(() => out.includes('ready\n'), child, 10_000, 'the child did not start');
  return child;
}

/** Poll `done` until it holds; fail if the child exits first or `timeoutMs` passes. */
export async function waitUntil(
  done: () => boolean,
  child: Child,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const start = Date.now();
  while (!done()) {
    if (child.proc.exitCode !== null || child.proc.signalCode !== null)
      throw new Error(`the child exited early: ${child.err()}`);
    if (Date.now() - start > timeoutMs) throw new Error(what);
    await new Promise((r) => setTimeout(r, 2));
  }
}
