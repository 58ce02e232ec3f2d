/**
 * What the app benchmark runs: the `tessera` command as a user gets it (the compiled
 * dist/cli/main.js, built here when missing or older than src/) and the built UI (ui/dist, built
 * when missing or older than ui/src), so timings never include a TypeScript transpiler.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** How to start `tessera`: the node arguments before the subcommand, and what they are. */
export interface TesseraEntry {
  args: string[];
  what: string;
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) newest = Math.max(newest, fs.statSync(path.join(e.parentPath, e.name)).mtimeMs);
  return newest;
}

function mtime(file: string): number {
  return fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;
}

/**
 * The compiled CLI, built with `tsc -p tsconfig.build.json` when stale; with `allowTsx` (quick
 * runs, which must stay short) a stale build is not rebuilt and the tsx entry runs instead.
 */
export function tesseraEntry(allowTsx: boolean, log: (line: string) => void): TesseraEntry {
  const main = path.join(ROOT, 'dist', 'cli', 'main.js');
  if (mtime(main) < newestMtime(path.join(ROOT, 'src'))) {
    if (allowTsx)
      return {
        args: ['--import', 'tsx', path.join(ROOT, 'src', 'cli', 'main.ts')],
        what: 'node --import tsx src/cli/main.ts (dist/ is stale; timings include transpiling)',
      };
    log('building dist/ (tsc -p tsconfig.build.json)');
    execFileSync(
      process.execPath,
      [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: ROOT,
        stdio: 'inherit',
      },
    );
  }
  return { args: [main], what: 'node dist/cli/main.js' };
}

/** Build ui/dist with vite unless it is there and newer than the UI's sources. */
export async function ensureUi(log: (line: string) => void): Promise<void> {
  const index = path.join(ROOT, 'ui', 'dist', 'index.html');
  const sources = Math.max(
    newestMtime(path.join(ROOT, 'ui', 'src')),
    mtime(path.join(ROOT, 'ui', 'index.html')),
  );
  if (mtime(index) >= sources) return;
  log('building ui/dist (vite)');
  const { build } = await import('vite');
  await build({ configFile: path.join(ROOT, 'ui', 'vite.config.ts'), logLevel: 'error' });
}
