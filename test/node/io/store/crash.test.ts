/**
 * Crash safety: a child process commits versions in a loop and is killed (SIGKILL) at random
 * moments; after every kill the dataset must open, its current version must be at least the last
 * one the child reported committed, and every version it lists must read back intact. A kill
 * between a commit's version file (the link) and its `manifest.json` rename leaves a committed
 * version that readers do not see yet: the next writer publishes it and builds on it.
 *
 * Kills: CRASH_KILLS (default 25); the outcome counts are printed. A larger run:
 * `CRASH_KILLS=300 npx vitest run test/node/io/store/crash.test.ts`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DataFrame, read, type TensorColumn, versions, write } from '../../../../src/index.js';
import { listVersionFiles } from '../../../../src/node/io/store/layout.js';
import { bundleChild, startChild } from './children.js';
import { crashFrame, DIM } from './crash-writer.js';
import { tempDatasets } from './helpers.js';

const dataset = tempDatasets('tessera-crash-');
const KILLS = Number(process.env.CRASH_KILLS ?? 25);

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
    p = dataset();
    child = bundleChild('crash-writer', path.dirname(p));
    await write(crashFrame(0, 100, 1), p);
  });

  it(
    `a writer killed at ${KILLS} random moments always leaves the last committed version readable`,
    async () => {
      let seed = 12345;
      const rand = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      let totalCommits = 0;
      let lastVersion = 1;
      // After each kill: the current version is the last reported one, or the one in flight landed
      // (published, or only linked: a version file above manifest.json).
      const outcomes = { kills: 0, atReported: 0, inFlightPublished: 0, inFlightLinkedOnly: 0, lockLeft: 0 };
      for (let kill = 0; kill < KILLS; kill++) {
        const { proc, out: output, err: errors, exited } = await startChild(child, [p, String(kill + 1)]);
        await new Promise((r) => setTimeout(r, rand() * 300));
        proc.kill('SIGKILL');
        await exited; // the pid is reaped, so its lock counts as stale
        const out = output();
        const err = errors();
        expect(err).toBe('');
        outcomes.kills++;
        if (fs.existsSync(path.join(p, '_lock'))) outcomes.lockLeft++;
        const published = JSON.parse(fs.readFileSync(path.join(p, 'manifest.json'), 'utf8')).version;
        const linkedOnly = (listVersionFiles(p).at(-1) ?? 0) > published;
        const commits = [...out.matchAll(/committed (\d+) (\d+)\n/g)].map((m) => [
          Number(m[1]),
          Number(m[2]),
        ]);
        totalCommits += commits.length;
        const reported = commits.at(-1);
        const where = `after kill ${kill + 1} (${commits.length} commits reported)`;
        const df = await read(p);
        const listed = await versions(p);
        const current = listed.at(-1)!.version;
        if (reported && current > reported[0]) outcomes.inFlightPublished++;
        else if (linkedOnly) outcomes.inFlightLinkedOnly++;
        else outcomes.atReported++;
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
      console.log('kill outcomes', JSON.stringify({ ...outcomes, commits: totalCommits }));
      // The kills must have landed among commits, not only before the first one.
      expect(totalCommits).toBeGreaterThan(KILLS);
    },
    Math.max(60_000, KILLS * 2000),
  );
});

describe('a kill between the commit and its publication', () => {
  it('a version file newer than manifest.json is committed: read sees it, the next commit builds on it', async () => {
    const p = dataset();
    await write(crashFrame(0, 5, 1), p, { fsync: false });
    const published = fs.readFileSync(path.join(p, 'manifest.json'));
    await write(crashFrame(0, 7, 2), p, { fsync: false });
    // What a writer killed after creating _versions/2.json and before replacing manifest.json leaves.
    fs.writeFileSync(path.join(p, 'manifest.json'), published);
    expect((await read(p)).length).toBe(7);
    expect((await versions(p)).map((v) => v.version)).toEqual([1, 2]);
    const next = await write(crashFrame(0, 9, 3), p, { fsync: false });
    expect(next.version).toBe(3);
    expect((await versions(p)).map((v) => [v.version, v.length])).toEqual([
      [1, 5],
      [2, 7],
      [3, 9],
    ]);
    expect(JSON.parse(fs.readFileSync(path.join(p, 'manifest.json'), 'utf8')).version).toBe(3);
  });
});
