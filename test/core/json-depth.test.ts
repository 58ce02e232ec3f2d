import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_JSON_DEPTH, jsonTooDeepAt } from '../../src/core/json-depth.js';

/** Nesting depth of a parsed value, the naive way (the reference). */
function depthOf(v: unknown): number {
  if (v === null || typeof v !== 'object') return 0;
  const children = Array.isArray(v) ? v : Object.values(v);
  return 1 + children.reduce((m: number, c) => Math.max(m, depthOf(c)), 0);
}

describe('jsonTooDeepAt', () => {
  it('agrees with the depth of the parsed value, brackets and escapes inside strings ignored', () => {
    const text = fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', '\\', 'a') });
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.oneof(text, fc.integer(), fc.constant(null)),
        fc.array(tie('v'), { maxLength: 3 }),
        fc.dictionary(text, tie('v'), { maxKeys: 3 }),
      ),
    })).v;
    fc.assert(
      fc.property(value, fc.integer({ min: 1, max: 6 }), (v, max) => {
        const json = JSON.stringify(v);
        expect(jsonTooDeepAt(json, max) >= 0).toBe(depthOf(v) > max);
      }),
      { numRuns: 500 },
    );
  });

  it('points at the bracket that goes too deep, within a range of the text', () => {
    expect(jsonTooDeepAt('[[1]]', 1)).toBe(1);
    expect(jsonTooDeepAt('{"a":[{}]}', 2)).toBe(6);
    expect(jsonTooDeepAt('{"a":"[[[["}', 1)).toBe(-1);
    expect(jsonTooDeepAt('[[1]]\n[[[1]]]', 2, 0, 5)).toBe(-1);
    expect(jsonTooDeepAt('[[1]]\n[[[1]]]', 2, 6)).toBe(8);
    expect(DEFAULT_MAX_JSON_DEPTH).toBe(1000);
  });
});
