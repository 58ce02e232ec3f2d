// Importing an entry point must not load the heavy runtimes: they load at first use. Each import
// runs in a fresh Node process whose module-resolution hook writes down every module it resolves;
// CommonJS modules required from CommonJS are read from the require cache, which the hook does not see.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENTRY_SOURCES } from './entries.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const HEAVY = ['@tensorflow/tfjs', 'sharp', 'onnxruntime-node', '@huggingface/transformers'] as const;

/** Where a package's files live once loaded (tfjs is split into @tensorflow/tfjs-core, ...). */
const PACKAGE_PATH: Record<(typeof HEAVY)[number], RegExp> = {
  '@tensorflow/tfjs': /\/node_modules\/@tensorflow\/tfjs/,
  sharp: /\/node_modules\/(sharp|@img\/sharp-)/,
  'onnxruntime-node': /\/node_modules\/onnxruntime-node\//,
  '@huggingface/transformers': /\/node_modules\/@huggingface\/transformers\//,
};

const HOOK = `
import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(log, result.url + '\\n');
  return result;
}
`;

/** The modules loaded by `import(first)` and then by `import(...then)`, as file paths and URLs. */
function loadedBy(first: string, then: readonly string[] = []): { first: string[]; then: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'tessera-lazy-'));
  const log = join(dir, 'resolved.txt');
  writeFileSync(log, '');
  writeFileSync(join(dir, 'hook.mjs'), HOOK);
  const main = `
import { register, createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
register(${JSON.stringify(pathToFileURL(join(dir, 'hook.mjs')).href)}, { data: { log: ${JSON.stringify(log)} } });
const require = createRequire(${JSON.stringify(join(root, 'package.json'))});
const cache = require.cache;
const loaded = () => [...readFileSync(${JSON.stringify(log)}, 'utf8').split('\\n'), ...Object.keys(cache)];
await import(${JSON.stringify(first)});
const first = loaded();
for (const specifier of ${JSON.stringify(then)}) await import(pathToFileURL(require.resolve(specifier)).href);
console.log(JSON.stringify({ first, then: loaded() }));
`;
  writeFileSync(join(dir, 'main.mjs'), main);
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(dir, 'main.mjs')], {
    cwd: root,
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1)!);
}

const heavyIn = (modules: string[]) =>
  HEAVY.filter((name) => modules.some((m) => PACKAGE_PATH[name].test(m)));

describe('importing an entry point loads no heavy runtime', () => {
  for (const [entry, file] of Object.entries(ENTRY_SOURCES)) {
    describe(entry, () => {
      let loaded: string[] | undefined;
      const load = () => {
        loaded ??= loadedBy(pathToFileURL(join(root, file)).href).first;
        return loaded;
      };
      it('is imported', { timeout: 120_000 }, () => {
        expect(load().some((m) => m.includes(file))).toBe(true);
      });
      for (const name of HEAVY) {
        it(`does not load ${name}`, { timeout: 120_000 }, () => {
          expect(heavyIn(load())).not.toContain(name);
        });
      }
    });
  }

  it('the check sees each runtime once it is imported', { timeout: 120_000 }, () => {
    const { then } = loadedBy(pathToFileURL(join(root, 'src/core/index.ts')).href, HEAVY);
    expect(heavyIn(then)).toEqual([...HEAVY]);
  });
});
