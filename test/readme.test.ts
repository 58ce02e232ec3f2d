import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Source of each entry point a README block may import. */
const ENTRIES: Record<string, string> = {
  tessera: 'src/index.ts',
  'tessera/core': 'src/core/index.ts',
  'tessera/models': 'src/node/models/index.ts',
};

/** Run a README code block with `tessera...` resolved to this checkout's source; returns stdout. */
function run(code: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'tessera-readme-')), 'block.mts');
  const source = code.replace(/from '(tessera(?:\/\w+)?)'/g, (_, entry: string) => {
    expect(ENTRIES[entry], `README imports a known entry point, not "${entry}"`).toBeDefined();
    return `from '${join(root, ENTRIES[entry]!)}'`;
  });
  writeFileSync(file, source);
  return execFileSync(join(root, 'node_modules/.bin/tsx'), [file], { cwd: root, encoding: 'utf8' });
}

/** The ts block under a README heading. */
function block(heading: string): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const code = new RegExp(`## ${heading}[\\s\\S]*?\`\`\`ts\\n([\\s\\S]*?)\`\`\``).exec(readme)?.[1];
  expect(code, `README has a ts block under "${heading}"`).toBeDefined();
  return code!;
}

describe('README', () => {
  it('quick tour runs as written', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const tour = /## A quick tour\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(tour, 'README has a "quick tour" ts block').toBeDefined();
    const out = run(tour!);
    expect(out).toContain('[ 1, 5, 3 ]');
    expect(out).toContain('0.98994');
    expect(out).toContain('[ 2, 4, 6, 8, 10, 12 ]');
  });

  it('import/export example runs as written', () => {
    expect(run(block('Import and export'))).toBe("3376 7\n3376\n[ 'iata', 'state' ]\n3376\n");
  });

  it('similarity search example runs as written', () => {
    const rows = "[ 'item7', 'item407', 'item3107' ]\n";
    expect(run(block('Similarity search over frames'))).toBe(rows + rows);
  });

  it('search and attention example runs as written', () => {
    expect(run(block('Search and efficient attention'))).toBe('42\ntrue\ntrue\n');
  });

  it('evaluation example runs as written', () => {
    expect(run(block('Evaluation'))).toBe(
      '0.75\nslice kind count accuracy accuracy_lower accuracy_upper log_loss log_loss_lower log_loss_upper gap\n' +
        "night true\n[ '0.4', '0.1' ]\ntrue\n900\n",
    );
  });

  it('parallel map example runs as written', () => {
    expect(run(block('Parallel map, filter and embed'))).toBe(
      '[ 1, -1, 1, -1, 1, 1 ]\n[ 0, 5 ]\nFloat32Array(2) [ 11, 2 ]\ntrue 2 4\ntrue\n',
    );
  });

  it('models example runs as written', () => {
    expect(run(block('Models'))).toBe('1280 3840\n2\n');
  });

  it('media example runs as written', () => {
    const out = run(block('Media columns'));
    expect(out).toMatch(/^<image \d+×\d+×\d>\n\[ \d+, \d+, \d \]\n$/);
  });

  it('dataset example runs as written', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const example = /## Datasets on disk[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(example, 'README has a dataset ts block').toBeDefined();
    expect(run(example!)).toBe('4 2\n2\n');
  });
});
