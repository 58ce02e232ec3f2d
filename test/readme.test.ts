/**
 * README.md runs as written: every ts block executes, and every value it shows in a comment after a
 * console.log is what that console.log prints. The README is the reference here only for itself;
 * the behaviour it shows is tested against independent references elsewhere.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ENTRY_SOURCES } from './api/entries.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const scratch = mkdtempSync(join(tmpdir(), 'tessera-readme-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Marks the start of one console.log's output: the record separator, then the block's line number. */
const MARK = '\x1e';

interface Block {
  heading: string;
  code: string;
}

/** Every ts block of README.md, with the heading it sits under. */
function readmeBlocks(): Block[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const blocks: Block[] = [];
  let heading = '';
  for (const m of readme.matchAll(/^## (.+)$|^```ts\n([\s\S]*?)^```$/gm)) {
    if (m[1] !== undefined) heading = m[1];
    else blocks.push({ heading, code: m[2] });
  }
  return blocks;
}

/**
 * What a comment may claim: the text before a `: ` outside brackets and quotes (`0.75: ties handled`
 * claims `0.75`; `{ x: 1 }: a box` claims `{ x: 1 }`), or the whole comment. Each candidate ends at
 * such a separator, so a printed `DataFrame: 6 rows ...` can be claimed too.
 */
function claimedValues(comment: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < comment.length; i++) {
    const c = comment[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if ('[{('.includes(c)) depth++;
    else if (']})'.includes(c)) depth--;
    else if (c === ':' && comment[i + 1] === ' ' && depth === 0) out.push(comment.slice(0, i));
  }
  return [...out, comment];
}

/** The console.log lines of a block and the value each one's trailing comment claims. */
function claims(code: string): { line: number; call: string; values: string[] | undefined }[] {
  return code.split('\n').flatMap((text, line) => {
    if (!text.includes('console.log(')) return [];
    const comment = /\);\s*\/\/ (.*)$/.exec(text)?.[1];
    return [{ line, call: text.trim(), values: comment === undefined ? undefined : claimedValues(comment) }];
  });
}

/** The block's `tessera...` imports pointed at this checkout's source; an unknown entry point fails. */
function resolveEntries(code: string): string {
  return code.replace(/from '(tessera(?:\/\w+)?)'/g, (_, entry: string) => {
    expect(ENTRY_SOURCES[entry], `README imports a known entry point, not "${entry}"`).toBeDefined();
    return `from '${join(root, ENTRY_SOURCES[entry]!)}'`;
  });
}

/**
 * Run a block with `tessera` resolved to this checkout's source and each console.log tagged with its
 * line; returns the output per line. The block runs as if it were a file in examples/ (where its
 * `new URL('./…', import.meta.url)` modules live).
 */
function run(code: string): Map<number, string> {
  const tagged = code
    .split('\n')
    .map((text, line) => text.replace('console.log(', `__readmeLog(${line}, `))
    .join('\n');
  const prelude =
    'const __readmeLog = (line: number, ...args: unknown[]) => {' +
    ` process.stdout.write('${MARK}' + line + '\\n'); console.log(...args); };\n`;
  const file = join(mkdtempSync(join(scratch, 'block-')), 'block.mts');
  writeFileSync(
    file,
    prelude +
      resolveEntries(tagged).replace(
        /import\.meta\.url/g,
        `'${pathToFileURL(join(root, 'examples/readme.ts')).href}'`,
      ),
  );
  const stdout = execFileSync(join(root, 'node_modules/.bin/tsx'), [file], { cwd: root, encoding: 'utf8' });
  const out = new Map<number, string>();
  for (const part of stdout.split(MARK).slice(1)) {
    const nl = part.indexOf('\n');
    out.set(Number(part.slice(0, nl)), part.slice(nl + 1));
  }
  return out;
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/** Whether `printed` is what `claimed` shows, up to white space; `...` in a claim stands for any text. */
function shows(claimed: string, printed: string): boolean {
  const pattern = squash(claimed)
    .split('...')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${pattern}$`, 's').test(squash(printed));
}

describe('README', () => {
  const blocks = readmeBlocks();

  it('has a ts block for each main use', () => {
    expect(blocks.map((b) => b.heading)).toEqual(
      expect.arrayContaining(['A quick tour', 'Datasets on disk', 'Efficient layers', 'Evaluation']),
    );
  });

  it('shows a value after every console.log, and the value matcher is strict', () => {
    for (const b of blocks)
      for (const c of claims(b.code)) expect(c.values, `${b.heading}: ${c.call}`).toBeDefined();
    expect(claimedValues("{ x: 1, y: 'a: b' }: a box: really")).toEqual([
      "{ x: 1, y: 'a: b' }",
      "{ x: 1, y: 'a: b' }: a box",
      "{ x: 1, y: 'a: b' }: a box: really",
    ]);
    expect(shows('[1, 5, 3]', '[ 1, 5, 3 ]\n')).toBe(false);
    expect(shows('[ 1, 5, 3 ]', '[\n  1, 5,\n  3 ]\n')).toBe(true);
    expect(shows('0.98994...', '0.9899494936611666\n')).toBe(true);
    expect(shows('0.98994...', '0.9799494936611666\n')).toBe(false);
    expect(shows('a ... d', 'a b c d\n')).toBe(true);
    expect(shows('a ... d', 'a b c d e\n')).toBe(false);
  });

  blocks.forEach((b, i) => {
    const same = blocks.filter((o) => o.heading === b.heading);
    const title = same.length > 1 ? `${b.heading} (block ${same.indexOf(b) + 1})` : b.heading;
    it(`"${title}" runs as written and prints what its comments show`, () => {
      const printed = run(b.code);
      for (const c of claims(b.code)) {
        const out = printed.get(c.line);
        expect.soft(out, `block ${i + 1}, ${c.call}: printed nothing`).toBeDefined();
        const shown = out !== undefined && c.values!.some((v) => shows(v, out));
        expect
          .soft(shown, `${c.call}\n  README shows one of: ${c.values!.join(' | ')}\n  prints: ${out}`)
          .toBe(true);
      }
    });
  });
});
