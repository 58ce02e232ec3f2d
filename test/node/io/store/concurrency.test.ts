/**
 * Concurrent writers, in separate processes: appenders racing for a stale lock (left by a writer that
 * died) must never commit one version twice nor lose an acknowledged append.
 *
 * Trials: RACE_TRIALS (default 15) of RACE_APPENDERS (default 6) appenders; each prints its counts. A larger run:
 * `RACE_TRIALS=300 npx vitest run test/node/io/store/concurrency.test.ts`.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConcurrentWriteError, DataFrame, read, versions, write } from '../../../../src/index.js';
import { commit } from '../../../../src/node/io/store/commit.js';
import { append } from '../../../../src/node/io/store/write.js';
import { bundleChild, type Child, startChild, waitUntil } from './children.js';
import { tempDatasets } from './helpers.js';

const dataset = tempDatasets('tessera-race-');
const APPENDERS = Number(process.env.RACE_APPENDERS ?? 6);
const TRIALS = Number(process.env.RACE_TRIALS ?? 15);

/** A pid that no process has now (a process that has exited). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('appenders racing after a dead writer', () => {
  const children: Child[] = [];
  beforeAll(async () => {
    const bundle = bundleChild('race-appender', path.dirname(dataset()));
    for (let k = 0; k < APPENDERS; k++) children.push(await startChild(bundle, [], 'pipe'));
  }, 30_000);
  afterAll(() => {
    for (const c of children) c.proc.kill();
  });

  it(
    `${TRIALS} trials: every acknowledged append is present once, no version is committed twice`,
    async () => {
      const counts = {
        trials: 0,
        acked: 0,
        failed: 0,
        lost: 0,
        duplicated: 0,
        sameVersion: 0,
        silentTrials: 0,
      };
      const problems: string[] = [];
      for (let trial = 0; trial < TRIALS; trial++) {
        const p = dataset();
        await write(new DataFrame({ id: Float64Array.of(0) }), p, { fsync: false });
        fs.writeFileSync(
          path.join(p, '_lock'),
          JSON.stringify({ pid: deadPid(), host: os.hostname(), since: new Date().toISOString() }),
        );
        const before = children.map((c) => c.out().length);
        for (const [k, c] of children.entries()) c.proc.stdin!.write(`${p} ${k + 1}\n`);
        await Promise.all(
          children.map((c, k) =>
            waitUntil(() => c.out().slice(before[k]).includes('\n'), c, 20_000, `trial ${trial}: no answer`),
          ),
        );
        const answers = children.map((c, k) => c.out().slice(before[k]).trim());
        const acked = answers.filter((a) => a.startsWith('acked')).map((a) => a.split(' ').map(Number));
        const ids = (await read(p)).column('id').toArray() as number[];
        const ackedVersions = acked.map((a) => a[2]);
        let lost = 0;
        let duplicated = 0;
        for (const [, id] of acked) {
          const n = ids.filter((x) => x === id).length;
          if (n === 0) lost++;
          if (n > 1) duplicated++;
        }
        const sameVersion = ackedVersions.length - new Set(ackedVersions).size;
        counts.trials++;
        counts.acked += acked.length;
        counts.failed += answers.length - acked.length;
        counts.lost += lost;
        counts.duplicated += duplicated;
        counts.sameVersion += sameVersion;
        if (lost + duplicated + sameVersion > 0) {
          counts.silentTrials++;
          problems.push(`trial ${trial}: ${answers.join(' | ')} -> ids ${ids.join(',')}`);
        } else {
          // Nothing but the acknowledged rows, and one version per acknowledged append.
          expect([...ids].sort()).toEqual([0, ...acked.map((a) => a[1])].sort());
          expect((await versions(p)).length).toBe(1 + acked.length);
        }
      }
      console.log('race counts', JSON.stringify(counts));
      expect(problems).toEqual([]);
      expect(counts.failed).toBe(0);
    },
    Math.max(60_000, TRIALS * 1000),
  );
});

describe('appenders, one of them killed at a random moment', () => {
  const ROUNDS = Number(process.env.KILL_ROUNDS ?? 5);
  const PER_CHILD = 10;
  it(
    `${ROUNDS} rounds: the others take its lock over, and no acknowledged append is lost`,
    async () => {
      const bundle = bundleChild('race-appender', path.dirname(dataset()));
      const survivors = [await startChild(bundle, [], 'pipe'), await startChild(bundle, [], 'pipe')];
      const counts = { rounds: 0, acked: 0, lost: 0, duplicated: 0, unackedPresent: 0, failed: 0 };
      const seen = new Map<number, number>();
      const p = dataset();
      await write(new DataFrame({ id: Float64Array.of(0) }), p, { fsync: false });
      let next = 1;
      let seed = 7;
      const rand = () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed / 2 ** 31;
      };
      const acked = new Set<number>();
      const sent: number[] = [];
      try {
        for (let round = 0; round < ROUNDS; round++) {
          const victim = await startChild(bundle, [], 'pipe');
          const all = [victim, ...survivors];
          const before = all.map((c) => c.out().length);
          for (const c of all)
            for (let k = 0; k < PER_CHILD; k++) {
              sent.push(next);
              c.proc.stdin!.write(`${p} ${next++}\n`);
            }
          await new Promise((r) => setTimeout(r, rand() * 150));
          victim.proc.kill('SIGKILL');
          await victim.exited;
          await Promise.all(
            survivors.map((c, k) =>
              waitUntil(
                () =>
                  c
                    .out()
                    .slice(before[k + 1])
                    .split('\n').length > PER_CHILD,
                c,
                30_000,
                `round ${round}: a survivor did not finish`,
              ),
            ),
          );
          for (const [k, c] of all.entries())
            for (const line of c.out().slice(before[k]).split('\n')) {
              if (line.startsWith('acked')) acked.add(Number(line.split(' ')[1]));
              else if (line.startsWith('failed')) counts.failed++;
            }
          counts.rounds++;
        }
        for (const id of (await read(p)).column('id').toArray() as number[])
          seen.set(id, (seen.get(id) ?? 0) + 1);
        for (const id of acked) if (!seen.has(id)) counts.lost++;
        for (const [id, n] of seen) {
          if (n > 1) counts.duplicated++;
          if (id !== 0 && !acked.has(id)) counts.unackedPresent++;
        }
        counts.acked = acked.size;
        console.log('kill-among-appenders counts', JSON.stringify(counts));
        expect(counts.lost).toBe(0);
        expect(counts.duplicated).toBe(0);
        expect(counts.failed).toBe(0);
        // At most the append in flight when its writer was killed committed unacknowledged.
        expect(counts.unackedPresent).toBeLessThanOrEqual(ROUNDS);
        // One version per row appended.
        expect((await versions(p)).length).toBe(seen.size);
      } finally {
        for (const c of survivors) c.proc.kill();
      }
    },
    Math.max(60_000, ROUNDS * 5000),
  );
});

describe('two writers past the lock', () => {
  it("the one that numbers a version another committed first fails, and loses no one else's rows", async () => {
    const p = dataset();
    await write(new DataFrame({ id: Float64Array.of(0) }), p, { fsync: false });
    const lock = path.join(p, '_lock');
    let go!: () => void;
    const gate = new Promise<void>((r) => (go = r));
    let building!: () => void;
    const started = new Promise<void>((r) => (building = r));
    // Writer A holds the lock and stalls while it writes its data (as past a lost lease).
    const a = commit(p, { fsync: false }, async (_ctx, current) => {
      building();
      await gate;
      return { ...current!, parent: current!.version, operation: 'append' };
    });
    await started;
    // Writer B takes the lock over, commits version 2 and goes; A's lock file is as A left it.
    const held = fs.readFileSync(lock);
    fs.rmSync(lock);
    const b = await append(p, new DataFrame({ id: Float64Array.of(1) }), { fsync: false });
    fs.writeFileSync(lock, held);
    go();
    const outcome = await a.then(
      (r) => r,
      (e) => e,
    );
    expect(b.version).toBe(2);
    expect(outcome).toBeInstanceOf(ConcurrentWriteError);
    expect((await read(p)).column('id').toArray()).toEqual([0, 1]);
    expect((await versions(p)).map((v) => v.version)).toEqual([1, 2]);
  });
});
