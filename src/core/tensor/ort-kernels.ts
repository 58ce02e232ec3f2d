/**
 * {@link TensorKernels} on ONNX Runtime: each kernel is a small ONNX graph built in code
 * ({@link ./kernel-graphs.ts}) and run by an inference session. The runtime module is passed in, not
 * imported, so this file stays isomorphic: Node passes `onnxruntime-node`, a browser
 * `onnxruntime-web` (same API). It may be passed as a loader, so the runtime loads at the first call.
 */
import type * as ortTypes from 'onnxruntime-common';
import { OrtKernelError } from '../errors.js';
import { batchedMatmulGraph, matmulGraph, reduceGraph, topkGraph } from './kernel-graphs.js';
import {
  type FloatArray,
  floatTensor,
  type GraphKernels,
  type GraphTensor,
  type MatmulOptions,
  type Reduction,
  type TensorKernels,
  type TopKOptions,
  type TopKResult,
} from './kernels.js';
import { encodeModel, type OnnxGraph } from './onnx-builder.js';
import { checkMatmul, checkMatrix, checkReduce, checkTopK, dtypeOf } from './shapes.js';
import { tsKernels } from './ts-kernels.js';

/** The part of an ONNX Runtime module (`onnxruntime-node`, `onnxruntime-web`) the kernels use. */
export type OrtModule = Pick<typeof ortTypes, 'InferenceSession' | 'Tensor'>;

/** An {@link OrtModule}, or a function that loads one (e.g. `() => import('onnxruntime-node')`). */
export type OrtModuleSource = OrtModule | (() => Promise<OrtModule>);

/** Options of {@link OrtKernels}. */
export interface OrtKernelsOptions {
  /**
   * Threads one kernel call may use. Default: every core the platform reports
   * (`navigator.hardwareConcurrency`), else ONNX Runtime's own default. Node callers should pass
   * `os.availableParallelism()`.
   */
  intraOpNumThreads?: number;
  /**
   * Whether idle worker threads spin briefly waiting for work instead of sleeping at once. On by
   * default (as in ONNX Runtime): on an otherwise idle 2-core machine it made 1024² products up to
   * 1.7× faster. Turn it off when other busy threads share the cores; there it lost.
   */
  allowSpinning?: boolean;
  /** Further session options (execution providers, log level, ...), applied over the defaults. */
  sessionOptions?: ortTypes.InferenceSession.SessionOptions;
}

type Session = ortTypes.InferenceSession;

function defaultThreads(): number {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return nav?.hardwareConcurrency ?? 0; // 0: ONNX Runtime decides
}

/**
 * Kernels run by ONNX Runtime. Sessions are created lazily, one per graph (operation, options and
 * element type; every dimension is symbolic), and reused for every size. Inputs with a zero-sized
 * dimension are answered by the TypeScript kernels, since there is nothing to compute.
 *
 * @example
 * ```ts
 * import * as ort from 'onnxruntime-node';
 * const kernels = new OrtKernels(ort, { intraOpNumThreads: 4 });
 * const c = await kernels.matmul(a, b, m, k, n);
 * ```
 */
export class OrtKernels implements TensorKernels, GraphKernels {
  readonly name = 'ort';
  private readonly sessions = new Map<string, Promise<Session>>();
  private readonly sessionOptions: ortTypes.InferenceSession.SessionOptions;
  private runtime: Promise<OrtModule> | undefined;

  constructor(
    private readonly ort: OrtModuleSource,
    options: OrtKernelsOptions = {},
  ) {
    this.sessionOptions = {
      intraOpNumThreads: options.intraOpNumThreads ?? defaultThreads(),
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      extra: { session: { intra_op: { allow_spinning: options.allowSpinning === false ? '0' : '1' } } },
      ...options.sessionOptions,
    };
  }

  /** Number of inference sessions created so far (one per distinct graph). */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Releases every session; later calls create them again. */
  async release(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(sessions.map(async (s) => (await s.catch(() => undefined))?.release()));
  }

  async matmul<T extends FloatArray>(
    a: T,
    b: T,
    m: number,
    k: number,
    n: number,
    options: MatmulOptions = {},
  ): Promise<T> {
    return this.product('matmul', a, b, 1, m, k, n, options.transposeB ?? false);
  }

  async batchedMatmul<T extends FloatArray>(
    a: T,
    b: T,
    batch: number,
    m: number,
    k: number,
    n: number,
    options: MatmulOptions = {},
  ): Promise<T> {
    return this.product('batchedMatmul', a, b, batch, m, k, n, options.transposeB ?? false);
  }

  async topk<T extends FloatArray>(
    x: T,
    rows: number,
    cols: number,
    k: number,
    options: TopKOptions = {},
  ): Promise<TopKResult<T>> {
    checkTopK(x, rows, cols, k);
    if (rows === 0 || k === 0) return tsKernels.topk(x, rows, cols, k, options);
    const largest = options.largest ?? true;
    const out = await this.run(topkGraph(dtypeOf(x, 'topk', 'x'), largest), {
      x: floatTensor(x, [rows, cols]),
      k: { type: 'int64', data: BigInt64Array.of(BigInt(k)), dims: [1] },
    });
    return { values: out.values as T, indices: out.indices as Int32Array };
  }

  async rowNorms<T extends FloatArray>(x: T, rows: number, cols: number): Promise<T> {
    checkMatrix('rowNorms', x, rows, cols);
    if (rows === 0 || cols === 0) return tsKernels.rowNorms(x, rows, cols);
    const out = await this.run(reduceGraph(dtypeOf(x, 'rowNorms', 'x'), 'l2', 1), {
      x: floatTensor(x, [rows, cols]),
    });
    return out.y as T;
  }

  async reduce<T extends FloatArray>(
    x: T,
    rows: number,
    cols: number,
    op: Reduction,
    axis: 0 | 1,
  ): Promise<T> {
    checkReduce(x, rows, cols, op, axis);
    if (rows === 0 || cols === 0) return tsKernels.reduce(x, rows, cols, op, axis);
    const out = await this.run(reduceGraph(dtypeOf(x, 'reduce', 'x'), op, axis), {
      x: floatTensor(x, [rows, cols]),
    });
    return out.y as T;
  }

  /**
   * Runs an ONNX graph built in code (one cached session per graph name) and returns the outputs
   * named in `fetch` (default all) as typed arrays with their shapes.
   */
  async runGraph(
    graph: OnnxGraph,
    feeds: Record<string, GraphTensor>,
    fetch?: readonly string[],
  ): Promise<Record<string, GraphTensor>> {
    const results = await this.runSession(graph, feeds, fetch, 'graph');
    const out: Record<string, GraphTensor> = {};
    for (const [name, value] of Object.entries(results)) {
      const t = value as ortTypes.Tensor;
      out[name] = { type: t.type as GraphTensor['type'], data: t.data as GraphTensor['data'], dims: t.dims };
    }
    return out;
  }

  /** The runtime module, loaded at the first call when it was given as a loader. */
  private loadRuntime(): Promise<OrtModule> {
    const ort = this.ort;
    this.runtime ??= typeof ort === 'function' ? ort() : Promise.resolve(ort);
    return this.runtime;
  }

  /** The session for a graph, created on first use; the graph's name identifies it. */
  private session(ort: OrtModule, graph: OnnxGraph): Promise<Session> {
    let session = this.sessions.get(graph.name);
    if (session === undefined) {
      session = ort.InferenceSession.create(encodeModel(graph), this.sessionOptions);
      // A failed creation is not cached, so a later call can try again.
      session.catch(() => this.sessions.delete(graph.name));
      this.sessions.set(graph.name, session);
    }
    return session;
  }

  /** `matmul` (one product, 2-d graph) or `batchedMatmul` (3-d graph); empty shapes on the TypeScript kernels. */
  private async product<T extends FloatArray>(
    op: 'matmul' | 'batchedMatmul',
    a: T,
    b: T,
    batch: number,
    m: number,
    k: number,
    n: number,
    transposeB: boolean,
  ): Promise<T> {
    checkMatmul(op, a, b, batch, m, k, n, transposeB);
    if (batch === 0 || m === 0 || k === 0 || n === 0)
      return tsKernels.batchedMatmul(a, b, batch, m, k, n, { transposeB });
    const dtype = dtypeOf(a, op, 'a');
    const lead = op === 'matmul' ? [] : [batch];
    const graph = op === 'matmul' ? matmulGraph(dtype, transposeB) : batchedMatmulGraph(dtype, transposeB);
    const out = await this.run(graph, {
      a: floatTensor(a, [...lead, m, k]),
      b: floatTensor(b, transposeB ? [...lead, n, k] : [...lead, k, n]),
    });
    return out.c as T;
  }

  /** Runs a graph and returns the data of its outputs by name (CPU typed arrays). */
  private async run(
    graph: OnnxGraph,
    feeds: Record<string, GraphTensor>,
  ): Promise<Record<string, ortTypes.Tensor['data']>> {
    const results = await this.runSession(graph, feeds, undefined, 'kernel');
    const data: Record<string, ortTypes.Tensor['data']> = {};
    for (const [name, value] of Object.entries(results)) data[name] = (value as ortTypes.Tensor).data;
    return data;
  }

  /** One run of a graph's session; a failure of ONNX Runtime becomes an {@link OrtKernelError}. */
  private async runSession(
    graph: OnnxGraph,
    feeds: Record<string, GraphTensor>,
    fetch: readonly string[] | undefined,
    what: 'graph' | 'kernel',
  ): Promise<ortTypes.InferenceSession.ReturnType> {
    const ort = await this.loadRuntime();
    const ortFeeds = toOrtFeeds(ort, feeds);
    try {
      const session = await this.session(ort, graph);
      return await (fetch ? session.run(ortFeeds, [...fetch]) : session.run(ortFeeds));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      throw new OrtKernelError(`ONNX Runtime could not run the "${graph.name}" ${what}: ${message}`);
    }
  }
}

/** Feeds as the runtime's tensors (sharing the arrays, not copying them). */
function toOrtFeeds(ort: OrtModule, feeds: Record<string, GraphTensor>): ortTypes.InferenceSession.FeedsType {
  const out: Record<string, ortTypes.Tensor> = {};
  for (const [name, t] of Object.entries(feeds))
    out[name] = new ort.Tensor(t.type, t.data as Float32Array, [...t.dims]);
  return out;
}
