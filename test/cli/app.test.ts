// `tessera app PATH`: serves a stored dataset on loopback and prints its URL; refuses to bind
// beyond loopback without a token, and an unregistered --encoder, in one line.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DataFrame, write } from '../../src/index.js';
import { tessera } from '../helpers/cli.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-cli-app-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

describe('tessera app', () => {
  it('refuses a non-loopback host without a token, in one line', async () => {
    const csv = path.join(dir, 't.csv');
    fs.writeFileSync(csv, 'a\n1\n');
    const r = await tessera('app', csv, '--host', '0.0.0.0');
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/InvalidArgumentError: .*--token/);
  }, 30_000);

  it('refuses an --encoder that is not registered, in one line naming the registered ones', async () => {
    const csv = path.join(dir, 'e.csv');
    fs.writeFileSync(csv, 'a\n1\n');
    const r = await tessera('app', csv, '--encoder', 'clip');
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/EncoderNotKnownError: no encoder is registered as "clip" .*mobilenet-v2/);
  }, 30_000);

  it('serves a dataset on 127.0.0.1 and prints the URL with the token', async () => {
    const ds = path.join(dir, 'ds');
    await write(new DataFrame({ x: [1, 2, 3], s: ['a', 'b', 'c'] }), ds, { fsync: false });
    const child = spawn(process.execPath, ['--import', 'tsx', main, 'app', ds, '--token', 'tok en'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d) => {
          out += String(d);
          if (out.includes('\n')) resolve(out.split('\n')[0]);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      expect(line).toMatch(/^Tessera app: http:\/\/127\.0\.0\.1:\d+\/\?token=tok%20en$/);
      const url = new URL(line.slice('Tessera app: '.length));
      expect((await fetch(new URL('/api/schema', url))).status).toBe(403);
      const res = await fetch(new URL(`/api/schema${url.search}`, url));
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ source: { kind: 'dataset', name: 'ds' }, rows: 3 });
    } finally {
      child.kill('SIGTERM');
    }
  }, 30_000);
});
