/**
 * The page's side of a map in the tab (tab-map-protocol.ts): ask the in-tab worker to run a
 * registered function over the open file on Web Workers, with progress and cancellation; errors
 * arrive as the class they were thrown as (a TypeMismatchError stays one). In the in-tab page the
 * same call is `tesseraTab.map(...)` from the browser's console.
 */
import { decodeValues } from '../../../src/core/exec/batch-transfer.js';
import { abortedError, type Progress } from '../../../src/core/exec/executor.js';
import { deserializeError } from '../../../src/core/exec/worker-protocol.js';
import { inTabWorker } from './in-tab-client';
import type { TabMapMessage, TabMapReply, TabMapRequest } from './tab-map-protocol';

export interface TabMapOptions {
  onProgress?: (progress: Progress) => void;
  /** Stops the run: the workers computing its batches are stopped; it rejects with an AbortedError. */
  signal?: AbortSignal;
}

/** The values of the output column of `request` over the open file, in row order, by column name. */
export function mapInTab(
  request: TabMapRequest,
  options: TabMapOptions = {},
): Promise<Record<string, ArrayLike<unknown>>> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(abortedError(signal, 'cancelled before it started'));
  const channel = new MessageChannel();
  const port = channel.port1;
  return new Promise((resolve, reject) => {
    // The run stops in the worker, which then answers with its AbortedError.
    const onAbort = () => {
      const reason: unknown = signal?.reason;
      port.postMessage({ kind: 'cancel', reason: reason instanceof Error ? reason.message : String(reason) });
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    port.onmessage = (event: MessageEvent<TabMapReply>) => {
      const reply = event.data;
      if (reply.kind === 'progress') {
        options.onProgress?.(reply.progress);
        return;
      }
      signal?.removeEventListener('abort', onAbort);
      port.close();
      if (reply.kind === 'done')
        resolve(
          Object.fromEntries(Object.entries(reply.columns).map(([name, v]) => [name, decodeValues(v)])),
        );
      else reject(deserializeError(reply.error));
    };
    inTabWorker().postMessage({ kind: 'tab-map', request, port: channel.port2 } satisfies TabMapMessage, [
      channel.port2,
    ]);
  });
}

// The console's handle on the tab (documented in README.md's in-tab section).
(globalThis as { tesseraTab?: object }).tesseraTab = { map: mapInTab };
