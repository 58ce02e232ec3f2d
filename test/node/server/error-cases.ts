/**
 * The server tests' table of bad requests: each URL's reply must carry the status and the typed
 * error named beside it (the body `{ error: { type, message } }`).
 */
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';

/** [url, status, error type] */
export type ErrorCase = readonly [string, number, string];

export async function expectErrorReplies(app: FastifyInstance, cases: readonly ErrorCase[]): Promise<void> {
  for (const [url, status, type] of cases) {
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode, url).toBe(status);
    expect(res.json().error.type, url).toBe(type);
  }
}

/** Cells naming files outside the granted folder are refused (403), and nothing of the file leaks. */
export async function expectOutsideRefused(app: FastifyInstance, urls: readonly string[]): Promise<void> {
  for (const url of urls) {
    const res = await app.inject({ url });
    expect(res.statusCode, url).toBe(403);
    expect(res.body).not.toContain('root:');
  }
}
