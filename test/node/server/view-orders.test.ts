// Views made by the fast paths (key words made once and shared by the top-k and the background
// sort; a filtered sort gathering the frame's words or sorting the kept rows; one float64 key's
// top-k from the column's values) against a naive reference: the rows a plain JS loop keeps,
// ordered by Array.sort with the same tie rule (frame order), on data with nulls, NaN, -0, empty
// strings and unicode.
import { describe, expect, it } from 'vitest';
import { ViewStore } from '../../../src/core/app/views.js';
import { column, DataFrame } from '../../../src/index.js';
import { mulberry32 } from '../../helpers/random.js';

const WORDS = ['', 'a', 'B', 'b', 'é', 'É', 'Ω', '日本', '😀', 'ab', 'zz'];

function data(n: number, seed: number) {
  const rnd = mulberry32(seed);
  const num = Array.from({ length: n }, () => {
    const r = rnd();
    return r < 0.08 ? null : r < 0.12 ? Number.NaN : r < 0.14 ? -0 : Math.floor(rnd() * 50) / 4;
  });
  const text = Array.from({ length: n }, () =>
    rnd() < 0.1 ? null : WORDS[Math.floor(rnd() * WORDS.length)] + WORDS[Math.floor(rnd() * WORDS.length)],
  );
  const frame = new DataFrame({ num: column(num, 'float64'), text: column(text, 'string') });
  return { frame, num, text };
}

/** Code-point order (as the sort's contract), by comparing code point arrays. */
function codePoints(a: string, b: string): number {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

/** Numbers ascending, NaN after them, nulls last; descending flips the values, not the nulls. */
function byNum(a: number | null, b: number | null, descending: boolean): number {
  if (a === null || b === null) return a === null ? (b === null ? 0 : 1) : -1;
  const rank = (v: number) => (Number.isNaN(v) ? 1 : 0);
  const c = rank(a) - rank(b) || (Number.isNaN(a) ? 0 : a - b);
  return descending ? -c : c;
}

function byText(a: string | null, b: string | null): number {
  if (a === null || b === null) return a === null ? (b === null ? 0 : 1) : -1;
  return codePoints(a, b);
}

describe('view orders against a naive filter and sort', () => {
  for (const [label, n, options] of [
    ['at once', 400, {}],
    [
      'top-k first, then the full sort in steps',
      6000,
      { firstRows: 50, sortAtOnceRows: 100, sortChunkRows: 700 },
    ],
  ] as const) {
    it(`sorts and filters (${label})`, async () => {
      const { frame, num, text } = data(n, 7);
      const store = new ViewStore(frame, options);
      const all = num.map((_, i) => i);
      const cases = [
        // a filter keeping most rows: the frame's key words, gathered
        {
          spec: {
            filter: { column: 'text', op: 'contains' as const, value: 'b', ignoreCase: true },
            sort: [{ column: 'num', descending: true }, { column: 'text' }],
          },
          keep: (i: number) => text[i] !== null && text[i]!.toLowerCase().includes('b'),
          cmp: (i: number, j: number) => byNum(num[i], num[j], true) || byText(text[i], text[j]) || i - j,
        },
        // a filter keeping few rows: the kept rows' own key words
        {
          spec: {
            filter: { column: 'text', op: '<' as const, value: 'a' },
            sort: [{ column: 'text' }, { column: 'num' }],
          },
          keep: (i: number) => text[i] !== null && codePoints(text[i]!, 'a') < 0,
          cmp: (i: number, j: number) => byText(text[i], text[j]) || byNum(num[i], num[j], false) || i - j,
        },
        // one float64 key: the top-k from the column's values (top-float64.ts), filtered or not
        {
          spec: {
            filter: { column: 'text', op: 'contains' as const, value: 'b', ignoreCase: true },
            sort: [{ column: 'num', descending: true }],
          },
          keep: (i: number) => text[i] !== null && text[i]!.toLowerCase().includes('b'),
          cmp: (i: number, j: number) => byNum(num[i], num[j], true) || i - j,
        },
        {
          spec: { filter: { column: 'text', op: '<' as const, value: 'a' }, sort: [{ column: 'num' }] },
          keep: (i: number) => text[i] !== null && codePoints(text[i]!, 'a') < 0,
          cmp: (i: number, j: number) => byNum(num[i], num[j], false) || i - j,
        },
        {
          spec: { sort: [{ column: 'num', descending: true }] },
          keep: () => true,
          cmp: (i: number, j: number) => byNum(num[i], num[j], true) || i - j,
        },
        {
          spec: { sort: [{ column: 'num', descending: true, nulls: 'first' as const }] },
          keep: () => true,
          cmp: (i: number, j: number) =>
            (num[i] === null) !== (num[j] === null)
              ? num[i] === null
                ? -1
                : 1
              : byNum(num[i], num[j], true) || i - j,
        },
        // no filter
        {
          spec: { sort: [{ column: 'num' }] },
          keep: () => true,
          cmp: (i: number, j: number) => byNum(num[i], num[j], false) || i - j,
        },
      ];
      for (const { spec, keep, cmp } of cases) {
        const expected = all.filter(keep).sort(cmp);
        const view = store.create(spec);
        expect(view.length).toBe(expected.length);
        const firstPage = Array.from(await store.window(view.id, 0, 20));
        expect(firstPage).toEqual(expected.slice(0, 20));
        expect(Array.from(await store.window(view.id, 0, view.length))).toEqual(expected);
      }
    });
  }
});
