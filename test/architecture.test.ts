// The two rules on the shape of the code (DESIGN.md): no file-level import cycles among value
// imports, and src/core imports nothing from Node or from the code above it.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  coreViolations,
  describeCycle,
  importCycles,
  importsOf,
  valueImportGraph,
} from './helpers/import-graph.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Every `.ts` file under src/, keyed by its path from the repository root (with `/`). */
function sourceTree(): Map<string, string> {
  const out = new Map<string, string>();
  for (const entry of readdirSync(join(ROOT, 'src'), { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const path = join(entry.parentPath, entry.name);
    out.set(relative(ROOT, path).split(sep).join('/'), readFileSync(path, 'utf8'));
  }
  return out;
}

describe('the source tree', () => {
  const tree = sourceTree();

  it('is read whole', () => {
    expect(tree.has('src/core/frame/frame.ts')).toBe(true);
    expect(tree.size).toBeGreaterThan(100);
  });

  it('has no import cycles among value imports', () => {
    const { edges, unresolved } = valueImportGraph(tree);
    expect(unresolved).toEqual([]);
    expect(importCycles(edges).map(describeCycle)).toEqual([]);
  });

  it('keeps src/core free of Node and of src/node, src/cli', () => {
    expect(coreViolations(tree, 'src/core')).toEqual([]);
  });
});

describe('importsOf', () => {
  it('tells erased type imports from value imports', () => {
    const source = [
      "import type { A } from './a.js';",
      "import { type B, type C } from './b.js';",
      "import { type D, e } from './d.js';",
      "import f from './f.js';",
      "import * as g from './g.js';",
      "import './side-effect.js';",
      "export type { H } from './h.js';",
      "export { type I } from './i.js';",
      "export { j } from './j.js';",
      "export * from './k.js';",
      "const later = await import('./dynamic.js');",
    ].join('\n');
    expect(importsOf(source)).toEqual([
      { specifier: './a.js', typeOnly: true },
      { specifier: './b.js', typeOnly: true },
      { specifier: './d.js', typeOnly: false },
      { specifier: './f.js', typeOnly: false },
      { specifier: './g.js', typeOnly: false },
      { specifier: './side-effect.js', typeOnly: false },
      { specifier: './h.js', typeOnly: true },
      { specifier: './i.js', typeOnly: true },
      { specifier: './j.js', typeOnly: false },
      { specifier: './k.js', typeOnly: false },
    ]);
  });
});

describe('importCycles', () => {
  // A planted tree: a -> b -> c -> a is a cycle; d -> a and c -> e hang off it; b's import of d
  // is type-only, so b -> d -> a -> b is no cycle.
  const planted = new Map([
    ['src/a.ts', "import { b } from './b.js';"],
    ['src/b.ts', "import { c } from './c.js';\nimport type { D } from './d.js';"],
    ['src/c.ts', "import { a } from './a.js';\nexport * from './e.js';"],
    ['src/d.ts', "import { a } from './a.js';"],
    ['src/e.ts', 'export const e = 1;'],
  ]);

  it('finds a planted cycle and names its files in order', () => {
    const cycles = importCycles(valueImportGraph(planted).edges);
    expect(cycles).toEqual([
      { files: ['src/a.ts', 'src/b.ts', 'src/c.ts'], path: ['src/a.ts', 'src/b.ts', 'src/c.ts', 'src/a.ts'] },
    ]);
    expect(cycles.map(describeCycle)).toEqual(['src/a.ts -> src/b.ts -> src/c.ts -> src/a.ts']);
  });

  it('finds none once the cycle is cut by a type-only import', () => {
    const cut = new Map(planted);
    cut.set('src/c.ts', "import type { A } from './a.js';\nexport * from './e.js';");
    expect(importCycles(valueImportGraph(cut).edges)).toEqual([]);
  });

  it('gives the shortest way round when a group has several cycles, and finds self-imports', () => {
    const edges = new Map([
      ['a', ['b', 'x']],
      ['b', ['c']],
      ['c', ['d', 'a']],
      ['d', ['a']],
      ['x', ['x']],
    ]);
    const cycles = importCycles(edges);
    expect(cycles).toEqual([
      { files: ['a', 'b', 'c', 'd'], path: ['a', 'b', 'c', 'a'] },
      { files: ['x'], path: ['x', 'x'] },
    ]);
    expect(cycles.map(describeCycle)).toEqual([
      'a -> b -> c -> a (one of the cycles among a, b, c, d)',
      'x -> x',
    ]);
  });

  it('reports relative imports that name no file', () => {
    const broken = new Map([['src/a.ts', "import { b } from './missing.js';"]]);
    expect(valueImportGraph(broken).unresolved).toEqual(['src/a.ts imports ./missing.js']);
  });
});

describe('coreViolations', () => {
  it('flags Node built-ins and files outside the core, in value and type imports', () => {
    const tree = new Map([
      [
        'src/core/x.ts',
        [
          "import { readFile } from 'node:fs/promises';",
          "import { join } from 'path';",
          "import type { Worker } from 'worker_threads';",
          "import { tool } from '../node/tool.js';",
          "import type { Cmd } from '../cli/cmd.js';",
          "import { y } from './y.js';",
          "import * as arrow from 'apache-arrow';",
        ].join('\n'),
      ],
      ['src/core/y.ts', 'export const y = 1;'],
      ['src/node/tool.ts', "import { readFile } from 'node:fs';"],
      ['src/cli/cmd.ts', 'export type Cmd = string;'],
    ]);
    expect(coreViolations(tree, 'src/core')).toEqual([
      'src/core/x.ts imports the Node built-in "node:fs/promises"',
      'src/core/x.ts imports the Node built-in "path"',
      'src/core/x.ts imports the Node built-in "worker_threads"',
      'src/core/x.ts imports src/node/tool.ts, which is outside src/core',
      'src/core/x.ts imports src/cli/cmd.ts, which is outside src/core',
    ]);
  });
});
