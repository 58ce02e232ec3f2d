/**
 * docs/app-api.md lists every route of the app server: each '/api/...' path that
 * src/node/server registers appears in it (so a new route cannot go undocumented), and each path
 * the document names is one the server registers (so a removed route does not linger there).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const doc = readFileSync(join(root, 'docs', 'app-api.md'), 'utf8');

function serverPaths(): Set<string> {
  const dir = join(root, 'src', 'node', 'server');
  const paths = new Set<string>();
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const text = readFileSync(join(entry.parentPath, entry.name), 'utf8');
    for (const m of text.matchAll(/'(\/api\/[^'?]*)'/g)) paths.add(m[1]);
  }
  return paths;
}

/** The paths the document names in code spans, as `METHOD /api/...`, without their query. */
function documentedPaths(): Set<string> {
  const paths = new Set<string>();
  for (const m of doc.matchAll(/`(?:GET|POST|DELETE|PUT|PATCH) (\/api\/[^`?[\s]*)/g)) paths.add(m[1]);
  return paths;
}

it('documents every route the server registers, and no other', () => {
  const registered = serverPaths();
  expect(registered.size).toBeGreaterThan(20);
  expect([...registered].filter((p) => !documentedPaths().has(p)).sort()).toEqual([]);
  expect([...documentedPaths()].filter((p) => !registered.has(p)).sort()).toEqual([]);
});
