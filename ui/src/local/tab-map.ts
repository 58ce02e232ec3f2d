/**
 * The in-tab worker's side of a map (tab-map-protocol.ts): `frame.map` with a registered function
 * of tab-functions.ts on a WebWorkerExecutor, so the batches run in parallel, off both the page's
 * thread and the in-tab worker's (which keeps answering the table meanwhile).
 */

import { InvalidArgumentError, ResourceNotFoundError } from '../../../src/core/errors.js';
import { encodeValues, TransferList } from '../../../src/core/exec/batch-transfer.js';
import { WebWorkerExecutor } from '../../../src/core/exec/web-worker-pool.js';
import { serializeError } from '../../../src/core/exec/worker-protocol.js';
import type { DataFrame } from '../../../src/core/frame/frame.js';
import { TAB_FUNCTIONS_MODULE, tabFunctions } from './tab-functions';
import type { TabMapMessage, TabMapReply } from './tab-map-protocol';

/** One pool per size asked for, kept for later runs (starting a worker costs tens of ms). */
const pools = new Map<number, WebWorkerExecutor>();

function poolOf(size: number): WebWorkerExecutor {
  let pool = pools.get(size);
  if (pool === undefined) {
    pool = new WebWorkerExecutor({
      worker: () =>
        new Worker(new URL('./map-worker.ts', import.meta.url), { type: 'module', name: 'tessera-map' }),
      size,
    });
    pools.set(size, pool);
  }
  return pool;
}

/** Run the map `message` asks for over `frame`, answering on its port. */
export async function runTabMap(message: TabMapMessage, frame: DataFrame | null): Promise<void> {
  const { port, request } = message;
  const send = (reply: TabMapReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);
  const cancel = new AbortController();
  port.onmessage = (event: MessageEvent<{ kind: string; reason?: string }>) => {
    if (event.data.kind === 'cancel')
      cancel.abort(new Error(event.data.reason ?? 'the page cancelled the map'));
  };
  try {
    if (frame === null) throw new ResourceNotFoundError('no file is open in this tab yet');
    if (!Object.hasOwn(tabFunctions, request.function))
      throw new InvalidArgumentError(
        `no tab function "${request.function}"; there are: ${Object.keys(tabFunctions).join(', ')}`,
      );
    const nav = globalThis.navigator as { hardwareConcurrency?: number } | undefined;
    const out = await frame.map(
      { module: TAB_FUNCTIONS_MODULE, export: request.function },
      {
        inputs: [request.input],
        outputs: request.output ?? 'output',
        batchSize: request.batchSize ?? 4096,
        executor: poolOf(request.workers ?? nav?.hardwareConcurrency ?? 2),
        signal: cancel.signal,
        onProgress: (progress) => send({ kind: 'progress', progress }),
      },
    );
    const transfer = new TransferList();
    const columns = Object.fromEntries(
      out.columnNames.map((name) => [name, encodeValues(out.column(name).toArray(), transfer)]),
    );
    send({ kind: 'done', columns }, transfer.buffers);
  } catch (e) {
    send({ kind: 'failed', error: serializeError(e) });
  } finally {
    port.close();
  }
}
