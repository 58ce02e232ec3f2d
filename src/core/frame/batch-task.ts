// What a worker runs for one batch of a map, filter, update or embed: it gets this module's URL and
// a setup, builds a runner once, and calls it for every batch it receives.
import type { Encoder } from '../models/encoder.js';
import {
  decodeFrame,
  type EncodedFrame,
  type EncodedValues,
  encodeValues,
  TransferList,
} from './batch-transfer.js';
import { encodeBatch } from './embed.js';
import { type EncoderRef, type FunctionRef, loadEncoder, loadFunction } from './function-ref.js';
import { computeMapBatch, type MapFn } from './map.js';

/** URL of this module, for executors that run batches in other threads. */
export const BATCH_TASK_MODULE = import.meta.url;

/** What a runner is built from (structured-cloneable). */
export type BatchTaskSetup =
  | { kind: 'map'; fn: FunctionRef; batched: boolean; names: string[] }
  | { kind: 'embed'; encoder: EncoderRef; column: string };

/** Computes one batch from its message; the reply's buffers move back with it. */
export type BatchRunner = (data: unknown) => Promise<{ reply: unknown; transfer: ArrayBuffer[] }>;

export async function createBatchRunner(setup: BatchTaskSetup): Promise<BatchRunner> {
  if (setup.kind === 'map') {
    const fn = await loadFunction<MapFn<unknown>>(setup.fn);
    return async (data) => {
      const outputs = await computeMapBatch(fn, decodeFrame(data as EncodedFrame), setup);
      const transfer = new TransferList();
      const reply: EncodedValues[] = outputs.map((values) => encodeValues(values, transfer));
      return { reply, transfer: transfer.buffers };
    };
  }
  const encoder: Encoder = await loadEncoder(setup.encoder);
  return async (data) => {
    const vectors = await encodeBatch(encoder, decodeFrame(data as EncodedFrame), setup.column);
    const transfer = new TransferList();
    return { reply: encodeValues(vectors, transfer), transfer: transfer.buffers };
  };
}
