/**
 * Display widths by Python's unicodedata (Debian's python3), for the table-printing tests: the script
 * groups code points into clusters itself (base + combining marks, ZWJ sequences, variation
 * selectors, skin tones, flag pairs) and gives a cluster 2 columns when any code point is East Asian
 * Wide/Fullwidth or it is an emoji picture (VS16, flag), 0 when it starts with a mark or format
 * character, else 1. Nothing here shares code with src/core/display-width.ts.
 */
import { spawnSync } from 'node:child_process';
import type { DataFrame } from '../../../src/core/frame/frame.js';
import { PYTHON } from '../../helpers/reference-probes.js';

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
    controls = any(ud.category(c) == 'Cc' and c != '\n' or 0x202A <= ord(c) <= 0x202E
                   or 0x2066 <= ord(c) <= 0x2069 for c in case['table'])
    foreign = sorted({c for l in lines for c in clusters(l) if c not in allowed})
    report.append({'widths': widths, 'surrogates': surrogates, 'controls': controls, 'foreign': foreign})
json.dump(report, sys.stdout)
`;

export interface Verdict {
  widths: number[];
  surrogates: boolean;
  /** A control character or bidi override in the table (a terminal would act on it). */
  controls: boolean;
  foreign: string[];
}

/** Per table: the display width of each line after the header, and what is wrong in it. */
export function reference(cases: { source: string; table: string }[]): Verdict[] {
  const run = spawnSync(PYTHON, ['-c', SCRIPT], { input: JSON.stringify(cases), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python3 failed: ${run.stderr}`);
  return JSON.parse(run.stdout);
}

// Everything a table may print besides the cells: borders, the elision mark, printable ASCII.
const TABLE_CHARS = `┌┬┐├┼┤└┴┘│─…${String.fromCharCode(...Array.from({ length: 95 }, (_, i) => 32 + i))}`;

/** One table of `df` and what it may print: its names and values, borders, ASCII. */
export function tableCase(df: DataFrame, maxWidth: number): { source: string; table: string } {
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

/** What is wrong with a table, in words (none when it is well formed). */
export function verdictProblems(v: Verdict): string[] {
  const problems: string[] = [];
  if (new Set(v.widths).size !== 1) problems.push(`line widths ${v.widths.join(',')}`);
  if (v.surrogates) problems.push('lone surrogate');
  if (v.controls) problems.push('control character');
  if (v.foreign.length > 0) problems.push(`broken graphemes ${JSON.stringify(v.foreign)}`);
  return problems;
}
