// The browser app's build: `vite build --config ui/vite.config.ts` writes ui/dist, which the app
// server serves (src/node/server/ui.ts) and the npm package ships, so users never build it.
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  // Relative asset URLs: the page works under any path prefix.
  base: './',
  plugins: [
    svelte({
      // The schema a component gets is fixed for the page's life: reading it once is intended.
      compilerOptions: { warningFilter: (w) => w.code !== 'state_referenced_locally' },
    }),
  ],
  // The in-tab worker (ui/src/local) loads parquet-wasm on demand: a module worker can split chunks.
  worker: { format: 'es' },
  // Class names survive minification: the core's errors are named by their class (TesseraError).
  esbuild: { keepNames: true },
  logLevel: 'warn',
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1024 },
});
