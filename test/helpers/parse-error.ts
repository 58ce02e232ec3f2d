import { expect } from 'vitest';
import { ParseError } from '../../src/core/errors.js';

/** The ParseError that `p` (a promise, or a function to call) fails with; fails the test otherwise. */
export async function parseErrorOf(p: Promise<unknown> | (() => unknown)): Promise<ParseError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(ParseError);
    return e as ParseError;
  }
  throw new Error('expected a ParseError, but the read succeeded');
}
