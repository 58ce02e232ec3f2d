// Every request's Host and Origin are checked (DNS rebinding, cross-site requests), a configured
// token is required, malformed requests get typed 4xx replies and never crash the server.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { column, DataFrame } from '../../../src/index.js';
import { createAppServer, serveApp } from '../../../src/node/server/index.js';

const frame = new DataFrame({
  id: column([1, 2, 3], 'int32'),
  vec: column([new Float32Array([1, 0]), new Float32Array([0.9, 0.1]), new Float32Array([0, 1])], {
    kind: 'tensor',
    dtype: 'float32',
    shape: [2],
  }),
});

describe('Host and Origin checks', () => {
  it('accepts loopback names on any port and refuses other hosts and origins with 403', async () => {
    const app = await createAppServer(frame);
    for (const host of ['localhost:8765', '127.0.0.1:8765', '[::1]:8765', 'localhost', '127.0.0.1']) {
      const res = await app.inject({ url: '/api/schema', headers: { host } });
      expect(res.statusCode, host).toBe(200);
    }
    for (const origin of ['http://localhost:8765', 'http://127.0.0.1:8765']) {
      const res = await app.inject({ url: '/api/schema', headers: { host: '127.0.0.1:8765', origin } });
      expect(res.statusCode, origin).toBe(200);
    }
    for (const host of [
      'evil.com',
      'evil.com:8765',
      'localhost.evil.com',
      '127.0.0.1.evil.com:80',
      'local host',
    ]) {
      const res = await app.inject({ url: '/api/schema', headers: { host } });
      expect(res.statusCode, host).toBe(403);
      expect(res.json().error.type).toBe('AccessDeniedError');
      expect(res.body).not.toContain('"rows"');
    }
    for (const origin of [
      'http://evil.com',
      'https://evil.com:8765',
      'null',
      'file://',
      'http://localhost.evil.com',
      'http://localhost:3000', // another local server
      'http://localhost',
    ]) {
      const res = await app.inject({ url: '/api/schema', headers: { host: 'localhost:8765', origin } });
      expect(res.statusCode, origin).toBe(403);
      expect(res.json().error.type).toBe('AccessDeniedError');
    }
    const crossSite = await app.inject({ url: '/api/schema', headers: { 'sec-fetch-site': 'cross-site' } });
    expect(crossSite.statusCode).toBe(403);
  });
});

describe('the token', () => {
  it('is required on every request when set: a Bearer header or ?token=', async () => {
    const app = await createAppServer(frame, { token: 's3cret' });
    expect((await app.inject({ url: '/api/schema' })).statusCode).toBe(403);
    expect((await app.inject({ url: '/api/schema?token=wrong' })).statusCode).toBe(403);
    expect(
      (await app.inject({ url: '/api/schema', headers: { authorization: 'Bearer s3cre' } })).statusCode,
    ).toBe(403);
    expect((await app.inject({ url: '/' })).statusCode).toBe(403);
    expect((await app.inject({ url: '/api/schema?token=s3cret' })).statusCode).toBe(200);
    expect(
      (await app.inject({ url: '/api/schema', headers: { authorization: 'Bearer s3cret' } })).statusCode,
    ).toBe(200);
    const rows = await app.inject({ url: '/api/rows?start=0&end=2&token=s3cret' });
    expect(rows.statusCode).toBe(200);
  });

  it('given as ?token= sets an HttpOnly, SameSite=Strict cookie that later requests may carry instead', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-ui-'));
    try {
      fs.mkdirSync(path.join(root, 'assets'));
      fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><script src="assets/a.js"></script>');
      fs.writeFileSync(path.join(root, 'assets', 'a.js'), 'console.log(1)');
      const app = await createAppServer(frame, { uiDir: root, token: 's3cret' });
      const host = '127.0.0.1:8765';
      const page = await app.inject({ url: '/?token=s3cret', headers: { host } });
      expect(page.statusCode).toBe(200);
      const setCookie = String(page.headers['set-cookie']);
      const attributes = setCookie.split(';').map((a) => a.trim().toLowerCase());
      expect(attributes).toContain('httponly');
      expect(attributes).toContain('samesite=strict');
      expect(attributes).toContain('path=/');
      const pair = setCookie.split(';')[0];
      expect(pair).toBe('tessera-token-8765=s3cret');
      // The script request the page makes: no header, no query, only the cookie.
      const script = await app.inject({ url: '/assets/a.js', headers: { host, cookie: pair } });
      expect(script.statusCode).toBe(200);
      expect(script.body).toBe('console.log(1)');
      const api = await app.inject({ url: '/api/schema', headers: { host, cookie: `x=1; ${pair}` } });
      expect(api.statusCode).toBe(200);
      // A wrong cookie, another port's cookie, or none: refused. A wrong ?token= sets no cookie.
      for (const cookie of ['tessera-token-8765=nope', 'tessera-token-9999=s3cret', 'other=s3cret']) {
        const res = await app.inject({ url: '/assets/a.js', headers: { host, cookie } });
        expect(res.statusCode, cookie).toBe(403);
      }
      expect((await app.inject({ url: '/assets/a.js', headers: { host } })).statusCode).toBe(403);
      const wrong = await app.inject({ url: '/?token=nope', headers: { host } });
      expect(wrong.statusCode).toBe(403);
      expect(wrong.headers['set-cookie']).toBeUndefined();
      // A Bearer header sets no cookie: only the page opened from a link needs one.
      const bearer = await app.inject({
        url: '/api/schema',
        headers: { host, authorization: 'Bearer s3cret' },
      });
      expect(bearer.headers['set-cookie']).toBeUndefined();
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('must be given to bind beyond loopback', async () => {
    await expect(serveApp(frame, { host: '0.0.0.0' })).rejects.toThrow(/token/);
    await expect(serveApp(frame, { host: '0.0.0.0', token: '' })).rejects.toThrow(/token/);
  });
});

describe('malformed requests', () => {
  it('get a typed 4xx and the server keeps serving', async () => {
    const app = await createAppServer(frame);
    const requests: InjectOptions[] = [
      { url: '/api/nope' },
      { url: '/api/views/x/rows?start=0&end=1' },
      {
        method: 'POST',
        url: '/api/views',
        payload: '{"sort": [',
        headers: { 'content-type': 'application/json' },
      },
      { method: 'POST', url: '/api/views', payload: 'sort', headers: { 'content-type': 'text/plain' } },
      {
        method: 'POST',
        url: '/api/views',
        payload: { filter: { column: 'id', op: '>', value: 1, extra: 2 } },
      },
      { method: 'POST', url: '/api/views', payload: { sort: [{ column: 'vec' }] } },
      { method: 'POST', url: '/api/search', payload: { column: 'id', row: 0 } },
      { method: 'POST', url: '/api/search', payload: { column: 'vec', row: 10 } },
      { method: 'POST', url: '/api/search', payload: { column: 'vec', row: -1 } },
      { url: `/api/rows?start=0&end=1&columns=${'x'.repeat(70000)}` },
      { url: '/api/rows?start=1e400&end=2' },
      { url: '/api/media/id/0' },
      { url: '/api/thumbnails/vec/0' },
      { url: '/%zz' },
      {
        method: 'POST',
        url: '/api/views',
        payload: `{"filter": ${'{"and": ['.repeat(40)}{"column":"id","op":"is null"}${']}'.repeat(40)}}`,
        headers: { 'content-type': 'application/json' },
      },
    ];
    for (const r of requests) {
      const res = await app.inject(r);
      expect(res.statusCode, JSON.stringify(r).slice(0, 120)).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, JSON.stringify(r).slice(0, 120)).toBeLessThan(500);
      expect(res.json().error.type, JSON.stringify(r).slice(0, 120)).toMatch(/Error$/);
    }
    expect((await app.inject({ url: '/api/schema' })).statusCode).toBe(200);
  });
});

describe('POST /api/search', () => {
  it('gives the rows nearest one row by an embedding column, best first', async () => {
    const app = await createAppServer(frame);
    const res = await app.inject({
      method: 'POST',
      url: '/api/search',
      payload: { column: 'vec', row: 0, k: 2 },
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.rows).toEqual([0, 1]);
    expect(body.scores[0]).toBeCloseTo(1, 6);
    expect(body.scores[1]).toBeCloseTo(0.9 / Math.hypot(0.9, 0.1), 6);
  });
});

describe('the placeholder page', () => {
  it('says the UI is not built and links to the schema', async () => {
    const app = await createAppServer(frame, { uiDir: '/nonexistent-ui', token: 't' });
    const res = await app.inject({ url: '/?token=t' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.body).toContain('UI is not built');
    expect(res.body).toContain('href="/api/schema?token=t"');
  });
});

describe('the built UI', () => {
  it('is served from its folder, and nothing beside it', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-ui-'));
    try {
      const ui = path.join(root, 'dist');
      fs.mkdirSync(ui);
      fs.writeFileSync(path.join(ui, 'index.html'), '<html>the built app</html>');
      fs.writeFileSync(path.join(ui, '.env'), 'HIDDEN');
      fs.writeFileSync(path.join(root, 'outside.txt'), 'OUTSIDE');
      fs.symlinkSync(path.join(root, 'outside.txt'), path.join(ui, 'link.txt'));
      const app = await createAppServer(frame, { uiDir: ui });
      const page = await app.inject({ url: '/' });
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('the built app');
      for (const url of [
        '/.env',
        '/../outside.txt',
        '/%2e%2e/outside.txt',
        '/..%2foutside.txt',
        `/${encodeURIComponent(path.join(root, 'outside.txt'))}`,
        '/link.txt',
      ]) {
        const res = await app.inject({ url });
        expect([403, 404], url).toContain(res.statusCode);
        expect(res.body, url).not.toMatch(/HIDDEN|OUTSIDE/);
      }
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
