/**
 * A worker thread that runs a module file: the thread starts from a small eval'd script that
 * registers tsx first when the module is TypeScript (tests and benchmarks run from sources), then
 * imports it; from dist/ the module is the compiled `.js` and no loader is needed. The worker pool's
 * threads (worker-entry) and the app's UMAP thread (src/node/server/umap-worker.ts) start this way.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (/\\.[cm]?ts$/.test(workerData.entry)) {
    if (workerData.tsx === null) throw new Error('running worker threads from TypeScript sources needs tsx (npm i -D tsx)');
    const { register } = await import(workerData.tsx);
    register();
    globalThis[Symbol.for('tessera.tsx')] = true;
  }
  await import(workerData.entry);
})();
`;

/**
 * The URL of the worker module `name` (without extension) beside `here` (the caller's
 * `import.meta.url`): the `.ts` source when the caller runs from sources, else the compiled `.js`.
 */
export function moduleBeside(here: string, name: string): string {
  return new URL(`./${name}${here.endsWith('.ts') ? '.ts' : '.js'}`, here).href;
}

/**
 * A worker thread running the module at `entry` (a file URL, see {@link moduleBeside}). Its
 * `workerData` is `{ entry, tsx }` (tsx's ESM API URL, or null), so talk to it by messages.
 */
export function startModuleWorker(
  entry: string,
  options: Omit<WorkerOptions, 'eval' | 'workerData'> = {},
): Worker {
  return new Worker(BOOTSTRAP, { ...options, eval: true, workerData: { entry, tsx: tsxApi() } });
}

let tsxApiUrl: string | null | undefined;

/** URL of tsx's ESM API where tsx is installed (to load `.ts` modules in workers), else null. */
function tsxApi(): string | null {
  if (tsxApiUrl !== undefined) return tsxApiUrl;
  try {
    const resolved = createRequire(import.meta.url).resolve('tsx/esm/api');
    const esm = resolved.replace(/\.cjs$/, '.mjs');
    tsxApiUrl = pathToFileURL(existsSync(esm) ? esm : resolved).href;
  } catch {
    tsxApiUrl = null;
  }
  return tsxApiUrl;
}
