import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tessera } from '../helpers/cli.js';

const packageJson = fileURLToPath(new URL('../../package.json', import.meta.url));

/** One line `tessera: ...`, no stack trace. */
function expectOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^tessera: /);
  expect(lines[0]).toMatch(pattern);
}

describe('tessera command line', () => {
  it('--version prints the version in package.json', async () => {
    const { version } = JSON.parse(fs.readFileSync(packageJson, 'utf8')) as { version: string };
    const out = await tessera('--version');
    expect(out).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('a bad argument is one line and exit code 2, not a stack trace', async () => {
    const bad = await tessera('listops', '--out', 'unused', '--seed', 'abc');
    expect(bad.code).toBe(2);
    expectOneLine(bad.stderr, /--seed.*not an integer: abc/);
    const unknown = await tessera('no-such-command');
    expect(unknown.code).toBe(2);
    expectOneLine(unknown.stderr, /unknown command/);
    // verify has a --version option of its own, taken as its own after the subcommand.
    const badVersion = await tessera('verify', 'unused', '--version', 'x');
    expect(badVersion.code).toBe(2);
    expectOneLine(badVersion.stderr, /not a version number: x/);
  });

  it('a failure of the work (a TesseraError) is one line and exit code 1', async () => {
    const missing = await tessera('verify', fileURLToPath(new URL('./no-such-dataset', import.meta.url)));
    expect(missing.code).toBe(1);
    expectOneLine(missing.stderr, /no Tessera dataset/);
  });
});
