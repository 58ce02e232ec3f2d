/**
 * Runs Arrow fuzz trials in a worker thread with a time limit each: a trial that runs past it is a
 * hang; the worker is stopped and a fresh one takes the next trial. The worker is bundled once with
 * esbuild and started with plain node (through tsx each start would cost a second or two).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { buildSync } from 'esbuild';
import type { ArrowTrialReply, ArrowTrialRequest } from './arrow-fuzz-worker.js';

export type ArrowTrialResult = ArrowTrialReply | { id: number; kind: 'hang'; message: string };

/** Each request's result, in order; a trial that takes longer than `timeoutMs` is a `hang`. */
export async function runArrowTrials(
  requests: readonly ArrowTrialRequest[],
  timeoutMs: number,
): Promise<ArrowTrialResult[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-arrow-fuzz-worker-'));
  const script = path.join(dir, 'worker.mjs');
  buildSync({
    entryPoints: [path.join(path.dirname(fileURLToPath(import.meta.url)), 'arrow-fuzz-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: script,
    logLevel: 'warning',
  });
  const results: ArrowTrialResult[] = [];
  let worker: Worker | null = null;
  try {
    for (const request of requests) {
      worker ??= new Worker(script);
      const w = worker;
      const result = await new Promise<ArrowTrialResult>((resolve) => {
        const done = (r: ArrowTrialResult) => {
          clearTimeout(timer);
          w.off('message', onMessage);
          w.off('error', onError);
          resolve(r);
        };
        const onMessage = (reply: ArrowTrialReply) => done(reply);
        const onError = (e: Error) =>
          done({ id: request.id, kind: 'other', message: `worker died: ${e.message}` });
        const timer = setTimeout(
          () => done({ id: request.id, kind: 'hang', message: `no answer in ${timeoutMs} ms` }),
          timeoutMs,
        );
        w.on('message', onMessage);
        w.on('error', onError);
        w.postMessage(request);
      });
      if (result.kind === 'hang' || (result.kind === 'other' && result.message.startsWith('worker died'))) {
        await w.terminate();
        worker = null;
      }
      results.push(result);
    }
  } finally {
    worker?.postMessage('exit');
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
