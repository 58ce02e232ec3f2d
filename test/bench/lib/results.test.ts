import { describe, expect, it } from 'vitest';
import { writesResults } from '../../../bench/lib/results.js';

describe('bench results', () => {
  it('only full runs write results', () => {
    expect(writesResults([])).toBe(true);
    expect(writesResults(['--reps', '1'])).toBe(true);
    expect(writesResults(['--quick'])).toBe(false);
    expect(writesResults(['--reps', '1', '--quick'])).toBe(false);
    expect(writesResults(['--no-write'])).toBe(false);
  });
});
