/**
 * df.toString() with CJK, emoji and combining accents, checked by Python's unicodedata (Debian's
 * python3): every line of a table has the same display width, no line holds a lone surrogate, and
 * every grapheme printed is one of the input's or of the table's own (so no cut emoji or broken ZWJ
 * sequence). The reference groups code points into clusters itself and shares no code with Tessera.
 */
import { spawnSync } from 'node:child_process';
import { expect } from 'vitest';
import { DataFrame } from '../../../src/core/frame/frame.js';
import { Random } from '../../../src/core/random.js';
import { needs, PYTHON } from '../../helpers/references.js';

const python = needs('python3');

const SCRIPT = String.raw`
import json, sys, unicodedata as ud

def joins(prev, cp):
    c = chr(cp)
    return (ud.combining(c) > 0 or ud.category(c) in ('Mn', 'Me') or cp == 0x200D
            or 0xFE00 <= cp <= 0xFE0F or 0x1F3FB <= cp <= 0x1F3FF or prev[-1] == 0x200D
            or (is_ri(cp) and len(prev) == 1 and is_ri(prev[0])))

def is_ri(cp):
    return 0x1F1E6 <= cp <= 0x1F1FF

def clusters(text):
    out = []
    for ch in text:
        cp = ord(ch)
        if out and joins(out[-1], cp): out[-1].append(cp)
        else: out.append([cp])
    return [''.join(map(chr, c)) for c in out]

def width(cluster):
    cps = [ord(c) for c in cluster]
    if any(ud.east_asian_width(c) in ('W', 'F') for c in cluster): return 2
    if 0xFE0F in cps or (len(cps) == 2 and all(map(is_ri, cps))): return 2
    return 0 if ud.category(cluster[0]) in ('Mn', 'Me', 'Cf', 'Cc') else 1

cases = json.load(sys.stdin)
report = []
for case in cases:
    allowed = set(clusters(case['source']))
    lines = case['table'].split('\n')[1:]  # the first line is the plain header
    widths = [sum(width(c) for c in clusters(l)) for l in lines]
    surrogates = any(0xD800 <= ord(c) <= 0xDFFF for c in case['table'])
    foreign = sorted({c for l in lines for c in clusters(l) if c not in allowed})
    report.append({'widths': widths, 'surrogates': surrogates, 'foreign': foreign})
json.dump(report, sys.stdout)
`;

interface Verdict {
  widths: number[];
  surrogates: boolean;
  foreign: string[];
}

function reference(cases: { source: string; table: string }[]): Verdict[] {
  const run = spawnSync(PYTHON, ['-c', SCRIPT], { input: JSON.stringify(cases), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

// Everything a table may print besides the cells: borders, the elision mark, printable ASCII.
const TABLE_CHARS = `┌┬┐├┼┤└┴┘│─…${String.fromCharCode(...Array.from({ length: 95 }, (_, i) => 32 + i))}`;

const PIECES = ['a', 'Z', '漢', '字', 'ｶ', 'ﾀ', '👍', '👍🏽', '👨‍👩‍👧', '🇫🇷', '🇯🇵', 'e\u0301', '❤️', 'ß', ' '];

function check(df: DataFrame, maxWidth: number): { source: string; table: string } {
  const table = df.toString({ maxWidth });
  const values = df.columnNames.flatMap((n) => [
    n,
    ...df
      .column(n)
      .toArray()
      .map((v) => JSON.stringify(v)),
  ]);
  return { source: [...values, TABLE_CHARS].join(''), table };
}

function verdictProblems(v: Verdict): string[] {
  const problems: string[] = [];
  if (new Set(v.widths).size !== 1) problems.push(`line widths ${v.widths.join(',')}`);
  if (v.surrogates) problems.push('lone surrogate');
  if (v.foreign.length > 0) problems.push(`broken graphemes ${JSON.stringify(v.foreign)}`);
  return problems;
}

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
    for (let w = 4; w <= 30; w++) cases.push(check(df, w));
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
      cases.push(check(df, 4 + (random.nextUint32() % 24)));
    }
    const failing = reference(cases).filter((v) => verdictProblems(v).length > 0);
    expect(failing.length).toBe(0);
  });
});
