/**
 * TensorFlow.js on its WebAssembly backend, loaded from this installation only: the `.wasm`
 * binaries are read from `@tensorflow/tfjs-backend-wasm`'s own `dist` folder, so nothing is fetched.
 * (`@tensorflow/tfjs-node` cannot be installed here: its install step downloads libtensorflow.)
 */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { ModelError } from '../../core/errors.js';

type Tfjs = typeof import('@tensorflow/tfjs');

let ready: Promise<Tfjs> | undefined;

/** The folder holding the wasm backend's `.wasm` binaries, with a trailing separator. */
export function tfjsWasmDir(): string {
  const require = createRequire(import.meta.url);
  return (
    path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep
  );
}

/**
 * The `@tensorflow/tfjs` module with the wasm backend active. Imported and initialised on first
 * use; later calls share it. The backend is process-wide in TensorFlow.js, so this switches every
 * user of tfjs in the process to wasm.
 */
export function wasmTfjs(): Promise<Tfjs> {
  ready ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(tfjsWasmDir());
    if (!(await tf.setBackend('wasm')))
      throw new ModelError('TensorFlow.js', 'could not start its wasm backend');
    await tf.ready();
    return tf;
  })();
  ready.catch(() => {
    ready = undefined;
  });
  return ready;
}
