/**
 * A `map` over the open file, run by the in-tab worker on a pool of Web Workers. The page sends a
 * {@link TabMapMessage} with a MessagePort of its own; progress, the result and errors come back on
 * that port, and the page cancels by posting `{ kind: 'cancel', reason }` to it. (A port per run keeps the
 * in-tab worker's request/reply channel as it is.)
 */
import type { EncodedValues } from '../../../src/core/exec/batch-transfer.js';
import type { Progress } from '../../../src/core/exec/executor.js';
import type { SerializedError } from '../../../src/core/exec/worker-protocol.js';
import type { TabFunctionName } from './tab-functions';

/** What to compute: a function of tab-functions.ts over one column, into one output column. */
export interface TabMapRequest {
  function: TabFunctionName;
  /** The column the function reads. */
  input: string;
  /** Name of the output column (default 'output'). */
  output?: string;
  /** Rows per batch (default 4096). */
  batchSize?: number;
  /** Web Workers to run on (default: navigator.hardwareConcurrency). */
  workers?: number;
}

export interface TabMapMessage {
  kind: 'tab-map';
  request: TabMapRequest;
  port: MessagePort;
}

/** On the port: progress after each batch, then the result or the error (rebuilt as its class). */
export type TabMapReply =
  | { kind: 'progress'; progress: Progress }
  | { kind: 'done'; columns: Record<string, EncodedValues> }
  | { kind: 'failed'; error: SerializedError };

export function isTabMapMessage(message: unknown): message is TabMapMessage {
  return (message as { kind?: unknown } | null)?.kind === 'tab-map';
}
