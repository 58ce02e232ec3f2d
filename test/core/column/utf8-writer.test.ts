import { describe, expect, it } from 'vitest';
import { ScalarColumn } from '../../../src/core/column/scalar.js';
import { Utf8Writer } from '../../../src/core/column/utf8-writer.js';

// ASCII, 2-, 3- and 4-byte characters, lone surrogates (U+FFFD, 3 bytes), empty, and a long one.
const strings = [
  'cat',
  'é',
  'naïve',
  '日本語',
  '🙂 ok',
  'a\uD800b',
  '\uDC00',
  '',
  'x'.repeat(5000),
  'ü🙂'.repeat(700),
];

describe('Utf8Writer', () => {
  it('writes the bytes TextEncoder gives, end to end, growing from a small buffer', () => {
    const writer = new Utf8Writer(1);
    const ends: number[] = [];
    for (const s of strings) {
      writer.write(s);
      ends.push(writer.length);
    }
    const expected = new TextEncoder().encode(strings.join(''));
    expect(Array.from(writer.finish())).toEqual(Array.from(expected));
    // Each string's end is where its own encoding ends.
    let at = 0;
    strings.forEach((s, i) => {
      at += new TextEncoder().encode(s).length;
      expect(ends[i]).toBe(at);
    });
  });

  it('gives string columns that read back the strings (lone surrogates as U+FFFD)', () => {
    const values = [...strings, null, 'tail'];
    const col = ScalarColumn.from(values, 'string');
    const decoded = values.map((v) =>
      v === null ? null : new TextDecoder().decode(new TextEncoder().encode(v)),
    );
    expect(Array.from({ length: col.length }, (_, i) => col.get(i))).toEqual(decoded);
  });
});
