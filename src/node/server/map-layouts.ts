/**
 * The server's map layouts (src/core/app/map-layouts.ts keeps the jobs), cached: a layout of a
 * stored dataset is added to it as a tensor column `<column>.map.<method>` (a new version; the next
 * launch reads it back instead of computing), of other sources in a cache folder (like thumbnails),
 * of a frame given in code in memory only. PCA is computed at once in the core with ONNX Runtime's
 * kernels; UMAP in a worker thread, reporting progress.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  embeddingPca,
  type LayoutJob,
  LayoutJobs,
  type LayoutMethod,
  layoutOfNonNullRows,
} from '../../core/app/map-layouts.js';
import { TensorColumn } from '../../core/column/tensor.js';
import type { DataFrame } from '../../core/frame/frame.js';
import { addColumns } from '../io/store/add-columns.js';
import { nodeKernels } from '../tensor/node-kernels.js';
import { umapLayout } from './umap-layout.js';

export {
  LAYOUT_METHODS,
  type LayoutJob,
  type LayoutMethod,
  layoutColumnName,
} from '../../core/app/map-layouts.js';

export interface LayoutStoreOptions {
  /** The stored dataset the frame was read from (its layouts are added to it), or null. */
  datasetPath: string | null;
  /** Folder for layouts of other sources, or null to keep them in memory only. */
  cacheDir: string | null;
  /** Most rows UMAP is run on (default 200 000): beyond, it would take too long. */
  maxUmapRows?: number;
}

export class LayoutStore {
  private readonly jobs: LayoutJobs;

  /** `frame` gives the frame served now (slice discovery replaces it by one with a column more). */
  constructor(
    private readonly frame: () => DataFrame,
    private readonly options: LayoutStoreOptions,
  ) {
    this.jobs = new LayoutJobs(
      frame,
      (embedding, name, method, step, signal) => this.compute(embedding, name, method, step, signal),
      options.maxUmapRows,
    );
  }

  /** The layout of `column` by `method`: the one known, or a new job (checked here, so errors are at once). */
  layout(column: string, method: LayoutMethod): LayoutJob {
    return this.jobs.layout(column, method);
  }

  /** Stop every layout still computing (when the server closes). */
  close(): void {
    this.jobs.close();
  }

  private async compute(
    embedding: TensorColumn,
    name: string,
    method: LayoutMethod,
    step: (done: number, total: number) => void,
    signal: AbortSignal,
  ): Promise<Float32Array> {
    const cached = this.cached(name, embedding.length);
    if (cached !== null) return cached;
    const xy =
      method === 'pca'
        ? // ONNX Runtime for the large products (the projection of every row), by size.
          await embeddingPca(embedding, nodeKernels())
        : await layoutOfNonNullRows(embedding, (rows, count, dims) =>
            umapLayout(rows, count, dims, { onProgress: step, signal }),
          );
    await this.save(name, xy);
    return xy;
  }

  /** A layout cached earlier: a column of the frame (a stored dataset's), or a file of the cache folder. */
  private cached(name: string, rows: number): Float32Array | null {
    const frame = this.frame();
    if (frame.has(name)) {
      const col = frame.column(name);
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
    if (this.options.datasetPath !== null && !this.frame().has(name)) {
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
