import { FunctionNotRegisteredError, InvalidArgumentError, MissingVariableError } from '../errors.js';
import type { Column } from './column.js';
import { DeferredColumn, type DeferredFn, type DeferredOptions } from './deferred.js';
import type { ColumnType, MediaKind } from './types.js';

/** Parameters of a registered function: plain JSON data, stored in a dataset's manifest. */
export type FunctionParams = Readonly<Record<string, unknown>>;

/**
 * Where a function's parameters came from. `stored` is set when they were read from a dataset's
 * manifest (data from whoever wrote it): loaders that touch files must then stay inside
 * `datasetRoot` or one of the `mediaRoots` the reader granted.
 */
export interface FunctionContext {
  stored?: { datasetRoot: string; mediaRoots: readonly string[] };
}

/** Builds the function of a deferred column from its parameters. */
export type FunctionFactory = (params: FunctionParams, context: FunctionContext) => DeferredFn;

/** How a registered function is called and what it yields. */
export interface FunctionSpec {
  /** The function takes one array per input (a batch) instead of one value per input. */
  batched?: boolean;
  /** Rows per call when batched. */
  batchSize?: number;
  /** Type of the column that materialising gives. */
  output?: ColumnType;
  /** For media loaders: the kind of media the column yields. */
  media?: MediaKind;
}

export interface RegisteredFunction extends FunctionSpec {
  readonly name: string;
  readonly factory: FunctionFactory;
}

/** Environment for path templates: variable name → value. */
export type TemplateEnv = Readonly<Record<string, string | undefined>>;

const registry = new Map<string, RegisteredFunction>();

/**
 * Register a named function that deferred (and media) columns can be defined by, so that a dataset
 * can store such a column as data (the name, its parameters and its input columns) and not as code.
 * Reading a dataset looks the name up here; nothing stored in a dataset is ever executed.
 * Registering a name again replaces the earlier registration.
 *
 * @example
 * registerFunction('scale', ({ by }) => (x: number) => x * (by as number));
 * const df2 = df.withColumn('y', registeredColumn('scale', [df.column('x')], { by: 2 }));
 */
export function registerFunction(name: string, factory: FunctionFactory, spec: FunctionSpec = {}): void {
  if (typeof name !== 'string' || name.length === 0)
    throw new InvalidArgumentError('a registered function needs a non-empty name');
  if (typeof factory !== 'function')
    throw new InvalidArgumentError(`registerFunction("${name}", factory): factory must be a function`);
  registry.set(name, { ...spec, name, factory });
}

/** Remove a registration; true if there was one. */
export function unregisterFunction(name: string): boolean {
  return registry.delete(name);
}

/** The registration of `name`, or undefined. */
export function registeredFunction(name: string): RegisteredFunction | undefined {
  return registry.get(name);
}

/** Names of all registered functions. */
export function registeredFunctionNames(): string[] {
  return [...registry.keys()];
}

/**
 * Build the function registered as `name` for these parameters. A string `baseDir` parameter is a
 * path template: `${NAME}` is replaced by the environment variable NAME (from `env`, by default the
 * process environment), so a dataset of media paths can move between machines. `context` tells the
 * factory where the parameters came from (see {@link FunctionContext}).
 */
export function instantiateFunction(
  name: string,
  params: FunctionParams = {},
  env: TemplateEnv = defaultEnv(),
  column?: string,
  context: FunctionContext = {},
): { fn: DeferredFn; spec: RegisteredFunction } {
  const spec = registry.get(name);
  if (spec === undefined) throw new FunctionNotRegisteredError(name, column);
  let expanded: FunctionParams;
  try {
    expanded = expandParams(params, env);
  } catch (e) {
    if (!(e instanceof MissingVariableError)) throw e;
    return { fn: awaitingVariable(spec, params, env, context), spec };
  }
  return { fn: spec.factory(expanded, context), spec };
}

/**
 * The function of a column whose `baseDir` names an unset variable. Only computing a row needs the
 * directory, so only that raises {@link MissingVariableError} (printing, saving and other columns
 * work); a row prints as its path under the unexpanded template, e.g. `${DATA}/a.jpg`. Once the
 * variable is set (in `env`, e.g. the process environment) the function is built and used.
 */
function awaitingVariable(
  spec: RegisteredFunction,
  params: FunctionParams,
  env: TemplateEnv,
  context: FunctionContext,
): DeferredFn {
  let built: DeferredFn | undefined;
  const build = () => {
    built ??= spec.factory(expandParams(params, env), context);
    return built;
  };
  const delegate =
    (property: string) =>
    (...args: unknown[]) =>
      (build() as unknown as Record<string, (...a: unknown[]) => unknown>)[property]?.(...args);
  const fn = ((...args: unknown[]) => build()(...args)) as DeferredFn & Record<string, unknown>;
  fn.info = delegate('info');
  fn.describe = (...values: unknown[]) => {
    try {
      return delegate('describe')(...values);
    } catch (e) {
      if (!(e instanceof MissingVariableError)) return undefined;
      const [source] = values;
      return typeof source === 'string' ? joinTemplate(params.baseDir as string, source) : undefined;
    }
  };
  return fn;
}

/** `template/path` for printing, with one `/` between them. */
function joinTemplate(template: string, path: string): string {
  return `${template.replace(/\/+$/, '')}/${path}`;
}

/**
 * A deferred column computed by the registered function `name` of the `inputs` columns. It keeps
 * the name and (unexpanded) parameters, so writing a frame that holds it stores it as data.
 */
export function registeredColumn<T = unknown>(
  name: string,
  inputs: readonly Column[],
  params: FunctionParams = {},
  options: DeferredOptions & { env?: TemplateEnv } = {},
): DeferredColumn<T> {
  const { env, ...rest } = options;
  const { fn, spec } = instantiateFunction(name, params, env);
  return new DeferredColumn<T>(fn, inputs, {
    ...(spec.batched !== undefined ? { batched: spec.batched } : {}),
    ...(spec.batchSize !== undefined ? { batchSize: spec.batchSize } : {}),
    ...(spec.output !== undefined ? { output: spec.output } : {}),
    ...(spec.media !== undefined ? { media: spec.media } : {}),
    ...rest,
    name,
    params: { ...params },
  });
}

/** Parameters with path templates expanded (only `baseDir`). */
export function expandParams(params: FunctionParams, env: TemplateEnv = defaultEnv()): FunctionParams {
  const baseDir = params.baseDir;
  if (typeof baseDir !== 'string' || !baseDir.includes('${')) return params;
  return { ...params, baseDir: expandTemplate(baseDir, env) };
}

/**
 * Replace each `${NAME}` in `template` by the environment variable NAME. A variable that is not set
 * raises {@link MissingVariableError}; a `$` not followed by `{` is kept as it is.
 */
export function expandTemplate(template: string, env: TemplateEnv = defaultEnv()): string {
  return template.replace(/\$\{([^}]*)\}/g, (_, variable: string) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable))
      throw new InvalidArgumentError(
        `bad variable name "${variable}" in the path template "${template}"; use \${NAME} with letters, digits and _`,
      );
    const value = env[variable];
    if (value === undefined) throw new MissingVariableError(variable, template);
    return value;
  });
}

function defaultEnv(): TemplateEnv {
  // Isomorphic: the browser has no process.
  const proc = (globalThis as { process?: { env?: TemplateEnv } }).process;
  return proc?.env ?? {};
}
