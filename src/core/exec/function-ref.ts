// Functions that run in another thread cannot be sent there: they are named by the module that
// exports them, and the worker imports that module itself.

import { InvalidArgumentError, TypeMismatchError } from '../errors.js';
import type { Encoder } from '../models/encoder.js';

/**
 * A function named by module and export name, e.g.
 * `{ module: new URL('./fns.js', import.meta.url), export: 'score' }` or an absolute path.
 * A worker imports the module and calls the export; `.ts` modules work where tsx is installed.
 */
export interface FunctionRef {
  module: string | URL;
  export: string;
}

/**
 * An encoder built where it runs: `new Export(...args)` for a class, `await Export(...args)` for a
 * factory function. Each worker builds its own once and keeps it for every batch.
 */
export interface EncoderRef extends FunctionRef {
  args?: unknown[];
}

export function isFunctionRef(value: unknown): value is FunctionRef {
  return (
    value !== null &&
    typeof value === 'object' &&
    'module' in value &&
    'export' in value &&
    typeof (value as FunctionRef).export === 'string'
  );
}

/** The module as a string another thread can import: a URL's href, or an absolute path. */
export function moduleSpecifier(ref: FunctionRef): string {
  const m = ref.module instanceof URL ? ref.module.href : ref.module;
  if (
    typeof m !== 'string' ||
    !(/^[a-z][a-z0-9+.-]*:/i.test(m) || m.startsWith('/') || /^[A-Za-z]:[\\/]/.test(m))
  )
    throw new InvalidArgumentError(
      `module ${JSON.stringify(m)} must be a URL or an absolute path, e.g. new URL('./fns.js', import.meta.url)`,
    );
  return m;
}

const registeredModules = new Map<string, Readonly<Record<string, unknown>>>();

/**
 * Let function refs name `exports` as the module `name` in this thread, e.g. in a Web Worker whose
 * bundle holds the functions (a bundled page has no module URLs to import). The name must look like
 * a URL (`app:fns`); a ref naming it is looked up here before anything is imported.
 *
 * @example
 * registerFunctionModule('app:fns', { score: (row) => row.x * 2 });
 * await df.map({ module: 'app:fns', export: 'score' }, { executor });
 */
export function registerFunctionModule(name: string, exports: Readonly<Record<string, unknown>>): void {
  moduleSpecifier({ module: name, export: '' });
  if (exports === null || typeof exports !== 'object')
    throw new InvalidArgumentError(`registerFunctionModule("${name}", exports): exports must be an object`);
  registeredModules.set(name, exports);
}

/** The named export, imported (or from a module registered with {@link registerFunctionModule}). */
export async function loadExport(ref: FunctionRef): Promise<unknown> {
  const specifier = moduleSpecifier(ref);
  const mod =
    registeredModules.get(specifier) ??
    ((await import(/* @vite-ignore */ specifier)) as Record<string, unknown>);
  if (!(ref.export in mod))
    throw new InvalidArgumentError(
      `module ${specifier} has no export "${ref.export}"; it exports ${Object.keys(mod).join(', ') || 'nothing'}`,
    );
  return mod[ref.export];
}

/** The named function, imported and checked. */
export async function loadFunction<F>(ref: FunctionRef): Promise<F> {
  const fn = await loadExport(ref);
  if (typeof fn !== 'function')
    throw new TypeMismatchError(
      `export "${ref.export}" of ${moduleSpecifier(ref)} is a ${typeof fn}, not a function`,
    );
  return fn as F;
}

/** Build the encoder a ref names: a class is constructed, a factory function is called. */
export async function loadEncoder(ref: EncoderRef): Promise<Encoder> {
  const make = await loadFunction<(...args: unknown[]) => unknown>(ref);
  const args = ref.args ?? [];
  const isClass =
    typeof make.prototype?.encode === 'function' ||
    /^class[\s{]/.test(Function.prototype.toString.call(make));
  const encoder = (
    isClass ? new (make as unknown as new (...a: unknown[]) => unknown)(...args) : await make(...args)
  ) as Encoder;
  if (encoder === null || typeof encoder !== 'object' || typeof encoder.encode !== 'function')
    throw new TypeMismatchError(
      `export "${ref.export}" of ${moduleSpecifier(ref)} did not give an encoder (an object with encode())`,
    );
  return encoder;
}
