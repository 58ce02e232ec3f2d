/**
 * Probes of the optional system programs that some tests check against (numpy, PIL, pandas and nibabel under
 * Debian's python3, ffmpeg, chromium for the browser tests), and a static count of the tests that need each. No vitest import: the
 * global setup (test/global-setup.ts) runs this outside the test workers.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const REFERENCE_NAMES = [
  'python3',
  'numpy',
  'PIL',
  'pandas',
  'nibabel',
  'ffmpeg',
  'chromium',
] as const;
export type ReferenceName = (typeof REFERENCE_NAMES)[number];

export interface ReferenceStatus {
  name: ReferenceName;
  state: 'ok' | 'missing' | 'broken';
  /** Why it is missing or broken (empty when ok). */
  reason: string;
}

/**
 * Debian's interpreter, where .ci/run installs python3-numpy and python3-pil. TESSERA_TEST_PYTHON
 * replaces it only to check this helper's skips (e.g. a path that does not exist).
 */
export const PYTHON = process.env.TESSERA_TEST_PYTHON ?? '/usr/bin/python3';

const INSTALL: Record<ReferenceName, string> = {
  python3: 'apt-get install python3',
  numpy: 'apt-get install python3-numpy',
  PIL: 'apt-get install python3-pil',
  pandas: 'apt-get install python3-pandas',
  nibabel: 'apt-get install python3-nibabel',
  ffmpeg: 'apt-get install ffmpeg',
  chromium: 'apt-get install chromium',
};

/** Debian's chromium, which the browser tests (test/e2e) drive; never a downloaded one. */
export const CHROMIUM = process.env.TESSERA_TEST_CHROMIUM ?? '/usr/bin/chromium';

/** Run `command args` and classify: absent (ENOENT), broken (any other failure) or ok. */
function probeCommand(
  name: ReferenceName,
  command: string,
  args: string[],
  isAbsent: (stderr: string) => boolean = () => false,
): ReferenceStatus {
  const run = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
  const error = run.error as NodeJS.ErrnoException | undefined;
  if (error?.code === 'ENOENT') {
    return { name, state: 'missing', reason: `${command} not found (${INSTALL[name]})` };
  }
  if (!error && run.status === 0) return { name, state: 'ok', reason: '' };
  const stderr = (run.stderr ?? '').trim();
  if (!error && isAbsent(stderr)) return { name, state: 'missing', reason: `${INSTALL[name]}` };
  const how = error ? error.message : run.signal ? `killed by ${run.signal}` : `exit status ${run.status}`;
  const last = stderr.split('\n').slice(-3).join(' | ');
  return { name, state: 'broken', reason: `${command} ${args.join(' ')}: ${how}${last ? `: ${last}` : ''}` };
}

/** Probe one reference now (no cache); the classification is tested in reference-probes.test.ts. */
export function probeReference(name: ReferenceName, python = PYTHON): ReferenceStatus {
  if (name === 'ffmpeg') {
    // The media tests need both programs of Debian's ffmpeg package.
    const ffprobe = probeCommand(name, 'ffprobe', ['-version']);
    return ffprobe.state === 'ok' ? probeCommand(name, 'ffmpeg', ['-version']) : ffprobe;
  }
  if (name === 'python3') return probeCommand(name, python, ['-c', 'pass']);
  if (name === 'chromium') return probeCommand(name, CHROMIUM, ['--version']);
  const interpreter = probeReference('python3', python);
  if (interpreter.state !== 'ok') return { ...interpreter, name };
  const notInstalled = new RegExp(`ModuleNotFoundError: No module named '${name}'$`);
  return probeCommand(name, python, ['-c', `import ${name}`], (stderr) => notInstalled.test(stderr));
}

/** Every reference, probed now. */
export function probeReferences(): ReferenceStatus[] {
  return REFERENCE_NAMES.map((name) => probeReference(name));
}

const TEST_CALL =
  /(?<![\w.])(?:it|test)(?:\.(?:each\([^)]*\)|skipIf\([^)]*\)|runIf\([^)]*\)|only|concurrent))*\(/g;

/** The index just past the parenthesis that closes the one at `open` (strings and comments are not parsed). */
function closingParen(source: string, open: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    if (source[i] === '(') depth++;
    else if (source[i] === ')' && --depth === 0) return i + 1;
  }
  return source.length;
}

/** The number of top-level elements of the array literal that opens at `open` (`it.each([1, 5, 20])`: 3). */
function tableRows(source: string, open: number): number {
  let depth = 0;
  let rows = 1;
  for (let i = open; i < source.length; i++) {
    const c = source[i];
    if (c === '[' || c === '(' || c === '{') depth++;
    else if (c === ']' || c === ')' || c === '}') {
      if (--depth > 0) continue;
      const items = source.slice(open + 1, i).trim();
      return items === '' ? 0 : items.endsWith(',') ? rows - 1 : rows;
    } else if (c === ',' && depth === 1) rows++;
  }
  return rows;
}

/**
 * Count, per reference, the tests in `source` that a `needs` handle gates: each `h.it(` and each
 * test inside `h.describe(...)`. A static count, so the banner can say it before anything runs.
 */
export function countGatedTests(source: string): Map<ReferenceName, number> {
  const gated = new Map<string, Set<ReferenceName>>(); // test position (and table row) -> references
  const gate = (at: string, refs: ReferenceName[]) => {
    const set = gated.get(at) ?? new Set<ReferenceName>();
    for (const r of refs) set.add(r);
    gated.set(at, set);
  };
  for (const decl of source.matchAll(/const (\w+) = needs\(([^)]*)\)/g)) {
    const refs = [...decl[2].matchAll(/'(\w+)'/g)].map((m) => m[1] as ReferenceName);
    const handle = decl[1];
    for (const use of source.matchAll(new RegExp(`\\b${handle}\\.(it|describe)\\(`, 'g'))) {
      const open = use.index + use[0].length - 1;
      if (use[1] === 'it') {
        gate(`${use.index + handle.length}`, refs); // the position of `.it(`, as a describe body sees it
        continue;
      }
      const body = source.slice(open, closingParen(source, open));
      for (const t of body.matchAll(TEST_CALL)) {
        const at = open + t.index;
        const rows = /\.each\(\[/.test(t[0]) ? tableRows(source, at + t[0].indexOf('[')) : 1;
        for (let row = 0; row < rows; row++) {
          gate(`${at}:${row}`, refs); // one test per row of an it.each table
        }
      }
      for (const t of body.matchAll(/\.it\(/g)) gate(`${open + t.index}`, refs);
    }
  }
  const counts = new Map<ReferenceName, number>();
  for (const refs of gated.values()) for (const r of refs) counts.set(r, (counts.get(r) ?? 0) + 1);
  return counts;
}

/** Per reference, the test files (relative to `root`) under `dir` that need it, with their gated test counts. */
export function gatedTestsUnder(root: string, dir: string): Map<ReferenceName, Map<string, number>> {
  const out = new Map<ReferenceName, Map<string, number>>();
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const file = join(d, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.test.ts')) {
        for (const [ref, n] of countGatedTests(readFileSync(file, 'utf8'))) {
          const files = out.get(ref) ?? new Map<string, number>();
          files.set(relative(root, file), n);
          out.set(ref, files);
        }
      }
    }
  };
  walk(dir);
  return out;
}
