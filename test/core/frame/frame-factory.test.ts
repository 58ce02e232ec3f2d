// This file imports frame-factory.ts before anything loads frame.ts (each test file has its own
// modules), so it sees the factory both before and after DataFrame registers itself.
import { describe, expect, it } from 'vitest';
import { UnsupportedError } from '../../../src/core/errors.js';
import { createFrame, isDataFrame } from '../../../src/core/frame/frame-factory.js';

describe('the frame factory', () => {
  it('builds frames as new DataFrame does once frame.ts has loaded, and refuses before', async () => {
    expect(() => createFrame({ a: [1] })).toThrow(UnsupportedError);
    expect(() => isDataFrame({})).toThrow(/DataFrame is not loaded/);

    const { DataFrame } = await import('../../../src/core/frame/frame.js');
    const made = createFrame({ id: Int32Array.of(3, 1, 2), name: ['c', 'a', 'b'] }, { primaryKey: 'id' });
    expect(made).toBeInstanceOf(DataFrame);
    expect(made.toRecords()).toEqual([
      { id: 3, name: 'c' },
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
    ]);
    expect(made.primaryKey).toBe('id');
    expect(made.loc(1)).toEqual({ id: 1, name: 'a' });
    expect(createFrame().length).toBe(0);
    expect(isDataFrame(made)).toBe(true);
    expect(isDataFrame(new DataFrame())).toBe(true);
    expect(isDataFrame({ columnNames: [], length: 0 })).toBe(false);
  });
});
