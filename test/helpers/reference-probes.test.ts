import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { countGatedTests, probeReference } from './reference-probes.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-probes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An executable shell script in `dir`. */
function script(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

describe('probeReference', () => {
  it('an absent interpreter makes python3 and its modules missing, not broken', () => {
    for (const name of ['python3', 'numpy', 'PIL'] as const) {
      const s = probeReference(name, join(dir, 'no-such-python'));
      expect(s.state).toBe('missing');
      expect(s.reason).toMatch(/not found/);
    }
  });

  it('a module that is not installed is missing; one whose import crashes is broken, with the reason', () => {
    // Python's own words for an absent module, and a crash as an illegal instruction gives.
    const python = script(
      'python',
      [
        'case "$2" in',
        '  pass) exit 0;;',
        `  "import numpy") echo "Traceback (most recent call last):" >&2; echo "ModuleNotFoundError: No module named 'numpy'" >&2; exit 1;;`,
        '  *) echo "Fatal Python error: Illegal instruction" >&2; exit 132;;',
        'esac',
      ].join('\n'),
    );
    expect(probeReference('python3', python).state).toBe('ok');
    expect(probeReference('numpy', python)).toMatchObject({ state: 'missing', reason: /python3-numpy/ });
    const pil = probeReference('PIL', python);
    expect(pil.state).toBe('broken');
    expect(pil.reason).toMatch(/exit status 132.*Illegal instruction/);
  });

  it('ffmpeg is missing off the PATH and broken when -version fails', () => {
    const path = process.env.PATH;
    try {
      process.env.PATH = dir; // neither program here yet
      expect(probeReference('ffmpeg')).toMatchObject({ state: 'missing', reason: /apt-get install ffmpeg/ });
      script('ffprobe', 'exit 0');
      script('ffmpeg', 'echo "error while loading shared libraries: libavcodec.so" >&2; exit 127');
      expect(probeReference('ffmpeg')).toMatchObject({ state: 'broken', reason: /127.*libavcodec/ });
      script('ffmpeg', 'exit 0');
      expect(probeReference('ffmpeg').state).toBe('ok');
    } finally {
      process.env.PATH = path;
    }
  });
});

describe('countGatedTests', () => {
  it('counts each gated it, each test in a gated describe, and each row of an it.each table', () => {
    // \${'needs'} keeps the global setup's own scan of this file from counting these as real tests.
    const source = `
const numpy = ${'needs'}('numpy');
const media = ${'needs'}('ffmpeg', 'PIL');
it('free', () => {});
numpy.it('one', () => { f(a(1)); });
describe('plain', () => {
  numpy.it('two', () => {});
  it('free too', () => {});
});
media.describe('gated', () => {
  it('three', () => {});
  it.each([1, [2, 3], 4,])('rows %i', () => {});
  numpy.it('needs all three', () => {});
});
it('free again', () => {});
`;
    expect(Object.fromEntries(countGatedTests(source))).toEqual({ numpy: 3, ffmpeg: 5, PIL: 5 });
  });
});
