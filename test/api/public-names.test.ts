// Every public name of every entry point, against the checked-in list in public-names.txt: adding
// or removing a name is a decision that shows in review. After a deliberate change, rewrite the list
// with `UPDATE_PUBLIC_NAMES=1 npx vitest run test/api/public-names.test.ts` and review its diff.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { expect, it } from 'vitest';
import { ENTRY_SOURCES } from './entries.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const listFile = join(root, 'test/api/public-names.txt');

/** All names each entry exports, types included, as the TypeScript compiler sees them. */
function compiledNames(): Map<string, string[]> {
  const files = Object.values(ENTRY_SOURCES).map((file) => join(root, file));
  const program = ts.createProgram(files, {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const names = new Map<string, string[]>();
  for (const [entry, file] of Object.entries(ENTRY_SOURCES)) {
    const source = program.getSourceFile(join(root, file));
    const module = source && checker.getSymbolAtLocation(source);
    if (!module) throw new Error(`TypeScript could not read ${file}`);
    names.set(
      entry,
      checker.getExportsOfModule(module).map((s) => s.name),
    );
  }
  return names;
}

/** The list file's text: per entry, its runtime values, then the names that exist only as types. */
async function currentList(): Promise<string> {
  const compiled = compiledNames();
  const sections: string[] = [];
  for (const [entry, file] of Object.entries(ENTRY_SOURCES)) {
    const values = Object.keys(await import(join(root, file))).sort();
    const all = new Set(compiled.get(entry));
    const missing = values.filter((name) => !all.has(name));
    if (missing.length > 0) throw new Error(`${entry}: the compiler does not see ${missing.join(', ')}`);
    const types = [...all].filter((name) => !values.includes(name)).sort();
    sections.push(
      `# ${entry}: ${values.length} values, ${types.length} types\n` +
        [...values.map((n) => `value ${n}`), ...types.map((n) => `type ${n}`)].join('\n'),
    );
  }
  return `${sections.join('\n\n')}\n`;
}

/** `entry: value X` / `entry: type Y` for each line of the list, so differences name their entry. */
function namesIn(list: string): string[] {
  let entry = '';
  const names: string[] = [];
  for (const line of list.split('\n')) {
    if (line.startsWith('# ')) entry = line.slice(2, line.indexOf(':'));
    else if (line !== '') names.push(`${entry}: ${line}`);
  }
  return names;
}

it('the public names of each entry point are the checked-in list', { timeout: 180_000 }, async () => {
  const current = await currentList();
  if (process.env.UPDATE_PUBLIC_NAMES) writeFileSync(listFile, current);
  const listed = readFileSync(listFile, 'utf8');
  const [now, before] = [namesIn(current), namesIn(listed)];
  expect({
    added: now.filter((name) => !before.includes(name)),
    removed: before.filter((name) => !now.includes(name)),
  }).toEqual({ added: [], removed: [] });
  expect(current).toBe(listed); // the counts in the headings, and the order
});
