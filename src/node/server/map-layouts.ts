/**
 * The map's 2-D layouts of embedding columns, one per (column, method), computed once per server and
 * cached: a layout of a stored dataset is added to it as a tensor column `<column>.map.<method>` (a
 * new version; the next launch reads it back instead of computing), of other sources in a cache
 * folder (like thumbnails), of a frame given in code in memory only. PCA is computed at once in the
 * core; UMAP in a worker thread, reporting progress. Every layout is registered for the `in polygon`
 * filter under its column name.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { registerLayoutPoints } from '../../core/app/polygon-condition.js';
import { TensorColumn } from '../../core/column/tensor.js';
import { InvalidArgumentError, TypeMismatchError } from '../../core/errors.js';
import type { DataFrame } from '../../core/frame/frame.js';
import { pcaLayout } from '../../core/layout/pca.js';
import { addColumns } from '../io/store/add-columns.js';
import { nodeKernels } from '../tensor/node-kernels.js';
import { umapLayout } from './umap-layout.js';

export type LayoutMethod = 'pca' | 'umap';
export const LAYOUT_METHODS: readonly LayoutMethod[] = ['pca', 'umap'];

/** One layout: done or on its way. */
export interface LayoutJob {
  /** The layout's column name, `<column>.map.<method>`. */
  readonly name: string;
  readonly method: LayoutMethod;
  /** Epochs (or steps) done and in all; equal when done. */
  progress: { done: number; total: number };
  /** `x, y` per row of the frame, in row order (NaN for a null embedding). */
  readonly result: Promise<Float32Array>;
  /** Called on each progress step. */
  readonly listeners: Set<(progress: { done: number; total: number }) => void>;
}

export interface LayoutStoreOptions {
  /** The stored dataset the frame was read from (its layouts are added to it), or null. */
  datasetPath: string | null;
  /** Folder for layouts of other sources, or null to keep them in memory only. */
  cacheDir: string | null;
  /** Most rows UMAP is run on (default 200 000): beyond, it would take too long. */
  maxUmapRows?: number;
}

/** The name a layout of `column` by `method` has as a column. */
export function layoutColumnName(column: string, method: LayoutMethod): string {
  return `${column}.map.${method}`;
}

export class LayoutStore {
  private readonly jobs = new Map<string, LayoutJob>();
  private readonly abort = new AbortController();
  private readonly maxUmapRows: number;

  constructor(
    private readonly frame: DataFrame,
    private readonly options: LayoutStoreOptions,
  ) {
    this.maxUmapRows = options.maxUmapRows ?? 200_000;
  }

  /** The layout of `column` by `method`: the one known, or a new job (checked here, so errors are at once). */
  layout(column: string, method: LayoutMethod): LayoutJob {
    const name = layoutColumnName(column, method);
    const known = this.jobs.get(name);
    if (known !== undefined) return known;
    const embedding = this.embedding(column);
    if (method === 'umap' && embedding.length > this.maxUmapRows)
      throw new InvalidArgumentError(
        `UMAP is limited to ${this.maxUmapRows.toLocaleString('en-US')} rows here and column "${column}" has ${embedding.length.toLocaleString('en-US')}; use method=pca`,
      );
    const job: LayoutJob = {
      name,
      method,
      progress: { done: 0, total: 1 },
      listeners: new Set(),
      result: Promise.resolve(new Float32Array(0)), // replaced below
    };
    const step = (done: number, total: number) => {
      job.progress = { done, total };
      for (const listen of job.listeners) listen(job.progress);
    };
    (job as { result: Promise<Float32Array> }).result = this.compute(embedding, name, method, step).then(
      (xy) => {
        step(1, 1);
        registerLayoutPoints(this.frame, name, xy);
        return xy;
      },
    );
    // A failed layout is not kept: asking again tries again.
    job.result.catch(() => this.jobs.delete(name));
    this.jobs.set(name, job);
    return job;
  }

  /** Stop every layout still computing (when the server closes). */
  close(): void {
    this.abort.abort();
  }

  private embedding(column: string): TensorColumn {
    const col = this.frame.column(column);
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

  private async compute(
    embedding: TensorColumn,
    name: string,
    method: LayoutMethod,
    step: (done: number, total: number) => void,
  ): Promise<Float32Array> {
    const cached = this.cached(name, embedding.length);
    if (cached !== null) return cached;
    const xy = method === 'pca' ? await this.pca(embedding) : await this.umap(embedding, step);
    await this.save(name, xy);
    return xy;
  }

  private pca(embedding: TensorColumn): Promise<Float32Array> {
    const dims = embedding.rowSize;
    return pcaLayout(embedding.data as Float32Array | Float64Array, embedding.length, dims, {
      ...(embedding.validity !== null ? { isNull: (i: number) => embedding.isNull(i) } : {}),
      // ONNX Runtime for the large products (the projection of every row), by size.
      kernels: nodeKernels(),
    });
  }

  private async umap(
    embedding: TensorColumn,
    step: (done: number, total: number) => void,
  ): Promise<Float32Array> {
    const dims = embedding.rowSize;
    const kept: number[] = [];
    for (let i = 0; i < embedding.length; i++) if (!embedding.isNull(i)) kept.push(i);
    const rows = new Float64Array(kept.length * dims);
    kept.forEach((i, r) => {
      rows.set(embedding.data.subarray(i * dims, (i + 1) * dims) as Float32Array, r * dims);
    });
    const laid = await umapLayout(rows, kept.length, dims, { onProgress: step, signal: this.abort.signal });
    const xy = new Float32Array(embedding.length * 2).fill(Number.NaN);
    kept.forEach((i, r) => {
      xy[2 * i] = laid[2 * r];
      xy[2 * i + 1] = laid[2 * r + 1];
    });
    return xy;
  }

  /** A layout cached earlier: a column of the frame (a stored dataset's), or a file of the cache folder. */
  private cached(name: string, rows: number): Float32Array | null {
    if (this.frame.has(name)) {
      const col = this.frame.column(name);
      if (col instanceof TensorColumn && col.rowSize === 2 && col.dtype === 'float32')
        return col.data as Float32Array;
    }
    const file = this.cacheFile(name);
    if (file === null) return null;
    try {
      const bytes = fs.readFileSync(file);
      if (bytes.length !== rows * 8) return null; // not this source's: recompute
      const xy = new Float32Array(rows * 2);
      new Uint8Array(xy.buffer).set(bytes);
      return xy;
    } catch {
      return null;
    }
  }

  /** Keep a new layout: in the dataset when there is one (else, or when that fails, in the cache folder). */
  private async save(name: string, xy: Float32Array): Promise<void> {
    if (this.options.datasetPath !== null && !this.frame.has(name)) {
      try {
        await addColumns(this.options.datasetPath, { [name]: new TensorColumn(xy, [2]) });
        return;
      } catch {
        // Another writer holds the dataset, or it is read-only: the cache folder still serves.
      }
    }
    const file = this.cacheFile(name);
    if (file === null) return;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const temp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(temp, new Uint8Array(xy.buffer, xy.byteOffset, xy.byteLength));
      fs.renameSync(temp, file);
    } catch {
      // A cache that cannot be written only costs a recomputation.
    }
  }

  private cacheFile(name: string): string | null {
    return this.options.cacheDir === null
      ? null
      : path.join(this.options.cacheDir, `${encodeURIComponent(name)}.f32`);
  }
}
