// The code every pool worker runs: answer each batch request the pool sends (core/exec/batch-answer)
// and post the reply back with its buffers in the transfer list.
import { parentPort, workerData } from 'node:worker_threads';
import { batchAnswerer } from '../../core/exec/batch-answer.js';
import type { BatchTask } from '../../core/exec/batch-task.js';
import type { WorkerRequest } from '../../core/exec/worker-protocol.js';
// DataFrame, for its side effects here: loading it registers the class that decoding a batch into
// a frame needs, and loads map.ts and embed.ts, which register the 'map' and 'embed' tasks.
import '../../core/frame/frame.js';

const port = parentPort;
if (port === null) throw new Error('worker-entry runs only as a worker thread of a WorkerPoolExecutor');

/** tsx's ESM API (when installed): registered on first use, for `.ts` function modules. */
const tsxApi: string | null = (workerData as { tsx: string | null }).tsx;
let tsxRegistered = (globalThis as Record<symbol, unknown>)[Symbol.for('tessera.tsx')] === true;

/** Register tsx before importing TypeScript: a function or encoder module the setup names is `.ts`. */
async function typescriptIfNeeded(task: BatchTask) {
  if (tsxRegistered || tsxApi === null) return;
  if (!/\.[cm]?tsx?\b/.test(JSON.stringify(task.setup))) return;
  const { register } = (await import(tsxApi)) as { register(): unknown };
  register();
  tsxRegistered = true;
}

const answer = batchAnswerer(typescriptIfNeeded);

port.on('message', async (request: WorkerRequest) => {
  const { reply, transfer } = await answer(request);
  port.postMessage(reply, transfer);
});
