import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbFrame, plainRows } from '../../helpers/arbitrary.js';

describe('random frames', () => {
  it('round-trip their rows', () => {
    fc.assert(
      fc.property(arbFrame(), ({ rows, frame }) => {
        expect(frame.length).toBe(rows.length);
        expect(plainRows(frame)).toEqual(
          rows.map((r) => ({ ...r, vec: r.vec === null ? null : [...(r.vec as number[])] })),
        );
      }),
    );
  });
});
