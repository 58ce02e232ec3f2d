import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

describe('README', () => {
  it('quick tour runs as written', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const tour = /## A quick tour\s+```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(tour, 'README has a "quick tour" ts block').toBeDefined();
    const file = join(mkdtempSync(join(tmpdir(), 'tessera-readme-')), 'tour.mts');
    writeFileSync(file, tour!.replace(/from 'tessera'/g, `from '${join(root, 'src/index.ts')}'`));
    const out = execFileSync(join(root, 'node_modules/.bin/tsx'), [file], { cwd: root, encoding: 'utf8' });
    expect(out).toContain('[ 1, 5, 3 ]');
    expect(out).toContain('0.98994');
    expect(out).toContain('[ 2, 4, 6, 8, 10, 12 ]');
  });
});
