// `tessera app PATH`: serves a stored dataset on loopback and prints its URL (with the per-launch
// write secret); refuses to bind beyond loopback without a token, and an unregistered --encoder, in
// one line; --read-only refuses edits.
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

  /** Start `tessera app ...args` and give its URL (the first line it prints) and the child. */
  async function started(...args: string[]) {
    const child = spawn(process.execPath, ['--import', 'tsx', main, 'app', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d) => {
        out += String(d);
        if (out.includes('\n')) resolve(out.split('\n')[0]);
      });
      child.on('exit', (code) => reject(new Error(`exited ${code}`)));
    });
    return { child, url: new URL(line.slice('Tessera app: '.length)) };
  }

  it('prints a URL with a write secret that edits need; --read-only prints none and refuses edits', async () => {
    const ds = path.join(dir, 'editable');
    await write(new DataFrame({ x: [1, 2, 3], s: ['a', 'b', 'c'] }), ds, { fsync: false });
    const edit = (url: URL, headers: Record<string, string>) =>
      fetch(new URL('/api/edits', url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ column: 's', value: 'B', rows: [1], expected: ['b'] }),
      });
    const editable = await started(ds);
    try {
      const secret = editable.url.searchParams.get('token') ?? '';
      expect(secret).toMatch(/^[\w-]{32}$/);
      expect((await fetch(new URL('/api/schema', editable.url))).status).toBe(200); // reads need nothing
      expect((await edit(editable.url, {})).status).toBe(403);
      expect((await edit(editable.url, { authorization: `Bearer ${secret}` })).status).toBe(201);
    } finally {
      editable.child.kill('SIGTERM');
    }
    const readOnly = await started(ds, '--read-only');
    try {
      expect(readOnly.url.search).toBe('');
      const res = await edit(readOnly.url, {});
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { type: string } }).error.type).toBe('ReadOnlyError');
    } finally {
      readOnly.child.kill('SIGTERM');
    }
  }, 60_000);
});
