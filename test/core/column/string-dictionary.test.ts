// The byte-hashed string dictionary against a naive one: distinct decoded strings sorted by code
// point (Array.sort with a code-point comparison), codes looked up by value; nulls, empty strings,
// unicode and many distinct values (the table grows).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { column, type ScalarColumn } from '../../../src/index.js';

/** Code-point order, by comparing the strings' code point arrays. */
function byCodePoint(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

function naiveDictionary(cells: (string | null)[]) {
  const dictionary = [...new Set(cells.filter((c): c is string => c !== null))].sort(byCodePoint);
  const code = new Map(dictionary.map((s, i) => [s, i]));
  return { dictionary, codes: cells.map((c) => (c === null ? -1 : code.get(c)!)) };
}

describe('string dictionary', () => {
  it('equals a naive dictionary (nulls, empty strings, unicode)', () => {
    const text = fc
      .array(fc.constantFrom('', 'a', 'b', 'é', 'É', '日本', '😀', '\uffff', 'ab'), { maxLength: 3 })
      .map((p) => p.join(''));
    fc.assert(
      fc.property(fc.array(fc.option(text), { maxLength: 60 }), (cells) => {
        const d = (column(cells, 'string') as ScalarColumn).dictionary();
        const want = naiveDictionary(cells);
        expect(d.dictionary).toEqual(want.dictionary);
        expect(Array.from(d.codes)).toEqual(want.codes);
      }),
      { numRuns: 300 },
    );
  });

  it('tells apart strings around 8 bytes (compared as two words up to 8, by bytes after)', () => {
    // Equal first 8 bytes, NUL bytes that pack like shorter strings, and a 2-byte character
    // across the 8-byte boundary.
    const values = [
      'abcdefgh',
      'abcdefghi',
      'abcdefghj',
      'abcdefg',
      'a',
      'a\u0000',
      'a\u0000\u0000',
      '',
      'abcdefgé',
      'abcdefg\u00e9x',
    ];
    const cells = Array.from({ length: 400 }, (_, i) =>
      i % 13 === 0 ? null : values[(i * 7) % values.length],
    );
    const d = (column(cells, 'string') as ScalarColumn).dictionary();
    const want = naiveDictionary(cells);
    expect(d.dictionary).toEqual(want.dictionary);
    expect(Array.from(d.codes)).toEqual(want.codes);
  });

  it('holds many distinct values', () => {
    const cells = Array.from({ length: 20_000 }, (_, i) => (i % 7 === 0 ? null : `v${(i * 7919) % 5003}`));
    const d = (column(cells, 'string') as ScalarColumn).dictionary();
    const want = naiveDictionary(cells);
    expect(d.dictionary).toEqual(want.dictionary);
    expect(Array.from(d.codes)).toEqual(want.codes);
  });

  it('works on a slice (offsets not starting at 0)', () => {
    const col = (column(['x', 'b', 'a', null, 'b', 'c'], 'string') as ScalarColumn).slice(
      1,
      5,
    ) as ScalarColumn;
    expect(col.dictionary()).toEqual({ dictionary: ['a', 'b'], codes: Int32Array.from([1, 0, -1, 1]) });
  });
});
