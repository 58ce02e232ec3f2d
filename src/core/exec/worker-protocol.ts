// Messages between a pool of threads (worker threads in Node, Web Workers in a browser) and its
// threads, and errors across the thread boundary. Plain data only: isomorphic.
import * as errors from '../errors.js';
import type { BatchTask } from './batch-task.js';

/** One batch to compute. */
export interface WorkerRequest {
  id: number;
  task: BatchTask;
  data: unknown;
}

/** The batch's reply, or the error it failed with. */
export type WorkerReply =
  | { id: number; ok: true; reply: unknown }
  | { id: number; ok: false; error: SerializedError };

/** An error as it crosses a thread boundary (structured-cloneable). */
export interface SerializedError {
  /** The registered class it is an instance of (exactly), or null: it comes back as a plain Error. */
  className: string | null;
  name: string;
  message: string;
  stack?: string;
  /** Its own enumerable properties: the class's fields (a path, a line, ...), by name. */
  fields: Record<string, SerializedValue>;
  /** Its `cause` when that is not among the fields (`new Error(m, { cause })` makes it non-enumerable). */
  cause?: SerializedValue;
}

/** A field or cause: an error (rebuilt as one, recursively) or any structured-cloneable value. */
export type SerializedValue = { error: SerializedError } | { value: unknown };

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * The classes an error is rebuilt as: every error class that core/errors.ts exports (so a new one
 * needs no change here) and JavaScript's own (a RangeError stays a RangeError).
 */
const ERROR_CLASSES = new Map<string, ErrorClass>();
for (const value of [
  Error,
  EvalError,
  RangeError,
  ReferenceError,
  SyntaxError,
  TypeError,
  URIError,
  ...Object.values(errors),
])
  if (typeof value === 'function' && (value === Error || value.prototype instanceof Error))
    ERROR_CLASSES.set(value.name, value as ErrorClass);

/** `e` as plain data for postMessage; `seen` cuts cycles among causes and fields. */
export function serializeError(e: unknown, seen = new Set<unknown>()): SerializedError {
  if (!(e instanceof Error)) return { className: null, name: 'Error', message: String(e), fields: {} };
  seen.add(e);
  const cls = ERROR_CLASSES.get(e.constructor.name) === e.constructor ? e.constructor.name : null;
  const out: SerializedError = {
    className: cls,
    name: e.name,
    message: e.message,
    stack: e.stack,
    fields: {},
  };
  for (const key of Object.keys(e)) {
    if (key === 'message' || key === 'stack') continue;
    const value = serializeValue((e as unknown as Record<string, unknown>)[key], seen);
    if (value !== undefined) out.fields[key] = value;
  }
  const cause = Object.getOwnPropertyDescriptor(e, 'cause');
  if (cause !== undefined && !cause.enumerable) {
    const value = serializeValue(cause.value, seen);
    if (value !== undefined) out.cause = value;
  }
  return out;
}

/** A value that can cross, or undefined for one that cannot (a function, a cycle): it is left out. */
function serializeValue(value: unknown, seen: Set<unknown>): SerializedValue | undefined {
  if (seen.has(value)) return undefined;
  if (value instanceof Error) return { error: serializeError(value, seen) };
  try {
    structuredClone(value);
  } catch {
    return undefined;
  }
  return { value };
}

/**
 * The error a worker sent, rebuilt here as an instance of its class (without running the
 * constructor, whose arguments did not cross), with its message, stack, fields and cause. So a
 * wrong output shape is still a TypeMismatchError, is not retried, and reads as it would inline.
 */
export function deserializeError(s: SerializedError): Error {
  const cls = s.className === null ? undefined : ERROR_CLASSES.get(s.className);
  const e = cls === undefined ? new Error(s.message) : (Object.create(cls.prototype) as Error);
  // Like the Error constructor's own properties: not enumerable.
  const hidden = (key: string, value: unknown) =>
    Object.defineProperty(e, key, { value, writable: true, configurable: true, enumerable: false });
  hidden('message', s.message);
  if (s.stack !== undefined) hidden('stack', s.stack);
  for (const [key, value] of Object.entries(s.fields))
    Object.defineProperty(e, key, {
      value: deserializeValue(value),
      writable: true,
      configurable: true,
      enumerable: true,
    });
  if (s.cause !== undefined) hidden('cause', deserializeValue(s.cause));
  // A Tessera error's name is a field; another error's may differ from its prototype's.
  if (e.name !== s.name) hidden('name', s.name);
  return e;
}

function deserializeValue(v: SerializedValue): unknown {
  return 'error' in v ? deserializeError(v.error) : v.value;
}
