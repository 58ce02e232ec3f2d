/**
 * Crash safety: a child process commits versions in a loop and is killed (SIGKILL) at random
 * moments; after every kill the dataset must open, its current version must be at least the last
 * one the child reported committed, and every version it lists must read back intact.
 *
 * The child is bundled once with esbuild (which tsx is built on) and run with plain node: starting
 * it through tsx costs 1 to 2 s a time on a small machine, 0.2 s bundled.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DataFrame, read, type TensorColumn, versions, write } from '../../../../src/index.js';
import { crashFrame, DIM } from './crash-writer.js';
import { tempDatasets } from './helpers.js';

const dataset = tempDatasets('tessera-crash-');
const KILLS = 25;

/** Check that every row is self-consistent and in place (x = gen·10⁶ + row). */
function verify(df: DataFrame, where: string): void {
  const x = df.column('x').toArray() as number[];
  const s = df.column('s').toArray();
  const o = df.column('o').toArray() as { x: number }[];
  const y = df.column('y').toArray();
  const emb = df.column<TensorColumn>('emb').data;
  for (let r = 0; r < df.length; r++) {
    const v = x[r];
    const ok =
      v % 1e6 === r &&
      s[r] === `r${v}` &&
      o[r].x === v &&
      y[r] === v + 1 &&
      emb[r * DIM] === v % 997 &&
      emb[r * DIM + DIM - 1] === (v % 997) + DIM - 1;
    if (!ok) throw new Error(`${where}: row ${r} is wrong (x = ${v})`);
  }
}

describe('crash safety', () => {
  let child: string;
  let p: string;
  beforeAll(async () => {
    const dir = path.dirname(fileURLToPath(import.meta.url));
    p = dataset();
    child = path.join(path.dirname(p), 'crash-writer.mjs');
    buildSync({
      entryPoints: [path.join(dir, 'crash-writer.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      outfile: child,
      logLevel: 'warning',
    });
    await write(crashFrame(0, 100, 1), p);
  });

  it(`a writer killed at ${KILLS} random moments always leaves the last committed version readable`, async () => {
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    let totalCommits = 0;
    let lastVersion = 1;
    for (let kill = 0; kill < KILLS; kill++) {
      const proc = spawn(process.execPath, [child, p, String(kill + 1)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      proc.stdout.on('data', (d) => (out += d));
      proc.stderr.on('data', (d) => (err += d));
      const exited = new Promise<void>((resolve) => proc.on('exit', () => resolve()));
      await waitFor(
        proc,
        () => out.includes('ready\n'),
        () => err,
      );
      await new Promise((r) => setTimeout(r, rand() * 300));
      proc.kill('SIGKILL');
      await exited; // the pid is reaped, so its lock counts as stale
      expect(err).toBe('');
      const commits = [...out.matchAll(/committed (\d+) (\d+)\n/g)].map((m) => [Number(m[1]), Number(m[2])]);
      totalCommits += commits.length;
      const reported = commits.at(-1);
      const where = `after kill ${kill + 1} (${commits.length} commits reported)`;
      const df = await read(p);
      const listed = await versions(p);
      const current = listed.at(-1)!.version;
      if (reported) {
        // Every reported commit survived; at most the one in flight committed after it.
        expect(current, where).toBeGreaterThanOrEqual(reported[0]);
        expect(current, where).toBeLessThanOrEqual(reported[0] + 1);
        if (current === reported[0]) expect(df.length, where).toBe(reported[1]);
      } else {
        expect(current, where).toBeGreaterThanOrEqual(lastVersion);
      }
      lastVersion = current;
      verify(df, where);
      for (const v of listed.slice(0, -1))
        verify(await read(p, { version: v.version }), `${where}, version ${v.version}`);
    }
    // The kills must have landed among commits, not only before the first one.
    expect(totalCommits).toBeGreaterThan(KILLS);
  }, 60_000);
});

async function waitFor(proc: ChildProcess, ready: () => boolean, stderr: () => string): Promise<void> {
  const start = Date.now();
  while (!ready()) {
    if (proc.exitCode !== null) throw new Error(`the writer exited early: ${stderr()}`);
    if (Date.now() - start > 10_000) throw new Error('the writer did not start');
    await new Promise((r) => setTimeout(r, 5));
  }
}
