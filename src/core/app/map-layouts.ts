/**
 * The map's 2-D layouts of embedding columns, one per (column, method), each computed once and kept
 * as a job that reports its progress: the part the app's server (src/node/server/map-layouts.ts: a
 * cache on disk, ONNX Runtime, UMAP in a worker thread) and the in-tab worker share. How a layout
 * is computed is the caller's {@link LayoutCompute}; this checks the column, keeps the jobs, follows
 * their progress as the events of `GET api/map/:column/events`, and registers every layout for the
 * `in polygon` filter under its column name.
 */
import { TensorColumn } from '../column/tensor.js';
import { InvalidArgumentError, TypeMismatchError } from '../errors.js';
import type { DataFrame } from '../frame/frame.js';
import { pcaLayout } from '../layout/pca.js';
import type { TensorKernels } from '../tensor/kernels.js';
import { registerLayoutPoints } from './polygon-condition.js';

export type LayoutMethod = 'pca' | 'umap';
export const LAYOUT_METHODS: readonly LayoutMethod[] = ['pca', 'umap'];

/** Epochs (or steps) done and in all; equal when done. */
export interface LayoutProgress {
  done: number;
  total: number;
}

/** One layout: done or on its way. */
export interface LayoutJob {
  /** The layout's column name, `<column>.map.<method>`. */
  readonly name: string;
  readonly method: LayoutMethod;
  progress: LayoutProgress;
  /** `x, y` per row of the frame, in row order (NaN for a null embedding). */
  readonly result: Promise<Float32Array>;
  /** Called on each progress step. */
  readonly listeners: Set<(progress: LayoutProgress) => void>;
}

/** Computes the layout `name` of an embedding column, calling `step` as it goes. */
export type LayoutCompute = (
  embedding: TensorColumn,
  name: string,
  method: LayoutMethod,
  step: (done: number, total: number) => void,
  signal: AbortSignal,
) => Promise<Float32Array>;

/**
 * The headers of a layout reply (`GET api/map/:column`), whose body is float32 `x, y` per row: the
 * layout's column name (URI-encoded) for the `in polygon` filter, and its rows.
 */
export function layoutHeaders(job: LayoutJob, xy: Float32Array): Record<string, string> {
  return { [LAYOUT_NAME_HEADER]: encodeURIComponent(job.name), 'x-tessera-rows': String(xy.length / 2) };
}

/** The header that names a layout reply's layout. */
export const LAYOUT_NAME_HEADER = 'x-tessera-layout';

/** The name a layout of `column` by `method` has as a column. */
export function layoutColumnName(column: string, method: LayoutMethod): string {
  return `${column}.map.${method}`;
}

/** The layouts of one frame's embedding columns (see the file's comment). */
export class LayoutJobs {
  private readonly jobs = new Map<string, LayoutJob>();
  private readonly abort = new AbortController();

  /**
   * `frame` gives the frame served now (slice discovery may replace it by one with a column more);
   * `maxUmapRows` is the most rows UMAP is run on (default 200 000): beyond, it would take too long.
   */
  constructor(
    private readonly frame: () => DataFrame,
    private readonly compute: LayoutCompute,
    private readonly maxUmapRows = 200_000,
  ) {}

  /** The layout of `column` by `method`: the one known, or a new job (checked here, so errors are at once). */
  layout(column: string, method: LayoutMethod): LayoutJob {
    const name = layoutColumnName(column, method);
    const known = this.jobs.get(name);
    if (known !== undefined) return known;
    const embedding = embeddingColumn(this.frame(), column);
    if (method === 'umap' && embedding.length > this.maxUmapRows)
      throw new InvalidArgumentError(
        `UMAP is limited to ${this.maxUmapRows.toLocaleString('en-US')} rows here and column "${column}" has ${embedding.length.toLocaleString('en-US')}; use method=pca`,
      );
    const listeners = new Set<(progress: LayoutProgress) => void>();
    const job = { name, method, progress: { done: 0, total: 1 }, listeners } as {
      -readonly [K in keyof LayoutJob]: LayoutJob[K];
    };
    const step = (done: number, total: number) => {
      job.progress = { done, total };
      for (const listen of listeners) listen(job.progress);
    };
    job.result = this.compute(embedding, name, method, step, this.abort.signal).then((xy) => {
      step(1, 1);
      registerLayoutPoints(this.frame(), name, xy);
      return xy;
    });
    // A failed layout is not kept: asking again tries again.
    job.result.catch(() => this.jobs.delete(name));
    this.jobs.set(name, job);
    return job;
  }

  /** Stop every layout still computing (the server closes, the tab opens another file). */
  close(): void {
    this.abort.abort();
  }
}

/** An event of a layout's progress stream: `progress` (repeated), then `complete` or `failed`. */
export type LayoutEvent =
  | { event: 'progress'; data: { name: string } & LayoutProgress }
  | { event: 'complete'; data: { name: string } }
  | { event: 'failed'; data: { name: string; message: string } };

/**
 * Follow `job`: its progress now and on each step, then `complete` or `failed`, then `end()`.
 * The returned function stops following (the client went away).
 */
export function followLayoutJob(job: LayoutJob, send: (e: LayoutEvent) => void, end: () => void): () => void {
  const progress = (p: LayoutProgress) => send({ event: 'progress', data: { name: job.name, ...p } });
  progress(job.progress);
  job.listeners.add(progress);
  job.result
    .then(
      () => send({ event: 'complete', data: { name: job.name } }),
      (e: unknown) =>
        send({
          event: 'failed',
          data: { name: job.name, message: e instanceof Error ? e.message : String(e) },
        }),
    )
    .finally(() => {
      job.listeners.delete(progress);
      end();
    });
  return () => job.listeners.delete(progress);
}

/** `column` of `frame` if it is an embedding column (1-D float32 or float64 tensors), else a typed error. */
export function embeddingColumn(frame: DataFrame, column: string): TensorColumn {
  const col = frame.column(column);
  if (
    !(col instanceof TensorColumn) ||
    col.shape.length !== 1 ||
    (col.dtype !== 'float32' && col.dtype !== 'float64')
  )
    throw new TypeMismatchError(
      `the map lays out embedding columns (1-D float32 or float64 tensors); column "${column}" is ${col.type.kind === 'tensor' ? `a ${col.type.dtype} tensor of shape [${col.type.shape.join(', ')}]` : `a ${col.type.kind} column`}`,
    );
  return col;
}

/** The PCA layout of an embedding column (null rows get NaN); `kernels` for the large products. */
export function embeddingPca(embedding: TensorColumn, kernels?: TensorKernels): Promise<Float32Array> {
  return pcaLayout(embedding.data as Float32Array | Float64Array, embedding.length, embedding.rowSize, {
    ...(embedding.validity !== null ? { isNull: (i: number) => embedding.isNull(i) } : {}),
    ...(kernels !== undefined ? { kernels } : {}),
  });
}

/**
 * A layout computed over the non-null rows only (UMAP): `lay` gets those rows as float64
 * `[rows, dims]` and returns `x, y` per row; the result has NaN for the null rows, in frame row order.
 */
export async function layoutOfNonNullRows(
  embedding: TensorColumn,
  lay: (rows: Float64Array, count: number, dims: number) => Promise<Float32Array>,
): Promise<Float32Array> {
  const dims = embedding.rowSize;
  const kept: number[] = [];
  for (let i = 0; i < embedding.length; i++) if (!embedding.isNull(i)) kept.push(i);
  const rows = new Float64Array(kept.length * dims);
  kept.forEach((i, r) => {
    rows.set(embedding.data.subarray(i * dims, (i + 1) * dims) as Float32Array, r * dims);
  });
  const laid = await lay(rows, kept.length, dims);
  const xy = new Float32Array(embedding.length * 2).fill(Number.NaN);
  kept.forEach((i, r) => {
    xy[2 * i] = laid[2 * r];
    xy[2 * i + 1] = laid[2 * r + 1];
  });
  return xy;
}
