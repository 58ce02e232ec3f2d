// The code every pool worker runs: build a batch runner per task (once), then compute each batch
// message the pool sends and post the reply back with its buffers in the transfer list.
import { parentPort, workerData } from 'node:worker_threads';
import { type BatchRunner, type BatchTask, createBatchRunner } from '../../core/exec/batch-task.js';
// DataFrame, for its side effects here: loading it registers the class that decoding a batch into
// a frame needs, and loads map.ts and embed.ts, which register the 'map' and 'embed' tasks.
import '../../core/frame/frame.js';
import type { WorkerReply, WorkerRequest } from './protocol.js';
import { serializeError } from './protocol.js';

const port = parentPort;
if (port === null) throw new Error('worker-entry runs only as a worker thread of a WorkerPoolExecutor');

/** tsx's ESM API (when installed): registered on first use, for `.ts` function modules. */
const tsxApi: string | null = (workerData as { tsx: string | null }).tsx;
let tsxRegistered = (globalThis as Record<symbol, unknown>)[Symbol.for('tessera.tsx')] === true;
const runners = new Map<string, Promise<BatchRunner>>();

async function runnerFor(task: BatchTask): Promise<BatchRunner> {
  const key = `${task.kind}\0${JSON.stringify(task.setup)}`;
  let runner = runners.get(key);
  if (runner === undefined) {
    runner = (async () => {
      await typescriptIfNeeded(task.setup);
      return createBatchRunner(task);
    })();
    runners.set(key, runner);
    // A runner that failed to build is built again for the next batch (a retry may succeed).
    runner.catch(() => runners.delete(key));
  }
  return runner;
}

/** Register tsx before importing TypeScript: a function or encoder module the setup names is `.ts`. */
async function typescriptIfNeeded(setup: unknown) {
  if (tsxRegistered || tsxApi === null) return;
  if (!/\.[cm]?tsx?\b/.test(JSON.stringify(setup))) return;
  const { register } = (await import(tsxApi)) as { register(): unknown };
  register();
  tsxRegistered = true;
}

port.on('message', async (request: WorkerRequest) => {
  let reply: WorkerReply;
  let transfer: ArrayBuffer[] = [];
  try {
    const runner = await runnerFor(request.task);
    const out = await runner(request.data);
    reply = { id: request.id, ok: true, reply: out.reply };
    transfer = out.transfer;
  } catch (e) {
    reply = { id: request.id, ok: false, error: serializeError(e) };
  }
  port.postMessage(reply, transfer);
});
