// Messages between a WorkerPoolExecutor and its workers, and errors across the thread boundary.
import * as errors from '../../core/errors.js';
import { AbortedError } from '../../core/errors.js';

/** One batch to compute. */
export interface WorkerRequest {
  id: number;
  task: { module: string; setup: unknown };
  data: unknown;
}

/** The batch's reply, or the error it failed with. */
export type WorkerReply =
  | { id: number; ok: true; reply: unknown }
  | { id: number; ok: false; error: SerializedError };

export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  return { name: 'Error', message: String(e) };
}

const TESSERA_ERRORS: Record<string, new (...args: never[]) => Error> = { AbortedError };
for (const [name, value] of Object.entries(errors))
  if (typeof value === 'function' && value.prototype instanceof Error)
    TESSERA_ERRORS[name] = value as unknown as new (...args: never[]) => Error;

/**
 * The error a worker sent, rebuilt here: Tessera's own errors as their classes (so a wrong output
 * shape is still a TypeMismatchError, and is not retried), anything else as an Error of that name.
 */
export function deserializeError(s: SerializedError): Error {
  const cls = Object.hasOwn(TESSERA_ERRORS, s.name) ? TESSERA_ERRORS[s.name] : null;
  const e = cls ? (Object.create(cls.prototype) as Error) : new Error(s.message);
  Object.defineProperty(e, 'message', { value: s.message, writable: true, configurable: true });
  Object.defineProperty(e, 'name', { value: s.name, writable: true, configurable: true });
  if (s.stack !== undefined)
    Object.defineProperty(e, 'stack', { value: s.stack, writable: true, configurable: true });
  return e;
}
