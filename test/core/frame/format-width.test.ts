/**
 * df.toString() with CJK, emoji and combining accents, checked by Python's unicodedata (see
 * display-width-reference.ts): every line of a table has the same display width, no line holds a
 * lone surrogate, and every grapheme printed is one of the input's or of the table's own (so no cut
 * emoji or broken ZWJ sequence).
 */
import { expect } from 'vitest';
import { DataFrame } from '../../../src/core/frame/frame.js';
import { Random } from '../../../src/core/random.js';
import { needs } from '../../helpers/references.js';
import { reference, tableCase, verdictProblems } from './display-width-reference.js';

const python = needs('python3');

const PIECES = ['a', 'Z', '漢', '字', 'ｶ', 'ﾀ', '👍', '👍🏽', '👨‍👩‍👧', '🇫🇷', '🇯🇵', 'e\u0301', '❤️', 'ß', ' '];

python.describe('df.toString() with wide and combined characters', () => {
  python.it('lines up CJK, emoji, flags and accents and cuts only whole graphemes', () => {
    const cut = '👨‍👩‍👧漢字👍🏽🇫🇷e\u0301ｶﾀｶﾅ';
    const df = new DataFrame({
      名前: Array.from({ length: 12 }, (_, k) => `${'a'.repeat(k)}${cut}${cut}`),
      '👍': ['🇫🇷🇫🇷🇫🇷🇫🇷🇫🇷🇫🇷🇫🇷🇫🇷🇫🇷🇫🇷🇫🇷🇫🇷🇫🇷', 'cafe\u0301', ...Array(10).fill('ｶﾀｶﾅ')],
      n: Array.from({ length: 12 }, (_, k) => k * 1.5),
      meta: Array.from({ length: 12 }, (_, k) => ({ who: '👨‍👩‍👧'.repeat(k + 1) })),
    });
    const cases = [];
    for (let w = 4; w <= 30; w++) cases.push(tableCase(df, w));
    const verdicts = reference(cases);
    const failing = verdicts
      .map((v, i) => ({ maxWidth: i + 4, problems: verdictProblems(v) }))
      .filter((f) => f.problems.length > 0);
    expect(failing).toEqual([]);
  });

  python.it('holds for random mixes of wide, narrow and zero-width graphemes', () => {
    const random = new Random(11);
    const pick = () => PIECES[random.nextUint32() % PIECES.length];
    const text = (n: number) => Array.from({ length: n }, pick).join('');
    const cases = [];
    for (let t = 0; t < 150; t++) {
      const rows = 1 + (random.nextUint32() % 4);
      const df = new DataFrame({
        [text(1 + (random.nextUint32() % 6))]: Array.from({ length: rows }, () =>
          text(random.nextUint32() % 30),
        ),
        x: Array.from({ length: rows }, () => text(random.nextUint32() % 12)),
      });
      cases.push(tableCase(df, 4 + (random.nextUint32() % 24)));
    }
    const failing = reference(cases).filter((v) => verdictProblems(v).length > 0);
    expect(failing.length).toBe(0);
  });

  python.it('escapes lone surrogates, terminal controls and bidi overrides in names and cells', () => {
    const df = new DataFrame({
      'half \uD83D emoji': ['\uDC4D', 'ok'],
      'bell\x07\x1b[2J': ['\x1b[31mred', '\u202Eevil'],
      '\u202Eright to left': [{ s: '\uD83D' }, { s: '\x07' }],
    });
    const verdicts = reference([tableCase(df, 24)]);
    expect(verdicts.map(verdictProblems)).toEqual([[]]);
    expect(df.toString()).toContain('half \\ud83d emoji');
  });
});
