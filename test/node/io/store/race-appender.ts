/**
 * Child process of concurrency.test.ts: reads lines `PATH ID` on stdin and appends one row `{ id }`
 * to the dataset at PATH, retrying on ConcurrentWriteError; prints `acked ID VERSION` once the append
 * returned, or `failed ID NAME` when it gave up. Prints `ready` once started.
 */
import { createInterface } from 'node:readline';
import { ConcurrentWriteError, DataFrame } from '../../../../src/core/index.js';
import { append } from '../../../../src/node/io/store/index.js';

const ATTEMPTS = 200;

async function appendOne(path: string, id: number): Promise<string> {
  const row = new DataFrame({ id: Float64Array.of(id) });
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await append(path, row, { fsync: false });
      return `acked ${id} ${result.version}`;
    } catch (e) {
      if (!(e instanceof ConcurrentWriteError) || attempt >= ATTEMPTS)
        return `failed ${id} ${(e as Error).name}: ${(e as Error).message.replace(/\n/g, ' ')}`;
      await new Promise((r) => setTimeout(r, 1 + Math.random() * 5));
    }
  }
}

async function main() {
  process.stdout.write('ready\n');
  for await (const line of createInterface({ input: process.stdin })) {
    const [path, id] = line.split(' ');
    process.stdout.write(`${await appendOne(path, Number(id))}\n`);
  }
}

if (process.argv[1]?.includes('race-appender')) void main();
